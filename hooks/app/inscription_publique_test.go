package app_test

import (
	"github.com/jonboulle/clockwork"

	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/testkit"
	"atelier/hooks/web"
)

// The public form never shows, sends or changes anything about a person it
// did not create: a phone or an e-mail identifies nobody on its own, an
// existing person's record is never changed, and a personal link goes only
// to the form that made the registration or to the e-mail on the record.

// snapshot is what a public form must never change on a person.
func snapshot(t *testing.T, app core.App, name string) map[string]any {
	t.Helper()
	r, err := app.FindRecordById("beneficiaires", testkit.ID(name))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for _, f := range []string{"prenom", "nom", "telephone", "email", "code_postal", "consentement_le", "consentement_version", "derniere_activite", "updated"} {
		out[f] = r.GetString(f)
	}
	return out
}

func expectUnchanged(t *testing.T, app core.App, name string, before map[string]any) {
	t.Helper()
	after := snapshot(t, app, name)
	for f, v := range before {
		if after[f] != v {
			t.Errorf("%s.%s changed by a public form: %v → %v", name, f, v, after[f])
		}
	}
}

func TestAStrangerWithAKnownPhoneBecomesAnotherPerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := snapshot(t, s.app, testkit.BeneficiaireA)
	people := s.count("beneficiaires")
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"

	// Paul shares Camille's phone (a couple) and adds his own e-mail.
	rec := s.post(path, person("Paul", "Martin", "06 12 34 56 78", "paul.martin@example.org"))
	location := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(location, "/inscription/") || strings.Contains(location, testkit.SecretJeton) {
		t.Fatalf("status %d, location %q", rec.Code, location)
	}
	if n := s.count("beneficiaires"); n != people+1 {
		t.Errorf("%d people, want %d: a shared phone must not merge two people", n, people+1)
	}
	expectUnchanged(t, s.app, testkit.BeneficiaireA, before)
	page := s.get(location)
	expectBody(t, page, http.StatusOK, []string{"Paul"}, []string{testkit.NomBeneficiaireA, testkit.SecretJeton})
	for _, m := range s.app.TestMailer.Messages() {
		if m.To[0].Address != "paul.martin@example.org" {
			t.Errorf("an e-mail went to %s", m.To[0].Address)
		}
	}
}

func TestAStrangerWithAPersonsNamesAndPhoneGetsNothingOfTheirs(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := snapshot(t, s.app, testkit.BeneficiaireA)
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"

	// Names typed without accents, in capitals or with a space for the
	// hyphen are the same person; the stranger's e-mail is not added.
	for _, nom := range []string{"Fixturenom-Alpha", "FIXTURENOM ALPHA", "fixturenom-alpha"} {
		rec := s.post(path, person("camille", nom, "+33612345678", "intrus@example.org"))
		expectBody(t, rec, http.StatusOK, []string{"Une inscription existe déjà", "Si une adresse e-mail a été donnée"},
			[]string{testkit.SecretJeton, "liste d'attente", "rang", "intrus@example.org"})
	}
	expectUnchanged(t, s.app, testkit.BeneficiaireA, before)
	if n := s.app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d e-mails sent: Camille has no e-mail on her record, the stranger's must not get her link", n)
	}
	var jeton string
	r, err := s.app.FindRecordById("inscriptions", testkit.ID(testkit.InscriptionA))
	if err != nil {
		t.Fatal(err)
	}
	if jeton = r.GetString("jeton"); jeton != testkit.SecretJeton {
		t.Errorf("the personal link changed: %q", jeton)
	}
}

func TestAPersonsLinkGoesOnlyToTheEmailOnTheirRecord(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"email": "camille@example.org"})
	before := snapshot(t, s.app, testkit.BeneficiaireA)
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Camille", "Fixturenom-Alpha", "", "camille@example.org"))
	expectBody(t, rec, http.StatusOK, []string{"Une inscription existe déjà"}, []string{testkit.SecretJeton})
	if s.app.TestMailer.TotalSend() != 1 || s.app.TestMailer.LastMessage().To[0].Address != "camille@example.org" {
		t.Fatalf("messages: %d", s.app.TestMailer.TotalSend())
	}
	expectUnchanged(t, s.app, testkit.BeneficiaireA, before)
}

