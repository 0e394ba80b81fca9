package app

import (
	"context"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/hooks/jobs"

	"atelier/hooks/envois"

	"atelier/hooks/e2e"
	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/mailer"
)

// The scheduled jobs are called directly with the date they run at: the
// scheduler only decides when (scheduler_internal_test.go).

func jobApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testkit.NewApp(t)
	Register(app, os.DirFS("../../pb_public")) // a comparable FS: its parsed pages are shared
	return app
}

func jobRecord(t testing.TB, app core.App, collection, name string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, testkit.ID(name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func jobSet(t testing.TB, app core.App, r *core.Record, fields map[string]any) {
	t.Helper()
	r.Load(fields)
	if err := app.Save(r); err != nil {
		t.Fatalf("update %s %s: %v", r.Collection().Name, r.Id, err)
	}
}

func envoisOf(t testing.TB, app core.App, evenement string) []*core.Record {
	t.Helper()
	records, err := app.FindAllRecords("envois", dbx.HashExp{"evenement": evenement})
	if err != nil {
		t.Fatal(err)
	}
	return records
}

// realSMTP makes the test app send through a real SMTP server on
// loopback instead of the test mailer.
func realSMTP(t testing.TB, app *tests.TestApp) *e2e.MailCatcher {
	t.Helper()
	catcher, err := e2e.StartMailCatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		e.Mailer = &mailer.SMTPClient{Host: catcher.Host, Port: catcher.Port}
		return e.Next()
	})
	return catcher
}

// reminderTime is 40 hours before the fixture's public session of A: its
// reminder is due, and the registration (made now) was made before the
// 48-hour window.
func reminderTime(t testing.TB, app core.App) time.Time {
	return jobRecord(t, app, "seances", testkit.SeancePubliqueA).GetDateTime("debut").Time().Add(-40 * time.Hour)
}

func TestReminderReachesARealSMTPServerOnce(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	catcher := realSMTP(t, app)
	jobSet(t, app, jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA), map[string]any{"email": "camille.alpha@example.org"})
	now := reminderTime(t, app)

	if out, err := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, now.Add(-9*time.Hour)); err != nil || out.Total() != 0 {
		t.Fatalf("49 hours before: %+v, %v", out, err)
	}
	out, err := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, now)
	if err != nil || out.Emails != 1 || out.Total() != 1 {
		t.Fatalf("first run: %+v, %v", out, err)
	}
	mail, ok := catcher.WaitFor(5*time.Second, e2e.SentTo("camille.alpha@example.org", "Rappel : Atelier propre à Alpha"))
	if !ok {
		t.Fatalf("no reminder received; got %+v", catcher.Messages())
	}
	for _, want := range []string{"Petit rappel", "Salle Alpha", "/inscription/" + testkit.SecretJeton, "Médiathèque Alpha"} {
		if !strings.Contains(mail.Text, want) || !strings.Contains(mail.HTML, want) {
			t.Errorf("reminder lacks %q:\n%s", want, mail.Text)
		}
	}

	out, err = jobs.SendReminders(context.Background(), app, envois.NoSMS{}, now.Add(15*time.Minute))
	if err != nil || out.Total() != 0 {
		t.Fatalf("second run: %+v, %v", out, err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(catcher.Messages()); n != 1 {
		t.Fatalf("%d messages received, want 1", n)
	}
	if jobRecord(t, app, "inscriptions", testkit.InscriptionA).GetDateTime("rappel_envoye_le").IsZero() {
		t.Error("rappel_envoye_le not set")
	}
	sent := envoisOf(t, app, "rappel")
	if len(sent) != 1 || sent[0].GetString("statut") != "envoye" || sent[0].GetString("cible") != testkit.ID(testkit.InscriptionA) ||
		!strings.Contains(sent[0].GetString("texte"), "Petit rappel") || sent[0].GetString("structure") != testkit.ID(testkit.StructureA) {
		t.Fatalf("envois: %v", sent)
	}
}

func TestOverlappingReminderRunsSendOnce(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	jobSet(t, app, jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA), map[string]any{"email": "camille.alpha@example.org"})
	now := reminderTime(t, app)
	var wg sync.WaitGroup
	outs := make([]jobs.ReminderOutcome, 4)
	for i := range outs {
		wg.Go(func() {
			out, err := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, now)
			if err != nil {
				t.Error(err)
			}
			outs[i] = out
		})
	}
	wg.Wait()
	total := 0
	for _, o := range outs {
		total += o.Emails
	}
	if total != 1 || app.TestMailer.TotalSend() != 1 || len(envoisOf(t, app, "rappel")) != 1 {
		t.Fatalf("%d reminders counted, %d sent, %d recorded; want 1", total, app.TestMailer.TotalSend(), len(envoisOf(t, app, "rappel")))
	}
}

