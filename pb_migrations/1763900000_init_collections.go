package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The whole data model. Collections are created first without
// rules (rules may point at any collection), then the rules are applied.
func init() {
	m.Register(createCollections, dropCollections)
}

// collectionOrder lists collections so that every relation target exists
// before the collection pointing at it; dropping goes the other way.
var collectionOrder = []string{
	"structures", "utilisateurs", "lieux", "ateliers", "seances",
	"beneficiaires", "inscriptions", "accompagnements", "attestations",
	"rapports", "envois",
}

func createCollections(app core.App) error {
	save := func(c *core.Collection) (*core.Collection, error) {
		if err := app.Save(c); err != nil {
			return nil, fmt.Errorf("create collection %s: %w", c.Name, err)
		}
		return c, nil
	}

	structures, err := save(newStructures())
	if err != nil {
		return err
	}
	utilisateurs, err := save(newUtilisateurs(structures))
	if err != nil {
		return err
	}
	lieux, err := save(newLieux(structures))
	if err != nil {
		return err
	}
	ateliers, err := save(newAteliers(structures))
	if err != nil {
		return err
	}
	seances, err := save(newSeances(ateliers, structures, lieux, utilisateurs))
	if err != nil {
		return err
	}
	beneficiaires, err := save(newBeneficiaires(structures))
	if err != nil {
		return err
	}
	// A merged duplicate points at the record it was merged into.
	beneficiaires.Fields.Add(relation("fusionne_vers", false, beneficiaires, false))
	if _, err := save(beneficiaires); err != nil {
		return err
	}
	if _, err := save(newInscriptions(seances, beneficiaires)); err != nil {
		return err
	}
	if _, err := save(newAccompagnements(utilisateurs, structures, beneficiaires)); err != nil {
		return err
	}
	if _, err := save(newAttestations(beneficiaires, seances, utilisateurs)); err != nil {
		return err
	}
	if _, err := save(newRapports(structures)); err != nil {
		return err
	}
	if _, err := save(newEnvois(structures)); err != nil {
		return err
	}

	for name, r := range rulesByCollection() {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return fmt.Errorf("apply rules: %w", err)
		}
		applyRules(c, r)
		if c.Id == utilisateurs.Id {
			configureStaffAuth(c)
		}
		if _, err := save(c); err != nil {
			return fmt.Errorf("apply rules: %w", err)
		}
	}
	return configureInstance(app)
}

// configureStaffAuth: staff sign in with email and password; an inactive
// account cannot authenticate; coordinateurs manage every account.
func configureStaffAuth(c *core.Collection) {
	c.AuthRule = rule(`actif = true`)
	c.ManageRule = rule(isCoordinateur)
	c.PasswordAuth.Enabled = true
	c.PasswordAuth.IdentityFields = []string{"email"}
	c.OAuth2.Enabled = false
	c.OTP.Enabled = false
	c.MFA.Enabled = false
}

func configureInstance(app core.App) error {
	settings := app.Settings()
	settings.Meta.AppName = "Atelier"
	if settings.Meta.SenderName == "" || settings.Meta.SenderName == "Support" {
		settings.Meta.SenderName = "Atelier"
	}
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("configure instance: %w", err)
	}
	return nil
}

func dropCollections(app core.App) error {
	for i := len(collectionOrder) - 1; i >= 0; i-- {
		c, err := app.FindCollectionByNameOrId(collectionOrder[i])
		if err != nil {
			continue // already gone: dropping is idempotent
		}
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("drop collection %s: %w", c.Name, err)
		}
	}
	return nil
}
