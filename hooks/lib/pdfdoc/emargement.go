package pdfdoc

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"atelier/hooks/lib/frfmt"

	"github.com/signintech/gopdf"
)

// FeuilleData is a session's sign-in sheet: what it is, when and where, who
// leads it and who registered. Dates are written in the zone (IANA name).
type FeuilleData struct {
	Structure  string
	Titre      string
	Debut, Fin time.Time
	Zone       string
	Lieu       string   // the place's name, address and town
	Animateurs []string // full names
	Personnes  []string // registered people, one row each, in this order
	// Reponses are each person's answers to the registration questions
	// (same order as Personnes, one line per answer); a column of its own
	// when anyone answered.
	Reponses []string
	// Vierges is the least number of blank rows for walk-ins (5 when 0);
	// the last page is then filled with blank rows.
	Vierges int
}

// Heights of the sheet's rows: room for a signature.
const (
	feuilleRow     = 26.0
	feuillePadding = 5.0
)

// FeuilleEmargement draws the sign-in sheet: an A4 table of the registered
// people with a signature column, blank rows for people who come without
// registering, the session repeated at the top of every page.
func FeuilleEmargement(data FeuilleData) ([]byte, error) {
	if strings.TrimSpace(data.Titre) == "" {
		return nil, errors.New("feuille d'émargement: no title")
	}
	loc := frfmt.Location(data.Zone)
	debut, fin := data.Debut.In(loc), data.Fin.In(loc)
	// No creation date: the sheet is drawn from the session alone, so the
	// same session gives the same file.
	d, err := newDocument(gopdf.PdfInfo{Title: "Feuille d'émargement – " + data.Titre, Author: data.Structure,
		Creator: "Atelier", Producer: "Atelier"})
	if err != nil {
		return nil, err
	}
	when := frfmt.Date(debut) + ", " + frfmt.Plage(debut, fin)
	repeat := func() error {
		d.pdf.SetTextColor(70, 70, 70)
		err := d.line(styleSmall, marginX, d.y, contentWidth, "Feuille d'émargement · "+data.Titre+" · "+when, alignLeft)
		d.pdf.SetTextColor(0, 0, 0)
		d.y += styleSmall.lineHeight() + 4
		d.rule(150)
		d.y += 10
		return err
	}
	footer := "Feuille d'émargement · " + data.Structure + " · " + frfmt.DateCourte(debut)
	if err := d.startPart(footer, repeat); err != nil {
		return nil, err
	}
	if err := feuilleHeader(d, data, when); err != nil {
		return nil, err
	}
	if err := feuilleTable(d, data); err != nil {
		return nil, err
	}
	return d.finish()
}

func feuilleHeader(d *document, data FeuilleData, when string) error {
	if err := d.paragraph(styleSmall, marginX, contentWidth, data.Structure, alignLeft); err != nil {
		return err
	}
	d.y += 2
	if err := d.paragraph(style{bold: true, size: 18}, marginX, contentWidth, "Feuille d'émargement", alignLeft); err != nil {
		return err
	}
	d.y += 4
	if err := d.paragraph(style{bold: true, size: 13}, marginX, contentWidth, data.Titre, alignLeft); err != nil {
		return err
	}
	d.y += 6
	top := d.y
	infoW := contentWidth * 0.62
	animation := "—"
	if len(data.Animateurs) > 0 {
		animation = strings.Join(data.Animateurs, ", ")
	}
	for _, info := range [][2]string{{"Date", when}, {"Lieu", orDash(data.Lieu)}, {"Animation", animation}} {
		if err := d.paragraph(styleText, marginX, infoW, info[0]+" : "+info[1], alignLeft); err != nil {
			return err
		}
	}
	n := len(data.Personnes)
	count := fmt.Sprintf("%d %s", n, frfmt.Pluriel(n, "personne inscrite", "personnes inscrites"))
	if err := d.paragraph(styleText, marginX, infoW, count+". Les personnes venues sans inscription signent sur les lignes vides.", alignLeft); err != nil {
		return err
	}
	// The animator signs the sheet too: funders ask for it.
	boxX := marginX + infoW + 12
	boxW := contentWidth - infoW - 12
	if err := d.line(styleSmall, boxX, top, boxW, "Signature de l'animation", alignLeft); err != nil {
		return err
	}
	d.box(boxX, top+styleSmall.lineHeight()+2, boxW, 48, 255)
	d.y = max(d.y, top+styleSmall.lineHeight()+50) + 14
	return nil
}

// feuilleTable draws one row per registered person, then at least
// data.Vierges blank rows, then blank rows to the end of the last page.
func feuilleTable(d *document, data FeuilleData) error {
	t := table{x: marginX, text: styleText, padding: feuillePadding, minRow: feuilleRow, columns: []column{
		{title: "N°", width: 30, align: alignRight},
		{title: "Nom et prénom", width: (contentWidth - 30) * 0.5, align: alignLeft},
		{title: "Signature", width: (contentWidth - 30) * 0.5, align: alignLeft},
	}}
	reponses := slices.ContainsFunc(data.Reponses, func(r string) bool { return strings.TrimSpace(r) != "" })
	if reponses {
		t.columns = []column{
			{title: "N°", width: 30, align: alignRight},
			{title: "Nom et prénom", width: (contentWidth - 30) * 0.3, align: alignLeft},
			{title: "Réponses à l'inscription", width: (contentWidth - 30) * 0.35, align: alignLeft},
			{title: "Signature", width: (contentWidth - 30) * 0.35, align: alignLeft},
		}
	}
	vierges := data.Vierges
	if vierges <= 0 {
		vierges = 5
	}
	blank := make([]string, len(t.columns))
	rows := make([][]string, 0, len(data.Personnes)+vierges)
	for i, p := range data.Personnes {
		row := []string{fmt.Sprint(i + 1), p, ""}
		if reponses {
			r := ""
			if i < len(data.Reponses) {
				r = data.Reponses[i]
			}
			row = []string{fmt.Sprint(i + 1), p, r, ""}
		}
		rows = append(rows, row)
	}
	for range vierges {
		rows = append(rows, blank)
	}
	if err := t.draw(d, rows, nil); err != nil {
		return err
	}
	cells, styles := make([][]string, len(t.columns)), make([]style, len(t.columns))
	for i := range cells {
		cells[i], styles[i] = []string{""}, styleText
	}
	for range t.rowsLeft(d, feuilleRow) {
		if err := t.row(d, cells, styles, feuilleRow); err != nil {
			return err
		}
	}
	return nil
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}
