package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/codeperso"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pdfdoc/pdftest"
	"atelier/hooks/rgpd"
	"atelier/hooks/testkit"
)

// The short personal code (« 7K3M-Q9PX ») of every registration, /i where
// a person types it, and the appointment cards printed by the person or
// the staff.

var codeForm = regexp.MustCompile(codeperso.Motif)

// Every way a registration is made gives it a code of its own: the public
// form (its batched transaction), a conseiller's page, the REST API (a
// code sent by the caller is ignored: the field is hidden), a walk-in.
func TestEveryRegistrationGetsACode(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	codes := map[string]string{}
	keep := func(how, inscriptionID string) {
		t.Helper()
		code := mustFindID(t, s.app, "inscriptions", inscriptionID).GetString("code")
		if !codeForm.MatchString(code) {
			t.Errorf("%s: code %q", how, code)
		}
		for other, c := range codes {
			if c == code {
				t.Errorf("%s and %s share the code %s", how, other, code)
			}
		}
		codes[how] = code
	}
	// public form
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Jean", "Codepublic", "06 98 76 54 30", ""))
	jeton := strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/inscription/"), "?confirmation=1")
	public, err := s.app.FindFirstRecordByData("inscriptions", "jeton", jeton)
	if err != nil {
		t.Fatalf("public registration: %d %v", rec.Code, err)
	}
	keep("public form", public.Id)
	// a conseiller's page
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	expectRedirect(t, s.postAs(cookie, page+"/inscriptions", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}}), page)
	keep("staff", registrationOf(t, s.app, testkit.SeancePubliqueA, testkit.ID(testkit.BeneficiaireA2)).Id)
	// the REST API, as a conseiller who tries to choose the code
	apiPerson := newPerson(t, s.app, testkit.StructureA, "Api", "Codeapi", "code.api@example.org")
	rec = s.apiAs(testkit.ConseillerA, http.MethodPost, apiRecords("inscriptions"), map[string]any{
		"seance": testkit.ID(testkit.SeancePubliqueA), "beneficiaire": apiPerson.Id, "statut": "inscrit",
		"source": "conseiller", "code": "AAAA-AAAA"})
	var created struct{ ID string }
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil || rec.Code != http.StatusOK {
		t.Fatalf("API create: %d %s", rec.Code, rec.Body.String())
	}
	if strings.Contains(rec.Body.String(), `"code"`) {
		t.Errorf("the API answers the code: %s", rec.Body.String())
	}
	keep("REST API", created.ID)
	if codes["REST API"] == "AAAA-AAAA" {
		t.Error("the API caller chose the code")
	}
	// a walk-in, once the session has begun
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	walkIn := newPerson(t, s.app, testkit.StructureA, "Sur", "Place", "sur.place@example.org")
	expectRedirect(t, s.postAs(cookie, page+"/presences/ajout", url.Values{"beneficiaire": {walkIn.Id}}), page+"/presences")
	keep("walk-in", registrationOf(t, s.app, testkit.SeancePubliqueA, walkIn.Id).Id)
}

// The code opens the personal page, typed any way a person types it.
func TestCodeOpensThePersonalPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, typed := range []string{testkit.SecretCode, "fxtr-c0de", "FXTRC0DE", "fxtr c0de", " FXTR-CODE ", "fxtr-c0de"} {
		rec := s.get("/i/" + url.PathEscape(typed))
		expectRedirect(t, rec, "/inscription/"+testkit.SecretJeton)
		if rec.Header().Get("Cache-Control") != "no-store" || !strings.Contains(rec.Header().Get("X-Robots-Tag"), "noindex") {
			t.Errorf("%q: headers %v", typed, rec.Header())
		}
	}
	// The form: no JavaScript, a GET to /i that goes on to /i/{code}.
	expectBody(t, s.get("/i"), http.StatusOK, []string{"<h1>Vous avez un code ?</h1>", `<form method="get" action="/i"`,
		`name="code"`, `autocomplete="off"`, `inputmode="text"`, `<label for="code">`, "Voir mon inscription"}, []string{"erreur-code"})
	expectRedirect(t, s.get("/i?code="+url.QueryEscape(" fxtr c0de ")), "/i/"+testkit.SecretCode)
	expectBody(t, s.get("/i?code=+"), http.StatusUnprocessableEntity, []string{"Erreur : ", "Saisissez votre code", `aria-invalid="true"`}, nil)
	// A wrong code: 404, the form with the message next to the field and
	// what was typed; the page names nobody.
	for path, kept := range map[string]string{
		"/i/ZZZZ-ZZZZ":                               "ZZZZ-ZZZZ",
		"/i?code=" + url.QueryEscape("7k3m q9p"):     "7k3m q9p",
		"/i/" + url.PathEscape("<script>x</script>"): "&lt;script&gt;x&lt;/script&gt;",
	} {
		rec := s.get(path)
		expectBody(t, rec, http.StatusNotFound, []string{"Aucune inscription ne correspond à ce code", `id="erreur-code"`,
			`value="` + kept + `"`, `aria-invalid="true"`}, []string{"<script>x", testkit.NomBeneficiaireA, testkit.SecretJeton})
	}
	// A code whose personal link was erased (session over, anonymisation)
	// opens nothing.
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"jeton": ""})
	expectBody(t, s.get("/i/"+testkit.SecretCode), http.StatusNotFound, []string{"Aucune inscription ne correspond à ce code"}, nil)
}

