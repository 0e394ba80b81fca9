package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"atelier/hooks/journal"

	"atelier/hooks/lib/texte"

	"atelier/hooks/accompagnements"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

const accompagnementPageSize = 50

func RegisterHelpPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/accompagnements", pe.Page(accompagnementListHandler(pe)))
	g.GET("/accompagnements/nouveau", pe.Page(accompagnementNewHandler(pe)))
	g.POST("/accompagnements/nouveau", pe.Page(accompagnementCreateHandler(pe)))
	g.GET("/accompagnements/{id}/modifier", pe.Page(accompagnementEditHandler(pe)))
	g.POST("/accompagnements/{id}/modifier", pe.Page(accompagnementUpdateHandler(pe)))
	g.GET("/accompagnements/{id}/supprimer", pe.Page(accompagnementDeleteConfirmHandler(pe)))
	g.POST("/accompagnements/{id}/supprimer", pe.Page(accompagnementDeleteHandler(pe)))
}

// accompagnementStructure is one of the conseiller's structures, with its time zone:
// a help's day is the structure's day.
type accompagnementStructure struct {
	ID, Nom string
	Loc     *time.Location
}

// accompagnementWorkspace is who is asking and in which structures they work.
type accompagnementWorkspace struct {
	staff      *model.StaffView
	structures []accompagnementStructure   // in the order of the account's structures
	now        time.Time                   // when the request came, from the app's clock
	etiquettes []accompagnements.Etiquette // the tags the conseiller may use: theirs and their structures'
}

// loadHelpWorkspace refuses, with the 403 page, whoever may not read help:
// référents and coordinateurs see counts, never a person.
func loadHelpWorkspace(e *core.RequestEvent) (*accompagnementWorkspace, error) {
	staff, err := access.PeopleReader(e)
	if err != nil {
		return nil, err
	}
	w := &accompagnementWorkspace{staff: staff, now: clock.Now(e.App)}
	records, err := model.StructuresOf(e.App, staff)
	if err != nil {
		return nil, err
	}
	// The account's order, not the names': its first structure is the
	// form's default one.
	byID := map[string]*core.Record{}
	for _, r := range records {
		byID[r.Id] = r
	}
	for _, id := range staff.Structures {
		if r, ok := byID[id]; ok {
			w.structures = append(w.structures, accompagnementStructure{ID: id, Nom: r.GetString("nom"),
				Loc: frfmt.Location(r.GetString("fuseau"))})
		}
	}
	if w.etiquettes, err = accompagnements.EtiquettesOf(e.App, staff.ID, staff.Structures); err != nil {
		return nil, err
	}
	return w, nil
}

// structure finds one of the person's structures.
func (w *accompagnementWorkspace) structure(id string) (accompagnementStructure, bool) {
	for _, s := range w.structures {
		if s.ID == id {
			return s, true
		}
	}
	return accompagnementStructure{}, false
}

// chosen is the structure named by id if it is one of the person's, else
// their first one.
func (w *accompagnementWorkspace) chosen(id string) accompagnementStructure {
	if s, ok := w.structure(id); ok {
		return s
	}
	return w.structures[0]
}

// accompagnementPerson is a beneficiary as the form and the list show them.
type accompagnementPerson struct {
	ID, Nom, Details, Structure string
}

// accompagnementHit is one line of the beneficiary search with its « Choisir » link
// (a GET page) and its id (« Choisir » button of the form).
type accompagnementHit struct {
	ID, Nom, Details, Choisir string
}

type accompagnementFormPage struct {
	Form       accompagnements.AccompagnementForm
	Errors     formulaire.Erreurs
	Edition    bool
	Action     string              // where the form posts
	Structures []formulaire.Option // the conseiller's structures, when there are several
	Structure  string              // name of the help's structure
	Aujourdhui string              // the latest day allowed
	Durees     []formulaire.Option
	Autonomies []formulaire.Option   // with « Non renseignée », so a choice can be undone without JavaScript
	Personne   *accompagnementPerson // the chosen beneficiary, if any
	// The beneficiary search (GET on the same page).
	Recherche       string
	Cherche         bool
	Resultats       []accompagnementHit
	Changer         string // the address that drops the chosen person
	ChampsRecherche []hiddenField
	// A person created with the help, typed in the same form.
	Nouvelle         bool
	NouvellePersonne beneficiaires.BeneficiaireForm
	Consentement     []formulaire.Option
	// « Êtes-vous allé à … ? » for the chosen person's earlier referrals.
	Orientations []*formulaire.Champ
	// Etiquettes are the tags usable on the help: the conseiller's own and
	// its structure's (a tag of another structure of theirs is not offered).
	Etiquettes []formulaire.Option
}

type hiddenField struct{ Name, Value string }

