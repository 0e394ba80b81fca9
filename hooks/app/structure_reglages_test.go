package app_test

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atelier/hooks/testkit"
)

// A structure's référent or a coordinateur keep its public information up
// to date from the workspace: /espace/structures/{id}.

func structurePath(name string) string { return "/espace/structures/" + testkit.ID(name) }

// structureForm is the settings form of structure A as the page fills it,
// with changes.
func structureForm(changes map[string]string) url.Values {
	form := url.Values{"nom": {"Médiathèque Alpha"}, "slug": {"mediatheque-alpha"}, "fuseau": {"Europe/Paris"},
		"commune": {"Poitiers"}, "action": {"enregistrer"}}
	for k, v := range changes {
		form.Set(k, v)
	}
	return form
}

// structureState is what the settings page may change, to tell that a
// refused form changed nothing.
func structureState(t *testing.T, s *site, name string) string {
	t.Helper()
	r := mustFind(t, s.app, "structures", name)
	var b strings.Builder
	for _, f := range []string{"nom", "slug", "siret", "adresse", "code_postal", "commune", "code_insee", "typologie",
		"telephone", "courriel", "site_web", "horaires", "presentation", "fuseau", "logo", "updated"} {
		b.WriteString(f + "=" + r.GetString(f) + "\n")
	}
	return b.String()
}

func TestStructureSettingsPerRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := map[string]string{testkit.StructureA: structureState(t, s, testkit.StructureA),
		testkit.StructureB: structureState(t, s, testkit.StructureB)}
	referent := s.signIn(testkit.ReferentA)
	type request struct {
		method, path string
		form         url.Values
	}
	pages := func(name string) []request {
		return []request{{http.MethodGet, structurePath(name), nil},
			{http.MethodPost, structurePath(name), structureForm(map[string]string{"nom": "Pris"})},
			{http.MethodPost, structurePath(name) + "/apercu", structureForm(map[string]string{"nom": "Pris"})}}
	}
	for _, c := range []struct {
		who       string
		cookie    string
		structure string
		status    int
	}{
		{"anonyme", "", testkit.StructureA, http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), testkit.StructureA, http.StatusForbidden},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), testkit.StructureA, http.StatusForbidden},
		{"référent d'une autre structure", referent, testkit.StructureB, http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), testkit.StructureA, http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), testkit.StructureA, http.StatusSeeOther},
	} {
		for _, r := range pages(c.structure) {
			var rec *httptest.ResponseRecorder
			if r.method == http.MethodGet {
				rec = s.getAs(c.cookie, r.path)
			} else {
				rec = s.postAs(c.cookie, r.path, r.form)
			}
			if rec.Code != c.status || strings.Contains(rec.Body.String(), "Pris") {
				t.Errorf("%s: %s %s = %d, want %d", c.who, r.method, r.path, rec.Code, c.status)
			}
		}
	}
	if rec := s.getAs("", "/espace/structures"); rec.Code != http.StatusSeeOther {
		t.Errorf("anonyme: list %d", rec.Code)
	}
	if rec := s.getAs(s.signIn(testkit.ConseillerA), "/espace/structures"); rec.Code != http.StatusForbidden {
		t.Errorf("conseiller: list %d", rec.Code)
	}
	for name, state := range before {
		if got := structureState(t, s, name); got != state {
			t.Fatalf("%s changed by someone who may not:\n%s\nwas\n%s", name, got, state)
		}
	}

	// The référent sees and changes their own structure, reached from the
	// dashboard and the menu; the coordinateur every one.
	expectBody(t, s.getAs(referent, "/espace"), http.StatusOK, []string{`href="` + structurePath(testkit.StructureA) + `"`,
		`href="/espace/structures"`}, nil)
	expectBody(t, s.getAs(referent, "/espace/structures"), http.StatusOK, []string{`href="` + structurePath(testkit.StructureA) + `"`},
		[]string{testkit.ID(testkit.StructureB)})
	expectBody(t, s.getAs(referent, structurePath(testkit.StructureA)), http.StatusOK, []string{
		`value="mediatheque-alpha"`, testkit.AppURL + "/s/mediatheque-alpha",
		`href="` + structurePath(testkit.StructureA) + `/rappel"`, `href="` + structurePath(testkit.StructureA) + `/widget"`,
		`href="/espace/sms"`, `href="/espace/lieux"`}, nil)
	if rec := s.postAs(referent, structurePath(testkit.StructureA), structureForm(map[string]string{"nom": "Médiathèque Alpha rénovée"})); rec.Code != http.StatusSeeOther ||
		followFlash(rec) != "Les réglages de « Médiathèque Alpha rénovée » sont enregistrés." {
		t.Fatalf("référent: %d %q", rec.Code, followFlash(rec))
	}
	if got := mustFind(t, s.app, "structures", testkit.StructureA).GetString("nom"); got != "Médiathèque Alpha rénovée" {
		t.Errorf("saved name %q", got)
	}
	coord := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coord, "/espace/structures"), http.StatusOK, []string{structurePath(testkit.StructureA),
		structurePath(testkit.StructureB), structurePath(testkit.StructureC)}, nil)
	formB := url.Values{"nom": {"France Services Bêta"}, "slug": {"france-services-beta"}, "fuseau": {"Indian/Reunion"},
		"telephone": {"0262 40 15 30"}}
	if rec := s.postAs(coord, structurePath(testkit.StructureB), formB); rec.Code != http.StatusSeeOther {
		t.Fatalf("coordinateur on B: %d\n%s", rec.Code, rec.Body.String())
	}
	if got := mustFind(t, s.app, "structures", testkit.StructureB).GetString("telephone"); got != "+262262401530" {
		t.Errorf("B's phone %q", got)
	}
}

