package pdfdoc

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"atelier/hooks/lib/frfmt"

	"github.com/signintech/gopdf"
)

// The monthly activity report of a structure, the document it sends to its
// funders: a cover with the structure and the month, the key figures next
// to the previous month's, bar charts of the breakdowns, and the list of
// the sessions held. Numbers arrive written in French (the caller formats
// them with frfmt); dates are written in the structure's zone.

// RapportData is everything the report prints.
type RapportData struct {
	Structure  Structure
	Zone       string    // IANA zone of the structure
	Mois       time.Time // any instant of the month, read in Zone
	GenereLe   time.Time
	Chiffres   []ChiffreRapport
	Graphiques []Graphique
	Seances    []SeanceRapport // held sessions, in date order
	Rappels    []RappelRapport // no-shows by reminder channel; none drawn when empty
	// Provisoire: the month was not over when the report was made; the
	// cover, the title and every page's footer say so.
	Provisoire bool
}

// RappelRapport is one reminder channel, written out.
type RappelRapport struct {
	Libelle, Inscriptions, Absents, Taux string
}

// ChiffreRapport is a key figure of the month and of the previous one.
type ChiffreRapport struct {
	Libelle   string
	Valeur    string // this month, written out
	Precedent string // the previous month, written out ("—" when unknown)
	Evolution string // « +3 », « −1 h 30 », « = », or "" when unknown
}

// Graphique is one breakdown drawn as horizontal bars.
type Graphique struct {
	Titre  string
	Barres []Barre
}

// Barre is one bar: its label, its size and the figure written next to it.
type Barre struct {
	Libelle string
	Valeur  float64
	Texte   string
}

// SeanceRapport is one held session of the month.
type SeanceRapport struct {
	Debut        time.Time
	Titre, Lieu  string
	Participants int
}

// Bar chart geometry, in points.
const (
	barHeight = 11.0
	barGap    = 5.0
	barLabelW = contentWidth * 0.38
	barValueW = 64.0
)

// Colours of the bars and the cover band (Atelier's blue, and a light one).
var (
	reportBlue  = [3]uint8{0, 74, 153}
	reportLight = [3]uint8{232, 239, 248}
)

// RapportMensuel draws the report.
func RapportMensuel(data RapportData) ([]byte, error) {
	if strings.TrimSpace(data.Structure.Nom) == "" {
		return nil, errors.New("rapport mensuel: no structure name")
	}
	loc := frfmt.Location(data.Zone)
	mois := data.Mois.In(loc)
	label := frfmt.Mois(mois)
	if data.Provisoire {
		label += " (provisoire)"
	}
	d, err := newDocument(gopdf.PdfInfo{Title: "Rapport d'activité – " + data.Structure.Nom + " – " + label,
		Author: data.Structure.Nom, Subject: "Rapport d'activité mensuel", Creator: "Atelier", Producer: "Atelier"})
	if err != nil {
		return nil, err
	}
	footer := "Rapport d'activité · " + data.Structure.Nom + " · " + label
	repeat := func() error {
		d.pdf.SetTextColor(70, 70, 70)
		err := d.line(styleSmall, marginX, d.y, contentWidth, footer, alignLeft)
		d.pdf.SetTextColor(0, 0, 0)
		d.y += styleSmall.lineHeight() + 4
		d.rule(150)
		d.y += 12
		return err
	}
	if err := d.startPart(footer, repeat); err != nil {
		return nil, err
	}
	steps := []func() error{
		func() error { return reportCover(d, data, mois, loc) },
		func() error { return reportFigures(d, data.Chiffres, mois) },
		func() error { return reportRappels(d, data.Rappels) },
		func() error { return reportCharts(d, data.Graphiques) },
		func() error { return reportSeances(d, data.Seances, loc) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, err
		}
	}
	return d.finish()
}

