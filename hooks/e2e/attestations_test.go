package e2e

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Attestations in the browser, scripts disabled: the session's documents,
// the profile's « Attestations » section, an attestation issued from it,
// and the public verification page (valid, unknown and mistyped codes).
// Every page passes axe-core and fits a 320 px screen.

var attestationCode = regexp.MustCompile(`ATL-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}`)

// attendedSession saves, in the demo conseiller's structure, a session of
// last week (closed) with one present person; it returns both ids.
func (f *flowServer) attendedSession(t *testing.T) (seance, person string) {
	t.Helper()
	camille, err := f.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	structure := camille.GetStringSlice("structures")[0]
	lieu, err := f.db.FindFirstRecordByFilter("lieux", "structure = {:s}", dbx.Params{"s": structure})
	if err != nil {
		t.Fatal(err)
	}
	atelier, err := f.db.FindFirstRecordByFilter("ateliers", "actif = true && structure = ''")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().AddDate(0, 0, -7).Truncate(time.Hour)
	debut, _ := types.ParseDateTime(start)
	fin, _ := types.ParseDateTime(start.Add(2 * time.Hour))
	seance = f.save(t, "seances", map[string]any{
		"atelier": atelier.Id, "structure": structure, "lieu": lieu.Id, "debut": debut, "fin": fin, "capacite": 6,
		"statut": "realisee", "publique": false, "animateurs": []string{camille.Id},
	})
	person = f.save(t, "beneficiaires", map[string]any{"structure": structure, "prenom": "Hélène", "nom": "Attestée-D’Aubigné"})
	f.save(t, "inscriptions", map[string]any{"seance": seance, "beneficiaire": person, "statut": "present", "source": "conseiller",
		"jeton": strings.Repeat("A", 20) + person})
	return seance, person
}

func TestAttestationsInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	seance, person := f.attendedSession(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, f.URL, demoConseiller, DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	audit := func(step, path string) {
		t.Helper()
		CheckAccessible(t, ctx, step, true)
		CheckFitsNarrowScreen(t, ctx, f.URL+path)
	}
	run := func(step string, actions ...chromedp.Action) {
		t.Helper()
		if err := chromedp.Run(ctx, actions...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	run("session page", chromedp.Navigate(f.URL+"/espace/seances/"+seance), chromedp.WaitVisible("#titre-documents", chromedp.ByID))
	audit("session page with its documents", "/espace/seances/"+seance)

	profile := "/espace/beneficiaires/" + person
	run("profile", chromedp.Navigate(f.URL+profile), chromedp.WaitVisible("#titre-attestations", chromedp.ByID))
	audit("profile before any attestation", profile)

	var flash string
	run("issue",
		chromedp.SetValue("#seance", seance, chromedp.ByID),
		chromedp.Click(`form:has(input[value="seance"]) button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
	)
	code := attestationCode.FindString(flash)
	if code == "" {
		t.Fatalf("no code after issuing: %q", flash)
	}
	audit("profile with an attestation", profile)

	var verdict string
	run("verification", chromedp.Navigate(f.URL+"/verifier/"+code), chromedp.WaitVisible("main", chromedp.ByQuery),
		chromedp.Text("main", &verdict, chromedp.ByQuery))
	for _, want := range []string{"Cette attestation est authentique", "H. A. (initiales)"} {
		if !strings.Contains(verdict, want) {
			t.Errorf("verification page lacks %q:\n%s", want, verdict)
		}
	}
	if strings.Contains(verdict, "Attestée") {
		t.Error("the verification page shows the name")
	}
	audit("verification of a valid code", "/verifier/"+code)

	run("form", chromedp.Navigate(f.URL+"/verifier"), chromedp.WaitVisible("#code", chromedp.ByID))
	audit("verification form", "/verifier")
	run("mistyped code",
		chromedp.SendKeys("#code", "pas un code !", chromedp.ByID),
		chromedp.Click(`form[action="/verifier"] button`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreur-code", chromedp.ByID),
	)
	audit("verification form with an error", "/verifier?code=pas+un+code")
	run("unknown code", chromedp.Navigate(f.URL+"/verifier/ATL-2222-3333-4444"), chromedp.WaitVisible(".alerte", chromedp.ByQuery))
	audit("verification of an unknown code", "/verifier/ATL-2222-3333-4444")
}
