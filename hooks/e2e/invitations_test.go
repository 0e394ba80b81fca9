package e2e

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A coordinateur invites a conseiller from « Comptes »; the French e-mail
// (real SMTP) links to Atelier's page, where the person chooses a
// password, then signs in. Every page passes both audits at 320 px,
// without JavaScript.
func TestInvitationInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	email := "invitee-navigateur@demo.atelier.test"
	ctx := NewBrowser(t)
	if err := SignIn(ctx, f.URL, demoCoordinateur, DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/espace/comptes"), chromedp.WaitVisible("#email", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "/espace/comptes", true)
	checkEqualAccessWithoutJavaScript(t, ctx, "/espace/comptes")
	CheckFitsNarrowScreen(t, ctx, f.URL+"/espace/comptes")
	var flash string
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/espace/comptes"), chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", email, chromedp.ByID), chromedp.SendKeys("#prenom", "Ada", chromedp.ByID),
		chromedp.SendKeys("#nom", "Navigateur", chromedp.ByID), chromedp.Click("#structures-0", chromedp.ByID),
		chromedp.Submit("#email", chromedp.ByID), chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "Invitation envoyée à "+email) {
		t.Fatalf("flash %q", flash)
	}
	account, err := f.db.FindAuthRecordByEmail("utilisateurs", email)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/espace/comptes/" + account.Id, "/espace/comptes/" + account.Id + "/retirer"} {
		if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+path), chromedp.WaitVisible("main", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		CheckAccessible(t, ctx, path, true)
		checkEqualAccessWithoutJavaScript(t, ctx, path)
		CheckFitsNarrowScreen(t, ctx, f.URL+path)
	}

	mail, ok := f.mail.WaitFor(20*time.Second, SentTo(email, "Invitation à Atelier"))
	if !ok {
		t.Fatal("no invitation e-mail")
	}
	m := regexp.MustCompile(`href="[^"]*(/connexion/invitation/[^"]+)"`).FindStringSubmatch(mail.HTML)
	if m == nil || strings.Contains(mail.HTML, "/_/") || !strings.Contains(mail.Text, "7 jours") {
		t.Fatalf("the e-mail does not link to Atelier's page for 7 days:\n%s", mail.HTML)
	}
	link := m[1]

	guest := NewBrowser(t)
	if err := WithoutJavaScript(guest); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(guest, chromedp.Navigate(f.URL+link), chromedp.WaitVisible("#nouveau_mot_de_passe", chromedp.ByID),
		chromedp.SendKeys("#nouveau_mot_de_passe", "court", chromedp.ByID), chromedp.SendKeys("#confirmation", "court", chromedp.ByID),
		chromedp.Submit("#nouveau_mot_de_passe", chromedp.ByID), chromedp.WaitVisible("#erreur-nouveau_mot_de_passe", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, guest, "invitation page with an error", true)
	checkEqualAccessWithoutJavaScript(t, guest, "invitation page with an error")
	CheckFitsNarrowScreen(t, guest, f.URL+link)
	const chosen = "une phrase facile à retenir"
	var message string
	if err := chromedp.Run(guest, chromedp.Navigate(f.URL+link), chromedp.WaitVisible("#nouveau_mot_de_passe", chromedp.ByID),
		chromedp.SendKeys("#nouveau_mot_de_passe", chosen, chromedp.ByID), chromedp.SendKeys("#confirmation", chosen, chromedp.ByID),
		chromedp.Submit("#nouveau_mot_de_passe", chromedp.ByID), chromedp.WaitVisible(".succes", chromedp.ByQuery),
		chromedp.Text(".succes", &message, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(message, "Votre mot de passe est enregistré.") {
		t.Errorf("sign-in page after the invitation: %q", message)
	}
	if err := SignIn(guest, f.URL, email, chosen); err != nil {
		t.Fatal(err)
	}
	var dashboard string
	if err := chromedp.Run(guest, chromedp.Navigate(f.URL+"/espace"), chromedp.WaitVisible("main", chromedp.ByQuery),
		chromedp.Text("main", &dashboard, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dashboard, "Le référent de la structure doit d'abord confirmer votre compte") {
		t.Errorf("the invited conseiller's dashboard: %q", dashboard)
	}

	// The used link answers the French « no longer works » page.
	if err := chromedp.Run(guest, chromedp.Navigate(f.URL+link), chromedp.WaitVisible("h1", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, guest, "used invitation link", true)
	res, err := http.Get(f.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusGone {
		t.Errorf("used link: %d", res.StatusCode)
	}
}
