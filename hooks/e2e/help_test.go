package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The one-to-one help form in a real browser with scripts disabled, as on
// a locked-down tablet: the demo conseiller records a 30-minute help in a
// few taps, sees it in the list, then deletes it (the shared demo data is
// left as it was). Every page on the way passes axe-core and fits 320 px.
func TestHelpQuickFormInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, srv.URL, "camille.moreau@demo.atelier.test", DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	form := srv.URL + "/espace/accompagnements/nouveau"
	list := srv.URL + "/espace/accompagnements"
	const demarche = "Essai du navigateur, demande de carte grise"
	row := `//tr[contains(., "` + demarche + `")]`

	var date string
	err := chromedp.Run(ctx,
		chromedp.Navigate(form),
		chromedp.WaitVisible("#date", chromedp.ByID),
		chromedp.Value("#date", &date, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if len(date) != len("2026-01-02") {
		t.Errorf("the date is not filled in with today: %q", date)
	}
	CheckAccessible(t, ctx, "quick form", true)

	// A mistake first: no theme. The page says so and keeps the duration.
	var errorText string
	err = chromedp.Run(ctx,
		chromedp.Click(`label[for="duree-1"]`, chromedp.ByQuery),
		chromedp.SendKeys("#demarche", demarche, chromedp.ByID),
		chromedp.Click(`button[name="suite"][value="liste"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreurs", chromedp.ByID),
		chromedp.Text("#erreur-thematiques", &errorText, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errorText, "au moins une thématique") {
		t.Errorf("theme error = %q", errorText)
	}
	CheckAccessible(t, ctx, "quick form with an error", true)

	var flash, line string
	err = chromedp.Run(ctx,
		chromedp.Click(`input[name="thematiques"][value="email"] + label`, chromedp.ByQuery),
		chromedp.Click(`button[name="suite"][value="liste"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
		chromedp.Text(row, &line, chromedp.BySearch),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "Accompagnement enregistré") || !strings.Contains(flash, "30\u00a0min") {
		t.Errorf("flash = %q", flash)
	}
	for _, want := range []string{"30\u00a0min", "E-mail", "Camille Moreau", "Anonyme", "Modifier"} {
		if !strings.Contains(line, want) {
			t.Errorf("row %q lacks %q", line, want)
		}
	}
	CheckAccessible(t, ctx, "help list", true)

	CheckFitsNarrowScreen(t, ctx, form)
	CheckFitsNarrowScreen(t, ctx, list)

	// Delete it again, through the confirmation page.
	var heading string
	err = chromedp.Run(ctx,
		chromedp.Navigate(list),
		chromedp.Click(row+`//a[starts-with(normalize-space(.), "Supprimer")]`, chromedp.BySearch),
		chromedp.WaitVisible("button.danger", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Supprimer cet accompagnement ?" {
		t.Errorf("confirmation heading %q", heading)
	}
	CheckAccessible(t, ctx, "delete confirmation", true)
	err = chromedp.Run(ctx,
		chromedp.Click("button.danger", chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "a été supprimé") {
		t.Errorf("flash after delete = %q", flash)
	}
}
