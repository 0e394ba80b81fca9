package stats

import (
	"math"
	"reflect"
	"testing"
	"time"
)

// The fixture below is counted by hand in the comments of each test: two
// structures (Paris, and La Réunion four hours ahead of UTC), sessions
// and one-to-one help around October 2026, two of them on the first night
// of a month so that the time zones decide their month.

func utc(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.UTC)
}

func zone(t *testing.T, name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

var (
	p1 = Personne{ID: "p1", AnneeNaissance: 1950, Genre: "feminin", StatutSocial: "retraite", Commune: "Poitiers"}
	p2 = Personne{ID: "p2", AnneeNaissance: 2000, Genre: "masculin", StatutSocial: "en_emploi", Commune: "poitiers "}
	p3 = Personne{ID: "p3"} // nothing known
	p4 = Personne{ID: "p4", AnneeNaissance: 1980, Genre: "feminin", StatutSocial: "sans_emploi", Commune: "Saint-Denis"}
	p5 = Personne{ID: "p5", AnneeNaissance: 1990, Genre: "masculin", Commune: "Niort"} // only ever absent
	p6 = Personne{ID: "p6", AnneeNaissance: 1970}                                      // only ever waiting
)

func ins(statut string, p Personne) Inscription { return Inscription{Statut: statut, Personne: p} }

func fixture(t *testing.T) *Donnees {
	paris, reunion := zone(t, "Europe/Paris"), zone(t, "Indian/Reunion")
	promoted := ins("present", p2)
	promoted.EtaitEnAttente = true
	leftWaiting := ins("annule", p3)
	leftWaiting.EtaitEnAttente = true
	session := func(id, structure, statut string, debut time.Time, minutes int, besoin string, themes []string, anon int, inscriptions ...Inscription) Seance {
		return Seance{ID: id, Structure: structure, Statut: statut, Debut: debut, Fin: debut.Add(time.Duration(minutes) * time.Minute),
			Besoin: besoin, Thematiques: themes, ParticipantsAnonymes: anon, Inscriptions: inscriptions, Capacite: 8}
	}
	return &Donnees{
		Structures: map[string]Structure{
			"P": {ID: "P", Nom: "Médiathèque de Poitiers", Fuseau: paris},
			"R": {ID: "R", Nom: "France Services Saint-Denis", Fuseau: reunion},
		},
		Seances: []Seance{
			// S1, 5 October 9:00 in Paris, 2 h: 2 present (one promoted from
			// the waiting list), 1 absent, 1 still waiting, 1 who left the
			// waiting list, 2 walk-ins.
			session("S1", "P", "realisee", utc(2026, 10, 5, 7, 0), 120, "debuter", []string{"email", "navigation_sur_internet"}, 2,
				ins("present", p1), promoted, ins("absent", p5), ins("liste_attente", p6), leftWaiting),
			// S2, cancelled: nothing of it counts but itself.
			session("S2", "P", "annulee", utc(2026, 10, 12, 7, 0), 120, "debuter", []string{"email"}, 0,
				ins("inscrit", p1), ins("liste_attente", p6)),
			// S3, planned: its registrations count, no attendance yet.
			session("S3", "P", "planifiee", utc(2026, 10, 28, 13, 0), 120, "debuter", []string{"email"}, 0,
				ins("inscrit", p3), ins("liste_attente", p5)),
			// S4, 31 October 23:30 UTC is 1 November 0:30 in Paris: November.
			session("S4", "P", "realisee", utc(2026, 10, 31, 23, 30), 90, "debuter", []string{"email"}, 1,
				ins("present", p1)),
			// S5, 30 September 22:30 UTC is 1 October 0:30 in Paris: October.
			session("S5", "P", "realisee", utc(2026, 9, 30, 22, 30), 45, "emploi", []string{"insertion_professionnelle"}, 0,
				ins("present", p3)),
			// S6, 31 October 21:00 UTC is 1 November 1:00 in La Réunion.
			session("S6", "R", "realisee", utc(2026, 10, 31, 21, 0), 60, "echanger", []string{"reseaux_sociaux"}, 0,
				ins("present", p4)),
			// S7, 10 October in La Réunion, 1 h, 1 present and 3 walk-ins.
			session("S7", "R", "realisee", utc(2026, 10, 10, 6, 0), 60, "echanger", []string{"reseaux_sociaux"}, 3,
				ins("present", p4)),
		},
		Accompagnements: []Accompagnement{
			{ID: "H1", Structure: "P", Date: utc(2026, 10, 7, 10, 0), DureeMinutes: 30, TypeLieu: "lieu_activite",
				Thematiques: []string{"email"}, Personne: &p1, Premier: true, Etiquettes: []string{"Projet seniors"}},
			{ID: "H2", Structure: "P", Date: utc(2026, 10, 15, 10, 0), DureeMinutes: 20, TypeLieu: "domicile",
				Thematiques: []string{"aide_aux_demarches_administratives", "sante"},
				TrancheAge:  "60_69", Genre: "masculin", StatutSocial: "retraite",
				ThematiquesDemarche: []string{"logement", "argent_impots"}, Premier: true, Etiquettes: []string{"CAF", "Projet seniors"}},
			{ID: "H3", Structure: "P", Date: utc(2026, 10, 20, 10, 0), DureeMinutes: 75, TypeLieu: "a_distance",
				Thematiques: []string{"email"}},
			// H4, 31 October 21:00 UTC: November in La Réunion.
			{ID: "H4", Structure: "R", Date: utc(2026, 10, 31, 21, 0), DureeMinutes: 30, TypeLieu: "lieu_activite",
				Thematiques: []string{"email"}, Personne: &p4},
			{ID: "H5", Structure: "R", Date: utc(2026, 10, 3, 8, 0), DureeMinutes: 120, TypeLieu: "autre",
				Thematiques: []string{"bureautique"}, Personne: &p4},
			// H6 in September (in the monthly series only), H7 a year
			// before (nowhere).
			{ID: "H6", Structure: "P", Date: utc(2026, 9, 15, 10, 0), DureeMinutes: 45, TypeLieu: "lieu_activite",
				Thematiques: []string{"email"}},
			{ID: "H7", Structure: "P", Date: utc(2025, 10, 15, 10, 0), DureeMinutes: 10, TypeLieu: "lieu_activite",
				Thematiques: []string{"email"}},
		},
	}
}

var october = Filtre{Periode: Mois(2026, time.October)}

func TestOctoberForEveryStructure(t *testing.T) {
	r := Calculer(fixture(t), october)
	want := Chiffres{
		SeancesRealisees:  3, // S1, S5, S7
		SeancesAnnulees:   1, // S2
		SeancesPlanifiees: 1, // S3
		Inscriptions:      6, // S1: p1, p2, p5; S3: p3; S5: p3; S7: p4
		Presents:          4, // S1: 2; S5: 1; S7: 1
		Absents:           1, // S1: p5
		ListeAttente:      4, // S1: p2 promoted, p6 waiting, p3 left; S3: p5
		Anonymes:          5, // S1: 2; S7: 3
		Participants:      9, // S1: 4; S5: 1; S7: 4
		Individuels:       4, // H1, H2, H3, H5
		Accompagnements:   13,
		Beneficiaires:     4,   // p1, p2, p3, p4
		Personnes:         11,  // 4 + H2, H3 + 5 walk-ins
		MinIndividuels:    245, // 30 + 20 + 75 + 120
		MinAteliers:       225, // 120 + 45 + 60
		MinMediation:      1010,
	}
	if r.Chiffres != want {
		t.Errorf("figures\n got %+v\nwant %+v", r.Chiffres, want)
	}
	if taux, ok := r.Chiffres.TauxPresence(); !ok || taux != 0.8 {
		t.Errorf("attendance rate %v %v, want 0.8", taux, ok)
	}
	if r.Chiffres.MinConseillers() != 470 {
		t.Errorf("advisors' time %d, want 470", r.Chiffres.MinConseillers())
	}

	type row struct {
		v string
		n int
	}
	expect := func(key string, base int, rows ...row) {
		t.Helper()
		rep := r.Repartition(key)
		if rep == nil {
			t.Fatalf("no breakdown %s", key)
		}
		var got []row
		for _, l := range rep.Lignes {
			got = append(got, row{l.Valeur, l.Nombre})
		}
		if !reflect.DeepEqual(got, rows) {
			t.Errorf("%s\n got %v\nwant %v", key, got, rows)
		}
		if rep.Base != base {
			t.Errorf("%s: base %d, want %d", key, rep.Base, base)
		}
	}
	// S1 counts its 4 participants under both of its themes.
	expect(RepThematiques, 13, row{"email", 6}, row{"navigation_sur_internet", 4}, row{"reseaux_sociaux", 4},
		row{"bureautique", 1}, row{"sante", 1}, row{"insertion_professionnelle", 1}, row{"aide_aux_demarches_administratives", 1})
	expect(RepBesoins, 9, row{"debuter", 4}, row{"echanger", 4}, row{"emploi", 1})
	expect(RepLieux, 13, row{"lieu_activite", 10}, row{"domicile", 1}, row{"a_distance", 1}, row{"autre", 1})
	// S1 (2 h) ×4 and H5 (2 h) in « 2 h et plus »; S7 (1 h) ×4 and H3 in « 1 h à 2 h ».
	expect(RepDurees, 13, row{"moins_30", 1}, row{"30_60", 2}, row{"60_120", 5}, row{"120_plus", 5})
	expect(RepAges, 11, row{"moins_12", 0}, row{"12_17", 0}, row{"18_24", 0}, row{"25_39", 1}, row{"40_59", 1},
		row{"60_69", 1}, row{"70_plus", 1}, row{"non_communique", 7})
	expect(RepGenres, 11, row{"masculin", 2}, row{"feminin", 2}, row{"non_communique", 7})
	expect(RepStatuts, 11, row{"scolarise", 0}, row{"sans_emploi", 1}, row{"en_emploi", 1}, row{"retraite", 2}, row{"non_communique", 7})
	// p1 and p2 live in Poitiers (two spellings); p5 was only absent.
	expect(RepCommunes, 11, row{"Poitiers", 2}, row{"Saint-Denis", 1}, row{"", 8})
	if l := r.Repartition(RepCommunes).Lignes[2]; l.Libelle != CommuneInconnue {
		t.Errorf("unknown commune labelled %q", l.Libelle)
	}
	// H2 is a procedure about housing and taxes; H1 and H2 are firsts, H3
	// and H5 are not; H1 and H2 carry tags, H3 and H5 none.
	expect(RepDemarches, 4, row{"logement", 1}, row{"argent_impots", 1})
	expect(RepPremiers, 4, row{"premier", 2}, row{"deja", 2})
	expect(RepEtiquettes, 4, row{"Projet seniors", 2}, row{"CAF", 1})
	multiple := map[string]bool{RepThematiques: true, RepDemarches: true, RepEtiquettes: true}
	for _, rep := range r.Repartitions {
		if !multiple[rep.Cle] && rep.Total() != rep.Base {
			t.Errorf("%s adds up to %d, not %d", rep.Cle, rep.Total(), rep.Base)
		}
	}
}

func TestOneStructure(t *testing.T) {
	f := october
	f.Structure = "P"
	got := Calculer(fixture(t), f).Chiffres
	want := Chiffres{SeancesRealisees: 2, SeancesAnnulees: 1, SeancesPlanifiees: 1, Inscriptions: 5, Presents: 3, Absents: 1,
		ListeAttente: 4, Anonymes: 2, Participants: 5, Individuels: 3, Accompagnements: 8, Beneficiaires: 3, Personnes: 7,
		MinIndividuels: 125, MinAteliers: 165, MinMediation: 650}
	if got != want {
		t.Errorf("structure P\n got %+v\nwant %+v", got, want)
	}
}

func TestMonthByMonth(t *testing.T) {
	r := Calculer(fixture(t), october)
	if len(r.ParMois) != NombreMois {
		t.Fatalf("%d months", len(r.ParMois))
	}
	if first := r.ParMois[0].Mois; first != (Date{2025, time.November, 1}) {
		t.Errorf("series starts %v, want 2025-11-01", first)
	}
	if r.ParMois[11].Chiffres != r.Chiffres {
		t.Errorf("October of the series differs from the period:\n%+v\n%+v", r.ParMois[11].Chiffres, r.Chiffres)
	}
	september := Chiffres{Individuels: 1, Accompagnements: 1, Personnes: 1, MinIndividuels: 45, MinMediation: 45}
	if r.ParMois[10].Chiffres != september {
		t.Errorf("September %+v, want %+v", r.ParMois[10].Chiffres, september)
	}
	for i := 0; i < 10; i++ {
		if r.ParMois[i].Chiffres != (Chiffres{}) {
			t.Errorf("month %v is not empty: %+v", r.ParMois[i].Mois, r.ParMois[i].Chiffres)
		}
	}
}

func TestMonthlyReportComparesWithThePreviousMonth(t *testing.T) {
	rapport := Mensuel(fixture(t), "", 2026, time.November)
	// November: S4 (Paris, 1 present + 1 walk-in, 1 h 30), S6 and H4 (La Réunion).
	want := Chiffres{SeancesRealisees: 2, Inscriptions: 2, Presents: 2, Anonymes: 1, Participants: 3, Individuels: 1,
		Accompagnements: 4, Beneficiaires: 2, Personnes: 3, MinIndividuels: 30, MinAteliers: 150, MinMediation: 270}
	if rapport.Resultat.Chiffres != want {
		t.Errorf("November\n got %+v\nwant %+v", rapport.Resultat.Chiffres, want)
	}
	if rapport.Mois != (Date{2026, time.November, 1}) || rapport.Precedent.Accompagnements != 13 {
		t.Errorf("report of %v, previous month %+v", rapport.Mois, rapport.Precedent)
	}
	byKey := map[string]Evolution{}
	for _, e := range rapport.Evolutions {
		byKey[e.Cle] = e
	}
	if e := byKey["accompagnements"]; e.Valeur != 4 || e.Precedent != 13 || e.Ecart() != -9 {
		t.Errorf("accompagnements %+v, change %v", e, e.Ecart())
	}
	if e := byKey["taux_presence"]; e.Valeur != 1 || e.Precedent != 0.8 || math.Abs(e.Ecart()-0.2) > 1e-9 {
		t.Errorf("attendance rate %+v", e)
	}
	if e := byKey["heures_mediation"]; e.Sorte != SorteMinutes || e.Valeur != 270 || e.Precedent != 1010 {
		t.Errorf("hours %+v", e)
	}
	if len(rapport.Evolutions) != len(Chiffres{}.Cles()) {
		t.Errorf("%d evolutions", len(rapport.Evolutions))
	}
}

func TestAttendanceRateUnknownWithoutAttendance(t *testing.T) {
	cles := Chiffres{}.Cles()
	for _, c := range cles {
		if c.Cle == "taux_presence" && c.Connu {
			t.Error("a rate without attendance is known")
		}
	}
	if e := (Evolution{ChiffreCle: ChiffreCle{Valeur: 1, Connu: true}}); e.Ecart() != 0 {
		t.Errorf("change from an unknown previous rate: %v", e.Ecart())
	}
}

func TestPeriodBoundariesFollowEachStructuresZone(t *testing.T) {
	d := fixture(t)
	in := map[string]bool{}
	for i := range d.Seances {
		in[d.Seances[i].ID] = d.SeanceDans(&d.Seances[i], october)
	}
	for i := range d.Accompagnements {
		in[d.Accompagnements[i].ID] = d.AccompagnementDans(&d.Accompagnements[i], october)
	}
	want := map[string]bool{"S1": true, "S2": true, "S3": true, "S4": false, "S5": true, "S6": false, "S7": true,
		"H1": true, "H2": true, "H3": true, "H4": false, "H5": true, "H6": false, "H7": false}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("in October: %v\nwant %v", in, want)
	}
}

