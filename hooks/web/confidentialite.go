package web

import (
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/model"
	"atelier/hooks/rgpd"
)

// RegisterSettingsHooks keeps the settings a single record, and the public
// privacy page in step with them.
func RegisterSettingsHooks(app core.App, cache *PageCache) {
	app.OnRecordCreate("parametres").BindFunc(func(e *core.RecordEvent) error {
		n, err := rgpd.CountSettings(e.App)
		if err != nil {
			return err
		}
		if n > 0 {
			return validation.Errors{"responsable_traitement": model.FrenchError("singleton",
				"Les paramètres existent déjà : modifiez-les plutôt que d'en créer d'autres.")}
		}
		return e.Next()
	})
	bump := func(e *core.ModelEvent) error {
		cache.invalidate()
		return e.Next()
	}
	app.OnModelAfterCreateSuccess("parametres").BindFunc(bump)
	app.OnModelAfterUpdateSuccess("parametres").BindFunc(bump)
	app.OnModelAfterDeleteSuccess("parametres").BindFunc(bump)
}

// confidentialiteData is what the privacy page shows.
type confidentialiteData struct {
	rgpd.PrivacySettings
	Version          string
	Sauvegardes      int // how many backups are kept; 0 when automatic backups are off
	ResponsableConnu bool
}

func confidentialiteHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return pe.renderCached(e, "/confidentialite", "confidentialite", "Vos données personnelles", func() (any, error) {
			s, err := rgpd.LoadPrivacySettings(e.App)
			if err != nil {
				return nil, err
			}
			data := &confidentialiteData{PrivacySettings: s, Version: beneficiaires.PrivacyVersion, ResponsableConnu: s.Responsable != ""}
			if backups := e.App.Settings().Backups; backups.Cron != "" {
				data.Sauvegardes = backups.CronMaxKeep
			}
			return data, nil
		})
	}
}
