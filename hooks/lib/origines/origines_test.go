package origines

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseKeepsHttpsOrigins(t *testing.T) {
	got, err := Parse("https://www.Mairie-Exemple.fr/\n\n  https://mediatheque.example:8443 \nhttps://www.mairie-exemple.fr\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"https://www.mairie-exemple.fr", "https://mediatheque.example:8443"}
	if !slices.Equal(got, want) {
		t.Errorf("Parse = %v, want %v", got, want)
	}
	if got, err := Parse("  \n"); err != nil || len(got) != 0 {
		t.Errorf("empty list = %v, %v", got, err)
	}
}

func TestParseRefusesWithAFrenchMessage(t *testing.T) {
	for line, want := range map[string]string{
		"http://www.mairie.fr":           "https://",
		"www.mairie.fr":                  "adresse complète",
		"https://www.mairie.fr/agenda":   "sans chemin",
		"https://www.mairie.fr?x=1":      "sans chemin",
		"https://www.mairie.fr#haut":     "sans chemin",
		"https://moi@www.mairie.fr":      "sans chemin",
		"https://*.mairie.fr":            "pas valide",
		"https://localhost":              "pas valide",
		"https://mairie.fr 'unsafe'":     "",
		"https://mairie.fr;script-src *": "",
	} {
		_, err := Parse(line)
		var e *Erreur
		if !errors.As(err, &e) || !strings.Contains(e.Message, want) || !strings.Contains(e.Message, "« ") {
			t.Errorf("Parse(%q) = %v, want a message with %q", line, err, want)
		}
	}
	var many []string
	for i := range Max + 1 {
		many = append(many, "https://site"+string(rune('a'+i))+".example")
	}
	if _, err := Parse(strings.Join(many, "\n")); err == nil || !strings.Contains(err.Error(), "au plus") {
		t.Errorf("too many sites: %v", err)
	}
}

// A list written past the form (API, admin UI) never reaches a header
// unchecked: a directive slipped after an origin is dropped with its line.
func TestKeepDropsWhatParseRefuses(t *testing.T) {
	got := Keep("https://www.mairie.fr\nhttps://evil.example; script-src *\nhttp://x.fr\n\nhttps://WWW.mairie.fr/\nhttps://b.fr 'unsafe-inline'")
	if want := []string{"https://www.mairie.fr"}; !slices.Equal(got, want) {
		t.Errorf("Keep = %v, want %v", got, want)
	}
}
