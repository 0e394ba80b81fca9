// Package graphique draws bar charts as inline SVG on the server: no
// JavaScript, no chart library, nothing downloaded. A chart is an image
// (role="img") named by its <title>; its figures are given to everyone,
// screen readers included, by the data table the page prints after it.
// The drawing scales with its viewBox, so it fits a 320 px screen.
package graphique

import (
	"fmt"
	"html"
	"strings"
	"unicode/utf8"
)

// Colours keep a contrast of at least 3:1 (bars, lines) and 4.5:1 (text)
// on white (WCAG 1.4.11 and 1.4.3).
const (
	couleurBarre = "#0b4f9c" // 8.0:1
	couleurTexte = "#1b1b1b"
	couleurAxe   = "#6b7280" // 4.8:1
)

// Barre is one bar: its label, its value and the value as printed.
type Barre struct {
	Libelle string
	Valeur  float64
	Texte   string
}

const (
	largeur       = 320 // viewBox width of bars: text stays legible once scaled to a 288 px column
	tailleTexte   = 13
	hauteurLigne  = 40
	hauteurBarre  = 15
	maxCaracteres = 44
	largeurMois   = 400 // twelve columns need more room
)

// Barres draws horizontal bars, each under its label: long labels
// (thématiques, statuts) stay readable on a narrow screen. id must be
// unique in the page (it names the title).
func Barres(id, titre string, barres []Barre) string {
	var b strings.Builder
	h := hauteurLigne*len(barres) + 4
	ouvrir(&b, id, titre, largeur, h)
	top := maxValeur(barres)
	// Room on the right for the longest printed value.
	place := float64(largeur - 8 - 9*maxTexte(barres))
	for i, barre := range barres {
		y := i * hauteurLigne
		fmt.Fprintf(&b, `<text x="0" y="%d" font-size="%d" fill="%s">%s</text>`,
			y+tailleTexte+2, tailleTexte, couleurTexte, echapper(couper(barre.Libelle, maxCaracteres)))
		w := 0.0
		if top > 0 {
			w = place * barre.Valeur / top
		}
		by := y + tailleTexte + 8
		if w > 0 {
			fmt.Fprintf(&b, `<rect x="0" y="%d" width="%.1f" height="%d" fill="%s"/>`, by, w, hauteurBarre, couleurBarre)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" fill="%s">%s</text>`,
			w+6, by+hauteurBarre-3, tailleTexte, couleurTexte, echapper(barre.Texte))
	}
	b.WriteString("</svg>")
	return b.String()
}

// Colonnes draws vertical columns, for a time series (12 months): short
// labels under the columns, values above them.
func Colonnes(id, titre string, barres []Barre) string {
	var b strings.Builder
	const haut, bas, hauteur = 22, 24, 220
	ouvrir(&b, id, titre, largeurMois, hauteur)
	n := max(len(barres), 1)
	pas := float64(largeurMois) / float64(n)
	zone := float64(hauteur - haut - bas)
	top := maxValeur(barres)
	size := 12
	for i, barre := range barres {
		x := float64(i) * pas
		h := 0.0
		if top > 0 {
			h = zone * barre.Valeur / top
		}
		base := float64(hauteur - bas)
		if h > 0 {
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`,
				x+pas*0.15, base-h, pas*0.7, h, couleurBarre)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%d" text-anchor="middle" fill="%s">%s</text>`,
			x+pas/2, base-h-5, size, couleurTexte, echapper(barre.Texte))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" font-size="%d" text-anchor="middle" fill="%s">%s</text>`,
			x+pas/2, hauteur-6, size, couleurTexte, echapper(barre.Libelle))
	}
	fmt.Fprintf(&b, `<line x1="0" y1="%d.5" x2="%d" y2="%d.5" stroke="%s"/>`, hauteur-bas, largeurMois, hauteur-bas, couleurAxe)
	b.WriteString("</svg>")
	return b.String()
}

// ouvrir starts the SVG: an image named by its title, scaled by its
// viewBox, never a keyboard stop.
func ouvrir(b *strings.Builder, id, titre string, w, h int) {
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%s" focusable="false" viewBox="0 0 %d %d" `+
		`width="%d" height="%d" font-family="system-ui, sans-serif"><title id="%s">%s</title>`,
		echapper(id), w, h, w, h, echapper(id), echapper(titre))
}

func maxValeur(barres []Barre) float64 {
	top := 0.0
	for _, b := range barres {
		top = max(top, b.Valeur)
	}
	return top
}

func maxTexte(barres []Barre) int {
	n := 1
	for _, b := range barres {
		n = max(n, utf8.RuneCountInString(b.Texte))
	}
	return n
}

// couper shortens a label that would not fit; the table gives it whole.
func couper(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

func echapper(s string) string { return html.EscapeString(s) }
