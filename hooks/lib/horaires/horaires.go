// Package horaires reads and writes opening hours in the OpenStreetMap
// opening_hours syntax (« Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00;
// PH off »), the format the national open-data schema of digital help
// places asks for, and says them in French (« Lundi : 9 h – 12 h »).
//
// Only the common subset is read: week days, day ranges and lists, public
// holidays (PH), several time ranges per day, off/closed and 24/7. Anything
// else (months, weeks, « sunrise », comments) is refused with a French
// message saying which part is wrong, so that what is saved can be shown.
package horaires

import (
	"fmt"
	"strconv"
	"strings"
)

// Jours are the week days in OpenStreetMap order, Monday first.
var Jours = [7]string{"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"}

var codes = [7]string{"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"}

// minutesParJour is the end of the day: 24:00 may close a range.
const minutesParJour = 24 * 60

// Plage is an opening time range, in minutes since midnight.
type Plage struct{ Debut, Fin int }

// Horaires are the opening hours of a week. A day without ranges is closed.
type Horaires struct {
	Semaine [7][]Plage
	// Feries tells what public holidays do: FeriesNonDits when the text
	// says nothing, else closed or their own ranges.
	Feries      Feries
	PlagesFerie []Plage
}

// Feries is what the hours say about public holidays.
type Feries int

const (
	FeriesNonDits Feries = iota
	FeriesFermes
	FeriesOuverts
)

// Erreur is a refused text: Message is the French sentence for the form.
type Erreur struct{ Message string }

func (e *Erreur) Error() string { return e.Message }

func erreur(format string, args ...any) *Erreur {
	return &Erreur{Message: fmt.Sprintf(format, args...)}
}

// Vide tells hours that open no day at all.
func (h Horaires) Vide() bool {
	for _, p := range h.Semaine {
		if len(p) > 0 {
			return false
		}
	}
	return h.Feries == FeriesNonDits
}

// Lire reads opening hours. An empty text is empty hours, without error.
// As in OpenStreetMap, a later part replaces what an earlier one said of
// the same days (« Mo-Sa 09:00-18:00; We off »).
func Lire(texte string) (Horaires, error) {
	var h Horaires
	texte = strings.TrimSpace(texte)
	if texte == "" {
		return h, nil
	}
	if texte == "24/7" {
		for i := range h.Semaine {
			h.Semaine[i] = []Plage{{0, minutesParJour}}
		}
		return h, nil
	}
	parties := strings.Split(texte, ";")
	for n, partie := range parties {
		partie = strings.TrimSpace(partie)
		ou := fmt.Sprintf("Partie %d « %s »", n+1, partie)
		if len(parties) == 1 {
			ou = "« " + partie + " »"
		}
		if partie == "" {
			if n == len(parties)-1 {
				continue // a trailing « ; » is harmless
			}
			return Horaires{}, erreur("La partie %d est vide : enlevez le point-virgule en trop.", n+1)
		}
		jours, ferie, plages, err := lirePartie(partie)
		if err != nil {
			return Horaires{}, erreur("%s : %s", ou, err.Message)
		}
		for i, ouvert := range jours {
			if ouvert {
				h.Semaine[i] = plages
			}
		}
		if ferie {
			h.Feries, h.PlagesFerie = FeriesFermes, plages
			if len(plages) > 0 {
				h.Feries = FeriesOuverts
			}
		}
	}
	return h, nil
}

// lirePartie reads « Mo-Fr 09:00-12:00,14:00-17:00 »: the days, whether
// public holidays are among them, and the ranges (none for off).
func lirePartie(partie string) (jours [7]bool, ferie bool, plages []Plage, err *Erreur) {
	selecteur, heures, ok := strings.Cut(partie, " ")
	heures = strings.TrimSpace(heures)
	if !ok || heures == "" {
		return jours, false, nil, erreur("écrivez les jours puis les heures, séparés par une espace, par exemple « Mo-Fr 09:00-17:00 ».")
	}
	for _, morceau := range strings.Split(selecteur, ",") {
		if morceau == "PH" {
			ferie = true
			continue
		}
		debut, fin, plage := strings.Cut(morceau, "-")
		d, e := jour(debut)
		if e != nil {
			return jours, false, nil, e
		}
		if !plage {
			jours[d] = true
			continue
		}
		f, e := jour(fin)
		if e != nil {
			return jours, false, nil, e
		}
		for i := d; ; i = (i + 1) % 7 { // « Sa-Mo » goes over the week end
			jours[i] = true
			if i == f {
				break
			}
		}
	}
	if heures == "off" || heures == "closed" {
		return jours, ferie, nil, nil
	}
	for _, texte := range strings.Split(heures, ",") {
		p, e := lirePlage(texte)
		if e != nil {
			return jours, false, nil, e
		}
		if len(plages) > 0 && p.Debut < plages[len(plages)-1].Fin {
			return jours, false, nil, erreur("les plages horaires doivent se suivre dans l'ordre de la journée, sans se chevaucher (%s).", texte)
		}
		plages = append(plages, p)
	}
	return jours, ferie, plages, nil
}

func jour(code string) (int, *Erreur) {
	for i, c := range codes {
		if code == c {
			return i, nil
		}
	}
	if code == "PH" {
		return 0, erreur("les jours fériés (PH) ne peuvent pas faire partie d'une suite de jours : écrivez-les à part, après une virgule.")
	}
	return 0, erreur("« %s » n'est pas un jour. Les jours s'écrivent Mo, Tu, We, Th, Fr, Sa, Su (lundi à dimanche) et PH pour les jours fériés.", code)
}

