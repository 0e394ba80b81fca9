package app

import (
	"context"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"

	"atelier/hooks/comptes"
	"atelier/hooks/e2e"
	"atelier/hooks/envois"
	"atelier/hooks/jobs"
	"atelier/hooks/model"
	"atelier/hooks/rapports"
	"atelier/hooks/testkit"
)

var (
	mailTitle = regexp.MustCompile(`(?is)<title>\s*([^<]*\S)\s*</title>`)
	mailLang  = regexp.MustCompile(`(?i)<html[^>]*\slang="fr"`)
	mailHrefs = regexp.MustCompile(`(?i)href="([^"]*)"`)
	mailURLs  = regexp.MustCompile(`(?i)https?://[^\s"<>)]*`)
)

// Every kind of e-mail Atelier sends goes through a real SMTP server; each
// message, as received, has a subject of at most 78 characters, an HTML
// part in French with a <title>, a plain-text part, and links that all
// start with the Application URL, even when a request said another Host.
func TestEveryEmailRendersEverywhere(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	catcher := realSMTP(t, app)
	base := envois.InstanceURL(app)
	handler := testkit.Handler(t, app)

	// A long workshop title, as some are: subjects shorten it.
	jobSet(t, app, jobRecord(t, app, "ateliers", testkit.AtelierA), map[string]any{"titre": "Atelier propre à Alpha : " +
		"découvrir les démarches administratives en ligne, pas à pas, avec son téléphone"})
	person := jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA)
	jobSet(t, app, person, map[string]any{"email": "camille.alpha@example.org"})
	waiter := jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA2)
	jobSet(t, app, waiter, map[string]any{"email": "attente@example.org"})
	inscription := jobRecord(t, app, "inscriptions", testkit.InscriptionA)
	seance := jobRecord(t, app, "seances", testkit.SeancePubliqueA)

	// Registration: confirmation, waiting list, promotion.
	envois.NotifyInscription(app, base, inscription, person)
	collection, err := app.FindCollectionByNameOrId("inscriptions")
	if err != nil {
		t.Fatal(err)
	}
	waiting := core.NewRecord(collection)
	waiting.Load(map[string]any{"seance": seance.Id, "beneficiaire": waiter.Id,
		"statut": model.StatutListeAttente, "rang_attente": 1, "source": "conseiller"})
	if err := app.Save(waiting); err != nil {
		t.Fatal(err)
	}
	envois.NotifyInscription(app, base, waiting, waiter)
	envois.NotifyPromotion(app, base, waiting)
	// Reminder, then the session moved and cancelled.
	if out, err := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, reminderTime(t, app)); err != nil || out.Emails == 0 {
		t.Fatalf("reminders: %+v, %v", out, err)
	}
	if _, err := envois.NotifySeanceChanged(app, base, seance); err != nil {
		t.Fatal(err)
	}
	if _, err := envois.NotifySeanceCancelled(app, seance); err != nil {
		t.Fatal(err)
	}
	// Staff: attendance nudge, monthly report, an account's rights.
	pastSeance(t, app, testkit.ConseillerA)
	if out, err := jobs.NudgeAttendance(context.Background(), app, morningInParis()); err != nil || out.Envoyes == 0 {
		t.Fatalf("nudge: %+v, %v", out, err)
	}
	if _, err := app.DB().NewQuery("DELETE FROM rapports").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().NewQuery("UPDATE structures SET created = {:d}").
		Bind(dbx.Params{"d": model.DBDate(testkit.Now().AddDate(0, 0, -70))}).Execute(); err != nil {
		t.Fatal(err)
	}
	if out, err := rapports.RunMonthlyReports(context.Background(), app, testkit.Now()); err != nil {
		t.Fatalf("reports: %+v, %v", out, err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/collections/utilisateurs/records", strings.NewReader(
		`{"email":"taupe@fixture.test","password":"un-mot-de-passe","passwordConfirm":"un-mot-de-passe",`+
			`"nom":"Taupe","prenom":"Agent","role":"conseiller","actif":true,"structures":["`+testkit.ID(testkit.StructureA)+`"]}`))
	req.Host = "evil.example"
	req.Header.Set("X-Forwarded-Host", "evil.example")
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", testkit.Token(t, testkit.Coordinateur))
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("create an account: %d %s", rec.Code, rec.Body.String())
	}
	// PocketBase's own e-mails to staff.
	comptes.SendPasswordReset(app, testkit.Email(testkit.ConseillerA))
	if err := mails.SendRecordAuthAlert(app, jobRecord(t, app, "utilisateurs", testkit.ConseillerA), "Firefox sur Linux"); err != nil {
		t.Fatal(err)
	}

	kinds := map[string]string{
		"confirmation":      "Inscription confirmée : Atelier propre à Alpha",
		"waiting list":      "Liste d'attente : Atelier propre à Alpha",
		"promotion":         "Une place s'est libérée : Atelier propre à Alpha",
		"reminder":          "Rappel : Atelier propre à Alpha",
		"change":            "Changement d'horaire ou de lieu : Atelier propre à Alpha",
		"cancellation":      "Atelier annulé : Atelier propre à Alpha",
		"attendance nudge":  "Émargement à remplir",
		"monthly report":    "Rapport",
		"account rights":    "Droits d'un compte de Médiathèque Alpha",
		"password reset":    "Nouveau mot de passe pour Atelier",
		"new sign-in alert": "Connexion à Atelier depuis un nouvel appareil",
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		missing := 0
		for _, subject := range kinds {
			if _, ok := findMail(catcher.Messages(), subject); !ok {
				missing++
			}
		}
		if missing == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	for kind, subject := range kinds {
		m, ok := findMail(catcher.Messages(), subject)
		if !ok {
			t.Errorf("%s: no e-mail whose subject starts with %q", kind, subject)
			continue
		}
		checkMail(t, kind, m)
	}
	for _, m := range catcher.Messages() {
		checkMail(t, m.Subject, m)
	}
}