// reportCover: the structure, a band with the title and the month, the
// period covered and when the report was made.
func reportCover(d *document, data RapportData, mois time.Time, loc *time.Location) error {
	if err := structureHeader(d, data.Structure); err != nil {
		return err
	}
	bandTop := d.y
	const bandH = 96.0
	d.pdf.SetFillColor(reportLight[0], reportLight[1], reportLight[2])
	d.pdf.RectFromUpperLeftWithStyle(marginX, bandTop, contentWidth, bandH, "F")
	d.pdf.SetFillColor(reportBlue[0], reportBlue[1], reportBlue[2])
	d.pdf.RectFromUpperLeftWithStyle(marginX, bandTop, 6, bandH, "F")
	d.y = bandTop + 18
	if err := d.paragraph(style{bold: true, size: 24}, marginX+24, contentWidth-36, "Rapport d'activité", alignLeft); err != nil {
		return err
	}
	d.y += 4
	if err := d.paragraph(style{bold: true, size: 18}, marginX+24, contentWidth-36, capitalize(frfmt.Mois(mois)), alignLeft); err != nil {
		return err
	}
	d.y = bandTop + bandH + 14
	first := time.Date(mois.Year(), mois.Month(), 1, 0, 0, 0, 0, loc)
	last := first.AddDate(0, 1, -1)
	period := fmt.Sprintf("Activité du %s au %s (heure locale : %s).", frfmt.DateSansAnnee(first), frfmt.Date(last), zoneName(data.Zone))
	if err := d.paragraph(styleText, marginX, contentWidth, period, alignLeft); err != nil {
		return err
	}
	if !data.GenereLe.IsZero() {
		made := "Rapport établi le " + frfmt.Date(data.GenereLe.In(loc)) + " par Atelier, à partir des séances et des accompagnements saisis."
		if err := d.paragraph(styleText, marginX, contentWidth, made, alignLeft); err != nil {
			return err
		}
	}
	if data.Provisoire {
		note := "Rapport provisoire : le mois n'était pas terminé. Les chiffres s'arrêtent au " +
			frfmt.DateHeure(data.GenereLe.In(loc)) + ". Le rapport définitif sera prêt le 1er du mois suivant."
		if err := d.paragraph(styleStrong, marginX, contentWidth, note, alignLeft); err != nil {
			return err
		}
	}
	d.y += 16
	return nil
}

// zoneName is the zone as people know it.
func zoneName(zone string) string {
	switch zone {
	case "", "Europe/Paris":
		return "Paris"
	case "Indian/Reunion":
		return "La Réunion"
	}
	if i := strings.LastIndex(zone, "/"); i >= 0 {
		return strings.ReplaceAll(zone[i+1:], "_", " ")
	}
	return zone
}

// reportFigures is the table of the key figures with the previous month.
func reportFigures(d *document, chiffres []ChiffreRapport, mois time.Time) error {
	if err := reportHeading(d, "Chiffres clés"); err != nil {
		return err
	}
	valueW := 92.0
	t := table{x: marginX, text: styleText, padding: 5, columns: []column{
		{title: "Indicateur", width: contentWidth - 3*valueW, align: alignLeft},
		{title: capitalize(frfmt.Mois(mois)), width: valueW, align: alignRight},
		{title: capitalize(frfmt.Mois(mois.AddDate(0, -1, 0))), width: valueW, align: alignRight},
		{title: "Évolution", width: valueW, align: alignRight},
	}}
	rows := make([][]string, len(chiffres))
	for i, c := range chiffres {
		rows[i] = []string{c.Libelle, c.Valeur, orDash(c.Precedent), orDash(c.Evolution)}
	}
	err := t.draw(d, rows, func(_, col int) style {
		if col == 1 {
			return styleStrong
		}
		return styleText
	})
	d.y += 20
	return err
}

// reportRappels tells what reminders did: attended registrations and
// absences by the reminder they received.
func reportRappels(d *document, rappels []RappelRapport) error {
	if len(rappels) == 0 {
		return nil
	}
	if err := reportHeading(d, "Absences selon le rappel envoyé"); err != nil {
		return err
	}
	if err := d.paragraph(styleText, marginX, contentWidth,
		"Inscrits notés présents ou absents aux ateliers réalisés, selon le rappel reçu avant l'atelier.", alignLeft); err != nil {
		return err
	}
	d.y += 6
	valueW := 104.0
	t := table{x: marginX, text: styleText, padding: 5, columns: []column{
		{title: "Rappel", width: contentWidth - 3*valueW, align: alignLeft},
		{title: "Inscrits à l'émargement", width: valueW, align: alignRight},
		{title: "Absents", width: valueW, align: alignRight},
		{title: "Taux d'absence", width: valueW, align: alignRight},
	}}
	rows := make([][]string, len(rappels))
	for i, r := range rappels {
		rows[i] = []string{r.Libelle, r.Inscriptions, r.Absents, r.Taux}
	}
	err := t.draw(d, rows, func(_, col int) style {
		if col == 3 {
			return styleStrong
		}
		return styleText
	})
	d.y += 20
	return err
}

