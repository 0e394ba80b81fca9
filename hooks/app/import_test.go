package app_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/charmap"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/importcoop"
	"atelier/hooks/model"
	"atelier/hooks/testkit"
)

// Importing people from a file (La Coop's template or any spreadsheet) and
// exporting them in La Coop's template: each step for each role, the dry
// run writing nothing, an invalid row refusing the whole import, the
// duplicates, another structure's people never named.

// upload posts a file to the import form as a browser does (multipart).
func (s *site) upload(cookie, structure, name string, data []byte) *httptest.ResponseRecorder {
	s.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if structure != "" {
		_ = w.WriteField("structure", structure)
	}
	part, err := w.CreateFormFile("fichier", name)
	if err != nil {
		s.t.Fatal(err)
	}
	_, _ = part.Write(data)
	_ = w.Close()
	req := httptest.NewRequest(http.MethodPost, "/espace/beneficiaires/import", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Origin", origin)
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

var hiddenJeton = regexp.MustCompile(`name="jeton" value="([A-Za-z0-9]+)"`)

// importJeton is the kept file's token carried by the page.
func importJeton(t testing.TB, rec *httptest.ResponseRecorder) string {
	t.Helper()
	m := hiddenJeton.FindStringSubmatch(rec.Body.String())
	if m == nil {
		t.Fatalf("no file token in the page (%d)\n%s", rec.Code, rec.Body.String())
	}
	return m[1]
}

// mappingForm is the form of the columns step: one field per column.
func mappingForm(jeton, structure string, fields ...string) url.Values {
	v := url.Values{"jeton": {jeton}, "structure": {structure}}
	for i, f := range fields {
		v.Set("colonne_"+string(rune('0'+i)), f)
	}
	return v
}

func windows1252(t testing.TB, s string) []byte {
	t.Helper()
	b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestImportPagesByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	conseiller := s.signIn(testkit.ConseillerA)
	csv := []byte("nom;prenom\nIntrus;Jo\n")
	pages := []string{"/espace/beneficiaires/import", "/espace/beneficiaires/export-coop.xlsx?structure=" + a}
	expectBody(t, s.getAs(conseiller, pages[0]), http.StatusOK, []string{"<h1>Importer des personnes</h1>", `type="file"`,
		`enctype="multipart/form-data"`}, nil)
	if rec := s.getAs(conseiller, pages[1]); rec.Code != http.StatusOK || rec.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("export: %d %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
	// Another structure's export is refused to a conseiller of A.
	expectBody(t, s.getAs(conseiller, "/espace/beneficiaires/export-coop.xlsx?structure="+testkit.ID(testkit.StructureB)),
		http.StatusForbidden, nil, []string{testkit.NomBeneficiaireB})

	before := beneficiaryState(t, s.app)
	refused := map[string]string{"référent": s.signIn(testkit.ReferentA), "coordinateur": s.signIn(testkit.Coordinateur)}
	for who, cookie := range refused {
		for _, p := range pages {
			expectBody(t, s.getAs(cookie, p), http.StatusForbidden, []string{"Action refusée"}, []string{testkit.NomBeneficiaireA})
		}
		expectBody(t, s.upload(cookie, a, "f.csv", csv), http.StatusForbidden, nil, nil)
		for _, p := range []string{"/espace/beneficiaires/import/apercu", "/espace/beneficiaires/import/valider"} {
			if rec := s.postAs(cookie, p, mappingForm("x", a, "nom", "prenom")); rec.Code != http.StatusForbidden {
				t.Errorf("%s POST %s: %d", who, p, rec.Code)
			}
		}
	}
	signedOut := map[string]string{"anonyme": "", "désactivé": "atelier_session=" + testkit.Token(t, testkit.InactifA),
		"déconnecté": "atelier_session=" + testkit.Token(t, testkit.DeconnecteA)}
	for who, cookie := range signedOut {
		for _, p := range pages {
			if rec := s.getAs(cookie, p); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
				t.Errorf("%s GET %s: %d %q", who, p, rec.Code, rec.Header().Get("Location"))
			}
		}
		if rec := s.upload(cookie, a, "f.csv", csv); rec.Code != http.StatusSeeOther {
			t.Errorf("%s upload: %d", who, rec.Code)
		}
		for _, p := range []string{"/espace/beneficiaires/import/apercu", "/espace/beneficiaires/import/valider"} {
			if rec := s.postAs(cookie, p, mappingForm("x", a, "nom", "prenom")); rec.Code != http.StatusSeeOther {
				t.Errorf("%s POST %s: %d", who, p, rec.Code)
			}
		}
	}
	// A conseiller of B cannot import into A, even with A's id.
	expectBody(t, s.upload(s.signIn(testkit.ConseillerB), a, "f.csv", csv), http.StatusUnprocessableEntity,
		[]string{"Choisissez la structure qui suit ces personnes."}, nil)
	// A file kept for A's conseiller is not another conseiller's, even of A.
	jeton := importJeton(t, s.upload(conseiller, a, "f.csv", csv))
	expectBody(t, s.postAs(s.signIn(testkit.ConseillerA2), "/espace/beneficiaires/import/valider",
		mappingForm(jeton, a, "nom", "prenom")), http.StatusUnprocessableEntity, []string{"plus disponible"}, []string{"Intrus"})
	if after := beneficiaryState(t, s.app); after != before {
		t.Error("refused imports changed data")
	}
}

func TestImportLaCoopTemplateRoundTrip(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a, c := testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureC)
	for _, p := range []map[string]any{
		{"prenom": "Léa", "nom": "Exemple", "annee_naissance": 1970, "commune": "Blaziert", "code_insee": "32057",
			"code_postal": "32100", "telephone": "+33102030405", "genre": "feminin", "notes": "Vient le mardi"},
		{"prenom": "Éloïse", "nom": "Le-Dû", "email": "eloise@example.fr", "genre": "non_communique", "code_postal": "01000"},
		{"prenom": "Jo", "nom": `=HYPERLINK("http://evil.example","x")`, "notes": "@SUM(A1)"},
	} {
		p["structure"] = a
		benefRecord(t, s.app, "beneficiaires", p)
	}
	// The conseiller also works for C, where the people go.
	setFields(t, s.app, "utilisateurs", testkit.ConseillerA, map[string]any{"structures": []string{a, c}, "confirme_pour": []string{a, c}})
	cookie := s.signIn(testkit.ConseillerA)
	export := s.getAs(cookie, "/espace/beneficiaires/export-coop.xlsx?structure="+a)
	if export.Code != http.StatusOK {
		t.Fatalf("export: %d", export.Code)
	}
	book, err := excelize.OpenReader(bytes.NewReader(export.Body.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := book.GetRows(importcoop.Feuille)
	if len(rows) < 3 || !slices.Equal(rows[2], []string{"Nom", "Prénom", "Année de naissance", "Nom de la commune", "Code INSEE",
		"Code postal", "N° de téléphone", "E-mail", "Genre", "Notes supplémentaires"}) {
		t.Fatalf("template titles: %q", rows)
	}
	for r := 4; r <= len(rows); r++ {
		for col := 1; col <= 10; col++ {
			cell, _ := excelize.CoordinatesToCellName(col, r)
			if f, _ := book.GetCellFormula(importcoop.Feuille, cell); f != "" {
				t.Errorf("%s is a formula: %q", cell, f)
			}
		}
	}
	if !strings.Contains(strings.Join(rows[3], "|")+strings.Join(rows[len(rows)-1], "|"), `=HYPERLINK`) {
		t.Error("the name typed as a formula is not kept as text")
	}
	journaled := benefCount(t, s.app, "journal", dbx.NewExp("action = 'liste' AND details LIKE '%format La Coop%'"))
	if journaled != 1 {
		t.Errorf("export journaled %d times", journaled)
	}

	// La Coop's template needs no column step: the dry run comes at once.
	rec := s.upload(cookie, c, "beneficiaires-la-coop.xlsx", export.Body.Bytes())
	exported := len(rows) - 3
	expectBody(t, rec, http.StatusOK, []string{"Vérifier l'import", "dans le modèle de La Coop", "sera créée"}, []string{"<strong>doublon probable</strong>", "<strong>invalide"})
	jeton := importJeton(t, rec)
	inC := dbx.HashExp{"structure": c}
	if n := benefCount(t, s.app, "beneficiaires", inC); n != 0 {
		t.Fatalf("the dry run wrote %d people", n)
	}
	form := mappingForm(jeton, c, importcoop.Champs()...)
	done := s.postAs(cookie, "/espace/beneficiaires/import/valider", form)
	if done.Code != http.StatusSeeOther || !strings.Contains(followFlash(done), "personnes importées") {
		t.Fatalf("import: %d %q\n%s", done.Code, followFlash(done), done.Body.String())
	}
	staff := model.NewStaffView(mustFind(t, s.app, "utilisateurs", testkit.ConseillerA))
	fromA, err := beneficiaires.PersonnesCoop(s.app, staff, a)
	if err != nil {
		t.Fatal(err)
	}
	fromC, err := beneficiaires.PersonnesCoop(s.app, staff, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(fromA) != exported || !slices.Equal(fromA, fromC) {
		t.Errorf("round trip changed people:\nA %+v\nC %+v", fromA, fromC)
	}
	if n := benefCount(t, s.app, "beneficiaires", dbx.And(inC, dbx.HashExp{"consentement_source": beneficiaires.ConsentementDeclare,
		"consentement_version": beneficiaires.PrivacyVersion})); n != exported {
		t.Errorf("%d of %d people have their consent declared by the structure", n, exported)
	}
	if n := benefCount(t, s.app, "journal", dbx.And(inC, dbx.HashExp{"action": "creation", "details": beneficiaires.JournalImport})); n != exported {
		t.Errorf("%d creations journaled for %d people", n, exported)
	}
	// Imported people are found by the search (their search keys exist).
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q=eloise"), http.StatusOK, []string{"2 personnes trouvées"}, nil)
	// The token is spent: the same import cannot be made twice.
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/import/valider", form), http.StatusUnprocessableEntity, []string{"plus disponible"}, nil)
}

func TestImportAnySpreadsheetWindows1252(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	cookie := s.signIn(testkit.ConseillerA)
	file := windows1252(t, "Prénom;Nom de famille;Tél.;Ville;Sexe;Divers\r\nHélène;Lefèvre;611223344;Orléans;Mme;à ignorer\r\nRené;Noël;;Niort;M.;\r\n")
	rec := s.upload(cookie, a, "export.csv", file)
	// The columns step: one select per column, guessed from the titles.
	expectBody(t, rec, http.StatusOK, []string{"Choisir les colonnes", "Colonne « Prénom »", "Colonne « Nom de famille »",
		"Première ligne : Hélène", `<option value="prenom" selected>`, `<option value="nom" selected>`,
		`<option value="telephone" selected>`, `<option value="commune" selected>`, `<option value="genre" selected>`}, nil)
	jeton := importJeton(t, rec)
	before := beneficiaryState(t, s.app)
	// Name and first name are required; a field goes to one column.
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/import/apercu", mappingForm(jeton, a, "prenom", "", "telephone")),
		http.StatusUnprocessableEntity, []string{"la colonne du nom et celle du prénom"}, nil)
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/import/apercu", mappingForm(jeton, a, "prenom", "nom", "nom")),
		http.StatusUnprocessableEntity, []string{"est déjà choisi pour une autre colonne"}, nil)
	form := mappingForm(jeton, a, "prenom", "nom", "telephone", "commune", "genre", "")
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/import/apercu", form), http.StatusOK,
		[]string{"2 personnes seront créées", "Hélène Lefèvre", "René Noël", "sera créée", `name="colonne_5" value=""`}, []string{"à ignorer"})
	if beneficiaryState(t, s.app) != before {
		t.Fatal("the dry run wrote")
	}
	done := s.postAs(cookie, "/espace/beneficiaires/import/valider", form)
	if done.Code != http.StatusSeeOther || followFlash(done) != "2 personnes importées." {
		t.Fatalf("import: %d %q", done.Code, followFlash(done))
	}
	helene, err := s.app.FindFirstRecordByFilter("beneficiaires", "nom = 'Lefèvre' && structure = {:s}", dbx.Params{"s": a})
	if err != nil {
		t.Fatal(err)
	}
	if helene.GetString("telephone") != "+33611223344" || helene.GetString("genre") != "feminin" || helene.GetString("commune") != "Orléans" ||
		helene.GetString("consentement_source") != beneficiaires.ConsentementDeclare || helene.GetString("notes") != "" {
		t.Errorf("imported %v", helene.FieldsData())
	}
	expectBody(t, s.getAs(cookie, benefPath(helene.Id)), http.StatusOK, []string{"Consentement déclaré par la structure le "}, nil)
}

func TestImportInvalidRowWritesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.upload(cookie, a, "liste.csv", []byte("nom,prenom,email,annee\nBon,Jean,jean@example.fr,1950\nMauvais,Paul,paul@,1850\n"))
	jeton := importJeton(t, rec)
	form := mappingForm(jeton, a, "nom", "prenom", "email", "annee_naissance")
	before := beneficiaryState(t, s.app)
	preview := s.postAs(cookie, "/espace/beneficiaires/import/apercu", form)
	expectBody(t, preview, http.StatusOK, []string{"1 ligne invalide", "invalide : </strong>Année de naissance : ", "E-mail : ",
		"rien ne peut être importé"}, []string{`<button type="submit">Importer</button>`})
	// Even sent by hand, the import is refused as a whole.
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/import/valider", form), http.StatusUnprocessableEntity,
		[]string{"Rien n&#39;a été importé"}, nil)
	if beneficiaryState(t, s.app) != before {
		t.Error("an import with an invalid row wrote")
	}
}

