package app_test

import (
	"bytes"
	"encoding/csv"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"atelier/hooks/lib/pixels/pixelstest"
	"atelier/hooks/testkit"
)

// Names written through the REST API are cleaned like the forms clean
// them: no bidi control nor zero-width character reaches the database.
func TestAPINamesDropInvisibleCharacters(t *testing.T) {
	t.Parallel()
	body := `{"structure":"` + testkit.ID(testkit.StructureA) + `","prenom":"\u202eelimaC\u202c","nom":"Du\u200bpont\ufeff \u2066Li\u2069"}`
	(&tests.ApiScenario{
		Name:   "create a beneficiary with invisible characters",
		Method: http.MethodPost, URL: "/api/collections/beneficiaires/records",
		Headers:        map[string]string{"Authorization": testkit.Token(t, testkit.ConseillerA)},
		Body:           strings.NewReader(body),
		TestAppFactory: appWithHooks,
		ExpectedStatus: 200, ExpectedContent: []string{`"prenom":"elimaC"`, `"nom":"Dupont Li"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
			r, err := app.FindFirstRecordByData("beneficiaires", "prenom", "elimaC")
			if err != nil || r.GetString("nom") != "Dupont Li" {
				t.Fatalf("stored person: %v, %v", r, err)
			}
		},
	}).Test(t)
	(&tests.ApiScenario{
		Name:   "a first name of invisible characters only is refused",
		Method: http.MethodPatch, URL: "/api/collections/beneficiaires/records/" + testkit.ID(testkit.BeneficiaireA),
		Headers:        map[string]string{"Authorization": testkit.Token(t, testkit.ConseillerA)},
		Body:           strings.NewReader(`{"prenom":"\u200b\u200d\u2060"}`),
		TestAppFactory: appWithHooks,
		ExpectedStatus: 400, ExpectedContent: []string{`"prenom"`},
	}).Test(t)
}

// inscrit_par and staff names are cleaned on every save, whatever the way in.
func TestSavedNamesDropInvisibleCharacters(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	inscription, err := app.FindFirstRecordByFilter("inscriptions", "id != ''")
	if err != nil {
		t.Fatal(err)
	}
	inscription.Set("inscrit_par", "Sa\u200bfille \u202eMarie")
	if err := app.Save(inscription); err != nil {
		t.Fatal(err)
	}
	staff, err := app.FindRecordById("utilisateurs", testkit.ID(testkit.ConseillerA))
	if err != nil {
		t.Fatal(err)
	}
	staff.Set("nom", "\u2067Bernard\u2069\u00ad")
	if err := app.Save(staff); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		r           *core.Record
		field, want string
	}{{inscription, "inscrit_par", "Safille Marie"}, {staff, "nom", "Bernard"}} {
		stored, err := app.FindRecordById(c.r.Collection().Name, c.r.Id)
		if err != nil || stored.GetString(c.field) != c.want {
			t.Errorf("%s.%s = %q, %v; want %q", c.r.Collection().Name, c.field, stored.GetString(c.field), err, c.want)
		}
	}
}

// The open-data CSV guards every cell against spreadsheet formulas, like
// the staff exports; numbers (coordinates, phones) keep their sign.
func TestOpenDataCSVGuardsFormulas(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fillOpenDataFixture(t, s)
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"nom": "Salle", "adresse": `=HYPERLINK("https://evil.example","Cliquez")`})
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"nom": "@SUM(1+1)"})
	_, body := fetch(t, s, "/donnees/lieux.csv", false)
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var guarded int
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !plainNumberCell.MatchString(cell) {
				t.Errorf("cell %q would run as a formula", cell)
			}
			if strings.HasPrefix(cell, "'=HYPERLINK") || strings.HasPrefix(cell, "'@SUM(1+1)") {
				guarded++
			}
		}
	}
	if guarded < 2 {
		t.Errorf("the formulas are not in the file, guarded: %d\n%s", guarded, body)
	}
}

var plainNumberCell = regexp.MustCompile(`^[+-]?[0-9]+(?:[.,][0-9]+)?$`)

// A search or filter of any length answers a page, never a server error:
// every parameter of every list page, 100 000 characters long.
func TestLongQueryParametersAnswerAPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	long := strings.Repeat("é%_a", 25000)
	pages := map[string][]string{
		"": {"/?besoin=&ou=&semaines=", "/verifier?code=", "/connexion?suite=", "/i?code="},
		testkit.ConseillerA: {"/espace/beneficiaires?q=", "/espace/beneficiaires/" + testkit.ID(testkit.BeneficiaireA) + "/fusionner?q=",
			"/espace/seances?quand=&page=", "/espace/seances/" + testkit.ID(testkit.SeancePubliqueA) + "?q=",
			"/espace/catalogue?q=&besoin=&structure=", "/espace/accompagnements?du=&au=&thematique=&qui=&beneficiaire=",
			"/espace/accompagnements/nouveau?q=&beneficiaire=&structure=", "/espace/statistiques?periode=&du=&au=&structure=",
			"/espace/rapports?structure=&mois="},
		testkit.Coordinateur: {"/espace/journal?du=&au=&structure=&action=", "/espace/statistiques?periode=&du=&au=&structure="},
	}
	for who, paths := range pages {
		cookie := ""
		if who != "" {
			cookie = s.signIn(who)
		}
		for _, path := range paths {
			base, query, _ := strings.Cut(path, "?")
			values := url.Values{}
			for _, p := range strings.Split(query, "&") {
				values.Set(strings.TrimSuffix(p, "="), long)
			}
			rec := s.getAs(cookie, base+"?"+values.Encode())
			if rec.Code >= 500 || !strings.Contains(rec.Body.String(), "<html") {
				t.Errorf("%s %s: %d\n%.300s", who, base, rec.Code, rec.Body.String())
			}
		}
	}
}

// An image declaring 25 000 × 25 000 pixels in a few hundred bytes is
// refused on upload, from its header; one already stored gets no thumbnail.
func TestOversizedImagesAreRefused(t *testing.T) {
	t.Parallel()
	upload := func(name string, data []byte) (*bytes.Buffer, string) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		part, err := w.CreateFormFile("logo", name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(data)
		w.Close()
		return &body, w.FormDataContentType()
	}
	structure := "/api/collections/structures/records/" + testkit.ID(testkit.StructureA)
	bomb, bombType := upload("logo.png", pixelstest.Bombe(25_000, 25_000))
	(&tests.ApiScenario{
		Name: "upload of a PNG declaring 25 000 × 25 000 pixels", Method: http.MethodPatch, URL: structure,
		Headers:        map[string]string{"Authorization": testkit.Token(t, testkit.Coordinateur), "Content-Type": bombType},
		Body:           bomb,
		TestAppFactory: appWithHooks,
		ExpectedStatus: 400, ExpectedContent: []string{`"logo"`, "trop grande"},
	}).Test(t)
	var small bytes.Buffer
	if err := png.Encode(&small, image.NewGray(image.Rect(0, 0, 60, 40))); err != nil {
		t.Fatal(err)
	}
	logo, logoType := upload("logo.png", small.Bytes())
	(&tests.ApiScenario{
		Name: "upload of a small logo", Method: http.MethodPatch, URL: structure,
		Headers:        map[string]string{"Authorization": testkit.Token(t, testkit.Coordinateur), "Content-Type": logoType},
		Body:           logo,
		TestAppFactory: appWithHooks,
		ExpectedStatus: 200, ExpectedContent: []string{`"logo":"logo_`},
	}).Test(t)

	// Stored before the limit existed (saved without validation).
	app := appWithHooks(t)
	record, err := app.FindRecordById("structures", testkit.ID(testkit.StructureA))
	if err != nil {
		t.Fatal(err)
	}
	file, err := filesystem.NewFileFromBytes(pixelstest.Bombe(25_000, 25_000), "ancien.png")
	if err != nil {
		t.Fatal(err)
	}
	record.Set("logo", file)
	if err := app.SaveNoValidate(record); err != nil {
		t.Fatal(err)
	}
	name := record.GetString("logo")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rec := httptest.NewRecorder()
	testkit.Handler(t, app).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/files/structures/"+record.Id+"/"+name+"?thumb=0x120", nil))
	runtime.ReadMemStats(&after)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "trop grande") {
		t.Errorf("thumbnail of an oversized image: %d %s", rec.Code, rec.Body.String())
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 256<<20 {
		t.Errorf("the thumbnail request allocated %d MB", grew>>20)
	}
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	if exists, _ := fsys.Exists(record.BaseFilesPath() + "/thumbs_" + name + "/0x120_" + name); exists {
		t.Error("a thumbnail was drawn")
	}
}

// Every read of several people leaves one journal entry per request, with
// the count and the filter's shape, never the names nor what was typed.
func TestBulkReadsAreJournaled(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	structureA := testkit.ID(testkit.StructureA)
	api := func(token, path string) {
		t.Helper()
		req := httptest.NewRequest(http.MethodGet, path, nil)
		if token != "" {
			req.Header.Set("Authorization", token)
		}
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d %s", path, rec.Code, rec.Body.String())
		}
	}
	lists := func() []*core.Record {
		t.Helper()
		records, err := s.app.FindRecordsByFilter("journal", "action = 'liste'", "created", 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		return records
	}
	expect := func(step string, want int, contains ...string) {
		t.Helper()
		got := lists()
		if len(got) != want {
			t.Fatalf("%s: %d list entries, want %d", step, len(got), want)
		}
		if want == 0 {
			return
		}
		last := got[len(got)-1]
		details := last.GetString("details")
		for _, c := range contains {
			if !strings.Contains(details, c) {
				t.Errorf("%s: details %q lack %q", step, details, c)
			}
		}
		for _, secret := range []string{testkit.NomBeneficiaireA, "Fixturenom", "Alpha"} {
			if strings.Contains(details, secret) {
				t.Errorf("%s: details %q name a person", step, details)
			}
		}
		if last.GetString("beneficiaire") != "" {
			t.Errorf("%s: the entry points at one person", step)
		}
		if last.GetString("structure") != structureA || last.GetString("auteur") != testkit.ID(testkit.ConseillerA) {
			t.Errorf("%s: structure %q, author %q", step, last.GetString("structure"), last.GetString("auteur"))
		}
	}
	token := testkit.Token(t, testkit.ConseillerA)

	api("", "/api/collections/beneficiaires/records")
	expect("anonymous list, nobody returned", 0)
	api(token, "/api/collections/beneficiaires/records?filter="+url.QueryEscape("nom ~ 'Fixturenom'"))
	expect("API search", 1, "beneficiaires", "filtre nom ~ 'MASQUE'", "2 personnes")
	api(token, "/api/collections/inscriptions/records?expand=beneficiaire")
	expect("API list with expand", 2, "inscriptions", "expand beneficiaire")
	api(token, "/api/collections/seances/records/"+testkit.ID(testkit.SeancePubliqueA)+"?expand=inscriptions_via_seance.beneficiaire")
	expect("API record with people expanded", 3, "seances", "beneficiaires")
	api(token, "/api/collections/seances/records?perPage=1")
	expect("API list of sessions without people", 3)

	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q=Fixturenom"), http.StatusOK, nil, nil)
	expect("page search", 4, "Liste des bénéficiaires, recherche de 10 caractères", "personnes")
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires"), http.StatusOK, nil, nil)
	expect("list page", 5, "Liste des bénéficiaires :")
	page := "/espace/seances/" + testkit.ID(testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, page+"/participants.csv"), http.StatusOK, nil, nil)
	expect("CSV export", 6, "Export CSV des participants de la séance "+testkit.ID(testkit.SeancePubliqueA))
	expectBody(t, s.getAs(cookie, page), http.StatusOK, nil, nil)
	expect("session page", 7, "Inscriptions de la séance")
	expectBody(t, s.getAs(cookie, page+"/presences?q=Fixturenom"), http.StatusOK, nil, nil)
	expect("attendance sheet with a search", 8, "Feuille de présence", "recherche de 10 caractères")
	expectBody(t, s.getAs(cookie, "/espace/accompagnements"), http.StatusOK, nil, nil)
	expect("helps", 9, "Liste des accompagnements")
}