// The code is on the personal page and the confirmation, large, with the
// card to print; the home and structure pages lead to /i.
func TestCodeShownToThePerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	expectBody(t, s.get("/inscription/"+testkit.SecretJeton), http.StatusOK, []string{"Votre code : <strong class=\"code-grand\">" + testkit.SecretCode + "</strong>",
		"Gardez-le pour retrouver votre inscription", `href="/i"`,
		`href="/inscription/` + testkit.SecretJeton + `/carton.pdf">Imprimer mon carton de rendez-vous</a>`}, nil)
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Lise", "Confirmee", "06 98 76 54 31", ""))
	location := rec.Header().Get("Location")
	confirmation := s.get(location)
	code := regexp.MustCompile(`class="code-grand">([^<]+)<`).FindStringSubmatch(confirmation.Body.String())
	if code == nil || !codeForm.MatchString(code[1]) {
		t.Fatalf("confirmation page without the code:\n%s", confirmation.Body.String())
	}
	expectRedirect(t, s.get("/i/"+strings.ToLower(code[1])), strings.TrimSuffix(location, "?confirmation=1"))
	expectBody(t, s.get("/"), http.StatusOK, []string{`<a href="/i">J'ai un code</a>`}, nil)
	expectBody(t, s.get("/s/"+mustFind(t, s.app, "structures", testkit.StructureA).GetString("slug")), http.StatusOK,
		[]string{`<a href="/i">J'ai un code</a>`}, nil)
}

// Guessing codes is throttled per address (rule "/i/", 20 a minute), the
// form included, with the French page.
func TestCodeGuessingIsThrottled(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	var last *httptest.ResponseRecorder
	for i := range 21 {
		path := fmt.Sprintf("/i/ZZZZ-%04d", i)
		if i%2 == 1 {
			path = fmt.Sprintf("/i?code=ZZZZ-%04d", i)
		}
		last = s.get(path)
		if i < 20 && last.Code != http.StatusNotFound && last.Code != http.StatusSeeOther {
			t.Fatalf("request %d: %d", i+1, last.Code)
		}
	}
	expectBody(t, last, http.StatusTooManyRequests, []string{`<html lang="fr">`, "Trop de demandes"}, nil)
	// the right code too, until the minute is over
	if rec := s.get("/i/" + testkit.SecretCode); rec.Code != http.StatusTooManyRequests {
		t.Errorf("the right code after 21 guesses: %d", rec.Code)
	}
}

// The card of the fixture's session, as the person and the staff print it.
func cardFixture(t *testing.T, s *site) (date, plage string) {
	t.Helper()
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"accessibilite": "Rampe d'accès côté cour"})
	setFields(t, s.app, "ateliers", testkit.AtelierA, map[string]any{"a_apporter": "Votre téléphone chargé"})
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"telephone": "+33549112233"})
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	structure := mustFind(t, s.app, "structures", testkit.StructureA)
	loc := frfmt.Location(structure.GetString("fuseau"))
	debut, fin := seance.GetDateTime("debut").Time().In(loc), seance.GetDateTime("fin").Time().In(loc)
	date = frfmt.Date(debut)
	r := []rune(date)
	r[0] = unicode.ToUpper(r[0])
	// pdfText reads every kind of space as one plain space
	return strings.Join(strings.Fields(string(r)), " "), strings.Join(strings.Fields(frfmt.Plage(debut, fin)), " ")
}

func pdfText(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("not a PDF: %d %q\n%.500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	if rec.Header().Get("Cache-Control") != "no-store" || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "inline; filename=") {
		t.Errorf("file headers: %v", rec.Header())
	}
	return strings.Join(strings.Fields(pdftest.Text(t, rec.Body.Bytes())), " ")
}

