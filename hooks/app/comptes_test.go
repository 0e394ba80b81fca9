package app_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Accounts and tokens: deactivation and sign-out end every session, a
// coordinateur cannot give any account (their own included) access to
// people, passwords are the account's own, and every grant is journaled
// and told to the structure's référents.

func (s *site) api(method, path, token string, body any) *httptest.ResponseRecorder {
	s.t.Helper()
	var payload string
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		payload = string(b)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(payload))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// signInAPI signs in through the REST API and returns the token.
func (s *site) signInAPI(email, password string) string {
	s.t.Helper()
	rec := s.api(http.MethodPost, "/api/collections/utilisateurs/auth-with-password", "",
		map[string]string{"identity": email, "password": password})
	if rec.Code != http.StatusOK {
		s.t.Fatalf("sign in %s through the API: %d %s", email, rec.Code, rec.Body.String())
	}
	var out struct{ Token string }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		s.t.Fatal(err)
	}
	return out.Token
}

// beneficiariesSeen counts the beneficiaries the token lists.
func (s *site) beneficiariesSeen(token string) int {
	s.t.Helper()
	rec := s.api(http.MethodGet, "/api/collections/beneficiaires/records?perPage=200", token, nil)
	if rec.Code != http.StatusOK {
		s.t.Fatalf("list beneficiaires: %d %s", rec.Code, rec.Body.String())
	}
	var out struct{ TotalItems int }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		s.t.Fatal(err)
	}
	return out.TotalItems
}

func TestDeactivationEndsEverySession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	token := testkit.Token(t, testkit.ConseillerA)
	cookie := s.signIn(testkit.ConseillerA)
	if s.beneficiariesSeen(token) == 0 {
		t.Fatal("the conseiller reads no beneficiary before")
	}
	rec := s.api(http.MethodPatch, "/api/collections/utilisateurs/records/"+testkit.ID(testkit.ConseillerA),
		testkit.Token(t, testkit.Coordinateur), map[string]any{"actif": false})
	if rec.Code != http.StatusOK {
		t.Fatalf("deactivate: %d %s", rec.Code, rec.Body.String())
	}
	if n := s.beneficiariesSeen(token); n != 0 {
		t.Errorf("the deactivated account's token still reads %d beneficiaries", n)
	}
	if rec := s.getAs(cookie, "/espace"); rec.Code != http.StatusSeeOther {
		t.Errorf("the deactivated account's page session: %d", rec.Code)
	}
	// Reactivated, the old token stays dead: the token key was renewed.
	setFields(t, s.app, "utilisateurs", testkit.ConseillerA, map[string]any{"actif": true})
	if n := s.beneficiariesSeen(token); n != 0 {
		t.Errorf("a token made before the deactivation works again: %d beneficiaries", n)
	}
	// The same through any other path that saves the account (the
	// administrators' UI, a command).
	other := testkit.Token(t, testkit.ConseillerA2)
	setFields(t, s.app, "utilisateurs", testkit.ConseillerA2, map[string]any{"actif": false})
	setFields(t, s.app, "utilisateurs", testkit.ConseillerA2, map[string]any{"actif": true})
	if n := s.beneficiariesSeen(other); n != 0 {
		t.Errorf("a token made before a deactivation saved by the server works again: %d beneficiaries", n)
	}
}

func TestSignOutRevokesTheToken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	token := strings.TrimPrefix(cookie, "atelier_session=")
	apiToken := testkit.Token(t, testkit.ConseillerA)
	if s.beneficiariesSeen(token) == 0 {
		t.Fatal("the session's token reads no beneficiary")
	}
	rec := s.postAs(cookie, "/deconnexion", url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("sign out: %d", rec.Code)
	}
	for name, tok := range map[string]string{"the cookie's": token, "another of the same account": apiToken} {
		if n := s.beneficiariesSeen(tok); n != 0 {
			t.Errorf("%s token still reads %d beneficiaries after sign-out", name, n)
		}
	}
	if rec := s.getAs(cookie, "/espace"); rec.Code != http.StatusSeeOther {
		t.Errorf("the signed-out cookie still opens the workspace: %d", rec.Code)
	}
}

