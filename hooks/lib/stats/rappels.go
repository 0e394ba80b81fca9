package stats

import "sort"

// No-shows by reminder channel: do reminders bring people? For the held
// sessions of the period (attendance counts once a session is closed),
// registrations marked present or absent are grouped by the reminder they
// received (Inscription.Rappel: the channel of the reminder sent to them,
// "" for none), with their absences.

// RappelAucun is the key of registrations without a reminder.
const RappelAucun = ""

// LigneRappel is one reminder channel.
type LigneRappel struct {
	Canal        string // "email", "sms", another channel's key, or RappelAucun
	Libelle      string
	Inscriptions int // marked present or absent
	Absents      int
}

// TauxAbsence is absents / registrations; ok is false without any.
func (l LigneRappel) TauxAbsence() (taux float64, ok bool) {
	if l.Inscriptions == 0 {
		return 0, false
	}
	return float64(l.Absents) / float64(l.Inscriptions), true
}

// canauxRappel are the rows always shown, in order; another channel comes
// before « Aucun rappel », under its key.
var canauxRappel = []LigneRappel{
	{Canal: "email", Libelle: "Rappel par e-mail"},
	{Canal: "sms", Libelle: "Rappel par SMS"},
}

var libellesRappel = map[string]string{"appel": "Rappel par téléphone"}

// rappel counts one attended registration under its reminder's channel.
func (c *cumul) rappel(canal string, absent bool) {
	if c.rappels == nil {
		c.rappels = map[string]*LigneRappel{}
	}
	l, ok := c.rappels[canal]
	if !ok {
		l = &LigneRappel{Canal: canal}
		c.rappels[canal] = l
	}
	l.Inscriptions++
	if absent {
		l.Absents++
	}
}

// lignesRappel lists e-mail, SMS, any other channel met, then no reminder.
func (c *cumul) lignesRappel() []LigneRappel {
	get := func(canal, libelle string) LigneRappel {
		l := LigneRappel{Canal: canal}
		if found, ok := c.rappels[canal]; ok {
			l = *found
		}
		l.Libelle = libelle
		return l
	}
	out := make([]LigneRappel, 0, len(canauxRappel)+1)
	known := map[string]bool{RappelAucun: true}
	for _, k := range canauxRappel {
		out = append(out, get(k.Canal, k.Libelle))
		known[k.Canal] = true
	}
	var others []string
	for canal := range c.rappels {
		if !known[canal] {
			others = append(others, canal)
		}
	}
	sort.Strings(others)
	for _, canal := range others {
		libelle := libellesRappel[canal]
		if libelle == "" {
			libelle = "Rappel : " + canal
		}
		out = append(out, get(canal, libelle))
	}
	return append(out, get(RappelAucun, "Aucun rappel"))
}