// The person's own card: where, when, how to cancel, the code, and a QR
// code to the personal page on the Application URL.
func TestPersonPrintsTheirCard(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	date, plage := cardFixture(t, s)
	req := httptest.NewRequest(http.MethodGet, "/inscription/"+testkit.SecretJeton+"/carton.pdf", nil)
	req.Host = "pirate.example"
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	text := pdfText(t, rec)
	for _, want := range []string{"Votre rendez-vous", "Atelier propre à Alpha", date, plage, "Salle Alpha",
		"Accès : Rampe d'accès côté cour", "À apporter : Votre téléphone chargé", "Pour annuler, appelez le 05 49 11 22 33",
		"Votre code : " + testkit.SecretCode, "ateliers.example.fr/i"} {
		if !strings.Contains(text, want) {
			t.Errorf("card lacks %q:\n%s", want, text)
		}
	}
	if got := pdftest.QRCodes(t, rec.Body.Bytes(), 1, 2, 2)[0]; got != testkit.AppURL+"/inscription/"+testkit.SecretJeton {
		t.Errorf("QR code %q", got)
	}
	// A wrong token: the French 404 page.
	expectBody(t, s.get("/inscription/"+strings.Repeat("A", 43)+"/carton.pdf"), http.StatusNotFound, []string{"Page introuvable"}, nil)
	// Cancelled: no card, the personal page says why.
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"statut": "annule"})
	expectRedirect(t, s.get("/inscription/"+testkit.SecretJeton+"/carton.pdf"), "/inscription/"+testkit.SecretJeton)
}

// The token is what opens the card: every account gets the same answer
// as anybody holding the link, and a wrong token gets nothing.
func TestPersonalCardAccessByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	path := "/inscription/" + testkit.SecretJeton + "/carton.pdf"
	for _, c := range []struct{ who, cookie string }{
		{"anonyme", ""},
		{"conseiller", s.signIn(testkit.ConseillerA)},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB)},
		{"référent", s.signIn(testkit.ReferentA)},
		{"coordinateur", s.signIn(testkit.Coordinateur)},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA)},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA)},
	} {
		if rec := s.getAs(c.cookie, path); rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
			t.Errorf("%s: %d", c.who, rec.Code)
		}
		if rec := s.getAs(c.cookie, "/inscription/"+testkit.SecretJeton+"B0/carton.pdf"); rec.Code != http.StatusNotFound {
			t.Errorf("%s, wrong token: %d", c.who, rec.Code)
		}
	}
}

// Staff print one card or everyone's (registered and waiting, four per
// sheet), from the session's page; the read of the names is journaled.
func TestStaffPrintCards(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	date, _ := cardFixture(t, s)
	page := espaceSeance(testkit.SeancePubliqueA)
	for i := range 3 {
		newInscription(t, s.app, testkit.SeancePubliqueA,
			newPerson(t, s.app, testkit.StructureA, "Inscrite", fmt.Sprintf("Carton%d", i), ""), "inscrit", 0)
	}
	waiting := newInscription(t, s.app, testkit.SeancePubliqueA,
		newPerson(t, s.app, testkit.StructureA, "Attente", "Cartonattente", ""), "liste_attente", 7)
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, page), http.StatusOK, []string{`href="` + page + `/cartons.pdf">Imprimer les cartons`,
		`href="` + page + `/inscriptions/` + testkit.ID(testkit.InscriptionA) + `/carton.pdf"`,
		`href="` + page + `/inscriptions/` + waiting.Id + `/carton.pdf"`}, nil)

	journal := s.count("journal")
	all := s.getAs(cookie, page+"/cartons.pdf")
	text := pdfText(t, all)
	if n := pdftest.Pages(t, all.Body.Bytes()); n != 2 {
		t.Errorf("5 cards on %d sheets", n)
	}
	for _, want := range []string{"Camille " + testkit.NomBeneficiaireA, "Inscrite Carton0", "Inscrite Carton2",
		"Attente Cartonattente", "Liste d'attente — rang 1 — nous vous appellerons", testkit.SecretCode, date} {
		if !strings.Contains(text, want) {
			t.Errorf("cards lack %q:\n%s", want, text)
		}
	}
	if strings.Count(text, "Votre rendez-vous") != 4 {
		t.Errorf("%d appointments for 4 people with a place", strings.Count(text, "Votre rendez-vous"))
	}
	if s.count("journal") != journal+1 {
		t.Error("printing the names is not journaled")
	}
	one := s.getAs(cookie, page+"/inscriptions/"+waiting.Id+"/carton.pdf")
	text = pdfText(t, one)
	if !strings.Contains(text, "Attente Cartonattente") || strings.Contains(text, testkit.NomBeneficiaireA) ||
		!strings.Contains(text, "Liste d'attente — rang 1") {
		t.Errorf("one card:\n%s", text)
	}
	wantQR := testkit.AppURL + "/inscription/" + waiting.GetString("jeton")
	if got := pdftest.QRCodes(t, one.Body.Bytes(), 1, 2, 2)[0]; got != wantQR {
		t.Errorf("QR code %q, want %q", got, wantQR)
	}
	// Another session's registration in the path: not found.
	expectBody(t, s.getAs(cookie, page+"/inscriptions/"+testkit.ID(testkit.InscriptionB)+"/carton.pdf"), http.StatusNotFound, nil,
		[]string{testkit.NomBeneficiaireB})
	// A session that has begun: no card, and no button.
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, page+"/cartons.pdf"), http.StatusConflict, []string{"pas de carton à imprimer : la séance est annulée ou a déjà commencé"}, nil)
	expectBody(t, s.getAs(cookie, page), http.StatusOK, nil, []string{"cartons.pdf", "carton.pdf"})
}

