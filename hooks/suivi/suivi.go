// Package suivi follows a person across their visits, for the conseillers
// of their structure: the needs and thématiques of each month, their
// autonomy at each one-to-one help, the referrals with the answers to
// « Êtes-vous allé à … ? », and the upcoming workshops to offer them. The
// rules are in hooks/lib/parcours; this package reads and writes them.
//
// Only a conseiller confirmed for the person's structure reaches it: the
// caller has read the person through the access rules, and answers are
// created through the rules of suivis_orientation. Référents and
// coordinateurs get counts (hooks/lib/stats), never this.
package suivi

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/journal"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/parcours"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// NombreSuggestions is how many workshops the profile offers at most.
const NombreSuggestions = 5

// Suivi is the follow-up shown on a person's profile.
type Suivi struct {
	Chronologie  []parcours.Mois
	Autonomie    []Autonomie // one per one-to-one help, oldest first
	Orientations []Orientation
	Suggestions  []Suggestion
}

// Autonomie is the person's autonomy at one one-to-one help.
type Autonomie struct {
	Jour   time.Time
	Valeur string // referentiel.Autonomies value, "" when not recorded
	Niveau int    // its position in referentiel.Autonomies, 0 when not recorded
}

// Orientation is a referral: a one-to-one help that sent the person to
// another structure, with the latest answer to « Êtes-vous allé à … ? ».
type Orientation struct {
	Accompagnement string
	Jour           time.Time
	Vers           string // where to, in words
	Etat           string // referentiel.ReponsesOrientation value, "" without answer
	RepondueLe     time.Time
	RepondueParNom string
	// AQuestionner: no answer or « pas encore », and the referral was made
	// on an earlier day: the question is asked at this visit.
	AQuestionner bool
}

// Suggestion is an upcoming session offered to the person.
type Suggestion struct {
	Seance, Titre, Lieu string
	Debut, Fin          time.Time
	Raison              string   // parcours.RaisonBesoin or parcours.RaisonNiveauSuivant
	Pourquoi            []string // the thématiques' labels
	Niveau              string   // the level's label
}

// Load reads the follow-up of person (already read through the access
// rules) as of now; loc is the person's structure's time zone.
func Load(app core.App, person *core.Record, loc *time.Location, now time.Time) (*Suivi, error) {
	activites, autonomie, err := loadActivites(app, person, loc)
	if err != nil {
		return nil, err
	}
	s := &Suivi{Chronologie: parcours.Chronologie(activites), Autonomie: autonomie}
	if s.Orientations, err = Orientations(app, person, loc, now); err != nil {
		return nil, err
	}
	if s.Suggestions, err = suggestions(app, person, activites, loc, now); err != nil {
		return nil, err
	}
	return s, nil
}

type helpRow struct {
	ID          string `db:"id"`
	Date        string `db:"date"`
	Thematiques string `db:"thematiques"`
	Autonomie   string `db:"autonomie"`
}

type attendedRow struct {
	Debut       string `db:"debut"`
	Besoin      string `db:"besoin"`
	Niveau      string `db:"niveau"`
	Thematiques string `db:"thematiques"`
}

// loadActivites reads the person's one-to-one helps and the sessions they
// attended, in their structure.
func loadActivites(app core.App, person *core.Record, loc *time.Location) ([]parcours.Activite, []Autonomie, error) {
	var helps []helpRow
	err := app.DB().Select("id", "date", "thematiques", "autonomie").From("accompagnements").
		Where(dbx.HashExp{"beneficiaire": person.Id, "structure": person.GetString("structure")}).
		OrderBy("date", "created", "id").All(&helps)
	if err != nil {
		return nil, nil, fmt.Errorf("help of %s: %w", person.Id, err)
	}
	var attended []attendedRow
	err = app.DB().Select("s.debut", "a.besoin", "a.niveau", "a.thematiques").From("inscriptions i").
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		Where(dbx.HashExp{"i.beneficiaire": person.Id, "i.statut": "present", "s.structure": person.GetString("structure")}).
		OrderBy("s.debut").All(&attended)
	if err != nil {
		return nil, nil, fmt.Errorf("sessions attended by %s: %w", person.Id, err)
	}
	var activites []parcours.Activite
	autonomie := make([]Autonomie, 0, len(helps))
	for _, h := range helps {
		jour := model.ParseDBTime(h.Date).In(loc)
		activites = append(activites, parcours.Activite{Jour: jour, Individuel: true, Thematiques: model.JSONList(h.Thematiques)})
		autonomie = append(autonomie, Autonomie{Jour: jour, Valeur: h.Autonomie, Niveau: referentiel.Autonomies.Position(h.Autonomie)})
	}
	for _, a := range attended {
		activites = append(activites, parcours.Activite{Jour: model.ParseDBTime(a.Debut).In(loc), Besoin: a.Besoin,
			Niveau: a.Niveau, Thematiques: model.JSONList(a.Thematiques)})
	}
	return activites, autonomie, nil
}

