package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/seances"
)

func InscriptionPageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		data, err := seances.LoadInscriptionPage(e.App, e.Request.PathValue("jeton"))
		if err != nil {
			return err
		}
		data.Lien = envois.InstanceURL(e.App) + "/inscription/" + data.Jeton
		q := e.Request.URL.Query()
		data.Confirmation = q.Has("confirmation")
		data.Annulation = q.Has("annulee")
		privatePage(e)
		return pe.render(e, http.StatusOK, "inscription", "Mon inscription : "+data.Seance.Titre, data)
	}
}

func CancelPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		jeton := e.Request.PathValue("jeton")
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

func InscriptionCalendarHandler(e *core.RequestEvent) error {
	data, err := seances.LoadInscriptionPage(e.App, e.Request.PathValue("jeton"))
	if err != nil {
		return err
	}
	return writeCalendar(e, "atelier.ics", data.Seance.Structure, []*seances.SeanceView{data.Seance}, false)
}

// privatePage keeps a page that holds a secret link out of caches and
// search engines.
func privatePage(e *core.RequestEvent) {
	e.Response.Header().Set("Cache-Control", "no-store")
	e.Response.Header().Set("X-Robots-Tag", "noindex, nofollow")
}
