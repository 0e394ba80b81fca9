package hooks

import (
	"fmt"
	"strings"

	"atelier/hooks/beneficiaires"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// The instance's privacy settings (collection parametres, one record edited
// by administrators in /_/) and the public page /confidentialite generated
// from them: what is kept, why, for how long, who sees it and how to
// exercise one's rights, in plain French.

// Retention periods used when the settings record is missing.
const (
	defaultInactiviteMois = 12
	defaultEnvoisMois     = 12
)

// privacySettings are the instance's privacy settings.
type privacySettings struct {
	Responsable, Adresse, Courriel string
	DPONom, DPOCourriel            string
	InactiviteMois, EnvoisMois     int
}

// loadPrivacySettings reads the settings record (the oldest one, should an
// administrator have made another); without one, the defaults apply.
func loadPrivacySettings(app core.App) (privacySettings, error) {
	s := privacySettings{InactiviteMois: defaultInactiviteMois, EnvoisMois: defaultEnvoisMois}
	records, err := app.FindRecordsByFilter("parametres", "id != ''", "created", 1, 0)
	if err != nil {
		return s, fmt.Errorf("privacy settings: %w", err)
	}
	if len(records) == 0 {
		return s, nil
	}
	r := records[0]
	s.Responsable = strings.TrimSpace(r.GetString("responsable_traitement"))
	s.Adresse = strings.TrimSpace(r.GetString("adresse_postale"))
	s.Courriel = r.GetString("contact_courriel")
	s.DPONom = strings.TrimSpace(r.GetString("dpo_nom"))
	s.DPOCourriel = r.GetString("dpo_courriel")
	if n := r.GetInt("duree_inactivite_mois"); n > 0 {
		s.InactiviteMois = n
	}
	if n := r.GetInt("duree_envois_mois"); n > 0 {
		s.EnvoisMois = n
	}
	return s, nil
}

// registerSettingsHooks keeps the settings a single record, and the public
// privacy page in step with them.
func registerSettingsHooks(app core.App, cache *pageCache) {
	app.OnRecordCreate("parametres").BindFunc(func(e *core.RecordEvent) error {
		var n int
		if err := e.App.DB().Select("count(*)").From("parametres").Row(&n); err != nil {
			return fmt.Errorf("count settings: %w", err)
		}
		if n > 0 {
			return validation.Errors{"responsable_traitement": frenchError("singleton",
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
	privacySettings
	Version          string
	Sauvegardes      int // how many backups are kept; 0 when automatic backups are off
	ResponsableConnu bool
}

func confidentialiteHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return pe.renderCached(e, "/confidentialite", "confidentialite", "Vos données personnelles", func() (any, error) {
			s, err := loadPrivacySettings(e.App)
			if err != nil {
				return nil, err
			}
			data := &confidentialiteData{privacySettings: s, Version: beneficiaires.PrivacyVersion, ResponsableConnu: s.Responsable != ""}
			if backups := e.App.Settings().Backups; backups.Cron != "" {
				data.Sauvegardes = backups.CronMaxKeep
			}
			return data, nil
		})
	}
}
