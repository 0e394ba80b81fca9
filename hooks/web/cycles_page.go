package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/attestations"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Cycles: the public page of a cycle with its one registration form, and
// the staff pages (list, new cycle from planned sessions, participants
// with attendance per session, registration, cancellation, attestation).

// RegisterCyclePages adds the public and workspace routes of cycles.
func RegisterCyclePages(se *core.ServeEvent, g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	se.Router.GET("/cycles/{id}", pe.Page(cyclePageHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.POST("/cycles/{id}/inscription", pe.Page(cycleInscriptionPostHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	g.GET("/cycles", pe.Page(cyclesListHandler(pe)))
	g.POST("/cycles", pe.Page(cycleCreateHandler(pe)))
	g.GET("/cycles/{id}", pe.Page(cycleEspaceHandler(pe)))
	g.POST("/cycles/{id}", pe.Page(cycleEditHandler(pe)))
	g.POST("/cycles/{id}/inscriptions", pe.Page(cycleAddPersonHandler(pe)))
	g.POST("/cycles/{id}/inscriptions/{beneficiaire}/annuler", pe.Page(cycleCancelHandler(pe)))
	g.POST("/cycles/{id}/inscriptions/{beneficiaire}/attestation", pe.Page(cycleAttestationHandler(pe)))
}

// renduCycle is the key of a cycle form's signed render time, apart from
// the sessions' (a token shown for one never passes for the other).
func renduCycle(id string) string { return "cycle:" + id }

type cyclePageData struct {
	Cycle          *seances.CycleView
	Fermee         string
	Form           inscriptions.InscriptionForm
	Errors         formulaire.Erreurs
	PrivacyVersion string
	Rendu          string
}

// Questions are the cycle's registration questions as the form asks
// them, with what the person typed and the messages.
func (d cyclePageData) Questions() []seances.ChampQuestion {
	if d.Cycle == nil {
		return nil
	}
	return seances.ChampsQuestions(d.Cycle.Questions(), d.Form.Valeurs, d.Errors)
}

// Cible is the cycle the form registers for, all its remaining sessions.
func (d cyclePageData) Cible() inscriptionCible {
	c := inscriptionCible{Action: "/cycles/" + d.Cycle.ID + "/inscription", Objet: "le cycle", Structure: d.Cycle.Structure.Nom,
		AideEmail: "Vous recevrez la confirmation, avec toutes les dates, par e-mail.", Bouton: "M'inscrire à tout le cycle"}
	if d.Cycle.Complet() {
		c.Bouton = "M'inscrire sur la liste d'attente"
	}
	return c
}

func loadCyclePage(e *core.RequestEvent, data *cyclePageData) error {
	now := clock.Now(e.App)
	cycle, err := seances.LoadPublicCycle(e.App, e.Request.PathValue("id"), now)
	if err != nil {
		return err
	}
	record, err := e.App.FindRecordById("cycles", cycle.ID)
	if err != nil {
		return err
	}
	data.Cycle, data.PrivacyVersion = cycle, beneficiaires.PrivacyVersion
	data.Fermee = inscriptions.CycleRefusal(record, cycle.Records, now, seances.EnLigne)
	if data.Rendu == "" {
		data.Rendu = freshRendu(e.App, renduCycle(cycle.ID))
	}
	return nil
}

func cyclePageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		var data cyclePageData
		if err := loadCyclePage(e, &data); err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "cycle", data.Cycle.Titre, data)
	}
}

// cycleInscriptionPostHandler registers the person for the whole cycle,
// with the anti-abuse of the session's form: honeypot, signed render time,
// places per IP address and per contact, rate limit (POST /cycles/).
func cycleInscriptionPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		id := e.Request.PathValue("id")
		now := clock.Now(e.App)
		answer := func(status int, data cyclePageData) error {
			if err := loadCyclePage(e, &data); err != nil {
				return err
			}
			if data.Fermee != "" {
				status = http.StatusConflict
			}
			return pe.render(e, status, "cycle", data.Cycle.Titre, data)
		}
		if err := e.Request.ParseForm(); err != nil {
			return answer(http.StatusBadRequest, cyclePageData{Errors: formulaire.Erreurs{"": "Le formulaire n'a pas pu être lu. Réessayez."}})
		}
		form := parseInscriptionForm(e.Request.PostForm)
		form.Autres = nil // one person per cycle form
		if form.Piege != "" {
			return answer(http.StatusUnprocessableEntity, cyclePageData{Form: form,
				Errors: formulaire.Erreurs{"": "Votre demande n'a pas pu être enregistrée."}})
		}
		rendu, problem := checkRendu(e.App, renduCycle(id), e.Request.PostForm.Get("rendu"))
		kept := e.Request.PostForm.Get("rendu")
		if problem != "" {
			kept = ""
		}
		errs := form.Validate()
		shown, err := seances.LoadPublicCycle(e.App, id, now)
		if err != nil {
			return err
		}
		maps.Copy(errs, form.CheckQuestions(shown.Questions()))
		if len(errs) > 0 {
			return answer(http.StatusUnprocessableEntity, cyclePageData{Form: form, Errors: errs, Rendu: kept})
		}
		if problem != "" {
			return answer(http.StatusUnprocessableEntity, cyclePageData{Form: form, Errors: formulaire.Erreurs{"": problem}})
		}
		limites, err := inscriptions.LoadLimites(e.App)
		if err != nil {
			return err
		}
		form.Limites, form.EmpreinteIP, form.EmpreinteFormulaire = limites, empreinteIP(e), empreinteFormulaire(e.App, rendu)
		result, err := inscriptions.RegisterCycle(e.App, id, form, now)
		switch {
		case errors.Is(err, inscriptions.ErrInscriptionClosed):
			return answer(http.StatusConflict, cyclePageData{Form: form, Rendu: kept})
		case errors.Is(err, inscriptions.ErrLimiteIP):
			return answer(http.StatusUnprocessableEntity, cyclePageData{Form: form, Rendu: kept, Errors: formulaire.Erreurs{
				"": "Plusieurs personnes ont déjà été inscrites à ce cycle depuis cette connexion. Pour inscrire une autre personne, appelez la structure."}})
		case errors.Is(err, inscriptions.ErrLimiteContact):
			return answer(http.StatusUnprocessableEntity, cyclePageData{Form: form, Rendu: kept, Errors: formulaire.Erreurs{
				"": "Ce téléphone ou cette adresse e-mail a déjà servi pour plusieurs inscriptions à ce cycle. Pour inscrire une autre personne, appelez la structure."}})
		case err != nil:
			return err
		}
		jeton := result.Rows[0].GetString("jeton")
		sameForm := form.EmpreinteFormulaire != "" && result.Rows[0].GetString("empreinte_formulaire") == form.EmpreinteFormulaire
		if result.Existing && !sameForm {
			// Someone else's form with the same names and contact: the link
			// goes only to the person's own contact, as for a session.
			envois.NotifyCycleInscription(e.App, envois.InstanceURL(e.App), result.Cycle, result.Rows, result.Person)
			privatePage(e)
			return pe.render(e, http.StatusOK, "cycle_deja_inscrit", "Déjà inscrit", struct{ Titre string }{result.Cycle.GetString("titre")})
		}
		if !result.Existing {
			envois.NotifyCycleInscription(e.App, envois.InstanceURL(e.App), result.Cycle, result.Rows, result.Person)
		}
		return e.Redirect(http.StatusSeeOther, "/inscription/"+jeton+"?confirmation=1")
	}
}

