package accompagnements

import (
	"errors"
	"slices"
	"strconv"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
)

type AccompagnementForm struct {
	Structure, Beneficiaire, Date, Duree, DureeAutre, TypeLieu string
	Commune, CodePostal, CodeInsee                             string
	Thematiques, Materiel                                      []string
	Autonomie, Demarche, StructureRedirection, Notes           string
	Oriente                                                    bool
	TrancheAge, Genre, StatutSocial                            string
	// La Coop's 2025 model (cra.go): the procedure's subjects, the tags,
	// and, for an anonymous person, « déjà accompagné » (a followed
	// person's first accompaniment is computed: Premier, as stored).
	ThematiquesDemarche, Etiquettes []string
	DejaAccompagne, Premier         bool

	// Original is the stored instant of the help being edited: when its day
	// is not changed, its time of day is kept.
	Original time.Time
	// Normalised values, set by validate.
	DateValide                              time.Time
	dureeMinutes                            int
	codePostalNormalise, codeInseeNormalise string
}

// NewAccompagnementForm is the empty quick form: today, at the place of
// activity, and « Non communiqué » for an anonymous person, so that the
// usual case needs only a duration and a theme.
func NewAccompagnementForm(structure string, today time.Time) AccompagnementForm {
	return AccompagnementForm{Structure: structure, Date: today.Format(AccompagnementDayLayout), TypeLieu: "lieu_activite",
		TrancheAge: "non_communique", Genre: "non_communique", StatutSocial: "non_communique"}
}

// AccompagnementFormOf fills the form with a stored help, for editing; loc
// is its structure's time zone.
func AccompagnementFormOf(r *core.Record, loc *time.Location) AccompagnementForm {
	original := r.GetDateTime("date").Time().In(loc)
	f := AccompagnementForm{
		Structure: r.GetString("structure"), Beneficiaire: r.GetString("beneficiaire"),
		Date: original.Format(AccompagnementDayLayout), TypeLieu: r.GetString("type_lieu"),
		Commune: r.GetString("commune"), CodePostal: r.GetString("code_postal"), CodeInsee: r.GetString("code_insee"),
		Thematiques: r.GetStringSlice("thematiques"), Materiel: r.GetStringSlice("materiel"),
		Autonomie: r.GetString("autonomie"), Demarche: r.GetString("demarche"), Oriente: r.GetBool("oriente"),
		StructureRedirection: r.GetString("structure_redirection"), Notes: r.GetString("notes"),
		TrancheAge: r.GetString("tranche_age"), Genre: r.GetString("genre"), StatutSocial: r.GetString("statut_social"),
		ThematiquesDemarche: r.GetStringSlice("thematiques_demarche"), Etiquettes: r.GetStringSlice("etiquettes"),
		Premier: r.GetBool("premier_accompagnement"), Original: original,
	}
	f.DejaAccompagne = f.Beneficiaire == "" && !f.Premier
	minutes := r.GetInt("duree_minutes")
	if slices.Contains(DureesRapides, minutes) {
		f.Duree = strconv.Itoa(minutes)
	} else {
		f.DureeAutre = strconv.Itoa(minutes)
	}
	if f.TrancheAge == "" && f.Beneficiaire == "" {
		f.TrancheAge, f.Genre, f.StatutSocial = "non_communique", "non_communique", "non_communique"
	}
	return f
}

// AccompagnementSaveErrors turns the validation errors of a refused save (a field
// rule, the integrity hook) into form errors, so the form shows them in
// French next to their field; a field the form does not show gets the
// summary message.
func AccompagnementSaveErrors(err error) (formulaire.Erreurs, bool) {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return nil, false
	}
	errs := formulaire.Erreurs{}
	for name, e := range verrs {
		if name == "duree_minutes" {
			name = "duree_autre"
		}
		if !accompagnementFormFields[name] {
			errs[""] = "L'accompagnement n'a pas pu être enregistré : " + e.Error()
			continue
		}
		errs[name] = e.Error()
	}
	return errs, true
}