func accompagnementDureeOptions() []formulaire.Option {
	opts := make([]formulaire.Option, len(accompagnements.DureesRapides))
	for i, d := range accompagnements.DureesRapides {
		opts[i] = formulaire.Option{Value: strconv.Itoa(d), Label: frfmt.Duree(d)}
	}
	return opts
}

// accompagnementFormPageOf prepares the page around a form: the structures to choose
// from, the latest day allowed, the buttons.
func accompagnementFormPageOf(w *accompagnementWorkspace, form accompagnements.AccompagnementForm, errs formulaire.Erreurs, edition bool, action string) *accompagnementFormPage {
	s := w.chosen(form.Structure)
	p := &accompagnementFormPage{Form: form, Errors: errs, Edition: edition, Action: action, Structure: s.Nom,
		Aujourdhui: w.now.In(s.Loc).Format(accompagnements.AccompagnementDayLayout), Durees: accompagnementDureeOptions(),
		Autonomies: []formulaire.Option{{Value: "", Label: "Non renseignée"}}, Consentement: beneficiaires.StaffConsentOptions}
	for _, o := range referentiel.Autonomies {
		p.Autonomies = append(p.Autonomies, formulaire.Option{Value: o.Value, Label: o.Label})
	}
	if len(w.structures) > 1 && !edition {
		for _, st := range w.structures {
			p.Structures = append(p.Structures, formulaire.Option{Value: st.ID, Label: st.Nom})
		}
	}
	for _, t := range w.etiquettes {
		switch {
		case t.Personnelle():
			p.Etiquettes = append(p.Etiquettes, formulaire.Option{Value: t.ID, Label: t.Nom + " (à vous)"})
		case t.Structure == s.ID:
			p.Etiquettes = append(p.Etiquettes, formulaire.Option{Value: t.ID, Label: t.Nom + " (" + s.Nom + ")"})
		}
	}
	return p
}

// newHelpFormPage is accompagnementFormPageOf for a GET, with the chosen person (or
// nil) and the search of the page's query.
func newHelpFormPage(e *core.RequestEvent, w *accompagnementWorkspace, form accompagnements.AccompagnementForm, person *accompagnementPerson,
	edition bool, action string) (*accompagnementFormPage, error) {
	p := accompagnementFormPageOf(w, form, formulaire.Erreurs{}, edition, action)
	p.Personne = person
	p.prepareSearch(e, w)
	if err := p.searchAndJournal(e, w); err != nil {
		return nil, err
	}
	return p, nil
}

// chosenPerson is the beneficiary named in the page (or nil); linked is
// the one the help already has.
func chosenPerson(e *core.RequestEvent, w *accompagnementWorkspace, id, linked string) (*accompagnementPerson, error) {
	if id == "" {
		return nil, nil
	}
	return loadHelpPerson(e.App, e.Auth, w, id, linked)
}

// prepareSearch builds the links of the search box. Searching and choosing
// reload this page with GET, so the form needs no JavaScript; the form's
// own fields are not typed yet at that point (the search comes first).
func (p *accompagnementFormPage) prepareSearch(e *core.RequestEvent, w *accompagnementWorkspace) {
	keep := url.Values{}
	if len(w.structures) > 1 && !p.Edition {
		keep.Set("structure", p.Form.Structure)
		p.ChampsRecherche = append(p.ChampsRecherche, hiddenField{Name: "structure", Value: p.Form.Structure})
	}
	// An explicit « nobody chosen »: on an edit, it drops the help's person.
	keep.Set("beneficiaire", "")
	p.ChampsRecherche = append(p.ChampsRecherche, hiddenField{Name: "beneficiaire"})
	p.Changer = p.Action + "?" + keep.Encode()
	p.Recherche = texte.Recherche(e.Request.URL.Query().Get("q"))
	p.Cherche = p.Recherche != "" && p.Personne == nil
}

// personNotFollowed answers a person who is not (or no longer) followed by
// the help's structure: nothing is revealed about them.
const personNotFollowed = "Cette personne n'est pas suivie par la structure de l'accompagnement. Cherchez-la à nouveau, ou laissez l'accompagnement anonyme."

// searchAndJournal runs the page's search and journals the people it shows.
func (p *accompagnementFormPage) searchAndJournal(e *core.RequestEvent, w *accompagnementWorkspace) error {
	if err := p.search(e.App, w); err != nil {
		return err
	}
	return journalList(e, "", len(p.Resultats), journal.SearchDetails("Choix de la personne d'un accompagnement", p.Recherche))
}

