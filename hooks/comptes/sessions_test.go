package comptes

import (
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
)

// Reset e-mails per account: one every five minutes, four a day, each
// account on its own.
func TestResetEmailsAreLimitedPerAccount(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	fake := clockwork.NewFakeClockAt(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	clock.Set(app, fake)

	if !allowReset(app, "a") {
		t.Fatal("the first e-mail is refused")
	}
	if allowReset(app, "a") {
		t.Error("a second e-mail at once")
	}
	if !allowReset(app, "b") {
		t.Error("another account waits for the first one")
	}
	fake.Advance(resetInterval - time.Second)
	if allowReset(app, "a") {
		t.Error("a second e-mail before the interval")
	}
	sent := 1
	for range 10 {
		fake.Advance(resetInterval)
		if allowReset(app, "a") {
			sent++
		}
	}
	if sent != resetPerDay {
		t.Errorf("%d e-mails in a day, want %d", sent, resetPerDay)
	}
	fake.Advance(24 * time.Hour)
	if !allowReset(app, "a") {
		t.Error("still refused the next day")
	}
}
