package web

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/graphique"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/rapportdoc"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/rapports"
)

func RegisterReportPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/rapports", pe.Page(reportsListHandler(pe)))
	g.GET("/rapports/{id}", pe.Page(reportPageHandler(pe)))
	g.GET("/rapports/{id}/{format}", pe.Page(reportDownloadHandler))
	g.POST("/rapports/generer", pe.Page(reportGenerateHandler(pe)))
}

func parseReportFilters(q url.Values) (rapports.ReportFilters, formulaire.Erreurs) {
	f := rapports.ReportFilters{Structure: strings.TrimSpace(q.Get("structure")), Mois: q.Get("mois"), Page: 1}
	errs := formulaire.Erreurs{}
	if f.Mois != "" && !rapports.MoisPattern.MatchString(f.Mois) {
		errs["mois"] = "Choisissez un mois dans la liste."
		f.Mois = ""
	}
	if len(f.Structure) > 200 {
		errs["structure"] = "Indiquez au plus 200 caractères."
		f.Structure = ""
	}
	f.Page = pagination.Demandee(q)
	return f, errs
}

func reportsListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		filters, errs := parseReportFilters(e.Request.URL.Query())
		p := &rapports.ReportsPage{Filtres: filters, Errors: errs, Effacer: "/espace/rapports",
			PlusieursStructures: staff.Coordinateur() || len(staff.Structures) > 1}
		if err := p.Load(e.App, staff); err != nil {
			return err
		}
		if staff.GenereDesRapports() {
			form, err := newGenerationForm(e.App, staff, "", "", nil)
			if err != nil {
				return err
			}
			p.Generation = form
		}
		return pe.render(e, http.StatusOK, "rapports", "Rapports mensuels", p)
	}
}

// newGenerationForm is « Générer maintenant » with the person's structures
// and the months one may ask for (in the zone of their first structure:
// the domain checks the chosen one's).
func newGenerationForm(app core.App, staff *model.StaffView, structure, mois string, errs formulaire.Erreurs) (*rapports.GenerationForm, error) {
	records, err := model.StructuresOf(app, staff)
	if err != nil {
		return nil, err
	}
	f := &rapports.GenerationForm{Structure: structure, Mois: mois, Errors: errs}
	if f.Errors == nil {
		f.Errors = formulaire.Erreurs{}
	}
	loc := frfmt.Location("")
	for _, r := range records {
		if staff.GenereRapports(r.Id) {
			f.Structures = append(f.Structures, formulaire.Option{Value: r.Id, Label: r.GetString("nom")})
		}
	}
	if len(f.Structures) == 1 {
		f.Structure = f.Structures[0].Value
	}
	for _, r := range records {
		if r.Id == f.Structure || (f.Structure == "" && len(f.Structures) > 0 && r.Id == f.Structures[0].Value) {
			loc = frfmt.Location(r.GetString("fuseau"))
		}
	}
	f.MoisPossibles = rapports.GenerableMonths(clock.Now(app), loc)
	if f.Mois == "" {
		f.Mois = f.MoisPossibles[0].Value
	}
	return f, nil
}

// reportGenerateHandler makes a report now (« Générer maintenant »):
// référents for their structures, coordinateurs for any; 403 for anyone
// else. A refusal shows the reports page again with the message next to
// the field and changes nothing.
func reportGenerateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if staff == nil || !staff.GenereDesRapports() {
			return access.ErrForbidden
		}
		structure, mois := formText(e, "rapport_structure"), formText(e, "rapport_mois")
		refuse := func(status int, errs formulaire.Erreurs) error {
			p := &rapports.ReportsPage{Filtres: rapports.ReportFilters{Page: 1}, Errors: formulaire.Erreurs{}, Effacer: "/espace/rapports",
				PlusieursStructures: staff.Coordinateur() || len(staff.Structures) > 1}
			if err := p.Load(e.App, staff); err != nil {
				return err
			}
			form, err := newGenerationForm(e.App, staff, structure, mois, errs)
			if err != nil {
				return err
			}
			p.Generation = form
			return pe.render(e, status, "rapports", "Rapports mensuels", p)
		}
		if structure == "" && !staff.Coordinateur() && len(staff.Structures) == 1 {
			structure = staff.Structures[0]
		}
		if len(structure) > 15 || !staff.GenereRapports(structure) {
			// Another structure's id reads as a wrong choice: it says nothing
			// of whether that structure exists.
			structure = ""
			return refuse(http.StatusUnprocessableEntity, formulaire.Erreurs{"rapport_structure": "Choisissez une structure dans la liste."})
		}
		if len(mois) > 7 {
			mois = ""
		}
		made, errs, err := rapports.GenerateNow(e.App, e.Auth, structure, mois, clock.Now(e.App))
		if upToDate, ok := rapports.IsAJour(err); ok {
			return refuse(http.StatusConflict, formulaire.Erreurs{"rapport_mois": upToDate.Error()})
		}
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			fields := formulaire.Erreurs{}
			for k, v := range errs {
				fields["rapport_"+k] = v
			}
			return refuse(http.StatusUnprocessableEntity, fields)
		}
		message := "Le rapport " + rapportdoc.DeMois(mustParseMois(mois)) + " est prêt."
		switch {
		case made.Provisoire:
			message = "Le rapport provisoire " + rapportdoc.DeMois(mustParseMois(mois)) + " est prêt. Le rapport définitif le remplacera après la fin du mois."
		case made.Remplace:
			message = "Le rapport " + rapportdoc.DeMois(mustParseMois(mois)) + " a été refait avec les chiffres à jour."
		}
		return redirectWithFlash(e, "/espace/rapports/"+made.Record.Id, message)
	}
}

func mustParseMois(cle string) time.Time {
	t, _ := rapports.ParseMois(cle)
	return t
}

// reportFormats are the files of a report, by the address's last part.
var reportFormats = map[string]struct{ field, ext, contentType string }{
	"pdf":  {"pdf", "pdf", "application/pdf"},
	"xlsx": {"xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
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
	body, err := model.ReadStoredFile(e.App, rapport, name)
	if errors.Is(err, filesystem.ErrNotFound) {
		return fmt.Errorf("%s of report %s: %w", format.ext, rapport.Id, model.ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("%s of report %s: %w", format.ext, rapport.Id, err)
	}
	// A report belongs to its structure's staff: "private" says so to any
	// shared cache on the way, on top of the usual "no-store".
	return sendFile(e, download{Name: "rapport-" + structure.GetString("slug") + "-" + rapport.GetString("mois") + "." + format.ext,
		ContentType: format.contentType, Cache: "private, no-store"}, body)
}

type reportView struct {
	ID, Titre, Structure     string
	Complet, PDF, XLSX       bool
	Provisoire               bool
	Mois, Precedent, Periode string
	GenereLe                 time.Time
	Chiffres                 []rapportdoc.Chiffre
	Graphiques               []reportChartView
	Seances                  []reportSeanceView
	TotalParticipants        int
}

type reportChartView struct {
	ID, Titre, Colonne, Unite string
	SVG                       template.HTML
	Lignes                    []stats.Ligne
	Total                     int
}

type reportSeanceView struct {
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
		XLSX: rapport.GetString("xlsx") != "", Mois: rapports.MoisLabel(rapport.GetString("mois")), Provisoire: rapport.GetBool("provisoire")}
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
		v.Seances = append(v.Seances, reportSeanceView{Debut: s.Debut.In(loc), Atelier: s.Atelier, Lieu: s.Lieu, Participants: s.Participants})
		v.TotalParticipants += s.Participants
	}
	return v
}
