package referentiel

import "testing"

func TestHasAll(t *testing.T) {
	for _, c := range []struct {
		values []string
		want   bool
	}{
		{nil, true},
		{[]string{"email"}, true},
		{[]string{"email", "sante"}, true},
		{[]string{"email", "cuisine"}, false},
		{[]string{""}, false},
	} {
		if got := Thematiques.HasAll(c.values); got != c.want {
			t.Errorf("HasAll(%q) = %v, want %v", c.values, got, c.want)
		}
	}
}
