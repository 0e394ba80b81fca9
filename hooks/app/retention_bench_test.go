package app

import (
	"testing"
	"testing/fstest"

	"atelier/hooks/lieux"

	"atelier/hooks/rgpd"

	"atelier/hooks/synth"
	"atelier/hooks/testkit"
)

// BenchmarkRetention anonymises every person of a synthetic instance (1,000
// people with their registrations and one-to-one help), as the daily job
// does when they all fell inactive: go test -run X -bench Retention ./hooks/
func BenchmarkRetention(b *testing.B) {
	const people = 1000
	for b.Loop() {
		b.StopTimer()
		app := testkit.EmptyApp(b)
		now := testkit.Now()
		if _, err := synth.Load(app, synth.Sizes{Structures: 5, Seances: 100, Inscriptions: people, Accompagnements: 500}, now); err != nil {
			b.Fatal(err)
		}
		Register(app, fstest.MapFS{"static/atelier.css": {Data: []byte("body{}")}})
		b.StartTimer()
		report, err := rgpd.RunRetention(app, now.AddDate(3, 0, 0), false) // three years on: everybody is inactive
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if report.Anonymises != people {
			b.Fatalf("anonymised %d, want %d", report.Anonymises, people)
		}
		app.Cleanup()
		b.StartTimer()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*people)/1000, "ms/personne")
}

// BenchmarkOpenData builds the open data export of 200 structures.
func BenchmarkOpenData(b *testing.B) {
	app := testkit.EmptyApp(b)
	if _, err := synth.Load(app, synth.Sizes{Structures: 200, Seances: 2000, Inscriptions: 2000, Accompagnements: 4000}, testkit.Now()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := lieux.OpenDataLieux(app, "https://ateliers.exemple.fr", testkit.Now()); err != nil {
			b.Fatal(err)
		}
	}
}
