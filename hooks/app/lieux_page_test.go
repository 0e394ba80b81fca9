package app_test

import (
	"html"
	"net/http"
	"net/url"
	"testing"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The places of the workspace, over HTTP: each role sees the places of its
// structures, staff add and correct them, bad input is answered next to
// the field and saves nothing, another structure's place or id is refused.

const lieuxPath = "/espace/lieux"

func lieuEditURL(name string) string { return lieuxPath + "/" + testkit.ID(name) + "/modifier" }

func lieuxNamed(t *testing.T, app core.App, nom string) []*core.Record {
	t.Helper()
	records, err := app.FindAllRecords("lieux", dbx.HashExp{"nom": nom})
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func validLieu(structure string) url.Values {
	return url.Values{"structure": {structure}, "nom": {"Salle Gamma"}, "adresse": {"3 rue des Lilas"},
		"code_postal": {"86 000"}, "commune": {"Poitiers"}, "code_insee": {"86194"},
		"accessibilite": {"Plain-pied.\r\nAscenseur."}, "latitude": {"46,58"}, "longitude": {"0.34"}}
}

func TestLieuxListPerRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	alpha, beta := "Salle Alpha", html.EscapeString("Salle Bêta")
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), lieuxPath), http.StatusOK,
		[]string{"<h1>Lieux</h1>", alpha, "Ajouter un lieu", `href="` + lieuEditURL(testkit.LieuA) + `"`,
			`<a href="/espace/lieux" aria-current="page">Lieux</a>`},
		[]string{beta, testkit.ID(testkit.LieuB)})
	expectBody(t, s.getAs(s.signIn(testkit.ReferentA), lieuxPath), http.StatusOK,
		[]string{alpha, `href="` + lieuEditURL(testkit.LieuA) + `"`}, []string{beta})
	expectBody(t, s.getAs(s.signIn(testkit.Coordinateur), lieuxPath), http.StatusOK,
		[]string{alpha, beta, `href="` + lieuEditURL(testkit.LieuB) + `"`}, nil)

	for _, path := range []string{lieuxPath, lieuxPath + "/nouveau", lieuEditURL(testkit.LieuA)} {
		rec := s.get(path)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") == "" {
			t.Errorf("anonymous %s: status %d, location %q", path, rec.Code, rec.Header().Get("Location"))
		}
	}
}

func TestLieuCreateValid(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, lieuxPath+"/nouveau"), http.StatusOK,
		[]string{"Nouveau lieu", `name="structure" value="` + testkit.ID(testkit.StructureA) + `"`, `name="nom"`}, nil)

	rec := s.postAs(cookie, lieuxPath+"/nouveau", validLieu(testkit.ID(testkit.StructureA)))
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Le lieu « Salle Gamma » est enregistré." {
		t.Fatalf("create: status %d, flash %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	saved := lieuxNamed(t, s.app, "Salle Gamma")
	if len(saved) != 1 {
		t.Fatalf("%d places saved, want 1", len(saved))
	}
	p := saved[0]
	if p.GetString("structure") != testkit.ID(testkit.StructureA) || p.GetString("code_postal") != "86000" ||
		p.GetString("accessibilite") != "Plain-pied.\nAscenseur." || p.GetFloat("latitude") != 46.58 ||
		p.GetFloat("longitude") != 0.34 || p.GetString("code_insee") != "86194" {
		t.Errorf("saved place: %v", p.FieldsData())
	}
	expectBody(t, s.getAs(cookie, lieuxPath), http.StatusOK, []string{"Salle Gamma", "3 rue des Lilas, 86000 Poitiers"}, nil)
}

