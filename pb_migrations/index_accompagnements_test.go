package pb_migrations

import (
	"strings"
	"testing"
)

// The look-ups of a person's help as the application writes them use the
// index, whatever their other conditions.
func TestAPersonsHelpIsFoundThroughTheIndex(t *testing.T) {
	app := newApp(t)
	for _, query := range []string{
		"SELECT max(a.date) FROM accompagnements a WHERE a.beneficiaire = 'x'",
		"UPDATE accompagnements SET notes = '' WHERE beneficiaire = 'x'",
		"SELECT * FROM accompagnements WHERE beneficiaire = 'x' ORDER BY date DESC",
	} {
		var plan []struct {
			ID     int    `db:"id"`
			Parent int    `db:"parent"`
			Unused int    `db:"notused"`
			Detail string `db:"detail"`
		}
		if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + query).All(&plan); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, step := range plan {
			found = found || strings.Contains(step.Detail, "INDEX idx_accompagnements_beneficiaire ")
		}
		if !found {
			t.Errorf("%s\ndoes not use idx_accompagnements_beneficiaire: %+v", query, plan)
		}
	}
}
