package accompagnements

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Count counts the help (alias a) that where selects and adds up its minutes.
func Count(app core.App, where dbx.Expression) (total, minutes int, err error) {
	err = app.DB().Select("count(*)", "coalesce(sum(a.duree_minutes), 0)").From("accompagnements a").
		Where(where).Row(&total, &minutes)
	if err != nil {
		return 0, 0, fmt.Errorf("count help: %w", err)
	}
	return total, minutes, nil
}

// Row is one help of the list with its conseiller, person and structure.
type Row struct {
	ID          string `db:"id"`
	Date        string `db:"date"`
	Minutes     int    `db:"duree_minutes"`
	Thematiques string `db:"thematiques"`
	Demarche    string `db:"demarche"`
	Tranche     string `db:"tranche_age"`
	Beneficiary string `db:"beneficiaire"`
	CPrenom     string `db:"c_prenom"`
	CNom        string `db:"c_nom"`
	BPrenom     string `db:"b_prenom"`
	BNom        string `db:"b_nom"`
	Structure   string `db:"structure_nom"`
	Fuseau      string `db:"fuseau"`
}

// List reads one page of the help that where selects, newest first.
func List(app core.App, where dbx.Expression, limit, offset int) ([]Row, error) {
	var rows []Row
	err := app.DB().Select("a.id", "a.date", "a.duree_minutes", "a.thematiques", "a.demarche", "a.tranche_age",
		"a.beneficiaire", "coalesce(u.prenom, '') AS c_prenom", "coalesce(u.nom, '') AS c_nom",
		"coalesce(b.prenom, '') AS b_prenom", "coalesce(b.nom, '') AS b_nom", "st.nom AS structure_nom", "st.fuseau").
		From("accompagnements a").
		InnerJoin("structures st", dbx.NewExp("st.id = a.structure")).
		LeftJoin("utilisateurs u", dbx.NewExp("u.id = a.conseiller")).
		LeftJoin("beneficiaires b", dbx.NewExp("b.id = a.beneficiaire")).
		Where(where).OrderBy("a.date DESC", "a.created DESC", "a.id").
		Limit(int64(limit)).Offset(int64(offset)).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("list help: %w", err)
	}
	return rows, nil
}
