package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
)

// The follow-up of a person in a real browser with scripts disabled: the
// profile shows the autonomy chart, its table, the referrals and the
// workshops to offer, passes both audits and fits 320 px; the conseiller
// answers « pas encore » on the profile, then « oui » on the next help's
// form, and both answers are recorded.
func TestSuiviInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	camille, err := f.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	structure := camille.GetStringSlice("structures")[0]
	lieu, err := f.db.FindFirstRecordByFilter("lieux", "structure = {:s}", dbx.Params{"s": structure})
	if err != nil {
		t.Fatal(err)
	}
	person := f.save(t, "beneficiaires", map[string]any{"structure": structure, "prenom": "Suivie", "nom": "Navigatrice-Suivi"})
	daysAgo := func(n int) time.Time {
		return time.Now().UTC().AddDate(0, 0, -n).Truncate(24 * time.Hour).Add(12 * time.Hour)
	}
	help := func(days int, theme, autonomie, redirection string) string {
		return f.save(t, "accompagnements", map[string]any{"conseiller": camille.Id, "structure": structure, "beneficiaire": person,
			"date": daysAgo(days), "duree_minutes": 30, "type_lieu": "lieu_activite", "thematiques": []string{theme},
			"autonomie": autonomie, "oriente": true, "structure_redirection": redirection})
	}
	first := help(30, "sante", "entierement_accompagne", "administration")
	second := help(8, "intelligence_artificielle", "partiellement_autonome", "aide_sociale")
	atelier := f.save(t, "ateliers", map[string]any{"titre": "Navigateur : l'IA au quotidien", "besoin": "connaitre",
		"thematiques": []string{"intelligence_artificielle"}, "resume": "Pour le suivi.", "niveau": "debutant",
		"duree_minutes": 90, "capacite_defaut": 8, "structure": structure, "actif": true})
	start := time.Now().UTC().AddDate(0, 0, 5).Truncate(time.Hour)
	f.save(t, "seances", map[string]any{"atelier": atelier, "structure": structure, "lieu": lieu.Id, "debut": start,
		"fin": start.Add(90 * time.Minute), "capacite": 8, "statut": "planifiee", "publique": true, "inscriptions_ouvertes": true})

	ctx := NewBrowser(t)
	if err := SignIn(ctx, f.URL, demoConseiller, DemoPassword); err != nil {
		t.Fatal(err)
	}
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	profile := f.URL + "/espace/beneficiaires/" + person
	var table, offers string
	err = chromedp.Run(ctx,
		chromedp.Navigate(profile),
		chromedp.WaitVisible(`svg[aria-labelledby="graphique-autonomie"]`, chromedp.ByQuery),
		chromedp.Text("#legende-autonomie", &table, chromedp.ByID),
		chromedp.Text(`section[aria-labelledby="titre-propositions"]`, &offers, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(offers, "Navigateur : l'IA au quotidien") || !strings.Contains(offers, "Inscrire") {
		t.Errorf("workshops to offer: %q", offers)
	}
	CheckAccessible(t, ctx, "follow-up on the profile", true)
	CheckEqualAccess(t, ctx, "follow-up on the profile")
	CheckFitsNarrowScreen(t, ctx, profile)

	// « Pas encore » on the profile.
	var flash string
	err = chromedp.Run(ctx,
		chromedp.Click(`label[for="orientation_`+first+`-2"]`, chromedp.ByQuery),
		chromedp.Click(`form[action$="/orientations/`+first+`"] button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if flash != "Réponse enregistrée : Pas encore." {
		t.Errorf("flash %q", flash)
	}
	latest := func(help string) (string, int) {
		records, err := f.db.FindRecordsByFilter("suivis_orientation", "accompagnement = {:a}", "-date", 0, 0, dbx.Params{"a": help})
		if err != nil {
			t.Fatal(err)
		}
		if len(records) == 0 {
			return "", 0
		}
		return records[0].GetString("reponse"), len(records)
	}
	if got, n := latest(first); got != "pas_encore" || n != 1 {
		t.Fatalf("after the profile: %q (%d answers)", got, n)
	}

	// « Oui » on the next help's form, saved with the help.
	form := f.URL + "/espace/accompagnements/nouveau?beneficiaire=" + person
	err = chromedp.Run(ctx,
		chromedp.Navigate(form),
		chromedp.WaitVisible("#titre-orientations-suivi", chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "help form with the referrals' questions", true)
	CheckFitsNarrowScreen(t, ctx, form)
	err = chromedp.Run(ctx,
		chromedp.Click(`label[for="orientation_`+first+`-0"]`, chromedp.ByQuery),
		chromedp.Click(`label[for="duree-1"]`, chromedp.ByQuery),
		chromedp.Click(`input[name="thematiques"][value="sante"] + label`, chromedp.ByQuery),
		chromedp.Click(`button[name="suite"][value="liste"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text(".flash", &flash, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(flash, "Accompagnement enregistré") {
		t.Errorf("flash %q", flash)
	}
	if got, n := latest(first); got != "oui" || n != 2 {
		t.Errorf("after the help: %q (%d answers)", got, n)
	}
	if _, n := latest(second); n != 0 {
		t.Errorf("a question left blank recorded %d answers", n)
	}
}
