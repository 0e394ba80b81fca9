// Package feries tells French public holidays: the national ones
// (rickar/cal's French calendar), those of Alsace-Moselle (Good Friday,
// 26 December) and each overseas département's abolition-of-slavery day
// and local days. A series of sessions skips them; a single session on one
// gets a warning. No PocketBase here.
package feries

import (
	"strings"
	"time"

	"github.com/rickar/cal/v2"
	"github.com/rickar/cal/v2/aa"
	"github.com/rickar/cal/v2/fr"
)

// fixed is a local holiday on the same day every year.
func fixed(name string, month time.Month, day int) *cal.Holiday {
	return &cal.Holiday{Name: name, Type: cal.ObservancePublic, Month: month, Day: day, Func: cal.CalcDayOfMonth}
}

var (
	vendrediSaint = aa.GoodFriday.Clone(&cal.Holiday{Name: "Vendredi saint", Type: cal.ObservancePublic})
	saintEtienne  = aa.ChristmasDay2.Clone(&cal.Holiday{Name: "Saint-Étienne", Type: cal.ObservancePublic})

	// local holidays by département (INSEE code), on top of the national ones
	locaux = map[string][]*cal.Holiday{
		"57":  {vendrediSaint, saintEtienne},
		"67":  {vendrediSaint, saintEtienne},
		"68":  {vendrediSaint, saintEtienne},
		"971": {vendrediSaint, fixed("Abolition de l'esclavage", time.May, 27)},
		"972": {vendrediSaint, fixed("Abolition de l'esclavage", time.May, 22)},
		"973": {fixed("Abolition de l'esclavage", time.June, 10)},
		"974": {fixed("Abolition de l'esclavage", time.December, 20)},
		"976": {fixed("Abolition de l'esclavage", time.April, 27)},
	}
)

// Nom returns the name of the public holiday that falls on day (its
// calendar date, whatever its time zone) in département dep ("" for the
// mainland outside Alsace-Moselle), or "".
func Nom(day time.Time, dep string) string {
	for _, h := range append(append([]*cal.Holiday{}, fr.Holidays...), locaux[dep]...) {
		actual, _ := h.Calc(day.Year())
		if actual.Month() == day.Month() && actual.Day() == day.Day() {
			return francais(h)
		}
	}
	return ""
}

// francais gives the holiday's usual French name.
func francais(h *cal.Holiday) string {
	switch h.Name {
	case "Nouvel an":
		return "Jour de l'an"
	case "Fête Nationale":
		return "Fête nationale"
	case "Fête de la Victoire":
		return "Victoire 1945"
	case "Armistice de 1918":
		return "Armistice 1918"
	}
	return h.Name
}

// Departement returns the département of a French postcode as the
// holiday rules need it: "57", "67" or "68" for Alsace-Moselle, "971" to
// "976" overseas, "" elsewhere or for an unreadable code.
func Departement(codePostal string) string {
	c := strings.TrimSpace(codePostal)
	if len(c) != 5 {
		return ""
	}
	if strings.HasPrefix(c, "97") {
		if _, ok := locaux[c[:3]]; ok {
			return c[:3]
		}
		return ""
	}
	if _, ok := locaux[c[:2]]; ok {
		return c[:2]
	}
	return ""
}
