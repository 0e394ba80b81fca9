package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The public registration form is limited whoever sends it:
//   - the per-IP rate limits count signed-in requests too (an auth token
//     used to skip them);
//   - one IP address, and one phone number or e-mail, take a few places of
//     a session at most: each registration keeps a keyed mark of the IP
//     address it came from (not the address itself) and of the form shown,
//     which also tells a double submit from another person's;
//   - the administrators set those few places in the settings.
func init() {
	m.Register(func(app core.App) error {
		if err := setPublicFormLimits(app, true); err != nil {
			return err
		}
		return setRateLimitAudience(app, publicFormLabels, core.RateLimitRuleAudienceAll)
	}, func(app core.App) error {
		if err := setPublicFormLimits(app, false); err != nil {
			return err
		}
		return setRateLimitAudience(app, publicFormLabels, core.RateLimitRuleAudienceGuest)
	})
}

// publicFormLabels are the rate-limit rules of the public forms.
var publicFormLabels = []string{"POST /ateliers/", "POST /inscription/"}

func setPublicFormLimits(app core.App, present bool) error {
	inscriptions, err := app.FindCollectionByNameOrId("inscriptions")
	if err != nil {
		return fmt.Errorf("public form limits: %w", err)
	}
	parametres, err := app.FindCollectionByNameOrId("parametres")
	if err != nil {
		return fmt.Errorf("public form limits: %w", err)
	}
	if present {
		inscriptions.Fields.Add(
			&core.TextField{Name: "empreinte_ip", Max: 40, Hidden: true},
			&core.TextField{Name: "empreinte_formulaire", Max: 40, Hidden: true},
		)
		inscriptions.AddIndex("idx_inscriptions_empreinte_ip", false, "seance, empreinte_ip", "empreinte_ip != ''")
		parametres.Fields.Add(
			&core.NumberField{Name: "places_par_ip", Min: floatPtr(1), Max: floatPtr(100), OnlyInt: true,
				Help: "Combien de places d'une séance une même connexion (adresse IP) peut prendre par le formulaire public (6 si vide)"},
			&core.NumberField{Name: "places_par_contact", Min: floatPtr(1), Max: floatPtr(100), OnlyInt: true,
				Help: "Combien de places d'une séance un même téléphone ou e-mail peut prendre par le formulaire public (4 si vide)"},
		)
	} else {
		inscriptions.RemoveIndex("idx_inscriptions_empreinte_ip")
		inscriptions.Fields.RemoveByName("empreinte_ip")
		inscriptions.Fields.RemoveByName("empreinte_formulaire")
		parametres.Fields.RemoveByName("places_par_ip")
		parametres.Fields.RemoveByName("places_par_contact")
	}
	if err := app.Save(inscriptions); err != nil {
		return fmt.Errorf("public form limits of inscriptions: %w", err)
	}
	if err := app.Save(parametres); err != nil {
		return fmt.Errorf("public form limits of parametres: %w", err)
	}
	return nil
}
