package frfmt

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	cases := map[string]string{
		"2026-12-03": "jeudi 3 décembre 2026",
		"2026-12-01": "mardi 1er décembre 2026",
		"2026-06-01": "lundi 1er juin 2026",
		"2026-08-15": "samedi 15 août 2026",
		"2027-02-28": "dimanche 28 février 2027",
	}
	for day, want := range cases {
		d, _ := time.Parse("2006-01-02", day)
		if got := Date(d); got != want {
			t.Errorf("Date(%s) = %q, want %q", day, got, want)
		}
	}
	d := time.Date(2026, 12, 1, 9, 5, 0, 0, time.UTC)
	if got := DateSansAnnee(d); got != "mardi 1er décembre" {
		t.Errorf("DateSansAnnee = %q", got)
	}
	if got := DateCourte(d); got != "01/12/2026" {
		t.Errorf("DateCourte = %q", got)
	}
}

func TestHeure(t *testing.T) {
	cases := []struct {
		h, m int
		want string
	}{
		{14, 30, "14\u00a0h\u00a030"},
		{9, 0, "9\u00a0h"},
		{9, 5, "9\u00a0h\u00a005"},
		{0, 0, "0\u00a0h"},
	}
	for _, c := range cases {
		got := Heure(time.Date(2026, 1, 1, c.h, c.m, 0, 0, time.UTC))
		if got != c.want {
			t.Errorf("Heure(%d:%d) = %q, want %q", c.h, c.m, got, c.want)
		}
	}
	debut := time.Date(2026, 12, 3, 14, 0, 0, 0, time.UTC)
	if got := DateHeure(debut); got != "jeudi 3 décembre 2026 à 14\u00a0h" {
		t.Errorf("DateHeure = %q", got)
	}
	if got := Plage(debut, debut.Add(150*time.Minute)); got != "de 14\u00a0h à 16\u00a0h\u00a030" {
		t.Errorf("Plage = %q", got)
	}
}

// A session stored in UTC at 10:00 is at 14 h in Saint-Denis de La Réunion
// (UTC+4, no daylight saving) and at 11 h in Paris in winter.
func TestTimeZones(t *testing.T) {
	stored := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	if got := Heure(In(stored, "Indian/Reunion")); got != "14\u00a0h" {
		t.Errorf("Réunion: %q", got)
	}
	if got := Heure(In(stored, "Europe/Paris")); got != "11\u00a0h" {
		t.Errorf("Paris winter: %q", got)
	}
	summer := time.Date(2026, 7, 3, 10, 0, 0, 0, time.UTC)
	if got := Heure(In(summer, "Europe/Paris")); got != "12\u00a0h" {
		t.Errorf("Paris summer: %q", got)
	}
	// Late evening in Réunion is already the next day there.
	late := time.Date(2026, 12, 3, 21, 30, 0, 0, time.UTC)
	if got := DateHeure(In(late, "Indian/Reunion")); got != "vendredi 4 décembre 2026 à 1\u00a0h\u00a030" {
		t.Errorf("Réunion next day: %q", got)
	}
	if got := Heure(In(stored, "America/Cayenne")); got != "7\u00a0h" {
		t.Errorf("Guyane: %q", got)
	}
}

func TestLocationFallsBackToParis(t *testing.T) {
	for _, name := range []string{"", "Mars/Olympus", "../etc/passwd"} {
		if got := Location(name).String(); got != "Europe/Paris" {
			t.Errorf("Location(%q) = %s", name, got)
		}
	}
	if Location("Indian/Reunion") != Location("Indian/Reunion") {
		t.Error("locations are not cached")
	}
	if ValidZone("Mars/Olympus") || ValidZone("") || ValidZone("Local") || !ValidZone("Pacific/Noumea") {
		t.Error("ValidZone is wrong")
	}
}

func TestDuree(t *testing.T) {
	cases := map[int]string{
		0: "0\u00a0min", 15: "15\u00a0min", 45: "45\u00a0min", 60: "1\u00a0h",
		90: "1\u00a0h\u00a030", 120: "2\u00a0h", 125: "2\u00a0h\u00a005", -5: "0\u00a0min",
	}
	for m, want := range cases {
		if got := Duree(m); got != want {
			t.Errorf("Duree(%d) = %q, want %q", m, got, want)
		}
	}
}

func TestNombres(t *testing.T) {
	cases := map[int]string{0: "0", 12: "12", 999: "999", 1234: "1\u202f234",
		1234567: "1\u202f234\u202f567", -1234: "-1\u202f234", 100000: "100\u202f000"}
	for n, want := range cases {
		if got := Nombre(n); got != want {
			t.Errorf("Nombre(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Decimal(1234.56, 1); got != "1\u202f234,6" {
		t.Errorf("Decimal = %q", got)
	}
	if got := Decimal(-0.25, 2); got != "-0,25" {
		t.Errorf("Decimal negative = %q", got)
	}
	if got := Pourcent(0.425); got != "42,5\u202f%" {
		t.Errorf("Pourcent = %q", got)
	}
	if got := Pourcent(0.5); got != "50\u202f%" {
		t.Errorf("Pourcent whole = %q", got)
	}
}

func TestMoisEtPluriel(t *testing.T) {
	d := time.Date(2026, 10, 31, 23, 0, 0, 0, time.UTC)
	if Mois(d) != "octobre 2026" || MoisCle(d) != "2026-10" {
		t.Errorf("Mois = %q, MoisCle = %q", Mois(d), MoisCle(d))
	}
	if Pluriel(0, "place", "places") != "place" || Pluriel(1, "place", "places") != "place" ||
		Pluriel(2, "place", "places") != "places" {
		t.Error("Pluriel is wrong")
	}
}

func TestTerritoire(t *testing.T) {
	for zone, want := range map[string]string{"": "", "Europe/Paris": "", "Indian/Reunion": "La Réunion",
		"America/Cayenne": "Guyane", "Asia/Ho_Chi_Minh": "Ho Chi Minh"} {
		if got := Territoire(zone); got != want {
			t.Errorf("%q: %q, want %q", zone, got, want)
		}
	}
}
