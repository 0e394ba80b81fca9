package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"atelier/hooks/clock"
	"atelier/hooks/lib/ical"
	"atelier/hooks/seances"
	"atelier/hooks/testkit"
	"atelier/hooks/web"
)

// The public registration flow through the real router: session page,
// form errors, registration, waiting list, personal link, cancellation
// with promotion, structure page and calendars.

type site struct {
	t       testing.TB
	app     *tests.TestApp
	handler http.Handler
}

func newSite(t testing.TB) *site {
	app := appWithHooks(t)
	return &site{t: t, app: app, handler: testkit.Handler(t, app)}
}

func (s *site) get(path string) *httptest.ResponseRecorder {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func (s *site) post(path string, form url.Values) *httptest.ResponseRecorder {
	s.t.Helper()
	if seance, ok := strings.CutSuffix(strings.TrimPrefix(path, "/ateliers/"), "/inscription"); ok && !form.Has("rendu") {
		form = withRendu(s.t, s.app, seance, form)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

func (s *site) count(collection string) int {
	return count(s.t, s.app, collection)
}

// withRendu adds to a registration form the token of a form shown a
// minute ago, as a person's browser sends it back.
func withRendu(t testing.TB, app core.App, seance string, form url.Values) url.Values {
	t.Helper()
	token, err := web.RenduSigne(app, seance, clock.Now(app).Add(-time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	out := url.Values{"rendu": {token}}
	for k, v := range form {
		out[k] = v
	}
	return out
}

func person(prenom, nom, tel, email string) url.Values {
	return url.Values{"prenom": {prenom}, "nom": {nom}, "telephone": {tel}, "email": {email},
		"consentement": {"2026-11"}, "site_web": {""}}
}

func seanceURL(name string) string { return "/ateliers/" + testkit.ID(name) }

func expectBody(t testing.TB, rec *httptest.ResponseRecorder, status int, want []string, absent []string) {
	t.Helper()
	if rec.Code != status {
		t.Errorf("status %d, want %d\n%s", rec.Code, status, rec.Body.String())
	}
	body := rec.Body.String()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("missing %q in\n%s", w, body)
		}
	}
	for _, a := range absent {
		if strings.Contains(body, a) {
			t.Errorf("unexpected %q in\n%s", a, body)
		}
	}
}

func TestSessionPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"adresse": "1 rue de la Paix", "code_postal": "86000",
		"accessibilite": "Entrée de plain-pied, ascenseur", "latitude": 46.58, "longitude": 0.34})
	expectBody(t, s.get(seanceURL(testkit.SeancePubliqueA)), http.StatusOK,
		[]string{"Atelier propre à Alpha", "Salle Alpha", "1 rue de la Paix, 86000 Poitiers", "Entrée de plain-pied, ascenseur",
			"https://www.openstreetmap.org/?mlat=46.580000&amp;mlon=0.340000", "Prénom conseillera",
			"7 places disponibles sur 8", `name="prenom"`, `name="consentement"`, `name="site_web"`,
			`action="/ateliers/` + testkit.ID(testkit.SeancePubliqueA) + `/inscription#formulaire"`},
		append([]string{"Nom conseillera", "conseillera@"}, secretsOfFixture...))

	for name, path := range map[string]string{
		"private":  seanceURL(testkit.SeancePriveeA),
		"unknown":  "/ateliers/inconnu00000000",
		"archived": "",
	} {
		if name == "archived" {
			setFields(t, s.app, "ateliers", testkit.AtelierA, map[string]any{"actif": false})
			path = seanceURL(testkit.SeancePubliqueA)
		}
		expectBody(t, s.get(path), http.StatusNotFound, []string{"Page introuvable"}, []string{"Salle Alpha"})
	}
}

func TestCancelledSessionPageHasNoForm(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueB, map[string]any{"statut": "annulee", "motif_annulation": "Salle inondée"})
	expectBody(t, s.get(seanceURL(testkit.SeancePubliqueB)), http.StatusOK,
		[]string{"Cette séance est annulée", "Salle inondée"}, []string{`name="prenom"`})
	before := s.count("inscriptions")
	expectBody(t, s.post(seanceURL(testkit.SeancePubliqueB)+"/inscription", person("Jean", "Dupont", "0692 12 34 99", "")),
		http.StatusConflict, []string{"Cette séance est annulée"}, nil)
	if s.count("inscriptions") != before {
		t.Error("a registration was created for a cancelled session")
	}
}