func TestCoordinateurCreatedConseillerReadsNobodyUntilConfirmed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := testkit.Token(t, testkit.Coordinateur)
	rec := s.api(http.MethodPost, "/api/collections/utilisateurs/records", coord, map[string]any{
		"email": "taupe@fixture.test", "password": "un-mot-de-passe", "passwordConfirm": "un-mot-de-passe",
		"nom": "Taupe", "prenom": "Agent", "role": "conseiller", "actif": true,
		"structures": []string{testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)}})
	if rec.Code != http.StatusOK {
		t.Fatalf("create: %d %s", rec.Code, rec.Body.String())
	}
	token := s.signInAPI("taupe@fixture.test", "un-mot-de-passe")
	if n := s.beneficiariesSeen(token); n != 0 {
		t.Fatalf("a conseiller created by a coordinateur reads %d beneficiaries before confirmation", n)
	}
	for _, path := range []string{"/api/collections/inscriptions/records", "/api/collections/accompagnements/records",
		"/api/collections/attestations/records", "/api/collections/envois/records"} {
		if rec := s.api(http.MethodGet, path, token, nil); !strings.Contains(rec.Body.String(), `"totalItems":0`) {
			t.Errorf("%s before confirmation: %s", path, rec.Body.String())
		}
	}
	cookie := s.signInAs("taupe@fixture.test", "un-mot-de-passe")
	for _, page := range []string{"/espace/beneficiaires", "/espace/accompagnements", "/espace/statistiques/activites.csv"} {
		if rec := s.getAs(cookie, page); rec.Code != http.StatusForbidden {
			t.Errorf("%s before confirmation: %d", page, rec.Code)
		}
	}
	expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, []string{"Le référent de la structure doit d'abord confirmer votre compte"}, nil)
	// The coordinateur cannot confirm it, through the API or the page.
	account := mustFindByEmail(t, s.app, "taupe@fixture.test")
	rec = s.api(http.MethodPatch, "/api/collections/utilisateurs/records/"+account.Id, coord,
		map[string]any{"confirme_pour": []string{testkit.ID(testkit.StructureA)}})
	if rec.Code < 400 {
		t.Errorf("a coordinateur confirmed an account: %d", rec.Code)
	}
	coordCookie := s.signIn(testkit.Coordinateur)
	if rec := s.postAs(coordCookie, "/espace/comptes/confirmer", url.Values{"compte": {account.Id},
		"structure": {testkit.ID(testkit.StructureA)}}); rec.Code != http.StatusForbidden {
		t.Errorf("a coordinateur confirmed on the page: %d", rec.Code)
	}
	// Nor the account itself.
	if rec := s.api(http.MethodPatch, "/api/collections/utilisateurs/records/"+account.Id, token,
		map[string]any{"confirme_pour+": testkit.ID(testkit.StructureA)}); rec.Code < 400 {
		t.Errorf("an account confirmed itself: %d", rec.Code)
	}
	if got := mustFindByEmail(t, s.app, "taupe@fixture.test").GetStringSlice("confirme_pour"); len(got) != 0 {
		t.Fatalf("confirme_pour = %v", got)
	}

	// The journal and the référent know, without the account's name.
	var details []string
	if err := s.app.DB().Select("details").From("journal").Where(dbx.HashExp{"action": "droits"}).Column(&details); err != nil {
		t.Fatal(err)
	}
	if len(details) != 2 || !strings.Contains(details[0], account.Id) || strings.Contains(strings.Join(details, " "), "Taupe") {
		t.Errorf("journal of the creation: %q", details)
	}
	var sent int
	if err := s.app.DB().Select("count(*)").From("envois").Where(dbx.HashExp{"evenement": "droits_compte",
		"destinataire": testkit.Email(testkit.ReferentA), "cible": account.Id}).Row(&sent); err != nil {
		t.Fatal(err)
	}
	if sent != 1 {
		t.Errorf("%d e-mails to the référent of A, want 1", sent)
	}

	// The référent of A confirms it for A (not for B, not theirs).
	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.getAs(referent, "/espace/comptes"), http.StatusOK, []string{"Agent Taupe", "taupe@fixture.test", "Confirmer"}, nil)
	if rec := s.postAs(referent, "/espace/comptes/confirmer", url.Values{"compte": {account.Id},
		"structure": {testkit.ID(testkit.StructureB)}}); rec.Code != http.StatusForbidden {
		t.Errorf("the référent of A confirmed for B: %d", rec.Code)
	}
	rec = s.postAs(referent, "/espace/comptes/confirmer", url.Values{"compte": {account.Id}, "structure": {testkit.ID(testkit.StructureA)}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Compte confirmé") {
		t.Fatalf("confirm: %d %q", rec.Code, followFlash(rec))
	}
	if n := s.beneficiariesSeen(token); n != 2 {
		t.Errorf("after confirmation for A the account reads %d beneficiaries, want A's 2", n)
	}
	expectBody(t, s.getAs(referent, "/espace/comptes"), http.StatusOK, []string{"Aucun compte n'attend votre confirmation."}, nil)
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), "/espace"), http.StatusOK, nil, []string{"doit d'abord confirmer"})
}

