package app

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"atelier/hooks/jobs"

	"atelier/hooks/rgpd"

	"atelier/hooks/envois"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// pastSeance adds a session of A that ended yesterday, animated by the
// given staff, with no attendance.
func pastSeance(t testing.TB, app core.App, animateurs ...string) *core.Record {
	t.Helper()
	seances, err := app.FindCachedCollectionByNameOrId("seances")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(animateurs))
	for i, a := range animateurs {
		ids[i] = testkit.ID(a)
	}
	debut := testkit.Now().Add(-26 * time.Hour).Truncate(time.Hour)
	r := core.NewRecord(seances)
	r.Load(map[string]any{
		"atelier": testkit.ID(testkit.AtelierA), "structure": testkit.ID(testkit.StructureA), "lieu": testkit.ID(testkit.LieuA),
		"debut": debut, "fin": debut.Add(2 * time.Hour), "capacite": 8, "statut": "planifiee", "animateurs": ids,
	})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// morningInParis is a time of today in Paris at or after the nudge hour,
// and never before the real time (the record of today's nudge is dated by
// the database clock).
func morningInParis() time.Time {
	now := testkit.Now().In(frfmt.Location("Europe/Paris"))
	at := time.Date(now.Year(), now.Month(), now.Day(), 8, 0, 0, 0, now.Location())
	if now.After(at) {
		return now
	}
	return at
}

func TestNudgeHourInEachZone(t *testing.T) {
	t.Parallel()
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		zone, now string
		due       bool
	}{
		{"Europe/Paris", "2026-11-24T06:29:00Z", false}, // 07:29 in Paris (winter)
		{"Europe/Paris", "2026-11-24T06:30:00Z", true},
		{"Europe/Paris", "2026-07-01T05:30:00Z", true}, // 07:30 in summer
		{"Indian/Reunion", "2026-11-24T03:29:00Z", false},
		{"Indian/Reunion", "2026-11-24T03:30:00Z", true},
		{"Pacific/Marquesas", "2026-11-24T17:00:00Z", true}, // 07:30 at −9:30
		{"Pacific/Marquesas", "2026-11-24T16:45:00Z", false},
	}
	for _, c := range cases {
		if _, due := jobs.NudgeDay(utc(c.now), frfmt.Location(c.zone)); due != c.due {
			t.Errorf("%s at %s: due=%v, want %v", c.zone, c.now, due, c.due)
		}
	}
}