type cyclesListData struct {
	Cycles        []*seances.CycleView
	Candidates    []seances.CycleCandidate
	PeutPlanifier bool
	Form          seances.CycleForm
	Errors        formulaire.Erreurs
	Flash         string
}

func (d cyclesListData) Coche(id string) bool {
	for _, s := range d.Form.Seances {
		if s == id {
			return true
		}
	}
	return false
}

func renderCyclesList(pe *pageEngine, e *core.RequestEvent, status int, data cyclesListData) error {
	staff := model.NewStaffView(e.Auth)
	now := clock.Now(e.App)
	var err error
	if data.Cycles, err = seances.StaffCycles(e.App, staff, now); err != nil {
		return err
	}
	data.PeutPlanifier = staff.PeutPlanifier()
	if data.PeutPlanifier {
		if data.Candidates, err = seances.CycleCandidates(e.App, staff, now); err != nil {
			return err
		}
	}
	return pe.render(e, status, "cycles", "Cycles de séances", data)
}

func cyclesListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return renderCyclesList(pe, e, http.StatusOK, cyclesListData{Form: seances.CycleForm{Capacite: "8", Publique: true}})
	}
}

func cycleCreateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !model.NewStaffView(e.Auth).PeutPlanifier() {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("parse cycle form: %w", err)
		}
		form := seances.CycleForm{Titre: formText(e, "titre"), Description: formText(e, "description"),
			Capacite: formText(e, "capacite"), Publique: formText(e, "publique") != "", Seances: formList(e.Request.PostForm, "seances")}
		cycle, errs, err := seances.CreateCycle(e.App, e.Auth, form, clock.Now(e.App))
		if model.IsNotFound(err) || errors.Is(err, model.ErrNotFound) {
			errs, err = formulaire.Erreurs{"seances": "Une des séances cochées n'est pas l'une des vôtres."}, nil
		}
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return renderCyclesList(pe, e, http.StatusUnprocessableEntity, cyclesListData{Form: form, Errors: errs})
		}
		return redirectWithFlash(e, "/espace/cycles/"+cycle.Id, "Cycle créé : ses séances prennent maintenant une inscription pour tout le cycle.")
	}
}

