package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

const journalPerPage = 50

type journalFilters struct {
	Du, Au, Structure, Action string
	Page                      int
	du, au                    time.Time
}

// query writes the filters back, for the page links.
func (f journalFilters) query(page int) string {
	q := url.Values{}
	for name, value := range map[string]string{"du": f.Du, "au": f.Au, "structure": f.Structure, "action": f.Action} {
		if value != "" {
			q.Set(name, value)
		}
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/espace/journal"
	}
	return "/espace/journal?" + q.Encode()
}

type journalLine struct {
	Date                                    time.Time
	Auteur, Action, Structure, Beneficiaire string
	Details                                 string
}

type journalData struct {
	Filtres     journalFilters
	Errors      formulaire.Erreurs
	Structures  []formulaire.Option
	Actions     referentiel.List
	Lignes      []journalLine
	Total       int
	Page, Pages int
	Precedente  string
	Suivante    string
}

func journalHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		// The journal's list rule: coordinateurs only (pb_migrations).
		if staff == nil || !staff.Coordinateur() {
			return access.ErrForbidden
		}
		data := &journalData{Actions: referentiel.ActionsJournal}
		structures, err := allStructureOptions(e.App)
		if err != nil {
			return err
		}
		data.Structures = structures
		data.Filtres, data.Errors = parseJournalFilters(e.Request.URL.Query(), structures)
		if err := loadJournal(e.App, data); err != nil {
			return err
		}
		status := http.StatusOK
		if len(data.Errors) > 0 {
			status = http.StatusUnprocessableEntity
		}
		return pe.render(e, status, "journal", "Journal des accès aux données", data)
	}
}

func allStructureOptions(app core.App) ([]formulaire.Option, error) {
	var rows []struct {
		ID  string `db:"id"`
		Nom string `db:"nom"`
	}
	if err := app.DB().Select("id", "nom").From("structures").OrderBy("nom").All(&rows); err != nil {
		return nil, fmt.Errorf("structures for the journal: %w", err)
	}
	opts := make([]formulaire.Option, len(rows))
	for i, r := range rows {
		opts[i] = formulaire.Option{Value: r.ID, Label: r.Nom}
	}
	return opts, nil
}

// journalDayLayout is the value of an <input type="date">.
const journalDayLayout = "2006-01-02"

// parseJournalFilters reads the filters; a wrong one is reported next to
// its field and left out of the search, the others still apply.
func parseJournalFilters(q url.Values, structures []formulaire.Option) (journalFilters, formulaire.Erreurs) {
	f := journalFilters{Du: strings.TrimSpace(q.Get("du")), Au: strings.TrimSpace(q.Get("au")),
		Structure: q.Get("structure"), Action: q.Get("action"), Page: 1}
	errs := formulaire.Erreurs{}
	paris := frfmt.Location("")
	for _, d := range []struct {
		value, name string
		target      *time.Time
	}{{f.Du, "du", &f.du}, {f.Au, "au", &f.au}} {
		if d.value == "" {
			continue
		}
		day, err := time.ParseInLocation(journalDayLayout, d.value, paris)
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
	if f.Structure != "" && !hasOption(structures, f.Structure) {
		errs["structure"] = "Choisissez une structure dans la liste."
		f.Structure = ""
	}
	if f.Action != "" && !referentiel.ActionsJournal.Has(f.Action) {
		errs["action"] = "Choisissez une action dans la liste."
		f.Action = ""
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		f.Page = n
	}
	return f, errs
}

func hasOption(opts []formulaire.Option, value string) bool {
	for _, o := range opts {
		if o.Value == value {
			return true
		}
	}
	return false
}

// where turns the valid filters into bound SQL conditions on journal j.
func (f journalFilters) where() dbx.Expression {
	conds := []dbx.Expression{dbx.NewExp("1 = 1")}
	if !f.du.IsZero() {
		conds = append(conds, dbx.NewExp("j.created >= {:du}", dbx.Params{"du": model.DBDate(f.du)}))
	}
	if !f.au.IsZero() {
		conds = append(conds, dbx.NewExp("j.created < {:au}", dbx.Params{"au": model.DBDate(f.au.AddDate(0, 0, 1))}))
	}
	if f.Structure != "" {
		conds = append(conds, dbx.HashExp{"j.structure": f.Structure})
	}
	if f.Action != "" {
		conds = append(conds, dbx.HashExp{"j.action": f.Action})
	}
	return dbx.And(conds...)
}

func loadJournal(app core.App, data *journalData) error {
	where := data.Filtres.where()
	if err := app.DB().Select("count(*)").From("journal j").Where(where).Row(&data.Total); err != nil {
		return fmt.Errorf("count journal: %w", err)
	}
	data.Pages = max(1, (data.Total+journalPerPage-1)/journalPerPage)
	data.Page = min(data.Filtres.Page, data.Pages)
	if data.Page > 1 {
		data.Precedente = data.Filtres.query(data.Page - 1)
	}
	if data.Page < data.Pages {
		data.Suivante = data.Filtres.query(data.Page + 1)
	}
	var rows []struct {
		Created      string `db:"created"`
		Auteur       string `db:"auteur_nom"`
		Action       string `db:"action"`
		Beneficiaire string `db:"beneficiaire"`
		Details      string `db:"details"`
		Structure    string `db:"structure_nom"`
		Fuseau       string `db:"fuseau"`
	}
	err := app.DB().Select("j.created", "j.auteur_nom", "j.action", "j.beneficiaire", "j.details",
		"coalesce(s.nom, '') AS structure_nom", "coalesce(s.fuseau, '') AS fuseau").
		From("journal j").LeftJoin("structures s", dbx.NewExp("s.id = j.structure")).
		Where(where).OrderBy("j.created DESC", "j.id DESC").
		Limit(journalPerPage).Offset(int64((data.Page - 1) * journalPerPage)).All(&rows)
	if err != nil {
		return fmt.Errorf("list journal: %w", err)
	}
	for _, r := range rows {
		created, _ := types.ParseDateTime(r.Created)
		data.Lignes = append(data.Lignes, journalLine{Date: created.Time().In(frfmt.Location(r.Fuseau)),
			Auteur: r.Auteur, Action: referentiel.ActionsJournal.Label(r.Action), Structure: r.Structure,
			Beneficiaire: r.Beneficiaire, Details: r.Details})
	}
	return nil
}
