package serie

import (
	"errors"
	"testing"
	"time"
)

func mustLoad(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func TestWeeklySeriesKeepsLocalTimeAcrossDST(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	// 14:00 on Tuesday 20 October 2026; summer time ends on 25 October.
	first := time.Date(2026, 10, 20, 14, 0, 0, 0, paris)
	starts, err := Starts(first, Rule{Weeks: 1, Count: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2026-10-20 14:00 +0200", "2026-10-27 14:00 +0100", "2026-11-03 14:00 +0100"}
	for i, s := range starts {
		if got := s.Format("2006-01-02 15:04 -0700"); got != want[i] {
			t.Errorf("occurrence %d: %s, want %s", i, got, want[i])
		}
	}
}

func TestFortnightlyUntilDateIncludesTheLastDay(t *testing.T) {
	reunion := mustLoad(t, "Indian/Reunion")
	first := time.Date(2026, 12, 1, 9, 30, 0, 0, reunion)
	until := time.Date(2027, 1, 12, 0, 0, 0, 0, reunion)
	starts, err := Starts(first, Rule{Weeks: 2, Until: until})
	if err != nil {
		t.Fatal(err)
	}
	if len(starts) != 4 || starts[3].Format("2006-01-02 15:04") != "2027-01-12 09:30" {
		t.Errorf("got %v", starts)
	}
}

func TestSeriesLimits(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	first := time.Date(2026, 10, 20, 14, 0, 0, 0, paris)
	for name, c := range map[string]struct {
		rule Rule
		want error
	}{
		"one occurrence":       {Rule{Weeks: 1, Count: 1}, ErrCount},
		"too many":             {Rule{Weeks: 1, Count: 53}, ErrCount},
		"monthly":              {Rule{Weeks: 4, Count: 3}, ErrWeeks},
		"until before the 2nd": {Rule{Weeks: 1, Until: first.AddDate(0, 0, 6)}, ErrUntil},
		"until in two years":   {Rule{Weeks: 1, Until: first.AddDate(2, 0, 0)}, ErrLong},
	} {
		if _, err := Starts(first, c.rule); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if starts, err := Starts(first, Rule{Weeks: 1, Count: Max}); err != nil || len(starts) != Max {
		t.Errorf("52 weeks: %d, %v", len(starts), err)
	}
}

func TestShiftAndDaysBetween(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	a := time.Date(2026, 10, 20, 14, 0, 0, 0, paris)
	b := ShiftDays(a, 9)
	if b.Format("2006-01-02 15:04") != "2026-10-29 14:00" || DaysBetween(a, b) != 9 || DaysBetween(b, a) != -9 {
		t.Errorf("shift %v, days %d", b, DaysBetween(a, b))
	}
}

func TestParseDateAndHeure(t *testing.T) {
	paris := mustLoad(t, "Europe/Paris")
	for _, s := range []string{"2027-03-12", "12/03/2027", "12-03-2027", "12.03.2027", " 12/3/2027 "} {
		d, err := ParseDate(s, paris)
		if err != nil || d.Format("2006-01-02") != "2027-03-12" {
			t.Errorf("%q: %v %v", s, d, err)
		}
	}
	for _, s := range []string{"", "31/02/2027", "demain", "2027-13-01"} {
		if _, err := ParseDate(s, paris); err != ErrDate {
			t.Errorf("%q accepted", s)
		}
	}
	for s, want := range map[string][2]int{"14:00": {14, 0}, "14h": {14, 0}, "14h30": {14, 30}, "9:05": {9, 5}, "14 h 30": {14, 30}, "09H15": {9, 15}} {
		h, m, err := ParseHeure(s)
		if err != nil || h != want[0] || m != want[1] {
			t.Errorf("%q: %d:%d %v", s, h, m, err)
		}
	}
	for _, s := range []string{"", "24:00", "14:60", "14:5", "midi", "144"} {
		if _, _, err := ParseHeure(s); err != ErrHeure {
			t.Errorf("%q accepted", s)
		}
	}
}
