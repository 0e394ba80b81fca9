package rgaa

import (
	"fmt"
	"strings"
)

// Markdown is docs/accessibilite.md: the audit as a document, one table
// per theme.
func Markdown(a Audit) string {
	var b strings.Builder
	c := a.Compte()
	b.WriteString("# Accessibilité : auto-audit RGAA 4.1\n\n")
	b.WriteString("<!-- Généré depuis hooks/lib/rgaa (audit.go) : ne pas modifier à la main.\n")
	b.WriteString("     Après un changement de l'audit : ATELIER_RGAA_ECRIRE=1 go test ./hooks/lib/rgaa/ -->\n\n")
	fmt.Fprintf(&b, "Audit fait le %s par l'équipe d'Atelier (auto-audit, pas un audit indépendant).\n", a.DateLisible)
	b.WriteString("Il est à refaire quand une page de l'échantillon change.\n")
	b.WriteString("La page publique `/accessibilite` (« Déclaration d'accessibilité ») est tirée des mêmes données.\n\n")
	fmt.Fprintf(&b, "**État : %s.**\n\n", c.Etat())
	fmt.Fprintf(&b, "**Taux de conformité : %d %%** (%d critères conformes sur %d applicables).\n\n", c.TauxArrondi(), c.Conformes, c.Applicables())
	fmt.Fprintf(&b, "- Conformes : %d\n- Non conformes : %d\n- Non applicables : %d\n- Total : %d critères\n\n",
		c.Conformes, c.NonConformes, c.NonApplicables, len(a.Criteres))
	b.WriteString("Le taux se calcule comme le demande le RGAA : critères conformes / (conformes + non conformes).\n")
	b.WriteString("Les critères non applicables ne comptent pas.\n")
	b.WriteString("Un critère qui n'a pas pu être vérifié est compté non conforme.\n\n")

	b.WriteString("## Échantillon\n\n| Page | Adresse |\n|---|---|\n")
	for _, p := range a.Echantillon {
		fmt.Fprintf(&b, "| %s | `%s` |\n", p.Nom, p.Adresse)
	}
	b.WriteString("\n## Environnement de test\n\n")
	for _, o := range a.Outils {
		fmt.Fprintf(&b, "- %s\n", o)
	}
	fmt.Fprintf(&b, "\nTechnologies utilisées : %s.\n\n", strings.Join(a.Technologies, ", "))
	b.WriteString("Les vérifications « automatique » sont faites à chaque lancement des tests de navigateur (`hooks/e2e`) :\n")
	b.WriteString("axe-core et IBM Equal Access sur chaque page de l'échantillon, pour chaque rôle, et chaque page chargée à 320 px de large.\n")
	b.WriteString("Les vérifications « manuel » ont été faites en lisant les gabarits et la feuille de style.\n\n")

	b.WriteString("## Contenus non accessibles\n\n")
	for _, cr := range a.NonConformes() {
		fmt.Fprintf(&b, "- **%s** : %s\n", cr.Numero, cr.Defaut)
	}
	for _, t := range Themes {
		fmt.Fprintf(&b, "\n## %d. %s\n\n| Critère | Résultat | Pages | Vérification |\n|---|---|---|---|\n", t.Numero, t.Nom)
		for _, cr := range a.Criteres {
			if ThemeOf(cr.Numero) != t.Numero {
				continue
			}
			fmt.Fprintf(&b, "| %s %s | %s | %s | %s |\n", cr.Numero, cell(cr.Titre), cr.Resultat, cell(a.PagesOf(cr)), cell(cr.Verification))
		}
	}
	return b.String()
}

// cell keeps a table cell on one line and its pipes literal.
func cell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "|", `\|`), "\n", " ")
}
