package demodata

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"atelier/hooks/lib/contact"
)

var fixedNow = time.Date(2026, time.November, 23, 10, 17, 0, 0, time.UTC)

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := Generate(fixedNow, 42), Generate(fixedNow, 42)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("two data sets generated with the same seed and instant differ")
	}
	if c := Generate(fixedNow, 43); reflect.DeepEqual(a.Beneficiaires, c.Beneficiaires) {
		t.Fatal("another seed gives the same people")
	}
}

// Several instants (around the DST changes too) and seeds all give a
// consistent data set.
func TestGenerateIsConsistent(t *testing.T) {
	nows := []time.Time{
		fixedNow,
		time.Date(2026, time.March, 29, 0, 30, 0, 0, time.UTC),    // mainland switches to summer time
		time.Date(2026, time.October, 25, 23, 59, 0, 0, time.UTC), // and back
		time.Date(2027, time.January, 1, 20, 0, 0, 0, time.UTC),   // already 1 January in La Réunion
		time.Date(2026, time.June, 6, 12, 0, 0, 0, time.UTC),      // a Saturday
	}
	for _, now := range nows {
		for seed := int64(1); seed <= 5; seed++ {
			d := Generate(now, seed)
			if err := d.Validate(now); err != nil {
				t.Errorf("now %s, seed %d:\n%v", now, seed, err)
			}
		}
	}
}

func TestGenerateSizes(t *testing.T) {
	d := Generate(fixedNow, 1)
	check := func(what string, got, lo, hi int) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %d, want %d–%d", what, got, lo, hi)
		}
	}
	check("structures", len(d.Structures), 2, 2)
	check("lieux", len(d.Lieux), 4, 4)
	check("staff", len(d.Staff), 7, 7)
	check("seances", len(d.Seances), 35, 45)
	check("beneficiaires", len(d.Beneficiaires), 140, 160)
	check("accompagnements", len(d.Accompagnements), 280, 320)

	var past, future, cancelled, toFill, private, anonymous, waiting, linked, relatives int
	statuts := map[string]int{}
	sources := map[string]int{}
	for _, se := range d.Seances {
		if se.Debut.Before(fixedNow) {
			past++
			if se.Statut == "planifiee" {
				toFill++
			}
		} else {
			future++
		}
		if se.Statut == "annulee" {
			cancelled++
		}
		if !se.Publique {
			private++
		}
		anonymous += se.ParticipantsAnonymes
	}
	for _, ins := range d.Inscriptions {
		statuts[ins.Statut]++
		sources[ins.Source]++
		if ins.Statut == "liste_attente" {
			waiting++
		}
		if ins.InscritPar != "" {
			relatives++
		}
	}
	for _, a := range d.Accompagnements {
		if a.Beneficiaire >= 0 {
			linked++
		}
	}
	check("past sessions", past, 20, 32)
	check("future sessions", future, 10, 20)
	check("cancelled sessions", cancelled, 1, 3)
	check("past sessions to fill in", toFill, 1, 4)
	check("private sessions", private, 2, 6)
	check("walk-ins", anonymous, 1, 40)
	check("waiting list", waiting, 2, 10)
	check("present", statuts["present"], statuts["absent"]*2, 1000)
	check("absent", statuts["absent"], 1, 1000)
	check("inscrit", statuts["inscrit"], 20, 1000)
	check("annule", statuts["annule"], 3, 1000)
	for _, s := range []string{"public", "conseiller", "sur_place"} {
		check("source "+s, sources[s], 5, 1000)
	}
	check("registered by a relative", relatives, 5, 200)
	check("helps linked to a person", linked, 110, 190)
}

