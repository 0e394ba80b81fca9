package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Anonymising a person also anonymises the duplicates merged into them
// ("fusionne_vers = ?"). Without an index each anonymisation read every
// person of the instance: at the scale of a region (a million people) the
// nightly retention spent a third of a second per person, minutes a night.
func init() {
	m.Register(func(app core.App) error {
		return setFusionneVersIndex(app, true)
	}, func(app core.App) error {
		return setFusionneVersIndex(app, false)
	})
}

func setFusionneVersIndex(app core.App, add bool) error {
	beneficiaires, err := app.FindCollectionByNameOrId("beneficiaires")
	if err != nil {
		return fmt.Errorf("index beneficiaires.fusionne_vers: %w", err)
	}
	beneficiaires.RemoveIndex("idx_beneficiaires_fusionne_vers")
	if add {
		beneficiaires.AddIndex("idx_beneficiaires_fusionne_vers", false, "fusionne_vers", "")
	}
	if err := app.Save(beneficiaires); err != nil {
		return fmt.Errorf("index beneficiaires.fusionne_vers: %w", err)
	}
	return nil
}
