package app

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"atelier/hooks/jobs"

	"atelier/hooks/model"

	"atelier/hooks/testkit"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// runLog collects the runs of the scheduler's jobs.
type runLog struct {
	mu   sync.Mutex
	runs map[string]int
}

func (l *runLog) add(job string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.runs[job]++
}

func (l *runLog) count(job string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.runs[job]
}

// waitRuns waits until job has run n times.
func (l *runLog) waitRuns(t *testing.T, job string, n int) {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for l.count(job) < n {
		select {
		case <-timeout:
			t.Fatalf("job %s ran %d times, want %d", job, l.count(job), n)
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// sentTo counts the messages the test mailer sent to address.
func sentTo(app *tests.TestApp, address string) int {
	n := 0
	for _, m := range app.TestMailer.Messages() {
		for _, to := range m.To {
			if to.Address == address {
				n++
			}
		}
	}
	return n
}

// The scheduler runs every job at start (catch-up), then on its clock:
// with a fake clock, the reminder due at a quarter hour goes out when the
// clock reaches it, and not before.
func TestSchedulerRunsJobsOnItsClock(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	jobSet(t, app, jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA), map[string]any{"email": "camille.alpha@example.org"})
	debut := jobRecord(t, app, "seances", testkit.SeancePubliqueA).GetDateTime("debut").Time() // 09:00 UTC
	clock := clockwork.NewFakeClockAt(debut.Add(-jobs.ReminderLead - 5*time.Minute))
	log := &runLog{runs: map[string]int{}}
	s, err := jobs.NewScheduler(app, jobs.SchedulerOptions{Clock: clock, AfterRun: log.add})
	if err != nil {
		t.Fatal(err)
	}
	s.Start()
	for _, job := range jobs.SchedulerJobs() {
		if job.AtStart {
			log.waitRuns(t, job.Name, 1)
		}
	}
	// Other start-up jobs may write to staff (the monthly report when the
	// clock has just entered a month): only the person's mailbox counts.
	const person = "camille.alpha@example.org"
	if sentTo(app, person) != 0 {
		t.Fatal("a reminder left 48 h 05 min before the session")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := clock.BlockUntilContext(ctx, len(jobs.SchedulerJobs())); err != nil {
		t.Fatalf("jobs not scheduled: %v", err)
	}
	if log.count("conservation") != 0 {
		t.Fatal("the nightly retention ran at start")
	}
	clock.Advance(5 * time.Minute)
	log.waitRuns(t, "rappels", 2)
	log.waitRuns(t, "relances-emargement", 2)
	if n := sentTo(app, person); n != 1 {
		t.Fatalf("%d messages to the person at 48 h before the session, want the reminder", n)
	}
	if log.count("renvois") != 1 {
		t.Fatalf("retry job ran %d times in 5 minutes, want once (at start)", log.count("renvois"))
	}

	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Hour)
	time.Sleep(50 * time.Millisecond)
	if n := log.count("rappels"); n != 2 {
		t.Fatalf("a stopped scheduler ran the reminders again (%d runs)", n)
	}
}

// `serve` starts the scheduler, which catches up at once (a reminder due
// while the server was down goes out), and the end of the process stops it.
func TestServeStartsAndStopsTheScheduler(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	jobSet(t, app, jobRecord(t, app, "beneficiaires", testkit.BeneficiaireA), map[string]any{"email": "camille.alpha@example.org"})
	debut := testkit.Now().Add(40 * time.Hour)
	jobSet(t, app, jobRecord(t, app, "seances", testkit.SeancePubliqueA), map[string]any{"debut": debut, "fin": debut.Add(2 * time.Hour)})
	_, err := app.DB().NewQuery("UPDATE inscriptions SET created = {:d} WHERE id = {:id}").
		Bind(dbx.Params{"d": model.DBDate(testkit.Now().Add(-72 * time.Hour)), "id": testkit.ID(testkit.InscriptionA)}).Execute()
	if err != nil {
		t.Fatal(err)
	}
	router, err := apis.NewRouter(app)
	if err != nil {
		t.Fatal(err)
	}
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: router, Server: &http.Server{}},
		func(*core.ServeEvent) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	const person = "camille.alpha@example.org"
	timeout := time.After(10 * time.Second)
wait:
	for sentTo(app, person) == 0 {
		select {
		case <-timeout:
			break wait
		case <-time.After(10 * time.Millisecond):
		}
	}
	if n := sentTo(app, person); n != 1 {
		t.Fatalf("%d messages to the person after start, want the overdue reminder", n)
	}
	done := make(chan error, 1)
	go func() {
		done <- app.OnTerminate().Trigger(&core.TerminateEvent{App: app}, func(*core.TerminateEvent) error { return nil })
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the scheduler did not stop")
	}
}
