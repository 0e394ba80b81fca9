package rgpd

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// LoadPrivacySettings reads the settings record (the oldest one, should an
// administrator have made another); without one, the defaults apply.
func LoadPrivacySettings(app core.App) (PrivacySettings, error) {
	s := PrivacySettings{InactiviteMois: defaultInactiviteMois, EnvoisMois: defaultEnvoisMois}
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

// PrivacySettings are the instance's privacy settings.
type PrivacySettings struct {
	Responsable, Adresse, Courriel string
	DPONom, DPOCourriel            string
	InactiviteMois, EnvoisMois     int
}

// Retention periods used when the settings record is missing.
const (
	defaultInactiviteMois = 12
	defaultEnvoisMois     = 12
)

// CountSettings counts the privacy settings records (there is one).
func CountSettings(app core.App) (int, error) {
	var n int
	if err := app.DB().Select("count(*)").From("parametres").Row(&n); err != nil {
		return 0, fmt.Errorf("count settings: %w", err)
	}
	return n, nil
}
