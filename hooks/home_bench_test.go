package hooks

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"

	"atelier/hooks/synth"
	"atelier/hooks/testkit"
)

// BenchmarkHomePage serves the public home page through the real router
// over 1,000 upcoming sessions (go test -bench Home ./hooks/), from the page
// cache and after a write that empties it.
func BenchmarkHomePage(b *testing.B) {
	app := testkit.EmptyApp(b)
	if _, err := synth.Load(app, synth.Sizes{Structures: 10, Seances: 1000, Inscriptions: 6000}, time.Now()); err != nil {
		b.Fatal(err)
	}
	Register(app, fstest.MapFS{"static/atelier.css": {Data: []byte("body{}")}})
	handler := testkit.Handler(b, app)
	serve := func(b *testing.B) {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.Header.Set("Accept-Encoding", "gzip")
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
	seance, err := app.FindFirstRecordByFilter("seances", "publique = true")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			serve(b)
		}
	})
	b.Run("after-write", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			b.StopTimer()
			if err := app.Save(seance); err != nil { // any write empties the cache
				b.Fatal(err)
			}
			b.StartTimer()
			serve(b)
		}
	})
}
