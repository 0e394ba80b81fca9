package e2e

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Monthly reports end to end: the command line makes last month's reports
// of the demo instance while the server runs; the référent finds them in
// the menu, the page passes axe-core and fits 320 px, and the files come
// down only to a signed-in member of the structure.
func TestReportsInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	lastMonth := time.Now().AddDate(0, 0, -time.Now().Day()).Format("2006-01")
	out, err := Run(srv.DataDir, "rapports", "generer", "--mois", lastMonth)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "rapport créé") && !strings.Contains(out, "rapport remplacé") {
		t.Fatalf("command output: %s", out)
	}

	ctx := NewBrowser(t)
	if err := SignIn(ctx, srv.URL, "sophie.lefevre@demo.atelier.test", DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	var list, pdfLink string
	var ok bool
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/espace"),
		chromedp.Click(`nav.menu a[href="/espace/rapports"]`, chromedp.ByQuery),
		chromedp.WaitVisible("h1", chromedp.ByQuery),
		chromedp.OuterHTML("main", &list, chromedp.ByQuery),
		chromedp.AttributeValue(`main table a[href$="/pdf"]`, "href", &pdfLink, &ok, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, "Rapports mensuels") || !ok {
		t.Fatalf("no report listed:\n%s", list)
	}
	CheckAccessible(t, ctx, "reports page", true)
	CheckFitsNarrowScreen(t, ctx, srv.URL+"/espace/rapports")

	// The report's own page: key figures, charts and their tables.
	reportPage := strings.TrimSuffix(pdfLink, "/pdf")
	var report string
	err = chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/espace/rapports"),
		chromedp.Click(`main table a[href="`+reportPage+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-chiffres", chromedp.ByID),
		chromedp.OuterHTML("main", &report, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(report, "Chiffres clés") || !strings.Contains(report, "Ateliers réalisés") {
		t.Fatalf("report page:\n%s", report)
	}
	CheckAccessible(t, ctx, "report page", true)
	CheckFitsNarrowScreen(t, ctx, srv.URL+reportPage)

	// The file itself: refused without an account, served to the référent.
	anonymous := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := anonymous.Get(srv.URL + pdfLink)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("anonymous download: %d", res.StatusCode)
	}
	client := signedInClient(t, srv.URL, "sophie.lefevre@demo.atelier.test")
	res, err = client.Get(srv.URL + pdfLink)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	head := make([]byte, 5)
	if _, err := res.Body.Read(head); err != nil || res.StatusCode != http.StatusOK || string(head) != "%PDF-" {
		t.Fatalf("référent download: %d %q %v", res.StatusCode, head, err)
	}
}

// signedInClient signs a demo staff member in through the form and keeps
// the session cookie.
func signedInClient(t *testing.T, base, email string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	form := url.Values{"email": {email}, "mot_de_passe": {DemoPassword}, "suite": {"/espace"}}
	req, _ := http.NewRequest(http.MethodPost, base+"/connexion", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("sign in %s: %d", email, res.StatusCode)
	}
	return client
}
