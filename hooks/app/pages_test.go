package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The page foundation: the home page lists upcoming public sessions in each
// structure's time zone, unknown addresses get the French 404 page, static
// files are compressed and cached, the REST API keeps its JSON.

const nbsp = "\u00a0"

// secretsOfFixture must never appear on a public page.
var secretsOfFixture = []string{testkit.SecretJeton, testkit.SecretNoteSeance,
	testkit.NomBeneficiaireA, testkit.NomBeneficiaireB, "Camille", "+33612345678", "fixture.test"}

func TestHomeListsUpcomingPublicSessions(t *testing.T) {
	t.Parallel()
	(&tests.ApiScenario{
		Name:           "home page",
		Method:         http.MethodGet,
		URL:            "/",
		TestAppFactory: appWithHooks,
		ExpectedStatus: http.StatusOK,
		ExpectedContent: []string{
			`<html lang="fr">`,
			"Ateliers numériques près de chez vous",
			"Atelier propre à Alpha", "Salle Alpha, Poitiers", "Médiathèque Alpha",
			"Salle Bêta, Saint-Denis", "France Services Bêta",
			"2 ateliers d'ici le",
			// capacity 8, one registration
			"7 places disponibles",
			"Je veux débuter avec le numérique", `href="/?besoin=debuter#titre-seances"`,
			`/static/atelier.css?v=`,
			`href="/_/"`,
		},
		NotExpectedContent: append([]string{"Atelier archivé"}, secretsOfFixture...),
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
				t.Errorf("Content-Type = %q", ct)
			}
			if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
		},
	}).Test(t)
}

// A session at 10:00 UTC is at 14 h in Saint-Denis de La Réunion; the same
// instant in structure A is shown in Paris time.
func TestHomeShowsTimesInTheStructureTimeZone(t *testing.T) {
	t.Parallel()
	day := testkit.Now().UTC().AddDate(0, 0, 10)
	start := time.Date(day.Year(), day.Month(), day.Day(), 10, 0, 0, 0, time.UTC)
	paris, _ := time.LoadLocation("Europe/Paris")
	parisHour := start.In(paris).Hour()

	(&tests.ApiScenario{
		Name:   "Réunion and Paris times",
		Method: http.MethodGet,
		URL:    "/",
		TestAppFactory: func(t testing.TB) *tests.TestApp {
			app := appWithHooks(t)
			moveSession(t, app, testkit.SeancePubliqueB, start, 150*time.Minute)
			moveSession(t, app, testkit.SeancePubliqueA, start, 60*time.Minute)
			return app
		},
		ExpectedStatus: http.StatusOK,
		ExpectedContent: []string{
			"de 14" + nbsp + "h à 16" + nbsp + "h" + nbsp + "30",
			"(2" + nbsp + "h" + nbsp + "30)",
			fmt.Sprintf("de %d"+nbsp+"h à %d"+nbsp+"h", parisHour, parisHour+1),
		},
	}).Test(t)
}

func TestHomeFiltersByBesoin(t *testing.T) {
	t.Parallel()
	(&tests.ApiScenario{
		Name:               "besoin debuter",
		Method:             http.MethodGet,
		URL:                "/?besoin=debuter",
		TestAppFactory:     appWithHooks,
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{"Atelier propre à Alpha", "1 atelier d'ici", `aria-current="true"`, "Voir tous les ateliers"},
		NotExpectedContent: []string{"Salle Bêta"},
	}).Test(t)

	(&tests.ApiScenario{
		Name:               "unknown besoin shows everything",
		Method:             http.MethodGet,
		URL:                "/?besoin=%27%20OR%201=1--",
		TestAppFactory:     appWithHooks,
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{"2 ateliers d'ici", "Salle Bêta", "Atelier propre à Alpha"},
		NotExpectedContent: []string{`aria-current="true"`},
	}).Test(t)
}

