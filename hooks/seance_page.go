package hooks

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// The public page of one session, with its registration form, and the
// form's POST. The form works without JavaScript: errors come back on the
// same page, next to their field, with everything typed kept; a success
// redirects (POST-redirect-GET) to the registration's own page.

type seancePageData struct {
	Seance         *seanceView
	Fermee         string // why registration is closed, or ""
	Form           registrationForm
	Errors         formErrors
	PrivacyVersion string
}

func seancePageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		seance, err := loadPublicSeance(e.App, e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		data := seancePageData{Seance: seance, Fermee: seance.registrationClosedReason(time.Now()),
			PrivacyVersion: privacyVersion}
		return pe.render(e, http.StatusOK, "seance", seance.Titre, data)
	}
}

func registrationPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		seance, err := loadPublicSeance(e.App, id)
		if err != nil {
			return err
		}
		if err := e.Request.ParseForm(); err != nil {
			return pe.render(e, http.StatusBadRequest, "seance", seance.Titre,
				seancePageData{Seance: seance, Errors: formErrors{"": "Le formulaire n'a pas pu être lu. Réessayez."}})
		}
		form := parseRegistrationForm(e.Request.PostForm)
		data := seancePageData{Seance: seance, Form: form, PrivacyVersion: privacyVersion}
		now := time.Now()
		if form.Piege != "" { // only robots fill the hidden field
			data.Errors = formErrors{"": "Votre demande n'a pas pu être enregistrée."}
			return pe.render(e, http.StatusUnprocessableEntity, "seance", seance.Titre, data)
		}
		if reason := seance.registrationClosedReason(now); reason != "" {
			data.Fermee = reason
			return pe.render(e, http.StatusConflict, "seance", seance.Titre, data)
		}
		if errs := form.validate(); len(errs) > 0 {
			data.Errors = errs
			return pe.render(e, http.StatusUnprocessableEntity, "seance", seance.Titre, data)
		}
		result, err := register(e.App, id, form, now)
		if errors.Is(err, errRegistrationClosed) {
			data.Fermee = "Les inscriptions viennent de se fermer pour cette séance."
			return pe.render(e, http.StatusConflict, "seance", seance.Titre, data)
		}
		if err != nil {
			return err
		}
		if result.Existing && !sameSubmitter(result, form, now) {
			// Somebody typed the phone or e-mail of a registered person:
			// confirm without handing over that person's personal link.
			notifyRegistration(e.App, baseURL(e), result.Inscription)
			data := dejaInscritData{Seance: seance, Statut: result.Inscription.GetString("statut"),
				Rang: result.Inscription.GetInt("rang_attente")}
			return pe.render(e, http.StatusOK, "deja_inscrit", "Déjà inscrit", data)
		}
		if !result.Existing {
			notifyRegistration(e.App, baseURL(e), result.Inscription)
		}
		return e.Redirect(http.StatusSeeOther, "/inscription/"+result.Inscription.GetString("jeton")+"?confirmation=1")
	}
}

type dejaInscritData struct {
	Seance *seanceView
	Statut string
	Rang   int
}

// sameSubmitter tells a double submit (same names, minutes apart), which
// gets its own personal link again, from another person using the same
// phone or e-mail, who does not.
func sameSubmitter(result registrationResult, f registrationForm, now time.Time) bool {
	if result.Person == nil || now.Sub(result.Inscription.GetDateTime("updated").Time()) > 10*time.Minute {
		return false
	}
	return strings.EqualFold(result.Person.GetString("prenom"), f.Prenom) &&
		strings.EqualFold(result.Person.GetString("nom"), f.Nom)
}
