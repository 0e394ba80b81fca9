package horaires

import (
	"strings"
	"testing"

	"atelier/hooks/lib/mednum"
)

func TestLireEtEcrire(t *testing.T) {
	cases := []struct {
		texte, ecrit string
	}{
		{"", ""},
		{"Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off", "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"},
		{"Mo,Tu,We 10:00-18:00", "Mo-We 10:00-18:00"},
		{"Mo,Tu 10:00-18:00", "Mo,Tu 10:00-18:00"},
		{"Mo 08:00-12:00; We 08:00-12:00", "Mo 08:00-12:00; We 08:00-12:00"},
		{"Mo-Sa 09:00-18:00; We off", "Mo,Tu 09:00-18:00; Th-Sa 09:00-18:00"},
		{"Mo-Sa 09:00-18:00; We closed", "Mo,Tu 09:00-18:00; Th-Sa 09:00-18:00"},
		{"Sa-Mo 10:00-12:00", "Mo 10:00-12:00; Sa,Su 10:00-12:00"},
		{"24/7", "Mo-Su 00:00-24:00"},
		{"Tu 13:30-18:30;", "Tu 13:30-18:30"},
		{"  Th 09:00-12:00 ; Fr 09:00-12:00  ", "Th,Fr 09:00-12:00"},
		{"Mo-Fr 09:00-17:00; PH 10:00-12:00", "Mo-Fr 09:00-17:00; PH 10:00-12:00"},
		{"Mo-Fr,PH 09:00-17:00", "Mo-Fr 09:00-17:00; PH 09:00-17:00"},
		{"Su 20:00-24:00", "Su 20:00-24:00"},
	}
	for _, c := range cases {
		h, err := Lire(c.texte)
		if err != nil {
			t.Errorf("Lire(%q): %v", c.texte, err)
			continue
		}
		got := Ecrire(h)
		if got != c.ecrit {
			t.Errorf("Ecrire(Lire(%q)) = %q, want %q", c.texte, got, c.ecrit)
		}
		// What is written is what the national open-data schema accepts.
		if c.ecrit != "" && !mednum.OpeningHours(got) {
			t.Errorf("%q is refused by the open-data export", got)
		}
		// What is written reads back the same.
		again, err := Lire(Ecrire(h))
		if err != nil || Ecrire(again) != c.ecrit {
			t.Errorf("round trip of %q: %q, %v", c.texte, Ecrire(again), err)
		}
	}
}

func TestLireRefuseEnDisantOu(t *testing.T) {
	cases := []struct {
		texte string
		dit   []string // pieces the message must hold
	}{
		{"Lundi 09:00-12:00", []string{"« Lundi » n'est pas un jour", "Mo, Tu"}},
		{"Mo-Fr 9:00-12:00", []string{"l'heure « 9:00 »", "09:30"}},
		{"Mo-Fr 09:00-12:00; Sa 9h-12h", []string{"Partie 2 « Sa 9h-12h »", "l'heure « 9h »"}},
		{"Mo-Fr", []string{"les jours puis les heures"}},
		{"Mo-Fr 12:00-09:00", []string{"la fermeture doit venir après l'ouverture"}},
		{"Mo 09:00-12:00,11:00-14:00", []string{"sans se chevaucher", "11:00-14:00"}},
		{"Mo 14:00-17:00,09:00-12:00", []string{"dans l'ordre de la journée"}},
		{"Mo 09:00", []string{"« 09:00 » n'est pas une plage horaire"}},
		{"Mo 25:00-26:00", []string{"l'heure « 25:00 »"}},
		{"Mo 09:60-10:00", []string{"l'heure « 09:60 »"}},
		{"Mo 09:00-12:00;; Tu 09:00-12:00", []string{"La partie 2 est vide"}},
		{"Mo-PH 09:00-12:00", []string{"jours fériés (PH)"}},
		{"Jan-Mar Mo 09:00-12:00", []string{"« Jan » n'est pas un jour"}},
		{"Mo 24:00-24:30", []string{"l'heure « 24:30 »"}},
	}
	for _, c := range cases {
		_, err := Lire(c.texte)
		if err == nil {
			t.Errorf("Lire(%q) accepted", c.texte)
			continue
		}
		for _, piece := range c.dit {
			if !strings.Contains(err.Error(), piece) {
				t.Errorf("Lire(%q) = %q, want it to say %q", c.texte, err, piece)
			}
		}
	}
}

