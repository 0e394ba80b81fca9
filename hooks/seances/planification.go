package seances

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/lib/feries"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/serie"
	"atelier/hooks/model"
)

type SeanceForm struct {
	Atelier, Lieu, Date, Heure, Duree, Capacite string
	Animateurs                                  []string
	Publique, InscriptionsOuvertes              bool
	NotesInternes                               string
	Repetition                                  string // "", "1" (every week), "2" (every two weeks)
	FinRepetition                               string // "nombre" or "date"
	Occurrences, Jusquau                        string
	Portee                                      string           // on edit: "seance" or "suivantes"
	JoursFeries                                 string           // a series: "sauter" (the default) or "garder"
	ConfirmeFerie                               bool             // one session: planned on a public holiday knowingly
	ConfirmeChevauchement                       bool             // planned at the same time as another session knowingly
	Questions                                   []QuestionSaisie // the five slots of « Questions à l'inscription »

	// Set by validate.
	Structure      *core.Record
	debut          time.Time // first start, in the structure's zone
	dureeMinutes   int
	CapaciteNombre int
	Starts         []time.Time
	Sautes         []JourFerie // public holidays a series skipped
	Ferie          string      // the holiday a single session falls on, to confirm
	Chevauchements []Chevauchement
	questions      []Question
}

// JourFerie is a public holiday a session would have fallen on.
type JourFerie struct {
	Date time.Time
	Nom  string
}

// Skip tells whether a series leaves out public holidays (the default).
func (f *SeanceForm) Skip() bool { return f.JoursFeries != "garder" }

// NewSeanceForm pre-fills a plan from a catalogue entry.
func NewSeanceForm(atelier *core.Record, staff *model.StaffView, choices *SeanceChoices) SeanceForm {
	f := SeanceForm{Atelier: atelier.Id, Duree: strconv.Itoa(atelier.GetInt("duree_minutes")),
		Capacite: strconv.Itoa(atelier.GetInt("capacite_defaut")), Publique: true, InscriptionsOuvertes: true,
		Heure: "14:00", FinRepetition: "nombre", Occurrences: "4", JoursFeries: "sauter", Questions: SaisiesOf(nil)}
	if _, animates := choices.staffByID[staff.ID]; animates {
		f.Animateurs = []string{staff.ID}
	}
	if len(choices.Lieux) == 1 {
		f.Lieu = choices.Lieux[0].Value
	}
	return f
}

// SeanceFormOf fills the form with a stored session, for editing.
func SeanceFormOf(s *StaffSeance) SeanceForm {
	r := s.Record
	return SeanceForm{Atelier: r.GetString("atelier"), Lieu: r.GetString("lieu"), Date: s.Debut.Format("2006-01-02"),
		Heure: s.Debut.Format("15:04"), Duree: strconv.Itoa(s.DureeMinutes), Capacite: strconv.Itoa(s.Capacite),
		Animateurs: r.GetStringSlice("animateurs"), Publique: s.Publique, InscriptionsOuvertes: s.InscriptionsOuvertes,
		NotesInternes: r.GetString("notes_internes"), Portee: "seance", Questions: SaisiesOf(QuestionsOf(r))}
}

