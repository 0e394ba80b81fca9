package web

import (
	"bytes"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"atelier/hooks/journal"

	"atelier/hooks/lib/tableur"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

func RegisterAttendancePages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	h := &seancePages{pe: pe}
	g.GET("/seances/{id}", pe.Page(h.show))
	g.POST("/seances/{id}/inscriptions", pe.Page(h.addPerson))
	g.POST("/seances/{id}/inscriptions/nouvelle", pe.Page(h.addNewPerson))
	g.POST("/seances/{id}/inscriptions/{inscription}/promouvoir", pe.Page(h.promote))
	g.POST("/seances/{id}/inscriptions/{inscription}/annuler", pe.Page(h.cancel))
	g.POST("/seances/{id}/inscriptions/{inscription}/confirmer", pe.Page(h.confirmOffer))
	g.POST("/seances/{id}/inscriptions/{inscription}/retablir", pe.Page(h.restore))
	g.GET("/seances/{id}/presences", pe.Page(h.sheet))
	g.POST("/seances/{id}/presences", pe.Page(h.saveSheet))
	g.POST("/seances/{id}/presences/ajout", pe.Page(h.walkIn))
	g.POST("/seances/{id}/presences/nouvelle", pe.Page(h.walkInNew))
	g.POST("/seances/{id}/cloturer", pe.Page(h.close))
	g.GET("/seances/{id}/participants.csv", pe.Page(h.exportCSV))
	g.GET("/seances/{id}/inscriptions/{inscription}/reponses", pe.Page(h.reponses))
	g.POST("/seances/{id}/inscriptions/{inscription}/reponses", pe.Page(h.saveReponses))
}

type seancePages struct{ pe *pageEngine }

// splitWaiting separates people with a place from the waiting list.
func splitWaiting(all []inscriptions.SeanceParticipant) (placed, waiting []inscriptions.SeanceParticipant) {
	for _, p := range all {
		if p.Statut == "liste_attente" {
			waiting = append(waiting, p)
		} else {
			placed = append(placed, p)
		}
	}
	return placed, waiting
}

// seanceSearchHit is a person found by the search, with their state in this
// session ("" when they have no live registration).
type seanceSearchHit struct {
	beneficiaires.BeneficiaireHit
	Statut string
}

type seanceSearch struct {
	Q         string
	Done      bool
	Resultats []seanceSearchHit
}

// searchForSeance runs the ?q= search among the session's structure's
// people and tells for each one whether they are already registered.
func searchForSeance(e *core.RequestEvent, s *seances.StaffSeance, people []inscriptions.SeanceParticipant) (seanceSearch, error) {
	search := seanceSearch{Q: texte.Recherche(e.Request.URL.Query().Get("q"))}
	if search.Q == "" {
		return search, nil
	}
	hits, err := beneficiaires.SearchBeneficiaires(e.App, model.NewStaffView(e.Auth), s.Structure.Id, search.Q, 20)
	if err != nil {
		return search, err
	}
	statut := map[string]string{}
	for _, p := range people {
		statut[p.Beneficiaire] = p.Statut
	}
	search.Done = true
	for _, h := range hits {
		search.Resultats = append(search.Resultats, seanceSearchHit{BeneficiaireHit: h, Statut: statut[h.ID]})
	}
	return search, nil
}

// seancePersonForm is the « Nouvelle personne » form of both pages.
type seancePersonForm struct {
	beneficiaires.BeneficiaireForm
	InscritPar string
	Valeurs    []string // answers to the session's questions, as typed
}

func parseSeancePerson(e *core.RequestEvent) (seancePersonForm, formulaire.Erreurs) {
	if err := e.Request.ParseForm(); err != nil {
		return seancePersonForm{}, formulaire.Erreurs{"": "Le formulaire n'a pas pu être lu : envoyez-le à nouveau."}
	}
	f := seancePersonForm{BeneficiaireForm: parseBeneficiaireForm(e.Request.PostForm),
		InscritPar: contact.NormaliserNom(formText(e, "inscrit_par"))}
	errs := f.ValidateNew(clock.Now(e.App))
	if len([]rune(f.InscritPar)) > 200 {
		errs["inscrit_par"] = "Ce nom est trop long (200 caractères au plus)."
	}
	return f, errs
}

