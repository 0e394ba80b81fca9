// Package serie computes the dates of a recurring series of sessions and
// reads the dates and times staff type in forms. It works on local dates
// and times of the structure's time zone, so that a weekly 14:00 workshop
// stays at 14:00 across daylight-saving changes. Standard library only.
package serie

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// Max is the most occurrences one series may have (a year of weeks).
const Max = 52

// Rule is how a series repeats: every Weeks weeks, Count times or until a
// date (inclusive), whichever the user chose.
type Rule struct {
	Weeks int       // 1: every week, 2: every two weeks
	Count int       // number of occurrences, first included; 0 when Until is used
	Until time.Time // last possible date (its day counts), zero when Count is used
}

var (
	ErrWeeks = errors.New("La fréquence doit être chaque semaine ou toutes les deux semaines.")
	ErrCount = errors.New("Le nombre de séances doit être compris entre 2 et 52.")
	ErrUntil = errors.New("La date de fin de la série doit être après la première séance.")
	ErrLong  = errors.New("Une série compte au plus 52 séances : choisissez une date de fin plus proche.")
)

// Starts returns the start of every occurrence, first included, at the
// same local time of day as first.
func Starts(first time.Time, r Rule) ([]time.Time, error) {
	if r.Weeks != 1 && r.Weeks != 2 {
		return nil, ErrWeeks
	}
	loc := first.Location()
	at := func(i int) time.Time {
		d := first.AddDate(0, 0, 7*r.Weeks*i) // calendar arithmetic: keeps the wall clock
		return time.Date(d.Year(), d.Month(), d.Day(), first.Hour(), first.Minute(), 0, 0, loc)
	}
	if r.Until.IsZero() {
		if r.Count < 2 || r.Count > Max {
			return nil, ErrCount
		}
		starts := make([]time.Time, r.Count)
		for i := range starts {
			starts[i] = at(i)
		}
		return starts, nil
	}
	last := endOfDay(r.Until.In(loc))
	if !at(1).Before(last) {
		return nil, ErrUntil
	}
	var starts []time.Time
	for i := 0; ; i++ {
		s := at(i)
		if s.After(last) {
			return starts, nil
		}
		if i == Max {
			return nil, ErrLong
		}
		starts = append(starts, s)
	}
}

func endOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, t.Location())
}

// ShiftDays moves t by days calendar days, keeping its wall-clock time.
func ShiftDays(t time.Time, days int) time.Time {
	d := t.AddDate(0, 0, days)
	return time.Date(d.Year(), d.Month(), d.Day(), t.Hour(), t.Minute(), 0, 0, t.Location())
}

// DaysBetween counts calendar days from a to b in a's zone.
func DaysBetween(a, b time.Time) int {
	b = b.In(a.Location())
	da := time.Date(a.Year(), a.Month(), a.Day(), 12, 0, 0, 0, time.UTC)
	db := time.Date(b.Year(), b.Month(), b.Day(), 12, 0, 0, 0, time.UTC)
	return int(db.Sub(da).Hours() / 24)
}

var (
	ErrDate  = errors.New("Indiquez la date sous la forme jj/mm/aaaa, par exemple 12/03/2027.")
	ErrHeure = errors.New("Indiquez l'heure sous la forme 14:00 ou 14h30.")
)

// ParseDate reads a date as a date field sends it (2027-03-12) or as
// people type it (12/03/2027, 12-03-2027, 12.03.2027).
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006", "02-01-2006", "02.01.2006"} {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, ErrDate
}

// ParseHeure reads a time of day: 14:00, 14h, 14h30, 14 h 30, 9:05.
func ParseHeure(s string) (hour, minute int, err error) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	h, m, found := strings.Cut(strings.ReplaceAll(s, "h", ":"), ":")
	if h == "" || len(h) > 2 {
		return 0, 0, ErrHeure
	}
	hour, err = strconv.Atoi(h)
	if err != nil || hour < 0 || hour > 23 {
		return 0, 0, ErrHeure
	}
	if !found || m == "" {
		return hour, 0, nil
	}
	if len(m) != 2 {
		return 0, 0, ErrHeure
	}
	minute, err = strconv.Atoi(m)
	if err != nil || minute < 0 || minute > 59 {
		return 0, 0, ErrHeure
	}
	return hour, minute, nil
}
