package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"

	"github.com/golang-jwt/jwt/v5"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// Workspace sign-in: cookie session, inactive accounts, expired tokens,
// CSRF through a strict Origin check, and the dashboard of each role.

const origin = "http://example.com" // httptest requests are for host example.com

func (s *site) do(method, path string, form url.Values, headers map[string]string) *httptest.ResponseRecorder {
	s.t.Helper()
	var body *strings.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	} else {
		body = strings.NewReader("")
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// signIn signs a fixture staff member in and returns the session cookie.
func (s *site) signIn(name string) string {
	s.t.Helper()
	rec := s.do(http.MethodPost, "/connexion", url.Values{"email": {testkit.Email(name)},
		"mot_de_passe": {testkit.StaffPassword}, "suite": {"/espace"}}, map[string]string{"Origin": origin})
	if rec.Code != http.StatusSeeOther {
		s.t.Fatalf("sign in %s: status %d\n%s", name, rec.Code, rec.Body.String())
	}
	for _, c := range rec.Result().Cookies() {
		if c.Name == "atelier_session" {
			return c.Name + "=" + c.Value
		}
	}
	s.t.Fatalf("sign in %s: no session cookie", name)
	return ""
}

// getAs loads a page as a signed-in staff member (cookie from signIn).
func (s *site) getAs(cookie, path string) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.do(http.MethodGet, path, nil, map[string]string{"Cookie": cookie})
}

// postAs submits a workspace form from the site itself, as a browser does.
func (s *site) postAs(cookie, path string, form url.Values) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.do(http.MethodPost, path, form, map[string]string{"Cookie": cookie, "Origin": origin})
}

// followFlash returns the confirmation message set by a POST's redirect.
func followFlash(rec *httptest.ResponseRecorder) string {
	for _, c := range rec.Result().Cookies() {
		if c.Name == "atelier_flash" {
			message, _ := url.QueryUnescape(c.Value)
			return message
		}
	}
	return ""
}

func TestWorkspaceNeedsSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rec := s.get("/espace")
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/connexion?suite=%2Fespace" {
		t.Errorf("anonymous /espace: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	expectBody(t, s.get("/connexion?suite=%2Fespace"), http.StatusOK,
		[]string{"Connexion à l'espace des conseillers", `name="mot_de_passe"`, `value="/espace"`, "Mot de passe oublié"}, nil)
	// a forged or expired cookie sends back to sign-in and is cleared
	rec = s.do(http.MethodGet, "/espace", nil, map[string]string{"Cookie": "atelier_session=forged.token.value"})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
		t.Errorf("forged cookie: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

// An expired session token (signed with the account's real key) sends back
// to the sign-in page like no token at all.
func TestExpiredSessionSendsBackToSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	staff := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA)
	expired, err := security.NewJWT(jwt.MapClaims{
		core.TokenClaimType: core.TokenTypeAuth, core.TokenClaimId: staff.Id,
		core.TokenClaimCollectionId: staff.Collection().Id, core.TokenClaimRefreshable: true,
	}, staff.TokenKey()+staff.Collection().AuthToken.Secret, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	rec := s.do(http.MethodGet, "/espace/seances", nil, map[string]string{"Cookie": "atelier_session=" + expired})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/connexion?suite=%2Fespace%2Fseances" {
		t.Errorf("expired token: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	fresh, err := staff.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	if rec := s.do(http.MethodGet, "/espace/seances", nil, map[string]string{"Cookie": "atelier_session=" + fresh}); rec.Code != http.StatusOK {
		t.Errorf("valid token: %d", rec.Code)
	}
}

