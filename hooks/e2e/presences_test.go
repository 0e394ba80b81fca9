package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/model"
)

// The demo conseiller takes attendance on a tablet-sized screen with
// scripts disabled: the session's page and its attendance sheet pass the
// accessibility audit and fit a 320 px screen.

const demoConseiller = "camille.moreau@demo.atelier.test"

// startedSession plans, in the demo conseiller's structure, a private
// session that started an hour ago, with two registered people. It returns
// the session's id and the two registrations' ids.
func (f *flowServer) startedSession(t *testing.T) (string, [2]string) {
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
	start := time.Now().Add(-time.Hour).Truncate(time.Minute)
	debut, _ := types.ParseDateTime(start)
	fin, _ := types.ParseDateTime(start.Add(2 * time.Hour))
	seance := f.save(t, "seances", map[string]any{
		"atelier": atelier.Id, "structure": structure, "lieu": lieu.Id, "debut": debut, "fin": fin, "capacite": 6,
		"statut": "planifiee", "publique": false, "animateurs": []string{camille.Id},
	})
	var inscriptions [2]string
	for i, nom := range []string{"Presence-Un", "Presence-Deux"} {
		person := f.save(t, "beneficiaires", map[string]any{"structure": structure, "prenom": "Navigatrice", "nom": nom})
		inscriptions[i] = f.save(t, "inscriptions", map[string]any{"seance": seance, "beneficiaire": person,
			"statut": "inscrit", "source": "conseiller", "jeton": strings.Repeat("J", 20) + person})
	}
	return seance, inscriptions
}

// save creates a record in the server's database and returns its id.
func (f *flowServer) save(t *testing.T, collection string, fields map[string]any) string {
	t.Helper()
	c, err := f.db.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(fields)
	if collection == "beneficiaires" {
		model.SetRecherche(r) // this connection runs without the server's hooks
	}
	if err := f.db.Save(r); err != nil {
		t.Fatalf("save %s: %v", collection, err)
	}
	return r.Id
}

func TestAttendanceInTheBrowserWithoutJavaScript(t *testing.T) {
	f := startFlowServer(t)
	seanceID, inscriptions := f.startedSession(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, f.URL, demoConseiller, DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	page := f.URL + "/espace/seances/" + seanceID
	var heading string
	err := chromedp.Run(ctx,
		chromedp.Navigate(page+"?q=Presence"),
		chromedp.WaitVisible("#titre-inscrits", chromedp.ByID),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading == "" {
		t.Error("session page without a heading")
	}
	CheckAccessible(t, ctx, "session page", true)

	var flash string
	err = chromedp.Run(ctx,
		chromedp.Navigate(page+"/presences"),
		chromedp.WaitVisible("ul.presences", chromedp.ByQuery),
		chromedp.Click(`label[for="presence_`+inscriptions[0]+`-0"]`, chromedp.ByQuery),
		chromedp.Click(`label[for="presence_`+inscriptions[1]+`-1"]`, chromedp.ByQuery),
		chromedp.SetValue("#participants_anonymes", "2", chromedp.ByID),
		chromedp.Click(`form[action$="/presences"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if flash != "Présences enregistrées." {
		t.Errorf("after saving: %q", flash)
	}
	for i, want := range []string{"present", "absent"} {
		r, err := f.db.FindRecordById("inscriptions", inscriptions[i])
		if err != nil || r.GetString("statut") != want {
			t.Errorf("registration %d: %v, want %s (%v)", i, r.GetString("statut"), want, err)
		}
	}
	if s, err := f.db.FindRecordById("seances", seanceID); err != nil || s.GetInt("participants_anonymes") != 2 {
		t.Errorf("anonymous walk-ins not saved (%v)", err)
	}
	CheckAccessible(t, ctx, "attendance sheet", true)

	// the walk-in search and the new-person form, opened
	err = chromedp.Run(ctx,
		chromedp.Navigate(page+"/presences?q=personne-introuvable"),
		chromedp.WaitVisible("details.bloc[open] #prenom", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "walk-in form", true)

	for _, path := range []string{"", "/presences", "/presences?q=Presence"} {
		CheckFitsNarrowScreen(t, ctx, page+path)
	}
}
