package pb_migrations

import (
	"strings"
	"testing"
)

// The look-ups of a person's help as the application writes them use the
// index, whatever their other conditions.
func TestAPersonsHelpIsFoundThroughTheIndex(t *testing.T) {
	app := newApp(t)
	for query, index := range map[string]string{
		"SELECT max(a.date) FROM accompagnements a WHERE a.beneficiaire = 'x'":      "idx_accompagnements_beneficiaire",
		"UPDATE accompagnements SET notes = '' WHERE beneficiaire = 'x'":            "idx_accompagnements_beneficiaire",
		"SELECT * FROM accompagnements WHERE beneficiaire = 'x' ORDER BY date DESC": "idx_accompagnements_beneficiaire",
		// the duplicates merged into a person, anonymised with them
		"SELECT * FROM beneficiaires WHERE fusionne_vers = 'x' AND anonymise = FALSE": "idx_beneficiaires_fusionne_vers",
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
			found = found || strings.Contains(step.Detail, "INDEX "+index+" ")
		}
		if !found {
			t.Errorf("%s\ndoes not use %s: %+v", query, index, plan)
		}
	}
}
