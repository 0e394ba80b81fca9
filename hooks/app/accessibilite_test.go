package app_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"testing"

	"atelier/hooks/lib/rgaa"
	"atelier/hooks/testkit"
)

// TestAccessibilityStatementFollowsTheAudit checks the statement against
// the audit it is drawn from: state, rate, counts and each non-compliant
// criterion in plain words.
func TestAccessibilityStatementFollowsTheAudit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := rgaa.Courant.Compte()
	nc := rgaa.Courant.NonConformes()
	if len(nc) == 0 {
		t.Fatal("the audit has no non-compliant criterion: this test needs one to look for")
	}
	want := []string{"<h1>Déclaration d'accessibilité</h1>",
		"<title>Déclaration d&#39;accessibilité · ",
		"Ce site est <strong>" + c.Etat() + "</strong>",
		fmt.Sprintf("<strong>%d %%</strong> des critères du RGAA 4.1 sont respectés", c.TauxArrondi()),
		fmt.Sprintf("Critères conformes : %d", c.Conformes), fmt.Sprintf("Critères non conformes : %d", c.NonConformes),
		fmt.Sprintf("Critères non applicables : %d", c.NonApplicables),
		"L'audit a été fait par l'équipe d'Atelier le " + rgaa.Courant.DateLisible,
		"axe-core 4.14.1", "accessibility-checker-engine 4.0.34", "Chromium",
		"Feuille de présence", "Voies de recours", `href="https://formulaire.defenseurdesdroits.fr/"`,
		"Libre réponse 71120", "Retour d'information et contact"}
	for _, cr := range nc {
		want = append(want, "(critère "+cr.Numero+")")
	}
	want = append(want, html.EscapeString(nc[0].Defaut))
	// Without settings, the établissement is the instance.
	expectBody(t, s.get("/accessibilite"), http.StatusOK, append(want, "<strong>Atelier</strong> s'engage"), secretsOfFixture)

	// The settings' data controller and contact take its place at once.
	setFields(t, s.app, "parametres", testkit.Parametres, map[string]any{"responsable_traitement": "Mairie de Poitiers",
		"contact_courriel": "accessibilite@poitiers.example", "adresse_postale": "Place du Maréchal Leclerc, 86000 Poitiers"})
	expectBody(t, s.get("/accessibilite"), http.StatusOK, []string{"<strong>Mairie de Poitiers</strong> s'engage",
		`href="mailto:accessibilite@poitiers.example"`, "Place du Maréchal Leclerc"}, []string{"<strong>Atelier</strong> s'engage"})
}

// TestStructureAccessibilityStatementNamesTheStructure checks a
// structure's own statement: its name, address and contact, and that the
// structure page links to it.
func TestStructureAccessibilityStatementNamesTheStructure(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"courriel": "contact@alpha.example",
		"telephone": "+33549000000", "adresse": "1 rue des Livres", "code_postal": "86000"})
	expectBody(t, s.get("/s/mediatheque-alpha/accessibilite"), http.StatusOK, []string{
		"<strong>Médiathèque Alpha</strong> s'engage", "Contactez <strong>Médiathèque Alpha</strong>",
		`href="mailto:contact@alpha.example"`, `href="tel:&#43;33549000000"`, "05 49 00 00 00", "1 rue des Livres\n86000 Poitiers",
		"Ce site est <strong>" + rgaa.Courant.Compte().Etat() + "</strong>"}, secretsOfFixture)
	expectBody(t, s.get("/s/mediatheque-alpha"), http.StatusOK,
		[]string{`<a href="/s/mediatheque-alpha/accessibilite">Déclaration d'accessibilité de Médiathèque Alpha</a>`}, nil)
	expectBody(t, s.get("/s/nulle-part/accessibilite"), http.StatusNotFound, nil, nil)
	expectBody(t, s.get("/s/..%2Fespace/accessibilite"), http.StatusNotFound, nil, nil)
}

// TestAccessibilityLinkInEveryFooter: the statement and the compliance
// state are linked from the footer of public and workspace pages.
func TestAccessibilityLinkInEveryFooter(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	link := `<a href="/accessibilite">Accessibilité : ` + rgaa.Courant.Compte().Etat() + `</a>`
	for _, path := range []string{"/", seanceURL(testkit.SeancePubliqueA), "/s/mediatheque-alpha", "/confidentialite", "/connexion"} {
		expectBody(t, s.get(path), http.StatusOK, []string{link}, nil)
	}
	cookie := s.signIn(testkit.ConseillerA)
	for _, path := range []string{"/espace", "/espace/seances", "/espace/beneficiaires"} {
		expectBody(t, s.getAs(cookie, path), http.StatusOK, []string{link}, nil)
	}
}

// TestAccessibilityStatementIsTheSameForEveryone: a public page shows
// nothing more to staff, to a deactivated account or to a signed-out one.
func TestAccessibilityStatementIsTheSameForEveryone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	anonymous := s.get("/accessibilite")
	expectBody(t, anonymous, http.StatusOK, []string{"Déclaration d'accessibilité"}, nil)
	cookies := map[string]string{}
	for _, name := range []string{testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur, testkit.ConseillerA2, testkit.ConseillerA3} {
		cookies[name] = s.signIn(name)
	}
	// ConseillerA2 is deactivated after signing in; ConseillerA3 signs out.
	setFields(t, s.app, "utilisateurs", testkit.ConseillerA2, map[string]any{"actif": false})
	s.do(http.MethodPost, "/deconnexion", url.Values{}, map[string]string{"Cookie": cookies[testkit.ConseillerA3], "Origin": origin})
	for name, cookie := range cookies {
		for _, path := range []string{"/accessibilite", "/s/mediatheque-alpha/accessibilite"} {
			rec := s.getAs(cookie, path)
			expectBody(t, rec, http.StatusOK, []string{"Déclaration d'accessibilité", "Voies de recours"},
				append([]string{"Se déconnecter", "Espace de "}, secretsOfFixture...))
			if path == "/accessibilite" && rec.Body.String() != anonymous.Body.String() {
				t.Errorf("%s sees another statement than the public", name)
			}
		}
	}
	// Nothing to send to it.
	if rec := s.post("/accessibilite", url.Values{}); rec.Code != http.StatusMethodNotAllowed && rec.Code != http.StatusNotFound {
		t.Errorf("POST /accessibilite: %d", rec.Code)
	}
}