func TestANearMatchIsLeftForStaffToMerge(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := snapshot(t, s.app, testkit.BeneficiaireA)
	people := s.count("beneficiaires")
	// One letter missing: perhaps Camille, perhaps not. Not merged silently.
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Camile", "Fixturenom-Alpha", "0612345678", ""))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
	}
	if n := s.count("beneficiaires"); n != people+1 {
		t.Errorf("%d people, want %d", n, people+1)
	}
	expectUnchanged(t, s.app, testkit.BeneficiaireA, before)
}

func TestAReturningPersonIsRegisteredWithoutChangingTheirRecord(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"statut": "annule"})
	before := snapshot(t, s.app, testkit.BeneficiaireA)
	people := s.count("beneficiaires")
	// Camille, who had cancelled, registers again with her phone and a new
	// e-mail: the same person, registered again, her record untouched.
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Camille", "Fixturenom-Alpha", "06 12 34 56 78", "nouvelle@example.org"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
	}
	if n := s.count("beneficiaires"); n != people {
		t.Errorf("%d people, want %d", n, people)
	}
	r, err := s.app.FindRecordById("inscriptions", testkit.ID(testkit.InscriptionA))
	if err != nil {
		t.Fatal(err)
	}
	if r.GetString("statut") != "inscrit" || r.GetString("jeton") == testkit.SecretJeton {
		t.Errorf("registration %s, token kept: %v", r.GetString("statut"), r.GetString("jeton") == testkit.SecretJeton)
	}
	expectUnchanged(t, s.app, testkit.BeneficiaireA, before)
}

func TestTheSameFormSentTwiceGivesItsLinkBack(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	form := withRendu(t, s.app, testkit.ID(testkit.SeancePubliqueA), person("Jean", "Dupont", "0698765432", ""))
	first := s.post(path, form)
	second := s.post(path, form)
	if first.Header().Get("Location") == "" || first.Header().Get("Location") != second.Header().Get("Location") {
		t.Errorf("double submit: %q then %q", first.Header().Get("Location"), second.Header().Get("Location"))
	}
	// The same names and phone on another form (another device, another
	// person) do not get the link.
	other := s.post(path, person("Jean", "Dupont", "0698765432", ""))
	expectBody(t, other, http.StatusOK, []string{"Une inscription existe déjà"}, []string{strings.TrimPrefix(first.Header().Get("Location"), "/inscription/")})
}

func TestOneContactTakesAFewPlacesAtMost(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "parametres", testkit.Parametres, map[string]any{"places_par_contact": 2})
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	// Camille's phone already holds one place (the fixture's registration).
	if rec := s.post(path, person("Paul", "Martin", "0612345678", "")); rec.Code != http.StatusSeeOther {
		t.Fatalf("second place of a household refused: %d", rec.Code)
	}
	people := s.count("beneficiaires")
	rec := s.post(path, person("Léa", "Martin", "06 12 34 56 78", ""))
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"a déjà servi pour plusieurs inscriptions", `value="Léa"`}, nil)
	if s.count("beneficiaires") != people {
		t.Error("a refused registration created a person")
	}
	// Another phone is another household.
	if rec := s.post(path, person("Léa", "Martin", "0611111111", "")); rec.Code != http.StatusSeeOther {
		t.Errorf("another contact refused: %d", rec.Code)
	}
}