func TestLieuCreateInvalid(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	before := s.count("lieux")
	form := validLieu(testkit.ID(testkit.StructureA))
	form.Set("nom", "")
	form.Set("adresse", "12 avenue Typée")
	form.Set("code_postal", "8600")
	form.Set("code_insee", "ABCDE")
	form.Set("latitude", "91")
	form.Set("longitude", "est")
	expectBody(t, s.postAs(cookie, lieuxPath+"/nouveau", form), http.StatusUnprocessableEntity,
		[]string{"Erreur : Nouveau lieu", "Indiquez le nom du lieu", "Le code postal s&#39;écrit avec 5 chiffres",
			"Le code INSEE s&#39;écrit avec 5 caractères", "La latitude est un nombre entre -90 et 90",
			"La longitude est un nombre entre -180 et 180", `value="12 avenue Typée"`, `value="ABCDE"`, `value="est"`},
		nil)
	if s.count("lieux") != before {
		t.Errorf("an invalid form saved a place")
	}
}

func TestLieuCreateOtherStructureRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := s.count("lieux")
	rec := s.postAs(s.signIn(testkit.ConseillerA), lieuxPath+"/nouveau", validLieu(testkit.ID(testkit.StructureB)))
	if rec.Code != http.StatusForbidden {
		t.Errorf("create in structure B by conseiller A: status %d, want 403", rec.Code)
	}
	if s.count("lieux") != before || len(lieuxNamed(t, s.app, "Salle Gamma")) != 0 {
		t.Errorf("a refused place was saved")
	}
}

func TestLieuEdit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, lieuEditURL(testkit.LieuA)), http.StatusOK,
		[]string{"Modifier « Salle Alpha »", `value="Salle Alpha"`, `value="Poitiers"`}, nil)

	form := validLieu(testkit.ID(testkit.StructureA))
	form.Set("nom", "Salle Alpha rénovée")
	rec := s.postAs(cookie, lieuEditURL(testkit.LieuA), form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%s", rec.Code, rec.Body.String())
	}
	if got := mustFindID(t, s.app, "lieux", testkit.ID(testkit.LieuA)).GetString("nom"); got != "Salle Alpha rénovée" {
		t.Errorf("name after edit %q", got)
	}

	// Moving one's place to another structure by the form field is refused.
	form.Set("structure", testkit.ID(testkit.StructureB))
	form.Set("nom", "Déménagée")
	if rec := s.postAs(cookie, lieuEditURL(testkit.LieuA), form); rec.Code != http.StatusForbidden {
		t.Errorf("move to structure B: status %d, want 403", rec.Code)
	}
	if got := mustFindID(t, s.app, "lieux", testkit.ID(testkit.LieuA)); got.GetString("structure") != testkit.ID(testkit.StructureA) ||
		got.GetString("nom") != "Salle Alpha rénovée" {
		t.Errorf("a refused move changed the place: %v", got.FieldsData())
	}
}

func TestLieuOtherStructureByURL(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	if rec := s.getAs(cookie, lieuEditURL(testkit.LieuB)); rec.Code != http.StatusNotFound {
		t.Errorf("GET B's place: status %d, want 404", rec.Code)
	}
	form := validLieu(testkit.ID(testkit.StructureB))
	if rec := s.postAs(cookie, lieuEditURL(testkit.LieuB), form); rec.Code != http.StatusNotFound {
		t.Errorf("POST B's place: status %d, want 404", rec.Code)
	}
	if got := mustFindID(t, s.app, "lieux", testkit.ID(testkit.LieuB)).GetString("nom"); got != "Salle Bêta" {
		t.Errorf("B's place changed: %q", got)
	}
}

func TestLieuCSRF(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	before := s.count("lieux")
	rec := s.do(http.MethodPost, lieuxPath+"/nouveau", validLieu(testkit.ID(testkit.StructureA)), map[string]string{"Cookie": cookie})
	if rec.Code != http.StatusForbidden {
		t.Errorf("POST without Origin: status %d, want 403", rec.Code)
	}
	rec = s.do(http.MethodPost, lieuEditURL(testkit.LieuA), validLieu(testkit.ID(testkit.StructureA)), map[string]string{"Cookie": cookie})
	if rec.Code != http.StatusForbidden {
		t.Errorf("edit without Origin: status %d, want 403", rec.Code)
	}
	if s.count("lieux") != before || mustFindID(t, s.app, "lieux", testkit.ID(testkit.LieuA)).GetString("nom") != "Salle Alpha" {
		t.Errorf("a cross-site POST changed places")
	}
}