func TestNewStructureOrRoleNeedsAConfirmation(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := testkit.Token(t, testkit.Coordinateur)
	patch := func(name string, body map[string]any) {
		t.Helper()
		rec := s.api(http.MethodPatch, "/api/collections/utilisateurs/records/"+testkit.ID(name), coord, body)
		if rec.Code != http.StatusOK {
			t.Fatalf("patch %s: %d %s", name, rec.Code, rec.Body.String())
		}
	}
	// A structure added to a confirmed conseiller: its people stay out of reach.
	patch(testkit.ConseillerA, map[string]any{"structures+": testkit.ID(testkit.StructureB)})
	rec := s.api(http.MethodGet, "/api/collections/beneficiaires/records/"+testkit.ID(testkit.BeneficiaireB), testkit.Token(t, testkit.ConseillerA), nil)
	if rec.Code != http.StatusNotFound {
		t.Errorf("a conseiller reads a person of a structure just added: %d", rec.Code)
	}
	if n := s.beneficiariesSeen(testkit.Token(t, testkit.ConseillerA)); n != 2 {
		t.Errorf("the conseiller reads %d beneficiaries, want A's 2", n)
	}
	// A référent given a new structure confirms nobody there, and one not
	// confirmed at all is told why the page is empty.
	patch(testkit.ReferentA, map[string]any{"structures+": testkit.ID(testkit.StructureB)})
	referent := s.signIn(testkit.ReferentA)
	if rec := s.postAs(referent, "/espace/comptes/confirmer", url.Values{"compte": {testkit.ID(testkit.ConseillerA)},
		"structure": {testkit.ID(testkit.StructureB)}}); rec.Code != http.StatusForbidden {
		t.Errorf("a référent confirmed in a structure just added to them: %d", rec.Code)
	}
	setFields(t, s.app, "utilisateurs", testkit.ReferentA, map[string]any{"confirme_pour": []string{}})
	expectBody(t, s.getAs(referent, "/espace/comptes"), http.StatusOK, []string{"Votre propre compte de référent n'est pas encore confirmé"}, nil)
	// A référent made conseiller reads nobody until confirmed again.
	setFields(t, s.app, "utilisateurs", testkit.ReferentA, map[string]any{"confirme_pour": []string{testkit.ID(testkit.StructureA)}})
	patch(testkit.ReferentA, map[string]any{"role": "conseiller"})
	if got := mustFind(t, s.app, "utilisateurs", testkit.ReferentA).GetStringSlice("confirme_pour"); len(got) != 0 {
		t.Errorf("confirme_pour kept across a change of role: %v", got)
	}
	if n := s.beneficiariesSeen(testkit.Token(t, testkit.ReferentA)); n != 0 {
		t.Errorf("a référent made conseiller reads %d beneficiaries", n)
	}
	// A coordinateur cannot make themselves conseiller (nobody changes
	// their own role, hooks/comptes guardRights); made one by another
	// coordinateur, they read nobody either.
	if rec := s.api(http.MethodPatch, "/api/collections/utilisateurs/records/"+testkit.ID(testkit.Coordinateur), coord,
		map[string]any{"role": "conseiller"}); rec.Code != http.StatusForbidden {
		t.Errorf("a coordinateur changed their own role: %d %s", rec.Code, rec.Body.String())
	}
	setFields(t, s.app, "utilisateurs", testkit.ReferentA, map[string]any{"role": "coordinateur"})
	if rec := s.api(http.MethodPatch, "/api/collections/utilisateurs/records/"+testkit.ID(testkit.Coordinateur),
		testkit.Token(t, testkit.ReferentA), map[string]any{"role": "conseiller"}); rec.Code != http.StatusOK {
		t.Fatalf("another coordinateur makes the coordinateur conseiller: %d %s", rec.Code, rec.Body.String())
	}
	if n := s.beneficiariesSeen(coord); n != 0 {
		t.Errorf("a coordinateur turned conseiller reads %d beneficiaries", n)
	}
}

