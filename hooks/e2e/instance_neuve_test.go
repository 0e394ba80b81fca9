package e2e

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"
)

var invitationLink = regexp.MustCompile(`href="[^"]*(/connexion/invitation/[^"]+)"`)

// staffFreshInstance goes on where the installation ended (the first
// coordinateur signed in on coord, a session published), still without
// /_/: the coordinateur invites the structure's référent and a conseiller
// (French e-mails through the real SMTP server set at installation), they
// choose their passwords; the operator confirms the first référent on the
// command line, who confirms the conseiller from « Comptes »; the
// conseiller imports the people the structure already follows; the agenda
// widget shows the session and the accessibility statement is published.
func staffFreshInstance(t *testing.T, coord context.Context, srv *Server, dir string, catcher *MailCatcher, db core.App, titre string) {
	t.Helper()
	run := func(ctx context.Context, name string, actions ...chromedp.Action) {
		t.Helper()
		stepCtx, cancel := context.WithTimeout(ctx, 45*time.Second)
		defer cancel()
		if err := chromedp.Run(stepCtx, actions...); err != nil {
			var page string
			_ = chromedp.Run(ctx, chromedp.OuterHTML("main", &page, chromedp.ByQuery))
			t.Fatalf("%s: %v\n%s", name, err, page)
		}
	}
	const password = "une autre phrase à retenir"
	invite := func(email, prenom, role string) context.Context {
		t.Helper()
		var flash string
		run(coord, "invite "+email, chromedp.Navigate(srv.URL+"/espace/comptes"), chromedp.WaitVisible("#email", chromedp.ByID),
			chromedp.SendKeys("#email", email, chromedp.ByID), chromedp.SendKeys("#prenom", prenom, chromedp.ByID),
			chromedp.SendKeys("#nom", "Nouvelle", chromedp.ByID),
			// a person clicks the option's label
			chromedp.Click(`//input[@name="role"][@value="`+role+`"]/following-sibling::label[1]`, chromedp.BySearch),
			chromedp.Click("#structures-0", chromedp.ByID),
			chromedp.Submit("#email", chromedp.ByID), chromedp.WaitVisible(".flash", chromedp.ByQuery),
			chromedp.Text(".flash", &flash, chromedp.ByQuery))
		if !strings.Contains(flash, "Invitation envoyée à "+email) {
			t.Fatalf("invite %s: %q", email, flash)
		}
		mail, ok := catcher.WaitFor(20*time.Second, SentTo(email, "Invitation à Atelier"))
		m := invitationLink.FindStringSubmatch(mail.HTML)
		if !ok || m == nil || !strings.Contains(mail.HTML, srv.URL+m[1]) {
			t.Fatalf("no invitation e-mail for %s with a link from the Application URL: %+v", email, mail)
		}
		person := NewBrowser(t)
		run(person, "accept "+email, chromedp.Navigate(srv.URL+m[1]), chromedp.WaitVisible("#nouveau_mot_de_passe", chromedp.ByID),
			chromedp.SendKeys("#nouveau_mot_de_passe", password, chromedp.ByID), chromedp.SendKeys("#confirmation", password, chromedp.ByID),
			chromedp.Submit("#nouveau_mot_de_passe", chromedp.ByID), chromedp.WaitVisible(".succes", chromedp.ByQuery))
		if err := SignIn(person, srv.URL, email, password); err != nil {
			t.Fatalf("sign in as %s: %v", email, err)
		}
		return person
	}
	referentEmail, conseillerEmail := "rose.referente@poitiers.example", "jules.conseiller@poitiers.example"
	referent := invite(referentEmail, "Rose", "referent")
	conseiller := invite(conseillerEmail, "Jules", "conseiller")

	structure, err := db.FindFirstRecordByFilter("structures", "id != ''")
	if err != nil {
		t.Fatal(err)
	}
	slug := structure.GetString("slug")
	out, err := Run(dir, "comptes", "confirmer", "--structure", slug, referentEmail)
	if err != nil || !strings.Contains(out, "Compte confirmé : Rose Nouvelle") {
		account, _ := db.FindAuthRecordByEmail("utilisateurs", referentEmail)
		var fields any
		if account != nil {
			fields = account.FieldsData()
		}
		t.Fatalf("the operator's confirmation of the first référent: %v\n%s\naccount: %v", err, out, fields)
	}
	var flash string
	run(referent, "the référent confirms the conseiller", chromedp.Navigate(srv.URL+"/espace/comptes"),
		chromedp.Click(`button[aria-label^="Confirmer le compte de Jules Nouvelle"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery), chromedp.Text(".flash", &flash, chromedp.ByQuery))
	if !strings.Contains(flash, "Compte confirmé : Jules Nouvelle") {
		t.Fatalf("confirmation: %q", flash)
	}

	file := filepath.Join(t.TempDir(), "personnes.csv")
	if err := os.WriteFile(file, []byte("Prénom;Nom;Téléphone;Commune\nOdile;Déjà-Suivie;06 98 76 54 32;Poitiers\n"+
		"Marcel;Déjà-Suivi;;Poitiers\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var preview, summary string
	run(conseiller, "upload", chromedp.Navigate(srv.URL+"/espace/beneficiaires/import"), chromedp.WaitVisible("#fichier", chromedp.ByID),
		chromedp.SetUploadFiles("#fichier", []string{file}, chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[contains(., "Choisir les colonnes")]`, chromedp.BySearch))
	run(conseiller, "dry run", chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-apercu", chromedp.ByID), chromedp.Text("main", &preview, chromedp.ByQuery))
	if !strings.Contains(preview, "2 personnes seront créées") {
		t.Fatalf("dry run:\n%s", preview)
	}
	run(conseiller, "import", chromedp.Click(`//main//button[normalize-space(.)="Importer"]`, chromedp.BySearch),
		chromedp.WaitVisible(".flash", chromedp.ByQuery), chromedp.Text(".flash", &summary, chromedp.ByQuery))
	if !strings.Contains(summary, "2 personnes importées") {
		t.Fatalf("import: %q", summary)
	}

	// the catalogue's option reads « Title (2 h) »
	if i := strings.LastIndex(titre, " ("); i > 0 {
		titre = titre[:i]
	}
	if widget := get(t, srv.URL+"/s/"+slug+"/widget", http.StatusOK); titre == "" || !strings.Contains(widget, titre) {
		t.Errorf("the agenda widget does not show the session %q", titre)
	}
	if statement := get(t, srv.URL+"/accessibilite", http.StatusOK); !strings.Contains(statement, "Déclaration d") ||
		!strings.Contains(statement, "partiellement conforme") {
		t.Error("the accessibility statement is not published")
	}
}