func TestOneAddressTakesAFewPlacesAtMost(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "parametres", testkit.Parametres, map[string]any{"places_par_ip": 2})
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	for i, tel := range []string{"0611111111", "0622222222"} {
		if rec := s.post(path, person("Personne", "Numéro"+string(rune('A'+i)), tel, "")); rec.Code != http.StatusSeeOther {
			t.Fatalf("registration %d: %d", i+1, rec.Code)
		}
	}
	rec := s.post(path, person("Personne", "Trois", "0633333333", ""))
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"depuis cette connexion"}, nil)

	// From another address, or from one the administrators exempt (a
	// structure's kiosk), registration goes on.
	req := func(remote string) int {
		form := withRendu(t, s.app, testkit.ID(testkit.SeancePubliqueA), person("Personne", "Autre"+remote, "0644444444", ""))
		r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.RemoteAddr = remote + ":1234"
		w := httptest.NewRecorder()
		s.handler.ServeHTTP(w, r)
		return w.Code
	}
	if code := req("198.51.100.9"); code != http.StatusSeeOther {
		t.Errorf("another address: %d", code)
	}
	settings := s.app.Settings()
	settings.RateLimits.ExcludedIPs = []string{"192.0.2.0/24"}
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	if rec := s.post(path, person("Personne", "Kiosque", "0655555555", "")); rec.Code != http.StatusSeeOther {
		t.Errorf("exempt address refused: %d", rec.Code)
	}
}

var renduField = regexp.MustCompile(`name="rendu" value="([^"]*)"`)

func TestTheFormCarriesAFreshSignedRenderTime(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seance := testkit.ID(testkit.SeancePubliqueA)
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	people := s.count("beneficiaires")
	// The app's time stands still: on a busy machine, seconds may pass
	// between showing the form and sending it.
	clock.Set(s.app, clockwork.NewFakeClockAt(clock.Now(s.app)))

	// Each showing of the (cached) page has its own token.
	var tokens []string
	for range 2 {
		m := renduField.FindStringSubmatch(s.get(seanceURL(testkit.SeancePubliqueA)).Body.String())
		if m == nil || m[1] == "" || strings.Contains(m[1], "REMPLACER") {
			t.Fatalf("no fresh token in the form: %v", m)
		}
		tokens = append(tokens, m[1])
	}
	if tokens[0] == tokens[1] {
		t.Error("two showings share a token")
	}

	now := clock.Now(s.app)
	sign := func(seanceID string, at time.Time) string {
		token, err := web.RenduSigne(s.app, seanceID, at)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	for name, c := range map[string]struct {
		token string
		want  string
	}{
		"sent at once":      {tokens[0], "arrivée trop vite"},
		"a second after":    {sign(seance, now.Add(-time.Second)), "arrivée trop vite"},
		"seven hours later": {sign(seance, now.Add(-7*time.Hour)), "ouverte depuis longtemps"},
		"another session's": {sign(testkit.ID(testkit.SeancePubliqueB), now.Add(-time.Minute)), "ouverte depuis longtemps"},
		"none":              {"", "ouverte depuis longtemps"},
		"forged":            {strings.Repeat("A", 48), "ouverte depuis longtemps"},
	} {
		form := person("Rapide", "Robot", "0677777777", "")
		form.Set("rendu", c.token)
		rec := s.post(path, form)
		expectBody(t, rec, http.StatusUnprocessableEntity, []string{c.want, `value="Rapide"`}, nil)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: accepted", name)
		}
	}
	if s.count("beneficiaires") != people {
		t.Error("a refused form created a person")
	}
	// A person who took a few seconds is registered.
	form := person("Lente", "Personne", "0688888888", "")
	form.Set("rendu", sign(seance, now.Add(-3*time.Second)))
	if rec := s.post(path, form); rec.Code != http.StatusSeeOther {
		t.Errorf("status %d\n%s", rec.Code, rec.Body.String())
	}
}