func TestRegistrationFormErrorsKeepWhatWasTyped(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := [2]int{s.count("beneficiaires"), s.count("inscriptions")}
	cases := []struct {
		form url.Values
		want []string
	}{
		{url.Values{"prenom": {"Jean"}, "nom": {""}, "telephone": {"06 12"}, "email": {"jean@"}},
			[]string{"Indiquez votre nom de famille.", "10 chiffres", "L&#39;adresse e-mail", "Cochez la case",
				`value="Jean"`, `value="06 12"`, `value="jean@"`, `aria-invalid="true"`, "Votre inscription n'est pas encore faite", "<title>Erreur : "}},
		{url.Values{"prenom": {"Jean"}, "nom": {"Dupont"}, "consentement": {"2026-11"}},
			[]string{"Indiquez un numéro de téléphone ou une adresse e-mail", `value="Dupont"`, "checked"}},
		{url.Values{"prenom": {"Jean"}, "nom": {"Dupont"}, "email": {"jean@gmail.con"}, "consentement": {"1"}, "code_postal": {"8600"}},
			[]string{"jean@gmail.com", "5 chiffres"}},
	}
	for _, c := range cases {
		expectBody(t, s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", c.form), http.StatusUnprocessableEntity, c.want, nil)
	}
	// the honeypot
	bot := person("Bot", "Robot", "0612345670", "")
	bot.Set("site_web", "http://spam.example")
	expectBody(t, s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", bot), http.StatusUnprocessableEntity,
		[]string{"n&#39;a pas pu être enregistrée"}, nil)
	if after := [2]int{s.count("beneficiaires"), s.count("inscriptions")}; after != before {
		t.Errorf("bad input changed the data: %v → %v", before, after)
	}
}

func TestRegistrationCreatesPersonAndGivesPersonalLink(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	form := person("  Jean ", "Dupont", "06.98.76.54.32", "Jean.Dupont@Example.org")
	form.Set("code_postal", "86 000")
	form.Set("inscrit_par", "Marie Dupont")
	rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
	}
	location := rec.Header().Get("Location")
	jeton := strings.TrimSuffix(strings.TrimPrefix(location, "/inscription/"), "?confirmation=1")
	inscription, err := s.app.FindFirstRecordByData("inscriptions", "jeton", jeton)
	if err != nil {
		t.Fatalf("no registration for %s: %v", location, err)
	}
	if inscription.GetString("statut") != "inscrit" || inscription.GetString("source") != "public" ||
		inscription.GetString("inscrit_par") != "Marie Dupont" || len(jeton) < 40 {
		t.Errorf("registration = %v", inscription.FieldsData())
	}
	p, err := s.app.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		t.Fatal(err)
	}
	if p.GetString("telephone") != "+33698765432" || p.GetString("email") != "jean.dupont@example.org" ||
		p.GetString("code_postal") != "86000" || p.GetString("prenom") != "Jean" ||
		p.GetString("consentement_version") != "2026-11" || p.GetDateTime("consentement_le").IsZero() ||
		p.GetString("structure") != testkit.ID(testkit.StructureA) {
		t.Errorf("beneficiary = %v", p.FieldsData())
	}

	expectBody(t, s.get(location), http.StatusOK,
		[]string{"Vous êtes inscrit", "Jean Dupont", "inscrite par Marie Dupont", "Atelier propre à Alpha",
			"Ajouter à mon agenda", "Annuler mon inscription", "/inscription/" + jeton},
		[]string{testkit.NomBeneficiaireA})
	if cc := s.get(location).Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("personal page Cache-Control = %q", cc)
	}

	// confirmation e-mail, recorded in envois
	if s.app.TestMailer.TotalSend() != 1 {
		t.Fatalf("%d e-mails sent", s.app.TestMailer.TotalSend())
	}
	msg := s.app.TestMailer.LastMessage()
	if msg.To[0].Address != "jean.dupont@example.org" || !strings.Contains(msg.Subject, "Atelier propre à Alpha") ||
		!strings.Contains(msg.HTML, "/inscription/"+jeton) || !strings.Contains(msg.Text, "Vous ne pouvez plus venir") {
		t.Errorf("e-mail = %+v", msg)
	}
	envoi, err := s.app.FindFirstRecordByData("envois", "cible", inscription.Id)
	if err != nil || envoi.GetString("statut") != "envoye" || envoi.GetString("evenement") != "confirmation" ||
		envoi.GetString("structure") != testkit.ID(testkit.StructureA) {
		t.Errorf("envoi = %v, %v", envoi, err)
	}

	// the calendar file of the registration
	ics := s.get(location[:strings.Index(location, "?")] + "/agenda.ics")
	expectBody(t, ics, http.StatusOK, []string{"BEGIN:VCALENDAR", "SUMMARY:Atelier propre à Alpha", "TZID=Europe/Paris",
		"UID:seance-" + testkit.ID(testkit.SeancePubliqueA) + "@"}, nil)
	if ct := ics.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/calendar") {
		t.Errorf("Content-Type = %q", ct)
	}
	if err := ical.Validate(ics.Body.Bytes()); err != nil {
		t.Errorf("registration calendar: %v", err)
	}
}

