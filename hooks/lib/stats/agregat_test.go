package stats

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// randomDonnees draws activity of three structures in three time zones
// over 15 months around a year end, with people met in several months and
// several structures, so that distinct counts and month edges matter.
func randomDonnees(t *testing.T, seed uint64) *Donnees {
	r := rand.New(rand.NewPCG(seed, 1))
	d := &Donnees{Structures: map[string]Structure{
		"N": {ID: "N", Fuseau: zone(t, "Pacific/Noumea")},
		"R": {ID: "R", Fuseau: zone(t, "Indian/Reunion")},
		"C": {ID: "C", Fuseau: zone(t, "America/Cayenne")},
	}}
	ids := []string{"N", "R", "C"}
	pick := func(l ...string) string { return l[r.IntN(len(l))] }
	var people []Personne
	for i := range 40 {
		people = append(people, Personne{ID: string(rune('a'+i%26)) + string(rune('0'+i/26)), AnneeNaissance: pick2(r, 0, 1940+r.IntN(70)),
			Genre: pick("", "feminin", "masculin"), StatutSocial: pick("", "retraite", "en_emploi"), Commune: pick("", "Nouméa", "nouméa ", "Cayenne")})
	}
	start := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	at := func() time.Time { return start.Add(time.Duration(r.IntN(15*31*24*4)) * 15 * time.Minute) }
	for i := range 120 {
		s := Seance{ID: "s" + string(rune(i)), Structure: pick(ids...), Statut: pick("planifiee", "realisee", "realisee", "annulee"),
			Besoin: pick("debuter", "emploi", ""), Thematiques: []string{pick("email", "reseaux_sociaux")}, ParticipantsAnonymes: r.IntN(3)}
		s.Debut = at()
		s.Fin = s.Debut.Add(time.Duration(15+r.IntN(200)) * time.Minute)
		for range r.IntN(6) {
			s.Inscriptions = append(s.Inscriptions, Inscription{Statut: pick("inscrit", "present", "absent", "liste_attente", "annule"),
				EtaitEnAttente: r.IntN(5) == 0, Rappel: pick("", "email", "sms", "appel"), Personne: people[r.IntN(len(people))]})
		}
		d.Seances = append(d.Seances, s)
	}
	for range 150 {
		a := Accompagnement{Structure: pick(ids...), Date: at(), DureeMinutes: 5 + r.IntN(150), TypeLieu: pick("lieu_activite", "domicile", "a_distance"),
			Thematiques: []string{pick("email", "sante")}, TrancheAge: pick("", "moins_12"), Genre: pick("", "feminin"), StatutSocial: pick("", "retraite")}
		if r.IntN(3) > 0 {
			p := people[r.IntN(len(people))]
			a.Personne = &p
		}
		// referrals with every follow-up, and the 2025 model's counts
		a.Oriente = r.IntN(3) == 0
		if a.Oriente {
			a.SuiviOrientation = pick("", "oui", "non", "pas_encore")
		}
		if r.IntN(2) == 0 {
			a.ThematiquesDemarche = []string{pick("logement", "argent_impots")}
			a.Etiquettes = []string{pick("CAF", "Mairie")}
		}
		a.Premier = r.IntN(4) == 0
		d.Accompagnements = append(d.Accompagnements, a)
	}
	return d
}

func pick2(r *rand.Rand, a, b int) int {
	if r.IntN(4) == 0 {
		return a
	}
	return b
}

func TestAssemblerEqualsCalculer(t *testing.T) {
	for seed := range uint64(5) {
		d := randomDonnees(t, seed)
		var aggs []*Agregat
		for _, a := range Agreger(d) {
			aggs = append(aggs, a)
		}
		for _, f := range []Filtre{
			{Periode: Mois(2025, time.December)},
			{Periode: Periode{Date{2025, time.November, 1}, Date{2026, time.October, 31}}},
			{Periode: Periode{Date{2025, time.December, 1}, Date{2026, time.January, 31}}, Structure: "N"},
			{Periode: Mois(2026, time.January), Structure: "C"},
			{Periode: Periode{Date{2025, time.October, 1}, Date{2026, time.December, 31}}, Structure: "R"},
		} {
			if !f.EntierMois() {
				t.Fatalf("%v is whole months", f)
			}
			want, got := Calculer(d, f), Assembler(aggs, f)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("seed %d, %+v:\nCalculer  %+v\nAssembler %+v", seed, f, want, got)
			}
		}
	}
}

func TestEntierMois(t *testing.T) {
	for _, c := range []struct {
		p    Periode
		want bool
	}{
		{Mois(2028, time.February), true},
		{Periode{Date{2028, time.February, 1}, Date{2028, time.February, 28}}, false},
		{Periode{Date{2026, time.January, 2}, Date{2026, time.January, 31}}, false},
		{Periode{Date{2026, time.March, 1}, Date{2026, time.January, 31}}, false},
	} {
		if got := (Filtre{Periode: c.p}).EntierMois(); got != c.want {
			t.Errorf("%v: EntierMois %v, want %v", c.p, got, c.want)
		}
	}
}

func TestAgregatSurvivesStorage(t *testing.T) {
	d := randomDonnees(t, 9)
	d.Accompagnements[0].Personne = &Personne{ID: "x", AnneeNaissance: 1950, Commune: "Saint-\x1fDenis\x1e\x1b", Genre: "feminin"}
	d.Accompagnements[1].Personne = &Personne{ID: "y"}
	for k, a := range Agreger(d) {
		b, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		back := &Agregat{Structure: k.Structure, Mois: k.Mois}
		if err := json.Unmarshal(b, back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if back.Vus, err = LireVus(a.Vus.Texte()); err != nil {
			t.Fatalf("%q: %v", a.Vus.Texte(), err)
		}
		// nil and empty read alike
		if len(a.Vus) == 0 {
			a.Vus = back.Vus
		}
		if len(a.Comptes) == 0 {
			a.Comptes = back.Comptes
		}
		if len(a.Rappels) == 0 {
			a.Rappels = back.Rappels
		}
		if !reflect.DeepEqual(a, back) {
			t.Errorf("%v:\nwritten %+v\nread    %+v", k, a, back)
		}
	}
}

func TestLireVusRefusesDamagedText(t *testing.T) {
	for _, s := range []string{"x\x1f1950\x1fg", "x\x1f19a0\x1fg\x1fs\x1fc", "x\x1f1950\x1e"} {
		if _, err := LireVus(s); err == nil {
			t.Errorf("%q read without an error", s)
		}
	}
}
