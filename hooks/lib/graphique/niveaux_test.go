package graphique

import (
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// elements counts the elements of each name in a well-formed SVG.
func elements(t *testing.T, svg string) map[string]int {
	t.Helper()
	n := map[string]int{}
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return n
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			n[se.Name.Local]++
		}
	}
}

func TestNiveauxOnePointPerMeasure(t *testing.T) {
	echelle := []string{"Avec guidage", "Guidage si besoin", "Autonome"}
	svg := Niveaux("g-autonomie", "Autonomie <à> chaque accompagnement", echelle, []Point{
		{Libelle: "02/03", Niveau: 1}, {Libelle: "09/03", Niveau: 2}, {Libelle: "16/03", Niveau: 0}, {Libelle: "23/03", Niveau: 3},
	})
	n := elements(t, svg)
	if n["circle"] != 3 {
		t.Errorf("%d points drawn, want 3 (a help without a level draws none)", n["circle"])
	}
	// 1 → 2 joined; the gap breaks the line; 3 alone draws no line.
	if n["polyline"] != 1 {
		t.Errorf("%d lines, want 1", n["polyline"])
	}
	for _, want := range []string{`role="img"`, `aria-labelledby="g-autonomie"`,
		`<title id="g-autonomie">Autonomie &lt;à&gt; chaque accompagnement</title>`, "Guidage si besoin", "23/03", `viewBox="0 0 320 `} {
		if !strings.Contains(svg, want) {
			t.Errorf("missing %q in %s", want, svg)
		}
	}
	// The highest level is drawn above the lowest.
	if i, j := strings.Index(svg, ">Autonome<"), strings.Index(svg, ">Avec guidage<"); i < 0 || j < 0 {
		t.Errorf("scale labels missing: %s", svg)
	}
}

func TestNiveauxManyPointsKeepsFirstAndLastDates(t *testing.T) {
	points := make([]Point, 12)
	for i := range points {
		points[i] = Point{Libelle: "d" + string(rune('a'+i)), Niveau: 1 + i%3}
	}
	svg := Niveaux("g", "t", []string{"a", "b", "c"}, points)
	if !strings.Contains(svg, ">da<") || !strings.Contains(svg, ">dl<") || strings.Contains(svg, ">de<") {
		t.Errorf("dates under a crowded axis: %s", svg)
	}
	if n := elements(t, svg); n["circle"] != 12 || n["polyline"] != 1 {
		t.Errorf("elements %v", n)
	}
}