func TestWaitingListPromotionAndRanks(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	var links []string
	for i, p := range []url.Values{
		person("Anne", "Un", "0611111111", "anne@example.org"),
		person("Bruno", "Deux", "0622222222", ""),
		person("Chloé", "Trois", "", "chloe@example.org"),
	} {
		rec := s.post(path, p)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("registration %d: status %d", i, rec.Code)
		}
		links = append(links, strings.TrimSuffix(rec.Header().Get("Location"), "?confirmation=1"))
	}
	expectBody(t, s.get(links[1]), http.StatusOK, []string{"Vous êtes sur liste d'attente (rang 2)"}, nil)
	expectBody(t, s.get(seanceURL(testkit.SeancePubliqueA)), http.StatusOK,
		[]string{"Complet — inscription sur liste d'attente (3 personnes avant vous)", "M'inscrire sur la liste d'attente"}, nil)

	// The fixture's registered person cancels: Anne (rank 1) is promoted and told.
	sent := s.app.TestMailer.TotalSend()
	rec := s.post("/inscription/"+testkit.SecretJeton, confirmed)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: status %d", rec.Code)
	}
	expectBody(t, s.get("/inscription/"+testkit.SecretJeton+"?annulee=1"), http.StatusOK,
		[]string{"Votre inscription est annulée", "C'est noté"}, []string{"Annuler mon inscription"})
	// Anne is offered the place, held for her until she confirms.
	expectBody(t, s.get(links[0]), http.StatusOK, []string{"Une place s'est libérée pour vous", "Je confirme ma place"}, nil)
	expectBody(t, s.get(links[1]), http.StatusOK, []string{"rang 1)"}, nil)
	expectBody(t, s.get(links[2]), http.StatusOK, []string{"rang 2)"}, nil)
	if s.app.TestMailer.TotalSend() != sent+1 || s.app.TestMailer.LastMessage().To[0].Address != "anne@example.org" ||
		!strings.Contains(s.app.TestMailer.LastMessage().Subject, "Une place s'est libérée") {
		t.Errorf("promotion e-mail not sent to Anne: %+v", s.app.TestMailer.LastMessage())
	}
	// A waiting person cancels: ranks close up, nobody is promoted.
	s.post(links[1], confirmed)
	expectBody(t, s.get(links[2]), http.StatusOK, []string{"rang 1)"}, nil)
	// Cancelling twice changes nothing.
	if rec := s.post(links[1], confirmed); rec.Code != http.StatusSeeOther {
		t.Errorf("second cancel: status %d", rec.Code)
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 1, 1)
}

// assertRanks checks the confirmed count and that waiting ranks are unique
// and positive, the positions shown being 1..n.
func assertRanks(t testing.TB, app core.App, seanceID string, wantConfirmed, wantWaiting int) {
	t.Helper()
	records, err := app.FindRecordsByFilter("inscriptions", "seance = {:s}", "rang_attente", 0, 0, dbx.Params{"s": seanceID})
	if err != nil {
		t.Fatal(err)
	}
	confirmed, rank, last := 0, 0, 0
	for _, r := range records {
		switch r.GetString("statut") {
		case "inscrit", "present":
			confirmed++
		case "liste_attente":
			rank++
			if r.GetInt("rang_attente") <= last {
				t.Errorf("waiting ranks are not unique and positive: %d after %d", r.GetInt("rang_attente"), last)
			}
			last = r.GetInt("rang_attente")
			if got := waitingPosition(t, app, r); got != rank {
				t.Errorf("waiting position %d shown at place %d of the list", got, rank)
			}
		}
	}
	if confirmed != wantConfirmed || rank != wantWaiting {
		t.Errorf("%d confirmed and %d waiting, want %d and %d", confirmed, rank, wantConfirmed, wantWaiting)
	}
}

// waitingPosition is the rank people and staff see for a registration.
func waitingPosition(t testing.TB, app core.App, inscription *core.Record) int {
	t.Helper()
	rang, err := seances.RangAttente(app, inscription)
	if err != nil {
		t.Fatal(err)
	}
	return rang
}

