package pb_migrations

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// SMS that reach people who gave only a mobile number:
//   - the provider and its keys are in the settings record, chosen by
//     coordinateurs on /espace/sms; keys are hidden fields, and the
//     settings stay closed to the REST API (administrators only);
//   - each structure has a monthly budget of SMS segments, so that a
//     busy month does not empty the provider's credit: past it, a message
//     is recorded as failed and staff phone the person;
//   - providers post delivery reports to /sms/retours/{fournisseur}/{secret}:
//     the secret is generated here, the report is kept on the envois row.
func init() {
	m.Register(func(app core.App) error {
		if err := setSMSFields(app, true); err != nil {
			return err
		}
		return addRateLimits(app, smsRateLimits)
	}, func(app core.App) error {
		if err := removeRateLimits(app, smsRateLimits); err != nil {
			return err
		}
		return setSMSFields(app, false)
	})
}

// defaultBudgetSMS is the monthly budget, in SMS segments, of the
// structures that exist (new ones get envois.DefaultBudgetSMS).
const defaultBudgetSMS = 300

// smsRateLimits: a provider posts one report per message and state, in
// bursts after a reminder round; a guesser of secrets gets few tries.
var smsRateLimits = []core.RateLimitRule{
	{Label: "/sms/retours/", MaxRequests: 300, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
}

func setSMSFields(app core.App, present bool) error {
	parametres, err := app.FindCollectionByNameOrId("parametres")
	if err != nil {
		return fmt.Errorf("sms settings: %w", err)
	}
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return fmt.Errorf("sms budget: %w", err)
	}
	envois, err := app.FindCollectionByNameOrId("envois")
	if err != nil {
		return fmt.Errorf("sms delivery: %w", err)
	}
	if present {
		parametres.Fields.Add(
			&core.SelectField{Name: "sms_fournisseur", MaxSelect: 1, Values: []string{"brevo", "ovh", "http"},
				Help: "Le fournisseur qui envoie les SMS (aucun si vide). Se règle dans l'espace, page « SMS »."},
			&core.TextField{Name: "sms_expediteur", Max: 11, Pattern: `^[A-Za-z0-9]*$`,
				Help: "Nom affiché comme expéditeur des SMS : 3 à 11 lettres ou chiffres, sans espace ni accent"},
			&core.TextField{Name: "sms_brevo_cle", Max: 200, Hidden: true},
			&core.TextField{Name: "sms_ovh_service", Max: 100, Pattern: `^[A-Za-z0-9._-]*$`},
			&core.TextField{Name: "sms_ovh_cle_application", Max: 200, Hidden: true},
			&core.TextField{Name: "sms_ovh_secret_application", Max: 200, Hidden: true},
			&core.TextField{Name: "sms_ovh_cle_consommateur", Max: 200, Hidden: true},
			&core.TextField{Name: "sms_http_url", Max: 500, Hidden: true},
			&core.TextField{Name: "sms_http_jeton", Max: 500, Hidden: true},
			&core.TextField{Name: "sms_retours_secret", Max: 64, Hidden: true,
				Help: "Secret de l'adresse où les fournisseurs envoient les accusés de réception"},
		)
		structures.Fields.Add(&core.NumberField{Name: "sms_budget_mensuel", Min: floatPtr(0), Max: floatPtr(1000000), OnlyInt: true,
			Help: "Combien de SMS (parties de SMS) la structure envoie au plus par mois ; vide : sans limite"})
		envois.Fields.Add(
			number("sms_segments", false, 0, 100),
			date("sms_compte_le", false),
			text("fournisseur_id", false, 100),
			&core.SelectField{Name: "livraison", MaxSelect: 1, Values: []string{"en_cours", "livre", "non_livre"}},
			date("livraison_le", false),
		)
		envois.AddIndex("idx_envois_fournisseur_id", false, "fournisseur_id", "fournisseur_id != ''")
		envois.AddIndex("idx_envois_sms_budget", false, "structure, sms_compte_le", "sms_segments > 0")
	} else {
		for _, name := range []string{"sms_fournisseur", "sms_expediteur", "sms_brevo_cle", "sms_ovh_service",
			"sms_ovh_cle_application", "sms_ovh_secret_application", "sms_ovh_cle_consommateur",
			"sms_http_url", "sms_http_jeton", "sms_retours_secret"} {
			parametres.Fields.RemoveByName(name)
		}
		structures.Fields.RemoveByName("sms_budget_mensuel")
		envois.RemoveIndex("idx_envois_fournisseur_id")
		envois.RemoveIndex("idx_envois_sms_budget")
		for _, name := range []string{"sms_segments", "sms_compte_le", "fournisseur_id", "livraison", "livraison_le"} {
			envois.Fields.RemoveByName(name)
		}
	}
	for _, c := range []*core.Collection{parametres, structures, envois} {
		if err := app.Save(c); err != nil {
			return fmt.Errorf("sms fields of %s: %w", c.Name, err)
		}
	}
	if !present {
		return nil
	}
	// Existing structures get the default budget, like new ones
	// (envois.RegisterSMS).
	if _, err := app.DB().Update("structures", dbx.Params{"sms_budget_mensuel": defaultBudgetSMS},
		dbx.NewExp("sms_budget_mensuel = 0 OR sms_budget_mensuel IS NULL")).Execute(); err != nil {
		return fmt.Errorf("default sms budget: %w", err)
	}
	secret := make([]byte, 24)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("sms reports secret: %w", err)
	}
	if _, err := app.DB().Update("parametres", dbx.Params{"sms_retours_secret": hex.EncodeToString(secret)},
		dbx.NewExp("sms_retours_secret = ''")).Execute(); err != nil {
		return fmt.Errorf("sms reports secret: %w", err)
	}
	return nil
}
