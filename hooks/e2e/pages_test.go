package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"

	"atelier/hooks/lib/ical"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The real pages of Atelier, served by the real binary over demo data, go
// through every check of the harness: axe-core WCAG 2.1 A/AA, 320 px wide
// screens, no JavaScript, page weight and third-party requests.

// pageWeightBudget is the most a public page may cost on the wire, every
// response included.
const pageWeightBudget = 30 << 10

// publicPages are audited one by one; add every new page here.
var publicPages = []struct{ name, path string }{
	{"accueil", "/"},
	{"accueil filtrée par besoin", "/?besoin=emploi"},
	{"accueil, besoin sans atelier", "/?besoin=professionnel"},
	{"page introuvable", "/cette-page-nexiste-pas"},
	{"connexion", "/connexion"},
	{"mot de passe oublié", "/mot-de-passe-oublie"},
	{"vérification d'une attestation", "/verifier"},
	{"code personnel d'une inscription", "/i"},
	{"données personnelles", "/confidentialite"},
	{"déclaration d'accessibilité", "/accessibilite"},
	{"lien de mot de passe qui ne marche plus", "/connexion/nouveau-mot-de-passe/lien-perime"},
}

var (
	demoOnce   sync.Once
	demo       *Server
	demoErr    error
	demoDir    string
	demoOutput string
)

// demoServer starts, once for the package, `atelier serve` on a data dir
// filled by `atelier demo`.
func demoServer(t *testing.T) *Server {
	t.Helper()
	demoOnce.Do(func() {
		demoDir, demoErr = os.MkdirTemp("", "atelier-e2e-")
		if demoErr != nil {
			return
		}
		demoOutput, demoErr = Run(demoDir, "demo")
		if demoErr != nil {
			return
		}
		demo, demoErr = Start(demoDir)
	})
	if demoErr != nil {
		t.Fatalf("demo server: %v", demoErr)
	}
	return demo
}

func TestMain(m *testing.M) {
	code := m.Run()
	if flows != nil {
		flows.Stop()
		flows.mail.Close()
		flows.db.ResetBootstrapState()
		os.RemoveAll(flows.DataDir)
	}
	if attack != nil {
		attack.Stop()
		attack.mail.Close()
		attack.db.ResetBootstrapState()
		os.RemoveAll(attack.DataDir)
	}
	if demo != nil {
		if err := demo.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "stop demo server:", err)
		}
	}
	if demoDir != "" {
		os.RemoveAll(demoDir)
	}
	os.Exit(code)
}

// demoPages are publicPages plus pages found on the demo home page: a
// session with its form and a structure.
func demoPages(t *testing.T, srv *Server) []struct{ name, path string } {
	t.Helper()
	home := get(t, srv.URL+"/", http.StatusOK)
	pages := append([]struct{ name, path string }(nil), publicPages...)
	// in this order: the first demo page is a session's (TestDemoInstanceIsUsable)
	for _, link := range []struct {
		name    string
		pattern *regexp.Regexp
	}{
		{"séance et formulaire", regexp.MustCompile(`href="(/ateliers/[a-z0-9]{15})"`)},
		{"structure", regexp.MustCompile(`href="(/s/[a-z0-9-]+)"`)},
	} {
		name, pattern := link.name, link.pattern
		match := pattern.FindStringSubmatch(home)
		if match == nil {
			page := get(t, srv.URL+regexp.MustCompile(`href="(/ateliers/[a-z0-9]{15})"`).FindStringSubmatch(home)[1], http.StatusOK)
			match = pattern.FindStringSubmatch(page)
		}
		if match == nil {
			t.Fatalf("no %s link found on the demo pages", name)
		}
		pages = append(pages, struct{ name, path string }{name, match[1]})
	}
	// the structure's agenda widget, as the town hall's site frames it
	pages = append(pages, struct{ name, path string }{"agenda à intégrer", pages[len(pages)-1].path + "/widget"})
	return pages
}

func TestPublicPagesPassAccessibilityAudit(t *testing.T) {
	ctx := NewBrowser(t)
	srv := demoServer(t)
	for _, p := range demoPages(t, srv) {
		t.Run(p.name, func(t *testing.T) {
			if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+p.path)); err != nil {
				t.Fatal(err)
			}
			violations, err := Audit(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range violations {
				t.Errorf("%s: %s", p.path, v)
			}
			CheckEqualAccess(t, ctx, p.path)
		})
	}
}

func TestPublicPagesFitA320PixelScreen(t *testing.T) {
	ctx := NewBrowser(t)
	srv := demoServer(t)
	for _, p := range demoPages(t, srv) {
		overflow, err := HorizontalOverflow(ctx, srv.URL+p.path, 320)
		if err != nil {
			t.Fatal(err)
		}
		if overflow > 0 {
			t.Errorf("%s is %d px wider than a 320 px screen", p.path, overflow)
		}
	}
}

func TestPublicPagesAreLightAndSelfContained(t *testing.T) {
	ctx := NewBrowser(t)
	srv := demoServer(t)
	for _, p := range demoPages(t, srv) {
		load, err := MeasureLoad(ctx, srv.URL+p.path)
		if err != nil {
			t.Fatal(err)
		}
		if foreign := load.Foreign(srv.URL); len(foreign) > 0 {
			t.Errorf("%s requests other hosts: %v", p.path, foreign)
		}
		if load.Bytes > pageWeightBudget {
			t.Errorf("%s weighs %d bytes over the wire, budget %d", p.path, load.Bytes, pageWeightBudget)
		}
		if len(load.Requests) < 2 {
			t.Errorf("%s: the load was not observed (%v)", p.path, load.Requests)
		}
		t.Logf("%s: %d requests, %d bytes", p.path, len(load.Requests), load.Bytes)
	}
}

