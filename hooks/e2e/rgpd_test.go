package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Privacy pages in a browser without JavaScript, audited with axe-core and
// at 320 px: the public privacy page reached from a registration form, a
// beneficiary's rights (export, erasure with its confirmation) for the demo
// conseiller, and the audit log for the demo coordinateur.

const demoCoordinateur = "olivier.marchand@demo.atelier.test"

func auditPage(t *testing.T, ctx context.Context, base, step, path string) {
	t.Helper()
	CheckAccessible(t, ctx, step, true)
	CheckFitsNarrowScreen(t, ctx, base+path)
}

func TestPrivacyPageInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	session := demoPages(t, srv)
	var form string
	for _, p := range session {
		if strings.HasPrefix(p.path, "/ateliers/") {
			form = p.path
		}
	}
	var text, location string
	benefRun(t, ctx, "from the registration form",
		chromedp.Navigate(srv.URL+form),
		chromedp.WaitVisible("#consentement", chromedp.ByID),
		chromedp.Click(`//a[contains(., "En savoir plus")]`, chromedp.BySearch),
		chromedp.WaitVisible("#titre-droits", chromedp.ByID),
		chromedp.Location(&location),
		chromedp.Text("main", &text, chromedp.ByQuery),
	)
	if !strings.HasSuffix(location, "/confidentialite") {
		t.Errorf("the link led to %s", location)
	}
	for _, want := range []string{"Qui est responsable de vos données ?", "Combien de temps ?", "pendant 12 mois",
		"faire effacer", "www.cnil.fr/fr/plaintes", "Version 2026-11"} {
		if !strings.Contains(text, want) {
			t.Errorf("the privacy page misses %q", want)
		}
	}
	auditPage(t, ctx, srv.URL, "privacy page", "/confidentialite")
}

func TestRightsAndJournalInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	camille, err := f.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	person := f.save(t, "beneficiaires", map[string]any{"structure": camille.GetStringSlice("structures")[0], "prenom": "Navigatrice",
		"nom": "Droits-E2E", "telephone": "+33699000111", "email": "droits.e2e@example.org", "annee_naissance": 1948,
		"genre": "feminin", "notes": "Demande l'effacement"})
	profile := "/espace/beneficiaires/" + person

	ctx := NewBrowser(t)
	if err := SignIn(ctx, f.URL, demoConseiller, DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	var text string
	benefRun(t, ctx, "profile",
		chromedp.Navigate(f.URL+profile),
		chromedp.WaitVisible("#titre-droits-rgpd", chromedp.ByID),
		chromedp.Click(`//a[contains(., "Exporter ses données")]`, chromedp.BySearch),
		chromedp.WaitVisible("#titre-export-messages", chromedp.ByID),
		chromedp.Text("main", &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, "Droits-E2E") || !strings.Contains(text, "droits.e2e@example.org") {
		t.Errorf("export page:\n%s", text)
	}
	auditPage(t, ctx, f.URL, "export", profile+"/donnees")

	// Erasure: without the confirmation, a message next to the box.
	benefRun(t, ctx, "erasure without confirmation",
		chromedp.Navigate(f.URL+profile+"/effacer"),
		chromedp.WaitVisible("#titre-efface", chromedp.ByID),
	)
	auditPage(t, ctx, f.URL, "erasure page", profile+"/effacer")
	benefRun(t, ctx, "submit unconfirmed",
		chromedp.Navigate(f.URL+profile+"/effacer"),
		chromedp.WaitVisible("#titre-efface", chromedp.ByID),
		chromedp.Click(`button.danger`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreur-confirmation", chromedp.ByID),
	)
	CheckAccessible(t, ctx, "erasure refused", true)
	benefRun(t, ctx, "confirmed erasure",
		chromedp.Click(`label[for="confirmation-0"]`, chromedp.ByQuery),
		chromedp.Click(`button.danger`, chromedp.ByQuery),
		chromedp.WaitVisible(`//p[contains(@class, "flash") and contains(., "sont effacées")]`, chromedp.BySearch),
	)
	CheckAccessible(t, ctx, "after the erasure", true)
	record, err := f.db.FindRecordById("beneficiaires", person)
	if err != nil || !record.GetBool("anonymise") || record.GetString("nom") != "" || record.GetInt("annee_naissance") != 1948 {
		t.Fatalf("after the erasure: %v %v", record, err)
	}

	// The coordinateur sees it in the audit log.
	coord := NewBrowser(t)
	if err := SignIn(coord, f.URL, demoCoordinateur, DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(coord); err != nil {
		t.Fatal(err)
	}
	benefRun(t, coord, "journal",
		chromedp.Navigate(f.URL+"/espace"),
		chromedp.Click(`//nav//a[contains(., "Journal des accès")]`, chromedp.BySearch),
		chromedp.WaitVisible("#titre-journal", chromedp.ByID),
		chromedp.Navigate(f.URL+"/espace/journal?action=effacement"),
		chromedp.WaitVisible("#titre-journal", chromedp.ByID),
		chromedp.Text("main", &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, person) || !strings.Contains(text, "Effacement demandé par la personne") || strings.Contains(text, "Droits-E2E") {
		t.Errorf("journal:\n%s", text)
	}
	auditPage(t, coord, f.URL, "journal", "/espace/journal?action=effacement")
}
