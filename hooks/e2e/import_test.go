package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Importing people in a browser without JavaScript, on a 320 px screen:
// the demo conseiller uploads a CSV file, keeps the guessed columns, reads
// the dry run and imports. Every step is audited (axe-core, Equal Access)
// and must fit the screen.
func TestImportInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, srv.URL, "camille.moreau@demo.atelier.test", DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "liste.csv")
	if err := os.WriteFile(file, []byte("Prénom;Nom de famille;Tél.;Ville\nOdile;Import-Navigateur;06 98 76 54 32;Niort\n"+
		"Marcel;Import-Navigateur;;Niort\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, emulation.SetDeviceMetricsOverride(320, 640, 1, false)); err != nil {
		t.Fatal(err)
	}
	check := func(step string) {
		t.Helper()
		CheckAccessible(t, ctx, step, true)
		CheckEqualAccess(t, ctx, step)
		var overflow int64
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.documentElement.scrollWidth - window.innerWidth`, &overflow)); err != nil || overflow > 0 {
			t.Errorf("%s overflows a 320 px screen by %d px (%v)", step, overflow, err)
		}
	}

	benefRun(t, ctx, "upload form",
		chromedp.Navigate(srv.URL+"/espace/beneficiaires/import"),
		chromedp.WaitVisible("#fichier", chromedp.ByID),
	)
	check("upload form")
	var structures int
	if err := chromedp.Run(ctx, chromedp.Evaluate(`document.querySelectorAll("select#structure option[value]:not([value=''])").length`, &structures)); err != nil {
		t.Fatal(err)
	}
	if structures > 0 {
		var first string
		benefRun(t, ctx, "structure",
			chromedp.AttributeValue(`select#structure option:nth-child(2)`, "value", &first, nil, chromedp.ByQuery),
		)
		benefRun(t, ctx, "choose structure", chromedp.SetValue("#structure", first, chromedp.ByID))
	}
	benefRun(t, ctx, "upload",
		chromedp.SetUploadFiles("#fichier", []string{file}, chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[contains(., "Choisir les colonnes")]`, chromedp.BySearch),
	)
	check("columns")
	var summary, preview string
	benefRun(t, ctx, "dry run",
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-apercu", chromedp.ByID),
		chromedp.Text("main", &preview, chromedp.ByQuery),
	)
	check("dry run")
	if !strings.Contains(preview, "2 personnes seront créées") || !strings.Contains(preview, "Odile Import-Navigateur") {
		t.Errorf("dry run:\n%s", preview)
	}
	benefRun(t, ctx, "import",
		chromedp.Click(`//main//button[normalize-space(.)="Importer"]`, chromedp.BySearch),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &summary, chromedp.ByQuery),
	)
	if !strings.Contains(summary, "2 personnes importées") {
		t.Errorf("after the import: %q", summary)
	}
	check("list after the import")
}