// withLink are the kinds whose message leads somewhere: the person's own
// page, the staff's page, a new password.
var withLink = map[string]bool{"confirmation": true, "waiting list": true, "promotion": true, "reminder": true,
	"change": true, "attendance nudge": true, "monthly report": true, "account rights": true, "password reset": true}

func findMail(messages []e2e.Mail, subject string) (e2e.Mail, bool) {
	for _, m := range messages {
		if strings.HasPrefix(m.Subject, subject) {
			return m, true
		}
	}
	return e2e.Mail{}, false
}

func checkMail(t *testing.T, kind string, m e2e.Mail) {
	t.Helper()
	if n := utf8.RuneCountInString(m.Subject); n == 0 || n > envois.MaxObjet {
		t.Errorf("%s: subject of %d characters: %q", kind, n, m.Subject)
	}
	if title := mailTitle.FindStringSubmatch(m.HTML); title == nil {
		t.Errorf("%s: no <title> in the HTML part:\n%s", kind, m.HTML)
	}
	if !mailLang.MatchString(m.HTML) {
		t.Errorf("%s: no lang=\"fr\" in the HTML part:\n%s", kind, m.HTML)
	}
	if strings.TrimSpace(m.Text) == "" || strings.Contains(m.Text, "<p>") || strings.Contains(m.Text, "<html") {
		t.Errorf("%s: no plain-text part:\n%q", kind, m.Text)
	}
	links := mailURLs.FindAllString(m.Text, -1)
	for _, href := range mailHrefs.FindAllStringSubmatch(m.HTML, -1) {
		links = append(links, href[1])
	}
	if len(links) == 0 && withLink[kind] {
		t.Errorf("%s: no link", kind)
	}
	for _, l := range links {
		if !strings.HasPrefix(l, testkit.AppURL+"/") {
			t.Errorf("%s: link %q does not start with the Application URL", kind, l)
		}
	}
}