func TestImportDuplicates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	cookie := s.signIn(testkit.ConseillerA)
	// Row 2: A's person by phone; row 3: B's person, name and phone, which
	// A's conseiller cannot read; rows 4 and 5: the same new person twice.
	file := "nom;prenom;telephone;annee\nAutre;Camille;06 12 34 56 78;\n" + testkit.NomBeneficiaireB + ";Camille;+262692123456;\n" +
		"Nouveau;Jean;;1960\nNouveau;Jean;;1960\n"
	rec := s.upload(cookie, a, "doublons.csv", []byte(file))
	jeton := importJeton(t, rec)
	form := mappingForm(jeton, a, "nom", "prenom", "telephone", "annee_naissance")
	preview := s.postAs(cookie, "/espace/beneficiaires/import/apercu", form)
	expectBody(t, preview, http.StatusOK, []string{"2 personnes seront créées", "2 doublons probables",
		"Camille " + testkit.NomBeneficiaireA + "</a> (même téléphone)", "de la ligne 4", `name="doublon" value="2"`},
		[]string{benefPath(benefB)})
	body := preview.Body.String()
	if i := strings.Index(body, "Camille "+testkit.NomBeneficiaireB); i < 0 || !strings.Contains(body[i:i+200], "sera créée") {
		t.Error("B's person is not a new person for A")
	}
	// Unticked duplicates are left out; a ticked one is created.
	form.Add("doublon", "5")
	done := s.postAs(cookie, "/espace/beneficiaires/import/valider", form)
	if got := followFlash(done); got != "3 personnes importées. 1 doublon probable laissé de côté." {
		t.Errorf("flash %q", got)
	}
	if n := benefCount(t, s.app, "beneficiaires", dbx.HashExp{"structure": a, "nom": "Nouveau"}); n != 2 {
		t.Errorf("%d « Nouveau » created, want the ticked duplicate too", n)
	}
	if n := benefCount(t, s.app, "beneficiaires", dbx.HashExp{"structure": a, "nom": "Autre"}); n != 0 {
		t.Error("an unticked duplicate was created")
	}
}

