// Package clock is the application's one source of the current time.
//
// Every rule that depends on "now" (registration deadlines, upcoming lists,
// reminders, nudges, reports, retention, issue dates) reads it from the
// clock attached to the app, never from time.Now: tests attach a clock set
// to any instant and the whole application follows it.
package clock

import (
	"os"
	"sync"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Clock is the clockwork interface: the scheduler (gocron) runs on it too.
type Clock = clockwork.Clock

const storeKey = "atelier.clock"

var real = clockwork.NewRealClock()

// Of returns the clock attached to app, or the real clock.
func Of(app core.App) Clock {
	if app != nil {
		if c, ok := app.Store().Get(storeKey).(Clock); ok {
			return c
		}
	}
	return real
}

// Now is the current instant for app.
func Now(app core.App) time.Time { return Of(app).Now() }

// Set attaches c to app: every reading of the time for that app uses it.
func Set(app core.App, c Clock) { app.Store().Set(storeKey, c) }

// Shifted is a clock that runs at the real pace from start: timers and
// sleeps behave as usual, only the readings are moved.
func Shifted(start time.Time) Clock {
	return shifted{Clock: real, offset: start.Sub(real.Now())}
}

type shifted struct {
	Clock
	offset time.Duration
}

func (s shifted) Now() time.Time                  { return s.Clock.Now().Add(s.offset) }
func (s shifted) Since(t time.Time) time.Duration { return s.Now().Sub(t) }
func (s shifted) Until(t time.Time) time.Duration { return t.Sub(s.Now()) }

// TestNowVariable names the environment variable (RFC 3339) that sets the
// reference instant of the in-process tests.
const TestNowVariable = "ATELIER_TEST_NOW"

var (
	referenceOnce sync.Once
	reference     time.Time
	referenceErr  error
)

// Reference is the instant the test fixtures start from: ATELIER_TEST_NOW
// when set, otherwise the real time when first asked, once per process.
func Reference() (time.Time, error) {
	referenceOnce.Do(func() {
		reference = real.Now()
		value := os.Getenv(TestNowVariable)
		if value == "" {
			return
		}
		reference, referenceErr = time.Parse(time.RFC3339, value)
	})
	return reference, referenceErr
}

// Stamp makes the records' created and updated dates follow app's clock
// when it is not the real one: rules compare them with Now (late
// registrations, retries, double submits), and PocketBase would otherwise
// stamp them with the real time. With the real clock nothing changes.
func Stamp(app core.App) {
	stamp := func(e *core.RecordEvent, fields ...string) error {
		c := Of(e.App)
		if c == real {
			return e.Next()
		}
		now, err := types.ParseDateTime(c.Now())
		if err != nil {
			return err
		}
		for _, name := range fields {
			if f, ok := e.Record.Collection().Fields.GetByName(name).(*core.AutodateField); ok && touches(f, e.Record.IsNew()) {
				if !e.Record.GetDateTime(name).IsZero() && e.Record.IsNew() {
					continue // a date set on purpose is kept, as PocketBase does
				}
				e.Record.SetRaw(name, now)
			}
		}
		return e.Next()
	}
	app.OnRecordCreateExecute().BindFunc(func(e *core.RecordEvent) error { return stamp(e, "created", "updated") })
	app.OnRecordUpdateExecute().BindFunc(func(e *core.RecordEvent) error { return stamp(e, "updated") })
}

func touches(f *core.AutodateField, create bool) bool {
	if create {
		return f.OnCreate
	}
	return f.OnUpdate
}
