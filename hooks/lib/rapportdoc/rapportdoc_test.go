package rapportdoc

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"atelier/hooks/lib/stats"
)

func f(v float64) *float64 { return &v }

func TestEvolution(t *testing.T) {
	cases := []struct {
		c    Chiffre
		want string
	}{
		{Chiffre{Sorte: SorteNombre, Valeur: f(12), Precedent: f(9)}, "+3"},
		{Chiffre{Sorte: SorteNombre, Valeur: f(1234), Precedent: f(2500)}, "−1\u202f266"},
		{Chiffre{Sorte: SorteNombre, Valeur: f(4), Precedent: f(4)}, "="},
		{Chiffre{Sorte: SorteMinutes, Valeur: f(315), Precedent: f(480)}, "−2\u00a0h\u00a045"},
		{Chiffre{Sorte: SorteTaux, Valeur: f(0.5), Precedent: f(0.45)}, "+5\u00a0pts"},
		{Chiffre{Sorte: SorteTaux, Valeur: f(0.5), Precedent: f(0.502)}, "="},
		{Chiffre{Sorte: SorteTaux, Valeur: f(0.5), Precedent: nil}, ""},
	}
	for _, c := range cases {
		if got := c.c.Evolution(); got != c.want {
			t.Errorf("%+v: %q, want %q", c.c, got, c.want)
		}
	}
	if got := (Chiffre{Sorte: SorteTaux, Valeur: f(0.875)}).Texte(); got != "87,5\u202f%" {
		t.Errorf("rate: %q", got)
	}
}

// A breakdown with many rows keeps the nine largest, in the engine's
// order, and adds up the others in « Autres »; empty rows are left out.
func TestChartsKeepTheLargestRows(t *testing.T) {
	var lines []stats.Ligne
	for i := range 14 {
		lines = append(lines, stats.Ligne{Libelle: fmt.Sprintf("Commune %02d", i), Nombre: i})
	}
	lines = append(lines, stats.Ligne{Libelle: "Commune ex aequo", Nombre: 5})
	s := &Snapshot{Repartitions: []Repartition{{Titre: "Par commune", Unite: "personnes", Lignes: lines}}}
	g := s.Graphiques()[0]
	var got []string
	for _, b := range g.Barres {
		got = append(got, fmt.Sprintf("%s=%v", b.Libelle, b.Valeur))
	}
	want := "Commune 05=5 Commune 06=6 Commune 07=7 Commune 08=8 Commune 09=9 Commune 10=10 Commune 11=11 Commune 12=12 Commune 13=13 Autres=15"
	if g.Titre != "Par commune (personnes)" || strings.Join(got, " ") != want {
		t.Fatalf("%s\n%s", g.Titre, strings.Join(got, " "))
	}
	small := &Snapshot{Repartitions: []Repartition{{Titre: "Par durée", Unite: "accompagnements", Lignes: []stats.Ligne{
		{Libelle: "Moins de 30 min", Nombre: 1}, {Libelle: "30 min à 1 h", Nombre: 0}, {Libelle: "2 h et plus", Nombre: 4}}}}}
	if b := small.Graphiques()[0].Barres; len(b) != 2 || b[0].Libelle != "Moins de 30 min" || b[1].Libelle != "2 h et plus" {
		t.Fatalf("natural order lost: %+v", b)
	}
}

func TestDeMois(t *testing.T) {
	for month, want := range map[time.Month]string{time.January: "de janvier 2027", time.April: "d'avril 2027",
		time.August: "d'août 2027", time.October: "d'octobre 2027"} {
		if got := DeMois(time.Date(2027, month, 1, 12, 0, 0, 0, time.UTC)); got != want {
			t.Errorf("%s: %q", month, got)
		}
	}
}

// Reports stored before the snapshot had this layout are not drawn.
func TestOldSnapshot(t *testing.T) {
	s := &Snapshot{Mois: "2026-10"}
	if s.Complet() {
		t.Fatal("an old snapshot is complete")
	}
	if _, err := s.PDF(nil); err == nil {
		t.Fatal("drew an old snapshot")
	}
}
