package e2e

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
)

// checkEqualAccessWithoutJavaScript runs IBM's audit (a script) on a tab
// that browses without JavaScript.
func checkEqualAccessWithoutJavaScript(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(false)); err != nil {
		t.Fatal(err)
	}
	CheckEqualAccess(t, ctx, step)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
}

// A staff member who forgot their password chooses a new one on Atelier's
// page from the French e-mail, then changes it again on « Mon compte »,
// all without JavaScript; the pages pass both audits at 320 px, and the
// link's token never reaches the request log.
func TestPasswordPagesInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	email := "oubli-navigateur@demo.atelier.test"
	demo, err := f.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.db.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		t.Fatal(err)
	}
	account := core.NewRecord(c)
	structure := demo.GetStringSlice("structures")[:1]
	account.Load(map[string]any{"email": email, "password": DemoPassword, "nom": "Navigateur", "prenom": "Camille",
		"role": "conseiller", "structures": structure, "confirme_pour": structure, "actif": true})
	if err := f.db.Save(account); err != nil {
		t.Fatal(err)
	}

	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/mot-de-passe-oublie"), chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", email, chromedp.ByID), chromedp.Submit("#email", chromedp.ByID),
		chromedp.WaitVisible(".succes", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	mail, ok := f.mail.WaitFor(20*time.Second, SentTo(email, "Nouveau mot de passe"))
	if !ok {
		t.Fatal("no reset e-mail")
	}
	m := regexp.MustCompile(`href="[^"]*(/connexion/nouveau-mot-de-passe/[^"]+)"`).FindStringSubmatch(mail.HTML)
	if m == nil || strings.Contains(mail.HTML, "/_/") {
		t.Fatalf("the e-mail does not link to Atelier's page:\n%s", mail.HTML)
	}
	link, token := m[1], strings.TrimPrefix(m[1], "/connexion/nouveau-mot-de-passe/")

	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+link), chromedp.WaitVisible("#nouveau_mot_de_passe", chromedp.ByID),
		chromedp.SendKeys("#nouveau_mot_de_passe", "court", chromedp.ByID), chromedp.SendKeys("#confirmation", "court", chromedp.ByID),
		chromedp.Submit("#nouveau_mot_de_passe", chromedp.ByID), chromedp.WaitVisible("#erreur-nouveau_mot_de_passe", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "reset page with an error", true)
	checkEqualAccessWithoutJavaScript(t, ctx, "reset page with an error")
	CheckFitsNarrowScreen(t, ctx, f.URL+link)
	var message string
	const chosen = "une phrase facile à retenir"
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+link), chromedp.WaitVisible("#nouveau_mot_de_passe", chromedp.ByID),
		chromedp.SendKeys("#nouveau_mot_de_passe", chosen, chromedp.ByID), chromedp.SendKeys("#confirmation", chosen, chromedp.ByID),
		chromedp.Submit("#nouveau_mot_de_passe", chromedp.ByID), chromedp.WaitVisible(".succes", chromedp.ByQuery),
		chromedp.Text(".succes", &message, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(message, "Votre nouveau mot de passe est enregistré.") {
		t.Errorf("sign-in page after the new password: %q", message)
	}
	CheckAccessible(t, ctx, "sign-in page after a new password", true)

	if err := SignIn(ctx, f.URL, email, chosen); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/espace/compte"), chromedp.WaitVisible("#mot_de_passe_actuel", chromedp.ByID)); err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "/espace/compte", true)
	checkEqualAccessWithoutJavaScript(t, ctx, "/espace/compte")
	CheckFitsNarrowScreen(t, ctx, f.URL+"/espace/compte")
	var flash string
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/espace/compte"), chromedp.WaitVisible("#mot_de_passe_actuel", chromedp.ByID),
		chromedp.SendKeys("#mot_de_passe_actuel", chosen, chromedp.ByID),
		chromedp.SendKeys("#nouveau_mot_de_passe", "encore une autre phrase", chromedp.ByID),
		chromedp.SendKeys("#confirmation", "encore une autre phrase", chromedp.ByID),
		chromedp.Submit("#mot_de_passe_actuel", chromedp.ByID), chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(flash, "Mot de passe changé.") {
		t.Errorf("flash %q", flash)
	}
	CheckAccessible(t, ctx, "/espace/compte after the change", true)

	// The used link answers 410, a page the route does not log; a page
	// opened from it would carry it as Referer, which the log masks.
	res, err := http.Get(f.URL + link)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusGone {
		t.Errorf("used link: %d", res.StatusCode)
	}
	req, err := http.NewRequest(http.MethodGet, f.URL+"/connexion", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Referer", f.URL+link)
	if res, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	var rows []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		rows = nil
		if err := f.db.AuxDB().NewQuery("SELECT data FROM _logs").Column(&rows); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.Join(rows, "\n"), "/connexion/nouveau-mot-de-passe/MASQUE") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the sign-in page opened from the link never reached the request log")
		}
		time.Sleep(250 * time.Millisecond)
	}
	for _, r := range rows {
		if strings.Contains(r, token) || strings.Contains(r, url.PathEscape(token)) {
			t.Errorf("the request log keeps the token: %s", r)
		}
	}
}
