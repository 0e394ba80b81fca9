package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The scheduler retries failed messages: envois keeps the message itself
// (plain text and HTML) so that a retry sends exactly what failed. Both
// hold personal data (names, dates, personal links): hidden from the REST
// API, and purged with their envois row by the retention job.
//
// The reminder and attendance jobs look for planned sessions by date every
// quarter of an hour: an index on (statut, debut) keeps that cheap.
func init() {
	m.Register(func(app core.App) error {
		return setMessageFields(app, true)
	}, func(app core.App) error {
		return setMessageFields(app, false)
	})
}

const maxMessage = 100000

func setMessageFields(app core.App, present bool) error {
	envois, err := app.FindCollectionByNameOrId("envois")
	if err != nil {
		return fmt.Errorf("message fields of envois: %w", err)
	}
	seances, err := app.FindCollectionByNameOrId("seances")
	if err != nil {
		return fmt.Errorf("index seances.statut: %w", err)
	}
	if present {
		envois.Fields.Add(
			&core.TextField{Name: "texte", Max: maxMessage, Hidden: true},
			&core.TextField{Name: "html", Max: maxMessage, Hidden: true},
		)
		seances.AddIndex("idx_seances_statut_debut", false, "statut, debut", "")
	} else {
		envois.Fields.RemoveByName("texte")
		envois.Fields.RemoveByName("html")
		seances.RemoveIndex("idx_seances_statut_debut")
	}
	if err := app.Save(envois); err != nil {
		return fmt.Errorf("message fields of envois: %w", err)
	}
	if err := app.Save(seances); err != nil {
		return fmt.Errorf("index seances.statut: %w", err)
	}
	return nil
}