func TestOnlyTheAccountChangesItsPasswordAndEmail(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := testkit.Token(t, testkit.Coordinateur)
	target := "/api/collections/utilisateurs/records/" + testkit.ID(testkit.ConseillerA)
	for name, body := range map[string]map[string]any{
		"password": {"password": "pris-par-le-coordinateur", "passwordConfirm": "pris-par-le-coordinateur"},
		"e-mail":   {"email": "coordinateur+piege@fixture.test"},
	} {
		if rec := s.api(http.MethodPatch, target, coord, body); rec.Code < 400 {
			t.Errorf("a coordinateur changed another account's %s: %d", name, rec.Code)
		}
	}
	account := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA)
	if !account.ValidatePassword(testkit.StaffPassword) || account.Email() != testkit.Email(testkit.ConseillerA) {
		t.Fatal("the account's password or e-mail changed")
	}
	// The account itself does, knowing its password.
	rec := s.api(http.MethodPatch, target, testkit.Token(t, testkit.ConseillerA), map[string]any{
		"oldPassword": testkit.StaffPassword, "password": "un-nouveau-mot-de-passe", "passwordConfirm": "un-nouveau-mot-de-passe"})
	if rec.Code != http.StatusOK {
		t.Errorf("the account could not change its password: %d %s", rec.Code, rec.Body.String())
	}
}

func TestConfirmationPageAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	// The coordinateur manages accounts on the same page, but never
	// confirms one.
	for _, c := range []struct {
		who          string
		cookie       string
		status, post int
	}{
		{"anonyme", "", http.StatusSeeOther, http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusForbidden, http.StatusForbidden},
		{"référent", s.signIn(testkit.ReferentA), http.StatusOK, 0},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusOK, http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther, http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther, http.StatusSeeOther},
	} {
		if rec := s.getAs(c.cookie, "/espace/comptes"); rec.Code != c.status {
			t.Errorf("%s: GET %d, want %d", c.who, rec.Code, c.status)
		}
		if c.post == 0 {
			continue
		}
		rec := s.postAs(c.cookie, "/espace/comptes/confirmer", url.Values{"compte": {testkit.ID(testkit.ConseillerA)},
			"structure": {testkit.ID(testkit.StructureA)}})
		if rec.Code != c.post {
			t.Errorf("%s: POST %d, want %d", c.who, rec.Code, c.post)
		}
	}
}

