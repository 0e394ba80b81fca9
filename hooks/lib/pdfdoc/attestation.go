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

// Structure is the issuing structure as documents show it.
type Structure struct {
	Nom     string
	Adresse []string // lines under the name: street, postcode and town…
	Logo    []byte   // PNG or JPEG (GIF, WebP converted); empty: no logo
}

// Seance is one attended workshop session. Nature and Objectifs describe
// its workshop as a training attestation does (article L6353-1 of the
// Code du travail: objectives, nature, duration); empty for attestations
// issued before they were recorded, which are drawn as they were.
type Seance struct {
	Titre      string
	Debut, Fin time.Time
	Nature     string   // « Atelier collectif d'initiation au numérique, niveau débutant »
	Objectifs  []string // one sentence each
}

// Minutes is the session's length.
func (s Seance) Minutes() int {
	if m := int(s.Fin.Sub(s.Debut).Minutes()); m > 0 {
		return m
	}
	return 0
}

// Participant is one attestation: a person, what they attended, who issued
// it, where and when, and its verification code and address.
type Participant struct {
	Nom      string // full name, as printed
	Code     string // verification code
	URL      string // verification address, drawn as a QR code
	Emetteur string // the issuing advisor's full name
	Fonction string // their function, « conseiller numérique »
	Lieu     string // place of issue (the structure's town)
	EmiseLe  time.Time
	Seances  []Seance
}

// AttestationData is one or several attestations of one structure; dates
// are written in its time zone (IANA name).
type AttestationData struct {
	Structure    Structure
	Zone         string
	Participants []Participant
}

// Attestation draws the attestations of data in one PDF: each person's
// attestation starts on a new page and numbers its own pages.
func Attestation(data AttestationData) ([]byte, error) {
	if len(data.Participants) == 0 {
		return nil, errors.New("attestation: no participant")
	}
	var issued time.Time
	for _, p := range data.Participants {
		if strings.TrimSpace(p.Nom) == "" || p.Code == "" || len(p.Seances) == 0 {
			return nil, fmt.Errorf("attestation %q: name, code and sessions are required", p.Code)
		}
		if p.EmiseLe.After(issued) {
			issued = p.EmiseLe
		}
	}
	title := "Attestation de participation"
	if len(data.Participants) > 1 {
		title = "Attestations de participation"
	}
	d, err := newDocument(gopdf.PdfInfo{Title: title, Author: data.Structure.Nom, Creator: "Atelier", Producer: "Atelier",
		CreationDate: issued.UTC()})
	if err != nil {
		return nil, err
	}
	loc := frfmt.Location(data.Zone)
	for _, p := range data.Participants {
		if err := drawAttestation(d, data.Structure, p, loc); err != nil {
			return nil, fmt.Errorf("attestation %s: %w", p.Code, err)
		}
	}
	return d.finish()
}

