package pdfdoc_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/hooks/lib/pdfdoc"
	"atelier/hooks/lib/pdfdoc/pdftest"
)

// Every document is read back with poppler (pdftotext, pdfinfo, pdfimages,
// pdftoppm): what a funder reads is what the tests read.

// 1 December 2026, 10:00 UTC: 11 h in Paris, 14 h in La Réunion.
var day = time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)

const verifyBase = "https://ateliers.example.fr/verifier/"

func structure() pdfdoc.Structure {
	return pdfdoc.Structure{Nom: "Médiathèque de l'Île d'Yeu", Adresse: []string{"3 rue de l’Église", "85350 L'Île-d'Yeu"}}
}

func participant(nom, code string, seances ...pdfdoc.Seance) pdfdoc.Participant {
	return pdfdoc.Participant{Nom: nom, Code: code, URL: verifyBase + code, Emetteur: "Anaïs Lefèvre",
		Fonction: "conseillère numérique", Lieu: "L'Île-d'Yeu", EmiseLe: day.AddDate(0, 0, 14), Seances: seances}
}

func seance(titre string, week int, minutes int) pdfdoc.Seance {
	debut := day.AddDate(0, 0, 7*week)
	return pdfdoc.Seance{Titre: titre, Debut: debut, Fin: debut.Add(time.Duration(minutes) * time.Minute)}
}

// words makes pdftotext output comparable: one space between words.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

func expectText(t *testing.T, text string, want ...string) {
	t.Helper()
	flat := words(text)
	for _, w := range want {
		if !strings.Contains(flat, words(w)) {
			t.Errorf("missing %q in\n%s", w, text)
		}
	}
}

