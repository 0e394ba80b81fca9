package hooks

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"time"

	"atelier/hooks/frfmt"
	"atelier/hooks/pdfdoc"
	"atelier/hooks/stats"

	"github.com/pocketbase/pocketbase/core"
)

// What a monthly report holds, built from the statistics engine: the same
// counting as /espace/statistiques, for one structure and one calendar
// month in its time zone, with the change from the previous month.
//
//   - statistiques: a JSON snapshot of the figures (key figures of the
//     month and of the previous one, breakdowns, the 12-month series, the
//     sessions held), so that a report keeps its numbers even if the data
//     changes later;
//   - the XLSX: the statistics page's aggregate summary workbook (key
//     figures, one sheet per breakdown, month by month). Counts only, never
//     a person: référents and coordinateurs download it (La Coop's
//     activity export, with the people's attributes, stays with the
//     conseillers on the statistics page);
//   - the PDF, drawn by pdfdoc.RapportMensuel.

type reportFiles struct {
	PDF, XLSX    []byte
	Statistiques *reportSnapshot
	Resume       [][2]string // a few key figures for the e-mail
}

// reportInput is what the report is drawn from, once read from the base.
type reportInput struct {
	Structure reportStructure
	Adresse   []string
	Logo      []byte
	Month     time.Time
	Generated time.Time
	Rapport   *stats.Rapport
	Donnees   *stats.Donnees
}

// buildReportFiles reads the month's activity and renders the report.
func buildReportFiles(app core.App, s reportStructure, month, now time.Time) (*reportFiles, error) {
	in, err := loadReportInput(app, s, month, now)
	if err != nil {
		return nil, err
	}
	return renderReport(in)
}

func loadReportInput(app core.App, s reportStructure, month, now time.Time) (*reportInput, error) {
	record, err := app.FindRecordById("structures", s.ID)
	if err != nil {
		return nil, fmt.Errorf("structure %s: %w", s.ID, err)
	}
	f := stats.Filtre{Periode: stats.Mois(month.Year(), month.Month()), Structure: s.ID}
	d, err := loadStatsData(app, []string{s.ID}, f.Etendue())
	if err != nil {
		return nil, err
	}
	return &reportInput{Structure: s, Adresse: structureAddress(record), Logo: structureLogo(app, record),
		Month: month, Generated: now, Donnees: d, Rapport: stats.Mensuel(d, s.ID, month.Year(), month.Month())}, nil
}

// renderReport draws the PDF and the XLSX and takes the snapshot; it
// reads nothing from the base.
func renderReport(in *reportInput) (*reportFiles, error) {
	sessions := heldSessions(in)
	snapshot := newReportSnapshot(in, sessions)
	pdf, err := pdfdoc.RapportMensuel(reportPDFData(in, sessions))
	if err != nil {
		return nil, fmt.Errorf("report PDF of %s %s: %w", in.Structure.Slug, moisCle(in.Month), err)
	}
	var xlsx bytes.Buffer
	err = writeSummaryXLSX(&xlsx, summaryExport{Perimetre: in.Structure.Nom, Periode: frfmt.Mois(in.Month), Resultat: in.Rapport.Resultat})
	if err != nil {
		return nil, fmt.Errorf("report XLSX of %s %s: %w", in.Structure.Slug, moisCle(in.Month), err)
	}
	return &reportFiles{PDF: pdf, XLSX: xlsx.Bytes(), Statistiques: snapshot, Resume: reportResume(in.Rapport)}, nil
}

// heldSessions are the sessions held in the month, in date order.
func heldSessions(in *reportInput) []*stats.Seance {
	f := in.Rapport.Resultat.Filtre
	var held []*stats.Seance
	for i := range in.Donnees.Seances {
		s := &in.Donnees.Seances[i]
		if s.Statut == "realisee" && in.Donnees.SeanceDans(s, f) {
			held = append(held, s)
		}
	}
	slices.SortStableFunc(held, func(a, b *stats.Seance) int { return a.Debut.Compare(b.Debut) })
	return held
}

func reportPDFData(in *reportInput, sessions []*stats.Seance) pdfdoc.RapportData {
	data := pdfdoc.RapportData{
		Structure: pdfdoc.Structure{Nom: in.Structure.Nom, Adresse: in.Adresse, Logo: in.Logo},
		Zone:      in.Structure.Fuseau, Mois: in.Month.Add(12 * time.Hour), GenereLe: in.Generated,
	}
	for _, e := range in.Rapport.Evolutions {
		data.Chiffres = append(data.Chiffres, pdfdoc.ChiffreRapport{Libelle: e.Libelle,
			Valeur: figureText(e.Sorte, e.Valeur, e.Connu), Precedent: figureText(e.Sorte, e.Precedent, e.PrecedentConnu),
			Evolution: changeText(e)})
	}
	for _, r := range in.Rapport.Resultat.Repartitions {
		data.Graphiques = append(data.Graphiques, reportChart(r))
	}
	for _, s := range sessions {
		data.Seances = append(data.Seances, pdfdoc.SeanceRapport{Debut: s.Debut, Titre: s.Atelier, Lieu: s.Lieu.Nom,
			Participants: s.Participants()})
	}
	return data
}

// maxBars keeps a chart readable: the largest rows, then « Autres ».
const maxBars = 10