func TestPasswordResetEmailsAreLimitedPerAccount(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for range 5 {
		expectBody(t, s.do(http.MethodPost, "/mot-de-passe-oublie", url.Values{"email": {testkit.Email(testkit.ConseillerA)}},
			map[string]string{"Origin": origin}), http.StatusOK, []string{"Si un compte actif existe"}, nil)
		// The API answers as if sent.
		if rec := s.api(http.MethodPost, "/api/collections/utilisateurs/request-password-reset", "",
			map[string]string{"email": testkit.Email(testkit.ConseillerA)}); rec.Code != http.StatusNoContent {
			t.Errorf("API reset: %d", rec.Code)
		}
	}
	if n := s.app.TestMailer.TotalSend(); n != 1 {
		t.Errorf("%d reset e-mails for one account, want 1", n)
	}
}

func TestSecureCookieAndHSTSBehindATrustedProxy(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	signIn := func(headers map[string]string) *httptest.ResponseRecorder {
		headers["Origin"] = origin
		return s.do(http.MethodPost, "/connexion", url.Values{"email": {testkit.Email(testkit.ConseillerA)},
			"mot_de_passe": {testkit.StaffPassword}}, headers)
	}
	// A plain-HTTP instance (the fixture's address is https: see the end).
	settings := s.app.Settings()
	settings.Meta.AppURL = "http://ateliers.exemple.fr"
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	// Without a declared proxy, X-Forwarded-Proto is anyone's word.
	rec := signIn(map[string]string{"X-Forwarded-Proto": "https"})
	if strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") || rec.Header().Get("Strict-Transport-Security") != "" {
		t.Errorf("an undeclared proxy was trusted: %q %q", rec.Header().Get("Set-Cookie"), rec.Header().Get("Strict-Transport-Security"))
	}
	settings.TrustedProxy.Headers = []string{"X-Forwarded-For"}
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	rec = signIn(map[string]string{"X-Forwarded-Proto": "https"})
	if !strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie over HTTPS without Secure: %q", rec.Header().Get("Set-Cookie"))
	}
	if hsts := rec.Header().Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") || hsts < "max-age=15552000" {
		t.Errorf("Strict-Transport-Security = %q", hsts)
	}
	if rec := s.get("/"); rec.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
	// An https Application URL makes the cookie Secure whatever the request.
	settings.TrustedProxy.Headers = nil
	settings.Meta.AppURL = "https://ateliers.exemple.fr"
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	if rec := signIn(map[string]string{}); !strings.Contains(rec.Header().Get("Set-Cookie"), "Secure") {
		t.Errorf("cookie of an https instance without Secure: %q", rec.Header().Get("Set-Cookie"))
	}
}

func TestUsersCollectionIsGone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rec := s.api(http.MethodPost, "/api/collections/users/records", "", map[string]any{
		"email": "inconnu@exemple.fr", "password": "un-mot-de-passe", "passwordConfirm": "un-mot-de-passe"})
	if rec.Code != http.StatusNotFound {
		t.Errorf("sign-up on users: %d %s", rec.Code, rec.Body.String())
	}
}

func (s *site) signInAs(email, password string) string {
	s.t.Helper()
	rec := s.do(http.MethodPost, "/connexion", url.Values{"email": {email}, "mot_de_passe": {password}},
		map[string]string{"Origin": origin})
	for _, c := range rec.Result().Cookies() {
		if c.Name == "atelier_session" {
			return c.Name + "=" + c.Value
		}
	}
	s.t.Fatalf("sign in %s: %d", email, rec.Code)
	return ""
}

func mustFindByEmail(t testing.TB, app core.App, email string) *core.Record {
	t.Helper()
	r, err := app.FindAuthRecordByEmail("utilisateurs", email)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// A deactivated account's token is anonymous on routes without rules too:
// PocketBase's own auth-refresh needs a signed-in account.
func TestInactiveTokenIsAnonymousEverywhere(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rec := s.api(http.MethodPost, "/api/collections/utilisateurs/auth-refresh", testkit.Token(t, testkit.InactifA), nil)
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("auth-refresh with a deactivated account's token: %d %s", rec.Code, rec.Body.String())
	}
}
