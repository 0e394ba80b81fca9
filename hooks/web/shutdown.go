package web

import (
	"os"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// drainTimeout is the longest Atelier waits for requests in flight.
func drainTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("ATELIER_ARRET_DELAI")); err == nil && d >= 0 {
		return d
	}
	return 20 * time.Second
}

type inFlight struct{ n atomic.Int64 }

// middleware counts the request while it runs.
func (f *inFlight) middleware() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "atelierInFlight",
		Priority: -100000, // outermost: counts the whole request
		Func: func(e *core.RequestEvent) error {
			if e.Request.URL.Path == "/api/realtime" {
				return e.Next() // a subscription lasts until the client leaves; it ends with the server
			}
			f.n.Add(1)
			defer f.n.Add(-1)
			return e.Next()
		},
	}
}

// wait returns once no request is in flight, or after timeout.
func (f *inFlight) wait(timeout time.Duration) bool {
	deadline := time.After(timeout)
	for f.n.Load() > 0 {
		select {
		case <-deadline:
			return false
		case <-time.After(10 * time.Millisecond):
		}
	}
	return true
}

func RegisterGracefulShutdown(app core.App) {
	requests := &inFlight{}
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(requests.middleware())
		return se.Next()
	})
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id: "atelierDrainRequests",
		// After PocketBase's own shutdown (-9999), which stops listening,
		// and before the database is closed at the end of the chain.
		Priority: -9998,
		Func: func(e *core.TerminateEvent) error {
			if e.IsRestart {
				// A restore from /_/ restarts on the restored data: what
				// requests still write goes to the replaced files anyway.
				return e.Next()
			}
			if !requests.wait(drainTimeout()) {
				e.App.Logger().Warn("shutdown: requests still running after the delay", "requests", requests.n.Load())
			}
			return e.Next()
		},
	})
}
