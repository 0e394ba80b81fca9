package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A person's consent has a source: given by the person (on the public
// form, or to staff who ticked the box in front of them: the field is
// empty), or declared by the structure when its people are imported from
// a file (« declaree_structure »): the structure says they agreed, Atelier
// did not see it.
func init() {
	m.Register(func(app core.App) error {
		return setConsentSource(app, true)
	}, func(app core.App) error {
		return setConsentSource(app, false)
	})
}

func setConsentSource(app core.App, present bool) error {
	c, err := app.FindCollectionByNameOrId("beneficiaires")
	if err != nil {
		return fmt.Errorf("consent source: %w", err)
	}
	if present {
		c.Fields.Add(&core.SelectField{Name: "consentement_source", MaxSelect: 1, Values: []string{"declaree_structure"},
			Help: "Vide : accord donné par la personne. « declaree_structure » : accord déclaré par la structure (import d'un fichier)."})
	} else {
		c.Fields.RemoveByName("consentement_source")
	}
	if err := app.Save(c); err != nil {
		return fmt.Errorf("consent source: %w", err)
	}
	return nil
}
