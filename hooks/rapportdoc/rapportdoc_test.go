package rapportdoc

import (
	"fmt"
	"testing"
	"time"

	"atelier/hooks/stats"
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

// A breakdown with many rows keeps the nine largest and adds « Autres ».
func TestChartsKeepTheLargestRows(t *testing.T) {
	var lines []stats.Ligne
	for i := range 14 {
		lines = append(lines, stats.Ligne{Libelle: fmt.Sprintf("Commune %02d", i), Nombre: i})
	}
	s := &Snapshot{Repartitions: []Repartition{{Titre: "Par commune", Unite: "personnes", Lignes: lines}}}
	g := s.Graphiques()[0]
	if g.Titre != "Par commune (personnes)" || len(g.Barres) != 10 || g.Barres[0].Libelle != "Commune 13" ||
		g.Barres[9].Libelle != "Autres" || g.Barres[9].Valeur != 0+1+2+3+4 {
		t.Fatalf("%+v", g)
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
