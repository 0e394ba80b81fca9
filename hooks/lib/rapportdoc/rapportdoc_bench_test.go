package rapportdoc

import (
	"fmt"
	"testing"
	"time"

	"atelier/hooks/lib/stats"
)

// A busy month's report drawn from its snapshot: 13 key figures, 8
// breakdowns and 300 sessions held (about ten pages).
func BenchmarkSnapshotPDF(b *testing.B) {
	v := func(x float64) *float64 { return &x }
	s := &Snapshot{Version: Version, Structure: "Médiathèque du banc", Mois: "2026-10", Fuseau: "Europe/Paris",
		GenereLe: time.Date(2026, 11, 1, 5, 0, 0, 0, time.UTC)}
	for i := range 13 {
		s.Chiffres = append(s.Chiffres, Chiffre{Cle: fmt.Sprint(i), Libelle: fmt.Sprintf("Chiffre %d", i), Sorte: SorteNombre,
			Valeur: v(float64(100 + i)), Precedent: v(float64(90 + i))})
	}
	for r := range 8 {
		rep := Repartition{Titre: fmt.Sprintf("Répartition %d", r), Unite: "accompagnements"}
		for l := range 12 {
			rep.Lignes = append(rep.Lignes, stats.Ligne{Libelle: fmt.Sprintf("Valeur %d", l), Nombre: 5 + l*r})
		}
		s.Repartitions = append(s.Repartitions, rep)
	}
	for i := range 300 {
		s.Seances = append(s.Seances, Seance{Debut: time.Date(2026, 10, 1+i%31, 8, 0, 0, 0, time.UTC),
			Atelier: "Atelier du banc", Lieu: "Salle", Participants: 6})
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.PDF(nil); err != nil {
			b.Fatal(err)
		}
	}
}