type referralRow struct {
	ID          string `db:"id"`
	Date        string `db:"date"`
	Redirection string `db:"structure_redirection"`
}

type answerRow struct {
	Accompagnement string `db:"accompagnement"`
	Reponse        string `db:"reponse"`
	Date           string `db:"date"`
	Prenom         string `db:"prenom"`
	Nom            string `db:"nom"`
}

// Orientations are the person's referrals, newest first, with their state.
func Orientations(app core.App, person *core.Record, loc *time.Location, now time.Time) ([]Orientation, error) {
	var referrals []referralRow
	err := app.DB().Select("id", "date", "structure_redirection").From("accompagnements").
		Where(dbx.HashExp{"beneficiaire": person.Id, "structure": person.GetString("structure"), "oriente": true}).
		OrderBy("date DESC", "created DESC", "id").All(&referrals)
	if err != nil {
		return nil, fmt.Errorf("referrals of %s: %w", person.Id, err)
	}
	if len(referrals) == 0 {
		return nil, nil
	}
	ids := make([]any, len(referrals))
	for i, r := range referrals {
		ids[i] = r.ID
	}
	var answers []answerRow
	err = app.DB().Select("o.accompagnement", "o.reponse", "o.date", "coalesce(u.prenom, '') AS prenom", "coalesce(u.nom, '') AS nom").
		From("suivis_orientation o").LeftJoin("utilisateurs u", dbx.NewExp("u.id = o.conseiller")).
		// rowid: two answers of the same millisecond keep the order given.
		Where(dbx.In("o.accompagnement", ids...)).OrderBy("o.date", "o.created", "o.rowid").All(&answers)
	if err != nil {
		return nil, fmt.Errorf("referral answers of %s: %w", person.Id, err)
	}
	byHelp := map[string][]answerRow{}
	for _, a := range answers {
		byHelp[a.Accompagnement] = append(byHelp[a.Accompagnement], a)
	}
	today := now.In(loc).Format(time.DateOnly)
	out := make([]Orientation, 0, len(referrals))
	for _, r := range referrals {
		o := Orientation{Accompagnement: r.ID, Jour: model.ParseDBTime(r.Date).In(loc), Vers: Destination(r.Redirection)}
		var reponses []parcours.Reponse
		for _, a := range byHelp[r.ID] {
			reponses = append(reponses, parcours.Reponse{Valeur: a.Reponse, Le: model.ParseDBTime(a.Date)})
		}
		o.Etat = parcours.Etat(reponses)
		if list := byHelp[r.ID]; len(list) > 0 {
			last := list[len(list)-1] // in date order, the same answer Etat keeps
			o.RepondueLe, o.RepondueParNom = model.ParseDBTime(last.Date).In(loc), last.Prenom+" "+last.Nom
		}
		o.AQuestionner = parcours.AttendReponse(o.Etat) && o.Jour.Format(time.DateOnly) < today
		out = append(out, o)
	}
	return out, nil
}

// AQuestionner are the referrals whose question is asked at this visit.
func AQuestionner(orientations []Orientation) []Orientation {
	var out []Orientation
	for _, o := range orientations {
		if o.AQuestionner {
			out = append(out, o)
		}
	}
	return out
}

// Destination names where a referral sent the person.
func Destination(redirection string) string {
	if redirection == "" {
		return "une autre structure"
	}
	return referentiel.StructuresRedirection.Label(redirection)
}

// ErrReponse is an answer that is not one of the list.
var ErrReponse = errors.New("Choisissez une réponse : oui, non ou pas encore.")

