package web

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/serie"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

type seanceForm struct {
	Atelier, Lieu, Date, Heure, Duree, Capacite string
	Animateurs                                  []string
	Publique, InscriptionsOuvertes              bool
	NotesInternes                               string
	Repetition                                  string // "", "1" (every week), "2" (every two weeks)
	FinRepetition                               string // "nombre" or "date"
	Occurrences, Jusquau                        string
	Portee                                      string // on edit: "seance" or "suivantes"

	// Set by validate.
	structure *core.Record
	debut     time.Time // first start, in the structure's zone
	duree     int
	capacite  int
	starts    []time.Time
}

// seanceChoices are the options of the form's lists: only what the staff
// member may use (their structures' places and animators, active workshops
// shared or of their structures).
type seanceChoices struct {
	Ateliers   []formulaire.Option
	Lieux      []formulaire.Option
	Animateurs []formulaire.Option
	lieuxByID  map[string]string // place id → structure id
	staffByID  map[string][]string
}

func parseSeanceForm(values url.Values) seanceForm {
	get := func(name string) string { return strings.TrimSpace(values.Get(name)) }
	return seanceForm{
		Atelier: get("atelier"), Lieu: get("lieu"), Date: get("date"), Heure: get("heure"), Duree: get("duree"),
		Capacite: get("capacite"), Animateurs: formList(values, "animateurs"),
		Publique: values.Get("publique") != "", InscriptionsOuvertes: values.Get("inscriptions_ouvertes") != "",
		NotesInternes: get("notes_internes"), Repetition: get("repetition"), FinRepetition: get("fin_repetition"),
		Occurrences: get("occurrences"), Jusquau: get("jusquau"), Portee: get("portee"),
	}
}

// newSeanceForm pre-fills a plan from a catalogue entry.
func newSeanceForm(atelier *core.Record, staff *model.StaffView, choices *seanceChoices) seanceForm {
	f := seanceForm{Atelier: atelier.Id, Duree: strconv.Itoa(atelier.GetInt("duree_minutes")),
		Capacite: strconv.Itoa(atelier.GetInt("capacite_defaut")), Publique: true, InscriptionsOuvertes: true,
		Heure: "14:00", FinRepetition: "nombre", Occurrences: "4"}
	if _, animates := choices.staffByID[staff.ID]; animates {
		f.Animateurs = []string{staff.ID}
	}
	if len(choices.Lieux) == 1 {
		f.Lieu = choices.Lieux[0].Value
	}
	return f
}

// seanceFormOf fills the form with a stored session, for editing.
func seanceFormOf(s *seances.StaffSeance) seanceForm {
	r := s.Record
	return seanceForm{Atelier: r.GetString("atelier"), Lieu: r.GetString("lieu"), Date: s.Debut.Format("2006-01-02"),
		Heure: s.Debut.Format("15:04"), Duree: strconv.Itoa(s.DureeMinutes), Capacite: strconv.Itoa(s.Capacite),
		Animateurs: r.GetStringSlice("animateurs"), Publique: s.Publique, InscriptionsOuvertes: s.InscriptionsOuvertes,
		NotesInternes: r.GetString("notes_internes"), Portee: "seance"}
}

func loadSeanceChoices(app core.App, staff *model.StaffView, atelierStructure string) (*seanceChoices, error) {
	c := &seanceChoices{lieuxByID: map[string]string{}, staffByID: map[string][]string{}}
	var ateliers []struct {
		ID    string `db:"id"`
		Titre string `db:"titre"`
		Duree int    `db:"duree_minutes"`
	}
	err := app.DB().Select("id", "titre", "duree_minutes").From("ateliers").
		Where(dbx.And(dbx.NewExp("actif = TRUE"), dbx.Or(dbx.HashExp{"structure": ""}, staff.Scope("structure")))).
		OrderBy("titre").All(&ateliers)
	if err != nil {
		return nil, fmt.Errorf("session form workshops: %w", err)
	}
	for _, a := range ateliers {
		c.Ateliers = append(c.Ateliers, formulaire.Option{Value: a.ID, Label: a.Titre + " (" + frfmt.Duree(a.Duree) + ")"})
	}
	var lieux []struct {
		ID        string `db:"id"`
		Nom       string `db:"nom"`
		Commune   string `db:"commune"`
		Structure string `db:"structure"`
		NomStruct string `db:"nom_structure"`
	}
	where := staff.Scope("l.structure")
	if atelierStructure != "" { // a structure's own workshop is held at its places
		where = dbx.And(where, dbx.HashExp{"l.structure": atelierStructure})
	}
	err = app.DB().Select("l.id", "l.nom", "l.commune", "l.structure", "st.nom AS nom_structure").From("lieux l").
		InnerJoin("structures st", dbx.NewExp("st.id = l.structure")).Where(where).OrderBy("st.nom", "l.nom").All(&lieux)
	if err != nil {
		return nil, fmt.Errorf("session form places: %w", err)
	}
	several := len(staff.Structures) != 1
	for _, l := range lieux {
		label := l.Nom
		if l.Commune != "" {
			label += ", " + l.Commune
		}
		if several {
			label += " — " + l.NomStruct
		}
		c.Lieux = append(c.Lieux, formulaire.Option{Value: l.ID, Label: label})
		c.lieuxByID[l.ID] = l.Structure
	}
	var animateurs []struct {
		ID         string `db:"id"`
		Prenom     string `db:"prenom"`
		Nom        string `db:"nom"`
		Structures string `db:"structures"`
	}
	err = app.DB().Select("u.id", "u.prenom", "u.nom", "u.structures").From("utilisateurs u").
		Where(dbx.NewExp("u.actif = TRUE AND u.role = 'conseiller'")).
		AndWhere(dbx.NewExp("EXISTS (SELECT 1 FROM json_each(u.structures) j WHERE "+scopeSQL(staff, "j.value")+")", scopeParams(staff))).
		OrderBy("u.prenom", "u.nom").All(&animateurs)
	if err != nil {
		return nil, fmt.Errorf("session form animators: %w", err)
	}
	for _, a := range animateurs {
		c.Animateurs = append(c.Animateurs, formulaire.Option{Value: a.ID, Label: a.Prenom + " " + a.Nom})
		var ids []string
		if err := json.Unmarshal([]byte(a.Structures), &ids); err != nil {
			return nil, fmt.Errorf("session form animator %s: %w", a.ID, err)
		}
		c.staffByID[a.ID] = ids
	}
	return c, nil
}