func TestImportBadFiles(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	cookie := s.signIn(testkit.ConseillerA)
	before := beneficiaryState(t, s.app)
	expectBody(t, s.upload(cookie, a, "photo.xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0, 0}), http.StatusUnprocessableEntity,
		[]string{"Erreur : ", "pas un tableur lisible"}, nil)
	expectBody(t, s.upload(cookie, a, "vide.csv", nil), http.StatusUnprocessableEntity, []string{"Choisissez le fichier à importer"}, nil)
	expectBody(t, s.upload(cookie, a, "gros.csv", bytes.Repeat([]byte("a;b\n"), 2<<20)), http.StatusUnprocessableEntity,
		[]string{"trop gros"}, nil)
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/import/apercu", mappingForm("../../etc/passwd", a, "nom", "prenom")),
		http.StatusUnprocessableEntity, []string{"plus disponible"}, nil)
	if beneficiaryState(t, s.app) != before {
		t.Error("bad files wrote")
	}
}

// The dry run finds, for each row, what the person form finds: the same
// name (accents, case and hyphens aside), a name one typo away with the
// same birth year, the same e-mail whatever its case; a close name of
// another year is a new person. (The import reads the structure's people
// once to skip the searches that cannot find anyone: this checks that
// nothing is skipped that would have been found.)
func TestImportFindsWhatThePersonFormFinds(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"annee_naissance": 1955, "email": "camille.alpha@example.org"})
	cookie := s.signIn(testkit.ConseillerA)
	file := "nom;prenom;email;annee\n" +
		"FIXTURENOM ALPHA;Câmille;;\n" +
		"Fixturenom-Alpah;Camille;;1955\n" +
		"Fixturenom-Alphx;Camille;;1956\n" +
		"Autre;Personne;CAMILLE.ALPHA@example.org;\n"
	jeton := importJeton(t, s.upload(cookie, a, "proches.csv", []byte(file)))
	preview := s.postAs(cookie, "/espace/beneficiaires/import/apercu", mappingForm(jeton, a, "nom", "prenom", "email", "annee_naissance"))
	expectBody(t, preview, http.StatusOK, []string{"1 personne sera créée", "3 doublons probables",
		"(même nom)", "(nom proche, même année de naissance)", "(même e-mail)"}, nil)
	body := preview.Body.String()
	if i := strings.Index(body, "Fixturenom-Alphx"); i < 0 || !strings.Contains(body[i:i+300], "sera créée") {
		t.Errorf("a close name of another birth year is not a new person:\n%s", body)
	}
}