// search lists the people of the person's structures matching the query.
// A person is searched across all of them: choosing one sets the structure.
func (p *accompagnementFormPage) search(app core.App, w *accompagnementWorkspace) error {
	if !p.Cherche {
		return nil
	}
	structure := "" // every structure of the person: choosing someone sets it
	if p.Edition {
		structure = p.Form.Structure // a help stays in its structure
	}
	hits, err := beneficiaires.SearchBeneficiaires(app, w.staff, structure, p.Recherche, 20)
	if err != nil {
		return err
	}
	year := clock.Now(app).Year()
	for _, h := range hits {
		choose := url.Values{"beneficiaire": {h.ID}}
		if len(w.structures) > 1 && !p.Edition {
			choose.Set("structure", h.Structure)
		}
		s, _ := w.structure(h.Structure)
		p.Resultats = append(p.Resultats, accompagnementHit{ID: h.ID, Nom: h.Prenom + " " + h.Nom,
			Details: accompagnementPersonDetails(h.Annee, year, h.Commune, h.Telephone, s.Nom, len(w.structures) > 1),
			Choisir: p.Action + "?" + choose.Encode()})
	}
	return nil
}

// accompagnementPersonDetails is what tells two namesakes apart: age bracket, town,
// phone, and the structure when the conseiller works in several.
func accompagnementPersonDetails(annee, year int, commune, telephone, structure string, several bool) string {
	var parts []string
	if annee > 0 {
		parts = append(parts, referentiel.TranchesAge.Label(referentiel.TrancheAgeDeNaissance(annee, year)))
	}
	if commune != "" {
		parts = append(parts, commune)
	}
	if telephone != "" {
		parts = append(parts, contact.FormaterTelephone(telephone))
	}
	if several && structure != "" {
		parts = append(parts, structure)
	}
	return strings.Join(parts, " · ")
}

// loadHelpPerson reads a beneficiary the conseiller may follow: another
// structure's person (or a missing one) is a 404, like any record of the
// URL. Anonymised and merged records cannot be chosen any more, unless
// they are the one already linked (id == linked): a help stays editable.
func loadHelpPerson(app core.App, auth *core.Record, w *accompagnementWorkspace, id, linked string) (*accompagnementPerson, error) {
	r, err := access.WorkspaceRecord(app, auth, "beneficiaires", id)
	if err != nil {
		return nil, err
	}
	gone := r.GetBool("anonymise") || r.GetString("fusionne_vers") != ""
	if gone && id != linked {
		return nil, model.ErrNotFound
	}
	name := r.GetString("prenom") + " " + r.GetString("nom")
	if r.GetBool("anonymise") {
		name = "Personne anonymisée"
	}
	s, _ := w.structure(r.GetString("structure"))
	return &accompagnementPerson{ID: r.Id, Nom: name, Structure: r.GetString("structure"),
		Details: accompagnementPersonDetails(r.GetInt("annee_naissance"), clock.Now(app).Year(), r.GetString("commune"),
			r.GetString("telephone"), s.Nom, len(w.structures) > 1)}, nil
}

func (pe *pageEngine) renderHelpForm(e *core.RequestEvent, status int, p *accompagnementFormPage) error {
	title := "Nouvel accompagnement"
	if p.Edition {
		title = "Modifier un accompagnement"
	}
	if err := helpOrientations(e, p); err != nil {
		return err
	}
	return pe.render(e, status, "accompagnement_form", title, p)
}

func accompagnementNewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		w, err := loadHelpWorkspace(e)
		if err != nil {
			return err
		}
		if len(w.structures) == 0 {
			return access.ErrForbidden // attached to no structure: nowhere to record help
		}
		query := e.Request.URL.Query()
		person, err := chosenPerson(e, w, query.Get("beneficiaire"), "")
		if err != nil {
			return err
		}
		structure := query.Get("structure")
		if person != nil {
			structure = person.Structure // the person's structure is the help's
		}
		s := w.chosen(structure)
		form := accompagnements.NewAccompagnementForm(s.ID, clock.Now(e.App).In(s.Loc))
		if person != nil {
			form.Beneficiaire = person.ID
		}
		p, err := newHelpFormPage(e, w, form, person, false, "/espace/accompagnements/nouveau")
		if err != nil {
			return err
		}
		return pe.renderHelpForm(e, http.StatusOK, p)
	}
}

