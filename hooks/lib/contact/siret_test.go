package contact

import "testing"

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
		got, err := NormaliserSIRET(c.typed)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("NormaliserSIRET(%q) = %q, %v; want %q, ok %v", c.typed, got, err, c.want, c.ok)
		}
	}
}
