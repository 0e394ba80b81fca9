package app

import (
	"context"
	"strings"
	"testing"
	"time"

	"atelier/hooks/jobs"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/testkit"
)

// Two structures, two reminder delays, two time zones: A (Paris) reminds 6
// hours before, B (La Réunion) keeps the 48 hours. Both sessions start at
// the same instant; each reminder leaves in its own window, by the
// person's channel, with the time of the structure's zone.
func TestRemindersFollowTheChannelAndTheStructureDelay(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	debut := testkit.Now().Add(72 * time.Hour).Truncate(time.Minute)
	for _, name := range []string{testkit.SeancePubliqueA, testkit.SeancePubliqueB} {
		jobSet(t, app, jobRecord(t, app, "seances", name), map[string]any{"debut": debut, "fin": debut.Add(2 * time.Hour)})
	}
	jobSet(t, app, jobRecord(t, app, "structures", testkit.StructureA), map[string]any{"delai_rappel_heures": 6})
	// A's person gave an e-mail too, but asked for SMS.
	jobSet(t, app, jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA),
		map[string]any{"email": "camille@example.org", "prefere_sms": true})
	sms := &fakeSMS{}

	out, err := jobs.SendReminders(context.Background(), app, sms, debut.Add(-49*time.Hour))
	if err != nil || out.Total() != 0 {
		t.Fatalf("49 hours before: %+v, %v", out, err)
	}
	out, err = jobs.SendReminders(context.Background(), app, sms, debut.Add(-30*time.Hour))
	if err != nil || out.SMS != 1 || out.Total() != 1 || len(sms.sent) != 1 {
		t.Fatalf("30 hours before: only B's 48-hour reminder: %+v, %v, %v", out, err, sms.sent)
	}
	reunion := frfmt.Heure(debut.In(frfmt.Location("Indian/Reunion")))
	if text := strings.ReplaceAll(sms.sent[0], "\u00a0", " "); !strings.HasPrefix(text, "+262692123456 Rappel") ||
		!strings.Contains(text, strings.ReplaceAll(reunion, "\u00a0", " ")) || !strings.HasSuffix(text, "\nFrance Services Beta") { // GSM-7: ê becomes e
		t.Errorf("B's reminder, at La Réunion's time %q: %q", reunion, text)
	}
	out, err = jobs.SendReminders(context.Background(), app, sms, debut.Add(-7*time.Hour))
	if err != nil || out.Total() != 0 {
		t.Fatalf("7 hours before: A reminds at 6 hours: %+v, %v", out, err)
	}
	out, err = jobs.SendReminders(context.Background(), app, sms, debut.Add(-5*time.Hour))
	if err != nil || out.SMS != 1 || out.Total() != 1 || len(sms.sent) != 2 {
		t.Fatalf("5 hours before: A's reminder: %+v, %v, %v", out, err, sms.sent)
	}
	paris := strings.ReplaceAll(frfmt.Heure(debut.In(frfmt.Location("Europe/Paris"))), "\u00a0", " ")
	if text := sms.sent[1]; !strings.HasPrefix(text, "+33612345678 Rappel") || !strings.Contains(text, paris) {
		t.Errorf("A's reminder by SMS, at Paris time %q: %q", paris, text)
	}
	if app.TestMailer.TotalSend() != 0 {
		t.Error("an e-mail went to a person who asked for SMS")
	}
}
