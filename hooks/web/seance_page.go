package web

import (
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

type seancePageData struct {
	Seance         *seances.SeanceView
	Fermee         string // why registration is closed, or ""
	Form           inscriptions.InscriptionForm
	Errors         formulaire.Erreurs
	PrivacyVersion string
	Rendu          string // the form's signed render time
}

func SeancePageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		var title string
		load := func() (string, any, error) {
			seance, err := seances.LoadPublicSeance(e.App, id)
			if err != nil {
				return title, nil, err
			}
			return seance.Titre, seancePageData{Seance: seance, Fermee: seance.InscriptionClosedReason(clock.Now(e.App)),
				PrivacyVersion: beneficiaires.PrivacyVersion, Rendu: renduPlaceholder}, nil
		}
		return pe.renderCachedFresh(e, "/ateliers/"+id, "seance", load, renduPlaceholder, func() string { return freshRendu(e.App, id) })
	}
}

// InscriptionPostHandler goes straight to the registration when the form
// is valid (the transaction checks the session); the session's page is only
// loaded to answer with an error.
//
// What the answer shows never depends on who else is known: a new
// registration leads to its personal page; a person already registered
// (same names and contact) is told so without their registration, and
// their link goes only to the e-mail on their record, unless this is the
// same form sent twice.
func InscriptionPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		now := clock.Now(e.App)
		answer := func(status int, data seancePageData) error {
			seance, err := seances.LoadPublicSeance(e.App, id)
			if err != nil {
				return err
			}
			data.Seance, data.PrivacyVersion = seance, beneficiaires.PrivacyVersion
			if data.Rendu == "" {
				data.Rendu = freshRendu(e.App, id)
			}
			if reason := seance.InscriptionClosedReason(now); reason != "" {
				data.Fermee, status = reason, http.StatusConflict
			}
			return pe.render(e, status, "seance", seance.Titre, data)
		}
		if err := e.Request.ParseForm(); err != nil {
			return answer(http.StatusBadRequest, seancePageData{Errors: formulaire.Erreurs{"": "Le formulaire n'a pas pu être lu. Réessayez."}})
		}
		form := parseInscriptionForm(e.Request.PostForm)
		if form.Piege != "" { // only robots fill the hidden field
			return answer(http.StatusUnprocessableEntity, seancePageData{Form: form,
				Errors: formulaire.Erreurs{"": "Votre demande n'a pas pu être enregistrée."}})
		}
		if e.Request.PostForm.Get("action") == "ajouter" || e.Request.PostForm.Has("retirer") {
			// One more person, or one fewer: the same form again, as typed.
			return answer(http.StatusOK, seancePageData{Form: form, Rendu: e.Request.PostForm.Get("rendu")})
		}
		rendu, problem := checkRendu(e.App, id, e.Request.PostForm.Get("rendu"))
		kept := e.Request.PostForm.Get("rendu") // still valid: the person need not wait again
		if problem != "" {
			kept = ""
		}
		errs := form.Validate()
		questions, err := seances.LoadQuestions(e.App, id)
		if err != nil && !model.IsNotFound(err) {
			return err
		}
		maps.Copy(errs, form.CheckQuestions(questions))
		if len(errs) > 0 {
			return answer(http.StatusUnprocessableEntity, seancePageData{Form: form, Errors: errs, Rendu: kept})
		}
		if problem != "" {
			return answer(http.StatusUnprocessableEntity, seancePageData{Form: form, Errors: formulaire.Erreurs{"": problem}})
		}
		limites, err := inscriptions.LoadLimites(e.App)
		if err != nil {
			return err
		}
		form.Limites, form.EmpreinteIP, form.EmpreinteFormulaire = limites, empreinteIP(e), empreinteFormulaire(e.App, rendu)
		if n := len(form.Autres) + 1; n > limites.ParContact {
			return answer(http.StatusUnprocessableEntity, seancePageData{Form: form, Rendu: kept, Errors: formulaire.Erreurs{
				"": fmt.Sprintf("Avec un même téléphone ou e-mail, %d personnes au plus s'inscrivent à une séance. Pour les autres, appelez la structure.", limites.ParContact)}})
		}
		if len(form.Autres) > 0 {
			return registerHousehold(pe, e, id, form, now)
		}
		result, err := inscriptions.Register(e.App, id, form, now)
		switch {
		case errors.Is(err, inscriptions.ErrInscriptionClosed):
			return answer(http.StatusConflict, seancePageData{Form: form, Rendu: kept,
				Fermee: "Les inscriptions sont closes pour cette séance."})
		case errors.Is(err, inscriptions.ErrLimiteIP):
			return answer(http.StatusUnprocessableEntity, seancePageData{Form: form, Rendu: kept, Errors: formulaire.Erreurs{
				"": "Plusieurs personnes ont déjà été inscrites à cette séance depuis cette connexion. Pour inscrire une autre personne, appelez la structure."}})
		case errors.Is(err, inscriptions.ErrLimiteContact):
			return answer(http.StatusUnprocessableEntity, seancePageData{Form: form, Rendu: kept, Errors: formulaire.Erreurs{
				"": "Ce téléphone ou cette adresse e-mail a déjà servi pour plusieurs inscriptions à cette séance. Pour inscrire une autre personne, appelez la structure."}})
		case err != nil:
			return err
		}
		jeton := result.Inscription.GetString("jeton")
		if !result.Existing { // its message was recorded with it, and leaves on its own
			return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton+"?confirmation=1")
		}
		if form.EmpreinteFormulaire != "" && result.Inscription.GetString("empreinte_formulaire") == form.EmpreinteFormulaire {
			// The same form sent twice (a double tap, a reload): its sender
			// made this registration.
			return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton+"?confirmation=1")
		}
		envois.NotifyInscription(e.App, envois.InstanceURL(e.App), result.Inscription, result.Person)
		seance, err := seances.LoadPublicSeance(e.App, id)
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "deja_inscrit", "Déjà inscrit", dejaInscritData{Seance: seance})
	}
}

