package referentiel

import "testing"

func TestTrancheAgeDeNaissance(t *testing.T) {
	for _, c := range []struct {
		annee int
		want  string
	}{
		{0, "non_communique"},
		{2027, "non_communique"}, // born after the reference year
		{2026, "moins_12"},
		{2015, "moins_12"},
		{2014, "12_17"},
		{2009, "12_17"},
		{2008, "18_24"},
		{2002, "18_24"},
		{2001, "25_39"},
		{1987, "25_39"},
		{1986, "40_59"},
		{1967, "40_59"},
		{1966, "60_69"},
		{1957, "60_69"},
		{1956, "70_plus"},
		{1920, "70_plus"},
	} {
		got := TrancheAgeDeNaissance(c.annee, 2026)
		if got != c.want {
			t.Errorf("born %d: %q, want %q", c.annee, got, c.want)
		}
		if !TranchesAge.Has(got) {
			t.Errorf("born %d: %q is not a value of TranchesAge", c.annee, got)
		}
	}
}
