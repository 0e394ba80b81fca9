package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"atelier/hooks/lib/stats"
	"atelier/hooks/testkit"
)

const partagesPath = "/espace/statistiques/partages"

// chiffresCles is the list of key figures of a statistics page.
var chiffresCles = regexp.MustCompile(`(?s)<ul class="compteurs chiffres-cles".*?</ul>`)

var lienChiffres = regexp.MustCompile(regexp.QuoteMeta(testkit.AppURL) + `/chiffres/([A-Za-z0-9]{43})`)

// sharePeriod is the twelve months around the fixture's activity.
func sharePeriod() (string, string) {
	today := stats.DateDe(testkit.Now())
	return today.AjouterMois(-11).String(), today.AjouterMois(1).String()
}

// A référent makes a link to its structure's figures; anyone holding it
// sees the same key figures as the statistics page, no person, no commune,
// until the link is revoked.
func TestSharedFiguresLink(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	du, au := sharePeriod()
	expectBody(t, s.getAs(referent, "/espace/statistiques"), http.StatusOK, []string{`href="` + partagesPath + `"`}, nil)

	rec := s.postAs(referent, partagesPath, url.Values{"libelle": {"Conseil municipal"}, "du": {du}, "au": {au}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	list := s.getAs(referent, partagesPath)
	expectBody(t, list, http.StatusOK, []string{"Conseil municipal", "Médiathèque Alpha", "Révoquer le lien « Conseil municipal »"}, nil)
	if list.Header().Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("the page of links sends a Referer: %q", list.Header().Get("Referrer-Policy"))
	}
	m := lienChiffres.FindStringSubmatch(list.Body.String())
	if m == nil {
		t.Fatalf("no link from the Application URL on the page:\n%s", list.Body.String())
	}
	public := "/chiffres/" + m[1]

	page := s.getAs("", public)
	expectBody(t, page, http.StatusOK, []string{"Médiathèque Alpha : les chiffres", "Conseil municipal", "Mois par mois"},
		[]string{testkit.NomBeneficiaireA, "par commune", "graphique-communes", "synthese.xlsx", "activites.csv", "/espace/"})
	for h, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Robots-Tag": "noindex, nofollow", "Cache-Control": "no-store"} {
		if got := page.Header().Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	stats := s.getAs(referent, "/espace/statistiques?"+url.Values{"periode": {"autre"}, "du": {du}, "au": {au}}.Encode())
	expectBody(t, stats, http.StatusOK, []string{"par commune de résidence"}, nil)
	if got, want := chiffresCles.FindString(page.Body.String()), chiffresCles.FindString(stats.Body.String()); got == "" || got != want {
		t.Errorf("the shared key figures differ from the statistics page's:\n%s\nwant\n%s", got, want)
	}

	// Revoked: the same address shows nothing any more.
	r, err := s.app.FindFirstRecordByData("partages_statistiques", "libelle", "Conseil municipal")
	if err != nil {
		t.Fatal(err)
	}
	if rec := s.postAs(referent, partagesPath+"/"+r.Id+"/revoquer", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("revoke: %d", rec.Code)
	}
	if rec := s.getAs("", public); rec.Code != http.StatusNotFound {
		t.Errorf("a revoked link answers %d", rec.Code)
	}
	for _, bad := range []string{"/chiffres/" + strings.Repeat("A", 43), "/chiffres/court", "/chiffres/" + m[1] + "x"} {
		if rec := s.getAs("", bad); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d", bad, rec.Code)
		}
	}
}

// Bad input gets its message next to the field, keeps what was typed, and
// makes no link.
func TestSharedFiguresFormRefusals(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := s.signIn(testkit.Coordinateur)
	for _, c := range []struct {
		form url.Values
		want []string
	}{
		{url.Values{"libelle": {""}, "du": {"2026-01-01"}, "au": {"2026-06-30"}, "structure": {testkit.ID(testkit.StructureA)}},
			[]string{"Écrivez pour qui est le lien", `value="2026-06-30"`}},
		{url.Values{"libelle": {"Financeur"}, "du": {"2026-06-30"}, "au": {"2026-01-01"}, "structure": {testkit.ID(testkit.StructureA)}},
			[]string{"La fin de la période doit venir après son début.", `value="Financeur"`}},
		{url.Values{"libelle": {"Financeur"}, "du": {"31/02/2026"}, "au": {"2026-01-01"}, "structure": {testkit.ID(testkit.StructureA)}},
			[]string{"Indiquez une date valide"}},
		{url.Values{"libelle": {"Financeur"}, "du": {"2026-01-01"}, "au": {"2026-06-30"}},
			[]string{"Choisissez la structure dont les chiffres sont partagés."}},
		{url.Values{"libelle": {"Financeur"}, "du": {"2026-01-01"}, "au": {"2026-06-30"}, "structure": {"inconnue0000000"}},
			[]string{"Choisissez la structure dont les chiffres sont partagés."}},
	} {
		expectBody(t, s.postAs(coord, partagesPath, c.form), http.StatusUnprocessableEntity, append(c.want, "Erreur : "), nil)
	}
	if n := count(t, s.app, "partages_statistiques"); n != 0 {
		t.Errorf("%d links made from refused forms", n)
	}
}