// helpFormStep answers the buttons of the form that are not « Enregistrer »:
// search a person, choose one, drop the chosen one, open the new-person
// block. Everything typed so far comes back as typed (one form, no
// JavaScript); nothing is saved. It tells whether it answered.
func (pe *pageEngine) helpFormStep(e *core.RequestEvent, w *accompagnementWorkspace, form *accompagnements.AccompagnementForm,
	edition bool, action, linked string) (bool, error) {
	v := e.Request.PostForm
	choisir, etape := v.Get("choisir"), v.Get("etape")
	if choisir == "" && etape == "" {
		return false, nil
	}
	errs := formulaire.Erreurs{}
	switch {
	case choisir != "":
		form.Beneficiaire = choisir
	case etape == "changer":
		form.Beneficiaire = ""
	}
	var person *accompagnementPerson
	if form.Beneficiaire != "" {
		var err error
		if person, err = loadHelpPerson(e.App, e.Auth, w, form.Beneficiaire, linked); err != nil || (edition && person.Structure != form.Structure) {
			person, form.Beneficiaire = nil, ""
			errs["beneficiaire"] = personNotFollowed
		} else if !edition {
			form.Structure = person.Structure // the person's structure is the help's
		}
	}
	p := accompagnementFormPageOf(w, *form, errs, edition, action)
	p.Personne = person
	p.prepareSearch(e, w)
	p.Nouvelle = person == nil && !edition && (etape == "nouvelle" || (v.Get("nouvelle") == "1" && etape != "anonyme"))
	p.NouvellePersonne = parseNouvellePersonne(v)
	if etape == "chercher" {
		p.Recherche = texte.Recherche(v.Get("q"))
		p.Cherche = p.Recherche != "" && person == nil
		if err := p.searchAndJournal(e, w); err != nil {
			return true, err
		}
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return true, pe.renderHelpForm(e, status, p)
}

// parseNouvellePersonne reads the new-person block of the help form.
func parseNouvellePersonne(v url.Values) beneficiaires.BeneficiaireForm {
	get := func(name string) string { return strings.TrimSpace(v.Get("nouvelle_" + name)) }
	return beneficiaires.BeneficiaireForm{Prenom: get("prenom"), Nom: get("nom"), Telephone: get("telephone"),
		AnneeNaissance: get("annee_naissance"), Consentement: v["nouvelle_consentement"]}
}

// checkNouvellePersonne validates the new person typed with a help: their
// messages carry the block's field names.
func checkNouvellePersonne(e *core.RequestEvent, errs formulaire.Erreurs) *beneficiaires.BeneficiaireForm {
	if e.Request.PostForm.Get("nouvelle") != "1" {
		return nil
	}
	f := parseNouvellePersonne(e.Request.PostForm)
	for field, msg := range f.ValidateNew(clock.Now(e.App)) {
		errs["nouvelle_"+field] = msg
	}
	return &f
}

// checkHelpForm validates a posted form for structure s and checks the
// chosen person, who must be followed by the same structure. A wrong
// person posted in the form is an error of the form (422), not a 404:
// nothing is revealed, nothing is saved.
func checkHelpForm(e *core.RequestEvent, w *accompagnementWorkspace, form *accompagnements.AccompagnementForm, s accompagnementStructure, linked string) (formulaire.Erreurs, *accompagnementPerson) {
	errs := form.Validate(clock.Now(e.App).In(s.Loc))
	if form.Beneficiaire == "" {
		return errs, nil
	}
	person, err := loadHelpPerson(e.App, e.Auth, w, form.Beneficiaire, linked)
	if err != nil || person.Structure != s.ID {
		errs["beneficiaire"] = personNotFollowed
		return errs, nil
	}
	return errs, person
}

func accompagnementCreateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		w, err := loadHelpWorkspace(e)
		if err != nil {
			return err
		}
		if len(w.structures) == 0 {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read help form: %w", err)
		}
		form := parseAccompagnementForm(e.Request.PostForm)
		if form.Structure == "" {
			form.Structure = w.structures[0].ID
		}
		if answered, err := pe.helpFormStep(e, w, &form, false, "/espace/accompagnements/nouveau", ""); answered || err != nil {
			return err
		}
		s, member := w.structure(form.Structure)
		var errs formulaire.Erreurs
		var person *accompagnementPerson
		var nouvelle *beneficiaires.BeneficiaireForm
		if member {
			errs, person = checkHelpForm(e, w, &form, s, "")
			if person == nil {
				nouvelle = checkNouvellePersonne(e, errs)
			}
			if err := checkHelpOrientations(e, person, errs); err != nil {
				return err
			}
		} else {
			errs = form.Validate(clock.Now(e.App).In(w.structures[0].Loc))
			errs["structure"] = "Choisissez une de vos structures."
			if len(w.structures) == 1 {
				errs[""] = "Cette structure n'est pas la vôtre : rien n'a été enregistré. Rechargez la page et recommencez."
			}
		}
		if len(errs) > 0 {
			return pe.accompagnementFormErrors(e, w, form, person, errs, false, "/espace/accompagnements/nouveau")
		}
		if nouvelle != nil && e.Request.PostForm.Get("nouvelle_doublon") != "confirme" {
			doublons, err := beneficiaires.DoublonsPossibles(e.App, s.ID, nouvelle)
			if err != nil {
				return err
			}
			if len(doublons) > 0 {
				errs["nouvelle_prenom"] = "Cette personne est peut-être déjà suivie : choisissez-la plus haut, ou cochez « C'est une autre personne »."
				p := accompagnementFormPageOf(w, form, errs, false, "/espace/accompagnements/nouveau")
				p.prepareSearch(e, w)
				p.Nouvelle, p.NouvellePersonne = true, *nouvelle
				for _, d := range doublons {
					p.Resultats = append(p.Resultats, accompagnementHit{ID: d.ID, Nom: d.Prenom + " " + d.Nom, Details: strings.Join(d.Raisons, ", ")})
				}
				p.Cherche, p.Recherche = true, nouvelle.Prenom+" "+nouvelle.Nom
				return pe.renderHelpForm(e, http.StatusConflict, p)
			}
		}
		collection, err := e.App.FindCachedCollectionByNameOrId("accompagnements")
		if err != nil {
			return fmt.Errorf("help collection: %w", err)
		}
		record := core.NewRecord(collection)
		record.Set("conseiller", e.Auth.Id)
		record.Set("structure", s.ID)
		err = e.App.RunInTransaction(func(tx core.App) error {
			if nouvelle != nil {
				created, err := createHelpPerson(tx, e.Auth, s.ID, nouvelle)
				if err != nil {
					return err
				}
				form.Beneficiaire = created.Id
				person = &accompagnementPerson{ID: created.Id, Nom: model.PersonName(created), Structure: s.ID}
			}
			for field, value := range form.Changes() {
				record.Set(field, value)
			}
			if err := access.CreateChecked(tx, e.Auth, record); err != nil {
				return err
			}
			if err := recordHelpOrientations(tx, e, person); err != nil {
				return err
			}
			return touchBeneficiaire(tx, e.Auth, person, form.DateValide)
		})
		if errs, ok := accompagnements.AccompagnementSaveErrors(err); ok {
			return pe.accompagnementFormErrors(e, w, form, person, errs, false, "/espace/accompagnements/nouveau")
		}
		if err != nil {
			return fmt.Errorf("create help: %w", err)
		}
		message := "Accompagnement enregistré : " + form.Summary() + "."
		if e.Request.PostFormValue("suite") == "autre" {
			next := "/espace/accompagnements/nouveau"
			if len(w.structures) > 1 {
				next += "?" + url.Values{"structure": {s.ID}}.Encode()
			}
			return redirectWithFlash(e, next, message+" Vous pouvez saisir le suivant.")
		}
		return redirectWithFlash(e, "/espace/accompagnements", message)
	}
}

