package journal

import (
	"fmt"
	"net/url"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

func LoadJournal(app core.App, data *JournalData) error {
	where := data.Filtres.where()
	if err := app.DB().Select("count(*)").From("journal j").Where(where).Row(&data.Total); err != nil {
		return fmt.Errorf("count journal: %w", err)
	}
	data.Pagination = pagination.New(data.Filtres.Page, data.Total, journalPerPage, "/espace/journal", data.Filtres.values())
	data.Pagination.Libelle = "Pages du journal"
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
		Limit(journalPerPage).Offset(int64(data.Pagination.Offset())).All(&rows)
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
	Filtres    JournalFilters
	Errors     formulaire.Erreurs
	Structures []formulaire.Option
	Actions    referentiel.List
	Lignes     []journalLine
	Total      int
	Pagination pagination.Pagination
}

// JournalDayLayout is the value of an <input type="date">.
const JournalDayLayout = "2006-01-02"

// values writes the filters back, for the page links.
func (f JournalFilters) values() url.Values {
	return url.Values{"du": {f.Du}, "au": {f.Au}, "structure": {f.Structure}, "action": {f.Action}}
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