func TestRegistrationClosesAtTheStart(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	moveSession(t, s.app, testkit.SeancePubliqueA, testkit.Now().Add(-time.Hour), 2*time.Hour)
	setFields(t, s.app, "seances", testkit.SeancePubliqueB, map[string]any{"inscriptions_ouvertes": false})
	before := s.count("inscriptions")
	expectBody(t, s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Jean", "Dupont", "0698765432", "")),
		http.StatusConflict, []string{"a déjà eu lieu"}, []string{`name="prenom"`})
	expectBody(t, s.post(seanceURL(testkit.SeancePubliqueB)+"/inscription", person("Jean", "Dupont", "0692765432", "")),
		http.StatusConflict, []string{"ne sont pas ouvertes"}, nil)
	if s.count("inscriptions") != before {
		t.Error("a registration was created for a closed session")
	}
}

// confirmed is the cancellation form once the person said yes.
var confirmed = url.Values{"confirme": {"1"}}

func TestUnknownTokensAreNotFound(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, jeton := range []string{"inconnu", strings.Repeat("A", 43), "../../etc", testkit.SecretJeton + "x"} {
		expectBody(t, s.get("/inscription/"+url.PathEscape(jeton)), http.StatusNotFound, []string{"Page introuvable"}, nil)
		if rec := s.post("/inscription/"+url.PathEscape(jeton), confirmed); rec.Code != http.StatusNotFound {
			t.Errorf("cancel with %q: status %d", jeton, rec.Code)
		}
	}
}

func TestPublicFormIsRateLimitedWithAFrenchPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	var last *httptest.ResponseRecorder
	for range 11 {
		last = s.post(path, url.Values{"prenom": {"x"}})
	}
	expectBody(t, last, http.StatusTooManyRequests, []string{`<html lang="fr">`, "Trop de demandes", "Attendez une minute"}, nil)
	// the REST API keeps its JSON errors
	if rec := s.get("/api/collections/seances/records"); rec.Code != http.StatusOK {
		t.Errorf("API status %d", rec.Code)
	}
}

func TestStructurePageAndCalendar(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "structures", testkit.StructureB, map[string]any{"adresse": "2 rue de Paris",
		"horaires": "Lundi au vendredi, 8 h – 16 h", "telephone": "+262262123456", "courriel": "contact@beta.example"})
	expectBody(t, s.get("/s/france-services-beta"), http.StatusOK,
		[]string{"France Services Bêta", "2 rue de Paris", "Lundi au vendredi", "0262 12 34 56", "contact@beta.example",
			"Salle Bêta", "Prochains ateliers (1)", "/s/france-services-beta/agenda.ics"},
		append([]string{"Atelier propre à Alpha"}, secretsOfFixture...))
	expectBody(t, s.get("/s/nexiste-pas"), http.StatusNotFound, []string{"Page introuvable"}, nil)
	expectBody(t, s.get("/s/France%20Services"), http.StatusNotFound, []string{"Page introuvable"}, nil)

	ics := s.get("/s/france-services-beta/agenda.ics")
	expectBody(t, ics, http.StatusOK, []string{"BEGIN:VCALENDAR", "X-WR-CALNAME:France Services Bêta",
		"BEGIN:VTIMEZONE", "TZID:Indian/Reunion", "TZOFFSETTO:+0400", "DTSTART;TZID=Indian/Reunion:",
		"UID:seance-" + testkit.ID(testkit.SeancePubliqueB) + "@", "METHOD:PUBLISH"},
		append([]string{testkit.ID(testkit.SeancePriveeA)}, secretsOfFixture...))
	if err := ical.Validate(ics.Body.Bytes()); err != nil {
		t.Errorf("structure calendar: %v", err)
	}
	// fixture session B starts at 09:00 UTC: 13 h in La Réunion
	if !strings.Contains(ics.Body.String(), "T130000") {
		t.Errorf("Réunion local time missing:\n%s", ics.Body.String())
	}
}

// Registration saves without the generic validation (for speed): what it
// writes must still pass it, whatever the person typed.
func TestRegisteredRecordsPassValidation(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	long := strings.Repeat("é", 80)
	forms := []url.Values{
		person("Jean", "Dupont", "0698765432", "jean@example.org"),
		person(long, long+" d'Arc-Ségur", "+262 692 12 34 56", ""),
		person("Zoé", "L'Hôte", "", "ZOE.lhote+atelier@Sous.Domaine.example.fr"),
	}
	forms[0].Set("code_postal", "97 400")
	forms[0].Set("inscrit_par", strings.Repeat("x", 200))
	for i, form := range forms {
		rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", form)
		if rec.Code != http.StatusSeeOther {
			t.Fatalf("form %d: status %d\n%s", i, rec.Code, rec.Body.String())
		}
	}
	for _, collection := range []string{"beneficiaires", "inscriptions", "envois"} {
		records, err := s.app.FindAllRecords(collection)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range records {
			if err := s.app.Validate(r); err != nil {
				t.Errorf("%s %s does not pass validation: %v", collection, r.Id, err)
			}
		}
	}
}
