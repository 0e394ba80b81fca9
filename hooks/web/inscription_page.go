package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/ical"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

func InscriptionPageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		data, err := seances.LoadInscriptionPage(e.App, e.Request.PathValue("jeton"))
		if err != nil {
			return err
		}
		if now := clock.Now(e.App); data.OffreEnCours && !now.Before(data.OffreExpire) {
			// The job passes lapsed offers on every few minutes; the person
			// reading their page meanwhile sees the truth at once.
			if err := expireOfferOf(e.App, data.Jeton, now); err != nil {
				return err
			}
			if data, err = seances.LoadInscriptionPage(e.App, data.Jeton); err != nil {
				return err
			}
		}
		data.Lien = envois.InstanceURL(e.App) + "/inscription/" + data.Jeton
		q := e.Request.URL.Query()
		data.OffreConfirmee = q.Has("place_confirmee")
		data.Confirmation = q.Has("confirmation")
		data.Annulation = q.Has("annulee")
		data.Reinscription = q.Has("reinscrit")
		data.PeutReinscrire = data.Statut == model.StatutAnnule && !data.Passee &&
			data.Seance.InscriptionClosedReason(clock.Now(e.App)) == "" && data.Cycle == nil // a cycle: from its page
		privatePage(e)
		return pe.render(e, http.StatusOK, "inscription", "Mon inscription : "+data.Seance.Titre, data)
	}
}

// CancelConfirmHandler asks before cancelling: one tap on the personal
// page never cancels on its own.
func CancelConfirmHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return renderCancelConfirm(pe, e)
	}
}

func renderCancelConfirm(pe *pageEngine, e *core.RequestEvent) error {
	data, err := seances.LoadInscriptionPage(e.App, e.Request.PathValue("jeton"))
	if err != nil {
		return err
	}
	privatePage(e)
	if data.Statut != model.StatutInscrit && data.Statut != model.StatutListeAttente || data.Passee {
		return e.Redirect(http.StatusSeeOther, "/inscription/"+data.Jeton)
	}
	return pe.render(e, http.StatusOK, "inscription_annuler", "Annuler mon inscription : "+data.Seance.Titre, data)
}

// CancelPostHandler cancels once the person confirmed; a post without the
// confirmation (an old page) asks first.
func CancelPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		jeton := e.Request.PathValue("jeton")
		if formText(e, "confirme") == "" {
			return renderCancelConfirm(pe, e)
		}
		result, err := inscriptions.CancelInscription(e.App, jeton, clock.Now(e.App))
		if err != nil {
			return err
		}
		if result.Promoted != nil {
			envois.NotifyPromotion(e.App, envois.InstanceURL(e.App), result.Promoted)
		}
		return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton+"?annulee=1")
	}
}

// ConfirmOfferPostHandler confirms the place offered to the person; a
// confirmation after the deadline shows the page, which then says the
// place went to the next person.
func ConfirmOfferPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		jeton := e.Request.PathValue("jeton")
		next, err := inscriptions.ConfirmOffer(e.App, jeton, clock.Now(e.App))
		switch {
		case errors.Is(err, inscriptions.ErrOffreExpiree):
			if next != nil {
				envois.NotifyPromotion(e.App, envois.InstanceURL(e.App), next)
			}
			return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton)
		case errors.Is(err, inscriptions.ErrPasDOffre):
			return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton)
		case err != nil:
			return err
		}
		return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton+"?place_confirmee=1")
	}
}

// expireOfferOf passes on the person's lapsed offer and tells the next
// person.
func expireOfferOf(app core.App, jeton string, now time.Time) error {
	next, err := inscriptions.ExpireOfferOf(app, jeton, now)
	if err != nil {
		return err
	}
	if next != nil {
		envois.NotifyPromotion(app, envois.InstanceURL(app), next)
	}
	return nil
}

// ReinscrirePostHandler takes a cancelled registration up again.
func ReinscrirePostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		jeton := e.Request.PathValue("jeton")
		inscription, err := inscriptions.Reinscrire(e.App, jeton, clock.Now(e.App))
		if errors.Is(err, inscriptions.ErrPasAnnulee) || errors.Is(err, inscriptions.ErrInscriptionClosed) {
			return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton)
		}
		if err != nil {
			return err
		}
		if person, err := e.App.FindRecordById("beneficiaires", inscription.GetString("beneficiaire")); err == nil {
			envois.NotifyInscription(e.App, envois.InstanceURL(e.App), inscription, person)
		}
		return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton+"?reinscrit=1")
	}
}

func InscriptionCalendarHandler(e *core.RequestEvent) error {
	data, err := seances.LoadInscriptionPage(e.App, e.Request.PathValue("jeton"))
	if err != nil {
		return err
	}
	event := seanceEvent(e.App, data.Seance.Structure, data.Seance)
	if data.Modifie.After(event.Modified) {
		event.Modified = data.Modifie
	}
	cal := ical.Calendar{ProdID: "-//Atelier//Ateliers numériques//FR", Name: data.Seance.Structure.Nom, Zone: data.Seance.Structure.Fuseau}
	switch {
	case data.Statut == model.StatutAnnule:
		// Same UID as the file added before: the calendar app removes
		// that event. A cancellation is a new version of it.
		cal.Method = "CANCEL"
		event.Status = "CANCELLED"
		event.Sequence++
	case data.Seance.Annulee():
		cal.Method = "CANCEL"
	case data.Statut == model.StatutListeAttente:
		// The page offers no « Ajouter à mon agenda » then; a link kept
		// from before still says the place is not held.
		event.Status = "TENTATIVE"
		event.Description = "Vous êtes sur liste d'attente : vous n'avez pas encore de place.\n" +
			"Nous vous préviendrons si une place se libère.\n" + event.Description
	}
	cal.Events = []ical.Event{event}
	return sendCalendar(e, "atelier.ics", cal, false)
}

// privatePage keeps a page that holds a secret link out of caches and
// search engines.
func privatePage(e *core.RequestEvent) {
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.Header().Set("X-Robots-Tag", "noindex, nofollow")
}