// Only conseillers of the session's structure print its cards.
func TestStaffCardsAccessByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	page := espaceSeance(testkit.SeancePubliqueA)
	paths := []string{page + "/cartons.pdf", page + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/carton.pdf"}
	for _, c := range []struct {
		who    string
		cookie string
		status int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusOK},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusNotFound},
		{"référent", s.signIn(testkit.ReferentA), http.StatusForbidden},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
	} {
		for _, path := range paths {
			rec := s.getAs(c.cookie, path)
			if rec.Code != c.status {
				t.Errorf("%s: %s: %d, want %d", c.who, path, rec.Code, c.status)
			}
			if c.status == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
				t.Errorf("%s: %s: to %q", c.who, path, rec.Header().Get("Location"))
			}
			if c.status != http.StatusOK && (strings.Contains(rec.Body.String(), testkit.NomBeneficiaireA) || strings.Contains(rec.Body.String(), "%PDF")) {
				t.Errorf("%s: %s gives the cards", c.who, path)
			}
		}
	}
}

// Retention (the session is over) and anonymisation erase the code with
// the personal link.
func TestErasedLinkErasesTheCode(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	codeOf := func(id string) string { return mustFindID(t, s.app, "inscriptions", id).GetString("code") }
	inB := testkit.ID(testkit.InscriptionB)
	if codeOf(testkit.ID(testkit.InscriptionA)) != testkit.SecretCode || !codeForm.MatchString(codeOf(inB)) {
		t.Fatal("the fixture's registrations have no code")
	}
	moveSession(t, s.app, testkit.SeancePubliqueA, testkit.Now().UTC().Add(-72*time.Hour), 2*time.Hour)
	if _, err := rgpd.RunRetention(s.app, testkit.Now(), false); err != nil {
		t.Fatal(err)
	}
	if got := codeOf(testkit.ID(testkit.InscriptionA)); got != "" {
		t.Errorf("code %q kept after the session", got)
	}
	expectBody(t, s.get("/i/"+testkit.SecretCode), http.StatusNotFound, nil, nil)
	// A later change of the registration gives it no new code.
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"statut": "present"})
	if got := codeOf(testkit.ID(testkit.InscriptionA)); got != "" {
		t.Errorf("an update drew code %q", got)
	}
	// Given a new personal link, it gets a new code.
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"jeton": strings.Repeat("N", 43)})
	if got := codeOf(testkit.ID(testkit.InscriptionA)); !codeForm.MatchString(got) || got == testkit.SecretCode {
		t.Errorf("a new link without a new code: %q", got)
	}
	person := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireB)
	if err := s.app.RunInTransaction(func(tx core.App) error {
		_, err := rgpd.AnonymiseBeneficiaire(tx, nil, person, "test", testkit.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if got := codeOf(inB); got != "" {
		t.Errorf("code %q kept after anonymisation", got)
	}
}

// A cancelled registration taken up again by the public form gets a new
// link, and a new code with it: the old code opens nothing, as the old
// link.
func TestReturningPersonGetsANewCode(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"statut": "annule"})
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Camille", "Fixturenom-Alpha", "06 12 34 56 78", ""))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
	}
	r := mustFind(t, s.app, "inscriptions", testkit.InscriptionA)
	code := r.GetString("code")
	if r.GetString("jeton") == testkit.SecretJeton || code == testkit.SecretCode || !codeForm.MatchString(code) {
		t.Fatalf("taken up again with link kept %v, code %q", r.GetString("jeton") == testkit.SecretJeton, code)
	}
	expectBody(t, s.get("/i/"+testkit.SecretCode), http.StatusNotFound, nil, nil)
	expectRedirect(t, s.get("/i/"+code), "/inscription/"+r.GetString("jeton"))
}
