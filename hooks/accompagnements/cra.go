package accompagnements

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// La Coop's 2025 CRA model (migration 1763900028), followed in
// inclusion-numerique/coop-mediation-numerique (apps/web/src/):
//   - features/activites/use-cases/cra/fields/thematique.ts at 64aa8ed2868d:
//     the administrative sub-thématiques (referentiel.ThematiquesDemarche),
//     offered once « Aide aux démarches administratives » is ticked
//     (thematiquesInfo: « En sélectionnant cette thématique, vous pourrez
//     ajouter des informations spécifiques sur la démarche concernée »);
//   - features/activites/use-cases/cra/db/createOrUpdateActivite.ts
//     (getExistingBeneficiairesSuivis, beneficiaireAnonymeCreateDataFromForm):
//     the first accompaniment of a followed person is computed (they have no
//     other accompaniment), an anonymous person's is typed by the advisor
//     as « déjà accompagné »; features/beneficiaires/validation/
//     BeneficiaireValidation.ts (dejaAccompagne);
//   - the same file and prisma schema (Tag, ActivitesTags): tags on the
//     activity, written over at each save.

// CheckThematiquesDemarche is the one rule of the administrative
// sub-thématiques: chosen from La Coop's list, and only with « Aide aux
// démarches administratives ». It returns the French message, or "".
func CheckThematiquesDemarche(thematiques, demarche []string) string {
	switch {
	case len(demarche) == 0:
		return ""
	case !referentiel.ThematiquesDemarche.HasAll(demarche):
		return "Choisissez le sujet de la démarche dans la liste."
	case !slices.Contains(thematiques, referentiel.ThematiqueDemarche):
		return "Cochez la thématique « " + referentiel.Thematiques.Label(referentiel.ThematiqueDemarche) +
			" » pour préciser le sujet de la démarche, ou décochez ces sujets."
	}
	return ""
}

// Register binds the checks of a help that hold whatever writes it (pages,
// REST API, commands): the sub-thématiques' rule, the tags a help may
// carry, and the first accompaniment of a followed person, computed.
func Register(app core.App) {
	registerEtiquettes(app)
	app.OnRecordValidate("accompagnements").BindFunc(func(e *core.RecordEvent) error {
		r := e.Record
		errs := validation.Errors{}
		if msg := CheckThematiquesDemarche(r.GetStringSlice("thematiques"), r.GetStringSlice("thematiques_demarche")); msg != "" {
			errs["thematiques_demarche"] = model.FrenchError("thematiques_demarche", msg)
		}
		if msg, err := checkEtiquettes(e.App, r); err != nil {
			return err
		} else if msg != "" {
			errs["etiquettes"] = model.FrenchError("etiquettes", msg)
		}
		if len(errs) > 0 {
			return errs
		}
		if person := r.GetString("beneficiaire"); person != "" {
			premier, err := Premier(e.App, person, r.Id, r.GetDateTime("date").Time())
			if err != nil {
				return err
			}
			r.Set("premier_accompagnement", premier)
		}
		return e.Next()
	})
}

// Premier tells whether a help of a followed person on date is their first
// accompaniment: no other help of theirs before it (the same day, the one
// recorded first) and no session they attended before. help is the help's
// id, empty for a new one. The migration 1763900028 holds a frozen copy of
// this rule for the helps recorded before it.
func Premier(app core.App, beneficiaire, help string, date time.Time) (bool, error) {
	var earlier int
	err := app.DB().NewQuery(`SELECT
		EXISTS (SELECT 1 FROM accompagnements a WHERE a.beneficiaire = {:b} AND a.id != {:id}
			AND (a.date < {:d} OR (a.date = {:d} AND ({:id} = '' OR a.id < {:id}))))
		OR EXISTS (SELECT 1 FROM inscriptions i JOIN seances s ON s.id = i.seance
			WHERE i.beneficiaire = {:b} AND i.statut = 'present' AND s.debut < {:d})`).
		Bind(dbx.Params{"b": beneficiaire, "id": help, "d": model.DBDate(date)}).Row(&earlier)
	if err != nil {
		return false, fmt.Errorf("first accompaniment of %s: %w", beneficiaire, err)
	}
	return earlier == 0, nil
}

// checkEtiquettes: a help carries its conseiller's own tags and its
// structure's, no other (someone else's tag would tell them what this
// conseiller does).
func checkEtiquettes(app core.App, r *core.Record) (string, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(r.GetStringSlice("etiquettes"))))
	if len(ids) == 0 {
		return "", nil
	}
	params := dbx.Params{"c": r.GetString("conseiller"), "s": r.GetString("structure")}
	in := make([]any, len(ids))
	for i, id := range ids {
		in[i] = id
	}
	var usable int
	err := app.DB().Select("count(*)").From("etiquettes").
		Where(dbx.And(dbx.In("id", in...), dbx.NewExp("(conseiller != '' AND conseiller = {:c}) OR (structure != '' AND structure = {:s})", params))).
		Row(&usable)
	if err != nil {
		return "", fmt.Errorf("tags of help %s: %w", r.Id, err)
	}
	if usable != len(ids) {
		return "Choisissez vos étiquettes ou celles de la structure de l'accompagnement.", nil
	}
	return "", nil
}