func TestHomeHidesWhatTheAnonymousAPICannotRead(t *testing.T) {
	t.Parallel()
	(&tests.ApiScenario{
		Name:   "cancelled, past, private and archived sessions",
		Method: http.MethodGet,
		URL:    "/",
		TestAppFactory: func(t testing.TB) *tests.TestApp {
			app := appWithHooks(t)
			setFields(t, app, "seances", testkit.SeancePubliqueB, map[string]any{"statut": "annulee", "motif_annulation": "Salle indisponible"})
			setFields(t, app, "ateliers", testkit.AtelierA, map[string]any{"actif": false})
			return app
		},
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{"Aucun atelier ne correspond", "0 atelier d'ici"},
		NotExpectedContent: append([]string{"Salle Bêta", "Atelier propre à Alpha", "Salle Alpha"}, secretsOfFixture...),
	}).Test(t)

	(&tests.ApiScenario{
		Name:   "past sessions",
		Method: http.MethodGet,
		URL:    "/",
		TestAppFactory: func(t testing.TB) *tests.TestApp {
			app := appWithHooks(t)
			moveSession(t, app, testkit.SeancePubliqueB, testkit.Now().Add(-3*time.Hour), time.Hour)
			return app
		},
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{"1 atelier d'ici", "Atelier propre à Alpha"},
		NotExpectedContent: []string{"Salle Bêta"},
	}).Test(t)
}

func TestHomeShowsFullSessionsAsWaitingList(t *testing.T) {
	t.Parallel()
	full := func(t testing.TB) *tests.TestApp {
		app := appWithHooks(t)
		setFields(t, app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
		return app
	}
	(&tests.ApiScenario{
		Name:           "full sessions shown by default, marked",
		Method:         http.MethodGet,
		URL:            "/",
		TestAppFactory: full,
		ExpectedStatus: http.StatusOK,
		ExpectedContent: []string{"2 ateliers d'ici", "Complet — liste d'attente", "7 places disponibles", "Voir et s'inscrire sur la liste d'attente",
			`id="places" name="places" type="checkbox" value="1">`},
	}).Test(t)
	(&tests.ApiScenario{
		Name:               "only sessions with places when asked",
		Method:             http.MethodGet,
		URL:                "/?places=0&places=1",
		TestAppFactory:     full,
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{"1 atelier d'ici", "7 places disponibles", `value="1" checked`},
		NotExpectedContent: []string{"Complet — liste d'attente", "Atelier propre à Alpha"},
	}).Test(t)
}

func TestHomeFiltersByPlaceAndPeriod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		url          string
		want, absent []string
	}{
		{"/?ou=c%3APoitiers", []string{"1 atelier d'ici", "Atelier propre à Alpha", `<option value="c:Poitiers" selected>`}, []string{"Salle Bêta"}},
		{"/?ou=s%3Afrance-services-beta", []string{"1 atelier d'ici", "Salle Bêta", `selected>Structure : France Services Bêta`}, []string{"Atelier propre à Alpha"}},
		{"/?ou=c%3ANulle-part", []string{"0 atelier d'ici", "Aucun atelier ne correspond"}, []string{"Salle Bêta"}},
		{"/?ou=Poitiers%27%20OR%201%3D1", []string{"2 ateliers d'ici"}, nil}, // malformed: ignored
		// fixture sessions are 7 and 9 days ahead
		{"/?semaines=1", []string{"1 atelier d'ici", "Atelier propre à Alpha", `<option value="1" selected>`}, []string{"Salle Bêta"}},
		{"/?semaines=4", []string{"2 ateliers d'ici"}, nil},
		{"/?semaines=999", []string{"2 ateliers d'ici"}, nil}, // unknown: default
		{"/?besoin=debuter&semaines=4", []string{"1 atelier d'ici", `href="/?semaines=4#titre-seances"`, `href="/?besoin=emploi&amp;semaines=4#titre-seances"`}, nil},
	}
	for _, c := range cases {
		(&tests.ApiScenario{
			Name:               c.url,
			Method:             http.MethodGet,
			URL:                c.url,
			TestAppFactory:     appWithHooks,
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    c.want,
			NotExpectedContent: c.absent,
		}).Test(t)
	}
}

