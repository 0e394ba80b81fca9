package formulaire

import "testing"

func TestContient(t *testing.T) {
	opts := []Option{{Value: "a", Label: "A"}, {Value: "b", Label: "B"}}
	for value, want := range map[string]bool{"a": true, "b": true, "A": false, "": false, "c": false} {
		if got := Contient(opts, value); got != want {
			t.Errorf("Contient(%q) = %v, want %v", value, got, want)
		}
	}
	if Contient(nil, "a") {
		t.Error("an empty list contains nothing")
	}
}
