package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

const seancesPerPage = 50

func RegisterSeancePages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/seances", pe.Page(seanceListHandler(pe)))
	g.GET("/seances/nouvelle", pe.Page(planFormHandler(pe)))
	g.POST("/seances/nouvelle", pe.Page(planPostHandler(pe)))
	g.GET("/seances/{id}/modifier", pe.Page(editSeanceHandler(pe)))
	g.POST("/seances/{id}/modifier", pe.Page(editSeancePostHandler(pe)))
	g.GET("/seances/{id}/annuler", pe.Page(cancelSeanceHandler(pe)))
	g.POST("/seances/{id}/annuler", pe.Page(cancelSeancePostHandler(pe)))
}

type seanceListData struct {
	Quand         string
	Quands        []formulaire.Option
	Seances       []seances.DashboardSeance
	Pagination    pagination.Pagination
	Total         int
	PeutPlanifier bool
}

var seancePeriods = []formulaire.Option{{Value: "a_venir", Label: "À venir"}, {Value: "passees", Label: "Passées"},
	{Value: "annulees", Label: "Annulées"}}

func seanceListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		q := e.Request.URL.Query()
		data := seanceListData{Quand: q.Get("quand"), PeutPlanifier: staff.PeutPlanifier()}
		now := dbx.Params{"now": model.DBDate(clock.Now(e.App))}
		where, order := dbx.NewExp("s.statut = 'planifiee' AND s.fin >= {:now}", now), "s.debut ASC"
		switch data.Quand {
		case "passees":
			where, order = dbx.NewExp("s.statut != 'annulee' AND s.fin < {:now}", now), "s.debut DESC"
		case "annulees":
			where, order = dbx.NewExp("s.statut = 'annulee'"), "s.debut DESC"
		default:
			data.Quand = "a_venir"
		}
		where = dbx.And(staff.Scope("s.structure"), where)
		for _, o := range seancePeriods {
			data.Quands = append(data.Quands, formulaire.Option{Value: o.Value, Label: o.Label, Selected: o.Value == data.Quand})
		}
		var err error
		if data.Total, err = seances.CountSeances(e.App, where); err != nil {
			return err
		}
		data.Pagination = pagination.New(pagination.Demandee(q), data.Total, seancesPerPage, "/espace/seances",
			url.Values{"quand": {data.Quand}})
		data.Seances, err = seances.DashboardSeances(e.App, where, order, seancesPerPage, int64(data.Pagination.Offset()))
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "seances", "Séances", data)
	}
}

type seanceFormData struct {
	Form           seances.SeanceForm
	Errors         formulaire.Erreurs
	Choices        *seances.SeanceChoices
	Atelier        *core.Record
	Seance         *seances.StaffSeance // when editing
	Suivantes      int                  // later planned occurrences of the series, when editing
	Bloquee        string               // why the session cannot be edited, or ""
	Repetitions    []formulaire.Option
	FinsRepetition []formulaire.Option
	JoursFeries    []formulaire.Option
	Portees        []formulaire.Option
}

// TypesQuestion are the kinds of registration question, for the form.
func (seanceFormData) TypesQuestion() []formulaire.Option { return seances.TypesQuestion }

var finsRepetition = []formulaire.Option{{Value: "nombre", Label: "Après un nombre de séances"}, {Value: "date", Label: "À une date"}}

// scopeOptions offer to apply a change to one session or to the rest of its series.
func scopeOptions(later int) []formulaire.Option {
	return []formulaire.Option{{Value: "seance", Label: "Cette séance seulement"},
		{Value: "suivantes", Label: "Cette séance et " + frfmt.Pluriel(later, "la suivante de la série",
			fmt.Sprintf("les %d suivantes de la série", later))}}
}

var joursFeries = []formulaire.Option{{Value: "sauter", Label: "Sauter les jours fériés"}, {Value: "garder", Label: "Garder les jours fériés"}}

var repetitions = []formulaire.Option{{Value: "", Label: "Une seule séance"}, {Value: "1", Label: "Chaque semaine"},
	{Value: "2", Label: "Toutes les deux semaines"}}

func planFormHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutPlanifier() {
			return access.ErrForbidden
		}
		id := e.Request.URL.Query().Get("atelier")
		if id == "" {
			return chooseWorkshop(pe, e, staff, "")
		}
		atelier, err := plannableWorkshop(e, staff, id)
		if err != nil {
			return err
		}
		choices, err := seances.LoadSeanceChoices(e.App, staff, atelier.GetString("structure"))
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "seance_form", "Planifier une séance", seanceFormData{
			Form: seances.NewSeanceForm(atelier, staff, choices), Choices: choices, Atelier: atelier, Repetitions: repetitions, FinsRepetition: finsRepetition, JoursFeries: joursFeries})
	}
}

