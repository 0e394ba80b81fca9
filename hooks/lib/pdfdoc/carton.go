package pdfdoc

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/signintech/gopdf"

	"atelier/hooks/lib/frfmt"
)

// Carton is one appointment card: a person, their short code and the
// address of their personal page (drawn as a QR code).
type Carton struct {
	Personne string // first name and name; empty for an anonymised person
	Code     string // short personal code, « 7K3M-Q9PX »
	URL      string // personal page, drawn as a QR code
	Attente  bool   // on the waiting list: no appointment yet
	Rang     int    // position on the waiting list
}

// CartonsData is the cards of one session: what every card repeats, then
// one card per person. Times are written in Zone (IANA name).
type CartonsData struct {
	Structure     string
	Telephone     string // the structure's phone, as printed (« 05 49 12 34 56 »)
	Titre         string
	Debut, Fin    time.Time
	Zone          string
	Lieu          string // the place's name
	Adresse       string // street, postcode and town on one line
	Accessibilite string // how to get in (lieux.accessibilite)
	AApporter     string // what to bring (seances.a_apporter)
	AdresseCode   string // where to type the code, « ateliers.exemple.fr/i »
	Imprime       time.Time
	Cartons       []Carton
}

// A6 is a quarter of A4: four cards per sheet, cut along the dashed lines.
const (
	cartonWidth   = pageWidth / 2
	cartonHeight  = pageHeight / 2
	cartonMargin  = 22.0
	cartonInner   = cartonWidth - 2*cartonMargin
	cartonQR      = 92.0
	cartonsParA4  = 4
	cartonBodyPts = 11.5 // never under 11 pt: read by people who see poorly
)

var (
	cartonSmall  = style{bold: true, size: 11}
	cartonBody   = style{size: cartonBodyPts}
	cartonStrong = style{bold: true, size: cartonBodyPts}
	cartonTitle  = style{bold: true, size: 16}
	cartonDate   = style{bold: true, size: 14}
	cartonCode   = style{bold: true, size: 24}
)

// Cartons draws the appointment cards of a session, four per A4 sheet
// (A6 each), with cut lines: 5 people give 2 sheets.
func Cartons(data CartonsData) ([]byte, error) {
	if len(data.Cartons) == 0 {
		return nil, errors.New("appointment cards: nobody")
	}
	title := "Carton de rendez-vous"
	if len(data.Cartons) > 1 {
		title = "Cartons de rendez-vous"
	}
	d, err := newDocument(gopdf.PdfInfo{Title: title + " : " + data.Titre, Author: data.Structure, Creator: "Atelier",
		Producer: "Atelier", CreationDate: data.Imprime.UTC()})
	if err != nil {
		return nil, err
	}
	loc := frfmt.Location(data.Zone)
	for i, c := range data.Cartons {
		if i%cartonsParA4 == 0 {
			d.pdf.AddPage()
			d.current = style{} // a new page's content stream needs its font set again
			cutLines(d)
		}
		x := float64(i%2) * cartonWidth
		y := float64(i%cartonsParA4/2) * cartonHeight
		if err := drawCarton(d, data, c, loc, x, y); err != nil {
			return nil, fmt.Errorf("appointment card %d: %w", i+1, err)
		}
	}
	out, err := d.pdf.GetBytesPdfReturnErr()
	if err != nil {
		return nil, fmt.Errorf("write PDF: %w", err)
	}
	return out, nil
}

// cutLines draws the dashed lines where the sheet is cut into four.
func cutLines(d *document) {
	d.pdf.SetStrokeColor(120, 120, 120)
	d.pdf.SetLineWidth(0.5)
	d.pdf.SetCustomLineType([]float64{4, 3}, 0)
	d.pdf.Line(cartonWidth, 0, cartonWidth, pageHeight)
	d.pdf.Line(0, cartonHeight, pageWidth, cartonHeight)
	d.pdf.SetLineType("solid")
	d.pdf.SetStrokeColor(0, 0, 0)
}

func drawCarton(d *document, data CartonsData, c Carton, loc *time.Location, ox, oy float64) error {
	x := ox + cartonMargin
	d.y = oy + cartonMargin
	debut, fin := data.Debut.In(loc), data.Fin.In(loc)
	heading := "Votre rendez-vous"
	if c.Attente {
		heading = fmt.Sprintf("Liste d'attente — rang %d — nous vous appellerons", c.Rang)
	}
	blocks := []struct {
		s     style
		text  string
		lines int
		after float64
	}{
		{cartonSmall, data.Structure, 1, 4},
		{style{bold: true, size: 13}, heading, 2, 2},
		{cartonBody, prefixed("Pour ", c.Personne), 1, 6},
		{cartonTitle, data.Titre, 2, 4},
		{cartonDate, capitalize(frfmt.Date(debut)), 1, 0},
		{cartonDate, frfmt.Plage(debut, fin), 1, 6},
		{cartonStrong, data.Lieu, 2, 0},
		{cartonBody, data.Adresse, 2, 0},
		{cartonBody, prefixed("Accès : ", data.Accessibilite), 2, 4},
		{cartonBody, prefixed("À apporter : ", data.AApporter), 2, 4},
		{cartonStrong, prefixed("Pour annuler, appelez le ", data.Telephone), 2, 0},
	}
	for _, b := range blocks {
		if b.text == "" {
			continue
		}
		if err := d.lines(b.s, x, cartonInner, b.text, b.lines); err != nil {
			return err
		}
		d.y += b.after
	}
	return cartonCodeBlock(d, data, c, x, oy+cartonHeight-cartonMargin-cartonQR)
}

// cartonCodeBlock draws, at the foot of the card, the QR code of the
// personal page and the code written large for who cannot scan.
func cartonCodeBlock(d *document, data CartonsData, c Carton, x, top float64) error {
	if c.URL != "" {
		png, err := qrPNG(c.URL)
		if err != nil {
			return err
		}
		if err := d.image(png, x, top, cartonQR, cartonQR); err != nil {
			return err
		}
	}
	tx := x + cartonQR + 10
	w := cartonInner - cartonQR - 10
	d.y = top + 6
	if err := d.lines(cartonBody, tx, w, "Votre code :", 1); err != nil {
		return err
	}
	if err := d.lines(cartonCode, tx, w, c.Code, 1); err != nil {
		return err
	}
	return d.lines(cartonBody, tx, w, prefixed("à taper sur ", data.AdresseCode), 3)
}

// prefixed is label then value, or nothing without a value.
func prefixed(label, value string) string {
	if strings.TrimSpace(value) == "" {
		return ""
	}
	return label + value
}

// lines draws text wrapped in w at the cursor, at most most lines (the last
// one cut with « … »), and moves the cursor below it. A card has a fixed
// size: nothing breaks to another page.
func (d *document) lines(s style, x, w float64, text string, most int) error {
	wrapped, err := d.wrap(s, text, w)
	if err != nil {
		return err
	}
	if len(wrapped) > most {
		last := wrapped[most-1] + " " + wrapped[most]
		wrapped = wrapped[:most]
		for {
			cut, err := d.width(s, last+"…")
			if err != nil {
				return err
			}
			runes := []rune(last)
			if cut <= w || len(runes) == 0 {
				break
			}
			last = strings.TrimRight(string(runes[:len(runes)-1]), " ,")
		}
		wrapped[most-1] = last + "…"
	}
	for _, l := range wrapped {
		if err := d.line(s, x, d.y, w, l, alignLeft); err != nil {
			return err
		}
		d.y += s.lineHeight()
	}
	return nil
}
