package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"
)

type seancesFile struct {
	Structure struct{ Nom, Lien string }
	Seances   []struct {
		ID, Titre, Debut, Fin, Fuseau, Lien string
		Besoin                              struct{ Code, Libelle string }
		Lieu                                struct {
			Nom, Adresse, Commune string
			CodePostal            string `json:"code_postal"`
		}
		PlacesRestantes int  `json:"places_restantes"`
		Complet         bool `json:"complet"`
		ListeAttente    bool `json:"liste_attente_ouverte"`
	}
}

func readSeances(t *testing.T, s *site, slug string) (seancesFile, string) {
	t.Helper()
	rec, body := fetch(t, s, "/s/"+slug+"/seances.json", true)
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") ||
		rec.Header().Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("seances.json: %d %v", rec.Code, rec.Header())
	}
	var f seancesFile
	if err := json.Unmarshal([]byte(body), &f); err != nil {
		t.Fatal(err)
	}
	return f, body
}

// A structure's upcoming public sessions as JSON, in its own time zone
// (La Réunion here: +04:00), with absolute links from the Application URL
// and nothing about the people registered but their number.
func TestSeancesJSONOfAStructure(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "lieux", testkit.LieuB, map[string]any{"adresse": "2 rue de la Mairie", "code_postal": "97400"})
	f, body := readSeances(t, s, "france-services-beta")
	if len(f.Seances) != 1 || f.Structure.Nom != "France Services Bêta" || f.Structure.Lien != testkit.AppURL+"/s/france-services-beta" {
		t.Fatalf("seances.json = %s", body)
	}
	got := f.Seances[0]
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueB)
	reunion, err := time.LoadLocation("Indian/Reunion")
	if err != nil {
		t.Fatal(err)
	}
	wantDebut := seance.GetDateTime("debut").Time().In(reunion).Format(time.RFC3339)
	wantFin := seance.GetDateTime("fin").Time().In(reunion).Format(time.RFC3339)
	if got.Debut != wantDebut || got.Fin != wantFin || !strings.HasSuffix(got.Debut, "+04:00") || got.Fuseau != "Indian/Reunion" {
		t.Errorf("times %s → %s (%s), want %s → %s", got.Debut, got.Fin, got.Fuseau, wantDebut, wantFin)
	}
	if got.ID != testkit.ID(testkit.SeancePubliqueB) || got.Lien != testkit.AppURL+"/ateliers/"+got.ID || got.Titre == "" ||
		got.Besoin.Code == "" || got.Besoin.Libelle == "" || got.Besoin.Libelle == got.Besoin.Code {
		t.Errorf("session = %+v", got)
	}
	if got.Lieu.Nom != "Salle Bêta" || got.Lieu.Adresse != "2 rue de la Mairie" || got.Lieu.CodePostal != "97400" ||
		got.Lieu.Commune != "Saint-Denis" {
		t.Errorf("place = %+v", got.Lieu)
	}
	if got.PlacesRestantes != 7 || got.Complet || got.ListeAttente {
		t.Errorf("places = %d, full %v, waiting list %v", got.PlacesRestantes, got.Complet, got.ListeAttente)
	}
	for _, secret := range append(secretsOfFixture, testkit.NomBeneficiaireB, "+262692123456") {
		if strings.Contains(body, secret) {
			t.Errorf("seances.json holds %q", secret)
		}
	}

	// A's private session is not there; a full session says so, with its
	// waiting list open, at once (the cached copy follows the change).
	a, body := readSeances(t, s, "mediatheque-alpha")
	if len(a.Seances) != 1 || a.Seances[0].ID != testkit.ID(testkit.SeancePubliqueA) || a.Seances[0].Complet {
		t.Fatalf("A = %s", body)
	}
	if !strings.HasSuffix(a.Seances[0].Debut, "+01:00") && !strings.HasSuffix(a.Seances[0].Debut, "+02:00") {
		t.Errorf("A's start %s is not in Paris time", a.Seances[0].Debut)
	}
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	a, body = readSeances(t, s, "mediatheque-alpha")
	if full := a.Seances[0]; !full.Complet || !full.ListeAttente || full.PlacesRestantes != 0 {
		t.Errorf("full session = %s", body)
	}
	if rec, _ := fetch(t, s, "/s/inconnue/seances.json", false); rec.Code != http.StatusNotFound {
		t.Errorf("unknown structure: %d", rec.Code)
	}
}

