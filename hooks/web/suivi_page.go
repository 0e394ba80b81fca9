package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/graphique"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/suivi"
)

// The follow-up of a person on their profile and on the one-to-one help
// form (hooks/suivi): the months, the autonomy chart and its table, the
// referrals with « Êtes-vous allé à … ? », the workshops to offer.

// suiviVue is the follow-up block of a profile.
type suiviVue struct {
	PersonID, Nom string
	Mois          []suiviMois
	Autonomie     []suiviPoint
	Graphique     template.HTML
	Orientations  []suiviOrientation
	Suggestions   []suiviSuggestion
	Errors        formulaire.Erreurs
}

type suiviMois struct {
	Mois                  string
	Individuels, Ateliers int
	Besoins, Thematiques  []string // labels
}

type suiviPoint struct {
	Jour    time.Time
	Libelle string // the autonomy's label, or « Non renseignée »
}

// suiviOrientation is a referral with, when it is asked at this visit,
// its question as a field.
type suiviOrientation struct {
	suivi.Orientation
	Etat     string // the answer's label, or ""
	Question *formulaire.Champ
}

type suiviSuggestion struct {
	suivi.Suggestion
	Raison string
}

// autonomieCourte names the chart's scale: the table says it in full.
var autonomieCourte = []string{"Avec guidage", "Guidage si besoin", "Autonome"}

// orientationField is the name of the question of a referral in a form.
func orientationField(accompagnement string) string { return "orientation_" + accompagnement }

// orientationQuestion is « Êtes-vous allé à … ? » as a field: typed is
// the answer sent (kept when the form comes back), errs its message.
func orientationQuestion(o suivi.Orientation, typed string, errs formulaire.Erreurs) *formulaire.Champ {
	name := orientationField(o.Accompagnement)
	f := &formulaire.Champ{Name: name, ID: name, Label: "Êtes-vous allé à « " + o.Vers + " » ?", Value: typed,
		Buttons: true, Error: errs[name],
		Help: "Orientation du " + frfmt.Date(o.Jour) + "."}
	if o.Etat == "pas_encore" {
		f.Help += " Réponse précédente : pas encore."
	}
	for _, r := range referentiel.ReponsesOrientation {
		f.Options = append(f.Options, formulaire.Option{Value: r.Value, Label: r.Label, Selected: r.Value == typed})
	}
	return f
}

// loadSuiviVue reads the follow-up of a person read through the rules.
func loadSuiviVue(app core.App, person *core.Record, typed url.Values, errs formulaire.Erreurs) (*suiviVue, error) {
	loc, err := suivi.Location(app, person)
	if err != nil {
		return nil, err
	}
	s, err := suivi.Load(app, person, loc, clock.Now(app))
	if err != nil {
		return nil, err
	}
	v := &suiviVue{PersonID: person.Id, Nom: person.GetString("prenom") + " " + person.GetString("nom"), Errors: errs}
	// An anonymised person is counted, no longer followed: nothing to ask
	// or offer them.
	anonyme := person.GetBool("anonymise")
	for _, m := range s.Chronologie {
		v.Mois = append(v.Mois, suiviMois{Mois: frfmt.Mois(m.Mois), Individuels: m.Individuels, Ateliers: m.Ateliers,
			Besoins: referentiel.Besoins.Labels(m.Besoins), Thematiques: referentiel.Thematiques.Labels(m.Thematiques)})
	}
	points := make([]graphique.Point, 0, len(s.Autonomie))
	recorded := false
	for _, a := range s.Autonomie {
		label := "Non renseignée"
		if a.Valeur != "" {
			label, recorded = referentiel.Autonomies.Label(a.Valeur), true
		}
		v.Autonomie = append(v.Autonomie, suiviPoint{Jour: a.Jour, Libelle: label})
		points = append(points, graphique.Point{Libelle: a.Jour.Format("02/01"), Niveau: a.Niveau})
	}
	if recorded {
		// graphique escapes every text.
		v.Graphique = template.HTML(graphique.Niveaux("graphique-autonomie", "Autonomie à chaque accompagnement individuel",
			autonomieCourte, points))
	}
	for _, o := range s.Orientations {
		so := suiviOrientation{Orientation: o}
		if o.Etat != "" {
			so.Etat = referentiel.ReponsesOrientation.Label(o.Etat)
		}
		if o.AQuestionner && !anonyme {
			so.Question = orientationQuestion(o, typed.Get(orientationField(o.Accompagnement)), errs)
		}
		v.Orientations = append(v.Orientations, so)
	}
	for _, sg := range s.Suggestions {
		if anonyme {
			break
		}
		raison := "Besoin pas encore couvert"
		if sg.Raison != "besoin" {
			raison = "Niveau suivant (" + sg.Niveau + ")"
		}
		v.Suggestions = append(v.Suggestions, suiviSuggestion{Suggestion: sg, Raison: raison})
	}
	return v, nil
}