// seanceEspacePage is what the session's page shows.
type seanceEspacePage struct {
	S            *seances.StaffSeance
	Inscrits     []inscriptions.SeanceParticipant // people with a place
	Attente      []inscriptions.SeanceParticipant // waiting list, by rank
	Annulees     []inscriptions.SeanceParticipant // cancelled, to restore while registration is open
	Recherche    seanceSearch
	Form         seancePersonForm
	Errors       formulaire.Erreurs
	Consentement []formulaire.Option
	Refus        string // why nobody can be registered now, "" when one can
	Ouvert       bool   // the « Ajouter une personne » block starts open
	ACloturer    int    // people still only registered: absent at closing
	PeutCloturer bool
	AAppeler     []envois.APrevenir // people a message did not reach, to phone
}

// Questions are the session's questions as the new-person form asks them.
func (p *seanceEspacePage) Questions() []seances.ChampQuestion {
	return seances.ChampsQuestions(seances.QuestionsOf(p.S.Record), p.Form.Valeurs, p.Errors)
}

// AvecQuestions: the session asks questions, or someone answered some
// (the questions may have been removed since).
func (p *seanceEspacePage) AvecQuestions() bool {
	if len(seances.QuestionsOf(p.S.Record)) > 0 {
		return true
	}
	for _, l := range [][]inscriptions.SeanceParticipant{p.Inscrits, p.Attente} {
		for _, i := range l {
			if len(i.Reponses()) > 0 {
				return true
			}
		}
	}
	return false
}

// Complet: no place left for a confirmed registration.
func (p *seanceEspacePage) Complet() bool { return p.S.PlacesRestantes() == 0 }

func (h *seancePages) loadSeancePage(e *core.RequestEvent, s *seances.StaffSeance) (*seanceEspacePage, error) {
	page := &seanceEspacePage{S: s, Errors: formulaire.Erreurs{}, Consentement: beneficiaires.StaffConsentOptions}
	if !s.VoitPersonnes {
		return page, nil // counts only: people are never read for this person
	}
	now := clock.Now(e.App)
	page.Refus = inscriptions.InscriptionRefusal(s.Record, now)
	page.PeutCloturer = s.Statut == "planifiee" && !now.Before(s.Debut)
	page.ACloturer = s.Inscrits
	people, err := inscriptions.LoadParticipants(e.App, s.ID)
	if err != nil {
		return nil, err
	}
	page.Inscrits, page.Attente = splitWaiting(people)
	if page.AAppeler, err = envois.AAppelerDe(e.App, s.ID, now); err != nil {
		return nil, err
	}
	if page.Refus == "" {
		if page.Annulees, err = inscriptions.LoadCancelled(e.App, s.ID); err != nil {
			return nil, err
		}
	}
	if page.Recherche, page.Ouvert, err = readPeopleOfSeance(e, s, people, "Inscriptions de la séance "); err != nil {
		return nil, err
	}
	return page, nil
}

// readPeopleOfSeance runs the page's ?q= search, journals the people the
// page shows (what names the page), and tells whether the new-person block
// starts open (nobody found: creating them is probably next).
func readPeopleOfSeance(e *core.RequestEvent, s *seances.StaffSeance, people []inscriptions.SeanceParticipant, what string) (seanceSearch, bool, error) {
	search, err := searchForSeance(e, s, people)
	if err != nil {
		return search, false, err
	}
	if err := journalList(e, s.Structure.Id, len(people)+len(search.Resultats), journal.SearchDetails(what+s.ID, search.Q)); err != nil {
		return search, false, err
	}
	return search, search.Done && len(search.Resultats) == 0, nil
}

func (h *seancePages) renderSeance(e *core.RequestEvent, status int, page *seanceEspacePage) error {
	return h.pe.render(e, status, "seance_espace", page.S.Titre, page)
}

