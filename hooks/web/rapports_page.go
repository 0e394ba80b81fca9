package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/graphique"
	"atelier/hooks/lib/rapportdoc"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/rapports"
)

const reportsPageSize = 50

func RegisterReportPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/rapports", pe.Page(reportsListHandler(pe)))
	g.GET("/rapports/{id}", pe.Page(reportPageHandler(pe)))
	g.GET("/rapports/{id}/{format}", pe.Page(reportDownloadHandler))
}

type reportFilters struct {
	Structure string // part of a structure's name
	Mois      string // 2026-10
	Page      int
}

func parseReportFilters(q url.Values) (reportFilters, formulaire.Erreurs) {
	f := reportFilters{Structure: strings.TrimSpace(q.Get("structure")), Mois: q.Get("mois"), Page: 1}
	errs := formulaire.Erreurs{}
	if f.Mois != "" && !rapports.MoisPattern.MatchString(f.Mois) {
		errs["mois"] = "Choisissez un mois dans la liste."
		f.Mois = ""
	}
	if len(f.Structure) > 200 {
		errs["structure"] = "Indiquez au plus 200 caractères."
		f.Structure = ""
	}
	if n, err := strconv.Atoi(q.Get("page")); err == nil && n > 1 {
		f.Page = n
	}
	return f, errs
}

// query is the list's address with these filters, on page n.
func (f reportFilters) query(page int) string {
	q := url.Values{}
	if f.Structure != "" {
		q.Set("structure", f.Structure)
	}
	if f.Mois != "" {
		q.Set("mois", f.Mois)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/espace/rapports"
	}
	return "/espace/rapports?" + q.Encode()
}

// where restricts the list to the person's structures and the filters.
func (f reportFilters) where(staff *model.StaffView) dbx.Expression {
	parts := []dbx.Expression{staff.Scope("r.structure")}
	if f.Structure != "" {
		parts = append(parts, dbx.Like("st.nom", f.Structure))
	}
	if f.Mois != "" {
		parts = append(parts, dbx.HashExp{"r.mois": f.Mois})
	}
	return dbx.And(parts...)
}

type reportLine struct {
	ID, Mois, MoisCle, Structure string
	GenereLe                     time.Time
	PDF, XLSX                    bool
}

type reportsPage struct {
	Filtres             reportFilters
	Errors              formulaire.Erreurs
	PlusieursStructures bool
	MoisPossibles       []formulaire.Option
	Lignes              []reportLine
	Total, Page, Pages  int
	Precedente          string
	Suivante            string
	Effacer             string
}

func reportsListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		filters, errs := parseReportFilters(e.Request.URL.Query())
		p := &reportsPage{Filtres: filters, Errors: errs, Effacer: "/espace/rapports",
			PlusieursStructures: staff.Coordinateur() || len(staff.Structures) > 1}
		if err := p.load(e.App, staff); err != nil {
			return err
		}
		if p.Page > 1 {
			p.Precedente = filters.query(p.Page - 1)
		}
		if p.Page < p.Pages {
			p.Suivante = filters.query(p.Page + 1)
		}
		return pe.render(e, http.StatusOK, "rapports", "Rapports mensuels", p)
	}
}

func (p *reportsPage) load(app core.App, staff *model.StaffView) error {
	months, err := reportMonths(app, staff)
	if err != nil {
		return err
	}
	for _, m := range months {
		p.MoisPossibles = append(p.MoisPossibles, formulaire.Option{Value: m, Label: rapports.MoisLabel(m)})
	}
	where := p.Filtres.where(staff)
	err = app.DB().Select("count(*)").From("rapports r").
		InnerJoin("structures st", dbx.NewExp("st.id = r.structure")).Where(where).Row(&p.Total)
	if err != nil {
		return fmt.Errorf("count reports: %w", err)
	}
	p.Pages = max(1, (p.Total+reportsPageSize-1)/reportsPageSize)
	p.Page = min(p.Filtres.Page, p.Pages)
	var rows []struct {
		ID        string `db:"id"`
		Mois      string `db:"mois"`
		PDF       string `db:"pdf"`
		XLSX      string `db:"xlsx"`
		GenereLe  string `db:"genere_le"`
		Structure string `db:"structure_nom"`
		Fuseau    string `db:"fuseau"`
	}
	err = app.DB().Select("r.id", "r.mois", "r.pdf", "r.xlsx", "r.genere_le", "st.nom AS structure_nom", "st.fuseau").
		From("rapports r").InnerJoin("structures st", dbx.NewExp("st.id = r.structure")).
		Where(where).OrderBy("r.mois DESC", "st.nom ASC").
		Limit(reportsPageSize).Offset(int64((p.Page - 1) * reportsPageSize)).All(&rows)
	if err != nil {
		return fmt.Errorf("list reports: %w", err)
	}
	for _, r := range rows {
		line := reportLine{ID: r.ID, MoisCle: r.Mois, Mois: rapports.MoisLabel(r.Mois), Structure: r.Structure,
			PDF: r.PDF != "", XLSX: r.XLSX != ""}
		if d, err := types.ParseDateTime(r.GenereLe); err == nil && !d.IsZero() {
			line.GenereLe = d.Time().In(frfmt.Location(r.Fuseau))
		}
		p.Lignes = append(p.Lignes, line)
	}
	return nil
}

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

