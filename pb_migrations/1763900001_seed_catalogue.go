package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The default catalogue: shared workshops every structure can
// plan at once and edit afterwards.
func init() {
	m.Register(seedCatalogue, unseedCatalogue)
}

func seedCatalogue(app core.App) error {
	if err := validateCatalogue(defaultCatalogue); err != nil {
		return fmt.Errorf("seed catalogue: %w", err)
	}
	ateliers, err := app.FindCollectionByNameOrId("ateliers")
	if err != nil {
		return fmt.Errorf("seed catalogue: %w", err)
	}
	for _, entry := range defaultCatalogue {
		exists, err := sharedWorkshopExists(app, entry.Titre)
		if err != nil {
			return fmt.Errorf("seed catalogue %q: %w", entry.Titre, err)
		}
		if exists {
			continue // an administrator may have re-created it by hand
		}
		record := core.NewRecord(ateliers)
		record.Load(map[string]any{
			"titre":           entry.Titre,
			"besoin":          entry.Besoin,
			"thematiques":     entry.Thematiques,
			"resume":          entry.Resume,
			"description":     entry.Description,
			"objectifs":       entry.Objectifs,
			"prerequis":       entry.Prerequis,
			"niveau":          entry.Niveau,
			"duree_minutes":   entry.DureeMinutes,
			"capacite_defaut": entry.CapaciteDefaut,
			"materiel":        entry.Materiel,
			"a_apporter":      entry.AApporter,
			"actif":           true,
		})
		if err := app.Save(record); err != nil {
			return fmt.Errorf("seed catalogue %q: %w", entry.Titre, err)
		}
	}
	return nil
}

func sharedWorkshopExists(app core.App, titre string) (bool, error) {
	var count int
	err := app.DB().Select("count(*)").From("ateliers").
		Where(dbx.NewExp("titre = {:titre} AND structure = ''", dbx.Params{"titre": titre})).
		Row(&count)
	return count > 0, err
}

// unseedCatalogue removes the seeded entries that no session uses yet.
func unseedCatalogue(app core.App) error {
	for _, entry := range defaultCatalogue {
		records, err := app.FindAllRecords("ateliers",
			dbx.NewExp("titre = {:titre} AND structure = ''", dbx.Params{"titre": entry.Titre}))
		if err != nil {
			return fmt.Errorf("unseed catalogue %q: %w", entry.Titre, err)
		}
		for _, r := range records {
			var used int
			if err := app.DB().Select("count(*)").From("seances").
				Where(dbx.HashExp{"atelier": r.Id}).Row(&used); err != nil {
				return fmt.Errorf("unseed catalogue %q: %w", entry.Titre, err)
			}
			if used > 0 {
				continue
			}
			if err := app.Delete(r); err != nil {
				return fmt.Errorf("unseed catalogue %q: %w", entry.Titre, err)
			}
		}
	}
	return nil
}
