package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The demo référent opens the settings of the structure from the menu,
// scripts disabled, writes the hours with the week's grid, sees a refused
// address, then the preview of the public page in a new tab: every state
// passes both audits and fits a 320 px screen. Nothing is saved.
func TestStructureSettingsInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, srv.URL, "sophie.lefevre@demo.atelier.test", DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(step string) {
		t.Helper()
		CheckAccessible(t, ctx, step, true)
		CheckEqualAccess(t, ctx, step)
	}
	var settings string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/espace"),
		chromedp.Click(`nav.menu a[href="/espace/structures"]`, chromedp.ByQuery),
		chromedp.WaitVisible("ul.structures", chromedp.ByQuery),
	); err != nil {
		t.Fatalf("open the structures: %v", err)
	}
	check("structures")
	CheckFitsNarrowScreen(t, ctx, srv.URL+"/espace/structures")
	if err := chromedp.Run(ctx,
		chromedp.Click(`ul.structures a`, chromedp.ByQuery),
		chromedp.WaitVisible("#slug", chromedp.ByID),
		chromedp.Location(&settings),
	); err != nil {
		t.Fatalf("open the settings: %v", err)
	}
	check("settings")
	CheckFitsNarrowScreen(t, ctx, settings)

	// The grid writes the hours; the page says them in French. (The
	// demo's hours are free text, the grid is empty: keys are typed in it
	// as a person does, scripts disabled.)
	if err := chromedp.Run(ctx,
		chromedp.Navigate(settings),
		chromedp.WaitVisible("#slug", chromedp.ByID),
		// the demo's hours are free text: the grid starts folded
		chromedp.Evaluate(`document.querySelector("details.bloc").open = true`, nil),
		chromedp.WaitVisible("#grille-0-0-debut", chromedp.ByID),
		chromedp.SendKeys("#grille-0-0-debut", "9h", chromedp.ByID),
		chromedp.SendKeys("#grille-0-0-fin", "12h", chromedp.ByID),
		chromedp.Click(`button[value="grille"]`, chromedp.ByQuery),
		chromedp.WaitVisible("table.horaires", chromedp.ByQuery),
	); err != nil {
		t.Fatalf("write the hours from the grid: %v", err)
	}
	var written string
	if err := chromedp.Run(ctx, chromedp.Value("#horaires", &written, chromedp.ByID)); err != nil || !strings.HasPrefix(written, "Mo 09:00-12:00") {
		t.Fatalf("hours written %q: %v", written, err)
	}
	check("hours preview")

	// A refused address keeps what was typed.
	if err := chromedp.Run(ctx,
		chromedp.SendKeys("#slug", " Poitiers", chromedp.ByID),
		chromedp.Click(`button[value="enregistrer"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreur-slug", chromedp.ByID),
	); err != nil {
		t.Fatalf("save a bad address: %v", err)
	}
	check("refused address")

	// The public page with the typed values, in a new tab.
	tabs := chromedp.WaitNewTarget(ctx, func(info *target.Info) bool { return info.Type == "page" })
	if err := chromedp.Run(ctx,
		chromedp.SendKeys("#nom", " en aperçu", chromedp.ByID),
		chromedp.Click(`button[formaction$="/apercu"]`, chromedp.ByQuery),
	); err != nil {
		t.Fatalf("ask for the preview: %v", err)
	}
	var id target.ID
	select {
	case id = <-tabs:
	case <-time.After(30 * time.Second):
		t.Fatal("the preview did not open a tab")
	}
	tab, cancel := chromedp.NewContext(ctx, chromedp.WithTargetID(id))
	defer cancel()
	var title string
	if err := chromedp.Run(tab, chromedp.WaitVisible("h1", chromedp.ByQuery), chromedp.Text("h1", &title, chromedp.ByQuery)); err != nil {
		t.Fatalf("preview tab: %v", err)
	}
	if !strings.Contains(title, "en aperçu") { // typed where the caret was
		t.Errorf("preview title %q", title)
	}
	CheckAccessible(t, tab, "public page preview", false)
	CheckEqualAccess(t, tab, "public page preview")
	checkNothingSaved(t, tab, srv.URL)
}

// checkNothingSaved: the public page still shows the demo's name.
func checkNothingSaved(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	var title string
	if err := chromedp.Run(ctx, chromedp.Navigate(base+"/s/mediatheque-francois-mitterrand"),
		chromedp.Text("h1", &title, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if title != "Médiathèque François-Mitterrand" {
		t.Errorf("public page after the previews: %q", title)
	}
}