func TestSignInSetsASafeCookie(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rec := s.do(http.MethodPost, "/connexion", url.Values{"email": {" ConseillerA@Fixture.test "},
		"mot_de_passe": {testkit.StaffPassword}, "suite": {"/espace?x=1"}}, map[string]string{"Origin": origin})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/espace?x=1" {
		t.Fatalf("sign in: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	cookie := rec.Header().Get("Set-Cookie")
	for _, want := range []string{"atelier_session=", "HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="} {
		if !strings.Contains(cookie, want) {
			t.Errorf("cookie %q lacks %s", cookie, want)
		}
	}
	// an open redirect is not possible
	rec = s.do(http.MethodPost, "/connexion", url.Values{"email": {testkit.Email(testkit.ConseillerA)},
		"mot_de_passe": {testkit.StaffPassword}, "suite": {"//evil.example/espace"}}, map[string]string{"Origin": origin})
	if rec.Header().Get("Location") != "/espace" {
		t.Errorf("redirect after sign-in: %q", rec.Header().Get("Location"))
	}
}

func TestSignInRefusals(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	expectBody(t, s.do(http.MethodPost, "/connexion", url.Values{"email": {testkit.Email(testkit.ConseillerA)},
		"mot_de_passe": {"mauvais"}}, map[string]string{"Origin": origin}),
		http.StatusUnauthorized, []string{"Adresse e-mail ou mot de passe incorrect.", `value="conseillera@fixture.test"`}, nil)
	expectBody(t, s.do(http.MethodPost, "/connexion", url.Values{"email": {"personne@nulle.part"},
		"mot_de_passe": {"x"}}, map[string]string{"Origin": origin}),
		http.StatusUnauthorized, []string{"Adresse e-mail ou mot de passe incorrect."}, nil)
	expectBody(t, s.do(http.MethodPost, "/connexion", url.Values{"email": {testkit.Email(testkit.InactifA)},
		"mot_de_passe": {testkit.StaffPassword}}, map[string]string{"Origin": origin}),
		http.StatusForbidden, []string{"Ce compte est désactivé"}, nil)

	// An account deactivated after sign-in loses the workspace at once.
	cookie := s.signIn(testkit.ConseillerA2)
	setFields(t, s.app, "utilisateurs", testkit.ConseillerA2, map[string]any{"actif": false})
	if rec := s.do(http.MethodGet, "/espace", nil, map[string]string{"Cookie": cookie}); rec.Code != http.StatusSeeOther {
		t.Errorf("deactivated account still in: %d", rec.Code)
	}
}

func TestCrossSitePostsAreRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	for name, headers := range map[string]map[string]string{
		"other origin":        {"Cookie": cookie, "Origin": "https://evil.example"},
		"other referer":       {"Cookie": cookie, "Referer": "https://evil.example/page"},
		"no origin at all":    {"Cookie": cookie},
		"null origin":         {"Cookie": cookie, "Origin": "null"},
		"look-alike origin":   {"Cookie": cookie, "Origin": "http://example.com.evil.example"},
		"sign-in from abroad": {"Origin": "https://evil.example"},
	} {
		path := "/deconnexion"
		if name == "sign-in from abroad" {
			path = "/connexion"
		}
		rec := s.do(http.MethodPost, path, url.Values{"email": {testkit.Email(testkit.ConseillerA)},
			"mot_de_passe": {testkit.StaffPassword}}, headers)
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Action refusée") {
			t.Errorf("%s: status %d", name, rec.Code)
		}
		if strings.Contains(rec.Header().Get("Set-Cookie"), "atelier_session") {
			t.Errorf("%s: the session cookie was changed", name)
		}
	}
	// the same request from the site itself signs out
	rec := s.do(http.MethodPost, "/deconnexion", url.Values{}, map[string]string{"Cookie": cookie, "Referer": origin + "/espace"})
	if rec.Code != http.StatusSeeOther || !strings.Contains(rec.Header().Get("Set-Cookie"), "Max-Age=0") {
		t.Errorf("sign-out: %d %q", rec.Code, rec.Header().Get("Set-Cookie"))
	}
}

func TestPasswordResetAnswersTheSameForEveryone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, email := range []string{testkit.Email(testkit.ConseillerA), "inconnu@nulle.part", testkit.Email(testkit.InactifA)} {
		expectBody(t, s.do(http.MethodPost, "/mot-de-passe-oublie", url.Values{"email": {email}}, map[string]string{"Origin": origin}),
			http.StatusOK, []string{"Si un compte actif existe pour " + email}, nil)
	}
	if n := s.app.TestMailer.TotalSend(); n != 1 {
		t.Errorf("%d reset e-mails sent, want 1 (the active account only)", n)
	}
}

func TestDashboardShowsOnlyOwnStructures(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	// a past session of A with no attendance, animated by conseiller A
	past := testkit.Now().UTC().Add(-50 * time.Hour)
	moveSession(t, s.app, testkit.SeancePriveeA, past, 2*time.Hour)

	expectBody(t, s.do(http.MethodGet, "/espace", nil, map[string]string{"Cookie": s.signIn(testkit.ConseillerA)}), http.StatusOK,
		[]string{"Bonjour Prénom conseillera", "À renseigner (1)", "Mes prochaines séances", "Atelier propre à Alpha",
			"Ateliers réalisés", "Se déconnecter", "Espace de Prénom conseillera (conseiller"},
		append([]string{"Salle Bêta", "France Services Bêta"}, secretsOfFixture...))

	expectBody(t, s.do(http.MethodGet, "/espace", nil, map[string]string{"Cookie": s.signIn(testkit.ConseillerB)}), http.StatusOK,
		// fixture sessions are all animated by conseiller A
		[]string{"Aucune séance prévue", "À renseigner (0)"}, []string{"Salle Alpha", "Atelier propre à Alpha"})

	expectBody(t, s.do(http.MethodGet, "/espace", nil, map[string]string{"Cookie": s.signIn(testkit.ReferentA)}), http.StatusOK,
		[]string{"Prochaines séances", "Atelier propre à Alpha", "À renseigner (1)"},
		append([]string{"Salle Bêta"}, secretsOfFixture...))

	expectBody(t, s.do(http.MethodGet, "/espace", nil, map[string]string{"Cookie": s.signIn(testkit.Coordinateur)}), http.StatusOK,
		[]string{"Salle Alpha", "Salle Bêta"}, secretsOfFixture)
}