// reportFormats are the files of a report, by the address's last part.
var reportFormats = map[string]struct{ field, ext string }{
	"pdf":  {"pdf", "pdf"},
	"xlsx": {"xlsx", "xlsx"},
}

// reportDownloadHandler serves a report's file to the staff who may read
// the report (404 for anyone else, as for a missing report).
func reportDownloadHandler(e *core.RequestEvent) error {
	format, ok := reportFormats[e.Request.PathValue("format")]
	if !ok {
		return model.ErrNotFound
	}
	rapport, err := access.WorkspaceRecord(e.App, e.Auth, "rapports", e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	name := rapport.GetString(format.field)
	if name == "" {
		return model.ErrNotFound
	}
	structure, err := e.App.FindRecordById("structures", rapport.GetString("structure"))
	if err != nil {
		return fmt.Errorf("structure of report %s: %w", rapport.Id, err)
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return fmt.Errorf("open files of report %s: %w", rapport.Id, err)
	}
	defer fsys.Close()
	download := "rapport-" + structure.GetString("slug") + "-" + rapport.GetString("mois") + "." + format.ext
	header := e.Response.Header()
	header.Set("Content-Disposition", "attachment; filename="+strconv.Quote(download))
	header.Set("Cache-Control", "private, no-store")
	header.Set("X-Content-Type-Options", "nosniff")
	err = fsys.Serve(e.Response, e.Request, rapport.BaseFilesPath()+"/"+name, download)
	if errors.Is(err, filesystem.ErrNotFound) {
		return fmt.Errorf("%s of report %s: %w", format.ext, rapport.Id, model.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("serve %s of report %s: %w", format.ext, rapport.Id, err)
	}
	return nil
}

type reportView struct {
	ID, Titre, Structure     string
	Complet, PDF, XLSX       bool
	Mois, Precedent, Periode string
	GenereLe                 time.Time
	Chiffres                 []rapportdoc.Chiffre
	Graphiques               []reportChartView
	Seances                  []reportSessionView
	TotalParticipants        int
}

type reportChartView struct {
	ID, Titre, Colonne, Unite string
	SVG                       template.HTML
	Lignes                    []stats.Ligne
	Total                     int
}

type reportSessionView struct {
	Debut        time.Time
	Atelier      string
	Lieu         string
	Participants int
}

func reportPageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		rapport, err := access.WorkspaceRecord(e.App, e.Auth, "rapports", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		structure, err := e.App.FindRecordById("structures", rapport.GetString("structure"))
		if err != nil {
			return fmt.Errorf("structure of report %s: %w", rapport.Id, err)
		}
		v := newReportView(rapport, structure)
		return pe.render(e, http.StatusOK, "rapports_rapport", v.Titre+" · "+v.Structure, v)
	}
}

func newReportView(rapport, structure *core.Record) *reportView {
	v := &reportView{ID: rapport.Id, Structure: structure.GetString("nom"), PDF: rapport.GetString("pdf") != "",
		XLSX: rapport.GetString("xlsx") != "", Mois: rapports.MoisLabel(rapport.GetString("mois"))}
	v.Titre = "Rapport d'activité · " + v.Mois
	// Reports made before the snapshot's layout hold other JSON: they are
	// shown without their figures, never as an error.
	var snap rapportdoc.Snapshot
	if err := rapport.UnmarshalJSONField("statistiques", &snap); err != nil || !snap.Complet() {
		return v
	}
	v.Complet = true
	loc := snap.Location()
	month := snap.Month()
	first := time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, loc)
	v.Precedent = rapports.MoisLabel(month.AddDate(0, -1, 0).Format("2006-01"))
	v.Periode = fmt.Sprintf("du %s au %s", frfmt.DateSansAnnee(first), frfmt.Date(first.AddDate(0, 1, -1)))
	v.GenereLe = snap.GenereLe.In(loc)
	v.Chiffres = snap.Chiffres
	for i, g := range snap.Graphiques() {
		rep := snap.Repartitions[i]
		bars := make([]graphique.Barre, len(g.Barres))
		for j, b := range g.Barres {
			bars[j] = graphique.Barre{Libelle: b.Libelle, Valeur: b.Valeur, Texte: b.Texte}
		}
		chart := reportChartView{ID: "rep-" + rep.Cle, Titre: g.Titre, Colonne: rep.Colonne, Unite: rep.Unite,
			SVG: template.HTML(graphique.Barres("rep-"+rep.Cle, g.Titre, bars))} // graphique escapes every text
		for _, l := range rep.Lignes {
			if l.Nombre > 0 {
				chart.Lignes = append(chart.Lignes, l)
				chart.Total += l.Nombre
			}
		}
		v.Graphiques = append(v.Graphiques, chart)
	}
	for _, s := range snap.Seances {
		v.Seances = append(v.Seances, reportSessionView{Debut: s.Debut.In(loc), Atelier: s.Atelier, Lieu: s.Lieu, Participants: s.Participants})
		v.TotalParticipants += s.Participants
	}
	return v
}
