package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The short personal code in the real binary: typed in a browser without
// JavaScript, and never written to the request log.

// registeredWithCode registers someone on a new session of the flow server
// and answers their personal link and code.
func registeredWithCode(t *testing.T, f *flowServer, prenom, nom, tel string) (link, code string) {
	t.Helper()
	seanceID := f.newSession(t, 5)
	status, location, err := f.register(seanceID, registrant(prenom, nom, tel, ""))
	if err != nil || status != http.StatusSeeOther {
		t.Fatalf("register: %d %v", status, err)
	}
	link = strings.TrimSuffix(location, "?confirmation=1")
	r, err := f.db.FindFirstRecordByData("inscriptions", "jeton", strings.TrimPrefix(link, "/inscription/"))
	if err != nil {
		t.Fatal(err)
	}
	if code = r.GetString("code"); len(code) != 9 {
		t.Fatalf("registration without a code: %q", code)
	}
	return link, code
}

// A person types their code as they read it (lower case, spaces) on /i,
// without JavaScript, and lands on their page, which shows the code; a
// wrong code answers the form again with the message. Every page passes
// the audit at 320 px.
func TestCodeFormInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	link, code := registeredWithCode(t, f, "Odile", "Codenavigateur", "06 55 44 33 21")
	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	typed := strings.ToLower(strings.ReplaceAll(code, "-", " "))
	var heading, shown, location string
	err := chromedp.Run(ctx,
		chromedp.Navigate(f.URL+"/i"),
		chromedp.WaitVisible("#code", chromedp.ByID),
		chromedp.SendKeys("#code", typed, chromedp.ByID),
		chromedp.Submit("#code", chromedp.ByID),
		chromedp.WaitVisible(".code-grand", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text(".code-grand", &shown, chromedp.ByQuery),
		chromedp.Location(&location),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Vous êtes inscrit" || shown != code || location != f.URL+link {
		t.Errorf("after typing %q: %q, code %q, at %q", typed, heading, shown, location)
	}
	CheckAccessible(t, ctx, "personal page with the code", true)
	CheckFitsNarrowScreen(t, ctx, f.URL+link)

	var message, value string
	err = chromedp.Run(ctx,
		chromedp.Navigate(f.URL+"/i"),
		chromedp.WaitVisible("#code", chromedp.ByID),
		chromedp.SendKeys("#code", "zzzz zzzz", chromedp.ByID),
		chromedp.Submit("#code", chromedp.ByID),
		chromedp.WaitVisible("#erreur-code", chromedp.ByID),
		chromedp.Text("#erreur-code", &message, chromedp.ByID),
		chromedp.Value("#code", &value, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(message, "Aucune inscription ne correspond à ce code") || value != "ZZZZ-ZZZZ" {
		t.Errorf("wrong code: %q, field %q", message, value)
	}
	CheckAccessible(t, ctx, "wrong code", true)
	CheckFitsNarrowScreen(t, ctx, f.URL+"/i/ZZZZ-ZZZZ")
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/i"), chromedp.WaitVisible("#code", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "code form", true)
	CheckFitsNarrowScreen(t, ctx, f.URL+"/i")
}

// Codes typed right or wrong, in the path, the form's query or the
// Referer of the next page, never reach the request log: /i answers are
// not logged (the route skips successful requests, and a wrong code is a
// page it renders), and the Referer of the next page is masked.
func TestCodeNeverReachesTheRequestLog(t *testing.T) {
	f := startFlowServer(t)
	_, code := registeredWithCode(t, f, "Rémi", "Codejournal", "06 55 44 33 22")
	wrong := "Q7Q7-Q7Q7"
	if status, _ := donneesGet(t, f.URL, nil, "/i/"+strings.ToLower(code), nil); status != http.StatusSeeOther {
		t.Fatalf("the code: %d", status)
	}
	for _, path := range []string{"/i/" + wrong, "/i/" + strings.ToLower(strings.ReplaceAll(wrong, "-", "")), "/i?code=" + url.QueryEscape(wrong)} {
		donneesGet(t, f.URL, nil, path, nil)
	}
	donneesGet(t, f.URL, nil, "/connexion", map[string]string{"Referer": f.URL + "/i/" + code})

	// The request log is written in batches, every few seconds.
	var rows []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		rows = nil
		if err := f.db.AuxDB().NewQuery("SELECT data FROM _logs").Column(&rows); err != nil {
			t.Fatal(err)
		}
		referer := false
		for _, r := range rows {
			referer = referer || strings.Contains(r, `"url":"/connexion"`) && strings.Contains(r, "/i/MASQUE")
		}
		if referer {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the requests never reached the request log:\n%s", strings.Join(rows, "\n"))
		}
		time.Sleep(250 * time.Millisecond)
	}
	compact := func(s string) string { return strings.ReplaceAll(strings.ToUpper(s), "-", "") }
	for _, r := range rows {
		for _, secret := range []string{code, wrong} {
			if strings.Contains(compact(r), compact(secret)) {
				t.Errorf("the request log keeps %s: %s", secret, r)
			}
		}
	}
}
