package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/referentiel"
)

// La Coop's 2025 CRA model (issue 17). In April 2025 La Coop merged its
// « démarche administrative » activity type into the individual one, and
// its CRA now records (inclusion-numerique/coop-mediation-numerique,
// apps/web/prisma/schema.prisma at 00b754122237: Activite, Accompagnement,
// Tag, ActivitesTags):
//   - the administrative sub-thématiques, in the themes' list, only with
//     « Aide aux démarches administratives »
//     (accompagnements.thematiques_demarche, referentiel.ThematiquesDemarche);
//   - whether it is the person's first accompaniment
//     (Accompagnement.premier_accompagnement: computed for a followed
//     person, typed as « déjà accompagné » for an anonymous one,
//     features/activites/use-cases/cra/db/createOrUpdateActivite.ts);
//   - tags, a médiateur's own or shared, on the activity: here
//     `etiquettes`, a conseiller's own (conseiller) or its structure's
//     (structure), chosen on one-to-one help (accompagnements.etiquettes).
//
// Atelier never had a separate « démarche » type: a procedure was a help
// with the theme « Aide aux démarches administratives » and its name in
// `demarche`, which is La Coop's « precisionsDemarche » and is kept as is.
// So the data step only fills premier_accompagnement on the helps already
// recorded; no figure of a past month moves (TestCraMigrationKeepsPastFigures).
func init() {
	m.Register(func(app core.App) error {
		if err := addCraFields(app); err != nil {
			return err
		}
		return migrateCraData(app)
	}, func(app core.App) error {
		accompagnements, err := app.FindCollectionByNameOrId("accompagnements")
		if err != nil {
			return fmt.Errorf("cra 2025: %w", err)
		}
		for _, name := range []string{"thematiques_demarche", "premier_accompagnement", "etiquettes"} {
			accompagnements.Fields.RemoveByName(name)
		}
		if err := app.Save(accompagnements); err != nil {
			return fmt.Errorf("cra 2025 accompagnements: %w", err)
		}
		etiquettes, err := app.FindCollectionByNameOrId("etiquettes")
		if err != nil {
			return fmt.Errorf("cra 2025: %w", err)
		}
		return app.Delete(etiquettes)
	})
}

// addCraFields adds the tags' collection and the new fields of a help,
// empty on the helps already recorded.
func addCraFields(app core.App) error {
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return fmt.Errorf("cra 2025: %w", err)
	}
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("cra 2025: %w", err)
	}
	etiquettes := newEtiquettes(structures, utilisateurs)
	applyRules(etiquettes, etiquettesRules())
	if err := app.Save(etiquettes); err != nil {
		return fmt.Errorf("create collection %s: %w", etiquettes.Name, err)
	}
	accompagnements, err := app.FindCollectionByNameOrId("accompagnements")
	if err != nil {
		return fmt.Errorf("cra 2025: %w", err)
	}
	accompagnements.Fields.Add(
		choices("thematiques_demarche", false, referentiel.ThematiquesDemarche),
		flag("premier_accompagnement"),
		relations("etiquettes", etiquettes, maxEtiquettesParAccompagnement),
	)
	if err := app.Save(accompagnements); err != nil {
		return fmt.Errorf("cra 2025 accompagnements: %w", err)
	}
	return nil
}

// maxEtiquettesParAccompagnement bounds the tags of one help.
const maxEtiquettesParAccompagnement = 20

// migrateCraData tells, for each help already recorded, whether it was the
// person's first: a followed person's first is the help with no earlier
// help of theirs and no session they attended before (the rule of
// accompagnements.premierSQL, copied here so that this migration keeps
// doing what it did); an anonymous person's help counts as a first, as
// La Coop counts an anonymous one nobody marked « déjà accompagné ».
// Only premier_accompagnement is written.
func migrateCraData(app core.App) error {
	_, err := app.DB().NewQuery(`UPDATE accompagnements SET premier_accompagnement = CASE
		WHEN beneficiaire = '' THEN 1
		ELSE NOT EXISTS (SELECT 1 FROM accompagnements a2 WHERE a2.beneficiaire = accompagnements.beneficiaire
				AND a2.id != accompagnements.id
				AND (a2.date < accompagnements.date OR (a2.date = accompagnements.date AND a2.id < accompagnements.id)))
			AND NOT EXISTS (SELECT 1 FROM inscriptions i JOIN seances s ON s.id = i.seance
				WHERE i.beneficiaire = accompagnements.beneficiaire AND i.statut = 'present' AND s.debut < accompagnements.date)
		END`).Execute()
	if err != nil {
		return fmt.Errorf("cra 2025 first accompaniments: %w", err)
	}
	return nil
}

func newEtiquettes(structures, utilisateurs *core.Collection) *core.Collection {
	c := core.NewBaseCollection("etiquettes")
	c.Fields.Add(
		&core.TextField{Name: "nom", Required: true, Max: 80, Presentable: true},
		// A structure's tag is shared by its staff; a conseiller's own tag
		// has no structure. One of the two, never both (model/integrite.go).
		relation("structure", false, structures, false),
		relation("conseiller", false, utilisateurs, true),
	)
	timestamps(c)
	c.AddIndex("idx_etiquettes_structure", false, "structure", "structure != ''")
	c.AddIndex("idx_etiquettes_conseiller", false, "conseiller", "conseiller != ''")
	return c
}

// etiquettesRules: a conseiller's own tag is for them alone; a structure's
// tag is read and managed by its staff (and coordinateurs, who see every
// structure). Tags name no person: référents and coordinateurs read them.
func etiquettesRules() collectionRules {
	own := and(isStaff, `conseiller = @request.auth.id`)
	shared := and(`structure != ""`, staffOf("structure"))
	readable := rule(or(own, shared))
	// The pages send every field (empty ones too), the API only those given.
	empty := func(field string) string {
		return or("@request.body."+field+":isset = false", "@request.body."+field+` = ""`)
	}
	return collectionRules{
		list: readable,
		view: readable,
		create: rule(or(
			and(isConseiller, `@request.body.conseiller = @request.auth.id`, empty("structure")),
			and(empty("conseiller"), `@request.body.structure != ""`, staffOf("@request.body.structure")))),
		update: rule(and(or(own, shared), unchanged("conseiller"), unchanged("structure"))),
		delete: readable,
	}
}
