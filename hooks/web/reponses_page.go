package web

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/seances"
)

// reponsesPage is the page where staff type or correct a person's answers
// to the session's questions.
type reponsesPage struct {
	S        *seances.StaffSeance
	Nom      string
	ID       string // the registration
	Stockees []seances.Reponse
	Valeurs  []string
	Errors   formulaire.Erreurs
}

// Questions are the session's questions with the values shown.
func (p reponsesPage) Questions() []seances.ChampQuestion {
	return seances.ChampsQuestions(seances.QuestionsOf(p.S.Record), p.Valeurs, p.Errors)
}

func reponsesPath(s *seances.StaffSeance, inscriptionID string) string {
	return seanceEspacePath(s) + "/inscriptions/" + inscriptionID + "/reponses"
}

func (h *seancePages) loadReponses(e *core.RequestEvent) (*reponsesPage, error) {
	s, err := seanceWithPeople(e)
	if err != nil {
		return nil, err
	}
	r, err := inscriptions.InscriptionOfSeance(e.App, e.Auth, s.ID, e.Request.PathValue("inscription"))
	if err != nil {
		return nil, err
	}
	stored := seances.ReponsesOf(r.Inscription)
	page := &reponsesPage{S: s, Nom: r.Name(), ID: r.Inscription.Id, Stockees: stored, Errors: formulaire.Erreurs{},
		Valeurs: seances.ValeursOf(seances.QuestionsOf(s.Record), stored)}
	if err := journalList(e, s.Structure.Id, 1, "Réponses aux questions de la séance "+s.ID); err != nil {
		return nil, err
	}
	return page, nil
}

func (h *seancePages) reponses(e *core.RequestEvent) error {
	page, err := h.loadReponses(e)
	if err != nil {
		return err
	}
	return h.pe.render(e, http.StatusOK, "seance_reponses", "Réponses : "+page.Nom, page)
}

func (h *seancePages) saveReponses(e *core.RequestEvent) error {
	page, err := h.loadReponses(e)
	if err != nil {
		return err
	}
	if err := e.Request.ParseForm(); err != nil {
		page.Errors[""] = "Le formulaire n'a pas pu être lu : envoyez-le à nouveau."
		return h.pe.render(e, http.StatusBadRequest, "seance_reponses", "Réponses : "+page.Nom, page)
	}
	page.Valeurs = seances.ReponseValeurs(seances.QuestionsOf(page.S.Record), e.Request.PostForm.Get)
	_, err = inscriptions.SaveReponses(e.App, e.Auth, page.S.ID, page.ID, page.Valeurs)
	var refusees inscriptions.ReponsesRefusees
	if errors.As(err, &refusees) {
		page.Errors = formulaire.Erreurs(refusees)
		return h.pe.render(e, http.StatusUnprocessableEntity, "seance_reponses", "Réponses : "+page.Nom, page)
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(e, seanceEspacePath(page.S), "Réponses de "+page.Nom+" enregistrées.")
}
