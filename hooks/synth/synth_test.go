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
