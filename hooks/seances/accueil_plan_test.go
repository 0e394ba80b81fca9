package seances_test

import (
	"strings"
	"testing"

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
	recorded := testkit.RecordStatements(t, app)
	filters := []seances.HomeFilter{{Semaines: seances.HomeWeeks}, {Semaines: 2, Besoin: "email"}, {Semaines: seances.HomeWeeks, Page: 2}}
	for _, f := range filters {
		if _, err := seances.LoadHome(app, f, clock.Now(app)); err != nil {
			t.Fatal(err)
		}
	}
	seen := recorded()

	checked := 0
	for _, statement := range seen {
		if !strings.Contains(statement, "s.publique = TRUE") {
			continue
		}
		checked++
		plan := testkit.QueryPlan(t, app, statement)
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