func TestApercu(t *testing.T) {
	h, err := Lire("Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off")
	if err != nil {
		t.Fatal(err)
	}
	want := []Ligne{
		{"Lundi", "9\u00a0h – 12\u00a0h, 14\u00a0h – 17\u00a0h\u00a030"},
		{"Mardi", "9\u00a0h – 12\u00a0h, 14\u00a0h – 17\u00a0h\u00a030"},
		{"Mercredi", "9\u00a0h – 12\u00a0h, 14\u00a0h – 17\u00a0h\u00a030"},
		{"Jeudi", "9\u00a0h – 12\u00a0h, 14\u00a0h – 17\u00a0h\u00a030"},
		{"Vendredi", "9\u00a0h – 12\u00a0h, 14\u00a0h – 17\u00a0h\u00a030"},
		{"Samedi", "9\u00a0h – 12\u00a0h"},
		{"Dimanche", "Fermé"},
		{"Jours fériés", "Fermé"},
	}
	got := Apercu(h)
	if len(got) != len(want) {
		t.Fatalf("Apercu = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
	// Without a word about public holidays, no line for them.
	h, _ = Lire("We 14:00-16:00")
	if got := Apercu(h); len(got) != 7 || got[2].Heures != "14\u00a0h – 16\u00a0h" || got[0].Heures != "Fermé" {
		t.Errorf("Apercu without PH = %q", got)
	}
}

func TestLireHeure(t *testing.T) {
	cases := []struct {
		texte   string
		minutes int
		ok      bool
	}{
		{"9", 540, true}, {"9h", 540, true}, {"9 h 30", 570, true}, {"09:30", 570, true},
		{"9.30", 570, true}, {"9H30", 570, true}, {"24:00", 1440, true}, {"0", 0, true},
		{"", 0, false}, {"25", 0, false}, {"9h5", 0, false}, {"midi", 0, false}, {"9:60", 0, false},
		{"24h01", 0, false}, {"-1", 0, false}, {"123", 0, false},
	}
	for _, c := range cases {
		m, ok := LireHeure(c.texte)
		if ok != c.ok || (ok && m != c.minutes) {
			t.Errorf("LireHeure(%q) = %d, %v; want %d, %v", c.texte, m, ok, c.minutes, c.ok)
		}
	}
}

func TestGrille(t *testing.T) {
	var g Grille
	g.Jours[0] = [2]CaseGrille{{"9h", "12h"}, {"14:00", "17 h 30"}}
	g.Jours[1] = g.Jours[0]
	g.Jours[5][0] = CaseGrille{"9", "12"}
	g.FeriesFermes = true
	h, errs := DeGrille(g)
	if len(errs) > 0 {
		t.Fatalf("DeGrille: %v", errs)
	}
	if got, want := Ecrire(h), "Mo,Tu 09:00-12:00,14:00-17:30; Sa 09:00-12:00; PH off"; got != want {
		t.Errorf("Ecrire(DeGrille) = %q, want %q", got, want)
	}
	back, ok := VersGrille(h)
	if !ok || back.Jours[0][1] != (CaseGrille{"14:00", "17:30"}) || back.Jours[5][0] != (CaseGrille{"09:00", "12:00"}) ||
		!back.FeriesFermes || back.Jours[6][0] != (CaseGrille{}) {
		t.Errorf("VersGrille = %+v, %v", back, ok)
	}
}

func TestGrilleRefuse(t *testing.T) {
	cases := []struct {
		jour, plage int
		c           CaseGrille
		champ, dit  string
	}{
		{0, 0, CaseGrille{"", "12:00"}, "grille-0-0-debut", "Lundi : indiquez l'heure d'ouverture"},
		{2, 0, CaseGrille{"9:00", ""}, "grille-2-0-fin", "Mercredi : indiquez l'heure de fermeture"},
		{3, 1, CaseGrille{"midi", "14:00"}, "grille-3-1-debut", "Jeudi (plage 2) : l'heure d'ouverture « midi »"},
		{4, 0, CaseGrille{"9:00", "25:00"}, "grille-4-0-fin", "l'heure de fermeture « 25:00 »"},
		{6, 0, CaseGrille{"12:00", "9:00"}, "grille-6-0-fin", "Dimanche : la fermeture doit venir après l'ouverture"},
	}
	for _, c := range cases {
		var g Grille
		g.Jours[c.jour][c.plage] = c.c
		_, errs := DeGrille(g)
		if !strings.Contains(errs[c.champ], c.dit) || len(errs) != 1 {
			t.Errorf("DeGrille(%+v) = %v, want %s: %q", c.c, errs, c.champ, c.dit)
		}
	}
	// A second range must follow the first.
	var g Grille
	g.Jours[0] = [2]CaseGrille{{"9:00", "12:00"}, {"11:00", "13:00"}}
	if _, errs := DeGrille(g); !strings.Contains(errs["grille-0-1-debut"], "après la fin de la première") {
		t.Errorf("overlapping ranges: %v", errs)
	}
	// Hours the grid cannot hold are kept for the syntax field.
	for _, texte := range []string{"Mo 08:00-10:00,11:00-12:00,14:00-16:00", "Mo-Fr 09:00-17:00; PH 10:00-12:00"} {
		h, err := Lire(texte)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := VersGrille(h); ok {
			t.Errorf("VersGrille(%q) fits", texte)
		}
	}
}
