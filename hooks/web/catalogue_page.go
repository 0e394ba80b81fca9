package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"atelier/hooks/seances"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/clock"
	"atelier/hooks/lib/demodata"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// catalogueLimit bounds the list: a coordinateur of many structures
// narrows it with the filters rather than scrolling thousands of entries.
const catalogueLimit = 300

func RegisterCataloguePages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/catalogue", pe.Page(catalogueListHandler(pe)))
	g.GET("/catalogue/nouveau", pe.Page(atelierNewHandler(pe)))
	g.POST("/catalogue/nouveau", pe.Page(atelierCreateHandler(pe)))
	g.GET("/catalogue/{id}", pe.Page(atelierDetailHandler(pe)))
	g.GET("/catalogue/{id}/modifier", pe.Page(atelierEditHandler(pe)))
	g.POST("/catalogue/{id}/modifier", pe.Page(atelierUpdateHandler(pe)))
	g.POST("/catalogue/{id}/archiver", pe.Page(atelierActifHandler(false)))
	g.POST("/catalogue/{id}/reactiver", pe.Page(atelierActifHandler(true)))
}

// catalogueFilter is what the person chose; url() writes it back, so that
// an action on an entry returns to the same list.
type catalogueFilter struct {
	Besoin    string
	Q         string
	Structure string // "", partageFilter or a structure id among the options
	Archives  bool   // archived workshops are shown on demand only
}

const partageFilter = "partage"

func parseCatalogueFilter(q url.Values, structures []formulaire.Option) catalogueFilter {
	f := catalogueFilter{Besoin: q.Get("besoin"), Q: strings.TrimSpace(q.Get("q")),
		Structure: q.Get("structure"), Archives: q.Get("archives") == "1"}
	if !referentiel.Besoins.Has(f.Besoin) {
		f.Besoin = ""
	}
	if utf8.RuneCountInString(f.Q) > 100 {
		f.Q = string([]rune(f.Q)[:100])
	}
	if !slices.ContainsFunc(structures, func(o formulaire.Option) bool { return o.Value == f.Structure }) {
		f.Structure = ""
	}
	return f
}

func (f catalogueFilter) url() string {
	q := url.Values{}
	if f.Besoin != "" {
		q.Set("besoin", f.Besoin)
	}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	if f.Structure != "" {
		q.Set("structure", f.Structure)
	}
	if f.Archives {
		q.Set("archives", "1")
	}
	if len(q) == 0 {
		return "/espace/catalogue"
	}
	return "/espace/catalogue?" + q.Encode()
}

// Filtre tells whether any filter is on (for the empty-list message).
func (f catalogueFilter) Filtre() bool {
	return f.Besoin != "" || f.Q != "" || f.Structure != ""
}

// where restricts the list to the person's catalogue and the filters, with
// bound values only.
func (f catalogueFilter) where(staff *model.StaffView) dbx.Expression {
	parts := []dbx.Expression{dbx.Or(dbx.HashExp{"structure": ""}, staff.Scope("structure"))}
	if !f.Archives {
		parts = append(parts, dbx.HashExp{"actif": true})
	}
	if f.Besoin != "" {
		parts = append(parts, dbx.HashExp{"besoin": f.Besoin})
	}
	if f.Q != "" {
		parts = append(parts, dbx.NewExp("titre LIKE {:q}", dbx.Params{"q": "%" + beneficiaires.EscapeLike(f.Q) + "%"}))
	}
	switch f.Structure {
	case "":
	case partageFilter:
		parts = append(parts, dbx.HashExp{"structure": ""})
	default:
		parts = append(parts, dbx.HashExp{"structure": f.Structure})
	}
	return dbx.And(parts...)
}

// catalogueEntry is a workshop as the list and its page show it, with what
// the signed-in person may do with it.
type catalogueEntry struct {
	ID, Titre, Origine, Besoin, Niveau string
	Thematiques                        []string
	DureeMinutes, Capacite, AVenir     int
	Actif, Partage                     bool

	PeutModifier  bool   // the update rule allows it: « Modifier », « Archiver »/« Réactiver »
	PeutCopier    bool   // a shared entry the person cannot edit but may copy
	PeutPlanifier bool   // link to the new-session form
	SurFiche      bool   // shown on its own page: no « Voir » link
	Suite         string // where archive and reactivate lead back to
}

