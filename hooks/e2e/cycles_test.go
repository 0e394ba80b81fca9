package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// makeCycle adds to a demo instance a public cycle of n weekly sessions of
// its first public session's structure, workshop and place, and returns
// its id. The demo's own sessions are left alone.
func makeCycle(t *testing.T, db core.App, titre string, capacite, n int) string {
	t.Helper()
	ref, err := db.FindFirstRecordByFilter("seances", "publique = true && statut = 'planifiee'")
	if err != nil {
		t.Fatal(err)
	}
	cycles, err := db.FindCollectionByNameOrId("cycles")
	if err != nil {
		t.Fatal(err)
	}
	cycle := core.NewRecord(cycles)
	cycle.Load(map[string]any{"structure": ref.GetString("structure"), "titre": titre, "capacite": capacite, "publique": true,
		"description": "Quatre rendez-vous pour apprivoiser sa tablette."})
	if err := db.Save(cycle); err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	for i := range n {
		debut, _ := types.ParseDateTime(start.AddDate(0, 0, 7*i))
		fin, _ := types.ParseDateTime(start.AddDate(0, 0, 7*i).Add(2 * time.Hour))
		s := core.NewRecord(ref.Collection())
		s.Load(map[string]any{"atelier": ref.GetString("atelier"), "structure": ref.GetString("structure"), "lieu": ref.GetString("lieu"),
			"debut": debut, "fin": fin, "capacite": 12, "statut": "planifiee", "publique": true, "inscriptions_ouvertes": true,
			"cycle": cycle.Id})
		if err := db.Save(s); err != nil {
			t.Fatal(err)
		}
	}
	return cycle.Id
}

// A person registers for a whole cycle with the browser's scripts
// disabled: the cycle's page and the confirmation page pass the audits,
// the confirmation lists the cycle, and one e-mail (through the real SMTP
// catcher) lists every date.
func TestCycleRegistrationWithoutJavaScript(t *testing.T) {
	f := startFlowServer(t)
	cycleID := makeCycle(t, f.db, "Prendre en main sa tablette", 6, 4)
	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	var dates string
	err := chromedp.Run(ctx,
		chromedp.Navigate(f.URL+"/cycles/"+cycleID),
		chromedp.WaitVisible("#prenom", chromedp.ByID),
		chromedp.Text(".quand", &dates, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(dates, "4 séances") {
		t.Errorf("cycle dates: %q", dates)
	}
	CheckAccessible(t, ctx, "cycle page", true)
	CheckEqualAccess(t, ctx, "cycle page")
	var heading, cycle string
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#prenom", "Hortense", chromedp.ByID),
		chromedp.SendKeys("#nom", "Cycliste", chromedp.ByID),
		chromedp.SendKeys("#email", "hortense.cycliste@example.org", chromedp.ByID),
		chromedp.Click("#consentement", chromedp.ByID),
		chromedp.Sleep(RenduWait), // a form sent back within two seconds is a robot's
		chromedp.Click(`button.principal`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-cycle", chromedp.ByID),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text("#titre-cycle", &cycle, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Vous êtes inscrit" || !strings.Contains(cycle, "Prendre en main sa tablette") {
		t.Errorf("confirmation page: %q / %q", heading, cycle)
	}
	CheckAccessible(t, ctx, "cycle confirmation page", true)
	CheckFitsNarrowScreen(t, ctx, f.URL+"/cycles/"+cycleID)
	mail, ok := f.mail.WaitFor(30*time.Second, SentTo("hortense.cycliste@example.org", "Inscription confirmée"))
	if !ok {
		t.Fatal("no confirmation e-mail")
	}
	for _, want := range []string{"4 séances", "Séance 1", "Séance 4", "/inscription/"} {
		if !strings.Contains(mail.HTML, want) {
			t.Errorf("e-mail without %q:\n%s", want, mail.HTML)
		}
	}
	rows, err := f.db.FindRecordsByFilter("inscriptions", "cycle = {:c}", "", 0, 0, map[string]any{"c": cycleID})
	if err != nil || len(rows) != 4 {
		t.Errorf("%d registrations for the cycle (%v), want one per session", len(rows), err)
	}
}