// The cached page is compressed per showing with its own token: a copy
// stored with one visitor's token would hand it to the next.
func TestTheCachedSessionPageKeepsNoToken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	first := renduField.FindStringSubmatch(s.get(seanceURL(testkit.SeancePubliqueA)).Body.String())
	if first == nil {
		t.Fatal("no token")
	}
	req := httptest.NewRequest(http.MethodGet, seanceURL(testkit.SeancePubliqueA), nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("not compressed: %v", rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	second := renduField.FindSubmatch(body)
	if second == nil || string(second[1]) == first[1] || strings.Contains(string(second[1]), "REMPLACER") {
		t.Errorf("compressed copy's token %q (first %q)", second, first[1])
	}
}

// Links follow the configured Application URL, never the Host a request
// names; until it is set, staff are told on every workspace page.
func TestLinksIgnoreTheRequestHost(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	form := withRendu(t, s.app, testkit.ID(testkit.SeancePubliqueA), person("Hôte", "Menteur", "", "hote@example.org"))
	req := httptest.NewRequest(http.MethodPost, seanceURL(testkit.SeancePubliqueA)+"/inscription", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusSeeOther || s.app.TestMailer.TotalSend() != 1 {
		t.Fatalf("status %d, %d e-mails", rec.Code, s.app.TestMailer.TotalSend())
	}
	msg := s.app.TestMailer.LastMessage()
	if strings.Contains(msg.Text+msg.HTML, "evil.example") || !strings.Contains(msg.Text, testkit.AppURL+"/inscription/") {
		t.Errorf("the link follows the request:\n%s", msg.Text)
	}
}

func TestStaffAreToldWhenTheApplicationURLIsMissing(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	warning := "L'adresse publique d'Atelier n'est pas réglée"
	expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, nil, []string{warning})
	settings := s.app.Settings()
	settings.Meta.AppURL = "http://localhost:8090"
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, []string{warning}, nil)
	expectBody(t, s.get("/"), http.StatusOK, nil, []string{warning})
}

func TestCancellingAsksFirstAndCanBeUndone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	page := "/inscription/" + testkit.SecretJeton
	expectBody(t, s.get(page), http.StatusOK, []string{`href="` + page + `/annuler"`}, []string{`<form method="post" action="` + page + `">`})
	// One tap (or an old page's form) only asks.
	expectBody(t, s.post(page, url.Values{}), http.StatusOK, []string{"Annuler votre inscription ?", `name="confirme"`, "Non, garder ma place"}, nil)
	expectBody(t, s.get(page+"/annuler"), http.StatusOK, []string{"Annuler votre inscription ?", "Oui, annuler mon inscription"}, nil)
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "inscrit" {
		t.Fatalf("cancelled without confirmation: %s", got)
	}
	if rec := s.post(page, confirmed); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	expectBody(t, s.get(page+"?annulee=1"), http.StatusOK, []string{"Votre inscription est annulée", "Finalement, vous pouvez venir ?",
		"vous pouvez vous réinscrire", `action="` + page + `/reinscrire"`}, nil)
	rec := s.post(page+"/reinscrire", url.Values{})
	expectRedirect(t, rec, page+"?reinscrit=1")
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "inscrit" {
		t.Errorf("registered again: %s", got)
	}
	expectBody(t, s.get(page+"?reinscrit=1"), http.StatusOK, []string{"Vous êtes de nouveau inscrit : votre place est réservée."}, []string{"Finalement"})
	// Not cancelled: nothing to take up again.
	expectRedirect(t, s.post(page+"/reinscrire", url.Values{}), page)
	if rec := s.post("/inscription/"+strings.Repeat("A", 43)+"/reinscrire", url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("unknown token: %d", rec.Code)
	}
}

