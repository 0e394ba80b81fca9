package pdfdoc

import (
	"strings"
	"testing"

	"github.com/signintech/gopdf"
)

// Wrapped lines never exceed the width, keep every word in order, cut a
// word longer than a line between letters and keep « 14 h 30 » together.
func TestWrapByMeasuredWidth(t *testing.T) {
	d, err := newDocument(gopdf.PdfInfo{})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.newPage(); err != nil {
		t.Fatal(err)
	}
	const width = 120
	cases := []string{
		"Marie-Thérèse Éléonore de La Villemarqué-Kerguélen d’Aubigné",
		"Rendez-vous à 14\u00a0h\u00a030 pour l'atelier « Mon espace santé »",
		strings.Repeat("Anticonstitutionnellement", 3),
		"Deux lignes\nici",
	}
	for _, text := range cases {
		lines, err := d.wrap(styleText, text, width)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) < 2 {
			t.Errorf("%q: not wrapped: %q", text, lines)
		}
		for _, l := range lines {
			w, err := d.width(styleText, l)
			if err != nil {
				t.Fatal(err)
			}
			if w > width+0.01 {
				t.Errorf("%q: line %q is %.1f pt wide, more than %d", text, l, w, width)
			}
			if strings.Contains(text, "14\u00a0h") && strings.Contains(l, "14") && !strings.Contains(l, "14\u00a0h\u00a030") {
				t.Errorf("the time was cut: %q", lines)
			}
		}
		joined := strings.Join(lines, "")
		if strings.ReplaceAll(strings.ReplaceAll(text, " ", ""), "\n", "") != strings.ReplaceAll(joined, " ", "") {
			t.Errorf("%q: words lost or reordered: %q", text, lines)
		}
	}
}

// The narrow no-break spaces of French numbers (« 1 234 ») are missing
// from the Go fonts: they become no-break spaces, never a blank glyph box.
func TestCleanMapsNarrowSpaces(t *testing.T) {
	if got := clean("1\u202f234\u2009€\tok\x07"); got != "1\u00a0234\u00a0€ ok" {
		t.Errorf("clean = %q", got)
	}
	if capitalize("écoute") != "Écoute" || capitalize("") != "" {
		t.Error("capitalize")
	}
}
