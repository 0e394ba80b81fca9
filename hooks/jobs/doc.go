// Package jobs is the scheduler (gocron, on the app's clock) and the
// scheduled jobs: reminders, attendance nudges, monthly reports, retries of
// failed messages and the nightly retention.
package jobs
