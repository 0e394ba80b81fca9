package graphique

import (
	"fmt"
	"strings"
)

// Point is one measure of a level: its label under the axis (a date) and
// its level, from 1 (the lowest of the scale) up; 0 is « not recorded »
// and leaves a gap.
type Point struct {
	Libelle string
	Niveau  int
}

const (
	margeNiveaux      = 112 // room for the scale's labels on the left
	hauteurNiveau     = 44
	maxEtiquettes     = 8 // more points than this: only the first and last dates
	rayonPoint        = 5
	caracteresEchelle = 17
)

// Niveaux draws a level over time, one point per measure joined by a line
// (a progress at each visit): niveaux names the scale from the lowest, at
// the bottom. id must be unique in the page (it names the title).
func Niveaux(id, titre string, niveaux []string, points []Point) string {
	var b strings.Builder
	bas := 28
	h := hauteurNiveau*len(niveaux) + bas
	ouvrir(&b, id, titre, largeur, h)
	y := func(n int) float64 { return float64(h-bas) - float64(n)*hauteurNiveau + hauteurNiveau/2 }
	for i, nom := range niveaux {
		ly := y(i + 1)
		fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-dasharray="2 4"/>`,
			margeNiveaux, ly, largeur, ly, couleurAxe)
		fmt.Fprintf(&b, `<text x="0" y="%.1f" font-size="%d" fill="%s">%s</text>`,
			ly+4, tailleTexte-1, couleurTexte, echapper(couper(nom, caracteresEchelle)))
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d.5" x2="%d" y2="%d.5" stroke="%s"/>`, margeNiveaux, h-bas, largeur, h-bas, couleurAxe)
	// Room on both ends for half a date written under the point.
	const bord = 18
	zone := float64(largeur - margeNiveaux - 2*bord)
	x := func(i int) float64 {
		if len(points) == 1 {
			return float64(margeNiveaux+bord) + zone/2
		}
		return float64(margeNiveaux+bord) + zone*float64(i)/float64(len(points)-1)
	}
	// The line joins consecutive recorded levels; a help without one
	// breaks it.
	var trace []string
	flush := func() {
		if len(trace) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(trace, " "), couleurBarre)
		}
		trace = trace[:0]
	}
	for i, p := range points {
		if p.Niveau < 1 || p.Niveau > len(niveaux) {
			flush()
			continue
		}
		trace = append(trace, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Niveau)))
	}
	flush()
	for i, p := range points {
		if p.Niveau >= 1 && p.Niveau <= len(niveaux) {
			fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="%d" fill="%s"/>`, x(i), y(p.Niveau), rayonPoint, couleurBarre)
		}
		if len(points) <= maxEtiquettes || i == 0 || i == len(points)-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle" fill="%s">%s</text>`,
				x(i), h-8, tailleTexte-2, couleurTexte, echapper(p.Libelle))
		}
	}
	b.WriteString("</svg>")
	return b.String()
}