// A saved form changes the public page at once; a new address moves it.
func TestStructureSettingsSave(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	if rec := s.getAs("", "/s/mediatheque-alpha"); rec.Code != http.StatusOK { // cached before the change
		t.Fatalf("public page: %d", rec.Code)
	}
	form := structureForm(map[string]string{"nom": "Espace numérique Alpha", "slug": "espace-numerique-alpha",
		"siret": "218 601 944 00018", "adresse": "14 rue des Tanneurs", "code_postal": "86 000", "commune": "Poitiers",
		"code_insee": "86194", "telephone": "05 49 00 00 00", "courriel": "Contact@Alpha.example",
		"site_web": "https://alpha.example", "presentation": "Des ateliers gratuits pour apprendre.",
		"horaires": "Mo-Fr 09:00-12:00,14:00-17:00;Sa 09:00-12:00; PH off", "fuseau": "America/Cayenne"})
	form["typologie"] = []string{"BIB", "MUNI"}
	rec := s.postAs(referent, structurePath(testkit.StructureA), form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != structurePath(testkit.StructureA) {
		t.Fatalf("save: %d %s\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	r := mustFind(t, s.app, "structures", testkit.StructureA)
	want := map[string]string{"nom": "Espace numérique Alpha", "slug": "espace-numerique-alpha", "siret": "21860194400018",
		"adresse": "14 rue des Tanneurs", "code_postal": "86000", "code_insee": "86194", "telephone": "+33549000000",
		"courriel": "contact@alpha.example", "site_web": "https://alpha.example",
		"horaires": "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off", "fuseau": "America/Cayenne",
		"presentation": "Des ateliers gratuits pour apprendre."}
	for f, v := range want {
		if got := r.GetString(f); got != v {
			t.Errorf("%s = %q, want %q", f, got, v)
		}
	}
	if got := r.GetStringSlice("typologie"); len(got) != 2 {
		t.Errorf("typologie = %v", got)
	}
	expectBody(t, s.get("/s/espace-numerique-alpha"), http.StatusOK, []string{"<h1>Espace numérique Alpha</h1>",
		`<th scope="row">Lundi</th><td>9` + "\u00a0" + `h – 12` + "\u00a0" + `h, 14` + "\u00a0" + `h – 17` + "\u00a0" + `h</td>`,
		`<th scope="row">Dimanche</th><td>Fermé</td>`, `<th scope="row">Jours fériés</th><td>Fermé</td>`,
		"Des ateliers gratuits pour apprendre.", `href="tel:&#43;33549000000"`}, []string{"Mo-Fr"})
	if rec := s.get("/s/mediatheque-alpha"); rec.Code != http.StatusNotFound {
		t.Errorf("old address: %d", rec.Code)
	}
	// The settings page shows the hours back in the grid.
	expectBody(t, s.getAs(referent, structurePath(testkit.StructureA)), http.StatusOK, []string{
		`name="grille-0-1-debut" type="text" value="14:00"`, `name="grille-5-0-fin" type="text" value="12:00"`,
		`name="grille-6-0-debut" type="text" value=""`, `id="feries_fermes" name="feries_fermes" value="oui" checked`}, nil)
}

// Bad input answers with the form, a French message next to the field and
// what was typed; nothing is saved.
func TestStructureSettingsBadInputChangesNothing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	before := structureState(t, s, testkit.StructureA)
	for _, c := range []struct {
		field, typed, message string
	}{
		{"nom", "", "Indiquez le nom de la structure"},
		{"slug", "Médiathèque Alpha", "L&#39;adresse s&#39;écrit en minuscules sans accent"},
		{"slug", "france-services-beta", "déjà celle d&#39;une autre structure"},
		{"slug", "alpha--poitiers", "minuscules sans accent"},
		{"siret", "218 601 944 00013", "Ce SIRET n&#39;existe pas"},
		{"siret", "2186019440001", "14 chiffres"},
		{"code_postal", "8600", "code postal"},
		{"code_insee", "20123", "INSEE"},
		{"telephone", "05 49", "numéro"},
		{"courriel", "contact@gmail.con", "gmail.com"},
		{"site_web", "www.alpha.example", "commence par https://"},
		{"horaires", "Lundi 9h-12h", "« Lundi » n&#39;est pas un jour"},
		{"horaires", "Mo-Fr 09:00-12:00; Sa 9:00-12:00", "Partie 2 « Sa 9:00-12:00 »"},
		{"presentation", strings.Repeat("a", 281), "280 caractères au plus"},
		{"fuseau", "Europe/Berlin", "Choisissez le fuseau horaire dans la liste"},
		{"typologie", "INCONNUE", "Choisissez le type de structure"},
	} {
		form := structureForm(map[string]string{c.field: c.typed, "adresse": "Adresse tapée 12"})
		rec := s.postAs(referent, structurePath(testkit.StructureA), form)
		want := []string{c.message, "Erreur : ", `id="erreur-` + c.field + `"`, `value="Adresse tapée 12"`}
		if c.field != "fuseau" && c.field != "typologie" && c.typed != "" {
			want = append(want, strings.ReplaceAll(c.typed, "'", "&#39;"))
		}
		expectBody(t, rec, http.StatusUnprocessableEntity, want, nil)
		if got := structureState(t, s, testkit.StructureA); got != before {
			t.Fatalf("%s=%q changed the structure:\n%s", c.field, c.typed, got)
		}
	}
}

// Hours typed as free text before the syntax was asked for stay as they
// are while nobody changes them; the page says so.
func TestStructureFreeTextHoursStayUntilChanged(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	libre := "Mardi et jeudi : 13 h – 18 h\nSur rendez-vous le samedi."
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"horaires": libre})
	expectBody(t, s.getAs(referent, structurePath(testkit.StructureA)), http.StatusOK,
		[]string{"Vos horaires actuels sont écrits librement", "ne tiennent pas dans la grille", "Sur rendez-vous le samedi.</textarea>"}, nil)
	// the grid, empty since it cannot show them, does not wipe them
	expectBody(t, s.postAs(referent, structurePath(testkit.StructureA), structureForm(map[string]string{"horaires": libre, "action": "grille"})),
		http.StatusOK, []string{"La grille est vide : les horaires n'ont pas changé.", "Sur rendez-vous le samedi.</textarea>"}, nil)
	rec := s.postAs(referent, structurePath(testkit.StructureA), structureForm(map[string]string{"horaires": libre, "nom": "Alpha"}))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save with free-text hours: %d\n%s", rec.Code, rec.Body.String())
	}
	r := mustFind(t, s.app, "structures", testkit.StructureA)
	if r.GetString("horaires") != libre || r.GetString("nom") != "Alpha" {
		t.Errorf("saved %q, %q", r.GetString("nom"), r.GetString("horaires"))
	}
	expectBody(t, s.get("/s/mediatheque-alpha"), http.StatusOK, []string{`<dd class="multiligne">Mardi et jeudi`}, []string{`class="horaires"`})
	// changed, they must follow the syntax
	expectBody(t, s.postAs(referent, structurePath(testkit.StructureA), structureForm(map[string]string{"horaires": libre + " Fermé en août."})),
		http.StatusUnprocessableEntity, []string{"« Mardi » n&#39;est pas un jour"}, nil)
}

