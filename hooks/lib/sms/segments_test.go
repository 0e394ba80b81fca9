package sms

import (
	"strings"
	"testing"
)

func TestSegmentsCountGSM7AndUnicode(t *testing.T) {
	cases := []struct {
		text     string
		segments int
	}{
		{"", 0},
		{strings.Repeat("a", 160), 1},
		{strings.Repeat("a", 161), 2},
		{strings.Repeat("a", 306), 2},
		{strings.Repeat("a", 307), 3},
		{strings.Repeat("€", 80), 1}, // two septets each
		{strings.Repeat("€", 81), 2}, // 162 septets
		{strings.Repeat("ê", 70), 1}, // ê is not GSM-7: UCS-2
		{strings.Repeat("ê", 71), 2},
		{strings.Repeat("a", 134) + "ê", 3}, // 135 UCS-2 units, 67 per part
		{"Rappel : atelier « CV » lundi 7 déc. à 14:00", 1},
	}
	for _, c := range cases {
		if got := Segments(c.text); got != c.segments {
			t.Errorf("Segments(%d runes %q…) = %d, want %d", len([]rune(c.text)), firstRunes(c.text), got, c.segments)
		}
	}
}

func TestFrenchAccentsOfGSM7StayCheap(t *testing.T) {
	if !EstGSM7("éèàùÇ été, où") {
		t.Fatal("é, è, à, ù and Ç are in the GSM-7 table")
	}
	if EstGSM7("fenêtre") {
		t.Fatal("ê is not in the GSM-7 table")
	}
	text := VersGSM7("« Prendre en main sa tablette » : fenêtre, œuvre, maïs, 14\u00a0h – c’est là…")
	if !EstGSM7(text) {
		t.Fatalf("VersGSM7 left non-GSM-7 characters: %q", text)
	}
	if text != "\"Prendre en main sa tablette\" : fenetre, oeuvre, mais, 14 h - c'est là..." {
		t.Fatalf("VersGSM7 = %q", text)
	}
}

func firstRunes(s string) string {
	r := []rune(s)
	if len(r) > 12 {
		r = r[:12]
	}
	return string(r)
}
