package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/clock"
	"atelier/hooks/inscriptions"
)

// RegisterCartonPages binds the staff's appointment cards of a session:
// everyone registered or waiting (four per A4 sheet), or one person.
func RegisterCartonPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	h := &seancePages{pe: pe}
	g.GET("/seances/{id}/cartons.pdf", pe.Page(h.cartons))
	g.GET("/seances/{id}/inscriptions/{inscription}/carton.pdf", pe.Page(h.cartons))
}

// cartons sends the cards, to the conseillers who read the session's
// people; the read of their names is journaled like the sign-in sheet's.
func (h *seancePages) cartons(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	one := e.Request.PathValue("inscription")
	pdf, n, err := inscriptions.CartonsSeance(e.App, s.ID, one, clock.Now(e.App))
	if errors.Is(err, inscriptions.ErrPasDeCarton) {
		why := "Il n'y a pas de carton à imprimer : la séance est annulée ou a déjà commencé."
		if s.Inscrits+s.EnAttente == 0 {
			why = "Il n'y a pas de carton à imprimer : personne n'est inscrit ni en liste d'attente."
		}
		return h.refuseOnSeance(e, s, why)
	}
	if err != nil {
		return err
	}
	if err := journalList(e, s.Structure.Id, n, "Cartons de rendez-vous PDF de la séance "+s.ID); err != nil {
		return err
	}
	name := "cartons-"
	if one != "" {
		name = "carton-"
	}
	// Opened in the browser, to be printed.
	return sendFile(e, download{Name: name + participantsSlug(s.Titre, 50) + "-" + s.Debut.Format(time.DateOnly) + ".pdf",
		ContentType: "application/pdf", Inline: true}, pdf)
}

// InscriptionCartonHandler sends the person's own card, from the personal
// page; a cancelled registration or session shows that page instead.
func InscriptionCartonHandler(e *core.RequestEvent) error {
	jeton := e.Request.PathValue("jeton")
	pdf, err := inscriptions.CartonPersonnel(e.App, jeton, clock.Now(e.App))
	if errors.Is(err, inscriptions.ErrPasDeCarton) {
		privatePage(e)
		return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton)
	}
	if err != nil {
		return err
	}
	return sendFile(e, download{Name: "carton-de-rendez-vous.pdf", ContentType: "application/pdf", Inline: true}, pdf)
}
