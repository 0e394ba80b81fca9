package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
)

// The attack suite of accounts and tokens, against the real binary: one
// subtest per finding of the security issue. The server is its own (the
// tests deactivate accounts and declare a TLS proxy), started once.

type accountsServer struct {
	*Server
	db   *core.BaseApp
	mail *MailCatcher
}

func startAccountsServer(t *testing.T) *accountsServer {
	t.Helper()
	dir := t.TempDir()
	if _, err := Run(dir, "demo"); err != nil {
		t.Fatal(err)
	}
	catcher, err := StartMailCatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })
	db := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := db.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.ResetBootstrapState() })
	settings := db.Settings()
	settings.SMTP.Enabled = true
	settings.SMTP.Host = catcher.Host
	settings.SMTP.Port = catcher.Port
	settings.Meta.SenderAddress = "ateliers@demo.atelier.test"
	settings.RateLimits.ExcludedIPs = []string{"127.0.0.1"}
	// Behind a TLS proxy that sets X-Forwarded-For and X-Forwarded-Proto.
	settings.TrustedProxy.Headers = []string{"X-Forwarded-For"}
	if err := db.Save(settings); err != nil {
		t.Fatal(err)
	}
	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	return &accountsServer{Server: srv, db: db, mail: catcher}
}

func (a *accountsServer) api(t *testing.T, method, path, token string, body any) (int, string) {
	t.Helper()
	var payload io.Reader = http.NoBody
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		payload = strings.NewReader(string(b))
	}
	req, err := http.NewRequest(method, a.URL+path, payload)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func (a *accountsServer) token(t *testing.T, email, password string) string {
	t.Helper()
	status, body := a.api(t, http.MethodPost, "/api/collections/utilisateurs/auth-with-password", "",
		map[string]string{"identity": email, "password": password})
	if status != http.StatusOK {
		t.Fatalf("sign in %s: %d %s", email, status, body)
	}
	var out struct{ Token string }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out.Token
}

func (a *accountsServer) beneficiaries(t *testing.T, token string) int {
	t.Helper()
	status, body := a.api(t, http.MethodGet, "/api/collections/beneficiaires/records?perPage=1", token, nil)
	if status != http.StatusOK {
		t.Fatalf("list beneficiaires: %d %s", status, body)
	}
	var out struct{ TotalItems int }
	if err := json.Unmarshal([]byte(body), &out); err != nil {
		t.Fatal(err)
	}
	return out.TotalItems
}

