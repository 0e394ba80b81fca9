package ateliers

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

func LoadCatalogue(app core.App, auth *core.Record, staff *model.StaffView, filter CatalogueFilter, now time.Time) (*catalogueListData, error) {
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
	names, err := seances.StructureNames(app, WorkshopStructures(records))
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(records))
	for i, r := range records {
		ids[i] = r.Id
	}
	upcoming, err := upcomingSeanceCounts(app, staff, ids, now)
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

// WorkshopStructures are the structure ids of the workshops, once each.
func WorkshopStructures(ateliers []*core.Record) []string {
	var ids []string
	for _, a := range ateliers {
		if s := a.GetString("structure"); s != "" && !slices.Contains(ids, s) {
			ids = append(ids, s)
		}
	}
	return ids
}

// upcomingSeanceCounts counts the planned sessions to come of each
// workshop, among the sessions of the person's structures only: a shared
// workshop's sessions elsewhere are not theirs to know about.
func upcomingSeanceCounts(app core.App, staff *model.StaffView, ateliers []string, now time.Time) (map[string]int, error) {
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
		return strings.Compare(texte.Plier(a.Titre), texte.Plier(b.Titre))
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

func LoadAtelierDetail(app core.App, auth *core.Record, r *core.Record, now time.Time) (*atelierDetail, error) {
	staff := model.NewStaffView(auth)
	names, err := seances.StructureNames(app, WorkshopStructures([]*core.Record{r}))
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

// AtelierFormOf fills the form with a stored workshop.
func AtelierFormOf(r *core.Record) AtelierForm {
	return AtelierForm{
		Titre: r.GetString("titre"), Besoin: r.GetString("besoin"), Resume: r.GetString("resume"),
		Description: r.GetString("description"), Objectifs: r.GetString("objectifs"), Prerequis: r.GetString("prerequis"),
		Niveau: r.GetString("niveau"), DureeMinutes: strconv.Itoa(r.GetInt("duree_minutes")),
		CapaciteDefaut: strconv.Itoa(r.GetInt("capacite_defaut")), AApporter: r.GetString("a_apporter"),
		Structure: r.GetString("structure"), Thematiques: r.GetStringSlice("thematiques"),
		Materiel: r.GetStringSlice("materiel"), Actif: r.GetBool("actif"),
	}
}

func intBetween(s string, low, high int) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= low && n <= high
}

// catalogueLimit bounds the list: a coordinateur of many structures
// narrows it with the filters rather than scrolling thousands of entries.
const catalogueLimit = 300

// CatalogueFilter is what the person chose; url() writes it back, so that
// an action on an entry returns to the same list.
type CatalogueFilter struct {
	Besoin    string
	Q         string
	Structure string // "", partageFilter or a structure id among the options
	Archives  bool   // archived workshops are shown on demand only
}

const partageFilter = "partage"

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

type catalogueGroup struct {
	Besoin, Label string
	Entries       []catalogueEntry
}

type catalogueListData struct {
	Filter     CatalogueFilter
	Structures []formulaire.Option // the structure filter's choices, empty when there is nothing to choose
	Groups     []catalogueGroup
	Total      int
	Tronque    bool // more entries than catalogueLimit match
	PeutCreer  bool

	ToutesStructures bool // a coordinateur's catalogue spans every structure
}

type atelierDetail struct {
	catalogueEntry
	Resume, Description, Objectifs, Prerequis, AApporter string
	Materiel                                             []string
	Passees                                              int
	Coordinateur                                         bool // counts cover every structure
}

// AtelierForm holds the fields as typed, so that a form with errors shows
// them back unchanged.
type AtelierForm struct {
	Titre, Besoin, Resume, Description, Objectifs, Prerequis   string
	Niveau, DureeMinutes, CapaciteDefaut, AApporter, Structure string
	Thematiques, Materiel                                      []string
	Actif                                                      bool
	// Numbers, set by validate.
	duree, capacite int
}

// textLimits are the longest texts the ateliers collection accepts.
var textLimits = map[string]int{
	"titre": 200, "resume": 300, "description": 5000, "objectifs": 5000, "prerequis": 1000, "a_apporter": 1000,
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

// StructureFilterOptions offers to narrow the list to the shared catalogue
// or one structure, for people who work in more than one.
func StructureFilterOptions(app core.App, staff *model.StaffView) ([]formulaire.Option, error) {
	structures, err := model.StructureOptions(app, staff)
	if err != nil || len(structures) < 2 {
		return nil, err
	}
	return append([]formulaire.Option{{Value: partageFilter, Label: "Catalogue partagé"}}, structures...), nil
}

func (f CatalogueFilter) url() string {
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
func (f CatalogueFilter) Filtre() bool {
	return f.Besoin != "" || f.Q != "" || f.Structure != ""
}

// where restricts the list to the person's catalogue and the filters, with
// bound values only.
func (f CatalogueFilter) where(staff *model.StaffView) dbx.Expression {
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

// Validate checks the values and returns the errors, one per field. Who may
// save in which structure is not checked here: the API rules decide.
func (f *AtelierForm) Validate() formulaire.Erreurs {
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
	} else if !referentiel.Thematiques.HasAll(f.Thematiques) {
		errs["thematiques"] = "Choisissez les thématiques dans la liste."
	}
	if !referentiel.Materiels.HasAll(f.Materiel) {
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

// Changes are the fields a validated form writes.
func (f *AtelierForm) Changes() map[string]any {
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