// The widget alone may be framed, by the sites its structure lists; every
// other page keeps refusing frames.
func TestWidgetFramePolicy(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	rec := s.getAs("", "/s/mediatheque-alpha/widget")
	expectBody(t, rec, http.StatusOK, []string{`target="_blank" rel="noopener"`, "(s'ouvre dans un nouvel onglet)",
		"Complet — liste d'attente", `href="/ateliers/` + testkit.ID(testkit.SeancePubliqueA) + `"`},
		append(secretsOfFixture, "<script", testkit.ID(testkit.SeancePriveeA)))
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self';") ||
		rec.Header().Get("X-Frame-Options") != "" {
		t.Errorf("widget without sites: CSP %q, X-Frame-Options %q", csp, rec.Header().Get("X-Frame-Options"))
	}
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{
		"widget_origines": "https://www.mairie-alpha.fr\nhttps://mediatheque.example:8443"})
	rec = s.getAs("", "/s/mediatheque-alpha/widget")
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp,
		"frame-ancestors 'self' https://www.mairie-alpha.fr https://mediatheque.example:8443;") ||
		!strings.Contains(csp, "script-src 'self'") || rec.Header().Get("X-Frame-Options") != "" {
		t.Errorf("widget with sites: CSP %q", csp)
	}
	// written past the form (API, admin UI): what is not an origin never
	// reaches the header
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{
		"widget_origines": "https://www.mairie-alpha.fr; script-src *\nhttps://ok.example"})
	rec = s.getAs("", "/s/mediatheque-alpha/widget")
	if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self' https://ok.example;") ||
		strings.Contains(csp, "script-src *") {
		t.Errorf("widget with a forged list: CSP %q", csp)
	}
	// another structure's widget does not take A's sites
	if csp := s.getAs("", "/s/france-services-beta/widget").Header().Get("Content-Security-Policy"); strings.Contains(csp, "mairie-alpha") {
		t.Errorf("B's widget: CSP %q", csp)
	}
	for _, path := range []string{"/", "/s/mediatheque-alpha", "/ateliers/" + testkit.ID(testkit.SeancePubliqueA), "/s/inconnue/widget"} {
		rec := s.getAs("", path)
		if csp := rec.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") ||
			rec.Header().Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s (%d): CSP %q, X-Frame-Options %q", path, rec.Code, csp, rec.Header().Get("X-Frame-Options"))
		}
	}
}

// A structure's référent or a coordinateur list the sites allowed to show
// the widget; bad input is refused in French next to the field.
func TestWidgetSitesPerRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	path := "/espace/structures/" + testkit.ID(testkit.StructureA) + "/widget"
	form := url.Values{"origines": {"https://www.mairie-alpha.fr"}}
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
		if rec := s.getAs(c.cookie, path); rec.Code != c.status {
			t.Errorf("%s: GET %d, want %d", c.who, rec.Code, c.status)
		}
		if rec := s.postAs(c.cookie, path, form); rec.Code != c.status {
			t.Errorf("%s: POST %d, want %d", c.who, rec.Code, c.status)
		}
	}
	if v := mustFind(t, s.app, "structures", testkit.StructureA).GetString("widget_origines"); v != "" {
		t.Fatalf("changed by someone who may not: %q", v)
	}
	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.getAs(referent, "/espace"), http.StatusOK, []string{`href="` + path + `"`}, nil)
	expectBody(t, s.getAs(referent, path), http.StatusOK, []string{"&lt;iframe src=&#34;" + testkit.AppURL + "/s/mediatheque-alpha/widget&#34;",
		`href="/s/mediatheque-alpha/seances.json"`}, nil)
	bad := "https://www.mairie-alpha.fr\nhttp://www.mairie-alpha.fr/agenda"
	expectBody(t, s.postAs(referent, path, url.Values{"origines": {bad}}), http.StatusUnprocessableEntity,
		[]string{"l&#39;adresse doit commencer par https://", "http://www.mairie-alpha.fr/agenda</textarea>", "Erreur : "}, nil)
	expectBody(t, s.postAs(referent, path, url.Values{"origines": {"https://www.mairie-alpha.fr/agenda"}}), http.StatusUnprocessableEntity,
		[]string{"sans chemin"}, nil)
	if v := mustFind(t, s.app, "structures", testkit.StructureA).GetString("widget_origines"); v != "" {
		t.Fatalf("a refused list was saved: %q", v)
	}
	if rec := s.postAs(referent, path, url.Values{"origines": {"https://WWW.Mairie-Alpha.fr/\n\nhttps://mediatheque.example"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("référent: %d", rec.Code)
	}
	if v := mustFind(t, s.app, "structures", testkit.StructureA).GetString("widget_origines"); v != "https://www.mairie-alpha.fr\nhttps://mediatheque.example" {
		t.Fatalf("saved %q", v)
	}
	if csp := s.getAs("", "/s/mediatheque-alpha/widget").Header().Get("Content-Security-Policy"); !strings.Contains(csp,
		"frame-ancestors 'self' https://www.mairie-alpha.fr https://mediatheque.example;") {
		t.Errorf("the widget did not follow: %q", csp)
	}
	// another structure's référent: refused by the structures' update rule
	if rec := s.postAs(referent, "/espace/structures/"+testkit.ID(testkit.StructureB)+"/widget", form); rec.Code != http.StatusForbidden {
		t.Errorf("référent of A on B: %d", rec.Code)
	}
	coord := s.signIn(testkit.Coordinateur)
	if rec := s.postAs(coord, "/espace/structures/"+testkit.ID(testkit.StructureB)+"/widget", form); rec.Code != http.StatusSeeOther {
		t.Errorf("coordinateur: %d", rec.Code)
	}
	if v := mustFind(t, s.app, "structures", testkit.StructureB).GetString("widget_origines"); v != "https://www.mairie-alpha.fr" {
		t.Errorf("B saved %q", v)
	}
}
