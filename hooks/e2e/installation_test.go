package e2e

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/pocketbase/pocketbase/core"
)

var installationLink = regexp.MustCompile(`https?://\S+/installation\?jeton=[A-Z0-9]+`)

// A fresh instance, set up in the browser without /_/ and without
// JavaScript: `atelier serve` on an empty data directory prints the
// installation link (and `atelier installation lien` a new one while it
// runs); the page passes both audits at 320 px, refuses a SIRET with a
// wrong key next to the field, sends the test e-mail to a real SMTP
// server, signs the first coordinateur in; they add a place and publish a
// first session from the workspace; the instance is then staffed and
// running (staffFreshInstance: invitations, the first référent, the
// import, the widget, the accessibility statement). Then the link is gone
// for good and the request log never held the token.
func TestInstallationOfAFreshInstanceInTheBrowser(t *testing.T) {
	catcher, err := StartMailCatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })
	dir := t.TempDir()
	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Stop() })
	printed := installationLink.FindString(srv.Logs())
	if !strings.HasPrefix(printed, srv.URL+"/installation?jeton=") {
		t.Fatalf("serve printed no installation link at %s:\n%s", srv.URL, srv.Logs())
	}
	if strings.Contains(srv.Logs(), "/_/#/pbinstall/") {
		t.Error("PocketBase's own installer link is printed too")
	}
	// An operator who lost it asks for another one while the server runs.
	out, err := Run(dir, "installation", "lien")
	if err != nil {
		t.Fatal(err)
	}
	fresh := installationLink.FindString(out)
	token := fresh[strings.Index(fresh, "jeton=")+len("jeton="):]
	link := srv.URL + "/installation?jeton=" + token
	get(t, printed, http.StatusNotFound)
	get(t, srv.URL+"/installation?jeton=PASLEBON", http.StatusNotFound)
	get(t, link, http.StatusOK)

	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	var machine time.Duration // the browser's steps, audits left out
	step := func(name string, actions ...chromedp.Action) {
		t.Helper()
		begin := time.Now()
		stepCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Run(stepCtx, actions...); err != nil {
			var page string
			_ = chromedp.Run(ctx, chromedp.OuterHTML("main", &page, chromedp.ByQuery))
			t.Fatalf("%s: %v\n%s", name, err, page)
		}
		machine += time.Since(begin)
	}
	audit := func(name, pageURL string) {
		t.Helper()
		CheckAccessible(t, ctx, name, true)
		checkEqualAccessWithoutJavaScript(t, ctx, name)
		if pageURL != "" {
			CheckFitsNarrowScreen(t, ctx, pageURL)
		}
	}
	email := "camille.durand@poitiers.example"
	type field struct{ id, value string }
	fill := func(fields ...field) chromedp.Action {
		var actions chromedp.Tasks
		for _, f := range fields {
			// without JavaScript, a field is emptied by the keyboard, as a person does
			actions = append(actions, chromedp.SendKeys("#"+f.id, kb.End+strings.Repeat(kb.Backspace, 40)+f.value, chromedp.ByID))
		}
		return actions
	}
	passwords := fill(field{"nouveau_mot_de_passe", "une phrase à retenir"}, field{"confirmation", "une phrase à retenir"})

	step("open the link", chromedp.Navigate(link), chromedp.WaitVisible("#instance_nom", chromedp.ByID))
	audit("installation page", link)
	step("open the link again", chromedp.Navigate(link), chromedp.WaitVisible("#instance_nom", chromedp.ByID))
	step("fill the page with a wrong SIRET",
		fill(field{"instance_nom", "Ateliers numériques de Poitiers"}, field{"instance_url", srv.URL},
			field{"structure_nom", "Médiathèque François-Mitterrand"}, field{"structure_adresse", "4 rue de l'Université"},
			field{"structure_code_postal", "86000"}, field{"structure_commune", "Poitiers"}, field{"siret", "21860194200019"},
			field{"prenom", "Camille"}, field{"nom", "Durand"}, field{"email", email},
			field{"smtp_hote", "127.0.0.1"}, field{"smtp_port", strconv.Itoa(catcher.Port)},
			field{"smtp_expediteur", "ne-pas-repondre@poitiers.example"}),
		passwords,
		chromedp.Click(`button[value="installer"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreur-siret", chromedp.ByID))
	var siretError, kept string
	step("read the refusal", chromedp.Text("#erreur-siret", &siretError, chromedp.ByID),
		chromedp.Value("#structure_nom", &kept, chromedp.ByID))
	if !strings.Contains(siretError, "Ce SIRET n'existe pas") || kept != "Médiathèque François-Mitterrand" {
		t.Errorf("refusal %q, kept %q", siretError, kept)
	}
	audit("installation page refused", "")

	step("send the test e-mail", fill(field{"siret", "21860194200012"}),
		chromedp.Click(`button[value="essai"]`, chromedp.ByQuery), chromedp.WaitVisible("#essai .succes", chromedp.ByQuery))
	if _, ok := catcher.WaitFor(10*time.Second, SentTo(email, "E-mail d'essai")); !ok {
		t.Fatalf("the test e-mail did not reach the SMTP server: %+v", catcher.Messages())
	}
	audit("installation page after the test e-mail", "")

	step("finish", passwords, chromedp.Click(`button[value="installer"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-compteurs", chromedp.ByID))
	var flash, title string
	step("read the workspace", chromedp.Text(".flash", &flash, chromedp.ByQuery), chromedp.Title(&title))
	if !strings.Contains(flash, "Atelier est installé") || !strings.Contains(title, "Ateliers numériques de Poitiers") {
		t.Errorf("workspace: flash %q, title %q", flash, title)
	}

	// The workspace's own forms are audited and driven elsewhere: scripts
	// back on to choose in their lists.
	step("scripts on", emulation.SetScriptExecutionDisabled(false))
	step("add a place", chromedp.Navigate(srv.URL+"/espace/lieux/nouveau"), chromedp.WaitVisible("#nom", chromedp.ByID),
		fill(field{"nom", "Médiathèque, salle du 1er étage"}, field{"adresse", "4 rue de l'Université"},
			field{"code_postal", "86000"}, field{"commune", "Poitiers"}),
		chromedp.Click(`#formulaire-lieu button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible(".flash", chromedp.ByQuery))
	var atelier, titre string
	step("open the planning", chromedp.Navigate(srv.URL+"/espace/seances/nouvelle"),
		chromedp.WaitVisible("#atelier", chromedp.ByID))
	step("read the catalogue",
		chromedp.Evaluate(`document.querySelector("#atelier option:nth-child(2)").value`, &atelier),
		chromedp.Evaluate(`document.querySelector("#atelier option:nth-child(2)").textContent`, &titre),
	)
	step("choose a workshop of the catalogue", chromedp.SetValue("#atelier", atelier, chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible("#lieu", chromedp.ByID))
	var lieu string
	step("read the places", chromedp.Evaluate(`document.querySelector("#lieu option:not([value=''])").value`, &lieu))
	step("publish the session", chromedp.SetValue("#lieu", lieu, chromedp.ByID),
		chromedp.SetValue("#date", time.Now().AddDate(0, 0, 10).Format("2006-01-02"), chromedp.ByID),
		chromedp.SetValue("#heure", "14:00", chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery), chromedp.WaitVisible(".flash", chromedp.ByQuery))
	t.Logf("installation to first published session: %s of browser steps (%s with the audits)", machine.Round(time.Millisecond), time.Since(begin).Round(time.Millisecond))

	db := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := db.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer db.ResetBootstrapState()
	seances, err := db.FindAllRecords("seances")
	if err != nil || len(seances) != 1 || !seances[0].GetBool("publique") || seances[0].GetString("statut") != "planifiee" {
		t.Fatalf("sessions: %v %v", seances, err)
	}
	home := get(t, srv.URL+"/", http.StatusOK)
	if !strings.Contains(home, "/ateliers/"+seances[0].Id) {
		t.Errorf("the session is not on the public page (%s)", titre)
	}
	staffFreshInstance(t, ctx, srv, dir, catcher, db, strings.TrimSpace(titre))
	t.Logf("installation to a staffed instance with its people imported: %s", time.Since(begin).Round(time.Millisecond))

	// Closed for good.
	get(t, link, http.StatusNotFound)
	if out, err := Run(dir, "installation", "lien"); err == nil || !strings.Contains(out, "l'installation est terminée") {
		t.Errorf("a link after the installation: %v\n%s", err, out)
	}

	// The request log (written every few seconds) never holds the token:
	// the page's answers, 404 included, are not logged, a failure would be
	// masked.
	var rows []string
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(250 * time.Millisecond) {
		rows = nil
		if err := db.AuxDB().NewQuery("SELECT data FROM _logs").Column(&rows); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.Join(rows, "\n"), `"url":"/espace/seances/nouvelle`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the workspace requests never reached the request log:\n%s", strings.Join(rows, "\n"))
		}
	}
	for _, r := range rows {
		if strings.Contains(r, token) || strings.Contains(r, printed[strings.Index(printed, "jeton=")+6:]) {
			t.Errorf("the request log keeps the token: %s", r)
		}
	}
}
