package model_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/model"
	"atelier/hooks/testkit"
)

// The look-ups of a registration by its personal link, by its short code
// and the check that a new code is free go through the partial unique
// indexes, not through every registration: at the scale of a region
// (3 million registrations) a scan made each public registration take
// seconds.
func TestPersonalKeysAreFoundThroughTheirIndexes(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	model.RegisterCodeInscription(app)
	recorded := testkit.RecordStatements(t, app)

	if r, err := model.FindByToken(app, testkit.SecretJeton); err != nil || r.GetString("code") != testkit.SecretCode {
		t.Fatalf("FindByToken: %v", err)
	}
	if r, err := model.FindByCode(app, strings.ToLower(testkit.SecretCode)); err != nil || r.GetString("jeton") != testkit.SecretJeton {
		t.Fatalf("FindByCode: %v", err)
	}
	seance, err := app.FindFirstRecordByFilter("seances", "id != ''")
	if err != nil {
		t.Fatal(err)
	}
	var person string
	if err := app.DB().NewQuery(`SELECT id FROM beneficiaires WHERE id NOT IN
		(SELECT beneficiaire FROM inscriptions WHERE seance = {:s}) LIMIT 1`).Bind(dbx.Params{"s": seance.Id}).Row(&person); err != nil {
		t.Fatal(err)
	}
	inscriptions, _ := app.FindCollectionByNameOrId("inscriptions")
	r := core.NewRecord(inscriptions)
	r.Load(map[string]any{"seance": seance.Id, "beneficiaire": person, "statut": "annule", "source": "conseiller"})
	// The creation's hook checks that its new code is free.
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}

	checked := map[string]bool{}
	statements := recorded()
	for _, statement := range statements {
		for _, column := range []string{"jeton", "code"} {
			if !strings.Contains(statement, "FROM `inscriptions`") || !strings.Contains(statement, "`"+column+"`='") {
				continue
			}
			if plan := testkit.QueryPlan(t, app, statement); !testkit.PlanUses(plan, "INDEX idx_inscriptions_"+column+" ") {
				t.Errorf("%s\ndoes not use idx_inscriptions_%s: %+v", statement, column, plan)
			}
			checked[statement] = true
		}
	}
	if len(checked) < 3 {
		t.Fatalf("%d look-ups by token or code seen, want 3 (token, code, free code): %q", len(checked), statements)
	}
}