func accompagnementDistinct(values []string) []string {
	var out []string
	for _, v := range values {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// DureesRapides are the durations offered as one-tap buttons, in minutes.
var DureesRapides = []int{15, 30, 45, 60, 90, 120}

// accompagnementDureeMax is the longest help the schema accepts (a whole day).
const accompagnementDureeMax = 1440

// AccompagnementDayLayout is the value of an <input type="date">.
const AccompagnementDayLayout = "2006-01-02"

// accompagnementFormFields are the fields the quick form shows with their errors.
var accompagnementFormFields = map[string]bool{"structure": true, "beneficiaire": true, "date": true, "duree": true,
	"duree_autre": true, "type_lieu": true, "commune": true, "code_postal": true, "code_insee": true,
	"thematiques": true, "materiel": true, "autonomie": true, "demarche": true, "structure_redirection": true,
	"tranche_age": true, "genre": true, "statut_social": true, "notes": true,
	"thematiques_demarche": true, "etiquettes": true}

// Anonyme: no beneficiary is linked, the age bracket, gender and status
// are asked instead.
func (f *AccompagnementForm) Anonyme() bool { return f.Beneficiaire == "" }

// Autre: the person typed a duration in minutes instead of a button.
func (f *AccompagnementForm) Autre() bool { return f.DureeAutre != "" }

// Validate normalises the form and returns the errors, one per field.
// today is the current time in the structure's zone, whose day is the
// latest a help may have.
func (f *AccompagnementForm) Validate(today time.Time) formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	f.validateDate(today, errs)
	f.validateDuree(errs)
	if f.TypeLieu == "" {
		f.TypeLieu = "lieu_activite" // the usual case, checked by default on the form
	}
	if !referentiel.TypesLieu.Has(f.TypeLieu) {
		errs["type_lieu"] = "Choisissez un type de lieu dans la liste."
	}
	f.validateLieu(errs)
	f.Thematiques = accompagnementDistinct(f.Thematiques)
	if len(f.Thematiques) == 0 {
		errs["thematiques"] = "Choisissez au moins une thématique."
	} else if !referentiel.Thematiques.HasAll(f.Thematiques) {
		errs["thematiques"] = "Choisissez les thématiques dans la liste."
	}
	f.ThematiquesDemarche = accompagnementDistinct(f.ThematiquesDemarche)
	if msg := CheckThematiquesDemarche(f.Thematiques, f.ThematiquesDemarche); msg != "" {
		errs["thematiques_demarche"] = msg
	}
	f.Etiquettes = accompagnementDistinct(f.Etiquettes)
	f.Materiel = accompagnementDistinct(f.Materiel)
	if !referentiel.Materiels.HasAll(f.Materiel) {
		errs["materiel"] = "Choisissez le matériel dans la liste."
	} else if len(f.Materiel) > 1 && slices.Contains(f.Materiel, "aucun") {
		errs["materiel"] = "« Pas de matériel » ne peut pas être coché avec un autre matériel."
	}
	if f.Autonomie != "" && !referentiel.Autonomies.Has(f.Autonomie) {
		errs["autonomie"] = "Choisissez un degré d'autonomie dans la liste."
	}
	if len([]rune(f.Demarche)) > 200 {
		errs["demarche"] = "Le nom de la démarche est trop long (200 caractères au plus)."
	}
	if f.StructureRedirection != "" && !referentiel.StructuresRedirection.Has(f.StructureRedirection) {
		errs["structure_redirection"] = "Choisissez une structure dans la liste."
	} else if f.StructureRedirection != "" && !f.Oriente {
		errs["structure_redirection"] = "Cochez « Réorienté » pour indiquer vers quelle structure, ou choisissez « — »."
	}
	if len([]rune(f.Notes)) > 5000 {
		errs["notes"] = "Les notes sont trop longues (5 000 caractères au plus)."
	}
	if f.Anonyme() {
		f.ValidateAnonyme(errs)
	}
	return errs
}

func (f *AccompagnementForm) validateDate(today time.Time, errs formulaire.Erreurs) {
	if f.Date == "" {
		errs["date"] = "Indiquez la date de l'accompagnement."
		return
	}
	day, err := time.ParseInLocation(AccompagnementDayLayout, f.Date, today.Location())
	if err != nil {
		errs["date"] = "Indiquez une date valide, par exemple " + today.Format("02/01/2006") + "."
		return
	}
	switch {
	case day.Year() < 2000:
		errs["date"] = "La date est trop ancienne : vérifiez l'année."
	case f.Date > today.Format(AccompagnementDayLayout):
		errs["date"] = "La date ne peut pas être dans le futur : notez l'accompagnement une fois fait."
	case !f.Original.IsZero() && f.Original.Format(AccompagnementDayLayout) == f.Date:
		f.DateValide = f.Original
	default:
		// A day without an hour is stored at noon in the structure's zone:
		// it stays on the same day in UTC and in every French zone.
		f.DateValide = day.Add(12 * time.Hour)
	}
}

func (f *AccompagnementForm) validateDuree(errs formulaire.Erreurs) {
	switch {
	case f.DureeAutre != "":
		n, err := strconv.Atoi(f.DureeAutre)
		if err != nil || n < 1 || n > accompagnementDureeMax {
			errs["duree_autre"] = "Indiquez la durée en minutes, un nombre entre 1 et 1 440 (24 h)."
		}
		f.dureeMinutes = n
	case f.Duree != "":
		n, err := strconv.Atoi(f.Duree)
		if err != nil || !slices.Contains(DureesRapides, n) {
			errs["duree"] = "Choisissez une durée dans la liste, ou indiquez-la en minutes dans « Autre durée »."
		}
		f.dureeMinutes = n
	default:
		errs["duree"] = "Choisissez la durée de l'accompagnement."
	}
}

func (f *AccompagnementForm) validateLieu(errs formulaire.Erreurs) {
	if len([]rune(f.Commune)) > 200 {
		errs["commune"] = "Le nom de la commune est trop long (200 caractères au plus)."
	}
	code, err := contact.NormaliserCodePostal(f.CodePostal)
	if err != nil {
		errs["code_postal"] = err.Error()
	}
	f.codePostalNormalise = code
	if f.codeInseeNormalise, err = contact.NormaliserCodeInsee(f.CodeInsee); err != nil {
		errs["code_insee"] = err.Error()
	}
}

// ValidateAnonyme: a person who stays anonymous is still counted by age,
// gender and status; an unanswered question is « Non communiqué ».
func (f *AccompagnementForm) ValidateAnonyme(errs formulaire.Erreurs) {
	for _, q := range []struct {
		value *string
		list  referentiel.List
		name  string
	}{
		{&f.TrancheAge, referentiel.TranchesAge, "tranche_age"},
		{&f.Genre, referentiel.Genres, "genre"},
		{&f.StatutSocial, referentiel.StatutsSociaux, "statut_social"},
	} {
		if *q.value == "" {
			*q.value = "non_communique"
		}
		if !q.list.Has(*q.value) {
			errs[q.name] = "Choisissez une réponse dans la liste."
		}
	}
}

// Changes are the fields of a validated form, as stored. The place's
// address is kept only away from the place of activity, and the person's
// age, gender and status only when the person is anonymous (otherwise they
// are the beneficiary's).
func (f *AccompagnementForm) Changes() map[string]any {
	c := map[string]any{
		"date": f.DateValide.UTC(), "duree_minutes": f.dureeMinutes, "type_lieu": f.TypeLieu,
		"commune": "", "code_postal": "", "code_insee": "",
		"thematiques": f.Thematiques, "materiel": f.Materiel, "autonomie": f.Autonomie,
		"demarche": f.Demarche, "oriente": f.Oriente, "structure_redirection": f.StructureRedirection,
		"beneficiaire": f.Beneficiaire, "tranche_age": "", "genre": "", "statut_social": "", "notes": f.Notes,
		"thematiques_demarche": f.ThematiquesDemarche, "etiquettes": f.Etiquettes,
		// A followed person's is computed when saved (Register).
		"premier_accompagnement": !f.DejaAccompagne,
	}
	if f.TypeLieu != "lieu_activite" {
		c["commune"], c["code_postal"], c["code_insee"] = f.Commune, f.codePostalNormalise, f.codeInseeNormalise
	}
	if f.Anonyme() {
		c["tranche_age"], c["genre"], c["statut_social"] = f.TrancheAge, f.Genre, f.StatutSocial
	}
	return c
}

// Summary names the help in a confirmation: « mardi 3 mars 2026, 30 min ».
func (f *AccompagnementForm) Summary() string {
	return frfmt.Date(f.DateValide) + ", " + frfmt.Duree(f.dureeMinutes)
}