func TestAttestationForOneSession(t *testing.T) {
	p := participant("Hélène Dupré-Lefèvre", "ATL-7K3M-Q9PX-2D4F", seance("Protéger ses comptes : l’essentiel", 0, 120))
	pdf, err := pdfdoc.Attestation(pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris", Participants: []pdfdoc.Participant{p}})
	if err != nil {
		t.Fatal(err)
	}
	if n := pdftest.Pages(t, pdf); n != 1 {
		t.Errorf("%d pages, want 1", n)
	}
	expectText(t, pdftest.Text(t, pdf),
		"Médiathèque de l'Île d'Yeu", "3 rue de l’Église", "85350 L'Île-d'Yeu",
		"Attestation de participation",
		"Je soussigné(e), Anaïs Lefèvre, conseillère numérique, de la structure Médiathèque de l'Île d'Yeu, atteste que",
		"Hélène Dupré-Lefèvre", "a participé à l'atelier numérique suivant :",
		"Protéger ses comptes : l’essentiel", "mardi 1er décembre 2026", "de 11 h à 13 h", "2 h",
		"Temps total de participation : 2 h",
		"Fait à L'Île-d'Yeu, le mardi 15 décembre 2026.", "Signature et cachet de la structure",
		"Code de vérification : ATL-7K3M-Q9PX-2D4F", verifyBase+"ATL-7K3M-Q9PX-2D4F",
		"Page 1 sur 1")
	info := pdftest.Info(t, pdf)
	for _, want := range []string{"Title: Attestation de participation", "Author: Médiathèque de l'Île d'Yeu", "Tue Dec 15 10:00:00 2026 UTC"} {
		if !strings.Contains(words(info), want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

// The QR code printed on the page (not only the one generated) reads as
// the verification address.
func TestAttestationQRCodeReadsAsTheVerificationAddress(t *testing.T) {
	code := "ATL-QRCD-TEST-9XYZ"
	pdf, err := pdfdoc.Attestation(pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris",
		Participants: []pdfdoc.Participant{participant("Jean Dupont", code, seance("Découvrir l'IA", 0, 90))}})
	if err != nil {
		t.Fatal(err)
	}
	if got := pdftest.QRCode(t, pdf, 1); got != verifyBase+code {
		t.Errorf("QR code reads %q, want %q", got, verifyBase+code)
	}
}

// A parcours lists every session with its date and the total time; 80
// sessions run over several pages, the table header repeated on each.
func TestAttestationParcoursPaginates(t *testing.T) {
	var seances []pdfdoc.Seance
	for i := range 80 {
		seances = append(seances, seance(fmt.Sprintf("Atelier numéro %d : réseaux sociaux", i+1), i, 90))
	}
	pdf, err := pdfdoc.Attestation(pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris",
		Participants: []pdfdoc.Participant{participant("Zoé Martin", "ATL-PARC-OURS-80SS", seances...)}})
	if err != nil {
		t.Fatal(err)
	}
	pages := pdftest.PageTexts(t, pdf)
	if n := pdftest.Pages(t, pdf); n != len(pages) || n < 3 {
		t.Fatalf("%d pages (%d read), want 3 or more", n, len(pages))
	}
	text := pdftest.Text(t, pdf)
	for i := range 80 {
		if !strings.Contains(text, fmt.Sprintf("Atelier numéro %d : réseaux sociaux", i+1)) {
			t.Errorf("session %d missing", i+1)
		}
	}
	expectText(t, text, "a participé aux 80 ateliers numériques suivants", "Temps total de participation : 120 h (80 séances)")
	for i, page := range pages {
		if strings.Contains(page, "Atelier numéro") && !strings.Contains(page, "Durée") {
			t.Errorf("page %d lacks the table header", i+1)
		}
		if want := fmt.Sprintf("Page %d sur %d", i+1, len(pages)); !strings.Contains(page, want) {
			t.Errorf("page %d lacks %q", i+1, want)
		}
		if i > 0 && !strings.Contains(page, "Zoé Martin (suite)") {
			t.Errorf("page %d does not say whose attestation it continues", i+1)
		}
	}
	// The closing (signature, code) is on the last page only.
	if strings.Contains(pages[0], "Signature et cachet") || !strings.Contains(pages[len(pages)-1], "Code de vérification") {
		t.Error("the closing block is not at the end")
	}
}

// A bulk issue is one PDF: one attestation per person, each on its own
// page with its own code and page numbers.
func TestAttestationInBulk(t *testing.T) {
	for _, n := range []int{1, 30} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			data := pdfdoc.AttestationData{Structure: structure(), Zone: "Indian/Reunion"}
			for i := range n {
				code := fmt.Sprintf("ATL-BULK-%04d-TEST", i)
				data.Participants = append(data.Participants, participant(fmt.Sprintf("Personne%02d D’Artagnan", i), code, seance("Mon espace santé", 0, 150)))
			}
			pdf, err := pdfdoc.Attestation(data)
			if err != nil {
				t.Fatal(err)
			}
			if got := pdftest.Pages(t, pdf); got != n {
				t.Errorf("%d pages, want %d", got, n)
			}
			pages := pdftest.PageTexts(t, pdf)
			for i, page := range pages {
				// La Réunion: 10:00 UTC is 14 h.
				expectText(t, page, fmt.Sprintf("Personne%02d D’Artagnan", i), fmt.Sprintf("ATL-BULK-%04d-TEST", i),
					"de 14 h à 16 h 30", "2 h 30", "Page 1 sur 1")
			}
			if n == 30 && pdftest.QRCode(t, pdf, 30) != verifyBase+"ATL-BULK-0029-TEST" {
				t.Error("the last page's QR code is not the last person's")
			}
		})
	}
}

// The same data gives the same bytes: a stored attestation can be drawn
// again identically, and a download gives the same file twice.
func TestDocumentsAreDeterministic(t *testing.T) {
	data := pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris", Participants: []pdfdoc.Participant{
		participant("Léa Brûlé", "ATL-SAME-BYTE-S0K2", seance("Atelier A", 0, 60), seance("Atelier B", 1, 90)),
		participant("Noël Çelik", "ATL-SAME-BYTE-S1K3", seance("Atelier A", 0, 60)),
	}}
	a, err := pdfdoc.Attestation(data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := pdfdoc.Attestation(data)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of one attestation differ")
	}
	f := feuille(12)
	c, err := pdfdoc.FeuilleEmargement(f)
	if err != nil {
		t.Fatal(err)
	}
	d, err := pdfdoc.FeuilleEmargement(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c, d) {
		t.Error("two renderings of one sign-in sheet differ")
	}
}

