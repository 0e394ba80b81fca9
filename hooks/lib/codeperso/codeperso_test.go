package codeperso

import (
	"regexp"
	"strings"
	"testing"
)

var stored = regexp.MustCompile(Motif)

func TestNouveauHasTheStoredForm(t *testing.T) {
	for range 1000 {
		if c := Nouveau(); !stored.MatchString(c) {
			t.Fatalf("%q does not match %s", c, Motif)
		}
	}
}

// 40 random bits: 100 000 draws never collide (the chance is about 5 in a
// million), and every letter of the alphabet turns up at each position.
func TestNouveauIsRandomAndUniform(t *testing.T) {
	if len(Alphabet) != 32 || Longueur*5 < 40 {
		t.Fatalf("alphabet of %d letters, %d characters: under 40 bits", len(Alphabet), Longueur)
	}
	for _, confusing := range "ILOU" {
		if strings.ContainsRune(Alphabet, confusing) {
			t.Errorf("the alphabet holds %q", confusing)
		}
	}
	const n = 100000
	seen := make(map[string]bool, n)
	counts := [Longueur + 1][32]int{}
	for range n {
		c := Nouveau()
		if seen[c] {
			t.Fatalf("%s drawn twice", c)
		}
		seen[c] = true
		for i := range len(c) {
			if i != Longueur/2 {
				counts[i][strings.IndexByte(Alphabet, c[i])]++
			}
		}
	}
	// Each letter is expected n/32 = 3125 times per position; 2 800 to
	// 3 450 is more than 6 standard deviations either side.
	for i, pos := range counts {
		if i == Longueur/2 {
			continue
		}
		for k, got := range pos {
			if got < 2800 || got > 3450 {
				t.Errorf("position %d: %q drawn %d times out of %d", i, Alphabet[k], got, n)
			}
		}
	}
}

func TestNormaliser(t *testing.T) {
	ok := []struct{ in, want string }{
		{"7K3M-Q9PX", "7K3M-Q9PX"},
		{"7k3m-q9px", "7K3M-Q9PX"},
		{"7K3MQ9PX", "7K3M-Q9PX"},
		{" 7K3M Q9PX ", "7K3M-Q9PX"},
		{"7 k 3 m q 9 p x", "7K3M-Q9PX"},
		{"7K3M\u2013Q9PX", "7K3M-Q9PX"},
		{"O0IL-1lio", "0011-1110"},
		{"7K3M.Q9PX", "7K3M-Q9PX"},
	}
	for _, c := range ok {
		got, valid := Normaliser(c.in)
		if !valid || got != c.want {
			t.Errorf("Normaliser(%q) = %q, %v; want %q", c.in, got, valid, c.want)
		}
	}
	for _, bad := range []string{"", "7K3M-Q9P", "7K3M-Q9PXA", "7K3U-Q9PX", "7K3M/Q9PX", "<script>", "7K3M-Q9P%", "ÉK3M-Q9PX",
		strings.Repeat("7", 200)} {
		if got, valid := Normaliser(bad); valid || got != "" {
			t.Errorf("Normaliser(%q) = %q, %v; want refused", bad, got, valid)
		}
	}
}
