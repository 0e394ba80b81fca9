package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Every workspace page, for every role, passes both accessibility audits
// (axe-core and IBM's Equal Access) and
// fits a 320 px screen: the page-by-role table keeps any page from
// escaping the audit (a page a role may not open shows the French refusal,
// which is audited too).
func TestEveryPageByRoleInTheBrowser(t *testing.T) {
	srv := demoServer(t)
	db := openDB(t, demoDir)
	defer db.ResetBootstrapState()
	conseiller, err := db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	structure := conseiller.GetStringSlice("structures")[0]
	seance, err := db.FindFirstRecordByFilter("seances", "structure = {:s} && statut = 'planifiee'", dbx.Params{"s": structure})
	if err != nil {
		t.Fatal(err)
	}
	person, err := db.FindFirstRecordByFilter("beneficiaires", "structure = {:s} && anonymise = false", dbx.Params{"s": structure})
	if err != nil {
		t.Fatal(err)
	}
	// The short code's form and the personal page showing the code are
	// public, audited here with the rest.
	inscription, err := db.FindFirstRecordByFilter("inscriptions", "jeton != '' && code != '' && statut = 'inscrit'")
	if err != nil {
		t.Fatal(err)
	}
	cycleID := makeCycle(t, db, "Cycle audité", 8, 2)
	pages := []string{"/i", "/inscription/" + inscription.GetString("jeton"), "/espace", "/espace/seances", "/espace/seances/nouvelle", "/espace/seances/" + seance.Id,
		"/espace/seances/" + seance.Id + "/presences", "/espace/beneficiaires", "/espace/beneficiaires/nouveau",
		"/espace/beneficiaires/" + person.Id, "/espace/accompagnements", "/espace/accompagnements/nouveau",
		"/espace/catalogue", "/espace/lieux", "/espace/statistiques", "/espace/rapports", "/espace/journal", "/espace/comptes", "/espace/sms",
		"/espace/a-appeler", "/espace/structures/" + structure + "/rappel", "/espace/compte",
		"/espace/structures/" + structure + "/widget",
		"/espace/comptes/" + conseiller.Id, "/espace/comptes/" + conseiller.Id + "/desactiver",
		"/espace/statistiques/partages", sharedFigures(t, db, structure),
		"/espace/structures", "/espace/structures/" + structure,
		"/espace/statistiques/structures", "/espace/beneficiaires/import", "/espace/etiquettes",
		"/installation?jeton=installee", // an installed instance: the French 404 for everyone
		"/espace/cycles", "/espace/cycles/" + cycleID, "/cycles/" + cycleID}
	// IBM's engine is the slower of the two audits: it audits each page once,
	// for the first role that opens it (and the refusal and « introuvable »
	// pages once each); axe-core audits every page for every role.
	equalAccessDone := map[string]bool{}
	pages = append(pages, questionsPages(t, db, structure)...)
	for _, role := range []string{"conseiller", "referent", "coordinateur"} {
		account, err := db.FindFirstRecordByFilter("utilisateurs", "role = {:r} && actif = true", dbx.Params{"r": role})
		if err != nil {
			t.Fatalf("%s: %v", role, err)
		}
		if role == "conseiller" {
			account = conseiller
		}
		t.Run(role, func(t *testing.T) {
			ctx := NewBrowser(t)
			if err := SignIn(ctx, srv.URL, account.GetString("email"), DemoPassword); err != nil {
				t.Fatal(err)
			}
			for _, path := range pages {
				if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+path), chromedp.WaitVisible("main", chromedp.ByQuery)); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				CheckAccessible(t, ctx, fmt.Sprintf("%s %s", role, path), false)
				if key := equalAccessKey(t, ctx, path); !equalAccessDone[key] {
					equalAccessDone[key] = true
					CheckEqualAccess(t, ctx, fmt.Sprintf("%s %s", role, path))
				}
				CheckFitsNarrowScreen(t, ctx, srv.URL+path)
			}
		})
	}
}

// sharedFigures makes a link to the structure's figures (as a référent
// does on /espace/statistiques/partages) and returns its public page.
func sharedFigures(t *testing.T, db core.App, structure string) string {
	t.Helper()
	jeton := "PartageE2e" + strings.Repeat("x", 33)
	if r, err := db.FindFirstRecordByData("partages_statistiques", "jeton", jeton); err == nil {
		return "/chiffres/" + r.GetString("jeton")
	}
	c, err := db.FindCollectionByNameOrId("partages_statistiques")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("structure", structure)
	r.Set("libelle", "Conseil municipal")
	r.Set("du", "2025-01-01")
	r.Set("au", "2027-12-31")
	r.Set("jeton", jeton)
	if err := db.Save(r); err != nil {
		t.Fatal(err)
	}
	return "/chiffres/" + jeton
}

// equalAccessKey names what a page shows for IBM's audit: the path, or the
// error page that a role got instead.
func equalAccessKey(t *testing.T, ctx context.Context, path string) string {
	t.Helper()
	var title string
	if err := chromedp.Run(ctx, chromedp.Title(&title)); err != nil {
		t.Fatalf("%s: title: %v", path, err)
	}
	for _, erreur := range []string{"Action refusée", "Page introuvable"} {
		if strings.HasPrefix(title, erreur) {
			return erreur
		}
	}
	return path
}

// questionsPages gives a planned session of the structure optional
// registration questions and a person's answers, and returns its edit
// form, its page and the person's answers page.
func questionsPages(t *testing.T, db core.App, structure string) []string {
	t.Helper()
	inscription, err := db.FindFirstRecordByFilter("inscriptions",
		"seance.structure = {:s} && seance.statut = 'planifiee' && statut = 'inscrit'", dbx.Params{"s": structure})
	if err != nil {
		t.Fatal(err)
	}
	seance, err := db.FindRecordById("seances", inscription.GetString("seance"))
	if err != nil {
		t.Fatal(err)
	}
	seance.Set("questions", []map[string]any{
		{"libelle": "Avez-vous un smartphone ?", "type": "choix", "choix": []string{"Android", "iPhone", "Je ne sais pas"}},
		{"libelle": "Que voulez-vous apprendre ?", "type": "texte"},
	})
	if err := db.Save(seance); err != nil {
		t.Fatal(err)
	}
	inscription.Set("reponses", []map[string]string{{"question": "Avez-vous un smartphone ?", "reponse": "Android"}})
	if err := db.Save(inscription); err != nil {
		t.Fatal(err)
	}
	return []string{"/espace/seances/" + seance.Id + "/modifier", "/espace/seances/" + seance.Id,
		"/espace/seances/" + seance.Id + "/inscriptions/" + inscription.Id + "/reponses"}
}