// conseiller makes a confirmed conseiller of the demo conseiller's first
// structure, as an administrator would, and returns its id.
func (a *accountsServer) conseiller(t *testing.T, email string) string {
	t.Helper()
	demo, err := a.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.db.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	structure := demo.GetStringSlice("structures")[:1]
	r.Load(map[string]any{"email": email, "password": DemoPassword, "nom": "Essai", "prenom": "Compte",
		"role": "conseiller", "structures": structure, "confirme_pour": structure, "actif": true})
	if err := a.db.Save(r); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

func TestAttaqueComptes(t *testing.T) {
	a := startAccountsServer(t)

	t.Run("la collection users n'existe plus", func(t *testing.T) {
		status, body := a.api(t, http.MethodPost, "/api/collections/users/records", "", map[string]any{
			"email": "bombe@exemple.fr", "password": "un-mot-de-passe", "passwordConfirm": "un-mot-de-passe"})
		if status != http.StatusNotFound {
			t.Errorf("sign-up on users: %d %s", status, body)
		}
		if status, _ := a.api(t, http.MethodGet, "/api/collections/users/records", "", nil); status != http.StatusNotFound {
			t.Errorf("users list: %d", status)
		}
	})

	t.Run("un compte désactivé perd l'API et les pages", func(t *testing.T) {
		email := "desactive@demo.atelier.test"
		id := a.conseiller(t, email)
		token := a.token(t, email, DemoPassword)
		staff := signInHTTP(t, a.URL, email)
		if a.beneficiaries(t, token) == 0 {
			t.Fatal("the conseiller reads nobody before")
		}
		coord := a.token(t, demoCoordinateur, DemoPassword)
		if status, body := a.api(t, http.MethodPatch, "/api/collections/utilisateurs/records/"+id, coord,
			map[string]any{"actif": false}); status != http.StatusOK {
			t.Fatalf("deactivate: %d %s", status, body)
		}
		if n := a.beneficiaries(t, token); n != 0 {
			t.Errorf("the deactivated account's token reads %d beneficiaries", n)
		}
		if res := staff.get(t, "/espace/beneficiaires"); res.StatusCode != http.StatusSeeOther {
			t.Errorf("the deactivated account's page session: %d", res.StatusCode)
		}
	})

	t.Run("un jeton déconnecté est refusé par l'API", func(t *testing.T) {
		email := "deconnecte@demo.atelier.test"
		a.conseiller(t, email)
		staff := signInHTTP(t, a.URL, email)
		token := strings.TrimPrefix(staff.cookie, "atelier_session=")
		if a.beneficiaries(t, token) == 0 {
			t.Fatal("the session's token reads nobody before")
		}
		if res := staff.post(t, "/deconnexion", url.Values{}); res.StatusCode != http.StatusSeeOther {
			t.Fatalf("sign out: %d", res.StatusCode)
		}
		if n := a.beneficiaries(t, token); n != 0 {
			t.Errorf("the signed-out token reads %d beneficiaries", n)
		}
	})

	t.Run("un conseiller créé par le coordinateur ne voit personne avant confirmation", func(t *testing.T) {
		coord := a.token(t, demoCoordinateur, DemoPassword)
		var structures []string
		all, err := a.db.FindAllRecords("structures")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range all {
			structures = append(structures, s.Id)
		}
		status, body := a.api(t, http.MethodPost, "/api/collections/utilisateurs/records", coord, map[string]any{
			"email": "taupe@demo.atelier.test", "password": "mot-de-passe-taupe", "passwordConfirm": "mot-de-passe-taupe",
			"nom": "Taupe", "prenom": "Agent", "role": "conseiller", "actif": true, "structures": structures})
		if status != http.StatusOK {
			t.Fatalf("create: %d %s", status, body)
		}
		token := a.token(t, "taupe@demo.atelier.test", "mot-de-passe-taupe")
		if n := a.beneficiaries(t, token); n != 0 {
			t.Fatalf("the coordinateur's conseiller reads %d beneficiaries", n)
		}
		// The référents are told.
		if _, ok := a.mail.WaitFor(10*time.Second, func(m Mail) bool {
			return strings.HasPrefix(m.Subject, "Droits d'un compte") && strings.Contains(m.Text, "taupe@demo.atelier.test")
		}); !ok {
			t.Error("no e-mail to a référent about the new account")
		}

		// A référent confirms it for their structure, on the page, without
		// JavaScript: then, and only then, it reads that structure's people.
		referent, err := a.db.FindFirstRecordByFilter("utilisateurs", "role = 'referent' && actif = true")
		if err != nil {
			t.Fatal(err)
		}
		ctx := NewBrowser(t)
		if err := SignIn(ctx, a.URL, referent.Email(), DemoPassword); err != nil {
			t.Fatal(err)
		}
		if err := WithoutJavaScript(ctx); err != nil {
			t.Fatal(err)
		}
		var flash string
		if err := chromedp.Run(ctx,
			chromedp.Navigate(a.URL+"/espace"),
			chromedp.Click(`//nav//a[. = "Comptes"]`, chromedp.BySearch),
			chromedp.WaitVisible("#titre-comptes", chromedp.ByID),
		); err != nil {
			t.Fatal(err)
		}
		CheckAccessible(t, ctx, "comptes à confirmer", true)
		if err := chromedp.Run(ctx,
			chromedp.Click(`//tr[contains(., "taupe@demo.atelier.test")]//button`, chromedp.BySearch),
			chromedp.WaitVisible(`.flash`, chromedp.ByQuery),
			chromedp.Text(`.flash`, &flash, chromedp.ByQuery),
		); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(flash, "Compte confirmé") {
			t.Errorf("flash after confirming: %q", flash)
		}
		if n := a.beneficiaries(t, token); n == 0 {
			t.Error("the confirmed account reads nobody of the référent's structure")
		}
	})

	t.Run("le coordinateur ne change pas le mot de passe d'un autre compte", func(t *testing.T) {
		email := "victime@demo.atelier.test"
		id := a.conseiller(t, email)
		coord := a.token(t, demoCoordinateur, DemoPassword)
		for _, body := range []map[string]any{
			{"password": "pris-par-le-coordinateur", "passwordConfirm": "pris-par-le-coordinateur"},
			{"email": "coordinateur.piege@demo.atelier.test"},
		} {
			if status, _ := a.api(t, http.MethodPatch, "/api/collections/utilisateurs/records/"+id, coord, body); status < 400 {
				t.Errorf("a coordinateur changed %v: %d", body, status)
			}
		}
		a.token(t, email, DemoPassword) // the account's own password still works
		if status, _ := a.api(t, http.MethodPost, "/api/collections/utilisateurs/auth-with-password", "",
			map[string]string{"identity": email, "password": "pris-par-le-coordinateur"}); status == http.StatusOK {
			t.Error("the coordinateur's password signs in")
		}
	})

	t.Run("la durée de /connexion ne dit pas qui a un compte", func(t *testing.T) {
		timing := func(email string) time.Duration {
			var times []time.Duration
			for range 7 {
				req, err := http.NewRequest(http.MethodPost, a.URL+"/connexion", strings.NewReader(url.Values{
					"email": {email}, "mot_de_passe": {"mauvais-mot-de-passe"}}.Encode()))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("Origin", a.URL)
				start := time.Now()
				res, err := noRedirect.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				times = append(times, time.Since(start))
				if res.StatusCode != http.StatusUnauthorized {
					t.Fatalf("sign-in with a wrong password: %d", res.StatusCode)
				}
			}
			slices.Sort(times)
			return times[len(times)/2]
		}
		known, unknown := timing(demoConseiller), timing("personne@nulle.part")
		t.Logf("median sign-in time: %v for an account, %v for an unknown address", known, unknown)
		if unknown*3 < known {
			t.Errorf("median sign-in time: %v for an account, %v for an unknown address", known, unknown)
		}
	})

	t.Run("un seul e-mail de réinitialisation par compte", func(t *testing.T) {
		email := "oubli@demo.atelier.test"
		a.conseiller(t, email)
		page := &staffHTTP{base: a.URL}
		for range 3 {
			if status, body := a.api(t, http.MethodPost, "/api/collections/utilisateurs/request-password-reset", "",
				map[string]string{"email": email}); status != http.StatusNoContent {
				t.Fatalf("reset through the API: %d %s", status, body)
			}
			if res := page.post(t, "/mot-de-passe-oublie", url.Values{"email": {email}}); res.StatusCode != http.StatusOK {
				t.Fatalf("reset through the page: %d", res.StatusCode)
			}
		}
		time.Sleep(2 * time.Second) // PocketBase sends in the background
		sent := 0
		for _, m := range a.mail.Messages() {
			if slices.Contains(m.To, email) {
				sent++
			}
		}
		if sent != 1 {
			t.Errorf("%d reset e-mails for one account, want 1", sent)
		}
	})

	t.Run("cookie Secure et HSTS derrière un proxy TLS déclaré", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodPost, a.URL+"/connexion", strings.NewReader(url.Values{
			"email": {demoConseiller}, "mot_de_passe": {DemoPassword}}.Encode()))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", a.URL)
		req.Header.Set("X-Forwarded-Proto", "https")
		res, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		var secure bool
		for _, c := range res.Cookies() {
			secure = secure || (c.Name == "atelier_session" && c.Secure)
		}
		if !secure {
			t.Errorf("session cookie over HTTPS without Secure: %q", res.Header.Values("Set-Cookie"))
		}
		if hsts := res.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=") {
			t.Errorf("no Strict-Transport-Security over HTTPS: %q", hsts)
		}
	})
}

func (c *staffHTTP) get(t *testing.T, path string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Cookie", c.cookie)
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}