// The home page shows demo sessions and is browsed by need with scripts
// disabled, by clicking the links like a person on an old phone.
func TestHomeWorksWithoutJavaScript(t *testing.T) {
	ctx := NewBrowser(t)
	srv := demoServer(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	var heading, cards, location string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.Text("#titre-seances", &heading, chromedp.ByQuery),
		chromedp.Click(`a[href="/?besoin=debuter#titre-seances"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`a[aria-current="true"]`, chromedp.ByQuery),
		chromedp.Location(&location),
		chromedp.Text("#contenu", &cards, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(heading, "atelier") {
		t.Errorf("home heading = %q", heading)
	}
	if !strings.HasSuffix(location, "/?besoin=debuter#titre-seances") { // on a phone, the results come first
		t.Errorf("after clicking a need, location = %q", location)
	}
	if !strings.Contains(cards, "Je veux débuter avec le numérique :") {
		t.Errorf("filtered page does not name the need:\n%s", cards)
	}
}

// Keyboard users land on the skip link first and it leads to the content.
func TestSkipLinkComesFirst(t *testing.T) {
	ctx := NewBrowser(t)
	srv := demoServer(t)
	var focused string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/"),
		chromedp.ActionFunc(func(ctx context.Context) error {
			if err := input.DispatchKeyEvent(input.KeyDown).WithKey("Tab").WithCode("Tab").
				WithWindowsVirtualKeyCode(9).Do(ctx); err != nil {
				return err
			}
			return input.DispatchKeyEvent(input.KeyUp).WithKey("Tab").WithCode("Tab").
				WithWindowsVirtualKeyCode(9).Do(ctx)
		}),
		chromedp.Evaluate(`document.activeElement.getAttribute("href") + "|" + document.activeElement.textContent`, &focused),
	)
	if err != nil {
		t.Fatal(err)
	}
	if focused != "#contenu|Aller au contenu" {
		t.Errorf("first Tab focuses %q, want the skip link", focused)
	}
}

// The demo command prints the accounts, the server shows its sessions, the
// staff link leads to the administration, and the API gives no person.
func TestDemoInstanceIsUsable(t *testing.T) {
	srv := demoServer(t)
	if !strings.Contains(demoOutput, "atelier-demo-2026") || !strings.Contains(demoOutput, "Coordinateur") {
		t.Errorf("demo output lacks the accounts:\n%s", demoOutput)
	}
	body := get(t, srv.URL+"/", http.StatusOK)
	if n := strings.Count(body, `<article class="carte"`); n < 5 {
		t.Errorf("home shows %d demo sessions, want at least 5", n)
	}
	if !strings.Contains(body, `href="/espace"`) || !strings.Contains(body, `href="/_/"`) {
		t.Error("no link to the staff area or the administration")
	}
	if admin := get(t, srv.URL+"/_/", http.StatusOK); !strings.Contains(admin, "<html") {
		t.Error("the administration UI is not served")
	}
	slug := regexp.MustCompile(`href="/s/([a-z0-9-]+)"`).FindStringSubmatch(get(t, srv.URL+demoPages(t, srv)[len(publicPages)].path, http.StatusOK))
	if slug == nil {
		t.Fatal("no structure link on a session page")
	}
	feed := get(t, srv.URL+"/s/"+slug[1]+"/agenda.ics", http.StatusOK)
	if err := ical.Validate([]byte(feed)); err != nil {
		t.Errorf("structure calendar: %v", err)
	}
	if n := strings.Count(feed, "BEGIN:VEVENT"); n < 3 {
		t.Errorf("structure calendar has %d events", n)
	}
	people := get(t, srv.URL+"/api/collections/beneficiaires/records", http.StatusOK)
	if !strings.Contains(people, `"totalItems":0`) {
		t.Errorf("anonymous API lists people: %s", people)
	}
	if out, err := Run(srv.DataDir, "demo"); err == nil || !strings.Contains(out, "pas vide") {
		t.Errorf("a second demo on a filled instance should refuse clearly, got %v:\n%s", err, out)
	}
}

func get(t *testing.T, url string, wantStatus int) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if res.StatusCode != wantStatus {
		t.Fatalf("GET %s: status %d, want %d", url, res.StatusCode, wantStatus)
	}
	return string(body)
}

// A demo conseiller signs in with scripts disabled, lands on the dashboard
// (audited like every page) and signs out.
func TestWorkspaceSignInInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	ctx := NewBrowser(t)
	var location, heading string
	err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/espace"),
		chromedp.WaitVisible("#mot_de_passe", chromedp.ByID),
		chromedp.Location(&location),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(location, "/connexion?suite=%2Fespace") {
		t.Errorf("anonymous /espace led to %q", location)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#email", "camille.moreau@demo.atelier.test", chromedp.ByID),
		chromedp.SendKeys("#mot_de_passe", "atelier-demo-2026", chromedp.ByID),
		chromedp.Click(`form.connexion button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-compteurs", chromedp.ByID),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Bonjour Camille" {
		t.Errorf("dashboard heading %q", heading)
	}
	CheckAccessible(t, ctx, "dashboard", true)
	CheckFitsNarrowScreen(t, ctx, srv.URL+"/espace")
	err = chromedp.Run(ctx,
		chromedp.Click("form.deconnexion button", chromedp.ByQuery),
		chromedp.WaitVisible("#mot_de_passe", chromedp.ByID),
		chromedp.Navigate(srv.URL+"/espace"),
		chromedp.WaitVisible("#mot_de_passe", chromedp.ByID),
	)
	if err != nil {
		t.Errorf("sign-out: %v", err)
	}
}