// accompagnementFormErrors answers a refused form: 422, the form as typed, the
// messages next to the fields.
func (pe *pageEngine) accompagnementFormErrors(e *core.RequestEvent, w *accompagnementWorkspace, form accompagnements.AccompagnementForm, person *accompagnementPerson,
	errs formulaire.Erreurs, edition bool, action string) error {
	p := accompagnementFormPageOf(w, form, errs, edition, action)
	p.Personne = person
	if person == nil && p.Form.Beneficiaire != "" {
		// The refused person is not shown again (they may be another
		// structure's): the form goes back to anonymous.
		p.Form.Beneficiaire = ""
		p.Form.ValidateAnonyme(formulaire.Erreurs{})
	}
	p.prepareSearch(e, w)
	if v := e.Request.PostForm; v.Get("nouvelle") == "1" && person == nil && !edition {
		p.Nouvelle, p.NouvellePersonne = true, parseNouvellePersonne(v)
	}
	return pe.renderHelpForm(e, http.StatusUnprocessableEntity, p)
}

// createHelpPerson records the person typed with a help, with their
// consent, through the create rule, and journals it.
func createHelpPerson(tx core.App, auth *core.Record, structure string, f *beneficiaires.BeneficiaireForm) (*core.Record, error) {
	collection, err := tx.FindCachedCollectionByNameOrId("beneficiaires")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(collection)
	r.Set("structure", structure)
	f.Apply(r)
	beneficiaires.RecordConsent(r, clock.Now(tx))
	if err := access.CreateChecked(tx, auth, r); err != nil {
		return nil, fmt.Errorf("create beneficiary with a help: %w", err)
	}
	return r, journal.LogAccess(tx, auth, journal.Creation, r, "")
}

