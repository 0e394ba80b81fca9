package stats

import (
	"fmt"
	"time"
)

// Date is a civil day, without time zone: periods are days of the
// calendar, read in each structure's own zone.
type Date struct {
	Annee int
	Mois  time.Month
	Jour  int
}

// DateDe is the civil day of t, in t's own location.
func DateDe(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// NouvelleDate normalises a day (the 32nd of a month is the 1st of the next).
func NouvelleDate(annee int, mois time.Month, jour int) Date {
	return DateDe(time.Date(annee, mois, jour, 0, 0, 0, 0, time.UTC))
}

// Debut is the first instant of the day in loc.
func (d Date) Debut(loc *time.Location) time.Time {
	return time.Date(d.Annee, d.Mois, d.Jour, 0, 0, 0, 0, loc)
}

// Time is the day at midnight UTC: for formatting and date arithmetic.
func (d Date) Time() time.Time { return d.Debut(time.UTC) }

// AjouterJours moves the day by n days.
func (d Date) AjouterJours(n int) Date { return NouvelleDate(d.Annee, d.Mois, d.Jour+n) }

// PremierDuMois is the first day of the day's month.
func (d Date) PremierDuMois() Date { return Date{d.Annee, d.Mois, 1} }

// AjouterMois is the first day of the month n months after the day's month.
func (d Date) AjouterMois(n int) Date { return NouvelleDate(d.Annee, d.Mois+time.Month(n), 1) }

// DernierDuMois is the last day of the day's month.
func (d Date) DernierDuMois() Date { return d.AjouterMois(1).AjouterJours(-1) }

// cle orders days as integers (20261031).
func (d Date) cle() int { return d.Annee*10000 + int(d.Mois)*100 + d.Jour }

// rangMois numbers months so that consecutive months differ by one.
func (d Date) rangMois() int { return d.Annee*12 + int(d.Mois) - 1 }

// Avant tells whether d comes strictly before o.
func (d Date) Avant(o Date) bool { return d.cle() < o.cle() }

// String is the ISO form, 2026-10-31.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Annee, d.Mois, d.Jour) }

// Periode is a range of civil days, both ends included.
type Periode struct {
	Du, Au Date
}

// Mois is the period of a whole calendar month.
func Mois(annee int, mois time.Month) Periode {
	du := Date{annee, mois, 1}
	return Periode{du, du.DernierDuMois()}
}

// Contient tells whether the day d is in the period.
func (p Periode) Contient(d Date) bool {
	k := d.cle()
	return k >= p.Du.cle() && k <= p.Au.cle()
}

// Filtre chooses what is counted: a period and, optionally, one structure
// ("" counts every structure of the data).
type Filtre struct {
	Periode
	Structure string
}

func (f Filtre) garde(structure string) bool { return f.Structure == "" || f.Structure == structure }

// NombreMois is the length of the month-by-month series.
const NombreMois = 12

// PremierMois is the first month of the month-by-month series: the series
// ends with the month of the period's last day.
func (f Filtre) PremierMois() Date { return f.Au.AjouterMois(-(NombreMois - 1)) }

// Etendue is the range of days the data must cover to compute the filter:
// the period and the months of the series.
func (f Filtre) Etendue() Periode {
	du := f.Du
	if first := f.PremierMois(); first.Avant(du) {
		du = first
	}
	return Periode{du, f.Au}
}
