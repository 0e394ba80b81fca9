// Package parcours follows one person across their visits: what they came
// for and what they learnt, month by month, the referrals still waiting
// for news, and the workshops to offer them next. It knows nothing of
// PocketBase: the caller loads the person's activities and the upcoming
// sessions of their structure, this package decides.
//
// # What is a need, what covers it
//
// A need is a thématique raised in a one-to-one help: the person came with
// it. A workshop attended (marked present) covers each of its thématiques,
// at its level. A need is not yet covered while no workshop attended has
// its thématique.
//
// # What is suggested
//
// Upcoming sessions whose workshop has a need not yet covered among its
// thématiques; then sessions of the next level (débutant → intermédiaire →
// avancé) of a thématique already covered, when no workshop of that level
// was attended. A session the person is already registered for is not
// suggested (the caller leaves it out).
package parcours

import (
	"slices"
	"time"

	"atelier/hooks/lib/referentiel"
)

// Activite is one thing the person did: a one-to-one help or a session
// they attended.
type Activite struct {
	Jour        time.Time // in the structure's time zone
	Individuel  bool      // a one-to-one help; else a workshop attended
	Besoin      string    // workshops: the workshop's referentiel.Besoins value
	Niveau      string    // workshops: the workshop's referentiel.Niveaux value
	Thematiques []string
}

// Mois is one month of the person's timeline.
type Mois struct {
	Mois        time.Time // first day of the month, in the structure's zone
	Individuels int       // one-to-one helps
	Ateliers    int       // workshops attended
	Besoins     []string  // the workshops' besoins, in referentiel order
	Thematiques []string  // the helps' and workshops' thématiques, in referentiel order
}

// Chronologie groups the activities by month, oldest first, with the
// besoins and thématiques of each month once.
func Chronologie(activites []Activite) []Mois {
	parMois := map[time.Time]*Mois{}
	for _, a := range activites {
		debut := time.Date(a.Jour.Year(), a.Jour.Month(), 1, 0, 0, 0, 0, a.Jour.Location())
		m, ok := parMois[debut]
		if !ok {
			m = &Mois{Mois: debut}
			parMois[debut] = m
		}
		if a.Individuel {
			m.Individuels++
		} else {
			m.Ateliers++
			if a.Besoin != "" {
				m.Besoins = append(m.Besoins, a.Besoin)
			}
		}
		m.Thematiques = append(m.Thematiques, a.Thematiques...)
	}
	out := make([]Mois, 0, len(parMois))
	for _, m := range parMois {
		m.Besoins = dansLOrdre(referentiel.Besoins, m.Besoins)
		m.Thematiques = dansLOrdre(referentiel.Thematiques, m.Thematiques)
		out = append(out, *m)
	}
	slices.SortFunc(out, func(a, b Mois) int { return a.Mois.Compare(b.Mois) })
	return out
}

// NonCouverts are the needs (thématiques of the helps) that no workshop
// attended covers, in referentiel order.
func NonCouverts(activites []Activite) []string {
	var besoins []string
	couverts := map[string]bool{}
	for _, a := range activites {
		if a.Individuel {
			besoins = append(besoins, a.Thematiques...)
			continue
		}
		for _, t := range a.Thematiques {
			couverts[t] = true
		}
	}
	var out []string
	for _, t := range dansLOrdre(referentiel.Thematiques, besoins) {
		if !couverts[t] {
			out = append(out, t)
		}
	}
	return out
}

// NiveauxAtteints gives, for each thématique of a workshop attended, the
// highest level attended (its position in referentiel.Niveaux, from 1).
func NiveauxAtteints(activites []Activite) map[string]int {
	out := map[string]int{}
	for _, a := range activites {
		if a.Individuel {
			continue
		}
		n := referentiel.Niveaux.Position(a.Niveau)
		for _, t := range a.Thematiques {
			out[t] = max(out[t], n)
		}
	}
	return out
}

// Proposition is an upcoming session the person could join.
type Proposition struct {
	Seance      string
	Debut       time.Time
	Niveau      string
	Thematiques []string
}

// Raisons of a suggestion.
const (
	RaisonBesoin        = "besoin"         // a need not yet covered
	RaisonNiveauSuivant = "niveau_suivant" // the next level of a thématique covered
)

// Suggestion is a proposition with why it is offered and the thématiques
// that make it fit.
type Suggestion struct {
	Proposition
	Raison   string
	Pourquoi []string // thématiques, in referentiel order
}

// Suggerer picks at most n propositions for the person: the needs not yet
// covered first, then the next levels, each group in the order given (the
// caller sorts by date).
func Suggerer(activites []Activite, propositions []Proposition, n int) []Suggestion {
	manquants := NonCouverts(activites)
	atteints := NiveauxAtteints(activites)
	var besoin, suivant []Suggestion
	for _, p := range propositions {
		if ts := communs(p.Thematiques, manquants); len(ts) > 0 {
			besoin = append(besoin, Suggestion{Proposition: p, Raison: RaisonBesoin, Pourquoi: ts})
			continue
		}
		niveau := referentiel.Niveaux.Position(p.Niveau)
		var ts []string
		for _, t := range p.Thematiques {
			if atteint := atteints[t]; atteint > 0 && niveau == atteint+1 {
				ts = append(ts, t)
			}
		}
		if len(ts) > 0 {
			suivant = append(suivant, Suggestion{Proposition: p, Raison: RaisonNiveauSuivant,
				Pourquoi: dansLOrdre(referentiel.Thematiques, ts)})
		}
	}
	out := append(besoin, suivant...)
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Reponse is one answer recorded to « Êtes-vous allé à … ? ».
type Reponse struct {
	Valeur string // referentiel.ReponsesOrientation value
	Le     time.Time
}

// Etat is a referral's state: its latest answer (the last given of those
// recorded at the same instant), "" when none was recorded.
func Etat(reponses []Reponse) string {
	etat, le := "", time.Time{}
	for _, r := range reponses {
		if etat == "" || !r.Le.Before(le) {
			etat, le = r.Valeur, r.Le
		}
	}
	return etat
}

// AttendReponse tells whether the question is still to be asked: no
// answer yet, or « pas encore ».
func AttendReponse(etat string) bool { return etat == "" || etat == "pas_encore" }

// communs are the values of a found in b, in b's order.
func communs(a, b []string) []string {
	var out []string
	for _, v := range b {
		if slices.Contains(a, v) {
			out = append(out, v)
		}
	}
	return out
}

// dansLOrdre is values once each, in the list's order (unknown values
// last, in their order).
func dansLOrdre(l referentiel.List, values []string) []string {
	var out []string
	for _, o := range l {
		if slices.Contains(values, o.Value) {
			out = append(out, o.Value)
		}
	}
	for _, v := range values {
		if !l.Has(v) && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}