// lirePlage reads « 09:00-12:00 ».
func lirePlage(texte string) (Plage, *Erreur) {
	debut, fin, ok := strings.Cut(texte, "-")
	if !ok {
		return Plage{}, erreur("« %s » n'est pas une plage horaire : écrivez l'heure d'ouverture et de fermeture, par exemple 09:00-12:00, ou off pour fermé.", texte)
	}
	d, e := heure(debut)
	if e != nil {
		return Plage{}, e
	}
	f, e := heure(fin)
	if e != nil {
		return Plage{}, e
	}
	if f <= d {
		return Plage{}, erreur("dans « %s », la fermeture doit venir après l'ouverture.", texte)
	}
	return Plage{d, f}, nil
}

// heure reads « 09:00 » (24:00 for the end of the day).
func heure(texte string) (int, *Erreur) {
	h, m, ok := strings.Cut(texte, ":")
	hh, errH := strconv.Atoi(h)
	mm, errM := strconv.Atoi(m)
	if !ok || len(h) != 2 || len(m) != 2 || errH != nil || errM != nil || hh < 0 || mm < 0 || mm > 59 ||
		hh*60+mm > minutesParJour {
		return 0, erreur("l'heure « %s » doit s'écrire sur quatre chiffres, de 00:00 à 24:00, par exemple 09:30.", texte)
	}
	return hh*60 + mm, nil
}

// LireHeure reads a time as people type it in the week's grid: « 9 »,
// « 9h », « 9 h 30 », « 09:30 », « 9.30 ». ok is false for anything else.
func LireHeure(texte string) (minutes int, ok bool) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(texte), " ", ""))
	for _, sep := range []string{"h", ":", "."} {
		if h, m, coupe := strings.Cut(t, sep); coupe {
			if m == "" {
				m = "00"
			}
			return heureMinutes(h, m)
		}
	}
	return heureMinutes(t, "00")
}

func heureMinutes(h, m string) (int, bool) {
	hh, errH := strconv.Atoi(h)
	mm, errM := strconv.Atoi(m)
	if errH != nil || errM != nil || len(h) == 0 || len(h) > 2 || len(m) != 2 || hh < 0 || mm < 0 || mm > 59 ||
		hh*60+mm > minutesParJour {
		return 0, false
	}
	return hh*60 + mm, true
}

// Ecrire writes hours in the OpenStreetMap syntax, days with the same
// ranges joined (« Mo-Fr 09:00-12:00; Sa 09:00-12:00; PH off »); closed
// days are left out, as the syntax reads them closed.
func Ecrire(h Horaires) string {
	var parties []string
	for i := 0; i < 7; {
		j := i
		for j+1 < 7 && memesPlages(h.Semaine[j+1], h.Semaine[i]) {
			j++
		}
		if len(h.Semaine[i]) > 0 {
			jours := codes[i]
			switch {
			case j == i+1:
				jours += "," + codes[j]
			case j > i+1:
				jours += "-" + codes[j]
			}
			parties = append(parties, jours+" "+ecrirePlages(h.Semaine[i]))
		}
		i = j + 1
	}
	switch h.Feries {
	case FeriesFermes:
		parties = append(parties, "PH off")
	case FeriesOuverts:
		parties = append(parties, "PH "+ecrirePlages(h.PlagesFerie))
	}
	return strings.Join(parties, "; ")
}

func memesPlages(a, b []Plage) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func ecrirePlages(plages []Plage) string {
	textes := make([]string, len(plages))
	for i, p := range plages {
		textes[i] = fmt.Sprintf("%02d:%02d-%02d:%02d", p.Debut/60, p.Debut%60, p.Fin/60, p.Fin%60)
	}
	return strings.Join(textes, ",")
}

// Ligne is one day of the French preview.
type Ligne struct{ Jour, Heures string }

// Apercu says the hours in French, a line per day from Monday
// (« Lundi », « 9 h – 12 h, 14 h – 17 h » or « Fermé »), then public
// holidays when the hours speak of them.
func Apercu(h Horaires) []Ligne {
	lignes := make([]Ligne, 0, 8)
	for i, plages := range h.Semaine {
		lignes = append(lignes, Ligne{Jour: Jours[i], Heures: direPlages(plages)})
	}
	if h.Feries != FeriesNonDits {
		lignes = append(lignes, Ligne{Jour: "Jours fériés", Heures: direPlages(h.PlagesFerie)})
	}
	return lignes
}

func direPlages(plages []Plage) string {
	if len(plages) == 0 {
		return "Fermé"
	}
	textes := make([]string, len(plages))
	for i, p := range plages {
		textes[i] = DireHeure(p.Debut) + " – " + DireHeure(p.Fin)
	}
	return strings.Join(textes, ", ")
}

// nbsp keeps « 9 h » on one line, as frfmt.Heure does.
const nbsp = "\u00a0"

// DireHeure says a time as French people write it: « 9 h », « 14 h 30 ».
func DireHeure(minutes int) string {
	if minutes%60 == 0 {
		return fmt.Sprintf("%d"+nbsp+"h", minutes/60)
	}
	return fmt.Sprintf("%d"+nbsp+"h"+nbsp+"%02d", minutes/60, minutes%60)
}

// EcrireHeure is a time as the grid shows it back: « 09:30 ».
func EcrireHeure(minutes int) string {
	return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60)
}
