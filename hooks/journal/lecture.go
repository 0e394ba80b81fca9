package journal

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

func LoadJournal(app core.App, data *JournalData) error {
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

const journalPerPage = 50

type JournalFilters struct {
	Du, Au, Structure, Action string
	Page                      int
	Debut, Fin                time.Time // the days typed in Du and Au, once valid
}

type journalLine struct {
	Date                                    time.Time
	Auteur, Action, Structure, Beneficiaire string
	Details                                 string
}

type JournalData struct {
	Filtres     JournalFilters
	Errors      formulaire.Erreurs
	Structures  []formulaire.Option
	Actions     referentiel.List
	Lignes      []journalLine
	Total       int
	Page, Pages int
	Precedente  string
	Suivante    string
}

// journalDayLayout is the value of an <input type="date">.
const JournalDayLayout = "2006-01-02"

func HasOption(opts []formulaire.Option, value string) bool {
	for _, o := range opts {
		if o.Value == value {
			return true
		}
	}
	return false
}

func AllStructureOptions(app core.App) ([]formulaire.Option, error) {
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

// query writes the filters back, for the page links.
func (f JournalFilters) query(page int) string {
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

// where turns the valid filters into bound SQL conditions on journal j.
func (f JournalFilters) where() dbx.Expression {
	conds := []dbx.Expression{dbx.NewExp("1 = 1")}
	if !f.Debut.IsZero() {
		conds = append(conds, dbx.NewExp("j.created >= {:du}", dbx.Params{"du": model.DBDate(f.Debut)}))
	}
	if !f.Fin.IsZero() {
		conds = append(conds, dbx.NewExp("j.created < {:au}", dbx.Params{"au": model.DBDate(f.Fin.AddDate(0, 0, 1))}))
	}
	if f.Structure != "" {
		conds = append(conds, dbx.HashExp{"j.structure": f.Structure})
	}
	if f.Action != "" {
		conds = append(conds, dbx.HashExp{"j.action": f.Action})
	}
	return dbx.And(conds...)
}
