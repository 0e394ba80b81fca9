// Package testkit builds the test instance shared by the Go tests: an
// Atelier database with every migration applied and a small, known fixture
// of two structures, their staff, places, sessions and people. The fixture
// is built once per test binary and cloned for each test app, so tests stay
// independent and fast.
package testkit

import (
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	_ "atelier/pb_migrations" // the schema under test

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"atelier/hooks/model"
)

// ID turns a readable fixture name into a valid 15-character record id.
func ID(name string) string {
	return (name + strings.Repeat("0", 15))[:15]
}

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
	tokens       map[string]string
)

// AppURL is the fixture's public address (Application URL): every link in
// messages, PDFs and exports starts with it.
const AppURL = "https://ateliers.example.fr"

// NewApp returns a fresh test app holding the fixture. The caller registers
// the hooks it needs (hooks.Register) and the app is cleaned up with t.
func NewApp(t testing.TB) *tests.TestApp {
	t.Helper()
	dir, err := fixtureDir()
	if err != nil {
		t.Fatalf("build fixture: %v", err)
	}
	app, err := tests.NewTestApp(dir)
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	UseClock(app)
	t.Cleanup(app.Cleanup)
	return app
}

// EmptyApp returns a test app with the migrations applied and no fixture.
func EmptyApp(t testing.TB) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	UseClock(app)
	t.Cleanup(app.Cleanup)
	return app
}

// Token returns an auth token of a fixture staff member (see Staff), or
// the token InactifA or DeconnecteA had before their session ended.
func Token(t testing.TB, user string) string {
	t.Helper()
	if _, err := fixtureDir(); err != nil {
		t.Fatalf("build fixture: %v", err)
	}
	token, ok := tokens[user]
	if !ok {
		t.Fatalf("no fixture user %q", user)
	}
	return token
}

// RemoveTemplate deletes the shared fixture directory; call it from TestMain.
func RemoveTemplate() {
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
}

func fixtureDir() (string, error) {
	templateOnce.Do(func() {
		templateDir, templateErr = os.MkdirTemp("", "atelier-fixture-")
		if templateErr != nil {
			return
		}
		templateErr = buildFixture(templateDir)
	})
	return templateDir, templateErr
}

func buildFixture(dir string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "pb_test_env"})
	if err := app.Bootstrap(); err != nil {
		return fmt.Errorf("bootstrap: %w", err)
	}
	defer app.ClearBootstrap()
	UseClock(app)
	clock.Stamp(app)
	if err := app.RunAllMigrations(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	settings := app.Settings()
	settings.Meta.AppURL = AppURL
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("set the Application URL: %w", err)
	}
	if err := cheapPasswords(app); err != nil {
		return err
	}
	model.RegisterRecherche(app) // the fixture's people are searchable
	model.RegisterCodeInscription(app)
	if err := insertFixture(app); err != nil {
		return err
	}
	tokens = map[string]string{}
	for _, name := range Staff {
		user, err := app.FindRecordById("utilisateurs", ID(name))
		if err != nil {
			return fmt.Errorf("find %s: %w", name, err)
		}
		token, err := user.NewAuthToken()
		if err != nil {
			return fmt.Errorf("token %s: %w", name, err)
		}
		tokens[name] = token
	}
	return endSessions(app)
}

// Handler returns the app's HTTP handler with every route bound by the
// OnServe hooks, as `atelier serve` builds it, for tests that need several
// requests against the same app.
func Handler(t testing.TB, app core.App) http.Handler {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatalf("new router: %v", err)
	}
	var handler http.Handler
	err = app.OnServe().Trigger(&core.ServeEvent{App: app, Router: r}, func(se *core.ServeEvent) error {
		handler, err = se.Router.BuildMux()
		return err
	})
	if err != nil {
		t.Fatalf("build routes: %v", err)
	}
	// Messages recorded by a request leave after it, from a queue: the
	// tests read what the person finds a moment later.
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.ServeHTTP(w, r)
		envois.Attendre(app)
	})
}

// cheapPasswords hashes the fixture's staff passwords at bcrypt's lowest
// cost: the tests sign in hundreds of times, and at the default cost those
// comparisons were a large share of the suite's CPU on two cores. The
// migrations keep the default cost for real instances.
func cheapPasswords(app core.App) error {
	users, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("find utilisateurs: %w", err)
	}
	password, ok := users.Fields.GetByName("password").(*core.PasswordField)
	if !ok {
		return fmt.Errorf("utilisateurs has no password field")
	}
	password.Cost = bcrypt.MinCost
	if err := app.Save(users); err != nil {
		return fmt.Errorf("lower the fixture's password cost: %w", err)
	}
	return nil
}