// Repondre records the answer to « Êtes-vous allé à … ? » for the referral
// made at help accompagnement of person, in auth's name, on now; it is
// journaled as a change of the person's data. A help that is not one of
// the person's referrals is not found.
func Repondre(app core.App, auth *core.Record, person *core.Record, accompagnement, reponse string, now time.Time) error {
	if !referentiel.ReponsesOrientation.Has(reponse) {
		return ErrReponse
	}
	help, err := access.Readable(app, auth, "accompagnements", accompagnement)
	if err != nil {
		return err
	}
	if help.GetString("beneficiaire") != person.Id || !help.GetBool("oriente") {
		return model.ErrNotFound
	}
	collection, err := app.FindCachedCollectionByNameOrId("suivis_orientation")
	if err != nil {
		return fmt.Errorf("referral answers: %w", err)
	}
	r := core.NewRecord(collection)
	r.Set("accompagnement", help.Id)
	r.Set("reponse", reponse)
	r.Set("date", now.UTC())
	r.Set("conseiller", auth.Id)
	return app.RunInTransaction(func(tx core.App) error {
		if err := access.CreateChecked(tx, auth, r); err != nil {
			return fmt.Errorf("record referral answer: %w", err)
		}
		return journal.LogAccess(tx, auth, journal.Modification, person,
			"Suivi d'une orientation : "+referentiel.ReponsesOrientation.Label(reponse))
	})
}

type upcomingRow struct {
	ID          string `db:"id"`
	Titre       string `db:"titre"`
	Lieu        string `db:"lieu"`
	Debut       string `db:"debut"`
	Fin         string `db:"fin"`
	Niveau      string `db:"niveau"`
	Thematiques string `db:"thematiques"`
}

// suggestions reads the upcoming public sessions of the person's
// structure they are not registered for, and keeps those that fit them.
func suggestions(app core.App, person *core.Record, activites []parcours.Activite, loc *time.Location, now time.Time) ([]Suggestion, error) {
	if len(activites) == 0 {
		return nil, nil // nothing known of their needs yet
	}
	var rows []upcomingRow
	err := app.DB().Select("s.id", "a.titre", "l.nom AS lieu", "s.debut", "s.fin", "a.niveau", "a.thematiques").
		From("seances s").
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		InnerJoin("lieux l", dbx.NewExp("l.id = s.lieu")).
		Where(dbx.And(
			dbx.HashExp{"s.structure": person.GetString("structure"), "s.publique": true, "s.statut": "planifiee"},
			dbx.NewExp("s.debut > {:now}", dbx.Params{"now": model.DBDate(now)}),
			dbx.NewExp("NOT EXISTS (SELECT 1 FROM inscriptions i WHERE i.seance = s.id AND i.beneficiaire = {:person} AND i.statut != 'annule')",
				dbx.Params{"person": person.Id}),
		)).
		OrderBy("s.debut", "s.id").Limit(200).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("upcoming sessions for %s: %w", person.Id, err)
	}
	props := make([]parcours.Proposition, len(rows))
	byID := map[string]upcomingRow{}
	for i, r := range rows {
		props[i] = parcours.Proposition{Seance: r.ID, Debut: model.ParseDBTime(r.Debut), Niveau: r.Niveau,
			Thematiques: model.JSONList(r.Thematiques)}
		byID[r.ID] = r
	}
	var out []Suggestion
	for _, p := range parcours.Suggerer(activites, props, NombreSuggestions) {
		r := byID[p.Seance]
		out = append(out, Suggestion{Seance: r.ID, Titre: r.Titre, Lieu: r.Lieu, Debut: p.Debut.In(loc),
			Fin: model.ParseDBTime(r.Fin).In(loc), Raison: p.Raison, Pourquoi: referentiel.Thematiques.Labels(p.Pourquoi),
			Niveau: referentiel.Niveaux.Label(r.Niveau)})
	}
	return out, nil
}

// Location is the time zone of the person's structure.
func Location(app core.App, person *core.Record) (*time.Location, error) {
	structure, err := app.FindRecordById("structures", person.GetString("structure"))
	if err != nil {
		return nil, fmt.Errorf("structure of %s: %w", person.Id, err)
	}
	return frfmt.Location(structure.GetString("fuseau")), nil
}
