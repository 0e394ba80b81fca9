package texte

import "testing"

func TestSlug(t *testing.T) {
	for _, c := range []struct {
		name string
		max  int
		want string
	}{
		{"Médiathèque de l'Île", 80, "mediatheque-de-l-ile"},
		{"  France Services — Bêta !  ", 80, "france-services-beta"},
		{"Œuvre 2026", 80, "oeuvre-2026"},
		{"Tiers-lieu Gamma", 12, "tiers-lieu"},
		{"Abcdefghijklmnop", 5, "abcde"},
		{"— !", 80, ""},
		{"東京", 80, ""},
	} {
		if got := Slug(c.name, c.max); got != c.want {
			t.Errorf("Slug(%q, %d) = %q, want %q", c.name, c.max, got, c.want)
		}
	}
}
