package pb_migrations

import (
	"regexp"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/codeperso"
)

// The registrations of an upgraded instance get their short code when their
// personal link still works; one whose token was erased stays without.
func TestExistingRegistrationsGetACode(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	if err := migrateUpTo(app, "1763900012"); err != nil {
		t.Fatal(err)
	}
	fillPreviousRelease(t, app)
	var erased string
	if err := app.DB().Select("id").From("inscriptions").OrderBy("id").Limit(1).Row(&erased); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Update("inscriptions", dbx.Params{"jeton": ""}, dbx.HashExp{"id": erased}).Execute(); err != nil {
		t.Fatal(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatal(err)
	}
	var rows []struct {
		ID   string `db:"id"`
		Code string `db:"code"`
	}
	if err := app.DB().Select("id", "code").From("inscriptions").All(&rows); err != nil {
		t.Fatal(err)
	}
	form := regexp.MustCompile(codeperso.Motif)
	seen := map[string]bool{}
	for _, r := range rows {
		switch {
		case r.ID == erased && r.Code != "":
			t.Errorf("registration without a personal link got code %q", r.Code)
		case r.ID != erased && !form.MatchString(r.Code):
			t.Errorf("registration %s: code %q", r.ID, r.Code)
		case r.Code != "" && seen[r.Code]:
			t.Errorf("code %s given twice", r.Code)
		}
		seen[r.Code] = true
	}
	if len(rows) != 3 {
		t.Fatalf("%d registrations", len(rows))
	}
	limits := app.Settings().RateLimits
	for _, label := range []string{"/i", "/i/7K3M-Q9PX"} {
		rule, ok := limits.FindRateLimitRule([]string{"GET " + label, label}, core.RateLimitRuleAudienceAll)
		if !ok || rule.MaxRequests > 30 {
			t.Errorf("%s: rule %+v, found %v", label, rule, ok)
		}
	}
}
