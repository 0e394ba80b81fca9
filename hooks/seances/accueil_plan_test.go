package seances_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"atelier/hooks/clock"
	"atelier/hooks/seances"
	"atelier/hooks/testkit"
)

// The home page reads the range of upcoming public sessions once per query,
// never once per place or structure: with a region's 1,000 places and
// 10,000 upcoming sessions, reading the range per place took a second, and
// 50 visitors at once then waited past 10 s.
func TestHomeReadsTheUpcomingSessionsOncePerQuery(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	var mu sync.Mutex
	var statements []string
	for _, builder := range []dbx.Builder{app.ConcurrentDB(), app.NonconcurrentDB()} {
		db, ok := builder.(*dbx.DB)
		if !ok {
			t.Fatal("the database is not a *dbx.DB")
		}
		db.QueryLogFunc = func(_ context.Context, _ time.Duration, sql string, _ *sql.Rows, _ error) {
			mu.Lock()
			statements = append(statements, sql)
			mu.Unlock()
		}
		defer func() { db.QueryLogFunc = nil }()
	}
	filters := []seances.HomeFilter{{Semaines: seances.HomeWeeks}, {Semaines: 2, Besoin: "email"}, {Semaines: seances.HomeWeeks, Page: 2}}
	for _, f := range filters {
		if _, err := seances.LoadHome(app, f, clock.Now(app)); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	seen := append([]string(nil), statements...)
	mu.Unlock()

	checked := 0
	for _, statement := range seen {
		if !strings.Contains(statement, "s.publique = TRUE") {
			continue
		}
		checked++
		var plan []struct {
			ID     int    `db:"id"`
			Parent int    `db:"parent"`
			Unused int    `db:"notused"`
			Detail string `db:"detail"`
		}
		if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + statement).All(&plan); err != nil {
			t.Fatalf("plan of %s: %v", statement, err)
		}
		correlated := map[int]bool{}
		for _, step := range plan { // parents come before their children
			correlated[step.ID] = correlated[step.Parent] || strings.Contains(step.Detail, "CORRELATED")
			if correlated[step.ID] && strings.Contains(step.Detail, "idx_seances_public_upcoming") {
				t.Errorf("%s\nreads the upcoming sessions once per row of another table: %+v", statement, plan)
			}
		}
	}
	if checked < 4 {
		t.Fatalf("%d queries over the upcoming public sessions seen, want at least 4: %q", checked, seen)
	}
}