func TestDurationBuckets(t *testing.T) {
	for minutes, want := range map[int]string{0: "moins_30", 29: "moins_30", 30: "30_60", 59: "30_60", 60: "60_120",
		119: "60_120", 120: "120_plus", 600: "120_plus"} {
		if got := TrancheDuree(minutes); got != want {
			t.Errorf("%d min: %s, want %s", minutes, got, want)
		}
		if !TranchesDuree.Has(TrancheDuree(minutes)) {
			t.Errorf("%d min: bucket not in the list", minutes)
		}
	}
}

func TestDates(t *testing.T) {
	f := Filtre{Periode: Periode{Du: Date{2026, time.March, 10}, Au: Date{2026, time.May, 5}}}
	if got := f.Etendue(); got.Du != (Date{2025, time.June, 1}) || got.Au != f.Au {
		t.Errorf("data range %v", got)
	}
	if got := (Date{2026, time.February, 14}).DernierDuMois(); got != (Date{2026, time.February, 28}) {
		t.Errorf("end of February %v", got)
	}
	if got := (Date{2026, time.December, 31}).AjouterJours(1); got != (Date{2027, time.January, 1}) {
		t.Errorf("next day %v", got)
	}
	if got := (Date{2026, time.January, 31}).AjouterMois(-1).String(); got != "2025-12-01" {
		t.Errorf("previous month %v", got)
	}
}