type fakeSMS struct {
	mu   sync.Mutex
	sent []string
}

func (f *fakeSMS) Send(to, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, to+" "+text)
	return nil
}

// The fixture's person of A gave only a phone number.
func TestReminderToAPhoneOnly(t *testing.T) {
	t.Parallel()
	t.Run("no SMS provider: recorded as failed, to be phoned, never retried", func(t *testing.T) {
		app := jobApp(t)
		now := reminderTime(t, app)
		out, err := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, now)
		if err != nil || out.SansSMS != 1 || out.Total() != 1 {
			t.Fatalf("%+v, %v", out, err)
		}
		rows := envoisOf(t, app, "rappel")
		if len(rows) != 1 || rows[0].GetString("canal") != "sms" || rows[0].GetString("statut") != "echec" ||
			rows[0].GetString("destinataire") != "+33612345678" || !strings.Contains(rows[0].GetString("erreur"), "aucun fournisseur SMS") {
			t.Fatalf("envois: %v", rows)
		}
		if retried, err := envois.RetryMessages(context.Background(), app, envois.NoSMS{}, now.Add(2*time.Hour)); err != nil || retried.Envoyes+retried.Echecs != 0 {
			t.Fatalf("retry without provider: %+v, %v", retried, err)
		}
		if app.TestMailer.TotalSend() != 0 {
			t.Fatal("an e-mail was sent to a person without e-mail")
		}
	})
	t.Run("a landline: no SMS attempted, on the « à appeler » list, never retried", func(t *testing.T) {
		app := jobApp(t)
		person, err := app.FindRecordById("beneficiaires", testkit.ID(testkit.BeneficiaireA))
		if err != nil {
			t.Fatal(err)
		}
		person.Set("telephone", "+33549123456")
		if err := app.Save(person); err != nil {
			t.Fatal(err)
		}
		sms := &fakeSMS{}
		now := reminderTime(t, app)
		out, err := jobs.SendReminders(context.Background(), app, sms, now)
		if err != nil || out.SansSMS != 1 || out.Total() != 1 || len(sms.sent) != 0 {
			t.Fatalf("%+v, %v, %v", out, err, sms.sent)
		}
		rows := envoisOf(t, app, "rappel")
		if len(rows) != 1 || rows[0].GetString("canal") != "telephone" || rows[0].GetString("statut") != "a_appeler" ||
			rows[0].GetString("destinataire") != "+33549123456" || !strings.HasPrefix(rows[0].GetString("texte"), "Rappel : atelier") {
			t.Fatalf("envois: %v", rows)
		}
		if retried, err := envois.RetryMessages(context.Background(), app, sms, now.Add(2*time.Hour)); err != nil ||
			retried.Envoyes+retried.Echecs != 0 || len(sms.sent) != 0 {
			t.Fatalf("retry of an SMS to a landline: %+v, %v, %v", retried, err, sms.sent)
		}
	})
	t.Run("with an SMS provider", func(t *testing.T) {
		app := jobApp(t)
		sms := &fakeSMS{}
		out, err := jobs.SendReminders(context.Background(), app, sms, reminderTime(t, app))
		if err != nil || out.SMS != 1 || len(sms.sent) != 1 {
			t.Fatalf("%+v, %v, %v", out, err, sms.sent)
		}
		if text := sms.sent[0]; !strings.HasPrefix(text, "+33612345678 Rappel : atelier \"Atelier propre à Alpha\"") ||
			!strings.Contains(text, testkit.AppURL+"/i/"+testkit.SecretCode+"\n") || strings.Contains(text, "\u00a0") {
			t.Errorf("SMS: %q", text)
		}
		if rows := envoisOf(t, app, "rappel"); len(rows) != 1 || rows[0].GetString("statut") != "envoye" {
			t.Fatalf("envois: %v", rows)
		}
	})
}

