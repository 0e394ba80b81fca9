package rapports

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
	"atelier/hooks/model"
)

// reportMonths lists the months that have a report in the person's
// structures, newest first (the month filter's choices).
func reportMonths(app core.App, staff *model.StaffView) ([]string, error) {
	var months []string
	err := app.DB().Select("r.mois").Distinct(true).From("rapports r").Where(staff.Scope("r.structure")).
		OrderBy("r.mois DESC").Limit(240).Column(&months)
	if err != nil {
		return nil, fmt.Errorf("months of reports: %w", err)
	}
	return months, nil
}

type ReportFilters struct {
	Structure string // part of a structure's name
	Mois      string // 2026-10
	Page      int
}

type reportLine struct {
	ID, Mois, MoisCle, Structure string
	GenereLe                     time.Time
	PDF, XLSX, Provisoire        bool
}

// GenerationForm is « Générer maintenant » as typed, for référents and
// coordinateurs.
type GenerationForm struct {
	Structure, Mois string
	Structures      []formulaire.Option // several: a list; one: a hidden field
	MoisPossibles   []formulaire.Option
	Errors          formulaire.Erreurs
}

type ReportsPage struct {
	Filtres             ReportFilters
	Errors              formulaire.Erreurs
	PlusieursStructures bool
	MoisPossibles       []formulaire.Option
	Lignes              []reportLine
	Total               int
	Pagination          pagination.Pagination
	Effacer             string
	Generation          *GenerationForm // nil: the person does not make reports
}

const reportsPageSize = 50

// values writes the filters back, for the page links.
func (f ReportFilters) values() url.Values {
	return url.Values{"structure": {f.Structure}, "mois": {f.Mois}}
}

// where restricts the list to the person's structures and the filters.
func (f ReportFilters) where(staff *model.StaffView) dbx.Expression {
	parts := []dbx.Expression{staff.Scope("r.structure")}
	if f.Structure != "" {
		parts = append(parts, dbx.Like("st.nom", f.Structure))
	}
	if f.Mois != "" {
		parts = append(parts, dbx.HashExp{"r.mois": f.Mois})
	}
	return dbx.And(parts...)
}

func (p *ReportsPage) Load(app core.App, staff *model.StaffView) error {
	months, err := reportMonths(app, staff)
	if err != nil {
		return err
	}
	for _, m := range months {
		p.MoisPossibles = append(p.MoisPossibles, formulaire.Option{Value: m, Label: MoisLabel(m)})
	}
	where := p.Filtres.where(staff)
	err = app.DB().Select("count(*)").From("rapports r").
		InnerJoin("structures st", dbx.NewExp("st.id = r.structure")).Where(where).Row(&p.Total)
	if err != nil {
		return fmt.Errorf("count reports: %w", err)
	}
	p.Pagination = pagination.New(p.Filtres.Page, p.Total, reportsPageSize, "/espace/rapports", p.Filtres.values())
	var rows []struct {
		ID         string `db:"id"`
		Mois       string `db:"mois"`
		PDF        string `db:"pdf"`
		XLSX       string `db:"xlsx"`
		GenereLe   string `db:"genere_le"`
		Structure  string `db:"structure_nom"`
		Fuseau     string `db:"fuseau"`
		Provisoire bool   `db:"provisoire"`
	}
	err = app.DB().Select("r.id", "r.mois", "r.pdf", "r.xlsx", "r.genere_le", "st.nom AS structure_nom", "st.fuseau", "r.provisoire").
		From("rapports r").InnerJoin("structures st", dbx.NewExp("st.id = r.structure")).
		Where(where).OrderBy("r.mois DESC", "st.nom ASC").
		Limit(reportsPageSize).Offset(int64(p.Pagination.Offset())).All(&rows)
	if err != nil {
		return fmt.Errorf("list reports: %w", err)
	}
	for _, r := range rows {
		line := reportLine{ID: r.ID, MoisCle: r.Mois, Mois: MoisLabel(r.Mois), Structure: r.Structure,
			PDF: r.PDF != "", XLSX: r.XLSX != "", Provisoire: r.Provisoire}
		if d, err := types.ParseDateTime(r.GenereLe); err == nil && !d.IsZero() {
			line.GenereLe = d.Time().In(frfmt.Location(r.Fuseau))
		}
		p.Lignes = append(p.Lignes, line)
	}
	return nil
}
