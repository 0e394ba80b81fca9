package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/referentiel"
)

// Follow-up of referrals: at the visit after a one-to-one help that sent
// the person elsewhere (accompagnements.oriente), the conseiller asks
// « Êtes-vous allé à … ? » and records the answer here, with its day and
// who recorded it. Each answer is a new record (a « pas encore » is kept
// when « oui » comes later): the latest one is the referral's state.
//   - only the conseillers confirmed for the help's structure read and
//     record answers, in their own name, for a help that is a referral;
//   - answers are history: the API neither changes nor deletes them (the
//     help's deletion takes its answers with it).
func init() {
	m.Register(func(app core.App) error {
		accompagnements, err := app.FindCollectionByNameOrId("accompagnements")
		if err != nil {
			return fmt.Errorf("referral follow-up: %w", err)
		}
		utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
		if err != nil {
			return fmt.Errorf("referral follow-up: %w", err)
		}
		c := newSuivisOrientation(accompagnements, utilisateurs)
		applyRules(c, suivisOrientationRules())
		if err := app.Save(c); err != nil {
			return fmt.Errorf("create collection %s: %w", c.Name, err)
		}
		return nil
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("suivis_orientation")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}

func newSuivisOrientation(accompagnements, utilisateurs *core.Collection) *core.Collection {
	c := core.NewBaseCollection("suivis_orientation")
	c.Fields.Add(
		relation("accompagnement", true, accompagnements, true),
		choice("reponse", true, referentiel.ReponsesOrientation),
		date("date", true),
		relation("conseiller", true, utilisateurs, false),
	)
	timestamps(c)
	c.AddIndex("idx_suivis_orientation_accompagnement", false, "accompagnement, date", "")
	return c
}

func suivisOrientationRules() collectionRules {
	reader := rule(confirmedConseillerOf("accompagnement.structure"))
	return collectionRules{
		list: reader,
		view: reader,
		create: rule(and(confirmedConseillerOf("@request.body.accompagnement.structure"),
			`@request.body.accompagnement.oriente = true`, `@request.body.conseiller = @request.auth.id`)),
	}
}