type cycleEspaceData struct {
	Cycle         *seances.CycleView
	VoitPersonnes bool
	Participants  []inscriptions.CycleParticipant
	Recherche     seanceSearch
	Refus         string
	Errors        formulaire.Erreurs
	PeutModifier  bool
	Form          seances.CycleForm
}

func renderCycleEspace(pe *pageEngine, e *core.RequestEvent, status int, refus string) error {
	return renderCycleEspaceForm(pe, e, status, refus, nil, nil)
}

// renderCycleEspaceForm shows the cycle's page; form and errs are a
// refused edit, kept as typed.
func renderCycleEspaceForm(pe *pageEngine, e *core.RequestEvent, status int, refus string, form *seances.CycleForm, errs formulaire.Erreurs) error {
	now := clock.Now(e.App)
	cycle, err := seances.LoadStaffCycle(e.App, e.Auth, e.Request.PathValue("id"), now)
	if err != nil {
		return err
	}
	data := cycleEspaceData{Cycle: cycle, Refus: refus, Errors: formulaire.Erreurs{}}
	if record, err := e.App.FindRecordById("cycles", cycle.ID); err == nil {
		data.PeutModifier = access.MayUpdate(e.App, e.Auth, record, nil)
	}
	data.Form = seances.CycleForm{Titre: cycle.Titre, Description: cycle.Description, Capacite: fmt.Sprint(cycle.Capacite), Publique: cycle.Publique}
	if form != nil {
		data.Form, data.Errors = *form, errs
	}
	staff := model.NewStaffView(e.Auth)
	data.VoitPersonnes = staff.LitPersonnesDe(cycle.Structure.ID)
	if data.VoitPersonnes {
		if data.Participants, err = inscriptions.LoadCycleParticipants(e.App, cycle.ID, cycle.Records); err != nil {
			return err
		}
		data.Recherche.Q = texte.Recherche(e.Request.URL.Query().Get("q"))
		if data.Recherche.Q != "" {
			hits, err := beneficiaires.SearchBeneficiaires(e.App, staff, cycle.Structure.ID, data.Recherche.Q, 20)
			if err != nil {
				return err
			}
			data.Recherche.Done = true
			for _, h := range hits {
				data.Recherche.Resultats = append(data.Recherche.Resultats, seanceSearchHit{BeneficiaireHit: h})
			}
		}
	}
	return pe.render(e, status, "cycle_espace", "Cycle : "+cycle.Titre, data)
}

func cycleEspaceHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error { return renderCycleEspace(pe, e, http.StatusOK, "") }
}

