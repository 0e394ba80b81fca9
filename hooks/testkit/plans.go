package testkit

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// RecordStatements records the SQL the app runs (queries and executions,
// with their values written in) until the test ends or the returned
// function is called, which returns what was recorded.
func RecordStatements(t *testing.T, app core.App) func() []string {
	t.Helper()
	var mu sync.Mutex
	var statements []string
	recording := true
	record := func(sql string) {
		mu.Lock()
		if recording {
			statements = append(statements, sql)
		}
		mu.Unlock()
	}
	var dbs []*dbx.DB
	for _, builder := range []dbx.Builder{app.ConcurrentDB(), app.NonconcurrentDB()} {
		db, ok := builder.(*dbx.DB)
		if !ok {
			t.Fatal("the database is not a *dbx.DB")
		}
		db.QueryLogFunc = func(_ context.Context, _ time.Duration, sql string, _ *sql.Rows, _ error) { record(sql) }
		db.ExecLogFunc = func(_ context.Context, _ time.Duration, sql string, _ sql.Result, _ error) { record(sql) }
		dbs = append(dbs, db)
	}
	stop := func() []string {
		mu.Lock()
		defer mu.Unlock()
		if recording {
			recording = false
			for _, db := range dbs {
				db.QueryLogFunc, db.ExecLogFunc = nil, nil
			}
		}
		return append([]string(nil), statements...)
	}
	t.Cleanup(func() { stop() })
	return stop
}

// PlanStep is one line of SQLite's EXPLAIN QUERY PLAN.
type PlanStep struct {
	ID     int    `db:"id"`
	Parent int    `db:"parent"`
	Unused int    `db:"notused"`
	Detail string `db:"detail"`
}

// QueryPlan is how SQLite runs statement.
func QueryPlan(t *testing.T, app core.App, statement string) []PlanStep {
	t.Helper()
	var plan []PlanStep
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + statement).All(&plan); err != nil {
		t.Fatalf("plan of %s: %v", statement, err)
	}
	return plan
}

// PlanUses reports whether a step of the plan mentions what (an index
// name followed by a space, "SCAN beneficiaires"…).
func PlanUses(plan []PlanStep, what string) bool {
	for _, step := range plan {
		if strings.Contains(step.Detail+" ", what) {
			return true
		}
	}
	return false
}
