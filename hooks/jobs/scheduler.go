package jobs

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/go-co-op/gocron/v2"
	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/rapports"
	"atelier/hooks/rgpd"
	"atelier/hooks/statistiques"
)

// The scheduler runs Atelier's background jobs while `atelier serve` runs:
// reminders, the morning attendance nudge, lapsed offers of freed places, the monthly reports, the retry
// of failed messages and the daily retention of the privacy settings. It starts with the server and stops with it,
// letting a running job finish its current item (jobs watch their context
// between items).
//
// Every job is a plain function of (context, app, now): the scheduler only
// decides when it runs, so tests call a job with any date, and the
// scheduler itself is tested with a fake clock. Every job is idempotent
// (what it does is claimed in the database) and, but for the nightly
// retention, runs once at start-up, which catches up whatever was missed
// while the server was down.
//
// Jobs that depend on a structure's local time (06:00 reports, 07:30
// nudge) run every quarter of an hour and act for the structures whose
// local hour has come: every time zone of the world is a whole number of
// quarter hours from UTC (La Réunion +4, Marquesas −9:30, Nepal +5:45),
// so each structure is served at its own 06:00 sharp, whatever zones the
// instance holds, without one cron entry per zone.

// SchedulerOptions are what tests, and an instance with an SMS provider,
// may change.
type SchedulerOptions struct {
	Clock clockwork.Clock  // nil: the app's clock
	SMS   envois.SMSSender // nil: the instance's provider, envois.SMSOf at each run
	// AfterRun, when set, is called after each run of a job (tests).
	AfterRun func(job string)
}

type scheduler struct {
	app   core.App
	clock clockwork.Clock
	sms   envois.SMSSender
	cron  gocron.Scheduler
}

// A job of the scheduler: its name, when it runs, what it does.
type scheduledJob struct {
	Name string
	when gocron.JobDefinition
	run  func(ctx context.Context, s *scheduler, now time.Time) error
	// AtStart runs the job once as soon as the server starts, to catch up
	// what was missed while it was down.
	AtStart bool
}

// everyQuarter is "at :00, :15, :30 and :45 of every hour" (UTC).
const everyQuarter = "*/15 * * * *"

func SchedulerJobs() []scheduledJob {
	return []scheduledJob{
		{"rappels", gocron.CronJob(everyQuarter, false), runReminders, true},
		{"relances-emargement", gocron.CronJob(everyQuarter, false), runNudges, true},
		{"rapports-mensuels", gocron.CronJob(everyQuarter, false), runReports, true},
		{"renvois", gocron.DurationJob(10 * time.Minute), runRetries, true},
		// Every five minutes: a lapsed offer waits at most that long
		// before the next person is offered the place.
		{"offres", gocron.DurationJob(5 * time.Minute), runOffers, true},
		// At night only, when nobody works: anonymising people and purging
		// old messages writes in batches, and a night missed is made up by
		// the next one.
		{"conservation", gocron.CronJob(retentionAt, false), runDailyRetention, false},
		// At start-up (after an upgrade of the counting code every month is
		// stale) and after the night's retention: the statistics pages then
		// find their months counted.
		{"agregats", gocron.CronJob(warmAt, false), runWarmAgregats, true},
	}
}

// retentionAt is 02:30 UTC every day (03:30 or 04:30 in Paris).
const retentionAt = "30 2 * * *"

// warmAt is 03:15 UTC every day, after the retention.
const warmAt = "15 3 * * *"

func NewScheduler(app core.App, opts SchedulerOptions) (*scheduler, error) {
	s := &scheduler{app: app, clock: opts.Clock, sms: opts.SMS}
	if s.clock == nil {
		s.clock = clock.Of(app)
	}
	cron, err := gocron.NewScheduler(
		gocron.WithClock(s.clock),
		gocron.WithLocation(time.UTC),
		gocron.WithStopTimeout(time.Minute),
		// A run still going when the next one is due: the next one is
		// skipped, never run alongside.
		gocron.WithGlobalJobOptions(gocron.WithSingletonMode(gocron.LimitModeReschedule)),
	)
	if err != nil {
		return nil, fmt.Errorf("new scheduler: %w", err)
	}
	s.cron = cron
	for _, job := range SchedulerJobs() {
		if err := s.add(job, opts.AfterRun); err != nil {
			_ = cron.Shutdown()
			return nil, err
		}
	}
	return s, nil
}

