package graphique

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// wellFormed parses the SVG as XML and returns its rect widths/heights.
func wellFormed(t *testing.T, svg string) (rects int) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return rects
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "rect" {
			rects++
		}
	}
}

func TestBarresIsANamedImage(t *testing.T) {
	svg := Barres("g-themes", "Thématiques <des> accompagnements", []Barre{
		{Libelle: "E-mail & co", Valeur: 6, Texte: "6"},
		{Libelle: "Santé", Valeur: 3, Texte: "3"},
		{Libelle: "Rien", Valeur: 0, Texte: "0"},
	})
	for _, want := range []string{`role="img"`, `aria-labelledby="g-themes"`, `<title id="g-themes">Thématiques &lt;des&gt; accompagnements</title>`,
		`viewBox="0 0 320 `, "E-mail &amp; co", `fill="#0b4f9c"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %q in %s", want, svg)
		}
	}
	if !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, `"><title`) {
		t.Errorf("the title is not the first child: %s", svg)
	}
	if n := wellFormed(t, svg); n != 2 {
		t.Errorf("%d bars drawn, want 2 (a zero draws none)", n)
	}
}

func TestBarresScalesToTheLargestValue(t *testing.T) {
	svg := Barres("g", "t", []Barre{{Libelle: "a", Valeur: 10, Texte: "10"}, {Libelle: "b", Valeur: 5, Texte: "5"}})
	// Room: 320 - 8 - 9 × 2 characters = 294; half of it for 5.
	for _, want := range []string{`width="294.0"`, `width="147.0"`} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %q in %s", want, svg)
		}
	}
}

func TestColonnes(t *testing.T) {
	months := make([]Barre, 12)
	for i := range months {
		months[i] = Barre{Libelle: "oct.", Valeur: float64(i), Texte: "x"}
	}
	svg := Colonnes("g-mois", "Accompagnements par mois", months)
	if n := wellFormed(t, svg); n != 11 {
		t.Errorf("%d columns drawn, want 11", n)
	}
	if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, `<title id="g-mois">`) {
		t.Errorf("not a named image: %s", svg)
	}
	// nothing at all still draws a valid, empty chart
	wellFormed(t, Colonnes("g-vide", "Vide", nil))
}

func TestLongLabelsAreShortened(t *testing.T) {
	long := strings.Repeat("Opérateur ", 10)
	svg := Barres("g", "t", []Barre{{Libelle: long, Valeur: 1, Texte: "1"}})
	if strings.Contains(svg, long) || !strings.Contains(svg, "…") {
		t.Errorf("label not shortened: %s", svg)
	}
}
