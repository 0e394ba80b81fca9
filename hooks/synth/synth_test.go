package synth

import (
	"testing"
	"time"

	_ "atelier/pb_migrations"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"
)

func TestLoadProducesTheRequestedSizes(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	summary, err := Load(app, Sizes{Structures: 3, Seances: 20, Inscriptions: 40, Accompagnements: 30}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Structures: 3, Seances: 20, Beneficiaires: 40, Inscriptions: 40, Accompagnements: 30}
	if summary != want {
		t.Fatalf("summary = %+v, want %+v", summary, want)
	}
	var upcoming int
	if err := app.DB().Select("count(*)").From("seances").
		Where(dbx.NewExp("publique = true AND statut = 'planifiee' AND debut > {:now} AND debut < {:limit}",
			dbx.Params{"now": now.Format("2006-01-02 15:04:05.000Z"), "limit": now.AddDate(0, 0, 57).Format("2006-01-02 15:04:05.000Z")})).
		Row(&upcoming); err != nil {
		t.Fatal(err)
	}
	if upcoming != 20 {
		t.Fatalf("%d upcoming public sessions in the next 8 weeks, want 20", upcoming)
	}
	// registrations stay within the session's structure
	var mismatched int
	if err := app.DB().NewQuery(`SELECT count(*) FROM inscriptions i JOIN seances s ON s.id = i.seance
		JOIN beneficiaires b ON b.id = i.beneficiaire WHERE s.structure != b.structure`).Row(&mismatched); err != nil {
		t.Fatal(err)
	}
	if mismatched != 0 {
		t.Fatalf("%d registrations cross structures", mismatched)
	}
}

func TestHistoryAddsPastActivityToOneStructure(t *testing.T) {
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer app.Cleanup()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	if _, err := Load(app, Sizes{Structures: 2}, now); err != nil {
		t.Fatal(err)
	}
	structure, err := app.FindFirstRecordByData("structures", "slug", "structure-0")
	if err != nil {
		t.Fatal(err)
	}
	summary, err := History(app, structure.Id, HistorySizes{Seances: 10, ParSeance: 4, Accompagnements: 30}, now)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Seances: 10, Beneficiaires: 40, Inscriptions: 40, Accompagnements: 30}
	if summary != want {
		t.Fatalf("summary = %+v, want %+v", summary, want)
	}
	var held, help, elsewhere int
	err = app.DB().NewQuery(`SELECT
			(SELECT count(*) FROM seances WHERE structure = {:s} AND statut = 'realisee' AND debut < {:now} AND debut > {:year}),
			(SELECT count(*) FROM accompagnements WHERE structure = {:s} AND date <= {:now} AND date > {:year}),
			(SELECT count(*) FROM seances WHERE structure != {:s} AND statut = 'realisee')`).
		Bind(dbx.Params{"s": structure.Id, "now": now.Format("2006-01-02 15:04:05.000Z"),
			"year": now.AddDate(-1, 0, 0).Format("2006-01-02 15:04:05.000Z")}).Row(&held, &help, &elsewhere)
	if err != nil {
		t.Fatal(err)
	}
	if held != 10 || help != 30 || elsewhere != 0 {
		t.Fatalf("%d held sessions, %d help in the past year of structure-0, %d held elsewhere", held, help, elsewhere)
	}
}