// The freed place may already be someone else's: the page says so and the
// person goes back at the end of the waiting list.
func TestRegisteringAgainAfterThePlaceWentToTheWaitingList(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	anne := s.post(path, person("Anne", "Attente", "", "anne@example.org")).Header().Get("Location")
	bruno := s.post(path, person("Bruno", "Attente", "0611223344", "")).Header().Get("Location")
	page := "/inscription/" + testkit.SecretJeton
	s.post(page, confirmed)
	expectBody(t, s.get(strings.TrimSuffix(anne, "?confirmation=1")), http.StatusOK, []string{"Une place s'est libérée pour vous"}, nil)
	expectBody(t, s.get(page), http.StatusOK, []string{"la place libérée a été donnée à la personne suivante", "Me réinscrire sur la liste d'attente"}, nil)
	s.post(page+"/reinscrire", url.Values{})
	r := mustFind(t, s.app, "inscriptions", testkit.InscriptionA)
	if r.GetString("statut") != "liste_attente" {
		t.Fatalf("registered again as %s", r.GetString("statut"))
	}
	expectBody(t, s.get(page), http.StatusOK, []string{"rang 2)"}, nil)
	expectBody(t, s.get(strings.TrimSuffix(bruno, "?confirmation=1")), http.StatusOK, []string{"rang 1)"}, nil)
}

// A household registers together: each person their own place, one
// shared phone; what is left goes to the waiting list, and the page says
// who is where.
func TestAHouseholdRegistersTogether(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 3}) // one place is the fixture's
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	form := person("Martine", "Dubois", "06 44 55 66 77", "")

	// « J'inscris aussi une autre personne » shows one more block, keeps
	// what was typed and registers nobody yet.
	form.Set("action", "ajouter")
	expectBody(t, s.post(path, form), http.StatusOK, []string{`name="autre_prenom"`, `value="Martine"`, "Autre personne inscrite (2)"}, []string{"Erreur"})
	form.Del("action")
	form["autre_prenom"] = []string{"Gérard", "Léo"}
	form["autre_nom"] = []string{"Dubois", ""}
	expectBody(t, s.post(path, form), http.StatusUnprocessableEntity, []string{"Indiquez le nom de famille de cette personne.", `value="Gérard"`,
		`href="#autre_nom_1"`}, nil)
	form["autre_nom"] = []string{"Dubois", "Dubois"}
	people := s.count("beneficiaires")
	rec := s.post(path, form)
	expectBody(t, rec, http.StatusOK, []string{"Vos inscriptions", "Martine Dubois</strong> :\nplace réservée", "Gérard Dubois</strong> :\nplace réservée",
		"Léo Dubois</strong> :\nsur la liste d'attente (rang 1)", "Voir ou annuler"}, []string{testkit.SecretJeton})
	if n := s.count("beneficiaires"); n != people+3 {
		t.Errorf("%d people created, want 3", n-people)
	}
	leo, err := s.app.FindFirstRecordByData("beneficiaires", "prenom", "Léo")
	if err != nil {
		t.Fatal(err)
	}
	r := registrationOf(t, s.app, testkit.SeancePubliqueA, leo.Id)
	if r == nil || r.GetString("statut") != "liste_attente" || r.GetString("inscrit_par") != "Martine Dubois" || leo.GetString("telephone") != "+33644556677" {
		t.Errorf("Léo: %v / %v", r, leo.FieldsData())
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 3, 1)

	// More people than one contact may register: refused as a whole.
	big := person("Grande", "Famille", "0655443322", "")
	big["autre_prenom"] = []string{"Un", "Deux", "Trois", "Quatre"}
	big["autre_nom"] = []string{"Famille", "Famille", "Famille", "Famille"}
	people = s.count("beneficiaires")
	expectBody(t, s.post(path, big), http.StatusUnprocessableEntity, []string{"4 personnes au plus"}, nil)
	if s.count("beneficiaires") != people {
		t.Error("a refused household registered someone")
	}
}

// A name too long says so, and the page lands on the form's messages.
func TestTooLongANameSaysSo(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person(strings.Repeat("a", 101), "Long", "0611111111", ""))
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"Ce nom est trop long : 100 caractères au plus.", `href="#prenom"`,
		`action="/ateliers/` + testkit.ID(testkit.SeancePubliqueA) + `/inscription#formulaire"`, `id="formulaire"`, `maxlength="100"`},
		[]string{"Indiquez votre prénom."})
}