// touchBeneficiaire moves the person's last activity to the help's day
// (never backwards: an old help typed late does not make them less recent),
// through the update rule like any other write.
func touchBeneficiaire(tx core.App, auth *core.Record, person *accompagnementPerson, day time.Time) error {
	if person == nil {
		return nil
	}
	r, err := tx.FindRecordById("beneficiaires", person.ID)
	if err != nil {
		return fmt.Errorf("find beneficiary %s: %w", person.ID, err)
	}
	if r.GetBool("anonymise") || r.GetString("fusionne_vers") != "" {
		return nil // nobody to follow any more
	}
	if last := r.GetDateTime("derniere_activite"); !last.IsZero() && !last.Time().Before(day) {
		return nil
	}
	if err := access.UpdateChecked(tx, auth, r, map[string]any{"derniere_activite": day.UTC()}); err != nil {
		return fmt.Errorf("update last activity of %s: %w", person.ID, err)
	}
	return nil
}

// loadOwnHelp reads a help of the conseiller's structures (404 otherwise)
// that they may change (403 otherwise: it is a colleague's).
func loadOwnHelp(e *core.RequestEvent, w *accompagnementWorkspace, may func(core.App, *core.Record, *core.Record) bool) (*core.Record, accompagnementStructure, error) {
	record, err := access.WorkspaceRecord(e.App, e.Auth, "accompagnements", e.Request.PathValue("id"))
	if err != nil {
		return nil, accompagnementStructure{}, err
	}
	s, ok := w.structure(record.GetString("structure"))
	if !ok {
		return nil, accompagnementStructure{}, model.ErrNotFound
	}
	if !may(e.App, e.Auth, record) {
		return nil, accompagnementStructure{}, access.ErrForbidden
	}
	return record, s, nil
}

func mayUpdateHelp(app core.App, auth, record *core.Record) bool {
	return access.MayUpdate(app, auth, record, nil)
}

func accompagnementEditHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		w, err := loadHelpWorkspace(e)
		if err != nil {
			return err
		}
		record, s, err := loadOwnHelp(e, w, mayUpdateHelp)
		if err != nil {
			return err
		}
		form := accompagnements.AccompagnementFormOf(record, s.Loc)
		query := e.Request.URL.Query()
		if query.Has("beneficiaire") {
			form.Beneficiaire = query.Get("beneficiaire")
			if form.Beneficiaire == "" && form.TrancheAge == "" {
				form.TrancheAge, form.Genre, form.StatutSocial = "non_communique", "non_communique", "non_communique"
			}
		}
		person, err := chosenPerson(e, w, form.Beneficiaire, record.GetString("beneficiaire"))
		if err != nil {
			return err
		}
		if person != nil && person.Structure != s.ID {
			return model.ErrNotFound // a person of another of my structures cannot join this help
		}
		p, err := newHelpFormPage(e, w, form, person, true, accompagnementEditPath(record.Id))
		if err != nil {
			return err
		}
		return pe.renderHelpForm(e, http.StatusOK, p)
	}
}

func accompagnementEditPath(id string) string { return "/espace/accompagnements/" + id + "/modifier" }

func accompagnementUpdateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		w, err := loadHelpWorkspace(e)
		if err != nil {
			return err
		}
		record, s, err := loadOwnHelp(e, w, mayUpdateHelp)
		if err != nil {
			return err
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read help form: %w", err)
		}
		form := parseAccompagnementForm(e.Request.PostForm)
		// A help stays in its structure (the update rule refuses a move).
		form.Structure = s.ID
		form.Original = accompagnements.AccompagnementFormOf(record, s.Loc).Original
		if answered, err := pe.helpFormStep(e, w, &form, true, accompagnementEditPath(record.Id), record.GetString("beneficiaire")); answered || err != nil {
			return err
		}
		errs, person := checkHelpForm(e, w, &form, s, record.GetString("beneficiaire"))
		if len(errs) > 0 {
			return pe.accompagnementFormErrors(e, w, form, person, errs, true, accompagnementEditPath(record.Id))
		}
		err = e.App.RunInTransaction(func(tx core.App) error {
			if err := access.UpdateChecked(tx, e.Auth, record, form.Changes()); err != nil {
				return err
			}
			return touchBeneficiaire(tx, e.Auth, person, form.DateValide)
		})
		if errs, ok := accompagnements.AccompagnementSaveErrors(err); ok {
			return pe.accompagnementFormErrors(e, w, form, person, errs, true, accompagnementEditPath(record.Id))
		}
		if err != nil {
			return fmt.Errorf("save help %s: %w", record.Id, err)
		}
		return redirectWithFlash(e, "/espace/accompagnements", "Accompagnement modifié : "+form.Summary()+".")
	}
}

type accompagnementDeletePage struct {
	ID, Personne, Thematiques string
	Date                      time.Time
	Minutes                   int
}

func accompagnementDeleteConfirmHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		w, err := loadHelpWorkspace(e)
		if err != nil {
			return err
		}
		record, s, err := loadOwnHelp(e, w, access.MayDelete)
		if err != nil {
			return err
		}
		p := &accompagnementDeletePage{ID: record.Id, Date: record.GetDateTime("date").Time().In(s.Loc),
			Minutes: record.GetInt("duree_minutes"), Personne: "Personne anonyme"}
		if id := record.GetString("beneficiaire"); id != "" {
			if person, err := loadHelpPerson(e.App, e.Auth, w, id, id); err == nil {
				p.Personne = person.Nom
			}
		}
		var labels []string
		for _, t := range record.GetStringSlice("thematiques") {
			labels = append(labels, referentiel.Thematiques.Label(t))
		}
		p.Thematiques = strings.Join(labels, ", ")
		return pe.render(e, http.StatusOK, "accompagnement_supprimer", "Supprimer un accompagnement", p)
	}
}

func accompagnementDeleteHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		w, err := loadHelpWorkspace(e)
		if err != nil {
			return err
		}
		record, s, err := loadOwnHelp(e, w, access.MayDelete)
		if err != nil {
			return err
		}
		day := record.GetDateTime("date").Time().In(s.Loc)
		if err := access.DeleteChecked(e.App, e.Auth, record); err != nil {
			return fmt.Errorf("delete help %s: %w", record.Id, err)
		}
		return redirectWithFlash(e, "/espace/accompagnements", "L'accompagnement du "+frfmt.Date(day)+" a été supprimé.")
	}
}

type accompagnementFilters struct {
	Du, Au, Thematique, Qui, Beneficiaire string
	Page                                  int
	du, au                                time.Time // parsed days, zero when not set
}

func parseHelpFilters(query url.Values) (accompagnementFilters, formulaire.Erreurs) {
	f := accompagnementFilters{Du: query.Get("du"), Au: query.Get("au"), Thematique: query.Get("thematique"),
		Qui: query.Get("qui"), Beneficiaire: query.Get("beneficiaire"), Page: 1}
	errs := formulaire.Erreurs{}
	for _, d := range []struct {
		value  string
		target *time.Time
		name   string
	}{{f.Du, &f.du, "du"}, {f.Au, &f.au, "au"}} {
		if d.value == "" {
			continue
		}
		day, err := time.Parse(accompagnements.AccompagnementDayLayout, d.value)
		if err != nil {
			errs[d.name] = "Indiquez une date valide, par exemple 01/03/2026."
			continue
		}
		*d.target = day
	}
	if !f.du.IsZero() && !f.au.IsZero() && f.au.Before(f.du) {
		errs["au"] = "La fin de la période doit être après son début."
		f.au = time.Time{}
	}
	if f.Thematique != "" && !referentiel.Thematiques.Has(f.Thematique) {
		errs["thematique"] = "Choisissez une thématique dans la liste."
		f.Thematique = ""
	}
	if f.Qui != "moi" {
		f.Qui = ""
	}
	f.Page = pagination.Demandee(query)
	return f, errs
}

// values writes the filters back, for the page links.
func (f accompagnementFilters) values() url.Values {
	return url.Values{"du": {f.Du}, "au": {f.Au}, "thematique": {f.Thematique}, "qui": {f.Qui},
		"beneficiaire": {f.Beneficiaire}}
}

// where restricts the list to the person's structures and the filters.
// A period is a range of days of each help's structure, so each structure
// gets its own bounds in its own time zone.
func (f accompagnementFilters) where(w *accompagnementWorkspace) dbx.Expression {
	where := []dbx.Expression{w.staff.Scope("a.structure")}
	if f.Qui == "moi" {
		where = append(where, dbx.NewExp("a.conseiller = {:moi}", dbx.Params{"moi": w.staff.ID}))
	}
	if f.Thematique != "" {
		where = append(where, dbx.NewExp("EXISTS (SELECT 1 FROM json_each(a.thematiques) WHERE json_each.value = {:thematique})",
			dbx.Params{"thematique": f.Thematique}))
	}
	if f.Beneficiaire != "" {
		where = append(where, dbx.NewExp("a.beneficiaire = {:beneficiaire}", dbx.Params{"beneficiaire": f.Beneficiaire}))
	}
	if !f.du.IsZero() || !f.au.IsZero() {
		var periods []dbx.Expression
		for i, s := range w.structures {
			period := []dbx.Expression{dbx.NewExp(fmt.Sprintf("a.structure = {:ps%d}", i), dbx.Params{fmt.Sprintf("ps%d", i): s.ID})}
			if !f.du.IsZero() {
				start := time.Date(f.du.Year(), f.du.Month(), f.du.Day(), 0, 0, 0, 0, s.Loc)
				period = append(period, dbx.NewExp(fmt.Sprintf("a.date >= {:du%d}", i), dbx.Params{fmt.Sprintf("du%d", i): model.DBDate(start)}))
			}
			if !f.au.IsZero() {
				end := time.Date(f.au.Year(), f.au.Month(), f.au.Day()+1, 0, 0, 0, 0, s.Loc)
				period = append(period, dbx.NewExp(fmt.Sprintf("a.date < {:au%d}", i), dbx.Params{fmt.Sprintf("au%d", i): model.DBDate(end)}))
			}
			periods = append(periods, dbx.And(period...))
		}
		where = append(where, dbx.Or(periods...))
	}
	return dbx.And(where...)
}