// chooseWorkshop is the first step of planning: pick the catalogue entry.
func chooseWorkshop(pe *pageEngine, e *core.RequestEvent, staff *model.StaffView, message string) error {
	choices, err := seances.LoadSeanceChoices(e.App, staff, "")
	if err != nil {
		return err
	}
	status := http.StatusOK
	errs := formulaire.Erreurs{}
	if message != "" {
		errs["atelier"], status = message, http.StatusUnprocessableEntity
	}
	return pe.render(e, status, "seance_choix", "Planifier une séance", seanceFormData{Choices: choices, Errors: errs})
}

// plannableWorkshop is an active catalogue entry shared or of one of the
// staff member's structures; anything else is not found.
func plannableWorkshop(e *core.RequestEvent, staff *model.StaffView, id string) (*core.Record, error) {
	atelier, err := access.WorkspaceRecord(e.App, e.Auth, "ateliers", id)
	if err != nil {
		return nil, err
	}
	if !atelier.GetBool("actif") {
		return nil, model.ErrNotFound
	}
	return atelier, nil
}

func planPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutPlanifier() {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return chooseWorkshop(pe, e, staff, "Le formulaire n'a pas pu être lu. Réessayez.")
		}
		form := parseSeanceForm(e.Request.PostForm)
		atelier, err := plannableWorkshop(e, staff, form.Atelier)
		if err != nil {
			return chooseWorkshop(pe, e, staff, "Choisissez un atelier du catalogue.")
		}
		choices, err := seances.LoadSeanceChoices(e.App, staff, atelier.GetString("structure"))
		if err != nil {
			return err
		}
		answer := func(errs formulaire.Erreurs) error {
			return pe.render(e, http.StatusUnprocessableEntity, "seance_form", "Planifier une séance", seanceFormData{
				Form: form, Errors: errs, Choices: choices, Atelier: atelier, Repetitions: repetitions, FinsRepetition: finsRepetition, JoursFeries: joursFeries})
		}
		if errs := form.Validate(e.App, choices, true, clock.Now(e.App)); len(errs) > 0 {
			return answer(errs)
		}
		if errs, err := form.CheckChevauchements(e.App, ""); err != nil || len(errs) > 0 {
			if err != nil {
				return err
			}
			return answer(errs)
		}
		ids, err := seances.PlanSeances(e.App, e.Auth, &form)
		if errs, ok := validationMessages(err); ok {
			return answer(errs)
		}
		if err != nil {
			return err
		}
		first, last := form.Starts[0], form.Starts[len(form.Starts)-1]
		message := "Séance planifiée le " + frfmt.Date(first) + " à " + frfmt.Heure(first) + "."
		if len(ids) > 1 {
			message = fmt.Sprintf("Série de %d séances planifiée, du %s au %s.", len(ids), frfmt.Date(first), frfmt.Date(last))
		}
		if len(form.Sautes) > 0 {
			var jours []string
			for _, j := range form.Sautes {
				jours = append(jours, frfmt.Date(j.Date)+" ("+j.Nom+")")
			}
			message += " " + frfmt.Pluriel(len(jours), "Jour férié sauté", "Jours fériés sautés") + " : " + strings.Join(jours, ", ") + "."
		}
		return redirectWithFlash(e, "/espace/seances/"+ids[0], message)
	}
}

func editSeanceHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		data, err := loadEditPage(e)
		if err != nil {
			return err
		}
		data.Form = seances.SeanceFormOf(data.Seance)
		return pe.render(e, http.StatusOK, "seance_form", "Modifier la séance", data)
	}
}

// loadEditPage loads a session the staff member may change, with the
// choices of its form.
func loadEditPage(e *core.RequestEvent) (seanceFormData, error) {
	s, staff, err := seances.EditableSeance(e)
	if err != nil {
		return seanceFormData{}, err
	}
	choices, err := seances.LoadSeanceChoices(e.App, staff, s.Structure.Id)
	if err != nil {
		return seanceFormData{}, err
	}
	later, err := seances.LaterInSeries(e.App, s)
	if err != nil {
		return seanceFormData{}, err
	}
	return seanceFormData{Choices: choices, Atelier: s.Atelier, Seance: s, Suivantes: len(later), Bloquee: seances.BlockedReason(s),
		Portees: scopeOptions(len(later))}, nil
}

func editSeancePostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		data, err := loadEditPage(e)
		if err != nil {
			return err
		}
		s := data.Seance
		if data.Bloquee != "" {
			return pe.render(e, http.StatusConflict, "seance_form", "Modifier la séance", data)
		}
		if err := e.Request.ParseForm(); err != nil {
			return err
		}
		form := parseSeanceForm(e.Request.PostForm)
		form.Atelier = s.Atelier.Id // the workshop of a session does not change
		answer := func(errs formulaire.Erreurs) error {
			data.Form, data.Errors = form, errs
			return pe.render(e, http.StatusUnprocessableEntity, "seance_form", "Modifier la séance", data)
		}
		errs := form.Validate(e.App, data.Choices, false, clock.Now(e.App))
		if len(errs) == 0 && form.Structure.Id != s.Structure.Id {
			errs["lieu"] = "Choisissez un lieu de la même structure que la séance."
		}
		if len(errs) == 0 {
			if errs, err = form.CheckChevauchements(e.App, s.ID); err != nil {
				return err
			}
		}
		if len(errs) > 0 {
			return answer(errs)
		}
		result, err := seances.UpdateSeances(e.App, e.Auth, s, &form)
		if errs, ok := validationMessages(err); ok {
			return answer(errs)
		}
		if err != nil {
			return err
		}
		message := "Séance modifiée."
		if result.Count > 1 {
			message = fmt.Sprintf("%d séances de la série modifiées.", result.Count)
		}
		base := envois.InstanceURL(e.App)
		for _, p := range result.Promoted {
			envois.NotifyPromotion(e.App, base, p)
		}
		message += promotedSentence(e.App, result.Promoted)
		var warned envois.WarnOutcome
		for _, moved := range result.Moved {
			out, err := envois.NotifySeanceChanged(e.App, base, moved)
			if err != nil {
				return err
			}
			warned.Add(out)
		}
		if len(result.Moved) > 0 {
			message += " Changement d'horaire ou de lieu : " + warned.Summary()
		}
		return redirectWithFlash(e, "/espace/seances/"+s.ID, message)
	}
}

type cancelSeanceData struct {
	Seance      *seances.StaffSeance
	Suivantes   int
	Bloquee     string
	Motif       string
	Portee      string
	Errors      formulaire.Erreurs
	Registrants []envois.Registrant // people to phone, for people-readers
	AvecEmail   int
	AvecSMS     int
	SansEmail   int // neither e-mail nor mobile: to phone
	Portees     []formulaire.Option
}

func loadCancelData(app core.App, s *seances.StaffSeance) (*cancelSeanceData, error) {
	later, err := seances.LaterInSeries(app, s)
	if err != nil {
		return nil, err
	}
	people, err := envois.RegistrantsOf(app, s.ID)
	if err != nil {
		return nil, err
	}
	data := &cancelSeanceData{Seance: s, Suivantes: len(later), Bloquee: seances.BlockedReason(s), Portee: "seance",
		Portees: scopeOptions(len(later))}
	sms := envois.SMSActif(app)
	var toPhone []envois.Registrant
	for _, p := range people {
		switch canal := p.Canal(); {
		case canal == envois.CanalEmail:
			data.AvecEmail++
		case canal == envois.CanalSMS && sms:
			data.AvecSMS++
		default:
			data.SansEmail++
			toPhone = append(toPhone, p)
		}
	}
	if s.VoitPersonnes {
		data.Registrants = toPhone
	}
	return data, nil
}

func cancelSeanceHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, _, err := seances.EditableSeance(e)
		if err != nil {
			return err
		}
		data, err := loadCancelData(e.App, s)
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "seance_annulation", "Annuler la séance", data)
	}
}

func cancelSeancePostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		s, _, err := seances.EditableSeance(e)
		if err != nil {
			return err
		}
		data, err := loadCancelData(e.App, s)
		if err != nil {
			return err
		}
		if data.Bloquee != "" {
			return pe.render(e, http.StatusConflict, "seance_annulation", "Annuler la séance", data)
		}
		data.Motif, data.Portee = formText(e, "motif"), formText(e, "portee")
		switch {
		case data.Motif == "":
			data.Errors = formulaire.Erreurs{"motif": "Indiquez la raison de l'annulation : elle est envoyée aux personnes inscrites."}
		case len([]rune(data.Motif)) > 1000:
			data.Errors = formulaire.Erreurs{"motif": "La raison est trop longue (1 000 caractères au plus)."}
		}
		if data.Errors != nil {
			return pe.render(e, http.StatusUnprocessableEntity, "seance_annulation", "Annuler la séance", data)
		}
		cancelled, err := seances.CancelSeances(e.App, e.Auth, s, data.Motif, data.Portee == "suivantes")
		if err != nil {
			return err
		}
		var warned envois.WarnOutcome
		for _, c := range cancelled {
			out, err := envois.NotifySeanceCancelled(e.App, c)
			if err != nil {
				return err
			}
			warned.Add(out)
		}
		message := "Séance annulée. "
		if len(cancelled) > 1 {
			message = fmt.Sprintf("%d séances de la série annulées. ", len(cancelled))
		}
		return redirectWithFlash(e, "/espace/seances/"+s.ID, message+warned.Summary())
	}
}
