package texte

import (
	"slices"
	"strings"
	"testing"
)

func TestPlier(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"Atelier", "atelier"},
		// titles: accents and case go, other punctuation stays
		{"Sécuriser ses COMPTES, éviter les arnaques", "securiser ses comptes, eviter les arnaques"},
		// names: hyphens, apostrophes and runs of spaces are one space
		{"Éloïse  Le-Dû", "eloise le du"},
		{"D'ARTAGNAN Œdipe", "d artagnan oedipe"},
		{"N’Diaye", "n diaye"},
		{"  Jean -- Pierre\t", "jean pierre"},
		// every folded letter, upper and lower case
		{"ÀÁÂÄÃÅÆ àáâäãåæ", "aaaaaaae aaaaaaae"},
		{"ÇÈÉÊË çèéêë", "ceeee ceeee"},
		{"ÌÍÎÏÑ ìíîïñ", "iiiin iiiin"},
		{"ÒÓÔÖÕØŒ òóôöõøœ", "oooooooe oooooooe"},
		{"ÙÚÛÜÝ ùúûüýÿ", "uuuuy uuuuyy"},
		// what it does not know is kept, lower-cased
		{"Łódź", "łodź"},
		{"Saint-Benoît 86280", "saint benoit 86280"},
	} {
		if got := Plier(c.in); got != c.want {
			t.Errorf("Plier(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestSansAccents(t *testing.T) {
	for in, want := range map[string]string{
		"":                       "",
		"Éloïse Le-Dû":           "Eloise Le-Du",
		"Œuvre, cœur & Æsop":     "OEuvre, coeur & AEsop",
		"ÀÉÎÕÜÇÑÝ àéîõüçñýÿ":     "AEIOUCNY aeioucnyy",
		`L'atelier « 2 » "Łódź"`: `L'atelier « 2 » "Łodź"`,
	} {
		if got := SansAccents(in); got != want {
			t.Errorf("SansAccents(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRecherche(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"  Jean   Dupont ", "Jean Dupont"},
		{"06 12 34", "06 12 34"},
		{strings.Repeat("é", 250), strings.Repeat("é", RechercheMax)},
		{strings.Repeat("a", 199) + " b", strings.Repeat("a", 199)},
		{"", ""},
	} {
		if got := Recherche(c.in); got != c.want {
			t.Errorf("Recherche(%.20q…) = %.20q… (%d), want %.20q… (%d)", c.in, got, len([]rune(got)), c.want, len([]rune(c.want)))
		}
	}
}

func TestPhrases(t *testing.T) {
	cases := map[string][]string{
		"": nil,
		"Créer son compte sur impots.gouv. Déclarer ses revenus.": {"Créer son compte sur impots.gouv.", "Déclarer ses revenus."},
		"  Envoyer un e-mail  ": {"Envoyer un e-mail."},
		"Une. . Deux.":          {"Une.", "Deux."},
	}
	for in, want := range cases {
		if got := Phrases(in); !slices.Equal(got, want) {
			t.Errorf("Phrases(%q) = %q, want %q", in, got, want)
		}
	}
}