// cycleEditHandler saves the cycle's title, presentation, places and
// public flag; places added go to its waiting list, who are told.
func cycleEditHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("parse cycle form: %w", err)
		}
		form := seances.CycleForm{Titre: formText(e, "titre"), Description: formText(e, "description"),
			Capacite: formText(e, "capacite"), Publique: formText(e, "publique") != ""}
		errs, promoted, err := seances.UpdateCycle(e.App, e.Auth, e.Request.PathValue("id"), form)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return renderCycleEspaceForm(pe, e, http.StatusUnprocessableEntity, "", &form, errs)
		}
		for _, p := range promoted {
			envois.NotifyPromotion(e.App, envois.InstanceURL(e.App), p)
		}
		return redirectWithFlash(e, cyclePath(e), "Cycle enregistré.")
	}
}

func cyclePath(e *core.RequestEvent) string { return "/espace/cycles/" + e.Request.PathValue("id") }

func cycleAddPersonHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if _, err := access.PeopleReader(e); err != nil {
			return err
		}
		result, err := inscriptions.RegisterCycleByStaff(e.App, e.Auth, e.Request.PathValue("id"), formText(e, "beneficiaire"), "", clock.Now(e.App))
		if why := inscriptions.StaffRefusalOf(err); why != "" {
			return renderCycleEspace(pe, e, http.StatusConflict, why)
		}
		if err != nil {
			return err
		}
		envois.NotifyCycleInscription(e.App, envois.InstanceURL(e.App), result.Cycle, result.Rows, result.Person)
		message := inscriptions.ParticipantName(result.Person) + " est inscrite au cycle."
		if result.Statut() == model.StatutListeAttente {
			message = inscriptions.ParticipantName(result.Person) + " est sur la liste d'attente du cycle."
		}
		return redirectWithFlash(e, cyclePath(e), message)
	}
}

func cycleCancelHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if _, err := access.PeopleReader(e); err != nil {
			return err
		}
		promoted, err := inscriptions.CancelCycleByStaff(e.App, e.Auth, e.Request.PathValue("id"), e.Request.PathValue("beneficiaire"), clock.Now(e.App))
		if why := inscriptions.StaffRefusalOf(err); why != "" {
			return renderCycleEspace(pe, e, http.StatusConflict, why)
		}
		if err != nil {
			return err
		}
		if promoted != nil {
			envois.NotifyPromotion(e.App, envois.InstanceURL(e.App), promoted)
		}
		return redirectWithFlash(e, cyclePath(e), "Inscription au cycle annulée pour les séances à venir.")
	}
}

// cycleAttestationHandler issues the person's attestation for the
// sessions of the cycle they attended: each session with its date and
// duration, and the total time (attestations, drawn by pdfdoc).
func cycleAttestationHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := access.PeopleReader(e)
		if err != nil {
			return err
		}
		cycle, err := access.WorkspaceRecord(e.App, e.Auth, "cycles", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		person, err := access.WorkspaceRecord(e.App, e.Auth, "beneficiaires", e.Request.PathValue("beneficiaire"))
		if err != nil {
			return err
		}
		if person.GetString("structure") != cycle.GetString("structure") {
			return model.ErrNotFound
		}
		if person.GetBool("anonymise") {
			return renderCycleEspace(pe, e, http.StatusConflict, "Cette personne a été anonymisée : on ne peut plus lui délivrer d'attestation.")
		}
		attended, err := attestations.AttendedSeances(e.App, staff, person.Id, dbx.NewExp("s.cycle = {:cycle}", dbx.Params{"cycle": cycle.Id}))
		if err != nil {
			return err
		}
		if len(attended) == 0 {
			return renderCycleEspace(pe, e, http.StatusConflict, "Cette personne n'a encore été notée présente à aucune séance du cycle.")
		}
		structure, err := e.App.FindRecordById("structures", cycle.GetString("structure"))
		if err != nil {
			return fmt.Errorf("structure of cycle %s: %w", cycle.Id, err)
		}
		result, err := attestations.IssueAttestations(e.App, []attestations.IssueRequest{{Auth: e.Auth, Beneficiaire: person, Structure: structure,
			Seances: attended, Base: envois.InstanceURL(e.App), Now: clock.Now(e.App)}})
		if err != nil {
			return err
		}
		return redirectWithFlash(e, "/espace/beneficiaires/"+person.Id+"#titre-attestations",
			"Attestation du cycle délivrée, code "+result[0].Record.GetString("code")+" : téléchargez-la ci-dessous.")
	}
}
