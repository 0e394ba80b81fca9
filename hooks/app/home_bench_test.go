package app

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"atelier/hooks/clock"
	"atelier/hooks/synth"
	"atelier/hooks/testkit"
	"atelier/hooks/web"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// BenchmarkHomePage serves the public home page through the real router
// over 1,000 upcoming sessions (go test -bench Home ./hooks/), from the page
// cache and after a write that empties it.
func BenchmarkHomePage(b *testing.B) {
	app := testkit.EmptyApp(b)
	if _, err := synth.Load(app, synth.Sizes{Structures: 10, Seances: 1000, Inscriptions: 6000}, testkit.Now()); err != nil {
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

// BenchmarkRegistration posts the public form as new people through the
// real router, one after the other and from 50 goroutines (where
// registrations are decided in batches); compare with BenchmarkBaselineCreate.
func BenchmarkRegistration(b *testing.B) {
	app := testkit.EmptyApp(b)
	if _, err := synth.Load(app, synth.Sizes{Structures: 2, Seances: 50, Inscriptions: 100}, testkit.Now()); err != nil {
		b.Fatal(err)
	}
	Register(app, fstest.MapFS{"static/atelier.css": {Data: []byte("body{}")}})
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		b.Fatal(err)
	}
	handler := testkit.Handler(b, app)
	var ids []string
	if err := app.DB().Select("id").From("seances").Where(dbx.NewExp("publique = TRUE AND inscriptions_ouvertes = TRUE")).Column(&ids); err != nil || len(ids) == 0 {
		b.Fatal(err)
	}
	var counter atomic.Int64
	post := func(b *testing.B) {
		i := counter.Add(1)
		seance := ids[int(i)%len(ids)]
		// The form as a browser sends it back: shown a minute ago (its
		// signed render time), from its own address (places per IP).
		rendu, err := web.RenduSigne(app, seance, clock.Now(app).Add(-time.Minute))
		if err != nil {
			b.Fatal(err)
		}
		form := url.Values{"prenom": {"Bench"}, "nom": {"Personne"}, "telephone": {fmt.Sprintf("+3375%07d", i)},
			"consentement": {"1"}, "rendu": {rendu}}
		req := httptest.NewRequest(http.MethodPost, "/ateliers/"+seance+"/inscription", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.RemoteAddr = fmt.Sprintf("10.%d.%d.%d:40000", i>>16&255, i>>8&255, i&255)
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusSeeOther {
			b.Errorf("status %d", rec.Code)
		}
	}
	b.Run("sequential", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			post(b)
		}
	})
	b.Run("parallel-50", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(25)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				post(b)
			}
		})
	})
}

// BenchmarkBaselineCreate is bare PocketBase record creation through the
// REST API on the same router: the yardstick of BenchmarkRegistration.
func BenchmarkBaselineCreate(b *testing.B) {
	app := testkit.EmptyApp(b)
	Register(app, fstest.MapFS{})
	collection := core.NewBaseCollection("bench_baseline")
	collection.Fields.Add(&core.TextField{Name: "titre"}, &core.TextField{Name: "texte"})
	public := ""
	collection.CreateRule = &public
	if err := app.Save(collection); err != nil {
		b.Fatal(err)
	}
	settings := app.Settings()
	settings.RateLimits.Enabled = false
	if err := app.Save(settings); err != nil {
		b.Fatal(err)
	}
	handler := testkit.Handler(b, app)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		body := fmt.Sprintf(`{"titre":"Enregistrement %d","texte":"Un texte court de référence."}`, i)
		req := httptest.NewRequest(http.MethodPost, "/api/collections/bench_baseline/records", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body.String())
		}
	}
}

// BenchmarkSessionPage serves a public session page with its form through
// the real router: from the page cache, with a new signed token in each
// copy, compressed as browsers ask.
func BenchmarkSessionPage(b *testing.B) {
	app := testkit.EmptyApp(b)
	if _, err := synth.Load(app, synth.Sizes{Structures: 2, Seances: 50, Inscriptions: 100}, testkit.Now()); err != nil {
		b.Fatal(err)
	}
	Register(app, fstest.MapFS{"static/atelier.css": {Data: []byte("body{}")}})
	handler := testkit.Handler(b, app)
	seance, err := app.FindFirstRecordByFilter("seances", "publique = true && inscriptions_ouvertes = true")
	if err != nil {
		b.Fatal(err)
	}
	for _, encoding := range []string{"gzip", "identity"} {
		b.Run(encoding, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest(http.MethodGet, "/ateliers/"+seance.Id, nil)
				req.Header.Set("Accept-Encoding", encoding)
				handler.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
