package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The home page's "Où ?" filter looks for places with upcoming sessions.
func init() {
	m.Register(func(app core.App) error {
		return setSeancesLieuIndex(app, true)
	}, func(app core.App) error {
		return setSeancesLieuIndex(app, false)
	})
}

func setSeancesLieuIndex(app core.App, present bool) error {
	seances, err := app.FindCollectionByNameOrId("seances")
	if err != nil {
		return fmt.Errorf("index seances.lieu: %w", err)
	}
	if present {
		seances.AddIndex("idx_seances_lieu_debut", false, "lieu, debut", "")
	} else {
		seances.RemoveIndex("idx_seances_lieu_debut")
	}
	if err := app.Save(seances); err != nil {
		return fmt.Errorf("index seances.lieu: %w", err)
	}
	return nil
}