func newCatalogueEntry(app core.App, auth *core.Record, staff *model.StaffView, r *core.Record, structureNames map[string]string) catalogueEntry {
	entry := catalogueEntry{ID: r.Id, Titre: r.GetString("titre"), Besoin: r.GetString("besoin"),
		Niveau: r.GetString("niveau"), Thematiques: r.GetStringSlice("thematiques"),
		DureeMinutes: r.GetInt("duree_minutes"), Capacite: r.GetInt("capacite_defaut"),
		Actif: r.GetBool("actif"), Partage: r.GetString("structure") == ""}
	entry.Origine = "Catalogue partagé"
	if !entry.Partage {
		entry.Origine = structureNames[r.GetString("structure")]
	}
	entry.PeutModifier = access.MayUpdate(app, auth, r, nil)
	entry.PeutCopier = !entry.PeutModifier && staff.PeutCreerAteliers()
	entry.PeutPlanifier = entry.Actif && staff.PeutPlanifier()
	return entry
}

type catalogueGroup struct {
	Besoin, Label string
	Entries       []catalogueEntry
}

type catalogueListData struct {
	Filter     catalogueFilter
	Structures []formulaire.Option // the structure filter's choices, empty when there is nothing to choose
	Groups     []catalogueGroup
	Total      int
	Tronque    bool // more entries than catalogueLimit match
	PeutCreer  bool

	ToutesStructures bool // a coordinateur's catalogue spans every structure
}

func catalogueListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		options, err := structureFilterOptions(e.App, staff)
		if err != nil {
			return err
		}
		filter := parseCatalogueFilter(e.Request.URL.Query(), options)
		data, err := loadCatalogue(e.App, e.Auth, staff, filter, clock.Now(e.App))
		if err != nil {
			return err
		}
		data.Structures = options
		return pe.render(e, http.StatusOK, "catalogue", "Catalogue des ateliers", data)
	}
}

// structureFilterOptions offers to narrow the list to the shared catalogue
// or one structure, for people who work in more than one.
func structureFilterOptions(app core.App, staff *model.StaffView) ([]formulaire.Option, error) {
	structures, err := staffStructures(app, staff)
	if err != nil || len(structures) < 2 {
		return nil, err
	}
	return append([]formulaire.Option{{Value: partageFilter, Label: "Catalogue partagé"}}, structures...), nil
}

// staffStructures lists the structures the person works in (all of them
// for a coordinateur), by name.
func staffStructures(app core.App, staff *model.StaffView) ([]formulaire.Option, error) {
	var records []*core.Record
	var err error
	if staff.Coordinateur() {
		records, err = app.FindRecordsByFilter("structures", "", "nom", 0, 0)
	} else {
		records, err = app.FindRecordsByIds("structures", staff.Structures)
	}
	if err != nil {
		return nil, fmt.Errorf("structures of %s: %w", staff.ID, err)
	}
	opts := make([]formulaire.Option, len(records))
	for i, r := range records {
		opts[i] = formulaire.Option{Value: r.Id, Label: r.GetString("nom")}
	}
	slices.SortFunc(opts, func(a, b formulaire.Option) int {
		return strings.Compare(demodata.Fold(a.Label), demodata.Fold(b.Label))
	})
	return opts, nil
}

func loadCatalogue(app core.App, auth *core.Record, staff *model.StaffView, filter catalogueFilter, now time.Time) (*catalogueListData, error) {
	var records []*core.Record
	err := app.RecordQuery("ateliers").Where(filter.where(staff)).OrderBy("titre").Limit(catalogueLimit + 1).All(&records)
	if err != nil {
		return nil, fmt.Errorf("list catalogue: %w", err)
	}
	data := &catalogueListData{Filter: filter, PeutCreer: staff.PeutCreerAteliers(),
		ToutesStructures: staff.Coordinateur()}
	if len(records) > catalogueLimit {
		records, data.Tronque = records[:catalogueLimit], true
	}
	names, err := seances.StructureNames(app, workshopStructures(records))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(records))
	for i, r := range records {
		ids[i] = r.Id
	}
	upcoming, err := upcomingSessionCounts(app, staff, ids, now)
	if err != nil {
		return nil, err
	}
	entries := make([]catalogueEntry, len(records))
	for i, r := range records {
		entries[i] = newCatalogueEntry(app, auth, staff, r, names)
		entries[i].AVenir = upcoming[r.Id]
		entries[i].Suite = filter.url()
	}
	data.Groups, data.Total = groupByBesoin(entries), len(entries)
	return data, nil
}

