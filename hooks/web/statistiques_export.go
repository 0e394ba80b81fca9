package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/journal"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/statistiques"
)

// statsExport is one downloadable file of the statistics page.
type statsExport struct {
	detail      bool // rows about people: conseillers only
	name, ext   string
	contentType string
	write       func(w io.Writer, q *statsQuery, d *stats.Donnees) error
}

var (
	exportActivitiesXLSX = statsExport{detail: true, name: "activites", ext: "xlsx", contentType: statistiques.XlsxContentType,
		write: func(w io.Writer, q *statsQuery, d *stats.Donnees) error {
			return statistiques.WriteActivitiesXLSX(w, q.activities(d))
		}}
	exportActivitiesCSV = statsExport{detail: true, name: "activites", ext: "csv", contentType: "text/csv; charset=utf-8",
		write: func(w io.Writer, q *statsQuery, d *stats.Donnees) error {
			return statistiques.WriteActivitiesCSV(w, q.activities(d))
		}}
	exportSummaryXLSX = statsExport{name: "synthese", ext: "xlsx", contentType: statistiques.XlsxContentType,
		write: func(w io.Writer, q *statsQuery, d *stats.Donnees) error {
			return statistiques.WriteSummaryXLSX(w, q.summary(d))
		}}
	exportSummaryCSV = statsExport{name: "synthese", ext: "csv", contentType: "text/csv; charset=utf-8",
		write: func(w io.Writer, q *statsQuery, d *stats.Donnees) error {
			return statistiques.WriteSummaryCSV(w, q.summary(d))
		}}
)

// activities is La Coop's activity export of the query, as the person
// downloads it now; the structure chosen in the filters is its « lieu ».
func (q *statsQuery) activities(d *stats.Donnees) statistiques.ActivityExport {
	var by statistiques.Exporteur
	if q.Staff != nil {
		by = statistiques.Exporteur{Prenom: q.Staff.Prenom, Nom: q.Staff.Nom, Role: q.Staff.RoleValue}
	}
	var lieux []string
	if q.Form.Structure != "" {
		for _, s := range q.Comptees {
			lieux = append(lieux, s.Nom)
		}
	}
	return statistiques.NewActivityExport(d, q.Filtre, by, q.Now, lieux)
}

func (q *statsQuery) summary(d *stats.Donnees) statistiques.SummaryExport {
	return statistiques.SummaryExport{Perimetre: q.perimetre(), Periode: intitulePeriode(q.Filtre.Periode), Resultat: stats.Calculer(d, q.Filtre)}
}

// statsExportHandler sends a file for the page's filters. Activities
// (people's attributes, row by row) go to conseillers, and to référents
// for their structures without any name (statistiques.SansNoms, journaled
// as an export); coordinateurs get the 403 page: they have the summary.
func statsExportHandler(pe *pageEngine, x statsExport) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		sansNoms := false
		if x.detail {
			switch {
			case staff != nil && staff.ExporteActivitesSansNoms():
				// A référent's structures, without a name.
				sansNoms = true
			case staff == nil || !staff.VoitPersonnes():
				return access.ErrForbidden
			default:
				// Row by row, activities are people's: only the structures
				// whose people the conseiller reads.
				if staff = staff.LecteurDePersonnes(); len(staff.Structures) == 0 {
					return access.ErrForbidden
				}
			}
		}
		q, err := resolveStatsQuery(e, staff, clock.Now(e.App))
		if err != nil {
			return err
		}
		if len(q.Errors) > 0 {
			return pe.render(e, http.StatusUnprocessableEntity, "statistiques", "Statistiques", newStatsPage(q, staff))
		}
		span := q.Filtre.Periode
		if !x.detail {
			span = q.Filtre.Etendue() // the summary holds the monthly series
		}
		d, err := statistiques.LoadStatsData(e.App, q.ids(), span)
		if err != nil {
			return err
		}
		if sansNoms {
			statistiques.SansNoms(d)
		}
		var buf bytes.Buffer
		if err := x.write(&buf, q, d); err != nil {
			return fmt.Errorf("export %s.%s: %w", x.name, x.ext, err)
		}
		if sansNoms {
			if err := journalNameFreeExport(e, q, x); err != nil {
				return err
			}
		}
		return sendFile(e, download{Name: q.filename(x), ContentType: x.contentType}, buf.Bytes())
	}
}

// filename is « activites-mediatheque-alpha-2026-10-01-2026-10-31.xlsx »,
// plain ASCII.
func (q *statsQuery) filename(x statsExport) string {
	who := "structures"
	if len(q.Comptees) == 1 {
		who = participantsSlug(q.Comptees[0].Nom, 40)
	}
	return x.name + "-" + who + "-" + q.Filtre.Du.String() + "-" + q.Filtre.Au.String() + "." + x.ext
}

// journalNameFreeExport records a référent's activity export, one entry
// per structure counted: it holds people's attributes, row by row.
func journalNameFreeExport(e *core.RequestEvent, q *statsQuery, x statsExport) error {
	details := "Export des activités sans nom (" + x.ext + "), du " + q.Filtre.Du.String() + " au " + q.Filtre.Au.String()
	for _, s := range q.Comptees {
		if err := journal.LogStructure(e.App, e.Auth, journal.Export, s.ID, details); err != nil {
			return err
		}
	}
	return nil
}
