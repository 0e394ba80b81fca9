package testkit

import (
	"sync"
	"time"

	"atelier/hooks/clock"

	"github.com/pocketbase/pocketbase/core"
)

var (
	clockOnce sync.Once
	testClock clock.Clock
)

// Clock is the clock of every in-process test: it starts at the reference
// instant (ATELIER_TEST_NOW, or the real now) and runs at the real pace.
// The fixture, the test apps and the tests' own dates all read it, so the
// suite behaves the same whatever the day.
func Clock() clock.Clock {
	clockOnce.Do(func() {
		start, err := clock.Reference()
		if err != nil {
			panic("testkit: " + clock.TestNowVariable + " is not an RFC 3339 instant: " + err.Error())
		}
		testClock = clock.Shifted(start)
	})
	return testClock
}

// Now is the tests' current instant (see Clock).
func Now() time.Time { return Clock().Now() }

// UseClock attaches the tests' clock to app.
func UseClock(app core.App) { clock.Set(app, Clock()) }
