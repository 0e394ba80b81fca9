package app

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
	"time"

	"atelier/hooks/web"

	"atelier/hooks/statistiques"

	"atelier/hooks/lib/stats"
	"atelier/hooks/synth"
	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
)

// BenchmarkStatistics measures the statistics of one structure with 5,000
// activities over the past 12 months (1,000 held sessions of 6
// registrations, 4,000 one-to-one help), the goal being well under 0.5 s
// (go test -run X -bench Statistics ./hooks/).
func BenchmarkStatistics(b *testing.B) {
	app := testkit.EmptyApp(b)
	now := testkit.Now()
	if _, err := synth.Load(app, synth.Sizes{Structures: 3}, now); err != nil {
		b.Fatal(err)
	}
	structure, err := app.FindFirstRecordByData("structures", "slug", "structure-0")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := synth.History(app, structure.Id, synth.HistorySizes{Seances: 1000, ParSeance: 6, Accompagnements: 4000}, now); err != nil {
		b.Fatal(err)
	}
	today := stats.DateDe(now.In(time.UTC))
	f := stats.Filtre{Periode: stats.Periode{Du: today.AjouterMois(-11), Au: today.DernierDuMois()}}
	ids := []string{structure.Id}
	d, err := statistiques.LoadStatsData(app, ids, f.Etendue())
	if err != nil {
		b.Fatal(err)
	}
	if n := len(d.Seances) + len(d.Accompagnements); n != 5000 {
		b.Fatalf("%d activities loaded, want 5,000", n)
	}

	b.Run("load-and-compute", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d, err := statistiques.LoadStatsData(app, ids, f.Etendue())
			if err != nil {
				b.Fatal(err)
			}
			stats.Calculer(d, f)
		}
	})
	b.Run("compute", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			stats.Calculer(d, f)
		}
	})
	b.Run("activities-xlsx", func(b *testing.B) {
		x := statistiques.NewActivityExport(d, f, statistiques.Exporteur{Prenom: "Camille", Nom: "Martin", Role: "conseiller"}, now, nil)
		b.ReportAllocs()
		for b.Loop() {
			if err := statistiques.WriteActivitiesXLSX(io.Discard, x); err != nil {
				b.Fatal(err)
			}
		}
	})

	// The whole page through the router, as the structure's advisor.
	Register(app, fstest.MapFS{"static/atelier.css": {Data: []byte("body{}")}})
	handler := testkit.Handler(b, app)
	advisor, err := app.FindFirstRecordByData("utilisateurs", "email", "conseiller0@synth.test")
	if err != nil {
		b.Fatal(err)
	}
	cookie := benchCookie(b, advisor)
	b.Run("page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/espace/statistiques?periode=annee", nil)
			req.Header.Set("Cookie", cookie)
			handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}

func benchCookie(b *testing.B, staff *core.Record) string {
	token, err := staff.NewAuthToken()
	if err != nil {
		b.Fatal(err)
	}
	return web.SessionCookie + "=" + token
}