// workshopStructures are the structure ids of the workshops, once each.
func workshopStructures(ateliers []*core.Record) []string {
	var ids []string
	for _, a := range ateliers {
		if s := a.GetString("structure"); s != "" && !slices.Contains(ids, s) {
			ids = append(ids, s)
		}
	}
	return ids
}

// upcomingSessionCounts counts the planned sessions to come of each
// workshop, among the sessions of the person's structures only: a shared
// workshop's sessions elsewhere are not theirs to know about.
func upcomingSessionCounts(app core.App, staff *model.StaffView, ateliers []string, now time.Time) (map[string]int, error) {
	counts := map[string]int{}
	if len(ateliers) == 0 {
		return counts, nil
	}
	ids := make([]any, len(ateliers))
	for i, id := range ateliers {
		ids[i] = id
	}
	var rows []struct {
		Atelier string `db:"atelier"`
		N       int    `db:"n"`
	}
	err := app.DB().Select("atelier", "count(*) AS n").From("seances").
		Where(dbx.And(staff.Scope("structure"), dbx.In("atelier", ids...),
			dbx.NewExp("statut = 'planifiee' AND debut >= {:now}", dbx.Params{"now": model.DBDate(now)}))).
		GroupBy("atelier").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("count upcoming sessions of the catalogue: %w", err)
	}
	for _, r := range rows {
		counts[r.Atelier] = r.N
	}
	return counts, nil
}

// groupByBesoin groups the entries in the order of the besoins (the order
// the public browses by), each group sorted by title, accents ignored.
func groupByBesoin(entries []catalogueEntry) []catalogueGroup {
	slices.SortStableFunc(entries, func(a, b catalogueEntry) int {
		return strings.Compare(demodata.Fold(a.Titre), demodata.Fold(b.Titre))
	})
	var groups []catalogueGroup
	for _, b := range referentiel.Besoins {
		g := catalogueGroup{Besoin: b.Value, Label: b.Label}
		for _, entry := range entries {
			if entry.Besoin == b.Value {
				g.Entries = append(g.Entries, entry)
			}
		}
		if len(g.Entries) > 0 {
			groups = append(groups, g)
		}
	}
	return groups
}

type atelierDetail struct {
	catalogueEntry
	Resume, Description, Objectifs, Prerequis, AApporter string
	Materiel                                             []string
	Passees                                              int
	Coordinateur                                         bool // counts cover every structure
}

func atelierDetailHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.WorkspaceRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		detail, err := loadAtelierDetail(e.App, e.Auth, record, clock.Now(e.App))
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "catalogue_atelier", detail.Titre, detail)
	}
}

func loadAtelierDetail(app core.App, auth *core.Record, r *core.Record, now time.Time) (*atelierDetail, error) {
	staff := model.NewStaffView(auth)
	names, err := seances.StructureNames(app, workshopStructures([]*core.Record{r}))
	if err != nil {
		return nil, err
	}
	d := &atelierDetail{catalogueEntry: newCatalogueEntry(app, auth, staff, r, names),
		Resume: r.GetString("resume"), Description: r.GetString("description"), Objectifs: r.GetString("objectifs"),
		Prerequis: r.GetString("prerequis"), AApporter: r.GetString("a_apporter"),
		Materiel: r.GetStringSlice("materiel"), Coordinateur: staff.Coordinateur()}
	d.SurFiche, d.Suite = true, "/espace/catalogue/"+r.Id
	err = app.DB().Select(
		"coalesce(sum(statut = 'planifiee' AND debut >= {:now}), 0)",
		"coalesce(sum(statut != 'annulee' AND debut < {:now}), 0)").
		From("seances").
		Where(dbx.And(staff.Scope("structure"), dbx.HashExp{"atelier": r.Id})).
		Bind(dbx.Params{"now": model.DBDate(now)}).
		Row(&d.AVenir, &d.Passees)
	if err != nil {
		return nil, fmt.Errorf("count sessions of workshop %s: %w", r.Id, err)
	}
	return d, nil
}