func TestAttestationRefusesIncompleteData(t *testing.T) {
	for name, data := range map[string]pdfdoc.AttestationData{
		"nobody":     {Structure: structure()},
		"no session": {Structure: structure(), Participants: []pdfdoc.Participant{participant("A B", "ATL-X")}},
		"no code":    {Structure: structure(), Participants: []pdfdoc.Participant{participant("A B", "", seance("T", 0, 60))}},
		"no name":    {Structure: structure(), Participants: []pdfdoc.Participant{participant(" ", "ATL-X", seance("T", 0, 60))}},
	} {
		if _, err := pdfdoc.Attestation(data); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := pdfdoc.FeuilleEmargement(pdfdoc.FeuilleData{}); err == nil {
		t.Error("a sheet without a title was accepted")
	}
}

func logoPNG(t *testing.T, sixteenBits bool) []byte {
	t.Helper()
	var img image.Image
	if sixteenBits {
		m := image.NewRGBA64(image.Rect(0, 0, 60, 30))
		for i := range m.Pix {
			m.Pix[i] = 0x80
		}
		img = m
	} else {
		m := image.NewRGBA(image.Rect(0, 0, 60, 30))
		for x := range 60 {
			for y := range 30 {
				m.Set(x, y, color.RGBA{R: 200, G: 40, B: uint8(x * 4), A: 255})
			}
		}
		img = m
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// A logo is drawn whatever its format; one that cannot be read (an SVG)
// is left out and the attestation is still issued.
func TestAttestationLogo(t *testing.T) {
	var jpg bytes.Buffer
	if err := jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 40, 40)), nil); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]struct {
		logo   []byte
		images int
	}{
		"png":        {logoPNG(t, false), 2},
		"16-bit png": {logoPNG(t, true), 2},
		"jpeg":       {jpg.Bytes(), 2},
		"svg":        {[]byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 1},
		"none":       {nil, 1},
	} {
		s := structure()
		s.Logo = c.logo
		pdf, err := pdfdoc.Attestation(pdfdoc.AttestationData{Structure: s, Zone: "Europe/Paris",
			Participants: []pdfdoc.Participant{participant("Jean Dupont", "ATL-LOGO-TEST-0000", seance("Atelier", 0, 60))}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := pdftest.Images(t, pdf); got != c.images {
			t.Errorf("%s: %d images, want %d (logo and QR code)", name, got, c.images)
		}
	}
}

func feuille(n int) pdfdoc.FeuilleData {
	f := pdfdoc.FeuilleData{Structure: "France Services Saint-Denis", Titre: "Faire ses démarches sur France Travail",
		Debut: day, Fin: day.Add(150 * time.Minute), Zone: "Indian/Reunion", Lieu: "Salle des fêtes, 2 rue de l'Océan, 97400 Saint-Denis",
		Animateurs: []string{"Anaïs Lefèvre", "Jean-Noël D’Souza"}}
	for i := range n {
		f.Personnes = append(f.Personnes, fmt.Sprintf("Nom%02d Prénom", i+1))
	}
	return f
}

var rowNumber = regexp.MustCompile(`(?m)^\s*(\d+)\s+Nom\d\d Prénom`)

// A sign-in sheet has one numbered row per registered person, blank rows
// after them, the session and the table header on every page, and « Page i
// sur n » on every page; 1, 30 and 80 rows take 1, 2 and 4 pages.
func TestFeuilleEmargementPages(t *testing.T) {
	for _, c := range []struct{ rows, pages int }{{1, 1}, {30, 2}, {80, 4}} {
		t.Run(fmt.Sprint(c.rows), func(t *testing.T) {
			pdf, err := pdfdoc.FeuilleEmargement(feuille(c.rows))
			if err != nil {
				t.Fatal(err)
			}
			if got := pdftest.Pages(t, pdf); got != c.pages {
				t.Errorf("%d rows: %d pages, want %d", c.rows, got, c.pages)
			}
			pages := pdftest.PageTexts(t, pdf)
			expectText(t, pages[0], "Feuille d'émargement", "Faire ses démarches sur France Travail",
				"Date : mardi 1er décembre 2026, de 14 h à 16 h 30", "Lieu : Salle des fêtes, 2 rue de l'Océan, 97400 Saint-Denis",
				"Animation : Anaïs Lefèvre, Jean-Noël D’Souza", "Signature de l'animation",
				fmt.Sprintf("%d %s", c.rows, map[bool]string{true: "personne inscrite", false: "personnes inscrites"}[c.rows == 1]))
			numbers := 0
			for i, page := range pages {
				expectText(t, page, "Nom et prénom", "Signature", fmt.Sprintf("Page %d sur %d", i+1, len(pages)),
					"Feuille d'émargement · France Services Saint-Denis · 01/12/2026")
				if i > 0 {
					expectText(t, page, "Feuille d'émargement · Faire ses démarches sur France Travail · mardi 1er décembre 2026, de 14 h à 16 h 30")
				}
				for _, m := range rowNumber.FindAllStringSubmatch(page, -1) {
					numbers++
					if m[1] != fmt.Sprint(numbers) {
						t.Errorf("row %s where %d was expected", m[1], numbers)
					}
				}
			}
			if numbers != c.rows {
				t.Errorf("%d named rows, want %d", numbers, c.rows)
			}
		})
	}
}

// A name longer than its column wraps inside its row; accents,
// apostrophes and French quotes come out as typed.
func TestFeuilleEmargementLongNamesAndAccents(t *testing.T) {
	f := feuille(0)
	long := "Marie-Thérèse Éléonore Bénédicte de La Villemarqué-Kerguélen d’Aubigné-Saint-Exupéry"
	f.Personnes = []string{long, "Œdipe L'Hôpital « dit Ed »", "Zoë Ñúñez-Çağlar"}
	pdf, err := pdfdoc.FeuilleEmargement(f)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftest.Text(t, pdf)
	for _, w := range strings.Fields(long) {
		if !strings.Contains(text, w) {
			t.Errorf("part %q of the long name is missing", w)
		}
	}
	if strings.Contains(text, long) {
		t.Error("the long name was not wrapped")
	}
	expectText(t, text, "Œdipe L'Hôpital « dit Ed »", "Zoë Ñúñez-Çağlar")
}

// A job-seeker's adviser reads, per workshop, what a training attestation
// states: nature, objectives, duration attended, and what was assessed.
func TestAttestationStatesObjectivesNatureAndDuration(t *testing.T) {
	tablette := func(week int) pdfdoc.Seance {
		s := seance("Prendre en main sa tablette", week, 90)
		s.Nature = "Atelier collectif de médiation numérique, niveau débutant (Prendre en main un équipement informatique)"
		s.Objectifs = []string{"Allumer et déverrouiller sa tablette.", "Installer une application."}
		return s
	}
	p := participant("Hélène Dupré", "ATL-7K3M-Q9PX-2D4F", tablette(0), tablette(1), seance("Ancien atelier", 2, 60))
	pdf, err := pdfdoc.Attestation(pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris", Participants: []pdfdoc.Participant{p}})
	if err != nil {
		t.Fatal(err)
	}
	text := words(pdftest.Text(t, pdf))
	expectText(t, text, "Objectifs, nature et durée de l'action",
		"Nature : Atelier collectif de médiation numérique, niveau débutant (Prendre en main un équipement informatique).",
		"Objectifs :", "• Allumer et déverrouiller sa tablette.", "• Installer une application.",
		"Durée suivie : 3 h (2 séances).",
		"Évaluation des acquis : aucune évaluation n'a été faite.",
		"Temps total de participation : 4 h (3 séances)")
	if strings.Count(text, "Prendre en main sa tablette") != 3 {
		t.Errorf("the workshop is not listed twice in the table and once in the objectives:\n%s", text)
	}
	// A session without these fields (an attestation issued before they
	// were recorded) adds no section of its own.
	if strings.Count(text, "Nature :") != 1 || strings.Contains(text, "Ancien atelier Nature") {
		t.Errorf("a workshop without nature or objectives got a section:\n%s", text)
	}

	old, err := pdfdoc.Attestation(pdfdoc.AttestationData{Structure: structure(), Zone: "Europe/Paris",
		Participants: []pdfdoc.Participant{participant("Hélène Dupré", "ATL-7K3M-Q9PX-2D4F", seance("Ancien atelier", 0, 60))}})
	if err != nil {
		t.Fatal(err)
	}
	if text := pdftest.Text(t, old); strings.Contains(text, "Objectifs") || strings.Contains(text, "Évaluation des acquis") {
		t.Errorf("an attestation without objectives states them:\n%s", text)
	}
}
