package parcours

import (
	"slices"
	"testing"
	"time"
)

var paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

func jour(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 12, 0, 0, 0, paris) }

func individuel(j time.Time, ts ...string) Activite {
	return Activite{Jour: j, Individuel: true, Thematiques: ts}
}

func atelier(j time.Time, besoin, niveau string, ts ...string) Activite {
	return Activite{Jour: j, Besoin: besoin, Niveau: niveau, Thematiques: ts}
}

func TestChronologieGroupsByMonthOldestFirst(t *testing.T) {
	got := Chronologie([]Activite{
		individuel(jour(2026, 3, 2), "sante", "email"),
		atelier(jour(2026, 1, 31), "debuter", "debutant", "email"),
		individuel(jour(2026, 3, 20), "email"),
		atelier(jour(2026, 3, 25), "echanger", "debutant", "reseaux_sociaux"),
		atelier(jour(2026, 3, 26), "debuter", "debutant", "email"),
	})
	if len(got) != 2 {
		t.Fatalf("%d months, want 2: %+v", len(got), got)
	}
	jan, mar := got[0], got[1]
	if !jan.Mois.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, paris)) || jan.Ateliers != 1 || jan.Individuels != 0 {
		t.Errorf("January: %+v", jan)
	}
	if mar.Individuels != 2 || mar.Ateliers != 2 {
		t.Errorf("March counts: %+v", mar)
	}
	// Once each, in the lists' order (email before réseaux sociaux before santé).
	if want := []string{"email", "reseaux_sociaux", "sante"}; !slices.Equal(mar.Thematiques, want) {
		t.Errorf("March thématiques %v, want %v", mar.Thematiques, want)
	}
	if want := []string{"debuter", "echanger"}; !slices.Equal(mar.Besoins, want) {
		t.Errorf("March besoins %v, want %v", mar.Besoins, want)
	}
}

func TestChronologieMonthIsTheStructuresMonth(t *testing.T) {
	// 1 February 00:30 in Paris is still 31 January in UTC.
	got := Chronologie([]Activite{individuel(time.Date(2026, 2, 1, 0, 30, 0, 0, paris), "email")})
	if got[0].Mois.Month() != time.February {
		t.Errorf("month %v, want February", got[0].Mois)
	}
}

func TestNonCouvertsAndNiveaux(t *testing.T) {
	acts := []Activite{
		individuel(jour(2026, 3, 2), "sante", "email"),
		individuel(jour(2026, 3, 9), "banque_et_achats_en_ligne"),
		atelier(jour(2026, 3, 25), "debuter", "debutant", "email"),
		atelier(jour(2026, 4, 25), "debuter", "intermediaire", "email", "navigation_sur_internet"),
	}
	if got, want := NonCouverts(acts), []string{"sante", "banque_et_achats_en_ligne"}; !slices.Equal(got, want) {
		t.Errorf("not covered %v, want %v", got, want)
	}
	got := NiveauxAtteints(acts)
	if got["email"] != 2 || got["navigation_sur_internet"] != 2 || got["sante"] != 0 {
		t.Errorf("levels %v", got)
	}
}

func TestSuggererNeedsFirstThenNextLevel(t *testing.T) {
	acts := []Activite{
		individuel(jour(2026, 3, 2), "sante"),
		atelier(jour(2026, 3, 25), "debuter", "debutant", "email"),
	}
	props := []Proposition{
		{Seance: "email-debutant", Niveau: "debutant", Thematiques: []string{"email"}},              // already done
		{Seance: "email-avance", Niveau: "avance", Thematiques: []string{"email"}},                  // skips a level
		{Seance: "email-inter", Niveau: "intermediaire", Thematiques: []string{"email"}},            // next level
		{Seance: "sante", Niveau: "debutant", Thematiques: []string{"securite_numerique", "sante"}}, // a need
		{Seance: "bureautique", Niveau: "debutant", Thematiques: []string{"bureautique"}},           // unrelated
	}
	got := Suggerer(acts, props, 5)
	var ids []string
	for _, s := range got {
		ids = append(ids, s.Seance+":"+s.Raison)
	}
	if want := []string{"sante:besoin", "email-inter:niveau_suivant"}; !slices.Equal(ids, want) {
		t.Fatalf("suggested %v, want %v", ids, want)
	}
	if !slices.Equal(got[0].Pourquoi, []string{"sante"}) || !slices.Equal(got[1].Pourquoi, []string{"email"}) {
		t.Errorf("why: %v / %v", got[0].Pourquoi, got[1].Pourquoi)
	}
	if n := len(Suggerer(acts, props, 1)); n != 1 {
		t.Errorf("%d suggestions, want at most 1", n)
	}
	if got := Suggerer(nil, props, 5); len(got) != 0 {
		t.Errorf("nothing done, nothing known: suggested %v", got)
	}
}

func TestEtatIsTheLatestAnswer(t *testing.T) {
	d := jour(2026, 3, 2)
	for _, c := range []struct {
		reponses []Reponse
		want     string
		attend   bool
	}{
		{nil, "", true},
		{[]Reponse{{"pas_encore", d}}, "pas_encore", true},
		{[]Reponse{{"oui", d.AddDate(0, 0, 7)}, {"pas_encore", d}}, "oui", false},
		{[]Reponse{{"pas_encore", d}, {"non", d}}, "non", false}, // same instant: the last given
	} {
		got := Etat(c.reponses)
		if got != c.want || AttendReponse(got) != c.attend {
			t.Errorf("Etat(%v) = %q (waits %v), want %q (waits %v)", c.reponses, got, AttendReponse(got), c.want, c.attend)
		}
	}
}
