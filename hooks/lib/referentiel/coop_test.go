package referentiel

import (
	"slices"
	"testing"
)

// La Coop's labels are for the same values as the pages' lists: a value
// added to one list and not to the other would be exported as its code.
func TestCoopListsHoldThePagesValues(t *testing.T) {
	for _, c := range []struct {
		name       string
		page, coop List
	}{
		{"TypesLieu", TypesLieu, TypesLieuCoop},
		{"Materiels", Materiels, MaterielsCoop},
		{"StructuresRedirection", StructuresRedirection, StructuresRedirectionCoop},
	} {
		if !slices.Equal(c.page.Values(), c.coop.Values()) {
			t.Errorf("%s: La Coop's values %v, the pages' %v", c.name, c.coop.Values(), c.page.Values())
		}
	}
}

func TestPosition(t *testing.T) {
	for value, want := range map[string]int{"entierement_accompagne": 1, "partiellement_autonome": 2, "autonome": 3, "": 0, "inconnu": 0} {
		if got := Autonomies.Position(value); got != want {
			t.Errorf("Position(%q) = %d, want %d", value, got, want)
		}
	}
}

// La Coop keeps its administrative sub-thématiques in the same list as its
// themes: no value may be in both, or the export could not tell them apart.
func TestThematiquesDemarcheApartFromThematiques(t *testing.T) {
	if len(ThematiquesDemarche) != 11 {
		t.Errorf("%d administrative sub-thématiques, La Coop has 11", len(ThematiquesDemarche))
	}
	for _, v := range ThematiquesDemarche.Values() {
		if Thematiques.Has(v) {
			t.Errorf("%s is both a theme and an administrative sub-thématique", v)
		}
	}
	if !Thematiques.Has(ThematiqueDemarche) {
		t.Errorf("%s is not a theme", ThematiqueDemarche)
	}
}
