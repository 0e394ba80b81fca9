package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// The demo conseiller opens the places of the structure from the menu and
// the new-place form, scripts disabled: both pass axe-core and fit a 320 px
// screen.
func TestLieuxInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, srv.URL, "camille.moreau@demo.atelier.test", DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	check := func(step, path string) {
		t.Helper()
		CheckAccessible(t, ctx, step, true)
		CheckFitsNarrowScreen(t, ctx, srv.URL+path)
	}

	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/espace"),
		chromedp.Click(`nav.menu a[href="/espace/lieux"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".tableau table", chromedp.ByQuery),
	); err != nil {
		t.Fatalf("open the places: %v", err)
	}
	check("places", "/espace/lieux")

	if err := chromedp.Run(ctx,
		chromedp.Navigate(srv.URL+"/espace/lieux"),
		chromedp.Click(`a.bouton[href="/espace/lieux/nouveau"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#nom", chromedp.ByID),
	); err != nil {
		t.Fatalf("open the new-place form: %v", err)
	}
	check("new place form", "/espace/lieux/nouveau")
}
