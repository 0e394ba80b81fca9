package main

import (
	"fmt"
	"slices"
	"time"

	"atelier/hooks/lib/pdfdoc"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/goregular"
)

// PDF documents are drawn in this process (no server involved): each
// figure is the median of many drawings, next to the cheapest PDF the same
// library can make with the same embedded font, measured in the same run.

// median runs draw n times after a warm-up and returns the median duration.
func median(n int, draw func() error) (time.Duration, error) {
	if err := draw(); err != nil {
		return 0, err
	}
	times := make([]time.Duration, n)
	for i := range times {
		start := time.Now()
		if err := draw(); err != nil {
			return 0, err
		}
		times[i] = time.Since(start)
	}
	slices.Sort(times)
	return times[n/2], nil
}

// pdfBaseline draws one A4 page with one line of text in Go Regular, the
// font parsed once as Atelier does.
func pdfBaseline() (func() error, error) {
	fonts := &gopdf.FontContainer{}
	if err := fonts.AddTTFFontData("regular", goregular.TTF); err != nil {
		return nil, err
	}
	return func() error {
		pdf := &gopdf.GoPdf{}
		pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
		if err := pdf.AddTTFFontFromFontContainer("regular", fonts); err != nil {
			return err
		}
		pdf.AddPage()
		if err := pdf.SetFont("regular", "", 12); err != nil {
			return err
		}
		pdf.SetXY(48, 48)
		if err := pdf.Text("Attestation de participation"); err != nil {
			return err
		}
		_, err := pdf.GetBytesPdfReturnErr()
		return err
	}, nil
}

func benchParticipant(i int, seances int) pdfdoc.Participant {
	code := fmt.Sprintf("ATL-BNCH-%04d-MARK", i)
	p := pdfdoc.Participant{Nom: fmt.Sprintf("Hélène Dupré-Lefèvre %d", i), Code: code, URL: "https://ateliers.example.fr/verifier/" + code,
		Emetteur: "Camille Moreau", Fonction: "conseiller numérique", Lieu: "Poitiers", EmiseLe: time.Date(2026, 12, 15, 10, 0, 0, 0, time.UTC)}
	for k := range seances {
		debut := time.Date(2026, 11, 3+7*k, 13, 0, 0, 0, time.UTC)
		p.Seances = append(p.Seances, pdfdoc.Seance{Titre: "Protéger ses comptes et éviter les arnaques", Debut: debut, Fin: debut.Add(2 * time.Hour)})
	}
	return p
}

func benchAttestations(people int) pdfdoc.AttestationData {
	data := pdfdoc.AttestationData{Zone: "Europe/Paris",
		Structure: pdfdoc.Structure{Nom: "Médiathèque François-Mitterrand", Adresse: []string{"4 rue de l'Université", "86000 Poitiers"}}}
	for i := range people {
		data.Participants = append(data.Participants, benchParticipant(i, 2))
	}
	return data
}

func measurePDFs() ([]row, error) {
	baseline, err := pdfBaseline()
	if err != nil {
		return nil, fmt.Errorf("PDF baseline: %w", err)
	}
	base, err := median(400, baseline)
	if err != nil {
		return nil, fmt.Errorf("PDF baseline: %w", err)
	}
	one, bulk := benchAttestations(1), benchAttestations(30)
	sheet := pdfdoc.FeuilleData{Structure: "Médiathèque François-Mitterrand", Titre: "Protéger ses comptes et éviter les arnaques",
		Debut: time.Date(2026, 11, 3, 13, 0, 0, 0, time.UTC), Fin: time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC), Zone: "Europe/Paris",
		Lieu: "Salle d'animation, 4 rue de l'Université, 86000 Poitiers", Animateurs: []string{"Camille Moreau"}}
	for i := range 30 {
		sheet.Personnes = append(sheet.Personnes, fmt.Sprintf("Dupré-Lefèvre Hélène %d", i))
	}
	measures := []struct {
		figure, goal string
		n            int
		draw         func() error
	}{
		{"One attestation PDF (2 sessions, QR code), median", "< 10 ms", 200,
			func() error { _, err := pdfdoc.Attestation(one); return err }},
		{"Attestations of 30 people in one PDF, median", "", 20,
			func() error { _, err := pdfdoc.Attestation(bulk); return err }},
		{"Sign-in sheet, 30 rows (2 pages), median", "", 100,
			func() error { _, err := pdfdoc.FeuilleEmargement(sheet); return err }},
	}
	rows := []row{{"PDF: one A4 page, one line, same font (PDF baseline), median", ms2(base), "1.00", ""}}
	for _, m := range measures {
		d, err := median(m.n, m.draw)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", m.figure, err)
		}
		rows = append(rows, row{m.figure, ms2(d), ratio(float64(d), float64(base)), m.goal})
	}
	return rows, nil
}

// ms2 has two decimals: PDF figures are a few milliseconds.
func ms2(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