func drawAttestation(d *document, s Structure, p Participant, loc *time.Location) error {
	continued := func() error {
		d.pdf.SetTextColor(70, 70, 70)
		err := d.line(styleSmall, marginX, d.y, contentWidth, "Attestation de participation de "+p.Nom+" (suite)", alignLeft)
		d.pdf.SetTextColor(0, 0, 0)
		d.y += styleSmall.lineHeight() + 4
		d.rule(150)
		d.y += 10
		return err
	}
	if err := d.startPart("Attestation de participation · code "+p.Code, continued); err != nil {
		return err
	}
	steps := []func() error{
		func() error { return structureHeader(d, s) },
		func() error { return attestationIntro(d, s, p) },
		func() error { return attestationSeances(d, p, loc) },
		func() error { return attestationObjectifs(d, p) },
		func() error { return attestationClosing(d, p, loc) },
		func() error { return verificationBlock(d, p) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// structureHeader draws the logo, the structure's name and address.
func structureHeader(d *document, s Structure) error {
	top := d.y
	logoW := d.logo(s.Logo, marginX, top, 130, 56)
	x := marginX
	if logoW > 0 {
		x += logoW + 14
	}
	w := pageWidth - marginX - x
	if err := d.paragraph(style{bold: true, size: 13}, x, w, s.Nom, alignLeft); err != nil {
		return err
	}
	for _, l := range s.Adresse {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if err := d.paragraph(styleText, x, w, l, alignLeft); err != nil {
			return err
		}
	}
	if logoW > 0 && d.y < top+56 {
		d.y = top + 56
	}
	d.y += 10
	d.rule(150)
	d.y += 28
	return nil
}

func attestationIntro(d *document, s Structure, p Participant) error {
	if err := d.paragraph(style{bold: true, size: 20}, marginX, contentWidth, "Attestation de participation", alignCenter); err != nil {
		return err
	}
	d.y += 18
	intro := "Je soussigné(e), " + p.Emetteur
	if p.Fonction != "" {
		intro += ", " + p.Fonction
	}
	intro += ", de la structure " + s.Nom + ", atteste que"
	if err := d.paragraph(styleText, marginX, contentWidth, intro, alignLeft); err != nil {
		return err
	}
	d.y += 8
	if err := d.paragraph(style{bold: true, size: 15}, marginX, contentWidth, p.Nom, alignCenter); err != nil {
		return err
	}
	d.y += 8
	what := "a participé à l'atelier numérique suivant :"
	if n := len(p.Seances); n > 1 {
		what = fmt.Sprintf("a participé aux %d ateliers numériques suivants :", n)
	}
	if err := d.paragraph(styleText, marginX, contentWidth, what, alignLeft); err != nil {
		return err
	}
	d.y += 8
	return nil
}

// attestationSeances lists the sessions, oldest first, with their total.
func attestationSeances(d *document, p Participant, loc *time.Location) error {
	seances := slices.Clone(p.Seances)
	slices.SortStableFunc(seances, func(a, b Seance) int { return a.Debut.Compare(b.Debut) })
	t := table{x: marginX, text: styleText, padding: 5, columns: []column{
		{title: "Atelier", width: contentWidth * 0.50, align: alignLeft},
		{title: "Date", width: contentWidth * 0.35, align: alignLeft},
		{title: "Durée", width: contentWidth * 0.15, align: alignRight},
	}}
	rows := make([][]string, 0, len(seances))
	total := 0
	for _, s := range seances {
		debut, fin := s.Debut.In(loc), s.Fin.In(loc)
		rows = append(rows, []string{s.Titre, frfmt.Date(debut) + "\n" + frfmt.Plage(debut, fin), frfmt.Duree(s.Minutes())})
		total += s.Minutes()
	}
	if err := t.draw(d, rows, nil); err != nil {
		return err
	}
	d.y += 10
	label := "Temps total de participation : " + frfmt.Duree(total)
	if len(seances) > 1 {
		label += fmt.Sprintf(" (%d séances)", len(seances))
	}
	return d.paragraph(styleStrong, marginX, contentWidth, label, alignRight)
}

// attestationObjectifs states, per workshop attended, its nature, its
// objectives and the time attended, then what was assessed: what a
// job-seeker's adviser reads on a training attestation.
func attestationObjectifs(d *document, p Participant) error {
	type atelier struct {
		titre, nature      string
		objectifs          []string
		minutes, nbSeances int
	}
	var ateliers []*atelier
	for _, s := range p.Seances {
		if s.Nature == "" && len(s.Objectifs) == 0 {
			continue
		}
		i := slices.IndexFunc(ateliers, func(a *atelier) bool { return a.titre == s.Titre })
		if i < 0 {
			ateliers = append(ateliers, &atelier{titre: s.Titre, nature: s.Nature, objectifs: s.Objectifs})
			i = len(ateliers) - 1
		}
		ateliers[i].minutes += s.Minutes()
		ateliers[i].nbSeances++
	}
	if len(ateliers) == 0 {
		return nil
	}
	d.y += 16
	if err := d.ensure(3 * styleText.lineHeight()); err != nil {
		return err
	}
	if err := d.paragraph(style{bold: true, size: 12}, marginX, contentWidth, "Objectifs, nature et durée de l'action", alignLeft); err != nil {
		return err
	}
	d.y += 4
	for _, a := range ateliers {
		d.y += 4
		if err := d.ensure(3 * styleText.lineHeight()); err != nil {
			return err
		}
		if err := d.paragraph(styleStrong, marginX, contentWidth, a.titre, alignLeft); err != nil {
			return err
		}
		if a.nature != "" {
			if err := d.paragraph(styleText, marginX, contentWidth, "Nature : "+a.nature+".", alignLeft); err != nil {
				return err
			}
		}
		for i, o := range a.objectifs {
			text := "   • " + o
			if i == 0 {
				if err := d.paragraph(styleText, marginX, contentWidth, "Objectifs :", alignLeft); err != nil {
					return err
				}
			}
			if err := d.paragraph(styleText, marginX, contentWidth, text, alignLeft); err != nil {
				return err
			}
		}
		duree := "Durée suivie : " + frfmt.Duree(a.minutes)
		if a.nbSeances > 1 {
			duree += fmt.Sprintf(" (%d séances)", a.nbSeances)
		}
		if err := d.paragraph(styleText, marginX, contentWidth, duree+".", alignLeft); err != nil {
			return err
		}
	}
	d.y += 6
	return d.paragraph(styleSmall, marginX, contentWidth,
		"Évaluation des acquis : aucune évaluation n'a été faite. Cette attestation certifie la présence aux séances ci-dessus.", alignLeft)
}

// attestationClosing writes the place and date of issue, the issuer and
// the room for a signature and the structure's stamp.
func attestationClosing(d *document, p Participant, loc *time.Location) error {
	const boxH = 78
	need := 2*styleText.lineHeight() + 24 + styleSmall.lineHeight() + boxH
	d.y += 18
	if err := d.ensure(need); err != nil {
		return err
	}
	lieu := p.Lieu
	if lieu == "" {
		lieu = "—"
	}
	if err := d.paragraph(styleText, marginX, contentWidth, "Fait à "+lieu+", le "+frfmt.Date(p.EmiseLe.In(loc))+".", alignLeft); err != nil {
		return err
	}
	d.y += 14
	top := d.y
	half := contentWidth / 2
	if err := d.paragraph(styleStrong, marginX, half-10, p.Emetteur, alignLeft); err != nil {
		return err
	}
	if p.Fonction != "" {
		if err := d.paragraph(styleText, marginX, half-10, capitalize(p.Fonction), alignLeft); err != nil {
			return err
		}
	}
	bottomLeft := d.y
	d.y = top
	boxX := marginX + half + 10
	if err := d.line(styleSmall, boxX, d.y, half-10, "Signature et cachet de la structure", alignLeft); err != nil {
		return err
	}
	d.y += styleSmall.lineHeight() + 2
	d.box(boxX, d.y, half-10, boxH, 255)
	d.y = max(d.y+boxH, bottomLeft) + 20
	return nil
}

// verificationBlock draws the QR code of the verification address with the
// code and the address written out for who cannot scan.
func verificationBlock(d *document, p Participant) error {
	const qrSize = 84
	if err := d.ensure(qrSize + 8); err != nil {
		return err
	}
	d.rule(190)
	d.y += 8
	top := d.y
	if p.URL != "" {
		png, err := qrPNG(p.URL)
		if err != nil {
			return err
		}
		if err := d.image(png, marginX, top, qrSize, qrSize); err != nil {
			return err
		}
	}
	x := marginX + qrSize + 14
	w := pageWidth - marginX - x
	d.y = top + 6
	if err := d.paragraph(styleStrong, x, w, "Code de vérification : "+p.Code, alignLeft); err != nil {
		return err
	}
	d.y += 2
	text := "Pour vérifier que cette attestation est authentique, scannez le QR code ou ouvrez l'adresse :"
	if err := d.paragraph(styleSmall, x, w, text, alignLeft); err != nil {
		return err
	}
	if err := d.paragraph(styleSmall, x, w, p.URL, alignLeft); err != nil {
		return err
	}
	d.y = max(d.y, top+qrSize)
	return nil
}