func TestHomePaginates(t *testing.T) {
	t.Parallel()
	factory := func(t testing.TB) *tests.TestApp {
		app := appWithHooks(t)
		seances, err := app.FindCollectionByNameOrId("seances")
		if err != nil {
			t.Fatal(err)
		}
		base := testkit.Now().UTC().Add(48 * time.Hour)
		for i := range 25 {
			r := core.NewRecord(seances)
			r.Load(map[string]any{
				"atelier": testkit.ID(testkit.AtelierA), "structure": testkit.ID(testkit.StructureA),
				"lieu": testkit.ID(testkit.LieuA2), "capacite": 10, "statut": "planifiee", "publique": true,
				"inscriptions_ouvertes": true,
				"debut":                 dateTime(base.Add(time.Duration(i) * time.Hour)),
				"fin":                   dateTime(base.Add(time.Duration(i)*time.Hour + 30*time.Minute)),
			})
			if err := app.Save(r); err != nil {
				t.Fatal(err)
			}
		}
		return app
	}
	(&tests.ApiScenario{
		Name: "page 1", Method: http.MethodGet, URL: "/", TestAppFactory: factory,
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{"27 ateliers", "Page 1 sur 2", `href="/?page=2#titre-seances"`},
		NotExpectedContent: []string{"Page précédente"},
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if n := countCards(t, res); n != 20 {
				t.Errorf("page 1 shows %d sessions, want 20", n)
			}
		},
	}).Test(t)
	(&tests.ApiScenario{
		Name: "page 2", Method: http.MethodGet, URL: "/?page=2", TestAppFactory: factory,
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{"Page 2 sur 2", `href="/#titre-seances"`, "Page précédente"},
		NotExpectedContent: []string{"Page suivante"},
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if n := countCards(t, res); n != 7 {
				t.Errorf("page 2 shows %d sessions, want 7", n)
			}
		},
	}).Test(t)
	(&tests.ApiScenario{
		Name: "page beyond the last", Method: http.MethodGet, URL: "/?page=99", TestAppFactory: factory,
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{"Page 2 sur 2"},
	}).Test(t)
}

func TestUnknownAddressesGetTheFrench404Page(t *testing.T) {
	t.Parallel()
	for _, url := range []string{"/nexiste-pas", "/static/nope.css"} {
		(&tests.ApiScenario{
			Name:               "404 " + url,
			Method:             http.MethodGet,
			URL:                url,
			TestAppFactory:     appWithHooks,
			ExpectedStatus:     http.StatusNotFound,
			ExpectedContent:    []string{`<html lang="fr">`, "Page introuvable", "Voir les ateliers à venir"},
			NotExpectedContent: []string{`"status"`},
		}).Test(t)
	}
	(&tests.ApiScenario{
		Name:            "unknown API route stays JSON",
		Method:          http.MethodGet,
		URL:             "/api/nexiste-pas",
		TestAppFactory:  appWithHooks,
		ExpectedStatus:  http.StatusNotFound,
		ExpectedContent: []string{`"status":404`},
	}).Test(t)
	(&tests.ApiScenario{
		Name:            "health stays JSON",
		Method:          http.MethodGet,
		URL:             "/api/health",
		TestAppFactory:  appWithHooks,
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"code":200`},
	}).Test(t)
}

func TestStaticFilesAreCompressedAndCached(t *testing.T) {
	t.Parallel()
	var version string
	(&tests.ApiScenario{
		Name:               "stylesheet, compressed",
		Method:             http.MethodGet,
		URL:                "/static/atelier.css",
		Headers:            map[string]string{"Accept-Encoding": "br, gzip"},
		TestAppFactory:     appWithHooks,
		ExpectedStatus:     http.StatusOK,
		NotExpectedContent: []string{"font-family"}, // compressed bytes, not CSS text
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			h := res.Header
			if h.Get("Content-Encoding") != "gzip" || !strings.HasPrefix(h.Get("Content-Type"), "text/css") {
				t.Errorf("headers = %v", h)
			}
			if !strings.Contains(h.Get("Cache-Control"), "max-age=3600") || h.Get("ETag") == "" {
				t.Errorf("cache headers = %v", h)
			}
			version = strings.Trim(h.Get("ETag"), `"`)
		},
	}).Test(t)

	(&tests.ApiScenario{
		Name:            "stylesheet, plain, fingerprinted",
		Method:          http.MethodGet,
		URL:             "/static/atelier.css?v=" + version,
		TestAppFactory:  appWithHooks,
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{"font-family: system-ui", ":focus-visible"},
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if res.Header.Get("Content-Encoding") != "" {
				t.Error("compressed without Accept-Encoding")
			}
			if !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("Cache-Control = %q", res.Header.Get("Cache-Control"))
			}
		},
	}).Test(t)

	(&tests.ApiScenario{
		Name:           "stylesheet, revalidated",
		Method:         http.MethodGet,
		URL:            "/static/atelier.css",
		Headers:        map[string]string{"If-None-Match": `"` + version + `"`},
		TestAppFactory: appWithHooks,
		ExpectedStatus: http.StatusNotModified,
	}).Test(t)

	(&tests.ApiScenario{
		Name:               "home page compressed",
		Method:             http.MethodGet,
		URL:                "/",
		Headers:            map[string]string{"Accept-Encoding": "gzip"},
		TestAppFactory:     appWithHooks,
		ExpectedStatus:     http.StatusOK,
		NotExpectedContent: []string{"<html"}, // compressed bytes, not HTML text
		AfterTestFunc: func(t testing.TB, _ *tests.TestApp, res *http.Response) {
			if res.Header.Get("Content-Encoding") != "gzip" {
				t.Errorf("home page not compressed: %v", res.Header)
			}
		},
	}).Test(t)
}