func TestMorningNudgeOncePerAnimatorAndDay(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	mine := pastSeance(t, app, testkit.ConseillerA, testkit.ConseillerA2)
	other := pastSeance(t, app, testkit.ConseillerA)
	filled := pastSeance(t, app, testkit.ConseillerA)
	jobSet(t, app, filled, map[string]any{"participants_anonymes": 3})
	jobSet(t, app, pastSeance(t, app, testkit.ConseillerA), map[string]any{"statut": "realisee"})
	now := morningInParis()
	early := time.Date(now.Year(), now.Month(), now.Day(), 7, 29, 0, 0, now.Location())

	if out, err := jobs.NudgeAttendance(context.Background(), app, early); err != nil || out.Envoyes != 0 {
		t.Fatalf("before 07:30: %+v, %v", out, err)
	}
	out, err := jobs.NudgeAttendance(context.Background(), app, now)
	if err != nil || out.Envoyes != 2 {
		t.Fatalf("morning: %+v, %v", out, err)
	}
	var toA *core.Record
	for _, r := range envoisOf(t, app, "relance_emargement") {
		if r.GetString("cible") == testkit.ID(testkit.ConseillerA) {
			toA = r
		}
	}
	if toA == nil || toA.GetString("destinataire") != testkit.Email(testkit.ConseillerA) || toA.GetString("statut") != "envoye" {
		t.Fatalf("nudge to conseiller A: %v", toA)
	}
	text := toA.GetString("texte")
	for _, want := range []string{"/espace/seances/" + mine.Id + "/presences", "/espace/seances/" + other.Id + "/presences", "Atelier propre à Alpha"} {
		if !strings.Contains(text, want) {
			t.Errorf("nudge lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, filled.Id) || toA.GetString("objet") != "Émargement à remplir : 2 ateliers" {
		t.Errorf("nudge lists a filled session or miscounts: %q\n%s", toA.GetString("objet"), text)
	}

	if out, _ := jobs.NudgeAttendance(context.Background(), app, now.Add(2*time.Hour)); out.Envoyes != 0 {
		t.Fatalf("second run the same day sent %d", out.Envoyes)
	}
	if out, _ := jobs.NudgeAttendance(context.Background(), app, now.Add(24*time.Hour)); out.Envoyes != 2 {
		t.Fatalf("next morning sent %d, want 2", out.Envoyes)
	}
	// After 30 days a forgotten sheet is no longer nudged (conseiller A2
	// animated only that one; by then the fixture's sessions are past too
	// and nudge conseiller A).
	before := map[string]bool{}
	for _, r := range envoisOf(t, app, "relance_emargement") {
		before[r.Id] = true
	}
	if _, err := jobs.NudgeAttendance(context.Background(), app, now.Add(32*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, r := range envoisOf(t, app, "relance_emargement") {
		if before[r.Id] {
			continue
		}
		if r.GetString("cible") == testkit.ID(testkit.ConseillerA2) || strings.Contains(r.GetString("texte"), mine.Id) {
			t.Fatalf("a month later: %s got %q", r.GetString("destinataire"), r.GetString("texte"))
		}
	}
}

// failingSMTP makes every send fail while *down is true.
func failingSMTP(app *tests.TestApp, down *bool) {
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		if *down {
			return errors.New("connexion refusée par le serveur SMTP")
		}
		return e.Next()
	})
}

func TestFailedMessagesAreRetriedWithBackoff(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	down := true
	failingSMTP(app, &down)
	err := envois.SendEmail(app, envois.Notification{Structure: testkit.ID(testkit.StructureA), Evenement: "autre",
		Destinataire: "personne@example.org", Objet: "Essai", Texte: "Bonjour", HTML: "<p>Bonjour</p>"})
	if err == nil {
		t.Fatal("send did not fail")
	}
	envoi := envoisOf(t, app, "autre")[0]
	if envoi.GetString("statut") != "echec" || envoi.GetInt("tentatives") != 1 || !strings.Contains(envoi.GetString("erreur"), "connexion refusée") {
		t.Fatalf("first attempt: %v", envoi)
	}
	start := testkit.Now()
	retry := func(at time.Duration) envois.RetryOutcome {
		t.Helper()
		out, err := envois.RetryMessages(context.Background(), app, envois.NoSMS{}, start.Add(at))
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	if out := retry(5 * time.Minute); out.Envoyes+out.Echecs != 0 {
		t.Fatalf("retried before 10 minutes: %+v", out)
	}
	if out := retry(11 * time.Minute); out.Echecs != 1 {
		t.Fatalf("second attempt: %+v", out)
	}
	// The second attempt really happened just now: the third waits 20
	// minutes from it.
	if out := retry(15 * time.Minute); out.Envoyes+out.Echecs != 0 {
		t.Fatalf("retried before 20 more minutes: %+v", out)
	}
	down = false
	if out := retry(21 * time.Minute); out.Envoyes != 1 {
		t.Fatalf("third attempt: %+v", out)
	}
	envoi = envoisOf(t, app, "autre")[0]
	if envoi.GetString("statut") != "envoye" || envoi.GetInt("tentatives") != 3 || envoi.GetString("erreur") != "" {
		t.Fatalf("after success: %v", envoi)
	}
	m := app.TestMailer.LastMessage()
	if m.Subject != "Essai" || m.Text != "Bonjour" || !strings.Contains(m.HTML, "<p>Bonjour</p>") || m.To[0].Address != "personne@example.org" {
		t.Fatalf("resent message: %+v", m)
	}
	if out := retry(3 * time.Hour); out.Envoyes+out.Echecs != 0 {
		t.Fatalf("a sent message was sent again: %+v", out)
	}
}

func TestRetryStopsAfterFiveAttemptsOrADay(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	down := true
	failingSMTP(app, &down)
	_ = envois.SendEmail(app, envois.Notification{Evenement: "autre", Destinataire: "a@example.org", Objet: "A", Texte: "A"})
	start := testkit.Now()
	for i := 1; i <= 8; i++ {
		if _, err := envois.RetryMessages(context.Background(), app, envois.NoSMS{}, start.Add(time.Duration(i)*3*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if n := envoisOf(t, app, "autre")[0].GetInt("tentatives"); n != envois.MaxTentatives {
		t.Fatalf("%d attempts, want %d", n, envois.MaxTentatives)
	}

	app2 := jobApp(t)
	down2 := true
	failingSMTP(app2, &down2)
	_ = envois.SendEmail(app2, envois.Notification{Evenement: "autre", Destinataire: "b@example.org", Objet: "B", Texte: "B"})
	if out, _ := envois.RetryMessages(context.Background(), app2, envois.NoSMS{}, testkit.Now().Add(25*time.Hour)); out.Envoyes+out.Echecs != 0 {
		t.Fatalf("a day-old message was retried: %+v", out)
	}
}

// A message recorded but never sent (the server stopped in between) is
// picked up once it has been pending for 15 minutes.
func TestAbandonedMessageIsSent(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	envoi, err := envois.RecordMessage(app, "email", envois.Notification{Evenement: "autre", Destinataire: "c@example.org", Objet: "C", Texte: "C"})
	if err != nil {
		t.Fatal(err)
	}
	if out, _ := envois.RetryMessages(context.Background(), app, envois.NoSMS{}, testkit.Now().Add(time.Minute)); out.Envoyes != 0 {
		t.Fatal("a message being sent was taken over")
	}
	out, _ := envois.RetryMessages(context.Background(), app, envois.NoSMS{}, testkit.Now().Add(16*time.Minute))
	if out.Envoyes != 1 || app.TestMailer.TotalSend() != 1 {
		t.Fatalf("abandoned message: %+v", out)
	}
	if r, _ := app.FindRecordById("envois", envoi.Id); r.GetString("statut") != "envoye" {
		t.Fatalf("statut %s", r.GetString("statut"))
	}
}

// Erasing a person (RGPD) erases the copy of their failed reminder, which
// is then never sent again.
func TestErasedPersonsMessagesAreNotRetried(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	down := true
	failingSMTP(app, &down)
	person := jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA)
	jobSet(t, app, person, map[string]any{"email": "camille.alpha@example.org"})
	now := reminderTime(t, app)
	if out, _ := jobs.SendReminders(context.Background(), app, envois.NoSMS{}, now); out.Echecs != 1 {
		t.Fatalf("reminder: %+v", out)
	}
	err := app.RunInTransaction(func(tx core.App) error {
		_, err := rgpd.AnonymiseBeneficiaire(tx, nil, person, "test", now)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r := envoisOf(t, app, "rappel")[0]
	if r.GetString("texte") != "" || r.GetString("html") != "" || r.GetString("destinataire") != rgpd.ErasedRecipient {
		t.Fatalf("after erasure: %q %q %q", r.GetString("destinataire"), r.GetString("texte"), r.GetString("html"))
	}
	down = false
	if out, _ := envois.RetryMessages(context.Background(), app, envois.NoSMS{}, testkit.Now().Add(time.Hour)); out.Envoyes+out.Echecs != 0 {
		t.Fatalf("an erased person's message was sent again: %+v", out)
	}
}
