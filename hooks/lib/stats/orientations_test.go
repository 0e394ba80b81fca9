package stats

import (
	"testing"
	"time"
)

func TestCompterOrientations(t *testing.T) {
	paris := zone(t, "Europe/Paris")
	help := func(structure string, date time.Time, oriente bool, suivi string) Accompagnement {
		return Accompagnement{Structure: structure, Date: date, DureeMinutes: 30, Oriente: oriente, SuiviOrientation: suivi}
	}
	d := &Donnees{
		Structures: map[string]Structure{"P": {ID: "P", Fuseau: paris}, "Q": {ID: "Q", Fuseau: paris}},
		Accompagnements: []Accompagnement{
			help("P", utc(2026, 10, 2, 10, 0), true, "oui"),
			help("P", utc(2026, 10, 3, 10, 0), true, "oui"),
			help("P", utc(2026, 10, 4, 10, 0), true, "non"),
			help("P", utc(2026, 10, 5, 10, 0), true, "pas_encore"),
			help("P", utc(2026, 10, 6, 10, 0), true, ""),
			help("P", utc(2026, 10, 7, 10, 0), false, ""),    // not a referral
			help("P", utc(2026, 9, 30, 22, 30), true, "oui"), // 1 October 00:30 in Paris: in October
			help("P", utc(2026, 9, 30, 21, 30), true, "non"), // 30 September 23:30 in Paris: before
			help("Q", utc(2026, 10, 8, 10, 0), true, "non"),  // another structure
		},
	}
	got := CompterOrientations(d, Filtre{Periode: Mois(2026, time.October), Structure: "P"})
	want := Orientations{Total: 6, Alle: 3, PasAlle: 1, PasEncore: 1, SansReponse: 1}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if r := Calculer(d, Filtre{Periode: Mois(2026, time.October)}); r.Orientations.Total != 7 || r.Orientations.PasAlle != 2 {
		t.Errorf("Calculer: %+v, want 7 referrals of which 2 not followed", r.Orientations)
	}
}