func (s *scheduler) add(job scheduledJob, afterRun func(string)) error {
	task := gocron.NewTask(func(ctx context.Context) {
		if err := job.run(ctx, s, s.clock.Now()); err != nil && ctx.Err() == nil {
			s.app.Logger().Error("scheduled job failed", "job", job.Name, "error", err)
		}
		if afterRun != nil {
			afterRun(job.Name)
		}
	})
	options := []gocron.JobOption{gocron.WithName(job.Name)}
	if job.AtStart {
		options = append(options, gocron.WithStartAt(gocron.WithStartImmediately()))
	}
	_, err := s.cron.NewJob(job.when, task, options...)
	if err != nil {
		return fmt.Errorf("schedule job %s: %w", job.Name, err)
	}
	return nil
}

func (s *scheduler) Start() { s.cron.Start() }

// Stop waits for the running jobs (their context is cancelled) and stops.
func (s *scheduler) Stop() error {
	if err := s.cron.Shutdown(); err != nil {
		return fmt.Errorf("stop scheduler: %w", err)
	}
	return nil
}

// RegisterScheduler starts the scheduler with the server and stops it on
// shutdown. Tests that only build the routes (no http.Server) get no
// background jobs.
func RegisterScheduler(app core.App) {
	registerReminderReset(app)
	var running atomic.Pointer[scheduler]
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if se.Server == nil {
			return se.Next()
		}
		s, err := NewScheduler(se.App, SchedulerOptions{})
		if err != nil {
			return err
		}
		s.Start()
		running.Store(s)
		return se.Next()
	})
	app.OnTerminate().BindFunc(func(e *core.TerminateEvent) error {
		if s := running.Swap(nil); s != nil {
			if err := s.Stop(); err != nil {
				e.App.Logger().Error("scheduler shutdown", "error", err)
			}
		}
		return e.Next()
	})
}

func runReminders(ctx context.Context, s *scheduler, now time.Time) error {
	out, err := SendReminders(ctx, s.app, s.smsSender(), now)
	if out.Total() > 0 {
		s.app.Logger().Info("reminders", "emails", out.Emails, "sms", out.SMS,
			"to_phone", out.SansSMS, "failed", out.Echecs)
	}
	return err
}

// smsSender is the option's provider, else the instance's as it is now
// (staff may have chosen one since the server started).
func (s *scheduler) smsSender() envois.SMSSender {
	if s.sms != nil {
		return s.sms
	}
	return envois.SMSOf(s.app)
}

func runNudges(ctx context.Context, s *scheduler, now time.Time) error {
	out, err := NudgeAttendance(ctx, s.app, now)
	if out.Envoyes+out.Echecs > 0 {
		s.app.Logger().Info("attendance nudges", "sent", out.Envoyes, "failed", out.Echecs)
	}
	return err
}

func runReports(ctx context.Context, s *scheduler, now time.Time) error {
	out, err := rapports.RunMonthlyReports(ctx, s.app, now)
	if out.Generes+out.Echecs > 0 {
		s.app.Logger().Info("monthly reports", "made", out.Generes, "failed", out.Echecs, "emails", out.Emails)
	}
	return err
}

func runDailyRetention(_ context.Context, s *scheduler, now time.Time) error {
	r, err := rgpd.RunRetention(s.app, now, false)
	if r.Anonymises+r.JetonsEffaces+r.EnvoisSupprimes > 0 {
		s.app.Logger().Info("retention", "anonymised", r.Anonymises, "tokens_erased", r.JetonsEffaces,
			"messages_deleted", r.EnvoisSupprimes)
	}
	return err
}

func runWarmAgregats(ctx context.Context, s *scheduler, now time.Time) error {
	n, err := statistiques.WarmAgregats(ctx, s.app, now)
	if n > 0 {
		s.app.Logger().Info("monthly aggregates counted", "months", n)
	}
	return err
}

func runRetries(ctx context.Context, s *scheduler, now time.Time) error {
	out, err := envois.RetryMessages(ctx, s.app, s.smsSender(), now)
	if out.Envoyes+out.Echecs > 0 {
		s.app.Logger().Info("message retries", "sent", out.Envoyes, "failed", out.Echecs)
	}
	return err
}