// The grid writes the hours and the preview says them in French, without
// saving anything.
func TestStructureHoursGridAndPreview(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	before := structureState(t, s, testkit.StructureA)
	form := structureForm(map[string]string{"action": "grille", "nom": "Nom tapé",
		"grille-1-0-debut": "9h", "grille-1-0-fin": "12h", "grille-1-1-debut": "14h", "grille-1-1-fin": "17 h 30",
		"grille-3-0-debut": "9h", "grille-3-0-fin": "12h", "grille-3-1-debut": "14h", "grille-3-1-fin": "17h30",
		"grille-5-0-debut": "10:00", "grille-5-0-fin": "12:00", "feries_fermes": "oui"})
	expectBody(t, s.postAs(referent, structurePath(testkit.StructureA), form), http.StatusOK, []string{
		">Tu 09:00-12:00,14:00-17:30; Th 09:00-12:00,14:00-17:30; Sa 10:00-12:00; PH off</textarea>",
		`<th scope="row">Mardi</th><td>9` + "\u00a0" + `h – 12` + "\u00a0" + `h, 14` + "\u00a0" + `h – 17` + "\u00a0" + `h` + "\u00a0" + `30</td>`,
		`<th scope="row">Lundi</th><td>Fermé</td>`, "Rien n'est encore enregistré", `value="Nom tapé"`,
		`name="grille-1-1-fin" type="text" value="17 h 30"`}, nil)
	// a wrong time in the grid is said next to it
	form.Set("grille-4-0-debut", "9h")
	form.Set("grille-4-0-fin", "25h")
	expectBody(t, s.postAs(referent, structurePath(testkit.StructureA), form), http.StatusUnprocessableEntity, []string{
		`id="erreur-grille-4-0-fin"`, "Vendredi : l&#39;heure de fermeture « 25h » n&#39;est pas une heure", `value="25h"`}, nil)
	// the syntax typed by hand, previewed
	preview := structureForm(map[string]string{"action": "horaires", "horaires": "We 14:00-16:00"})
	expectBody(t, s.postAs(referent, structurePath(testkit.StructureA), preview), http.StatusOK,
		[]string{`<th scope="row">Mercredi</th><td>14` + "\u00a0" + `h – 16` + "\u00a0" + `h</td>`}, []string{"Jours fériés"})
	preview.Set("horaires", "We 14:00-16:00; Su 10-12")
	expectBody(t, s.postAs(referent, structurePath(testkit.StructureA), preview), http.StatusUnprocessableEntity,
		[]string{`id="erreur-horaires"`, "Partie 2 « Su 10-12 » : l&#39;heure « 10 »"}, nil)
	if got := structureState(t, s, testkit.StructureA); got != before {
		t.Fatalf("a preview changed the structure:\n%s", got)
	}
}

