package envois

import (
	"os"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// The first attempt of a message recorded with the change that caused it
// (a public registration) is made after the commit, by a few workers, not
// in the person's request: an SMTP server or an SMS provider may take
// seconds, and the registration is done whether the message leaves or not.
// Nothing is lost when the process stops: the message is in envois,
// « en_attente », from the commit on. On SIGTERM the workers finish what
// is queued before the database closes; after a kill -9 (or a queue
// full), the retry job sends what is still « en_attente » (RetryMessages,
// stuckAfter).

// Depart is a recorded message waiting for its first attempt.
type Depart struct {
	envoi *core.Record
	canal string
	n     Notification
}

const (
	fileKey      = "atelier.envois.file"
	fileWorkers  = 4
	fileCapacite = 10_000
)

type file struct {
	mu      sync.Mutex
	idle    *sync.Cond
	items   []*Depart
	running int
	closed  bool
}

func fileOf(app core.App) *file {
	return app.Store().GetOrSet(fileKey, func() any {
		f := &file{}
		f.idle = sync.NewCond(&f.mu)
		return f
	}).(*file)
}

// Envoyer queues the first attempt of messages whose record has been
// committed. Call it after the commit: a rolled back message must never
// leave.
func Envoyer(app core.App, departs ...*Depart) {
	f := fileOf(app)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, d := range departs {
		if d == nil {
			continue
		}
		if f.closed || len(f.items) >= fileCapacite {
			// Left « en_attente »: the retry job sends it.
			app.Logger().Warn("message queue full or closed, left to the retry job", "envoi", d.envoi.Id)
			continue
		}
		f.items = append(f.items, d)
		if f.running < fileWorkers {
			f.running++
			go f.work(app)
		}
	}
}

// work sends queued messages until none is left; workers only live while
// there is something to send.
func (f *file) work(app core.App) {
	for {
		f.mu.Lock()
		if len(f.items) == 0 {
			f.running--
			if f.running == 0 {
				f.idle.Broadcast()
			}
			f.mu.Unlock()
			return
		}
		d := f.items[0]
		f.items[0] = nil
		f.items = f.items[1:]
		f.mu.Unlock()
		if err := Dispatch(app, SMSOf(app), d.envoi, d.canal, d.n); err != nil && !injoignable(err) {
			app.Logger().Warn("message to a person", "envoi", d.envoi.Id, "canal", d.canal, "error", err)
		}
	}
}

// Attendre returns once every queued message has had its first attempt
// (tests read what a person would find a moment later).
func Attendre(app core.App) {
	f := fileOf(app)
	f.mu.Lock()
	for f.running > 0 || len(f.items) > 0 {
		f.idle.Wait()
	}
	f.mu.Unlock()
}

// drain refuses new messages and waits for the queued ones, at most
// timeout; it tells whether every one had its attempt.
func (f *file) drain(timeout time.Duration) bool {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	done := make(chan struct{})
	go func() {
		f.mu.Lock()
		for f.running > 0 {
			f.idle.Wait()
		}
		f.mu.Unlock()
		close(done)
	}()
	select {
	case <-done:
		return true
	case <-time.After(timeout):
		return false
	}
}

// drainTimeout is the longest a stop waits for queued messages.
func drainTimeout() time.Duration {
	if d, err := time.ParseDuration(os.Getenv("ATELIER_ARRET_DELAI")); err == nil && d >= 0 {
		return d
	}
	return 20 * time.Second
}

// RegisterFile makes a stop (SIGTERM) send the queued messages before the
// database closes: after the requests in flight are answered (they may
// queue more, see web.RegisterGracefulShutdown).
func RegisterFile(app core.App) {
	app.OnTerminate().Bind(&hook.Handler[*core.TerminateEvent]{
		Id:       "atelierDrainMessages",
		Priority: -9997,
		Func: func(e *core.TerminateEvent) error {
			if !fileOf(e.App).drain(drainTimeout()) {
				e.App.Logger().Warn("shutdown: messages still being sent after the delay, left to the retry job")
			}
			return e.Next()
		},
	})
}