type accompagnementRow struct {
	ID, Conseiller, Personne, PersonneID, Tranche, Demarche, Structure string
	Date                                                               time.Time
	Minutes                                                            int
	Thematiques                                                        []string
	Anonyme, PeutModifier, PeutSupprimer                               bool
}

type accompagnementListPage struct {
	Filtres             accompagnementFilters
	Errors              formulaire.Erreurs
	Qui                 []formulaire.Option
	Personne            *accompagnementPerson // the person the list is restricted to
	Lignes              []accompagnementRow
	Total, Minutes      int
	Pagination          pagination.Pagination
	Effacer             string
	PlusieursStructures bool
}

func accompagnementListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		w, err := loadHelpWorkspace(e)
		if err != nil {
			return err
		}
		filters, errs := parseHelpFilters(e.Request.URL.Query())
		p := &accompagnementListPage{Filtres: filters, Errors: errs, PlusieursStructures: len(w.structures) > 1,
			Qui: []formulaire.Option{{Value: "moi", Label: "Mes accompagnements"}}}
		if filters.Beneficiaire != "" {
			// An id of another structure's person in the address is a 404.
			if p.Personne, err = loadHelpPerson(e.App, e.Auth, w, filters.Beneficiaire, filters.Beneficiaire); err != nil {
				return err
			}
		}
		if err := p.load(e, w); err != nil {
			return err
		}
		p.Effacer = "/espace/accompagnements"
		if filters.Beneficiaire != "" {
			p.Effacer += "?" + url.Values{"beneficiaire": {filters.Beneficiaire}}.Encode()
		}
		return pe.render(e, http.StatusOK, "accompagnements", "Accompagnements individuels", p)
	}
}

// load counts the filtered help, then reads one page of it, newest first.
func (p *accompagnementListPage) load(e *core.RequestEvent, w *accompagnementWorkspace) error {
	where := p.Filtres.where(w)
	var err error
	if p.Total, p.Minutes, err = accompagnements.Count(e.App, where); err != nil {
		return err
	}
	p.Pagination = pagination.New(p.Filtres.Page, p.Total, accompagnementPageSize, "/espace/accompagnements", p.Filtres.values())
	rows, err := accompagnements.List(e.App, where, accompagnementPageSize, p.Pagination.Offset())
	if err != nil {
		return err
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	rights, err := accompagnementRights(e, ids)
	if err != nil {
		return err
	}
	named := 0
	for _, r := range rows {
		day, _ := types.ParseDateTime(r.Date)
		row := accompagnementRow{ID: r.ID, Date: day.Time().In(frfmt.Location(r.Fuseau)), Minutes: r.Minutes, Demarche: r.Demarche,
			Conseiller: r.CPrenom + " " + r.CNom, Structure: r.Structure, PersonneID: r.Beneficiary,
			Personne: r.BPrenom + " " + r.BNom, Anonyme: r.Beneficiary == "" || r.BPrenom+r.BNom == ""}
		if r.Beneficiary == "" {
			row.Tranche = r.Tranche
		}
		if err := json.Unmarshal([]byte(r.Thematiques), &row.Thematiques); err != nil && r.Thematiques != "" {
			return fmt.Errorf("themes of help %s: %w", r.ID, err)
		}
		row.PeutModifier, row.PeutSupprimer = rights[r.ID][0], rights[r.ID][1]
		p.Lignes = append(p.Lignes, row)
		if !row.Anonyme {
			named++
		}
	}
	return journalList(e, "", named, "Liste des accompagnements")
}

// accompagnementRights tells, for each help of a page, whether the signed-in person
// may change and delete it: the API rules decide (only one's own).
func accompagnementRights(e *core.RequestEvent, ids []string) (map[string][2]bool, error) {
	rights := map[string][2]bool{}
	if len(ids) == 0 {
		return rights, nil
	}
	records, err := e.App.FindRecordsByIds("accompagnements", ids)
	if err != nil {
		return nil, fmt.Errorf("load help of the page: %w", err)
	}
	for _, r := range records {
		rights[r.Id] = [2]bool{access.MayUpdate(e.App, e.Auth, r, nil), access.MayDelete(e.App, e.Auth, r)}
	}
	return rights, nil
}