func rappelIns(statut, canal string) Inscription {
	return Inscription{Statut: statut, Rappel: canal, Personne: Personne{ID: statut + canal}}
}

// No-shows by reminder channel: attended registrations of held sessions
// only, days read in the structure's zone, the structure filter kept.
func TestRappelsParCanal(t *testing.T) {
	paris, reunion := zone(t, "Europe/Paris"), zone(t, "Indian/Reunion")
	session := func(structure, statut string, debut time.Time, inscriptions ...Inscription) Seance {
		return Seance{ID: structure + debut.String(), Structure: structure, Statut: statut, Debut: debut, Fin: debut.Add(time.Hour),
			Inscriptions: inscriptions}
	}
	d := &Donnees{
		Structures: map[string]Structure{"P": {ID: "P", Fuseau: paris}, "R": {ID: "R", Fuseau: reunion}},
		Seances: []Seance{
			session("P", "realisee", utc(2026, 10, 5, 7, 0), rappelIns("present", "email"), rappelIns("absent", "email"),
				rappelIns("present", "sms"), rappelIns("absent", ""), rappelIns("liste_attente", "email"), rappelIns("annule", "sms"),
				rappelIns("inscrit", "email")),
			// Not closed, or cancelled: attendance does not count yet.
			session("P", "planifiee", utc(2026, 10, 10, 7, 0), rappelIns("absent", "email")),
			session("P", "annulee", utc(2026, 10, 12, 7, 0), rappelIns("absent", "sms")),
			// 1 November 00:30 in Paris: November, not October.
			session("P", "realisee", utc(2026, 10, 31, 23, 30), rappelIns("absent", "sms")),
			// 1 October 00:30 in Paris: October; a phone call recorded by
			// another channel.
			session("P", "realisee", utc(2026, 9, 30, 22, 30), rappelIns("present", "appel")),
			session("R", "realisee", utc(2026, 10, 6, 7, 0), rappelIns("absent", "email")),
		},
	}
	got := Calculer(d, Filtre{Periode: Mois(2026, time.October), Structure: "P"}).Rappels
	want := []LigneRappel{
		{Canal: "email", Libelle: "Rappel par e-mail", Inscriptions: 2, Absents: 1},
		{Canal: "sms", Libelle: "Rappel par SMS", Inscriptions: 1, Absents: 0},
		{Canal: "appel", Libelle: "Rappel par téléphone", Inscriptions: 1, Absents: 0},
		{Canal: RappelAucun, Libelle: "Aucun rappel", Inscriptions: 1, Absents: 1},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("October in P:\n got %+v\nwant %+v", got, want)
	}
	if taux, ok := got[0].TauxAbsence(); !ok || taux != 0.5 {
		t.Errorf("e-mail no-show rate = %v, %v", taux, ok)
	}
	if taux, ok := got[3].TauxAbsence(); !ok || taux != 1 {
		t.Errorf("no-reminder no-show rate = %v, %v", taux, ok)
	}
	all := Calculer(d, Filtre{Periode: Mois(2026, time.October)}).Rappels
	if all[0].Inscriptions != 3 || all[0].Absents != 2 {
		t.Errorf("every structure, e-mail: %+v", all[0])
	}

	// Nothing attended: the rows stay, with no rate (no division by zero).
	empty := Calculer(d, Filtre{Periode: Mois(2026, time.December)}).Rappels
	if len(empty) != 3 {
		t.Fatalf("empty period: %+v", empty)
	}
	for _, l := range empty {
		if _, ok := l.TauxAbsence(); ok || l.Inscriptions != 0 || l.Absents != 0 {
			t.Errorf("empty period: %+v", l)
		}
	}
}
