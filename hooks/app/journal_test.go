package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The audit log: every access to a beneficiary's data, through the pages
// and through the REST API, leaves one entry with the staff member and
// never the person's name; nobody writes it through the API; coordinateurs
// read it on /espace/journal.

// journalEntries lists "action auteur structure beneficiaire details" of
// the entries written after the fixture's own.
func journalEntries(t testing.TB, app core.App) []string {
	t.Helper()
	records, err := app.FindRecordsByFilter("journal", "id != {:fixture}", "created", 0, 0,
		dbx.Params{"fixture": testkit.ID(testkit.JournalA)})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range records {
		out = append(out, fmt.Sprintf("%s %s %s %s %s", r.GetString("action"), r.GetString("auteur"), r.GetString("structure"),
			r.GetString("beneficiaire"), r.GetString("details")))
	}
	return out
}

func TestJournalRecordsEachAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	me, structureA := testkit.ID(testkit.ConseillerA), testkit.ID(testkit.StructureA)
	expect := func(step string, want string) {
		t.Helper()
		entries := journalEntries(t, s.app)
		if len(entries) == 0 || !strings.HasPrefix(entries[len(entries)-1], want) {
			t.Errorf("%s: last entry %q, want prefix %q", step, entries, want)
		}
	}
	expectBody(t, s.getAs(cookie, benefPath(benefA)), http.StatusOK, nil, nil)
	expect("profile", "consultation "+me+" "+structureA+" "+benefA)
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/donnees")), http.StatusOK, nil, nil)
	expect("export page", "export "+me+" "+structureA+" "+benefA+" Page")
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/donnees.json")), http.StatusOK, nil, nil)
	expect("export file", "export "+me+" "+structureA+" "+benefA+" Fichier JSON")
	rec := s.postAs(cookie, benefPath(benefA, "/modifier"), benefForm("prenom", "Camille", "nom", testkit.NomBeneficiaireA,
		"telephone", "06 12 34 56 78", "notes", "Vient le lundi"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", rec.Code, rec.Body.String())
	}
	expect("edit", "modification "+me+" "+structureA+" "+benefA)
	rec = s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", "Nouvelle", "nom", "Journalee", "telephone", "06 00 00 00 42"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	created := strings.TrimPrefix(rec.Header().Get("Location"), "/espace/beneficiaires/")
	expect("create", "creation "+me+" "+structureA+" "+created)
	rec = s.postAs(cookie, benefPath(benefA, "/fusionner/", created), url.Values{"garder": {benefA}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("merge: %d\n%s", rec.Code, rec.Body.String())
	}
	expect("merge", "fusion "+me+" "+structureA+" "+benefA+" Fiche "+created)
	rec = s.postAs(cookie, benefPath(benefA2, "/effacer"), url.Values{"confirmation": {"oui"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("erase: %d\n%s", rec.Code, rec.Body.String())
	}
	expect("erase", "effacement "+me+" "+structureA+" "+benefA2+" Effacement demandé")

	// Through the REST API too: a conseiller opening a record.
	rec = s.do(http.MethodGet, "/api/collections/beneficiaires/records/"+benefA, nil,
		map[string]string{"Authorization": testkit.Token(t, testkit.ConseillerA)})
	if rec.Code != http.StatusOK {
		t.Fatalf("API view: %d", rec.Code)
	}
	expect("API view", "consultation "+me+" "+structureA+" "+benefA+" Par l'API")

	// No entry ever holds a person's name, phone or e-mail.
	for _, needle := range []string{testkit.NomBeneficiaireA, "Journalee", "Fixturenom", "+3361", "Camille"} {
		if found := traces(t, s.app, needle); len(found) > 0 {
			for _, f := range found {
				if strings.HasPrefix(f, "journal.") {
					t.Errorf("the journal holds %q: %s", needle, f)
				}
			}
		}
	}
	// A refused access leaves no entry.
	before := len(journalEntries(t, s.app))
	s.getAs(s.signIn(testkit.ConseillerB), benefPath(benefA))
	s.getAs(s.signIn(testkit.ReferentA), benefPath(benefA))
	if after := len(journalEntries(t, s.app)); after != before {
		t.Errorf("refused accesses were logged: %d → %d", before, after)
	}
}

// Not even an administrator may write the log through the API.
func TestJournalIsNotWritableEvenBySuperusers(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(c)
	su.SetEmail("admin@fixture.test")
	su.SetPassword("mot-de-passe-admin")
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	token, err := su.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, app: app, handler: testkit.Handler(t, app)}
	entry := "/api/collections/journal/records/" + testkit.ID(testkit.JournalA)
	for _, r := range []struct{ method, url, body string }{
		{http.MethodPost, "/api/collections/journal/records", `{"auteur_nom":"Faux","action":"consultation"}`},
		{http.MethodPatch, entry, `{"details":"réécrit"}`},
		{http.MethodDelete, entry, ``},
	} {
		req := httptest.NewRequest(r.method, r.url, strings.NewReader(r.body))
		req.Header.Set("Authorization", token)
		req.Header.Set("Content-Type", "application/json")
		res := httptest.NewRecorder()
		s.handler.ServeHTTP(res, req)
		if res.Code != http.StatusForbidden || !strings.Contains(res.Body.String(), "Le journal est écrit par le serveur seulement.") {
			t.Errorf("superuser %s: %d %s", r.method, res.Code, res.Body.String())
		}
	}
	// the administrator still reads it
	if rec := s.do(http.MethodGet, entry, nil, map[string]string{"Authorization": token}); rec.Code != http.StatusOK {
		t.Errorf("superuser read: %d", rec.Code)
	}
	r, err := app.FindRecordById("journal", testkit.ID(testkit.JournalA))
	if err != nil || r.GetString("details") != "" || count(t, app, "journal") != 1 {
		t.Errorf("the journal changed: %v %v", r, err)
	}
}

func TestJournalPageByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	// an entry per action, over two structures
	for i, action := range []string{"consultation", "export", "modification", "fusion", "effacement", "creation"} {
		structure := testkit.StructureA
		if i%2 == 1 {
			structure = testkit.StructureB
		}
		benefRecord(t, s.app, "journal", map[string]any{"auteur": testkit.ID(testkit.ConseillerA), "auteur_nom": "Auteur " + action,
			"action": action, "beneficiaire": benefA, "structure": testkit.ID(structure), "details": "Détail " + action})
	}
	coordinateur := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coordinateur, "/espace/journal"), http.StatusOK, []string{"Journal des accès aux données",
		"7 lignes", "Auteur export", "Export des données", "France Services Bêta", "<code>" + benefA + "</code>",
		`<a href="/espace/journal" aria-current="page">Journal des accès</a>`}, []string{testkit.NomBeneficiaireA})
	expectBody(t, s.getAs(coordinateur, "/espace/journal?action=export"), http.StatusOK, []string{"1 ligne", "Auteur export"},
		[]string{"Auteur fusion"})
	expectBody(t, s.getAs(coordinateur, "/espace/journal?structure="+testkit.ID(testkit.StructureB)), http.StatusOK,
		[]string{"3 lignes", "Auteur export", "Auteur fusion", "Auteur creation"}, []string{"Auteur consultation"})
	tomorrow := testkit.Now().In(paris).AddDate(0, 0, 1).Format("2006-01-02") // the page counts days in Paris
	expectBody(t, s.getAs(coordinateur, "/espace/journal?du="+tomorrow), http.StatusOK, []string{"0 ligne", "Aucune ligne"}, nil)
	// bad filters: a French message next to the field, the typed value kept
	expectBody(t, s.getAs(coordinateur, "/espace/journal?du=hier&action=pirater&structure=nimportequoi00"), http.StatusUnprocessableEntity,
		[]string{"Indiquez une date valide", "Choisissez une action dans la liste", "Choisissez une structure dans la liste", `value="hier"`}, nil)
	// the menu shows it to coordinateurs only
	for _, name := range []string{testkit.ConseillerA, testkit.ReferentA} {
		cookie := s.signIn(name)
		expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, nil, []string{`href="/espace/journal"`})
		expectBody(t, s.getAs(cookie, "/espace/journal"), http.StatusForbidden, []string{"Action refusée"}, []string{"Auteur export"})
	}
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), "/espace/journal"), http.StatusForbidden, nil, []string{"Auteur export"})
	if rec := s.get("/espace/journal"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
		t.Errorf("anonymous: %d", rec.Code)
	}
}

func TestJournalPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := range 120 {
		benefRecord(t, s.app, "journal", map[string]any{"auteur_nom": fmt.Sprintf("Auteur-%03d", i), "action": "consultation",
			"structure": testkit.ID(testkit.StructureA)})
	}
	coordinateur := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coordinateur, "/espace/journal"), http.StatusOK, []string{"121 lignes", "Page 1 sur 3",
		`href="/espace/journal?page=2"`}, []string{"Page précédente"})
	expectBody(t, s.getAs(coordinateur, "/espace/journal?action=consultation&page=3"), http.StatusOK,
		[]string{"Page 3 sur 3", `href="/espace/journal?action=consultation&amp;page=2"`}, []string{"Page suivante"})
	expectBody(t, s.getAs(coordinateur, "/espace/journal?page=99"), http.StatusOK, []string{"Page 3 sur 3"}, nil)
}