// « Aperçu de la page publique » draws the public page with the typed
// values, the real places and sessions, and saves nothing.
func TestStructurePublicPagePreview(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	before := structureState(t, s, testkit.StructureA)
	form := structureForm(map[string]string{"nom": "Nom en aperçu", "presentation": "Présentation en aperçu.",
		"horaires": "Mo 09:00-12:00", "telephone": "05 49 00 00 00", "siret": "faux"})
	expectBody(t, s.postAs(referent, structurePath(testkit.StructureA)+"/apercu", form), http.StatusOK, []string{
		"Aperçu : rien n'est enregistré", "<h1>Nom en aperçu</h1>", "Présentation en aperçu.",
		`<th scope="row">Lundi</th><td>9` + "\u00a0" + `h – 12` + "\u00a0" + `h</td>`, `href="tel:&#43;33549000000"`,
		"Salle Alpha", `href="` + structurePath(testkit.StructureA) + `"`}, nil)
	if got := structureState(t, s, testkit.StructureA); got != before {
		t.Fatalf("the preview changed the structure:\n%s", got)
	}
	expectBody(t, s.get("/s/mediatheque-alpha"), http.StatusOK, nil, []string{"Nom en aperçu"})
}

func multipartForm(t *testing.T, form url.Values, file string, content []byte) (string, *bytes.Buffer) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, values := range form {
		for _, v := range values {
			if err := w.WriteField(k, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if file != "" {
		part, err := w.CreateFormFile("logo", file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return w.FormDataContentType(), &body
}

func (s *site) postMultipart(cookie, path string, form url.Values, file string, content []byte) *httptest.ResponseRecorder {
	s.t.Helper()
	contentType, body := multipartForm(s.t.(*testing.T), form, file, content)
	req := httptest.NewRequest(http.MethodPost, path, body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Cookie", cookie)
	req.Header.Set("Origin", origin)
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

func pngLogo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngClaiming is a 1×1 PNG whose header claims w×h pixels, as a
// decompression bomb does: the size check reads the header only, and
// drawing 20,000 × 20,000 real pixels cost the test a 1.6 GB image.
func pngClaiming(t *testing.T, w, h int) []byte {
	t.Helper()
	b := pngLogo(t, 1, 1)
	ihdr := b[12:29] // chunk type and the 13 bytes of data, after the 8-byte signature and the length
	binary.BigEndian.PutUint32(ihdr[4:8], uint32(w))
	binary.BigEndian.PutUint32(ihdr[8:12], uint32(h))
	binary.BigEndian.PutUint32(b[29:33], crc32.ChecksumIEEE(ihdr))
	return b
}

// A logo is a small PNG, JPEG or WebP image, read from its content.
func TestStructureLogo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	path := structurePath(testkit.StructureA)
	before := structureState(t, s, testkit.StructureA)
	for _, c := range []struct {
		file    string
		content []byte
		message string
	}{
		{"logo.png", []byte("<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"), "PNG, JPEG ou WebP"},
		{"logo.png", append(pngLogo(t, 10, 10), make([]byte, 1<<20)...), "trop lourd : 1 Mo au plus"},
		{"logo.png", pngClaiming(t, 20000, 20000), "pixels"},
	} {
		rec := s.postMultipart(referent, path, structureForm(map[string]string{"nom": "Alpha au logo"}), c.file, c.content)
		expectBody(t, rec, http.StatusUnprocessableEntity, []string{`id="erreur-logo"`, c.message, `value="Alpha au logo"`}, nil)
		if got := structureState(t, s, testkit.StructureA); got != before {
			t.Fatalf("a refused logo changed the structure:\n%s", got)
		}
	}
	rec := s.postMultipart(referent, path, structureForm(nil), "mon logo.png", pngLogo(t, 200, 80))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("logo: %d\n%s", rec.Code, rec.Body.String())
	}
	logo := mustFind(t, s.app, "structures", testkit.StructureA).GetString("logo")
	if logo == "" {
		t.Fatal("no logo saved")
	}
	expectBody(t, s.getAs(referent, path), http.StatusOK, []string{`src="/api/files/structures/` + testkit.ID(testkit.StructureA) + "/" + logo + `?thumb=0x120"`,
		`alt="Logo de Médiathèque Alpha"`, `name="supprimer_logo"`}, nil)
	if rec := s.get("/api/files/structures/" + testkit.ID(testkit.StructureA) + "/" + logo); rec.Code != http.StatusOK {
		t.Errorf("the logo is not served: %d", rec.Code)
	}
	// saving other fields keeps it; « Retirer le logo » removes it
	if rec := s.postMultipart(referent, path, structureForm(map[string]string{"nom": "Alpha"}), "", nil); rec.Code != http.StatusSeeOther ||
		mustFind(t, s.app, "structures", testkit.StructureA).GetString("logo") != logo {
		t.Fatalf("logo lost on a save: %d", rec.Code)
	}
	if rec := s.postAs(referent, path, structureForm(map[string]string{"supprimer_logo": "oui"})); rec.Code != http.StatusSeeOther ||
		mustFind(t, s.app, "structures", testkit.StructureA).GetString("logo") != "" {
		t.Fatalf("logo not removed: %d", rec.Code)
	}
}

// The REST API obeys the same rule for the fields of the page: a
// structure's référent changes their own, never another's; a conseiller,
// a deactivated account and a signed-out token change nothing.
func TestStructureSettingsThroughTheAPI(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	body := map[string]any{"nom": "Par l'API", "slug": "par-l-api", "siret": "21860194400018", "horaires": "Mo 09:00-12:00",
		"presentation": "Texte.", "fuseau": "Indian/Reunion", "typologie": []string{"BIB"}, "telephone": "+33549000000"}
	record := func(name string) string { return "/api/collections/structures/records/" + testkit.ID(name) }
	for _, c := range []struct {
		who, token, structure string
	}{
		{"anonyme", "", testkit.StructureA},
		{"conseiller", testkit.Token(t, testkit.ConseillerA), testkit.StructureA},
		{"référent d'une autre structure", testkit.Token(t, testkit.ReferentA), testkit.StructureB},
		{"désactivé", testkit.Token(t, testkit.InactifA), testkit.StructureA},
		{"déconnecté", testkit.Token(t, testkit.DeconnecteA), testkit.StructureA},
	} {
		before := structureState(t, s, c.structure)
		if rec := s.api(http.MethodPatch, record(c.structure), c.token, body); rec.Code == http.StatusOK {
			t.Errorf("%s: PATCH %d", c.who, rec.Code)
		}
		if got := structureState(t, s, c.structure); got != before {
			t.Errorf("%s changed %s:\n%s", c.who, c.structure, got)
		}
	}
	if rec := s.api(http.MethodPatch, record(testkit.StructureA), testkit.Token(t, testkit.ReferentA), body); rec.Code != http.StatusOK {
		t.Fatalf("référent on A: %d %s", rec.Code, rec.Body.String())
	}
	if r := mustFind(t, s.app, "structures", testkit.StructureA); r.GetString("slug") != "par-l-api" || r.GetString("fuseau") != "Indian/Reunion" {
		t.Errorf("référent's change not saved: %s %s", r.GetString("slug"), r.GetString("fuseau"))
	}
	body["slug"] = "par-l-api-b"
	if rec := s.api(http.MethodPatch, record(testkit.StructureB), testkit.Token(t, testkit.Coordinateur), body); rec.Code != http.StatusOK {
		t.Fatalf("coordinateur on B: %d %s", rec.Code, rec.Body.String())
	}
}
