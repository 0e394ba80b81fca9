// Package frfmt writes dates, times, durations and numbers the way French
// readers expect them (« mardi 3 décembre 2026 », « 14 h 30 », « 1 h 30 »,
// « 1 234 »). It is the only place pages, e-mails and PDFs format these, so
// they always agree. Times are shown in the structure's time zone.
package frfmt

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the zones must exist whatever the host has
)

const (
	nbsp       = "\u00a0" // before « h », between value and unit
	narrowNbsp = "\u202f" // thousands separator and before %
)

// DefaultZone is used when a structure has no valid time zone.
const DefaultZone = "Europe/Paris"

var jours = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

var mois = [...]string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet",
	"août", "septembre", "octobre", "novembre", "décembre"}

var (
	zonesMu sync.RWMutex
	zones   = map[string]*time.Location{}
)

// Location returns the named IANA time zone, falling back to Europe/Paris
// for an empty or unknown name; lookups are cached because every card of a
// page asks for one.
func Location(name string) *time.Location {
	if name == "" {
		name = DefaultZone
	}
	zonesMu.RLock()
	loc, ok := zones[name]
	zonesMu.RUnlock()
	if ok {
		return loc
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		loc = Location(DefaultZone)
	}
	zonesMu.Lock()
	zones[name] = loc
	zonesMu.Unlock()
	return loc
}

// ValidZone reports whether name is a time zone Location knows.
func ValidZone(name string) bool {
	if name == "" || name == "Local" {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// In converts t to the named time zone.
func In(t time.Time, zone string) time.Time { return t.In(Location(zone)) }

// JourSemaine is the weekday in lower case: « mardi ».
func JourSemaine(t time.Time) string { return jours[t.Weekday()] }

// NomMois is the month name in lower case: « décembre ».
func NomMois(m time.Month) string { return mois[m-1] }

// Date is the long date: « mardi 3 décembre 2026 », « lundi 1er juin 2026 ».
func Date(t time.Time) string {
	return fmt.Sprintf("%s %s %s %d", JourSemaine(t), jourDuMois(t.Day()), NomMois(t.Month()), t.Year())
}

// DateSansAnnee is the long date for the current year: « mardi 3 décembre ».
func DateSansAnnee(t time.Time) string {
	return fmt.Sprintf("%s %s %s", JourSemaine(t), jourDuMois(t.Day()), NomMois(t.Month()))
}

func jourDuMois(d int) string {
	if d == 1 {
		return "1er"
	}
	return strconv.Itoa(d)
}

// DateCourte is the numeric date: « 03/12/2026 ».
func DateCourte(t time.Time) string { return t.Format("02/01/2006") }

// Heure is the time of day: « 14 h 30 », « 9 h » on the hour.
func Heure(t time.Time) string {
	if t.Minute() == 0 {
		return fmt.Sprintf("%d"+nbsp+"h", t.Hour())
	}
	return fmt.Sprintf("%d"+nbsp+"h"+nbsp+"%02d", t.Hour(), t.Minute())
}

// DateHeure joins both: « mardi 3 décembre 2026 à 14 h 30 ».
func DateHeure(t time.Time) string { return Date(t) + " à " + Heure(t) }

// Plage is a time range on one day: « de 14 h à 16 h 30 ».
func Plage(debut, fin time.Time) string { return "de " + Heure(debut) + " à " + Heure(fin) }

// Duree writes minutes as « 45 min », « 2 h », « 1 h 30 ».
func Duree(minutes int) string {
	if minutes < 0 {
		minutes = 0
	}
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return fmt.Sprintf("%d"+nbsp+"min", m)
	case m == 0:
		return fmt.Sprintf("%d"+nbsp+"h", h)
	default:
		return fmt.Sprintf("%d"+nbsp+"h"+nbsp+"%02d", h, m)
	}
}

// Nombre writes an integer with French digit grouping: « 1 234 567 ».
func Nombre(n int) string {
	s := strconv.Itoa(n)
	sign := ""
	if n < 0 {
		sign, s = "-", s[1:]
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(narrowNbsp)
		}
		b.WriteRune(r)
	}
	return sign + b.String()
}

// Decimal writes x with the given number of decimals and a decimal comma:
// « 1 234,5 ».
func Decimal(x float64, decimals int) string {
	s := strconv.FormatFloat(x, 'f', decimals, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	n, _ := strconv.Atoi(intPart)
	out := Nombre(n)
	if n == 0 && strings.HasPrefix(intPart, "-") {
		out = "-0"
	}
	if frac != "" {
		out += "," + frac
	}
	return out
}

// Pourcent writes a ratio (0.425) as « 42,5 % »; whole values drop the decimal.
func Pourcent(ratio float64) string {
	p := ratio * 100
	if p == float64(int(p)) {
		return Nombre(int(p)) + narrowNbsp + "%"
	}
	return Decimal(p, 1) + narrowNbsp + "%"
}

// Mois is a month in words: « octobre 2026 ».
func Mois(t time.Time) string { return fmt.Sprintf("%s %d", NomMois(t.Month()), t.Year()) }

// MoisCle is the storage key of a month: « 2026-10 ».
func MoisCle(t time.Time) string { return t.Format("2006-01") }

// Pluriel picks the singular for 0 and 1 and the plural otherwise, as
// French does: « 1 place », « 0 place », « 3 places ».
func Pluriel(n int, singulier, pluriel string) string {
	if n <= 1 && n >= -1 {
		return singulier
	}
	return pluriel
}

// territoires name the French territories of the time zones a structure
// may use outside mainland France.
var territoires = map[string]string{
	"Indian/Reunion": "La Réunion", "Indian/Mayotte": "Mayotte", "America/Guadeloupe": "Guadeloupe",
	"America/Martinique": "Martinique", "America/Cayenne": "Guyane", "America/Miquelon": "Saint-Pierre-et-Miquelon",
	"America/St_Barthelemy": "Saint-Barthélemy", "America/Marigot": "Saint-Martin", "Pacific/Noumea": "Nouvelle-Calédonie",
	"Pacific/Tahiti": "Polynésie française", "Pacific/Wallis": "Wallis-et-Futuna",
}

// Territoire names the territory of a time zone outside mainland France
// (« La Réunion » for Indian/Reunion), "" for mainland France; an unknown
// zone is named by its city.
func Territoire(zone string) string {
	if zone == "" || zone == DefaultZone {
		return ""
	}
	if t, ok := territoires[zone]; ok {
		return t
	}
	if i := strings.LastIndex(zone, "/"); i >= 0 {
		return strings.ReplaceAll(zone[i+1:], "_", " ")
	}
	return zone
}