func TestGenerateLooksFrench(t *testing.T) {
	d := Generate(fixedNow, 1)
	var accents, apostrophes, compounds, emails int
	for _, b := range d.Beneficiaires {
		name := b.Prenom + " " + b.Nom
		if strings.ContainsAny(name, "éèêëàâîïôûüçÉ") {
			accents++
		}
		if strings.Contains(name, "'") {
			apostrophes++
		}
		if strings.Contains(b.Prenom, "-") {
			compounds++
		}
		if b.Email != "" {
			emails++
		}
	}
	if accents < 10 || apostrophes < 1 || compounds < 5 || emails < 30 {
		t.Errorf("names: %d accented, %d with apostrophe, %d compound first names, %d emails",
			accents, apostrophes, compounds, emails)
	}
	if d.Structures[1].Fuseau != "Indian/Reunion" || !strings.HasPrefix(d.Structures[1].CodePostal, "974") {
		t.Errorf("second structure should be in La Réunion: %+v", d.Structures[1])
	}
	for _, s := range d.Staff {
		if strings.ContainsAny(s.Email, "éèçï' ") {
			t.Errorf("staff email %q is not plain ASCII", s.Email)
		}
	}
	if len(Password) < 10 {
		t.Errorf("demo password %q is too short", Password)
	}
}

func TestValidateCatchesInconsistencies(t *testing.T) {
	d := Generate(fixedNow, 1)
	// A registration moved to a person of the other structure.
	other := -1
	for i, b := range d.Beneficiaires {
		if b.Structure != d.Seances[d.Inscriptions[0].Seance].Structure {
			other = i
			break
		}
	}
	d.Inscriptions[0].Beneficiaire = other
	// Attendance on an upcoming session.
	for i, ins := range d.Inscriptions {
		if d.Seances[ins.Seance].Debut.After(fixedNow) {
			d.Inscriptions[i].Statut = "present"
			break
		}
	}
	err := d.Validate(fixedNow)
	if err == nil || !strings.Contains(err.Error(), "another structure") || !strings.Contains(err.Error(), "not done") {
		t.Fatalf("Validate missed the injected faults: %v", err)
	}
}

func TestHolidays(t *testing.T) {
	for year, want := range map[int]string{2026: "2026-04-05", 2027: "2027-03-28", 2030: "2030-04-21"} {
		if got := easterSunday(year).Format("2006-01-02"); got != want {
			t.Errorf("Easter %d = %s, want %s", year, got, want)
		}
	}
	for _, c := range []struct {
		date    string
		reunion bool
		want    bool
	}{
		{"2026-12-25", false, true}, {"2026-05-25", false, true}, {"2026-05-14", false, true},
		{"2026-12-20", true, true}, {"2026-12-20", false, false}, {"2026-11-24", false, false},
	} {
		d, _ := time.Parse("2006-01-02", c.date)
		if got := holiday(d, c.reunion); got != c.want {
			t.Errorf("holiday(%s, réunion=%v) = %v", c.date, c.reunion, got)
		}
	}
}

// The folding itself is tested once, in hooks/lib/texte.
func TestEmailLocal(t *testing.T) {
	for in, want := range map[string]string{"N'Diaye": "ndiaye", "N’Diaye": "ndiaye", "Le-Dû": "le-du", "Éloïse": "eloise"} {
		if got := emailLocal(in); got != want {
			t.Errorf("emailLocal(%q) = %q, want %q", in, got, want)
		}
	}
}

// Demo numbers are metropolitan or Réunion mobiles that exist in the
// numbering plan: the fiction range 06 39 98 is Mayotte's prefix.
func TestDemoPhonesAreMobilesOfTheirRegion(t *testing.T) {
	d := Generate(fixedNow, 1)
	for _, b := range d.Beneficiaires {
		if b.Telephone == "" {
			continue
		}
		n, err := contact.NormaliserTelephone(b.Telephone)
		if err != nil || n != b.Telephone || !contact.EstMobile(b.Telephone) {
			t.Fatalf("demo phone %q: %q, %v, mobile %v", b.Telephone, n, err, contact.EstMobile(b.Telephone))
		}
		want := "+33"
		if d.Structures[b.Structure].Fuseau == "Indian/Reunion" {
			want = "+262"
		}
		if !strings.HasPrefix(b.Telephone, want) {
			t.Fatalf("demo phone %q of structure %d does not start with %s", b.Telephone, b.Structure, want)
		}
	}
}
