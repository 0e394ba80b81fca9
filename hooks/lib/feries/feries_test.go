package feries

import (
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 14, 0, 0, 0, time.UTC) }

func TestNom(t *testing.T) {
	for _, c := range []struct {
		day  time.Time
		dep  string
		want string
	}{
		{day(2026, time.December, 25), "", "Noël"},
		{day(2027, time.January, 1), "", "Jour de l'an"},
		{day(2027, time.March, 29), "", "Lundi de Pâques"}, // Easter 2027: 28 March
		{day(2027, time.May, 6), "", "Ascension"},
		{day(2026, time.December, 26), "", ""},
		{day(2026, time.December, 26), "67", "Saint-Étienne"},
		{day(2027, time.March, 26), "57", "Vendredi saint"},
		{day(2027, time.March, 26), "", ""},
		{day(2026, time.December, 20), "974", "Abolition de l'esclavage"},
		{day(2026, time.December, 20), "", ""},
		{day(2027, time.April, 27), "976", "Abolition de l'esclavage"},
		{day(2027, time.May, 27), "971", "Abolition de l'esclavage"},
		{day(2027, time.May, 22), "972", "Abolition de l'esclavage"},
		{day(2027, time.June, 10), "973", "Abolition de l'esclavage"},
		{day(2028, time.February, 29), "", ""},
		{day(2026, time.December, 24), "", ""},
	} {
		if got := Nom(c.day, c.dep); got != c.want {
			t.Errorf("%s in %q: %q, want %q", c.day.Format("2006-01-02"), c.dep, got, c.want)
		}
	}
}

func TestDepartement(t *testing.T) {
	for code, want := range map[string]string{
		"57000": "57", "67100": "67", "68200": "68", "97400": "974", "97600": "976", "97100": "971",
		"75011": "", "93200": "", "97500": "", "": "", "5700": "", " 97411 ": "974",
	} {
		if got := Departement(code); got != want {
			t.Errorf("%q: %q, want %q", code, got, want)
		}
	}
}
