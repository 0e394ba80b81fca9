package contact

import (
	"strings"
	"testing"
)

func TestNormaliserSiret(t *testing.T) {
	cases := []struct {
		saisi, garde, erreur string
	}{
		{"", "", ""},
		{"21860194400018", "21860194400018", ""},    // Luhn key right
		{"732 829 320 00074", "73282932000074", ""}, // spaces as printed on letters
		{"35600000000001", "35600000000001", ""},    // La Poste: digits add up to a multiple of 5
		{"35600000000002", "", "n'existe pas"},      // La Poste, wrong sum
		{"73282932000075", "", "n'existe pas"},      // last digit changed
		{"73282932000047", "", "n'existe pas"},      // two digits swapped
		{"7328293200007", "", "14 chiffres"},        // one missing
		{"7328293200007A", "", "14 chiffres"},       // a letter
		{"732829320000740", "", "14 chiffres"},      // one too many
	}
	for _, c := range cases {
		got, err := NormaliserSiret(c.saisi)
		if c.erreur == "" {
			if err != nil || got != c.garde {
				t.Errorf("NormaliserSiret(%q) = %q, %v; want %q", c.saisi, got, err, c.garde)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.erreur) {
			t.Errorf("NormaliserSiret(%q) = %q, %v; want an error saying %q", c.saisi, got, err, c.erreur)
		}
	}
}
func TestSIRET(t *testing.T) {
	for _, c := range []struct {
		typed, want string
		ok          bool
	}{
		{"", "", true},
		{"21860194200012", "21860194200012", true},
		{"218 601 942 00012", "21860194200012", true},
		{"732\u00a0829\u00a0320\u00a000074", "73282932000074", true},
		{"35600000000048", "35600000000048", true}, // La Poste's head office: Luhn
		{"35600000012341", "35600000012341", true}, // a post office: digits add up to a multiple of 5
		{"21860194200019", "", false},              // last digit wrong
		{"21860194200021", "", false},              // two digits swapped
		{"35600000012342", "", false},
		{"2186019420001", "", false},
		{"218601942000120", "", false},
		{"2186019420001A", "", false},
	} {
		got, err := NormaliserSiret(c.typed)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("NormaliserSiret(%q) = %q, %v; want %q, ok %v", c.typed, got, err, c.want, c.ok)
		}
	}
}
