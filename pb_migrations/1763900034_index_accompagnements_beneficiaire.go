package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A person's one-to-one help is looked up by "beneficiaire = ?" (profile,
// anonymisation, retention, merging, export). The index only held the rows
// with a person (a partial index, WHERE beneficiaire is not empty): SQLite
// uses it only when the query repeats that condition, so each look-up read
// every help of the instance, and at the scale of a region (6 million)
// the retention run took minutes per person. The index now holds every row.
func init() {
	m.Register(func(app core.App) error {
		return setAccompagnementsBeneficiaireIndex(app, "")
	}, func(app core.App) error {
		return setAccompagnementsBeneficiaireIndex(app, "beneficiaire != ''")
	})
}

func setAccompagnementsBeneficiaireIndex(app core.App, where string) error {
	accompagnements, err := app.FindCollectionByNameOrId("accompagnements")
	if err != nil {
		return fmt.Errorf("index accompagnements.beneficiaire: %w", err)
	}
	accompagnements.RemoveIndex("idx_accompagnements_beneficiaire")
	accompagnements.AddIndex("idx_accompagnements_beneficiaire", false, "beneficiaire", where)
	if err := app.Save(accompagnements); err != nil {
		return fmt.Errorf("index accompagnements.beneficiaire: %w", err)
	}
	return nil
}