// reportChart draws a breakdown's non-empty rows, largest first.
func reportChart(r stats.Repartition) pdfdoc.Graphique {
	g := pdfdoc.Graphique{Titre: r.Titre + " (" + r.Unite + ")"}
	lines := slices.Clone(r.Lignes)
	lines = slices.DeleteFunc(lines, func(l stats.Ligne) bool { return l.Nombre == 0 })
	slices.SortStableFunc(lines, func(a, b stats.Ligne) int { return b.Nombre - a.Nombre })
	others := 0
	for i, l := range lines {
		if i >= maxBars-1 && len(lines) > maxBars {
			others += l.Nombre
			continue
		}
		g.Barres = append(g.Barres, pdfdoc.Barre{Libelle: l.Libelle, Valeur: float64(l.Nombre), Texte: frfmt.Nombre(l.Nombre)})
	}
	if others > 0 {
		g.Barres = append(g.Barres, pdfdoc.Barre{Libelle: "Autres", Valeur: float64(others), Texte: frfmt.Nombre(others)})
	}
	return g
}

// figureText writes a key figure in French; "" when unknown.
func figureText(sorte stats.Sorte, v float64, known bool) string {
	if !known {
		return ""
	}
	switch sorte {
	case stats.SorteMinutes:
		return frfmt.Duree(int(v))
	case stats.SorteTaux:
		return frfmt.Pourcent(math.Round(v*1000) / 1000)
	}
	return frfmt.Nombre(int(v))
}

// changeText writes the change from the previous month: « +3 »,
// « −1 h 30 », « +5 pts » for a rate, « = » when equal.
func changeText(e stats.Evolution) string {
	if !e.Connu || !e.PrecedentConnu {
		return ""
	}
	delta := e.Ecart()
	if e.Sorte == stats.SorteTaux {
		delta = math.Round(delta * 100)
	}
	if delta == 0 {
		return "="
	}
	sign := "+"
	if delta < 0 {
		sign = "−"
	}
	abs := math.Abs(delta)
	switch e.Sorte {
	case stats.SorteMinutes:
		return sign + frfmt.Duree(int(abs))
	case stats.SorteTaux:
		return sign + frfmt.Nombre(int(abs)) + "\u00a0pts"
	}
	return sign + frfmt.Nombre(int(abs))
}

// resumeKeys are the key figures the e-mail gives.
var resumeKeys = []string{"seances_realisees", "participants", "individuels", "accompagnements", "heures_mediation"}

func reportResume(r *stats.Rapport) [][2]string {
	var out [][2]string
	for _, e := range r.Evolutions {
		if slices.Contains(resumeKeys, e.Cle) {
			out = append(out, [2]string{e.Libelle, figureText(e.Sorte, e.Valeur, e.Connu)})
		}
	}
	return out
}

// reportSnapshot is the JSON kept in rapports.statistiques.
type reportSnapshot struct {
	Version   int                `json:"version"`
	Structure string             `json:"structure"`
	Mois      string             `json:"mois"`
	Fuseau    string             `json:"fuseau"`
	Chiffres  map[string]float64 `json:"chiffres"`  // key → value (minutes, ratios 0..1); unknown rates left out
	Precedent map[string]float64 `json:"precedent"` // the previous month, same keys
	Detail    stats.Chiffres     `json:"detail"`
	Reparts   []snapshotRepartit `json:"repartitions"`
	ParMois   []snapshotMois     `json:"par_mois"`
	Seances   []snapshotSeance   `json:"seances"`
	Libelles  map[string]string  `json:"libelles"` // key → French label
}

type snapshotRepartit struct {
	Cle    string        `json:"cle"`
	Titre  string        `json:"titre"`
	Unite  string        `json:"unite"`
	Base   int           `json:"base"`
	Lignes []stats.Ligne `json:"lignes"`
}

type snapshotMois struct {
	Mois     string         `json:"mois"`
	Chiffres stats.Chiffres `json:"chiffres"`
}

type snapshotSeance struct {
	Debut        time.Time `json:"debut"`
	Atelier      string    `json:"atelier"`
	Lieu         string    `json:"lieu"`
	Participants int       `json:"participants"`
}

func newReportSnapshot(in *reportInput, sessions []*stats.Seance) *reportSnapshot {
	r := in.Rapport
	snap := &reportSnapshot{Version: 1, Structure: in.Structure.Nom, Mois: moisCle(in.Month), Fuseau: in.Structure.Fuseau,
		Chiffres: map[string]float64{}, Precedent: map[string]float64{}, Libelles: map[string]string{},
		Detail: r.Resultat.Chiffres}
	for _, e := range r.Evolutions {
		snap.Libelles[e.Cle] = e.Libelle
		if e.Connu {
			snap.Chiffres[e.Cle] = e.Valeur
		}
		if e.PrecedentConnu {
			snap.Precedent[e.Cle] = e.Precedent
		}
	}
	for _, rep := range r.Resultat.Repartitions {
		snap.Reparts = append(snap.Reparts, snapshotRepartit{Cle: rep.Cle, Titre: rep.Titre, Unite: rep.Unite, Base: rep.Base, Lignes: rep.Lignes})
	}
	for _, m := range r.Resultat.ParMois {
		snap.ParMois = append(snap.ParMois, snapshotMois{Mois: m.Mois.Time().Format("2006-01"), Chiffres: m.Chiffres})
	}
	for _, s := range sessions {
		snap.Seances = append(snap.Seances, snapshotSeance{Debut: s.Debut.UTC(), Atelier: s.Atelier, Lieu: s.Lieu.Nom, Participants: s.Participants()})
	}
	return snap
}
