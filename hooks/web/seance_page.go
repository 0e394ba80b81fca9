package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/seances"
)

type seancePageData struct {
	Seance         *seances.SeanceView
	Fermee         string // why registration is closed, or ""
	Form           inscriptions.InscriptionForm
	Errors         formulaire.Erreurs
	PrivacyVersion string
}

func SeancePageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		var title string
		return pe.renderCachedTitle(e, "/ateliers/"+id, "seance", func() (string, any, error) {
			seance, err := seances.LoadPublicSeance(e.App, id)
			if err != nil {
				return title, nil, err
			}
			return seance.Titre, seancePageData{Seance: seance, Fermee: seance.InscriptionClosedReason(clock.Now(e.App)),
				PrivacyVersion: beneficiaires.PrivacyVersion}, nil
		})
	}
}

// RegistrationPostHandler goes straight to the registration when the form
// is valid (the transaction checks the session); the session's page is only
// loaded to answer with an error.
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
		if errs := form.Validate(); len(errs) > 0 {
			return answer(http.StatusUnprocessableEntity, seancePageData{Form: form, Errors: errs})
		}
		result, err := inscriptions.Register(e.App, id, form, now)
		if errors.Is(err, inscriptions.ErrInscriptionClosed) {
			return answer(http.StatusConflict, seancePageData{Form: form,
				Fermee: "Les inscriptions sont closes pour cette séance."})
		}
		if err != nil {
			return err
		}
		if result.Existing && !sameSubmitter(result, form, now) {
			// Somebody typed the phone or e-mail of a registered person:
			// confirm without handing over that person's personal link.
			envois.NotifyInscription(e.App, baseURL(e), result.Inscription, result.Person)
			seance, err := seances.LoadPublicSeance(e.App, id)
			if err != nil {
				return err
			}
			rang, err := seances.RangAttente(e.App, result.Inscription)
			if err != nil {
				return err
			}
			data := dejaInscritData{Seance: seance, Statut: result.Inscription.GetString("statut"), Rang: rang}
			return pe.render(e, http.StatusOK, "deja_inscrit", "Déjà inscrit", data)
		}
		if !result.Existing {
			envois.NotifyInscription(e.App, baseURL(e), result.Inscription, result.Person)
		}
		return e.Redirect(http.StatusSeeOther, "/inscription/"+result.Inscription.GetString("jeton")+"?confirmation=1")
	}
}

type dejaInscritData struct {
	Seance *seances.SeanceView
	Statut string
	Rang   int
}

// sameSubmitter tells a double submit (same names, minutes apart), which
// gets its own personal link again, from another person using the same
// phone or e-mail, who does not.
func sameSubmitter(result inscriptions.InscriptionResult, f inscriptions.InscriptionForm, now time.Time) bool {
	if result.Person == nil || now.Sub(result.Inscription.GetDateTime("updated").Time()) > 10*time.Minute {
		return false
	}
	return strings.EqualFold(result.Person.GetString("prenom"), f.Prenom) &&
		strings.EqualFold(result.Person.GetString("nom"), f.Nom)
}