// validate checks the form against the choices and computes the starts of
// every occurrence. A new plan (creating) must be in the future.
func (f *seanceForm) validate(app core.App, c *seanceChoices, creating bool, now time.Time) formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	if creating && !slices.ContainsFunc(c.Ateliers, func(o formulaire.Option) bool { return o.Value == f.Atelier }) {
		errs["atelier"] = "Choisissez un atelier du catalogue."
	}
	structureID, ok := c.lieuxByID[f.Lieu]
	if !ok {
		errs["lieu"] = "Choisissez le lieu de la séance dans la liste."
	} else if structure, err := app.FindRecordById("structures", structureID); err == nil {
		f.structure = structure
	}
	loc := frfmt.Location("")
	if f.structure != nil {
		loc = frfmt.Location(f.structure.GetString("fuseau"))
	}
	day, err := serie.ParseDate(f.Date, loc)
	if err != nil {
		errs["date"] = err.Error()
	}
	hour, minute, err := serie.ParseHeure(f.Heure)
	if err != nil {
		errs["heure"] = err.Error()
	}
	if errs["date"] == "" && errs["heure"] == "" {
		f.debut = time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, loc)
		if creating && f.debut.Before(now) {
			errs["date"] = "Cette date est passée : choisissez une date à venir."
		}
	}
	if f.duree, err = strconv.Atoi(f.Duree); err != nil || f.duree < 15 || f.duree > 600 {
		errs["duree"] = "Indiquez la durée en minutes, entre 15 et 600 (10 heures)."
	}
	if f.capacite, err = strconv.Atoi(f.Capacite); err != nil || f.capacite < 1 || f.capacite > 500 {
		errs["capacite"] = "Indiquez le nombre de places, entre 1 et 500."
	}
	for _, id := range f.Animateurs {
		if structures, ok := c.staffByID[id]; !ok || (structureID != "" && !slices.Contains(structures, structureID)) {
			errs["animateurs"] = "Choisissez les animateurs parmi les conseillers de la structure du lieu."
		}
	}
	if len([]rune(f.NotesInternes)) > 5000 {
		errs["notes_internes"] = "Les notes sont trop longues (5 000 caractères au plus)."
	}
	if len(errs) == 0 {
		f.starts = []time.Time{f.debut}
		if creating && f.Repetition != "" {
			f.validateSeries(errs, loc)
		}
	}
	return errs
}

func (f *seanceForm) validateSeries(errs formulaire.Erreurs, loc *time.Location) {
	rule := serie.Rule{}
	rule.Weeks, _ = strconv.Atoi(f.Repetition)
	if f.FinRepetition == "date" {
		until, err := serie.ParseDate(f.Jusquau, loc)
		if err != nil {
			errs["jusquau"] = err.Error()
			return
		}
		rule.Until = until
	} else {
		n, err := strconv.Atoi(f.Occurrences)
		if err != nil {
			errs["occurrences"] = serie.ErrCount.Error()
			return
		}
		rule.Count = n
	}
	starts, err := serie.Starts(f.debut, rule)
	switch err {
	case nil:
		f.starts = starts
	case serie.ErrUntil, serie.ErrLong:
		errs["jusquau"] = err.Error()
	case serie.ErrCount:
		errs["occurrences"] = err.Error()
	default:
		errs["repetition"] = err.Error()
	}
}

// fields are the record values the form sets on a session starting at start.
func (f *seanceForm) fields(start time.Time) map[string]any {
	animateurs := f.Animateurs
	if animateurs == nil {
		animateurs = []string{}
	}
	return map[string]any{
		"atelier": f.Atelier, "lieu": f.Lieu, "structure": f.structure.Id,
		"debut": start.UTC(), "fin": start.Add(time.Duration(f.duree) * time.Minute).UTC(),
		"capacite": f.capacite, "animateurs": animateurs, "publique": f.Publique,
		"inscriptions_ouvertes": f.InscriptionsOuvertes, "notes_internes": f.NotesInternes,
	}
}

// scopeSQL and scopeParams write staff.scope for a column inside a raw
// SQL fragment (json_each sub-queries), with bound parameters.
func scopeSQL(staff *model.StaffView, column string) string {
	if staff.Coordinateur() {
		return "1 = 1"
	}
	if len(staff.Structures) == 0 {
		return "1 = 0"
	}
	names := make([]string, len(staff.Structures))
	for i := range staff.Structures {
		names[i] = fmt.Sprintf("{:scope%d}", i)
	}
	return column + " IN (" + strings.Join(names, ", ") + ")"
}

func scopeParams(staff *model.StaffView) dbx.Params {
	params := dbx.Params{}
	for i, id := range staff.Structures {
		params[fmt.Sprintf("scope%d", i)] = id
	}
	return params
}
