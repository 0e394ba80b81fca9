package e2e

import (
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
)

// A person who gave only a landline registers on the public page: no
// message can reach them, so the conseiller finds them on the « à appeler »
// list, phones them and ticks « prévenu » in the browser; the page passes
// the accessibility audit and fits 320 px, without JavaScript.
func TestCallListInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	staff := signInHTTP(t, f.URL, demoConseiller)
	res := staff.post(t, "/espace/seances/nouvelle", demoPlanForm(t, f))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan: %d", res.StatusCode)
	}
	seanceID := strings.TrimPrefix(res.Header.Get("Location"), "/espace/seances/")
	status, _, err := f.register(seanceID, registrant("Odette", "Fixeappel", "05 49 12 34 56", ""))
	if err != nil || status != http.StatusSeeOther {
		t.Fatalf("register: %d %v", status, err)
	}
	person, err := f.db.FindFirstRecordByFilter("beneficiaires", "nom = 'Fixeappel'")
	if err != nil {
		t.Fatal(err)
	}
	inscription, err := f.db.FindFirstRecordByFilter("inscriptions", "beneficiaire = {:b}", dbx.Params{"b": person.Id})
	if err != nil {
		t.Fatal(err)
	}

	ctx := NewBrowser(t)
	if err := SignIn(ctx, f.URL, demoConseiller, DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	var list string
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/espace/a-appeler"), chromedp.WaitVisible("main", chromedp.ByQuery),
		chromedp.Text("main", &list, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Odette Fixeappel", "05 49 12 34 56", "confirmation d'inscription"} {
		if !strings.Contains(list, want) {
			t.Errorf("list: missing %q in\n%s", want, list)
		}
	}
	CheckAccessible(t, ctx, "/espace/a-appeler", true)
	CheckFitsNarrowScreen(t, ctx, f.URL+"/espace/a-appeler")

	var flash, after string
	box := `#prevenu-` + inscription.Id
	if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+"/espace/a-appeler"), chromedp.WaitVisible(box, chromedp.ByQuery),
		chromedp.Click(box, chromedp.ByQuery),
		chromedp.Click(`form[action="/espace/seances/`+seanceID+`/a-appeler"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery), chromedp.Text("main", &after, chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if flash != "1 personne notée prévenue." || strings.Contains(after, "Fixeappel") {
		t.Errorf("after ticking: flash %q, list\n%s", flash, after)
	}
	CheckAccessible(t, ctx, "/espace/a-appeler after ticking", true)
	envoi, err := f.db.FindFirstRecordByFilter("envois", "cible = {:c}", dbx.Params{"c": inscription.Id})
	if err != nil || envoi.GetString("canal") != "telephone" || envoi.GetString("prevenu_par") == "" {
		t.Errorf("the message to phone about: %v %v", envoi, err)
	}
}