func reportHeading(d *document, title string) error {
	s := style{bold: true, size: 14}
	if err := d.ensure(s.lineHeight() + 40); err != nil {
		return err
	}
	if err := d.paragraph(s, marginX, contentWidth, title, alignLeft); err != nil {
		return err
	}
	d.y += 6
	return nil
}

// reportCharts draws each breakdown as labelled horizontal bars scaled to
// its largest value; a chart never splits across pages.
func reportCharts(d *document, charts []Graphique) error {
	if len(charts) == 0 {
		return nil
	}
	if err := reportHeading(d, "Répartitions"); err != nil {
		return err
	}
	for _, g := range charts {
		if err := reportChart(d, g); err != nil {
			return err
		}
	}
	return nil
}

func reportChart(d *document, g Graphique) error {
	title := style{bold: true, size: 11}
	height := title.lineHeight() + 6 + float64(max(len(g.Barres), 1))*(barHeight+barGap) + 14
	if err := d.ensure(height); err != nil {
		return err
	}
	if err := d.paragraph(title, marginX, contentWidth, g.Titre, alignLeft); err != nil {
		return err
	}
	d.y += 4
	if len(g.Barres) == 0 {
		if err := d.paragraph(styleText, marginX, contentWidth, "Aucune donnée ce mois-ci.", alignLeft); err != nil {
			return err
		}
		d.y += 14
		return nil
	}
	top := 0.0
	for _, b := range g.Barres {
		top = math.Max(top, b.Valeur)
	}
	barX := marginX + barLabelW + 8
	barW := contentWidth - barLabelW - 8 - barValueW
	small := style{size: 9}
	for _, b := range g.Barres {
		label := b.Libelle
		if lines, err := d.wrap(small, label, barLabelW); err == nil && len(lines) > 1 {
			label = strings.TrimSpace(lines[0]) + "…"
		}
		if err := d.line(small, marginX, d.y, barLabelW, label, alignRight); err != nil {
			return err
		}
		w := 0.0
		if top > 0 {
			w = barW * b.Valeur / top
		}
		if w > 0 {
			d.pdf.SetFillColor(reportBlue[0], reportBlue[1], reportBlue[2])
			d.pdf.RectFromUpperLeftWithStyle(barX, d.y+1, math.Max(w, 1), barHeight-2, "F")
		}
		if err := d.line(small, barX+w+4, d.y, barValueW, b.Texte, alignLeft); err != nil {
			return err
		}
		d.y += barHeight + barGap
	}
	d.y += 12
	return nil
}

// reportSeances lists the sessions held in the month.
func reportSeances(d *document, seances []SeanceRapport, loc *time.Location) error {
	if err := reportHeading(d, "Ateliers réalisés"); err != nil {
		return err
	}
	if len(seances) == 0 {
		return d.paragraph(styleText, marginX, contentWidth, "Aucun atelier collectif réalisé ce mois-ci.", alignLeft)
	}
	t := table{x: marginX, text: styleText, padding: 4, columns: []column{
		{title: "Date", width: 112, align: alignLeft},
		{title: "Atelier", width: (contentWidth - 112 - 82) * 0.6, align: alignLeft},
		{title: "Lieu", width: (contentWidth - 112 - 82) * 0.4, align: alignLeft},
		{title: "Participants", width: 82, align: alignRight},
	}}
	rows := make([][]string, len(seances))
	total := 0
	for i, s := range seances {
		debut := s.Debut.In(loc)
		rows[i] = []string{frfmt.DateCourte(debut) + " " + frfmt.Heure(debut), s.Titre, orDash(s.Lieu), frfmt.Nombre(s.Participants)}
		total += s.Participants
	}
	rows = append(rows, []string{"Total", fmt.Sprintf("%d %s", len(seances), frfmt.Pluriel(len(seances), "atelier", "ateliers")), "", frfmt.Nombre(total)})
	last := len(rows) - 1
	return t.draw(d, rows, func(row, _ int) style {
		if row == last {
			return styleStrong
		}
		return styleText
	})
}