// Who makes, sees and revokes links: référents for their structures,
// coordinateurs for all, nobody else; the REST API reads the same and never
// gives the token, and creates nothing.
func TestSharedFiguresAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	du, au := sharePeriod()
	form := url.Values{"libelle": {"Financeur"}, "du": {du}, "au": {au}, "structure": {testkit.ID(testkit.StructureB)}}
	for _, c := range []struct {
		who    string
		cookie string
		status int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusForbidden},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
	} {
		if rec := s.getAs(c.cookie, partagesPath); rec.Code != c.status {
			t.Errorf("%s: GET %d, want %d", c.who, rec.Code, c.status)
		}
		if rec := s.postAs(c.cookie, partagesPath, form); rec.Code != c.status {
			t.Errorf("%s: POST %d, want %d", c.who, rec.Code, c.status)
		}
	}
	// A référent of A cannot share B's figures: B is not among its choices.
	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.postAs(referent, partagesPath, form), http.StatusUnprocessableEntity,
		[]string{"Choisissez la structure dont les chiffres sont partagés."}, nil)
	coord := s.signIn(testkit.Coordinateur)
	if rec := s.postAs(coord, partagesPath, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("coordinateur on B: %d\n%s", rec.Code, rec.Body.String())
	}
	b, err := s.app.FindFirstRecordByData("partages_statistiques", "libelle", "Financeur")
	if err != nil {
		t.Fatal(err)
	}
	expectBody(t, s.getAs(referent, partagesPath), http.StatusOK, []string{"Aucun lien pour l'instant."}, []string{"Financeur"})
	if rec := s.postAs(referent, partagesPath+"/"+b.Id+"/revoquer", nil); rec.Code != http.StatusNotFound {
		t.Errorf("référent of A revoking B's link: %d", rec.Code)
	}
	if rec := s.postAs(s.signIn(testkit.ConseillerB), partagesPath+"/"+b.Id+"/revoquer", nil); rec.Code != http.StatusForbidden {
		t.Errorf("conseiller of B revoking: %d", rec.Code)
	}
	if count(t, s.app, "partages_statistiques") != 1 {
		t.Fatal("a link was revoked by someone who may not")
	}

	api := apiRecords("partages_statistiques")
	for role, want := range map[string]int{testkit.ConseillerB: 0, testkit.ReferentA: 0, testkit.Coordinateur: 1, testkit.InactifA: 0, testkit.DeconnecteA: 0} {
		rec := s.apiAs(role, http.MethodGet, api, nil)
		if rec.Code != http.StatusOK || strings.Count(rec.Body.String(), `"libelle"`) != want {
			t.Errorf("%s lists: %d %s", role, rec.Code, rec.Body.String())
		}
		if strings.Contains(rec.Body.String(), b.GetString("jeton")) || strings.Contains(rec.Body.String(), `"jeton"`) {
			t.Errorf("%s reads the token through the API", role)
		}
	}
	if rec := s.api(http.MethodGet, api, "", nil); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"libelle"`) {
		t.Errorf("anonymous lists: %d %s", rec.Code, rec.Body.String())
	}
	for _, role := range []string{testkit.ReferentA, testkit.Coordinateur, testkit.ConseillerA} {
		rec := s.apiAs(role, http.MethodPost, api, map[string]any{"structure": testkit.ID(testkit.StructureA), "libelle": "API",
			"du": "2026-01-01", "au": "2026-02-01", "jeton": strings.Repeat("Z", 43)})
		if rec.Code < 400 {
			t.Errorf("%s creates a link through the API: %d", role, rec.Code)
		}
	}
	if rec := s.apiAs(testkit.ReferentA, http.MethodDelete, api+"/"+b.Id, nil); rec.Code != http.StatusNotFound {
		t.Errorf("référent of A deletes B's link through the API: %d", rec.Code)
	}
	if rec := s.apiAs(testkit.Coordinateur, http.MethodDelete, api+"/"+b.Id, nil); rec.Code != http.StatusNoContent {
		t.Errorf("coordinateur revokes through the API: %d", rec.Code)
	}
}