// atelierForm holds the fields as typed, so that a form with errors shows
// them back unchanged.
type atelierForm struct {
	Titre, Besoin, Resume, Description, Objectifs, Prerequis   string
	Niveau, DureeMinutes, CapaciteDefaut, AApporter, Structure string
	Thematiques, Materiel                                      []string
	Actif                                                      bool
	// Numbers, set by validate.
	duree, capacite int
}

func parseAtelierForm(values url.Values) atelierForm {
	// Browsers send a textarea's line breaks as CRLF: stored as LF.
	get := func(name string) string { return strings.TrimSpace(strings.ReplaceAll(values.Get(name), "\r\n", "\n")) }
	return atelierForm{
		Titre: get("titre"), Besoin: get("besoin"), Description: get("description"), Objectifs: get("objectifs"),
		// The summary is one sentence: line breaks typed in the box are dropped.
		Resume:    strings.Join(strings.Fields(values.Get("resume")), " "),
		Prerequis: get("prerequis"), Niveau: get("niveau"), DureeMinutes: get("duree_minutes"),
		CapaciteDefaut: get("capacite_defaut"), AApporter: get("a_apporter"), Structure: get("structure"),
		Thematiques: formList(values, "thematiques"), Materiel: formList(values, "materiel"),
		Actif: values.Get("actif") == "1",
	}
}

// atelierFormOf fills the form with a stored workshop.
func atelierFormOf(r *core.Record) atelierForm {
	return atelierForm{
		Titre: r.GetString("titre"), Besoin: r.GetString("besoin"), Resume: r.GetString("resume"),
		Description: r.GetString("description"), Objectifs: r.GetString("objectifs"), Prerequis: r.GetString("prerequis"),
		Niveau: r.GetString("niveau"), DureeMinutes: strconv.Itoa(r.GetInt("duree_minutes")),
		CapaciteDefaut: strconv.Itoa(r.GetInt("capacite_defaut")), AApporter: r.GetString("a_apporter"),
		Structure: r.GetString("structure"), Thematiques: r.GetStringSlice("thematiques"),
		Materiel: r.GetStringSlice("materiel"), Actif: r.GetBool("actif"),
	}
}

// textLimits are the longest texts the ateliers collection accepts.
var textLimits = map[string]int{
	"titre": 200, "resume": 300, "description": 5000, "objectifs": 5000, "prerequis": 1000, "a_apporter": 1000,
}

// validate checks the values and returns the errors, one per field. Who may
// save in which structure is not checked here: the API rules decide.
func (f *atelierForm) validate() formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	texts := map[string]string{"titre": f.Titre, "resume": f.Resume, "description": f.Description,
		"objectifs": f.Objectifs, "prerequis": f.Prerequis, "a_apporter": f.AApporter}
	for name, limit := range textLimits {
		if n := utf8.RuneCountInString(texts[name]); n > limit {
			errs[name] = fmt.Sprintf("Ce texte est trop long : %d caractères au plus (vous en avez écrit %d).", limit, n)
		}
	}
	if f.Titre == "" {
		errs["titre"] = "Indiquez le titre de l'atelier."
	}
	if f.Resume == "" {
		errs["resume"] = "Écrivez en une phrase simple ce que l'on apprend pendant l'atelier."
	}
	if !referentiel.Besoins.Has(f.Besoin) {
		errs["besoin"] = "Choisissez le besoin auquel l'atelier répond."
	}
	if !referentiel.Niveaux.Has(f.Niveau) {
		errs["niveau"] = "Choisissez le niveau de l'atelier."
	}
	if len(f.Thematiques) == 0 {
		errs["thematiques"] = "Cochez au moins une thématique."
	} else if !allIn(f.Thematiques, referentiel.Thematiques) {
		errs["thematiques"] = "Choisissez les thématiques dans la liste."
	}
	if !allIn(f.Materiel, referentiel.Materiels) {
		errs["materiel"] = "Choisissez le matériel dans la liste."
	} else if len(f.Materiel) > 1 && slices.Contains(f.Materiel, "aucun") {
		errs["materiel"] = "« Pas de matériel » ne se coche pas avec un autre matériel."
	}
	var ok bool
	if f.duree, ok = intBetween(f.DureeMinutes, 15, 600); !ok {
		errs["duree_minutes"] = "Indiquez la durée en minutes : un nombre entre 15 et 600 (2 heures = 120)."
	}
	if f.capacite, ok = intBetween(f.CapaciteDefaut, 1, 500); !ok {
		errs["capacite_defaut"] = "Indiquez le nombre de places : un nombre entre 1 et 500."
	}
	return errs
}

