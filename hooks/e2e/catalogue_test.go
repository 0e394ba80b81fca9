package e2e

import (
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The demo conseiller builds a workshop of the catalogue in the browser,
// scripts disabled: a mistake first, then the saved workshop, its page and
// the list. Every page visited passes axe-core and fits a 320 px screen.
func TestCatalogueInTheBrowser(t *testing.T) {
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
		if path == "" {
			return
		}
		CheckFitsNarrowScreen(t, ctx, srv.URL+path)
	}
	run := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	var list string
	run("open the catalogue",
		chromedp.Navigate(srv.URL+"/espace"),
		chromedp.Click(`nav.menu a[href="/espace/catalogue"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".catalogue", chromedp.ByQuery),
		chromedp.OuterHTML("main", &list, chromedp.ByQuery),
	)
	if !strings.Contains(list, "Catalogue partagé") || !strings.Contains(list, "Copier dans mon catalogue") {
		t.Errorf("the catalogue does not show the shared entries with their copy action")
	}
	check("catalogue", "/espace/catalogue")

	const title = "Écouter des podcasts (essai du navigateur)"
	run("open the form",
		chromedp.Navigate(srv.URL+"/espace/catalogue"),
		chromedp.Click(`a.bouton[href="/espace/catalogue/nouveau"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre", chromedp.ByID),
	)
	check("new workshop form", "/espace/catalogue/nouveau")

	// A mistake: no thématique ticked (the browser lets it through, the
	// server answers with the form and a message next to the field).
	var errorText, kept string
	run("submit with a mistake",
		chromedp.Navigate(srv.URL+"/espace/catalogue/nouveau"),
		chromedp.WaitVisible("#titre", chromedp.ByID),
		chromedp.SendKeys("#titre", title, chromedp.ByID),
		chromedp.SetValue("#besoin", "connaitre", chromedp.ByID),
		chromedp.SendKeys("#resume", "On apprend à trouver et écouter des émissions sur son téléphone.", chromedp.ByID),
		chromedp.Click(`label[for="materiel-1"]`, chromedp.ByQuery),
		chromedp.Click(`#formulaire-atelier button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreurs", chromedp.ByID),
		chromedp.Text("#erreur-thematiques", &errorText, chromedp.ByID),
		chromedp.Value("#titre", &kept, chromedp.ByID),
	)
	if errorText != "Cochez au moins une thématique." || kept != title {
		t.Errorf("after the mistake: error %q, title kept %q", errorText, kept)
	}
	check("form with an error", "")

	var heading, flash, location string
	run("correct and save",
		chromedp.Click("#thematiques-16", chromedp.ByID), // Culture numérique
		chromedp.Click(`#formulaire-atelier button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
		chromedp.Location(&location),
	)
	if heading != title || !strings.Contains(flash, "est enregistré") {
		t.Errorf("workshop page: heading %q, flash %q", heading, flash)
	}
	path := strings.TrimPrefix(location, srv.URL)
	if !regexp.MustCompile(`^/espace/catalogue/[a-z0-9]{15}$`).MatchString(path) {
		t.Fatalf("saved workshop at %q", location)
	}
	check("workshop page", path)

	visit := func(step, path, waitFor string) string {
		t.Helper()
		var html string
		run(step, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible(waitFor, chromedp.ByQuery),
			chromedp.OuterHTML("main", &html, chromedp.ByQuery))
		check(step, path)
		return html
	}
	if html := visit("catalogue with the new workshop", "/espace/catalogue?q=podcasts", ".catalogue"); !strings.Contains(html, "Écouter des podcasts") {
		t.Errorf("the new workshop is not in the list:\n%s", html)
	}
	visit("edit form", path+"/modifier", "#titre")
	visit("archived workshops shown", "/espace/catalogue?archives=1&besoin=connaitre", ".catalogue")
	shared := regexp.MustCompile(`href="/espace/catalogue/nouveau\?copie=([a-z0-9]{15})"`).FindStringSubmatch(list)
	if shared == nil {
		t.Fatal("no copy link in the catalogue")
	}
	visit("shared workshop page", "/espace/catalogue/"+shared[1], ".origine")
	visit("copy form", "/espace/catalogue/nouveau?copie="+shared[1], "#titre")
}
