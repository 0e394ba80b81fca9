package app

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/statistiques"
	"atelier/hooks/synth"
	"atelier/hooks/testkit"
)

// BenchmarkOverview measures the coordinateur's overview of 500
// structures, each with a year of activity (11 held sessions of 4
// registrations and 22 one-to-one help over 330 days: about 2 sessions and
// 4 help in the two months shown): the figures (LoadApercu) and the whole
// page through the router (go test -run X -bench Overview ./hooks/app/).
// The queries do not grow with the structures: one for the structures,
// the statistics loader's, one grouped count.
func BenchmarkOverview(b *testing.B) {
	structures := 500
	if n, err := strconv.Atoi(os.Getenv("ATELIER_BENCH_STRUCTURES")); err == nil && n > 0 {
		structures = n // a smaller run while working on it
	}
	app := testkit.EmptyApp(b)
	now := testkit.Now()
	if _, err := synth.Load(app, synth.Sizes{Structures: structures}, now); err != nil {
		b.Fatal(err)
	}
	all, err := app.FindAllRecords("structures")
	if err != nil || len(all) != structures {
		b.Fatalf("%d structures: %v", len(all), err)
	}
	for _, s := range all {
		if _, err := synth.History(app, s.Id, synth.HistorySizes{Seances: 11, ParSeance: 4, Accompagnements: 22}, now); err != nil {
			b.Fatal(err)
		}
	}
	rows, err := statistiques.LoadApercu(app, now)
	if err != nil || len(rows) != structures {
		b.Fatalf("%d rows: %v", len(rows), err)
	}
	b.Run("figures", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := statistiques.LoadApercu(app, now); err != nil {
				b.Fatal(err)
			}
		}
	})

	Register(app, fstest.MapFS{"static/atelier.css": {Data: []byte("body{}")}})
	handler := testkit.Handler(b, app)
	users, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		b.Fatal(err)
	}
	coord := core.NewRecord(users)
	coord.Load(map[string]any{"email": "coordination@synth.test", "password": "synthetique-0000", "verified": true,
		"nom": "Coordination", "prenom": "Camille", "role": "coordinateur", "actif": true})
	if err := app.Save(coord); err != nil {
		b.Fatal(err)
	}
	cookie := benchCookie(b, coord)
	b.Run("page", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			rec := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, "/espace/statistiques/structures?tri=accompagnements&ordre=desc", nil)
			req.Header.Set("Cookie", cookie)
			handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("status %d", rec.Code)
			}
		}
	})
}