// orientationAnswerHandler records an answer given on the profile, then
// goes back to it; no answer chosen shows the profile again with the
// message next to the question.
func orientationAnswerHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		record, kept, err := beneficiaireOfPath(e, "id")
		if err != nil {
			return err
		}
		if kept != "" {
			return redirectToKept(e, kept)
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("parse referral answer: %w", err)
		}
		help := e.Request.PathValue("accompagnement")
		reponse := formText(e, orientationField(help))
		err = suivi.Repondre(e.App, e.Auth, record, help, reponse, clock.Now(e.App))
		if errors.Is(err, suivi.ErrReponse) {
			profil, err := loadProfil(e.App, e.Auth, staff, record)
			if err != nil {
				return err
			}
			errs := formulaire.Erreurs{orientationField(help): suivi.ErrReponse.Error()}
			if profil.Suivi, err = loadSuiviVue(e.App, record, e.Request.PostForm, errs); err != nil {
				return err
			}
			return pe.render(e, http.StatusUnprocessableEntity, "beneficiaire", profil.Prenom+" "+profil.Nom, profil)
		}
		if err != nil {
			return err
		}
		return redirectWithFlash(e, "/espace/beneficiaires/"+record.Id+"#titre-orientations",
			"Réponse enregistrée : "+referentiel.ReponsesOrientation.Label(reponse)+".")
	}
}

// helpOrientations are the questions of the help form for the chosen
// person (a new help only): the referrals of earlier visits still
// waiting for news, with the answers typed so far.
func helpOrientations(e *core.RequestEvent, p *accompagnementFormPage) error {
	if p.Personne == nil || p.Edition {
		return nil
	}
	pending, err := pendingOrientations(e, p.Personne.ID)
	if err != nil {
		return err
	}
	for _, o := range pending {
		p.Orientations = append(p.Orientations, orientationQuestion(o, e.Request.PostFormValue(orientationField(o.Accompagnement)), p.Errors))
	}
	return nil
}

func pendingOrientations(e *core.RequestEvent, personID string) ([]suivi.Orientation, error) {
	person, err := access.Readable(e.App, e.Auth, "beneficiaires", personID)
	if err != nil {
		return nil, err
	}
	loc, err := suivi.Location(e.App, person)
	if err != nil {
		return nil, err
	}
	all, err := suivi.Orientations(e.App, person, loc, clock.Now(e.App))
	if err != nil {
		return nil, err
	}
	return suivi.AQuestionner(all), nil
}

// checkHelpOrientations puts a message next to an answer of the help form
// that is not one of the list (nothing chosen is no answer).
func checkHelpOrientations(e *core.RequestEvent, person *accompagnementPerson, errs formulaire.Erreurs) error {
	if person == nil {
		return nil
	}
	pending, err := pendingOrientations(e, person.ID)
	if err != nil {
		return err
	}
	for _, o := range pending {
		name := orientationField(o.Accompagnement)
		if v := formText(e, name); v != "" && !referentiel.ReponsesOrientation.Has(v) {
			errs[name] = suivi.ErrReponse.Error()
		}
	}
	return nil
}

// recordHelpOrientations records, with the new help, the answers given on
// its form.
func recordHelpOrientations(tx core.App, e *core.RequestEvent, person *accompagnementPerson) error {
	if person == nil {
		return nil
	}
	record, err := tx.FindRecordById("beneficiaires", person.ID)
	if err != nil {
		return fmt.Errorf("find beneficiary %s: %w", person.ID, err)
	}
	loc, err := suivi.Location(tx, record)
	if err != nil {
		return err
	}
	now := clock.Now(tx)
	all, err := suivi.Orientations(tx, record, loc, now)
	if err != nil {
		return err
	}
	for _, o := range suivi.AQuestionner(all) {
		if v := formText(e, orientationField(o.Accompagnement)); v != "" {
			if err := suivi.Repondre(tx, e.Auth, record, o.Accompagnement, v, now); err != nil {
				return err
			}
		}
	}
	return nil
}
