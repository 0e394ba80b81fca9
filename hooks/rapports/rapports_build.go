package rapports

import (
	"bytes"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/rapportdoc"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/statistiques"
)

// What a monthly report holds, built from the statistics engine: the same
// counting as /espace/statistiques, for one structure and one calendar
// month in its time zone, with the change from the previous month.
//
//   - statistiques: the snapshot of package rapportdoc (key figures of the
//     month and of the previous one, breakdowns, the 12-month series, the
//     sessions held); the PDF, the report's page and the e-mail are drawn
//     from it;
//   - the XLSX: the statistics page's aggregate summary workbook (key
//     figures, one sheet per breakdown, month by month). Counts only, never
//     a person: référents and coordinateurs download it (La Coop's
//     activity export, with the people's attributes, stays with the
//     conseillers on the statistics page);
//   - the PDF, drawn by pdfdoc.RapportMensuel.
//
// A report of a month still running (made on request, generer.go) is
// provisional: the snapshot, the PDF's cover and footer and the
// workbook's period say so.

type reportFiles struct {
	PDF, XLSX    []byte
	Statistiques *rapportdoc.Snapshot
}

// buildReportFiles reads the month's activity and renders the report.
func buildReportFiles(app core.App, s reportStructure, month, now time.Time) (*reportFiles, error) {
	record, err := app.FindRecordById("structures", s.ID)
	if err != nil {
		return nil, fmt.Errorf("structure %s: %w", s.ID, err)
	}
	f := stats.Filtre{Periode: stats.Mois(month.Year(), month.Month()), Structure: s.ID}
	r, err := statistiques.ComputeResultat(app, []string{s.ID}, f)
	if err != nil {
		return nil, err
	}
	// The figures come from the monthly aggregates; the month's own
	// activity is read for the list of the sessions held.
	d, err := statistiques.LoadStatsData(app, []string{s.ID}, f.Periode)
	if err != nil {
		return nil, err
	}
	rapport := stats.RapportDe(r)
	provisoire := !MonthEnded(month, now, s.Location())
	snapshot := rapportdoc.New(rapportdoc.Source{Structure: s.Nom, Fuseau: s.Fuseau, Adresse: model.StructureAddress(record),
		GenereLe: now, Rapport: rapport, Donnees: d, Provisoire: provisoire})
	pdf, err := snapshot.PDF(model.StructureLogo(app, record))
	if err != nil {
		return nil, fmt.Errorf("report PDF of %s %s: %w", s.Slug, MoisCle(month), err)
	}
	periode := frfmt.Mois(month)
	if provisoire {
		// The workbook's « Période » line is its header: it says so there.
		periode += " (provisoire, chiffres au " + frfmt.DateHeure(now.In(s.Location())) + ")"
	}
	var xlsx bytes.Buffer
	err = statistiques.WriteSummaryXLSX(&xlsx, statistiques.SummaryExport{Perimetre: s.Nom, Periode: periode, Resultat: rapport.Resultat})
	if err != nil {
		return nil, fmt.Errorf("report XLSX of %s %s: %w", s.Slug, MoisCle(month), err)
	}
	return &reportFiles{PDF: pdf, XLSX: xlsx.Bytes(), Statistiques: snapshot}, nil
}
