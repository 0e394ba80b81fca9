package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The statistics page in a real browser without JavaScript, over the demo
// data (three months of activity): for the demo conseiller over the last
// 12 months, then a custom period chosen with the form, and for the
// coordinateur with the structure filter. Every state passes axe-core and
// fits a 320 px screen, charts included (they scale with their viewBox).
func TestStatisticsPageInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	for _, who := range []struct{ role, email string }{
		{"conseiller", "camille.moreau@demo.atelier.test"},
		{"coordinateur", "olivier.marchand@demo.atelier.test"},
	} {
		t.Run(who.role, func(t *testing.T) {
			ctx := NewBrowser(t)
			if err := SignIn(ctx, srv.URL, who.email, DemoPassword); err != nil {
				t.Fatal(err)
			}
			if err := WithoutJavaScript(ctx); err != nil {
				t.Fatal(err)
			}
			year := srv.URL + "/espace/statistiques?periode=annee"
			var charts, tables int
			var heading string
			err := chromedp.Run(ctx,
				chromedp.Navigate(year),
				chromedp.WaitVisible("#titre-chiffres", chromedp.ByID),
				chromedp.Text("#titre-chiffres", &heading, chromedp.ByID),
				chromedp.Evaluate(`document.querySelectorAll('svg[role="img"]').length`, &charts),
				chromedp.Evaluate(`document.querySelectorAll('.graphique table').length`, &tables),
			)
			if err != nil {
				t.Fatal(err)
			}
			if charts < 5 || charts != tables {
				t.Errorf("%d charts and %d tables", charts, tables)
			}
			if !strings.Contains(heading, " : du 1er ") {
				t.Errorf("heading %q", heading)
			}
			CheckAccessible(t, ctx, who.role+": last 12 months", true)
			CheckFitsNarrowScreen(t, ctx, year)

			// A custom period typed in the form (and, for the coordinateur,
			// one structure): the form sends a GET, no script needed.
			actions := []chromedp.Action{
				chromedp.Navigate(year),
				chromedp.Click(`label[for="periode-3"]`, chromedp.ByQuery),
				chromedp.SetValue("#du", "2026-01-01", chromedp.ByID),
				chromedp.SetValue("#au", "2026-12-31", chromedp.ByID),
			}
			if who.role == "coordinateur" {
				actions = append(actions, chromedp.SetValue("#structure", "", chromedp.ByID))
			}
			actions = append(actions,
				chromedp.Click(`form.statistiques-filtres button[type="submit"]`, chromedp.ByQuery),
				// The new page writes the days counted in the fields.
				chromedp.WaitVisible(`input#du[value="2026-01-01"]`, chromedp.ByQuery),
				chromedp.Text("#titre-chiffres", &heading, chromedp.ByID),
			)
			if err := chromedp.Run(ctx, actions...); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(heading, "du 1er janvier 2026 au 31 décembre 2026") {
				t.Errorf("heading after the form %q", heading)
			}
			CheckAccessible(t, ctx, who.role+": custom period", true)

			// A wrong period: the error box and the field's message pass too.
			err = chromedp.Run(ctx,
				chromedp.Navigate(srv.URL+"/espace/statistiques?periode=autre&du=2026-12-31&au=2026-01-01"),
				chromedp.WaitVisible("#erreurs", chromedp.ByID),
			)
			if err != nil {
				t.Fatal(err)
			}
			CheckAccessible(t, ctx, who.role+": wrong period", true)
		})
	}
}