func (h *seancePages) show(e *core.RequestEvent) error {
	s, err := seances.LoadStaffSeance(e.App, e.Auth, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	page, err := h.loadSeancePage(e, s)
	if err != nil {
		return err
	}
	return h.renderSeance(e, http.StatusOK, page)
}

// seanceWithPeople loads the session for an action on people: a session of
// another structure is a 404, a person who reads no people gets the 403 page.
func seanceWithPeople(e *core.RequestEvent) (*seances.StaffSeance, error) {
	s, err := seances.LoadStaffSeance(e.App, e.Auth, e.Request.PathValue("id"))
	if err != nil {
		return nil, err
	}
	if !s.VoitPersonnes {
		return nil, access.ErrForbidden
	}
	return s, nil
}

func seanceEspacePath(s *seances.StaffSeance) string { return "/espace/seances/" + s.ID }

// refuseOnSeance shows the session's page again with the refusal's message.
func (h *seancePages) refuseOnSeance(e *core.RequestEvent, s *seances.StaffSeance, why string) error {
	page, err := h.loadSeancePage(e, s)
	if err != nil {
		return err
	}
	page.Errors[""] = why
	return h.renderSeance(e, http.StatusConflict, page)
}

func (h *seancePages) addPerson(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	result, err := inscriptions.RegisterByStaff(e.App, e.Auth, s.ID, formText(e, "beneficiaire"), nil, "", clock.Now(e.App))
	if why := inscriptions.StaffRefusalOf(err); why != "" {
		return h.refuseOnSeance(e, s, why)
	}
	if err != nil {
		return err
	}
	notifyStaffInscription(e, result)
	if len(seances.QuestionsOf(s.Record)) > 0 { // a person found by the search: ask the questions next
		return redirectWithFlash(e, reponsesPath(s, result.Inscription.Id), inscriptionFlash(result)+" Posez-lui maintenant les questions de la séance.")
	}
	return redirectWithFlash(e, seanceEspacePath(s), inscriptionFlash(result))
}

// addNewPerson is the phone-call case: a person not yet known to the
// structure is created and registered together.
func (h *seancePages) addNewPerson(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	form, errs := parseSeancePerson(e)
	questions := seances.QuestionsOf(s.Record)
	form.Valeurs = seances.ReponseValeurs(questions, e.Request.PostForm.Get)
	reponses, qerrs := seances.CheckReponses(questions, form.Valeurs)
	maps.Copy(errs, qerrs)
	if len(errs) == 0 {
		result, err := inscriptions.RegisterByStaffAnswering(e.App, e.Auth, s.ID, "", &form.BeneficiaireForm, form.InscritPar, reponses, clock.Now(e.App))
		if why := inscriptions.StaffRefusalOf(err); why != "" {
			errs[""] = why
		} else if err != nil {
			return err
		} else {
			notifyStaffInscription(e, result)
			return redirectWithFlash(e, seanceEspacePath(s), inscriptionFlash(result))
		}
	}
	page, err := h.loadSeancePage(e, s)
	if err != nil {
		return err
	}
	page.Form, page.Errors, page.Ouvert = form, errs, true
	return h.renderSeance(e, http.StatusUnprocessableEntity, page)
}

func (h *seancePages) promote(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	result, err := inscriptions.PromoteByStaff(e.App, e.Auth, s.ID, e.Request.PathValue("inscription"), clock.Now(e.App))
	if why := inscriptions.StaffRefusalOf(err); why != "" {
		return h.refuseOnSeance(e, s, why)
	}
	if err != nil {
		return err
	}
	envois.NotifyPromotion(e.App, envois.InstanceURL(e.App), result.Inscription)
	return redirectWithFlash(e, seanceEspacePath(s), promotionFlash(result, s.Capacite))
}

// confirmOffer confirms a place offered to a person who answered staff
// (by phone, at the desk).
func (h *seancePages) confirmOffer(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	result, err := inscriptions.ConfirmOfferByStaff(e.App, e.Auth, s.ID, e.Request.PathValue("inscription"), clock.Now(e.App))
	if why := inscriptions.StaffRefusalOf(err); why != "" {
		return h.refuseOnSeance(e, s, why)
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(e, seanceEspacePath(s), offerConfirmedFlash(result))
}

func (h *seancePages) cancel(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	if formText(e, "confirme") == "" { // one tap only asks
		return h.confirmCancel(e, s)
	}
	result, err := inscriptions.CancelByStaff(e.App, e.Auth, s.ID, e.Request.PathValue("inscription"), clock.Now(e.App))
	if why := inscriptions.StaffRefusalOf(err); why != "" {
		return h.refuseOnSeance(e, s, why)
	}
	if err != nil {
		return err
	}
	envois.NotifyInscriptionCancelled(e.App, envois.InstanceURL(e.App), result.Inscription)
	if result.Promoted != nil {
		envois.NotifyPromotion(e.App, envois.InstanceURL(e.App), result.Promoted)
	}
	return redirectWithFlash(e, seanceEspacePath(s), cancelFlash(e.App, result))
}

// confirmCancel asks before cancelling one registration.
func (h *seancePages) confirmCancel(e *core.RequestEvent, s *seances.StaffSeance) error {
	people, err := inscriptions.LoadParticipants(e.App, s.ID)
	if err != nil {
		return err
	}
	id := e.Request.PathValue("inscription")
	for _, p := range people {
		if p.ID == id {
			return h.pe.render(e, http.StatusOK, "seance_annuler_inscription", "Annuler l'inscription : "+p.NomComplet(),
				struct {
					S *seances.StaffSeance
					P inscriptions.SeanceParticipant
				}{s, p})
		}
	}
	cancelled, err := inscriptions.LoadCancelled(e.App, s.ID)
	if err != nil {
		return err
	}
	for _, p := range cancelled {
		if p.ID == id {
			return redirectWithFlash(e, seanceEspacePath(s), "Cette inscription est déjà annulée.")
		}
	}
	return model.ErrNotFound // another session's registration
}

func (h *seancePages) restore(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	result, err := inscriptions.RestoreByStaff(e.App, e.Auth, s.ID, e.Request.PathValue("inscription"), clock.Now(e.App))
	if why := inscriptions.StaffRefusalOf(err); why != "" {
		return h.refuseOnSeance(e, s, why)
	}
	if err != nil {
		return err
	}
	message := result.Name() + " : inscription rétablie."
	if result.Inscription.GetString("statut") == model.StatutListeAttente {
		message = fmt.Sprintf("%s : inscription rétablie sur la liste d'attente (rang %d). La place libérée avait été donnée à une autre personne.",
			result.Name(), result.Inscription.GetInt("rang_attente"))
	}
	return redirectWithFlash(e, seanceEspacePath(s), message)
}

// presencesPage is what the attendance sheet shows.
type presencesPage struct {
	S            *seances.StaffSeance
	Refus        string                           // why attendance cannot be taken now
	Lignes       []inscriptions.SeanceParticipant // registered, present or absent
	EnAttente    int
	Anonymes     string
	Choix        []formulaire.Option
	Recherche    seanceSearch
	Form         seancePersonForm
	Errors       formulaire.Erreurs
	Consentement []formulaire.Option
	Ouvert       bool // the walk-in block starts open
	ACloturer    int
	PeutCloturer bool // the sheet's form also closes the session
}

var presenceOptions = []formulaire.Option{{Value: "present", Label: "Présent"}, {Value: "absent", Label: "Absent"}}

func (h *seancePages) loadSheet(e *core.RequestEvent, s *seances.StaffSeance) (*presencesPage, error) {
	page := &presencesPage{S: s, Refus: inscriptions.AttendanceRefusal(s.Record, s.Loc, clock.Now(e.App)), Choix: presenceOptions,
		Errors: formulaire.Erreurs{}, Consentement: beneficiaires.StaffConsentOptions, Anonymes: fmt.Sprint(s.Anonymes), EnAttente: s.EnAttente}
	people, err := inscriptions.LoadParticipants(e.App, s.ID)
	if err != nil {
		return nil, err
	}
	page.Lignes, _ = splitWaiting(people)
	page.PeutCloturer = s.Statut == model.SeancePlanifiee && !clock.Now(e.App).Before(s.Debut)
	for _, l := range page.Lignes {
		if l.Statut == "inscrit" {
			page.ACloturer++
		}
	}
	if page.Recherche, page.Ouvert, err = readPeopleOfSeance(e, s, people, "Feuille de présence de la séance "); err != nil {
		return nil, err
	}
	return page, nil
}

func (h *seancePages) renderSheet(e *core.RequestEvent, status int, page *presencesPage) error {
	return h.pe.render(e, status, "seance_espace_presences", "Feuille de présence : "+page.S.Titre, page)
}

func (h *seancePages) sheet(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	page, err := h.loadSheet(e, s)
	if err != nil {
		return err
	}
	return h.renderSheet(e, http.StatusOK, page)
}

func (h *seancePages) saveSheet(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	page, err := h.loadSheet(e, s)
	if err != nil {
		return err
	}
	if err := e.Request.ParseForm(); err != nil {
		page.Errors[""] = "Le formulaire n'a pas pu être lu : envoyez-le à nouveau."
		return h.renderSheet(e, http.StatusBadRequest, page)
	}
	in := parseAttendance(e.Request.PostForm)
	in.KeepSheet(page.Lignes)
	action := e.Request.PostForm.Get("action")
	if action == "tous_presents" {
		in.AllPresent(page.Lignes)
	}
	errs := in.Validate()
	if len(errs) == 0 {
		// What is on screen is saved first, whichever button was pressed:
		// closing never loses the ticks.
		_, err = inscriptions.SaveAttendance(e.App, e.Auth, s, in, clock.Now(e.App))
		if why := inscriptions.StaffRefusalOf(err); why != "" {
			errs[""] = why
		} else if err != nil {
			return err
		} else if action == "clore" && page.PeutCloturer {
			return h.closeWith(e, s, "Présences enregistrées. ")
		} else {
			message := "Présences enregistrées."
			if action == "tous_presents" {
				message = "Tout le monde est noté présent."
			}
			return redirectWithFlash(e, seanceEspacePath(s)+"/presences", message)
		}
	}
	// Show the sheet as it was filled in, with the messages.
	for i := range page.Lignes {
		if v, ok := in.Statuts[page.Lignes[i].ID]; ok {
			page.Lignes[i].Choix = v
		}
	}
	page.Anonymes, page.Errors = in.Anonymes, errs
	return h.renderSheet(e, http.StatusUnprocessableEntity, page)
}

// refuseOnSheet shows the attendance sheet again with the refusal's message.
func (h *seancePages) refuseOnSheet(e *core.RequestEvent, s *seances.StaffSeance, why string) error {
	page, err := h.loadSheet(e, s)
	if err != nil {
		return err
	}
	page.Errors[""] = why
	return h.renderSheet(e, http.StatusConflict, page)
}

func (h *seancePages) walkIn(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	result, err := inscriptions.WalkInByStaff(e.App, e.Auth, s, formText(e, "beneficiaire"), nil, clock.Now(e.App))
	if why := inscriptions.StaffRefusalOf(err); why != "" {
		return h.refuseOnSheet(e, s, why)
	}
	if err != nil {
		return err
	}
	return redirectWithFlash(e, seanceEspacePath(s)+"/presences", result.Name()+" : présence notée.")
}

func (h *seancePages) walkInNew(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	form, errs := parseSeancePerson(e)
	if len(errs) == 0 {
		result, err := inscriptions.WalkInByStaff(e.App, e.Auth, s, "", &form.BeneficiaireForm, clock.Now(e.App))
		if why := inscriptions.StaffRefusalOf(err); why != "" {
			errs[""] = why
		} else if err != nil {
			return err
		} else {
			return redirectWithFlash(e, seanceEspacePath(s)+"/presences", result.Name()+" : présence notée.")
		}
	}
	page, err := h.loadSheet(e, s)
	if err != nil {
		return err
	}
	page.Form, page.Errors, page.Ouvert = form, errs, true
	return h.renderSheet(e, http.StatusUnprocessableEntity, page)
}

func (h *seancePages) close(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	return h.closeWith(e, s, "")
}

// closeWith closes the session (people still only registered become
// absent) and says so after what was done before (prefix).
func (h *seancePages) closeWith(e *core.RequestEvent, s *seances.StaffSeance, prefix string) error {
	absents, err := inscriptions.CloseByStaff(e.App, e.Auth, s, clock.Now(e.App))
	if why := inscriptions.StaffRefusalOf(err); why != "" {
		return h.refuseOnSeance(e, s, why)
	}
	if err != nil {
		return err
	}
	message := prefix + "Séance close : elle compte comme réalisée."
	switch {
	case absents == 1:
		message += " 1 personne sans présence notée est notée absente."
	case absents > 1:
		message += fmt.Sprintf(" %d personnes sans présence notée sont notées absentes.", absents)
	}
	return redirectWithFlash(e, seanceEspacePath(s), message)
}

// participantsHeader is the first row of the CSV export.
var participantsHeader = []string{"Nom", "Prénom", "Téléphone", "E-mail", "Statut", "Rang d'attente", "Source", "Inscrit par", "Inscrit le"}

// exportCSV sends the session's participants for a spreadsheet: UTF-8 with
// a byte order mark and « ; » (what French spreadsheets expect), never
// cached (it holds people's contacts).
func (h *seancePages) exportCSV(e *core.RequestEvent) error {
	s, err := seanceWithPeople(e)
	if err != nil {
		return err
	}
	people, err := inscriptions.LoadParticipants(e.App, s.ID)
	if err != nil {
		return err
	}
	body, err := participantsCSV(people, s.Loc, seances.QuestionsOf(s.Record))
	if err != nil {
		return err
	}
	if err := journalList(e, s.Structure.Id, len(people), "Export CSV des participants de la séance "+s.ID); err != nil {
		return err
	}
	return sendFile(e, download{Name: participantsFilename(s), ContentType: "text/csv; charset=utf-8"}, body)
}

// participantsCSV writes one column per question of the session (the
// answer alone), then a last column for answers to questions removed since.
func participantsCSV(people []inscriptions.SeanceParticipant, loc *time.Location, questions []seances.Question) ([]byte, error) {
	header := slices.Clone(participantsHeader)
	for _, q := range questions {
		header = append(header, q.Libelle)
	}
	autres := false
	for _, p := range people {
		if len(autresReponses(p.Reponses(), questions)) > 0 {
			autres = true
		}
	}
	if autres {
		header = append(header, "Autres réponses")
	}
	rows := [][]string{header}
	for _, p := range people {
		rang := ""
		if p.Statut == "liste_attente" {
			rang = fmt.Sprint(p.Rang)
		}
		created := ""
		if dt, err := types.ParseDateTime(p.Created); err == nil && !dt.IsZero() {
			created = dt.Time().In(loc).Format("02/01/2006 15:04")
		}
		nom, prenom := p.Nom, p.Prenom
		if p.Anonymise {
			nom, prenom = "Personne anonymisée", ""
		}
		row := []string{nom, prenom, contact.FormaterTelephone(p.Telephone), p.Email,
			referentiel.StatutsInscription.Label(p.Statut), rang, referentiel.SourcesInscription.Label(p.Source),
			p.InscritPar, created}
		reponses := p.Reponses()
		for _, q := range questions {
			cell := ""
			for _, r := range reponses {
				if r.Question == q.Libelle {
					cell = r.Reponse
				}
			}
			row = append(row, cell)
		}
		if autres {
			row = append(row, seances.ReponsesTexte(autresReponses(reponses, questions), " ; "))
		}
		rows = append(rows, row)
	}
	var buf bytes.Buffer
	if err := tableur.WriteFrench(&buf, rows); err != nil {
		return nil, fmt.Errorf("write participants CSV: %w", err)
	}
	return buf.Bytes(), nil
}

// autresReponses are the answers to questions the session no longer asks.
func autresReponses(rs []seances.Reponse, questions []seances.Question) []seances.Reponse {
	var out []seances.Reponse
	for _, r := range rs {
		if !slices.ContainsFunc(questions, func(q seances.Question) bool { return q.Libelle == r.Question }) {
			out = append(out, r)
		}
	}
	return out
}

// participantsFilename is « participants-<titre>-<date>.csv » in plain
// ASCII, safe in a header and on every file system.
func participantsFilename(s *seances.StaffSeance) string {
	return "participants-" + participantsSlug(s.Titre, 50) + "-" + s.Debut.Format("2006-01-02") + ".csv"
}

func participantsSlug(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range texte.Plier(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= max {
			break
		}
	}
	slug := strings.Trim(b.String(), "-")
	if slug == "" {
		return "seance"
	}
	return slug
}
