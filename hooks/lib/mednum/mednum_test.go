package mednum

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"atelier/hooks/lib/referentiel"
)

// Every thématique and besoin of Atelier has its service in the schema:
// nothing a structure does is lost on the national map.
func TestEveryReferenceValueHasAService(t *testing.T) {
	for _, v := range referentiel.Thematiques.Values() {
		if got := Services([]string{v}, nil); len(got) != 1 || !slices.Contains(servicesOrder, got[0]) {
			t.Errorf("thématique %s → %v", v, got)
		}
	}
	for _, v := range referentiel.Besoins.Values() {
		if got := Services(nil, []string{v}); len(got) != 1 {
			t.Errorf("besoin %s → %v", v, got)
		}
	}
	got := Services([]string{"email", "sante", "bureautique", "inconnue"}, []string{"emploi"})
	want := []string{ServiceDemarches, ServiceQuotidien, ServiceInsertion}
	if !slices.Equal(got, want) {
		t.Errorf("Services = %v, want %v (schema order, once each)", got, want)
	}
}

func TestFieldHelpers(t *testing.T) {
	if Join("a", "", " b ", "a") != "a|b" || Join() != "" {
		t.Error("Join")
	}
	if Pivot("21860194200019") != "21860194200019" || Pivot("") != PivotInconnu || Pivot("12") != PivotInconnu {
		t.Error("Pivot")
	}
	if CodeInsee("2A004") != "2A004" || CodeInsee("20004") != "" || CodeInsee("97411") != "97411" {
		t.Error("CodeInsee")
	}
	if Telephone("+33549525252") != "+33549525252" || Telephone("+4915112345678") != "" {
		t.Error("Telephone")
	}
	for text, osm := range map[string]bool{
		"Mo-Fr 09:00-12:00,14:00-18:30; Sa 08:30-12:00": true,
		"Tu-Sa 10:00-18:00":                             true,
		"24/7":                                          true,
		"Mo,We 14:00-17:00; Su off":                     true,
		"Le lundi de 9 h à 12 h":                        false,
		"":                                              false,
	} {
		if OpeningHours(text) != osm {
			t.Errorf("OpeningHours(%q) = %v", text, !osm)
		}
	}
}

func TestCompleteAndCSV(t *testing.T) {
	l := Lieu{ID: "abc", Pivot: PivotInconnu, Nom: "Lieu", Commune: "Niort", CodePostal: "79000", Adresse: "1 rue", DateMaj: "2026-11-02"}
	if !l.Complete() {
		t.Fatal("a complete place is refused")
	}
	for _, spoil := range []func(*Lieu){
		func(l *Lieu) { l.Adresse = " " }, func(l *Lieu) { l.CodePostal = "7900" }, func(l *Lieu) { l.Commune = "" },
		func(l *Lieu) { l.Pivot = "" }, func(l *Lieu) { l.DateMaj = "" }, func(l *Lieu) { l.Nom = "" },
	} {
		bad := l
		spoil(&bad)
		if bad.Complete() {
			t.Errorf("incomplete place accepted: %+v", bad)
		}
	}
	lat := 46.3
	l.Latitude = &lat
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []Lieu{l}); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || lines[0] != strings.Join(Columns, ",") || !strings.HasPrefix(lines[1], "abc,00000000000000,Lieu,Niort,79000,,1 rue,,46.3,,") {
		t.Errorf("csv = %q", buf.String())
	}
	if len(l.Record()) != len(Columns) {
		t.Error("a line does not have one value per column")
	}
}

// The patterns below are the national map library's own
// (models/adresse/adresse.js of @gouvfr-anct/lieux-de-mediation-numerique).
func TestVoieAndCommuneFollowTheNationalPatterns(t *testing.T) {
	voie := regexp.MustCompile(`^[0-9A-Za-zÀ-ÖØ-öø-ÿœ-ŸŒ\-,()°.&:+–|;'’/\s]+$`)
	commune := regexp.MustCompile(`^[A-Za-z\dÀ-ÖØ-öø-ÿœ-ŸŒ\-'’\s]+$`)
	for in, want := range map[string]string{
		`12 place du "Marché"`:              "12 place du Marché",
		"4 rue de l'Université":             "4 rue de l'Université",
		"Bât. « B », 3 bis av. Œuvre n°2 !": "Bât. B, 3 bis av. Œuvre n°2",
		"  Résidence “Les Lilas” (porte 3)": "Résidence Les Lilas (porte 3)",
		"Entrée #2 @ côté parc":             "Entrée 2 côté parc",
	} {
		got := Voie(in)
		if got != want || !voie.MatchString(got) {
			t.Errorf("Voie(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"Saint-Denis":       "Saint-Denis",
		"L’Haÿ-les-Roses":   "L’Haÿ-les-Roses",
		"Poitiers (Vienne)": "Poitiers Vienne",
		"Paris 11e.":        "Paris 11e",
	} {
		got := Commune(in)
		if got != want || !commune.MatchString(got) {
			t.Errorf("Commune(%q) = %q, want %q", in, got, want)
		}
	}
}