func allIn(values []string, list referentiel.List) bool {
	for _, v := range values {
		if !list.Has(v) {
			return false
		}
	}
	return true
}

func intBetween(s string, low, high int) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= low && n <= high
}

// changes are the fields a validated form writes.
func (f *atelierForm) changes() map[string]any {
	materiel := f.Materiel
	if materiel == nil {
		materiel = []string{}
	}
	return map[string]any{
		"titre": f.Titre, "besoin": f.Besoin, "thematiques": f.Thematiques, "resume": f.Resume,
		"description": f.Description, "objectifs": f.Objectifs, "prerequis": f.Prerequis, "niveau": f.Niveau,
		"duree_minutes": f.duree, "capacite_defaut": f.capacite, "materiel": materiel,
		"a_apporter": f.AApporter, "structure": f.Structure, "actif": f.Actif,
	}
}

type atelierFormData struct {
	Form       atelierForm
	Errors     formulaire.Erreurs
	Structures []formulaire.Option // the structures the workshop may belong to
	Partage    bool                // the « Catalogue partagé » choice is offered (coordinateur)
	Action     string
	Annuler    string
	Copie      string // title of the entry being copied
	Modifier   bool
}

// newAtelierFormData prepares the form's choices for the signed-in person.
func newAtelierFormData(app core.App, staff *model.StaffView, form atelierForm) (*atelierFormData, error) {
	structures, err := staffStructures(app, staff)
	if err != nil {
		return nil, err
	}
	return &atelierFormData{Form: form, Errors: formulaire.Erreurs{}, Structures: structures,
		Partage: staff.Coordinateur()}, nil
}

// defaultStructure is where a new workshop goes unless the person chooses:
// their first structure; the shared catalogue for a coordinateur.
func defaultStructure(staff *model.StaffView, structures []formulaire.Option) string {
	if staff.Coordinateur() || len(structures) == 0 {
		return ""
	}
	return structures[0].Value
}

func atelierNewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutCreerAteliers() {
			return access.ErrForbidden
		}
		form := atelierForm{Actif: true, Niveau: "debutant", DureeMinutes: "120", CapaciteDefaut: "8"}
		var copied string
		if id := e.Request.URL.Query().Get("copie"); id != "" {
			source, err := access.Readable(e.App, e.Auth, "ateliers", id)
			if err != nil {
				return err
			}
			form, copied = atelierFormOf(source), source.GetString("titre")
			form.Actif = true
		}
		data, err := newAtelierFormData(e.App, staff, form)
		if err != nil {
			return err
		}
		data.Form.Structure = defaultStructure(staff, data.Structures)
		data.Copie = copied
		return renderAtelierForm(pe, e, http.StatusOK, data, "")
	}
}

func atelierCreateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutCreerAteliers() {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read workshop form: %w", err)
		}
		data, err := newAtelierFormData(e.App, staff, parseAtelierForm(e.Request.PostForm))
		if err != nil {
			return err
		}
		data.Copie = e.Request.PostForm.Get("copie")
		if data.Errors = data.Form.validate(); len(data.Errors) > 0 {
			return renderAtelierForm(pe, e, http.StatusUnprocessableEntity, data, "")
		}
		collection, err := e.App.FindCachedCollectionByNameOrId("ateliers")
		if err != nil {
			return fmt.Errorf("ateliers collection: %w", err)
		}
		record := core.NewRecord(collection)
		record.Load(data.Form.changes())
		switch err := access.CreateChecked(e.App, e.Auth, record); {
		case errors.Is(err, model.ErrNotFound):
			return access.ErrForbidden // another structure than the person's: the create rule refused
		case err != nil:
			if errs, ok := validationMessages(err); ok {
				data.Errors = errs
				return renderAtelierForm(pe, e, http.StatusUnprocessableEntity, data, "")
			}
			return fmt.Errorf("create workshop %q: %w", data.Form.Titre, err)
		}
		return redirectWithFlash(e, "/espace/catalogue/"+record.Id, "L'atelier « "+data.Form.Titre+" » est enregistré.")
	}
}

func atelierEditHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.EditableRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		data, err := newAtelierFormData(e.App, model.NewStaffView(e.Auth), atelierFormOf(record))
		if err != nil {
			return err
		}
		return renderAtelierForm(pe, e, http.StatusOK, data, record.Id)
	}
}

func atelierUpdateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.EditableRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read workshop form: %w", err)
		}
		data, err := newAtelierFormData(e.App, model.NewStaffView(e.Auth), parseAtelierForm(e.Request.PostForm))
		if err != nil {
			return err
		}
		// A structure the rules refuse is tampering, not a typing mistake:
		// refused before any message about the values.
		if !access.MayUpdate(e.App, e.Auth, record, map[string]any{"structure": data.Form.Structure}) {
			return access.ErrForbidden
		}
		data.Errors = data.Form.validate()
		if len(data.Errors) > 0 {
			return renderAtelierForm(pe, e, http.StatusUnprocessableEntity, data, record.Id)
		}
		if err := access.UpdateChecked(e.App, e.Auth, record, data.Form.changes()); err != nil {
			if errs, ok := validationMessages(err); ok {
				data.Errors = errs
				return renderAtelierForm(pe, e, http.StatusUnprocessableEntity, data, record.Id)
			}
			return fmt.Errorf("update workshop %s: %w", record.Id, err) // errForbidden: another structure's id
		}
		return redirectWithFlash(e, "/espace/catalogue/"+record.Id, "Les modifications de « "+data.Form.Titre+" » sont enregistrées.")
	}
}

func renderAtelierForm(pe *pageEngine, e *core.RequestEvent, status int, data *atelierFormData, id string) error {
	title := "Nouvel atelier"
	data.Action, data.Annuler = "/espace/catalogue/nouveau", "/espace/catalogue"
	switch {
	case id != "":
		title = "Modifier l'atelier"
		data.Action, data.Annuler, data.Modifier = "/espace/catalogue/"+id+"/modifier", "/espace/catalogue/"+id, true
	case data.Copie != "":
		title = "Copier un atelier dans mon catalogue"
	}
	if len(data.Errors) > 0 {
		title = "Erreur : " + title
	}
	return pe.render(e, status, "catalogue_formulaire", title, data)
}

func atelierActifHandler(actif bool) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.WorkspaceRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		if err := access.UpdateChecked(e.App, e.Auth, record, map[string]any{"actif": actif}); err != nil {
			return fmt.Errorf("set workshop %s active=%t: %w", record.Id, actif, err)
		}
		message := "« " + record.GetString("titre") + " » est archivé : il n'apparaît plus sur les pages publiques, " +
			"ni ses séances."
		if actif {
			message = "« " + record.GetString("titre") + " » est de nouveau proposé."
		}
		return redirectWithFlash(e, catalogueNext(e.Request.PostFormValue("suite"), "/espace/catalogue/"+record.Id), message)
	}
}

// catalogueNext is where an action leads back to: a catalogue page only.
func catalogueNext(next, fallback string) string {
	if next != "/espace/catalogue" && !strings.HasPrefix(next, "/espace/catalogue/") && !strings.HasPrefix(next, "/espace/catalogue?") {
		return fallback
	}
	if safeNext(next) != next {
		return fallback
	}
	return next
}