func TestAnonymousAPIGivesNoPerson(t *testing.T) {
	t.Parallel()
	for _, collection := range []string{"beneficiaires", "inscriptions", "accompagnements", "utilisateurs"} {
		(&tests.ApiScenario{
			Name:            "anonymous list " + collection,
			Method:          http.MethodGet,
			URL:             "/api/collections/" + collection + "/records",
			TestAppFactory:  appWithHooks,
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"totalItems":0`, `"items":[]`},
		}).Test(t)
	}
}

var cardPattern = regexp.MustCompile(`<article class="carte"`)

func countCards(t testing.TB, res *http.Response) int {
	t.Helper()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return len(cardPattern.FindAll(body, -1))
}

func dateTime(t time.Time) types.DateTime {
	dt, _ := types.ParseDateTime(t)
	return dt
}

func moveSession(t testing.TB, app core.App, name string, start time.Time, length time.Duration) {
	t.Helper()
	setFields(t, app, "seances", name, map[string]any{"debut": dateTime(start), "fin": dateTime(start.Add(length))})
}

func setFields(t testing.TB, app core.App, collection, name string, fields map[string]any) {
	t.Helper()
	r, err := app.FindRecordById(collection, testkit.ID(name))
	if err != nil {
		t.Fatal(err)
	}
	r.Load(fields)
	if err := app.Save(r); err != nil {
		t.Fatalf("update %s %s: %v", collection, name, err)
	}
}

// The home page is served from memory, but a registration, a cancelled
// session or a changed capacity shows at once.
func TestHomeCacheFollowsWrites(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	handler := testkit.Handler(t, app)
	home := func() string {
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d", rec.Code)
		}
		return rec.Body.String()
	}
	if body := home(); !strings.Contains(body, "Salle Bêta") || strings.Count(body, "7 places disponibles") != 2 {
		t.Fatalf("unexpected first page:\n%s", body)
	}
	setFields(t, app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 3})
	if body := home(); !strings.Contains(body, "2 places disponibles") {
		t.Errorf("capacity change not shown:\n%s", body)
	}
	if err := app.Delete(mustFind(t, app, "inscriptions", testkit.InscriptionA)); err != nil {
		t.Fatal(err)
	}
	if body := home(); !strings.Contains(body, "3 places disponibles") {
		t.Errorf("cancelled registration not shown:\n%s", body)
	}
	setFields(t, app, "seances", testkit.SeancePubliqueB, map[string]any{"statut": "annulee"})
	if body := home(); strings.Contains(body, "Salle Bêta") {
		t.Error("cancelled session still shown")
	}
}

func mustFind(t testing.TB, app core.App, collection, name string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, testkit.ID(name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// On a phone, choosing a need lands on the results; a need with no
// session says whom to call and shows the next sessions of other needs;
// places show their postcode and overseas sessions say where they are.
func TestHomeOnAPhone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"telephone": "+33549000000"})
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"code_postal": "86000"})
	expectBody(t, s.get("/"), http.StatusOK, []string{`action="/#titre-seances"`, "Poitiers (86000)", "heure de La Réunion",
		`aria-labelledby="seance-` + testkit.ID(testkit.SeancePubliqueA) + ` quand-` + testkit.ID(testkit.SeancePubliqueA) + `"`}, nil)
	body := s.get("/?besoin=enfant").Body.String()
	expectIn(t, "need without session", body, []string{"0 atelier", "Appeler une structure", "Appeler une structure", "05 49 00 00 00",
		"Les prochains ateliers, sur d'autres sujets", "Atelier propre à Alpha"}, nil)
}
