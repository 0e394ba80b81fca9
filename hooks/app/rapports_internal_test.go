package app

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/hooks/cli"

	"atelier/hooks/jobs"

	"atelier/hooks/rapports"

	"atelier/hooks/testkit"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// The monthly job is called with the date it runs at. Structures are
// dated (created) so that the tests do not depend on today's date.

func utcTime(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// createdOn dates every fixture structure.
func createdOn(t testing.TB, app core.App, date string) {
	t.Helper()
	_, err := app.DB().NewQuery("UPDATE structures SET created = {:d}").Bind(dbx.Params{"d": date}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

// reportKeys lists "slug mois" of every report, sorted.
func reportKeys(t testing.TB, app core.App) []string {
	t.Helper()
	var keys []string
	err := app.DB().NewQuery(`SELECT st.slug || ' ' || r.mois FROM rapports r
		JOIN structures st ON st.id = r.structure ORDER BY st.slug, r.mois`).Column(&keys)
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

func reportApp(t testing.TB, created string) *tests.TestApp {
	app := jobApp(t)
	// The fixture's reports are of October 2026, before these structures.
	if _, err := app.DB().NewQuery("DELETE FROM rapports").Execute(); err != nil {
		t.Fatal(err)
	}
	createdOn(t, app, created)
	return app
}

func runReportsAt(t testing.TB, app core.App, at string) rapports.ReportOutcome {
	t.Helper()
	out, err := rapports.RunMonthlyReports(context.Background(), app, utcTime(t, at))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDueMonth(t *testing.T) {
	t.Parallel()
	paris, _ := time.LoadLocation("Europe/Paris")
	reunion, _ := time.LoadLocation("Indian/Reunion")
	cases := []struct {
		loc  *time.Location
		now  string
		want string
	}{
		{paris, "2027-02-01T04:59:59Z", "2026-12"}, // 05:59:59 in Paris
		{paris, "2027-02-01T05:00:00Z", "2027-01"},
		{paris, "2027-07-01T03:59:00Z", "2027-05"}, // summer time: 05:59
		{paris, "2027-07-01T04:00:00Z", "2027-06"},
		{paris, "2027-01-01T05:00:00Z", "2026-12"}, // across the year
		{reunion, "2027-02-01T01:59:00Z", "2026-12"},
		{reunion, "2027-02-01T02:00:00Z", "2027-01"},
		{reunion, "2027-01-31T22:00:00Z", "2026-12"}, // already 1 February 02:00 there
	}
	for _, c := range cases {
		if got := rapports.MoisCle(rapports.DueMonth(utcTime(t, c.now), c.loc)); got != c.want {
			t.Errorf("%s at %s: %s, want %s", c.loc, c.now, got, c.want)
		}
	}
}

// At the month boundary, each structure gets its report at 06:00 of its
// own zone: La Réunion (UTC+4) four hours before Paris (UTC+1 in winter).
func TestMonthlyReportAtSixInEachZone(t *testing.T) {
	t.Parallel()
	app := reportApp(t, "2027-01-10 10:00:00.000Z")
	steps := []struct {
		at   string
		want []string
	}{
		{"2027-02-01T01:59:00Z", nil},                                      // 05:59 in La Réunion
		{"2027-02-01T02:00:00Z", []string{"france-services-beta 2027-01"}}, // 06:00 in La Réunion
		{"2027-02-01T04:59:00Z", []string{"france-services-beta 2027-01"}}, // 05:59 in Paris
		{"2027-02-01T05:00:00Z", []string{"france-services-beta 2027-01", "mediatheque-alpha 2027-01", "tiers-lieu-gamma 2027-01"}},
		{"2027-02-20T05:00:00Z", []string{"france-services-beta 2027-01", "mediatheque-alpha 2027-01", "tiers-lieu-gamma 2027-01"}},
	}
	for _, s := range steps {
		runReportsAt(t, app, s.at)
		if got := reportKeys(t, app); strings.Join(got, ",") != strings.Join(s.want, ",") {
			t.Fatalf("at %s: reports %v, want %v", s.at, got, s.want)
		}
	}
	r, err := rapports.FindReport(app, testkit.ID(testkit.StructureA), "2027-01")
	if err != nil || r == nil {
		t.Fatal(r, err)
	}
	if r.GetString("pdf") == "" || r.GetString("xlsx") == "" || r.GetString("statistiques") == "" ||
		!r.GetDateTime("genere_le").Time().Equal(utcTime(t, "2027-02-01T05:00:00Z")) {
		t.Fatalf("report record: %v", r)
	}
	// The référent of A is told once; B has no référent.
	if n := app.TestMailer.TotalSend(); n != 1 {
		t.Fatalf("%d e-mails, want 1", n)
	}
	m := app.TestMailer.LastMessage()
	if m.To[0].Address != testkit.Email(testkit.ReferentA) || m.Subject != "Rapport d'activité de janvier 2027 : Médiathèque Alpha" ||
		!strings.Contains(m.Text, "/espace/rapports") {
		t.Fatalf("report e-mail: %v %q\n%s", m.To, m.Subject, m.Text)
	}
	if r.GetDateTime("envoye_le").IsZero() {
		t.Error("envoye_le not set")
	}
	if rows := envoisOf(t, app, "rapport"); len(rows) != 1 || rows[0].GetString("cible") != r.Id {
		t.Fatalf("envois: %v", rows)
	}
}

// Months missed while the server was down are made at the next run, from
// the month after the latest report (or the structure's first month), at
// most a year back; the référent gets one e-mail for them.
func TestMonthlyReportsCatchUpAfterDowntime(t *testing.T) {
	t.Parallel()
	app := reportApp(t, "2026-09-10 10:00:00.000Z")
	// A already had its September and October reports.
	for _, mois := range []string{"2026-09", "2026-10"} {
		s, _ := rapports.ReportStructures(app, dbx.HashExp{"s.id": testkit.ID(testkit.StructureA)})
		month, _ := rapports.ParseMois(mois)
		if _, err := rapports.GenerateReports(app, s[0], []time.Time{month}, testkit.Now(), false); err != nil {
			t.Fatal(err)
		}
	}
	// C dates from long ago: only the last twelve months are made.
	_, err := app.DB().NewQuery("UPDATE structures SET created = '2024-03-01 00:00:00.000Z' WHERE id = {:id}").
		Bind(dbx.Params{"id": testkit.ID(testkit.StructureC)}).Execute()
	if err != nil {
		t.Fatal(err)
	}
	out := runReportsAt(t, app, "2027-02-15T12:00:00Z")
	keys := strings.Join(reportKeys(t, app), ",")
	for _, want := range []string{"mediatheque-alpha 2026-11", "mediatheque-alpha 2026-12", "mediatheque-alpha 2027-01",
		"france-services-beta 2026-09", "france-services-beta 2027-01", "tiers-lieu-gamma 2026-02", "tiers-lieu-gamma 2027-01"} {
		if !strings.Contains(keys, want) {
			t.Errorf("missing %s in %s", want, keys)
		}
	}
	if strings.Contains(keys, "tiers-lieu-gamma 2026-01") || strings.Contains(keys, "france-services-beta 2026-08") {
		t.Errorf("too far back: %s", keys)
	}
	if out.Generes != 3+5+12 || out.Echecs != 0 {
		t.Fatalf("outcome %+v, want 20 reports", out)
	}
	if n := app.TestMailer.TotalSend(); n != 1 || !strings.Contains(app.TestMailer.LastMessage().Subject, "(3 mois)") {
		t.Fatalf("%d e-mails, subject %q", n, app.TestMailer.LastMessage().Subject)
	}
	if again := runReportsAt(t, app, "2027-02-15T12:15:00Z"); again.Generes != 0 || app.TestMailer.TotalSend() != 1 {
		t.Fatalf("second run: %+v", again)
	}
}

// Overlapping runs (a slow run and the next quarter hour, or the command
// line next to the server) make one report per structure and month, and
// one e-mail.
func TestOverlappingMonthlyRunsMakeOneReport(t *testing.T) {
	t.Parallel()
	app := reportApp(t, "2027-01-10 10:00:00.000Z")
	var wg sync.WaitGroup
	outs := make([]rapports.ReportOutcome, 4)
	for i := range outs {
		wg.Go(func() {
			out, err := rapports.RunMonthlyReports(context.Background(), app, utcTime(t, "2027-03-02T10:00:00Z"))
			if err != nil {
				t.Error(err)
			}
			outs[i] = out
		})
	}
	wg.Wait()
	made := 0
	for _, o := range outs {
		made += o.Generes
	}
	keys := reportKeys(t, app)
	if len(keys) != 6 || made != 6 {
		t.Fatalf("%d reports counted, %v stored; want 6 (3 structures × 2 months)", made, keys)
	}
	if n := app.TestMailer.TotalSend(); n != 1 {
		t.Fatalf("%d e-mails, want 1", n)
	}
}

// The scheduler, on a fake clock, makes Paris's report when its clock
// reaches 06:00 local on the 1st, not at 05:59.
func TestSchedulerMakesTheReportAtSixParis(t *testing.T) {
	t.Parallel()
	app := reportApp(t, "2027-01-10 10:00:00.000Z")
	clock := clockwork.NewFakeClockAt(utcTime(t, "2027-02-01T04:59:00Z"))
	log := &runLog{runs: map[string]int{}}
	s, err := jobs.NewScheduler(app, jobs.SchedulerOptions{Clock: clock, AfterRun: log.add})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	defer s.Stop()
	log.waitRuns(t, "rapports-mensuels", 1)
	if _, err := findReportKey(app, "mediatheque-alpha 2027-01"); err == nil {
		t.Fatal("Paris report made at 05:59")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, len(jobs.SchedulerJobs())); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	log.waitRuns(t, "rapports-mensuels", 2)
	if _, err := findReportKey(app, "mediatheque-alpha 2027-01"); err != nil {
		t.Fatalf("no Paris report at 06:00: %v", reportKeys(t, app))
	}
}

func findReportKey(app core.App, key string) (string, error) {
	var found string
	err := app.DB().Select("r.id").From("rapports r").InnerJoin("structures st", dbx.NewExp("st.id = r.structure")).
		Where(dbx.NewExp("st.slug || ' ' || r.mois = {:k}", dbx.Params{"k": key})).Row(&found)
	return found, err
}

func TestGenerateCommand(t *testing.T) {
	t.Parallel()
	app := reportApp(t, "2027-01-10 10:00:00.000Z")
	now := utcTime(t, "2027-03-02T10:00:00Z")
	var out bytes.Buffer
	if err := cli.GenerateReports(app, "2027-02", "mediatheque-alpha", now, &out); err != nil {
		t.Fatal(err)
	}
	first, _ := rapports.FindReport(app, testkit.ID(testkit.StructureA), "2027-02")
	if first == nil || !strings.Contains(out.String(), "Médiathèque Alpha, février 2027 : rapport créé") {
		t.Fatalf("first run: %q", out.String())
	}
	oldPDF := first.GetString("pdf")
	out.Reset()
	if err := cli.GenerateReports(app, "2027-02", "", now.Add(time.Hour), &out); err != nil {
		t.Fatal(err)
	}
	again, _ := rapports.FindReport(app, testkit.ID(testkit.StructureA), "2027-02")
	if again.Id != first.Id || again.GetString("pdf") == oldPDF || !strings.Contains(out.String(), "rapport remplacé") ||
		strings.Count(out.String(), ", février 2027 : rapport ") != 3 {
		t.Fatalf("regeneration: %q, pdf %s → %s", out.String(), oldPDF, again.GetString("pdf"))
	}
	// Not a terminal: plain progress lines, one per tenth crossed, and a
	// summary, never a \r.
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	for i, want := range []string{"Rapports de février 2027 : 1 / 3 (33\u202f%)", "Rapports de février 2027 : 2 / 3 (66\u202f%)",
		"Rapports de février 2027 : 3 / 3 (100\u202f%)"} {
		if len(lines) != 7 || !strings.HasPrefix(lines[2*i+1], want) {
			t.Fatalf("progress line %d: want %q in %q", i, want, lines)
		}
	}
	if !strings.HasPrefix(lines[6], "Rapports de février 2027 : 3 / 3 terminé en ") || strings.Contains(out.String(), "\r") {
		t.Errorf("summary: %q", lines[6])
	}
	if len(reportKeys(t, app)) != 3 || app.TestMailer.TotalSend() != 0 {
		t.Fatalf("reports %v, %d e-mails", reportKeys(t, app), app.TestMailer.TotalSend())
	}
	for _, bad := range []struct{ mois, slug, want string }{
		{"2027-13", "", "2026-10"},
		{"octobre", "", "2026-10"},
		{"2027-03", "", "n'est pas terminé"},
		{"2027-02", "inconnue", "aucune structure"},
	} {
		if err := cli.GenerateReports(app, bad.mois, bad.slug, now, &out); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%s %s: %v", bad.mois, bad.slug, err)
		}
	}
}
