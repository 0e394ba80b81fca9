// Package rgaa holds Atelier's RGAA 4.1 self-audit as data: the 106
// criteria, the result of each on the sample of pages, and how it was
// checked. The accessibility statement (the public page) and
// docs/accessibilite.md are both drawn from it, so that they never say
// different things.
package rgaa

import (
	"fmt"
	"math"
	"strings"
)

// Resultat is a criterion's result as RGAA writes it.
type Resultat string

const (
	Conforme      Resultat = "C"
	NonConforme   Resultat = "NC"
	NonApplicable Resultat = "NA"
)

// Libelle is the result in words.
func (r Resultat) Libelle() string {
	switch r {
	case Conforme:
		return "conforme"
	case NonConforme:
		return "non conforme"
	case NonApplicable:
		return "non applicable"
	}
	return string(r)
}

// Page is one page of the sample.
type Page struct {
	Code    string // short name used in Critere.Pages
	Nom     string
	Adresse string
}

// Critere is one RGAA criterion and what the audit found.
type Critere struct {
	Numero   string // "1.1"
	Titre    string // the criterion's title in RGAA 4.1
	Resultat Resultat
	// Pages are the sample pages the criterion concerns (Page.Code); empty
	// means every page of the sample.
	Pages []string
	// Verification says how it was checked: « automatique : … » (the
	// browser tests of hooks/e2e) or « manuel : … » with what was looked at.
	Verification string
	// Defaut says, for a non-compliant criterion, what is not accessible,
	// in plain words for the statement.
	Defaut string
}

// Theme is one of RGAA's 13 themes.
type Theme struct {
	Numero int
	Nom    string
}

// Themes of RGAA 4.1, in order.
var Themes = []Theme{
	{1, "Images"}, {2, "Cadres"}, {3, "Couleurs"}, {4, "Multimédia"}, {5, "Tableaux"},
	{6, "Liens"}, {7, "Scripts"}, {8, "Éléments obligatoires"}, {9, "Structuration de l'information"},
	{10, "Présentation de l'information"}, {11, "Formulaires"}, {12, "Navigation"}, {13, "Consultation"},
}

// ThemeOf is the theme number of a criterion number ("10.4" → 10).
func ThemeOf(numero string) int {
	var t int
	fmt.Sscanf(numero, "%d.", &t)
	return t
}

// Compte is how many criteria have each result.
type Compte struct {
	Conformes, NonConformes, NonApplicables int
}

// Applicables are the criteria that count in the rate.
func (c Compte) Applicables() int { return c.Conformes + c.NonConformes }

// Taux is the compliance rate as RGAA computes it: compliant criteria
// over applicable ones (compliant + non-compliant), non-applicable ones
// left out, in percent. With no applicable criterion it is 0.
func (c Compte) Taux() float64 {
	if c.Applicables() == 0 {
		return 0
	}
	return 100 * float64(c.Conformes) / float64(c.Applicables())
}

// TauxArrondi is the rate as published: a whole number rounded down, so
// that 99.5 % never reads « 100 % » and the state stays consistent with it.
func (c Compte) TauxArrondi() int { return int(math.Floor(c.Taux())) }

// Etat is the compliance state the statement must declare: « totalement
// conforme » at 100 %, « partiellement conforme » from 50 %, « non
// conforme » below.
func (c Compte) Etat() string {
	switch t := c.Taux(); {
	case c.Applicables() > 0 && c.NonConformes == 0:
		return "totalement conforme"
	case t >= 50:
		return "partiellement conforme"
	default:
		return "non conforme"
	}
}

// Count counts the results of criteria.
func Count(criteres []Critere) Compte {
	var c Compte
	for _, cr := range criteres {
		switch cr.Resultat {
		case Conforme:
			c.Conformes++
		case NonConforme:
			c.NonConformes++
		case NonApplicable:
			c.NonApplicables++
		}
	}
	return c
}

// Audit is a self-audit: when, on which pages, with which tools, and the
// result of each criterion.
type Audit struct {
	Date         string // ISO date of the audit, e.g. 2026-11-30
	DateLisible  string // the same date in French, e.g. 30 novembre 2026
	Echantillon  []Page
	Outils       []string
	Technologies []string
	Criteres     []Critere
}

// Compte counts the audit's results.
func (a Audit) Compte() Compte { return Count(a.Criteres) }

// NonConformes are the non-compliant criteria, in order.
func (a Audit) NonConformes() []Critere {
	var out []Critere
	for _, c := range a.Criteres {
		if c.Resultat == NonConforme {
			out = append(out, c)
		}
	}
	return out
}

// PagesOf names the sample pages a criterion concerns.
func (a Audit) PagesOf(c Critere) string {
	if len(c.Pages) == 0 {
		return "toutes les pages de l'échantillon"
	}
	noms := make([]string, 0, len(c.Pages))
	for _, code := range c.Pages {
		for _, p := range a.Echantillon {
			if p.Code == code {
				noms = append(noms, p.Nom)
			}
		}
	}
	return strings.Join(noms, ", ")
}
