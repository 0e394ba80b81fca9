package horaires

import "fmt"

// PlagesParJour is how many ranges a day has in the grid: a morning and an
// afternoon. Hours that need more are typed in the syntax itself.
const PlagesParJour = 2

// Grille is the week as the no-JavaScript helper shows it: for each day,
// two ranges of typed times, and whether public holidays are closed.
type Grille struct {
	Jours        [7][PlagesParJour]CaseGrille
	FeriesFermes bool
}

// CaseGrille is one range as typed.
type CaseGrille struct{ Debut, Fin string }

// Champ names the form field of a day's range: « grille-0-1-fin » is the
// end of Monday's second range.
func Champ(jour, plage int, bout string) string {
	return fmt.Sprintf("grille-%d-%d-%s", jour, plage, bout)
}

// VersGrille fills the grid with hours; ok is false when they do not fit in
// it (three ranges on a day, open public holidays): the syntax is then the
// only way to change them.
func VersGrille(h Horaires) (g Grille, ok bool) {
	if h.Feries == FeriesOuverts {
		return g, false
	}
	g.FeriesFermes = h.Feries == FeriesFermes
	for i, plages := range h.Semaine {
		if len(plages) > PlagesParJour {
			return Grille{}, false
		}
		for n, p := range plages {
			g.Jours[i][n] = CaseGrille{Debut: EcrireHeure(p.Debut), Fin: EcrireHeure(p.Fin)}
		}
	}
	return g, true
}

// DeGrille reads the grid. Errors are French messages by field name
// (Champ); a day's empty ranges are a closed day.
func DeGrille(g Grille) (Horaires, map[string]string) {
	var h Horaires
	erreurs := map[string]string{}
	for i, jour := range g.Jours {
		for n, c := range jour {
			if c.Debut == "" && c.Fin == "" {
				continue
			}
			nom := Jours[i]
			if n > 0 {
				nom += fmt.Sprintf(" (plage %d)", n+1)
			}
			debut, okDebut := LireHeure(c.Debut)
			fin, okFin := LireHeure(c.Fin)
			switch {
			case c.Debut == "":
				erreurs[Champ(i, n, "debut")] = nom + " : indiquez l'heure d'ouverture."
			case !okDebut:
				erreurs[Champ(i, n, "debut")] = nom + " : l'heure d'ouverture « " + c.Debut + " » n'est pas une heure, écrivez par exemple 9:00 ou 9h30."
			case c.Fin == "":
				erreurs[Champ(i, n, "fin")] = nom + " : indiquez l'heure de fermeture."
			case !okFin:
				erreurs[Champ(i, n, "fin")] = nom + " : l'heure de fermeture « " + c.Fin + " » n'est pas une heure, écrivez par exemple 12:00 ou 17h30."
			case fin <= debut:
				erreurs[Champ(i, n, "fin")] = nom + " : la fermeture doit venir après l'ouverture."
			case len(h.Semaine[i]) > 0 && debut < h.Semaine[i][len(h.Semaine[i])-1].Fin:
				erreurs[Champ(i, n, "debut")] = nom + " : cette plage doit commencer après la fin de la première."
			default:
				h.Semaine[i] = append(h.Semaine[i], Plage{debut, fin})
			}
		}
	}
	if g.FeriesFermes {
		h.Feries = FeriesFermes
	}
	return h, erreurs
}
