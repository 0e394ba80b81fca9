package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The first start without /_/: `atelier serve` on an instance with no
// staff account prints a link /installation?jeton=…; only the SHA-256
// of its token is kept, in a hidden field of parametres, so that a copy
// of the database does not open the page. The page is limited per IP like
// the sign-in form.
func init() {
	m.Register(func(app core.App) error {
		if err := setInstallationField(app, true); err != nil {
			return err
		}
		return addRateLimits(app, installationRateLimits)
	}, func(app core.App) error {
		if err := removeRateLimits(app, installationRateLimits); err != nil {
			return err
		}
		return setInstallationField(app, false)
	})
}

// installationRateLimits: the person who installs opens the page and
// sends its form a few times; the token cannot be guessed anyway.
var installationRateLimits = []core.RateLimitRule{
	{Label: "/installation", MaxRequests: 20, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
}

func setInstallationField(app core.App, present bool) error {
	parametres, err := app.FindCollectionByNameOrId("parametres")
	if err != nil {
		return fmt.Errorf("installation field: %w", err)
	}
	if present {
		parametres.Fields.Add(&core.TextField{Name: "installation_jeton", Max: 64, Hidden: true,
			Help: "Empreinte du lien d'installation, vidée une fois le premier coordinateur créé"})
	} else {
		parametres.Fields.RemoveByName("installation_jeton")
	}
	if err := app.Save(parametres); err != nil {
		return fmt.Errorf("installation field: %w", err)
	}
	return nil
}