func LoadSeanceChoices(app core.App, staff *model.StaffView, atelierStructure string) (*SeanceChoices, error) {
	c := &SeanceChoices{lieuxByID: map[string]string{}, staffByID: map[string][]string{}}
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

// SeanceChoices are the options of the form's lists: only what the staff
// member may use (their structures' places and animators, active workshops
// shared or of their structures).
type SeanceChoices struct {
	Ateliers   []formulaire.Option
	Lieux      []formulaire.Option
	Animateurs []formulaire.Option
	lieuxByID  map[string]string // place id → structure id
	staffByID  map[string][]string
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

// PlanSeances creates every occurrence in one transaction, each checked
// against the seances create rule: all or nothing.
func PlanSeances(app core.App, auth *core.Record, f *SeanceForm) ([]string, error) {
	collection, err := app.FindCachedCollectionByNameOrId("seances")
	if err != nil {
		return nil, err
	}
	serieID := ""
	if len(f.Starts) > 1 {
		serieID = newSerieID()
	}
	var ids []string
	err = app.RunInTransaction(func(tx core.App) error {
		for _, start := range f.Starts {
			record := core.NewRecord(collection)
			record.Load(f.fields(start))
			record.Set("statut", "planifiee")
			record.Set("serie", serieID)
			if err := access.CreateChecked(tx, auth, record); err != nil {
				return err
			}
			ids = append(ids, record.Id)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("plan sessions: %w", err)
	}
	return ids, nil
}

func newSerieID() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// EditableSeance loads a session the staff member may change.
func EditableSeance(e *core.RequestEvent) (*StaffSeance, *model.StaffView, error) {
	s, err := LoadStaffSeance(e.App, e.Auth, e.Request.PathValue("id"))
	if err != nil {
		return nil, nil, err
	}
	if !s.PeutModifier {
		return nil, nil, access.ErrForbidden
	}
	return s, model.NewStaffView(e.Auth), nil
}

// BlockedReason tells why a session can no longer be edited or cancelled.
func BlockedReason(s *StaffSeance) string {
	switch s.Statut {
	case "annulee":
		return "Cette séance est annulée : elle ne peut plus être modifiée."
	case "realisee":
		return "Cette séance a eu lieu et elle est close : elle ne peut plus être modifiée. Les présences restent modifiables sur sa feuille de présence."
	}
	return ""
}

// LaterInSeries are the planned occurrences of the series after s.
func LaterInSeries(app core.App, s *StaffSeance) ([]*core.Record, error) {
	if s.Serie == "" {
		return nil, nil
	}
	later, err := app.FindRecordsByFilter("seances", "serie = {:serie} && debut > {:debut} && statut = 'planifiee'",
		"debut", 0, 0, dbx.Params{"serie": s.Serie, "debut": s.Record.GetDateTime("debut").String()})
	if err != nil {
		return nil, fmt.Errorf("later occurrences of %s: %w", s.ID, err)
	}
	return later, nil
}

// UpdateSeances applies the form to the session and, when asked, to the
// later occurrences of its series: each keeps its own date, moved by as
// many days as this one, and takes the new time, duration and settings.
func UpdateSeances(app core.App, auth *core.Record, s *StaffSeance, f *SeanceForm) (seanceUpdate, error) {
	var result seanceUpdate
	targets := []*core.Record{s.Record}
	if f.Portee == "suivantes" {
		later, err := LaterInSeries(app, s)
		if err != nil {
			return result, err
		}
		targets = append(targets, later...)
	}
	shift := serie.DaysBetween(s.Debut, f.debut)
	now := clock.Now(app)
	err := app.RunInTransaction(func(tx core.App) error {
		for i, target := range targets {
			start := f.debut
			if i > 0 {
				own := target.GetDateTime("debut").Time().In(s.Loc)
				start = serie.ShiftDays(time.Date(own.Year(), own.Month(), own.Day(), f.debut.Hour(), f.debut.Minute(), 0, 0, s.Loc), shift)
			}
			fields := f.fields(start)
			moved := !target.GetDateTime("debut").Time().Equal(start) || target.GetString("lieu") != f.Lieu
			grew := f.CapaciteNombre > target.GetInt("capacite")
			if err := access.UpdateChecked(tx, auth, target, fields); err != nil {
				return err
			}
			if grew && now.Before(start) {
				promoted, err := PromoteAll(tx, target)
				if err != nil {
					return err
				}
				result.Promoted = append(result.Promoted, promoted...)
			}
			if moved {
				result.Moved = append(result.Moved, target)
			}
			result.Count++
		}
		return nil
	})
	if err != nil {
		return seanceUpdate{}, fmt.Errorf("update session %s: %w", s.ID, err)
	}
	return result, nil
}

// CancelSeances cancels the session (and the rest of its series when
// asked) in one transaction. Registrations are kept as they were: the
// statistics count the demand for a cancelled session.
func CancelSeances(app core.App, auth *core.Record, s *StaffSeance, reason string, rest bool) ([]*core.Record, error) {
	targets := []*core.Record{s.Record}
	if rest {
		later, err := LaterInSeries(app, s)
		if err != nil {
			return nil, err
		}
		targets = append(targets, later...)
	}
	err := app.RunInTransaction(func(tx core.App) error {
		for _, target := range targets {
			err := access.UpdateChecked(tx, auth, target, map[string]any{"statut": "annulee", "motif_annulation": reason,
				"inscriptions_ouvertes": false})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cancel session %s: %w", s.ID, err)
	}
	return targets, nil
}

type seanceUpdate struct {
	Count    int
	Promoted []*core.Record // registrations moved off the waiting list by a larger capacity
	Moved    []*core.Record // sessions whose date, time or place changed
}

// Validate checks the form against the choices and computes the starts of
// every occurrence. A new plan (creating) must be in the future.
func (f *SeanceForm) Validate(app core.App, c *SeanceChoices, creating bool, now time.Time) formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	if creating && !slices.ContainsFunc(c.Ateliers, func(o formulaire.Option) bool { return o.Value == f.Atelier }) {
		errs["atelier"] = "Choisissez un atelier du catalogue."
	}
	structureID, ok := c.lieuxByID[f.Lieu]
	if !ok {
		errs["lieu"] = "Choisissez le lieu de la séance dans la liste."
	} else if structure, err := app.FindRecordById("structures", structureID); err == nil {
		f.Structure = structure
	}
	loc := frfmt.Location("")
	if f.Structure != nil {
		loc = frfmt.Location(f.Structure.GetString("fuseau"))
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
	if f.dureeMinutes, err = strconv.Atoi(f.Duree); err != nil || f.dureeMinutes < 15 || f.dureeMinutes > 600 {
		errs["duree"] = "Indiquez la durée en minutes, entre 15 et 600 (10 heures)."
	}
	if f.CapaciteNombre, err = strconv.Atoi(f.Capacite); err != nil || f.CapaciteNombre < 1 || f.CapaciteNombre > 500 {
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
	questions, qerrs := ParseQuestions(f.Questions)
	f.questions = questions
	maps.Copy(errs, qerrs)
	if len(errs) == 0 {
		f.Starts = []time.Time{f.debut}
		dep := f.departement(app)
		if creating && f.Repetition != "" {
			f.validateSeries(errs, loc, dep)
		} else if nom := feries.Nom(f.debut, dep); creating && nom != "" && !f.ConfirmeFerie {
			f.Ferie = frfmt.Date(f.debut) + " (" + nom + ")"
			errs["date"] = "Le " + f.Ferie + " est un jour férié. Choisissez une autre date, ou cochez « Planifier quand même ce jour férié »."
		}
	}
	return errs
}

// departement is where the session's public holidays are read: the
// place's postcode, else its structure's.
func (f *SeanceForm) departement(app core.App) string {
	if lieu, err := app.FindRecordById("lieux", f.Lieu); err == nil {
		if dep := feries.Departement(lieu.GetString("code_postal")); dep != "" || lieu.GetString("code_postal") != "" {
			return dep
		}
	}
	if f.Structure != nil {
		return feries.Departement(f.Structure.GetString("code_postal"))
	}
	return ""
}

func (f *SeanceForm) validateSeries(errs formulaire.Erreurs, loc *time.Location, dep string) {
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
	wanted := rule.Count
	if wanted > 0 && f.Skip() {
		// A series of n sessions keeps n sessions: the skipped holidays
		// are made up for at the end.
		rule.Count = serie.Max
	}
	starts, err := serie.Starts(f.debut, rule)
	switch err {
	case nil:
		f.Starts = f.skipHolidays(starts, wanted, dep)
	case serie.ErrUntil, serie.ErrLong:
		errs["jusquau"] = err.Error()
	case serie.ErrCount:
		errs["occurrences"] = err.Error()
	default:
		errs["repetition"] = err.Error()
	}
}

// skipHolidays leaves out the starts on public holidays when the series
// skips them, keeping at most wanted starts (0: all of them).
func (f *SeanceForm) skipHolidays(starts []time.Time, wanted int, dep string) []time.Time {
	if !f.Skip() {
		return starts
	}
	kept := make([]time.Time, 0, len(starts))
	for _, start := range starts {
		if wanted > 0 && len(kept) == wanted {
			break
		}
		if nom := feries.Nom(start, dep); nom != "" {
			f.Sautes = append(f.Sautes, JourFerie{Date: start, Nom: nom})
			continue
		}
		kept = append(kept, start)
	}
	return kept
}

// fields are the record values the form sets on a session starting at start.
func (f *SeanceForm) fields(start time.Time) map[string]any {
	animateurs := f.Animateurs
	if animateurs == nil {
		animateurs = []string{}
	}
	return map[string]any{
		"atelier": f.Atelier, "lieu": f.Lieu, "structure": f.Structure.Id,
		"debut": start.UTC(), "fin": start.Add(time.Duration(f.dureeMinutes) * time.Minute).UTC(),
		"capacite": f.CapaciteNombre, "animateurs": animateurs, "publique": f.Publique,
		"inscriptions_ouvertes": f.InscriptionsOuvertes, "notes_internes": f.NotesInternes,
		// Every session of a series asks the same questions.
		questionsField: f.questions,
	}
}