// householdLine is what became of one person of a household registration.
type householdLine struct {
	Prenom, Nom string
	Statut      string // inscrit, liste_attente, "" when not registered
	Rang        int
	Jeton       string // the personal link of a registration this form made
	Existe      bool   // already registered by someone else's form
	Refus       string // why this person could not be registered
}

// registerHousehold registers each person of the form in turn, sharing its
// contact: each gets their own place or waiting rank, counted like any
// registration, and the page says what became of each.
func registerHousehold(pe *pageEngine, e *core.RequestEvent, seanceID string, form inscriptions.InscriptionForm, now time.Time) error {
	first := form
	first.Autres = nil
	people := []inscriptions.InscriptionForm{first}
	for _, p := range form.Autres {
		people = append(people, form.Pour(p))
	}
	var lines []householdLine
	for _, f := range people {
		line := householdLine{Prenom: f.Prenom, Nom: f.Nom}
		result, err := inscriptions.Register(e.App, seanceID, f, now)
		switch {
		case errors.Is(err, inscriptions.ErrInscriptionClosed):
			line.Refus = "Les inscriptions viennent de fermer."
		case errors.Is(err, inscriptions.ErrLimiteIP), errors.Is(err, inscriptions.ErrLimiteContact):
			line.Refus = "Trop de places déjà prises avec ces coordonnées : appelez la structure."
		case err != nil:
			return err
		case result.Existing && result.Inscription.GetString("empreinte_formulaire") != f.EmpreinteFormulaire:
			line.Existe = true
			envois.NotifyInscription(e.App, envois.InstanceURL(e.App), result.Inscription, result.Person)
		default:
			line.Statut, line.Rang, line.Jeton = result.Inscription.GetString("statut"), result.Inscription.GetInt("rang_attente"), result.Inscription.GetString("jeton")
		}
		lines = append(lines, line)
	}
	seance, err := seances.LoadPublicSeance(e.App, seanceID)
	if err != nil {
		return err
	}
	privatePage(e)
	return pe.render(e, http.StatusOK, "inscriptions_groupe", "Vos inscriptions : "+seance.Titre,
		struct {
			Seance *seances.SeanceView
			Lignes []householdLine
		}{seance, lines})
}

// Questions are the session's registration questions as the form asks
// them, with what the person typed and the messages.
func (d seancePageData) Questions() []seances.ChampQuestion {
	if d.Seance == nil {
		return nil
	}
	return seances.ChampsQuestions(d.Seance.Questions, d.Form.Valeurs, d.Errors)
}

// inscriptionCible is what the public registration form (partial
// inscription_form) registers for: one session, or every remaining session
// of a cycle. The fields, checks and anti-abuse are the same.
type inscriptionCible struct {
	Action    string        // where the form posts
	Objet     template.HTML // « l'atelier », « le cycle »: fixed texts, as the template's own
	Structure string        // who keeps the person's details
	AideEmail template.HTML
	Bouton    template.HTML
	Autres    bool // relatives may be added to the same registration
}

// Cible is the session the form registers for.
func (d seancePageData) Cible() inscriptionCible {
	c := inscriptionCible{Action: "/ateliers/" + d.Seance.ID + "/inscription", Objet: "l'atelier",
		Structure: d.Seance.Structure.Nom, AideEmail: "Vous recevrez la confirmation par e-mail.", Bouton: "M'inscrire", Autres: true}
	if d.Seance.Complet() {
		c.Bouton = "M'inscrire sur la liste d'attente"
	}
	return c
}

type dejaInscritData struct {
	Seance *seances.SeanceView
}
