package pb_migrations

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// previousRelease is the last migration of the release before the privacy
// capability (commit 4e73ed5): an upgraded instance starts from there.
const previousRelease = "1763900004"

// An instance made by the previous release opens with the new binary: the
// migrations run forward at start, and every row it held is still there,
// column by column.
func TestUpgradeFromThePreviousRelease(t *testing.T) {
	dir := t.TempDir()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	if err := migrateUpTo(app, previousRelease); err != nil {
		t.Fatalf("previous release migrations: %v", err)
	}
	if _, err := app.FindCollectionByNameOrId("journal"); err == nil {
		t.Fatal("the previous release had no journal")
	}
	fillPreviousRelease(t, app)
	// Someone signed up on PocketBase's default users collection.
	users, err := app.FindCollectionByNameOrId("users")
	if err != nil {
		t.Fatal(err)
	}
	stranger := core.NewRecord(users)
	stranger.Load(map[string]any{"email": "inconnu@exemple.fr", "password": "un-mot-de-passe"})
	if err := app.Save(stranger); err != nil {
		t.Fatal(err)
	}
	settings := app.Settings()
	settings.Meta.AppURL = "https://ateliers.exemple.fr"
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	tables := []string{"structures", "utilisateurs", "lieux", "ateliers", "seances", "beneficiaires", "inscriptions"}
	before := map[string]tableState{}
	for _, table := range tables {
		before[table] = snapshot(t, app, table, nil)
	}
	if err := app.ResetBootstrapState(); err != nil {
		t.Fatal(err)
	}

	// The new binary starts on the same directory: all migrations run.
	upgraded := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := upgraded.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer upgraded.ResetBootstrapState()
	if err := upgraded.RunAllMigrations(); err != nil {
		t.Fatalf("upgrade: %v", err)
	}
	for _, table := range tables {
		after := snapshot(t, upgraded, table, before[table].columns)
		if after.rows != before[table].rows || after.hash != before[table].hash {
			t.Errorf("%s changed by the upgrade: %d rows → %d", table, before[table].rows, after.rows)
		}
	}
	for _, name := range []string{"journal", "parametres"} {
		if _, err := upgraded.FindCollectionByNameOrId(name); err != nil {
			t.Errorf("%s missing after the upgrade: %v", name, err)
		}
	}
	// PocketBase's default users collection (open to sign-up) is gone, and
	// the accounts of the previous release still read their people.
	if _, err := upgraded.FindCollectionByNameOrId("users"); err == nil {
		t.Error("the users collection survived the upgrade")
	}
	staff, err := upgraded.FindAuthRecordByEmail("utilisateurs", "avant@exemple.fr")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := staff.GetStringSlice("confirme_pour"), staff.GetStringSlice("structures"); len(want) != 1 || !slices.Equal(got, want) {
		t.Errorf("confirme_pour = %v after the upgrade, want the account's structures %v", got, want)
	}
	if got := upgraded.Settings().Meta.AppURL; got != "https://ateliers.exemple.fr" {
		t.Errorf("settings lost: AppURL = %q", got)
	}
	if upgraded.Settings().Backups.Cron == "" {
		t.Error("backups not enabled by the upgrade")
	}
}

// migrateUpTo applies PocketBase's migrations and the project's up to the
// one whose file name starts with last.
func migrateUpTo(app core.App, last string) error {
	list := core.MigrationsList{}
	list.Copy(core.SystemMigrations)
	for _, m := range core.AppMigrations.Items() {
		if m.File <= last+"~" { // "~" sorts after "_": 1763900004_*.go is included
			list.Register(m.Up, m.Down, m.File)
		}
	}
	_, err := core.NewMigrationsRunner(app, list).Up()
	return err
}

func fillPreviousRelease(t *testing.T, app core.App) {
	t.Helper()
	save := func(collection string, fields map[string]any) string {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Load(fields)
		if err := app.Save(r); err != nil {
			t.Fatalf("save %s: %v", collection, err)
		}
		return r.Id
	}
	structure := save("structures", map[string]any{"nom": "Médiathèque d'avant", "slug": "avant", "fuseau": "Europe/Paris",
		"adresse": "1 place de la Mairie", "code_postal": "86000", "commune": "Poitiers"})
	save("utilisateurs", map[string]any{"email": "avant@exemple.fr", "password": "mot-de-passe-avant", "nom": "Avant",
		"prenom": "Camille", "role": "conseiller", "structures": []string{structure}, "actif": true})
	lieu := save("lieux", map[string]any{"structure": structure, "nom": "Salle du haut"})
	var atelier string
	if err := app.DB().Select("id").From("ateliers").Limit(1).Row(&atelier); err != nil {
		t.Fatal(err)
	}
	seance := save("seances", map[string]any{"atelier": atelier, "structure": structure, "lieu": lieu,
		"debut": "2026-10-05 09:00:00.000Z", "fin": "2026-10-05 11:00:00.000Z", "capacite": 8, "statut": "realisee"})
	for i := range 3 {
		person := save("beneficiaires", map[string]any{"structure": structure, "prenom": "Dominique", "nom": fmt.Sprintf("Avant-%d", i),
			"telephone": fmt.Sprintf("+3361234500%d", i), "annee_naissance": 1950 + i, "genre": "feminin"})
		save("inscriptions", map[string]any{"seance": seance, "beneficiaire": person, "statut": "present", "source": "public"})
	}
}

type tableState struct {
	columns []string
	rows    int
	hash    string
}

// snapshot hashes every row of table, on the given columns (all of them
// when nil): later migrations may add columns, never change old values.
func snapshot(t *testing.T, app core.App, table string, columns []string) tableState {
	t.Helper()
	if columns == nil {
		var infos []struct {
			Name string `db:"name"`
		}
		if err := app.DB().NewQuery("SELECT name FROM pragma_table_info({:t}) ORDER BY cid").
			Bind(dbx.Params{"t": table}).All(&infos); err != nil {
			t.Fatal(err)
		}
		for _, i := range infos {
			columns = append(columns, i.Name)
		}
	}
	quoted := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = "coalesce(quote([[" + c + "]]), 'NULL')"
	}
	var lines []string
	err := app.DB().NewQuery("SELECT " + strings.Join(quoted, " || '|' || ") + " AS line FROM {{" + table + "}} ORDER BY [[id]]").
		Column(&lines)
	if err != nil {
		t.Fatalf("snapshot %s: %v", table, err)
	}
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return tableState{columns: columns, rows: len(lines), hash: fmt.Sprintf("%x", sum)}
}