func TestNoReminderForLateRegistrationsOrOtherStatuses(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	seance := jobRecord(t, app, "seances", testkit.SeancePubliqueA)
	// The session is moved to 30 hours from now: the person registered
	// (just now) inside the 48-hour window; their confirmation was enough.
	jobSet(t, app, seance, map[string]any{"debut": testkit.Now().Add(30 * time.Hour), "fin": testkit.Now().Add(32 * time.Hour)})
	if out, err := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, testkit.Now()); err != nil || out.Total() != 0 {
		t.Fatalf("late registration: %+v, %v", out, err)
	}
	// Cancelled registrations and cancelled sessions get nothing.
	app2 := jobApp(t)
	now := reminderTime(t, app2)
	jobSet(t, app2, jobRecord(t, app2, "inscriptions", testkit.InscriptionA), map[string]any{"statut": "annule"})
	if out, err := jobs.SendReminders(context.Background(), app2, envois.NoSMS{}, now); err != nil || out.Total() != 0 {
		t.Fatalf("cancelled registration: %+v, %v", out, err)
	}
	jobSet(t, app2, jobRecord(t, app2, "inscriptions", testkit.InscriptionA), map[string]any{"statut": "inscrit"})
	jobSet(t, app2, jobRecord(t, app2, "seances", testkit.SeancePubliqueA), map[string]any{"statut": "annulee"})
	if out, err := jobs.SendReminders(context.Background(), app2, envois.NoSMS{}, now); err != nil || out.Total() != 0 {
		t.Fatalf("cancelled session: %+v, %v", out, err)
	}
}

// A session moved after its reminder reminds its registrants again before
// the new date.
func TestMovedSessionRemindsAgain(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	jobSet(t, app, jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA), map[string]any{"email": "camille.alpha@example.org"})
	now := reminderTime(t, app)
	if out, _ := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, now); out.Emails != 1 {
		t.Fatalf("first reminder: %+v", out)
	}
	seance := jobRecord(t, app, "seances", testkit.SeancePubliqueA)
	jobSet(t, app, seance, map[string]any{"capacite": 9}) // not a move
	if jobRecord(t, app, "inscriptions", testkit.InscriptionA).GetDateTime("rappel_envoye_le").IsZero() {
		t.Fatal("a change of capacity reset the reminder")
	}
	debut := seance.GetDateTime("debut").Time().Add(24 * time.Hour)
	jobSet(t, app, seance, map[string]any{"debut": debut, "fin": debut.Add(2 * time.Hour)})
	if !jobRecord(t, app, "inscriptions", testkit.InscriptionA).GetDateTime("rappel_envoye_le").IsZero() {
		t.Fatal("moving the session kept the old reminder")
	}
	if out, _ := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, debut.Add(-40*time.Hour)); out.Emails != 1 {
		t.Fatalf("reminder for the new date: %+v", out)
	}
}

// The copy of a message kept for retries holds personal data: the REST API
// never returns it, even to the conseillers who read envois.
func TestMessageBodiesAreHiddenFromTheAPI(t *testing.T) {
	t.Parallel()
	for _, path := range []string{"/api/collections/envois/records", "/api/collections/envois/records/" + testkit.ID(testkit.EnvoiA)} {
		(&tests.ApiScenario{
			Name:   path,
			Method: http.MethodGet,
			URL:    path,
			TestAppFactory: func(t testing.TB) *tests.TestApp {
				app := jobApp(t)
				jobSet(t, app, jobRecord(t, app, "envois", testkit.EnvoiA), map[string]any{
					"texte": "TexteSecretDuMessage", "html": "<p>HtmlSecretDuMessage</p>"})
				return app
			},
			Headers:            map[string]string{"Authorization": testkit.Token(t, testkit.ConseillerA)},
			ExpectedStatus:     200,
			ExpectedContent:    []string{testkit.ID(testkit.EnvoiA)},
			NotExpectedContent: []string{"TexteSecretDuMessage", "HtmlSecretDuMessage", `"texte"`, `"html"`},
		}).Test(t)
	}
}
