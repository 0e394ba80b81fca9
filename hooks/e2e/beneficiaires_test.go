package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The beneficiaries' pages in a browser without JavaScript: the demo
// conseiller searches a person and opens the profile, tries a bad edit,
// creates two records of one person (through the duplicate warning) and
// merges them. Every page is audited with axe-core and at 320 px.

func TestBeneficiaryPagesInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, srv.URL, "camille.moreau@demo.atelier.test", DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	audit := func(step, path string) {
		t.Helper()
		CheckAccessible(t, ctx, step, true)
		if path == "" {
			return
		}
		CheckFitsNarrowScreen(t, ctx, srv.URL+path)
	}

	// The list of recent people, then a search by the first one's last name.
	var first, nom string
	benefRun(t, ctx, "list",
		chromedp.Navigate(srv.URL+"/espace/beneficiaires"),
		chromedp.WaitVisible("table tbody th a", chromedp.ByQuery),
		chromedp.Text("table tbody th a", &first, chromedp.ByQuery),
	)
	audit("recent people", "/espace/beneficiaires")
	words := strings.Fields(first)
	nom = words[len(words)-1]
	var results string
	benefRun(t, ctx, "search",
		chromedp.Navigate(srv.URL+"/espace/beneficiaires"),
		chromedp.WaitVisible("#q", chromedp.ByID),
		chromedp.SendKeys("#q", nom, chromedp.ByID),
		chromedp.Click(`form[role="search"] button`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h2[contains(., "pour « ")]`, chromedp.BySearch),
		chromedp.Text("main", &results, chromedp.ByQuery),
	)
	if !strings.Contains(results, first) {
		t.Errorf("searching %q does not find %q:\n%s", nom, first, results)
	}
	audit("search results", "/espace/beneficiaires?q="+nom)

	var heading, profile string
	benefRun(t, ctx, "profile",
		chromedp.Navigate(srv.URL+"/espace/beneficiaires?q="+nom),
		chromedp.WaitVisible("table tbody th a", chromedp.ByQuery),
		chromedp.Click("table tbody th a", chromedp.ByQuery),
		chromedp.WaitVisible("#titre-historique", chromedp.ByID),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Location(&profile),
	)
	if !strings.Contains(results, heading) {
		t.Errorf("profile %q is not one of the results", heading)
	}
	path := strings.TrimPrefix(profile, srv.URL)
	audit("profile", path)

	// A bad edit is refused with the message next to the field; nothing is saved.
	benefRun(t, ctx, "bad edit",
		chromedp.Navigate(srv.URL+path+"/modifier"),
		chromedp.WaitVisible("#annee_naissance", chromedp.ByID),
	)
	audit("edit form", path+"/modifier")
	benefRun(t, ctx, "bad edit submit",
		chromedp.SendKeys("#annee_naissance", "x", chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreur-annee_naissance", chromedp.ByID),
	)
	audit("edit form with an error", "")

	// Two records of one person: the second goes through the duplicate warning.
	create := func(prenom, nom string, confirm bool) string {
		t.Helper()
		var location string
		actions := []chromedp.Action{
			chromedp.Navigate(srv.URL + "/espace/beneficiaires/nouveau"),
			chromedp.WaitVisible("#prenom", chromedp.ByID),
			chromedp.SendKeys("#prenom", prenom, chromedp.ByID),
			chromedp.SendKeys("#nom", nom, chromedp.ByID),
			chromedp.SendKeys("#telephone", "06 55 44 33 22", chromedp.ByID),
			chromedp.Click(`label[for="consentement-0"]`, chromedp.ByQuery),
			chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		}
		if confirm {
			benefRun(t, ctx, "duplicate warning", append(actions, chromedp.WaitVisible("#titre-doublons", chromedp.ByID))...)
			audit("duplicate warning", "")
			actions = []chromedp.Action{chromedp.Click(`button[value="confirme"]`, chromedp.ByQuery)}
		}
		benefRun(t, ctx, "create "+nom, append(actions,
			chromedp.WaitVisible("#titre-historique", chromedp.ByID),
			chromedp.Location(&location))...)
		return strings.TrimPrefix(location, srv.URL)
	}
	benefRun(t, ctx, "new form", chromedp.Navigate(srv.URL+"/espace/beneficiaires/nouveau"), chromedp.WaitVisible("#prenom", chromedp.ByID))
	audit("new person form", "/espace/beneficiaires/nouveau")
	firstRecord := create("Odette", "Doublon-Navigateur", false)
	second := create("odette", "DOUBLON NAVIGATEUR", true)
	if firstRecord == second || !strings.HasPrefix(second, "/espace/beneficiaires/") {
		t.Fatalf("records %q and %q", firstRecord, second)
	}

	firstID := strings.TrimPrefix(firstRecord, "/espace/beneficiaires/")
	benefRun(t, ctx, "merge choice",
		chromedp.Navigate(srv.URL+second+"/fusionner"),
		chromedp.WaitVisible(`a[href$="/fusionner/`+firstID+`"]`, chromedp.ByQuery),
	)
	audit("merge choice", second+"/fusionner")
	benefRun(t, ctx, "merge confirmation",
		chromedp.Navigate(srv.URL+second+"/fusionner"),
		chromedp.WaitVisible(`a[href$="/fusionner/`+firstID+`"]`, chromedp.ByQuery),
		chromedp.Click(`a[href$="/fusionner/`+firstID+`"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-fiches", chromedp.ByID),
	)
	audit("merge confirmation", second+"/fusionner/"+firstID)
	var flash, location string
	benefRun(t, ctx, "merge",
		chromedp.Navigate(srv.URL+second+"/fusionner/"+firstID),
		chromedp.WaitVisible("#titre-fiches", chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
		chromedp.Location(&location),
	)
	if !strings.Contains(flash, "Les deux fiches sont fusionnées") || !strings.HasSuffix(location, second) {
		t.Errorf("after the merge: %q at %q", flash, location)
	}
	audit("profile after a merge", "")
	// the dropped record's old link leads to the kept one
	benefRun(t, ctx, "old link",
		chromedp.Navigate(srv.URL+firstRecord),
		chromedp.WaitVisible("#titre-historique", chromedp.ByID),
		chromedp.Location(&location),
	)
	if !strings.HasSuffix(location, second) {
		t.Errorf("the merged record's link led to %q", location)
	}
}

func benefRun(t *testing.T, ctx context.Context, step string, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", step, err)
	}
}
