package hooks

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"atelier/hooks/envois"

	"atelier/hooks/access"
	"atelier/hooks/model"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The audit log (collection journal): who viewed, exported, created,
// edited, merged or erased a beneficiary's data, and when. Only the server
// writes it (nobody may create, change or delete an entry through the API,
// not even an administrator); coordinateurs read it on /espace/journal. An
// entry holds ids and the staff member's name, never the person's name.

// Actions of the log (referentiel.ActionsJournal).
const (
	journalConsultation = "consultation"
	journalExport       = "export"
	journalModification = "modification"
	journalFusion       = "fusion"
	journalEffacement   = "effacement"
	journalCreation     = "creation"
)

// journalSystemName is the author of what the server does on its own
// (the retention job).
const journalSystemName = "Atelier (conservation automatique)"

// logAccess records that auth did action on person's data. Call it with
// the transaction that makes the change, so that both are kept or neither.
func logAccess(app core.App, auth *core.Record, action string, person *core.Record, details string) error {
	collection, err := app.FindCachedCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal %s: %w", action, err)
	}
	entry := core.NewRecord(collection)
	author, name := journalAuthor(auth)
	entry.Load(map[string]any{"auteur": author, "auteur_nom": name, "action": action, "details": envois.Truncate(details, 1000)})
	if person != nil {
		entry.Set("beneficiaire", person.Id)
		entry.Set("structure", person.GetString("structure"))
	}
	if err := app.Save(entry); err != nil {
		return fmt.Errorf("journal %s: %w", action, err)
	}
	return nil
}

// journalAuthor is the staff account and its name at the time; an
// administrator is named by their e-mail, the server by journalSystemName.
func journalAuthor(auth *core.Record) (id, name string) {
	switch {
	case auth == nil:
		return "", journalSystemName
	case auth.IsSuperuser():
		return "", "Administrateur " + auth.Email()
	case auth.Collection().Name == "utilisateurs":
		return auth.Id, strings.TrimSpace(auth.GetString("prenom") + " " + auth.GetString("nom"))
	default:
		return "", auth.Collection().Name + " " + auth.Id
	}
}

// registerJournalHooks keeps the log out of reach of the API's writers and
// records the accesses to beneficiaries made through the REST API (the
// pages log their own). Lists are not logged: only records opened one by one.
func registerJournalHooks(app core.App) {
	refuse := func(e *core.RecordRequestEvent) error {
		return apis.NewForbiddenError("Le journal est écrit par le serveur seulement.", nil)
	}
	app.OnRecordCreateRequest("journal").BindFunc(refuse)
	app.OnRecordUpdateRequest("journal").BindFunc(refuse)
	app.OnRecordDeleteRequest("journal").BindFunc(refuse)

	app.OnRecordViewRequest("beneficiaires").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := logAccess(e.App, e.Auth, journalConsultation, e.Record, "Par l'API"); err != nil {
			return err
		}
		return e.Next()
	})
	logAfter := func(action string) func(e *core.RecordRequestEvent) error {
		return func(e *core.RecordRequestEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			if err := logAccess(e.App, e.Auth, action, e.Record, "Par l'API"); err != nil {
				e.App.Logger().Error("journal", "action", action, "beneficiaire", e.Record.Id, "error", err)
			}
			return nil
		}
	}
	app.OnRecordCreateRequest("beneficiaires").BindFunc(logAfter(journalCreation))
	app.OnRecordUpdateRequest("beneficiaires").BindFunc(logAfter(journalModification))
	app.OnRecordDeleteRequest("beneficiaires").BindFunc(logAfter(journalEffacement))
}

// ---- The log page (coordinateurs) --------------------------------------

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
	Errors      formErrors
	Structures  []option
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

func allStructureOptions(app core.App) ([]option, error) {
	var rows []struct {
		ID  string `db:"id"`
		Nom string `db:"nom"`
	}
	if err := app.DB().Select("id", "nom").From("structures").OrderBy("nom").All(&rows); err != nil {
		return nil, fmt.Errorf("structures for the journal: %w", err)
	}
	opts := make([]option, len(rows))
	for i, r := range rows {
		opts[i] = option{Value: r.ID, Label: r.Nom}
	}
	return opts, nil
}

// journalDayLayout is the value of an <input type="date">.
const journalDayLayout = "2006-01-02"

// parseJournalFilters reads the filters; a wrong one is reported next to
// its field and left out of the search, the others still apply.
func parseJournalFilters(q url.Values, structures []option) (journalFilters, formErrors) {
	f := journalFilters{Du: strings.TrimSpace(q.Get("du")), Au: strings.TrimSpace(q.Get("au")),
		Structure: q.Get("structure"), Action: q.Get("action"), Page: 1}
	errs := formErrors{}
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

func hasOption(opts []option, value string) bool {
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
