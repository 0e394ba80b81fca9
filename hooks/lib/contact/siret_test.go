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
