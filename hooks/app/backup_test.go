package app_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/archive"
)

// Backups: PocketBase's backup (the one the daily schedule makes) is
// restored by the procedure of the README (stop, empty pb_data, unzip the
// archive in it, start) and gives back exactly the same data: every row of
// every table, and every stored file.

// dataFingerprint hashes every row of every table of data.db and every
// file of storage/.
func dataFingerprint(t *testing.T, app core.App) map[string]string {
	t.Helper()
	prints := map[string]string{}
	var tables []string
	if err := app.DB().NewQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Column(&tables); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery("SELECT * FROM {{" + table + "}}").All(&rows); err != nil {
			t.Fatal(err)
		}
		lines := make([]string, 0, len(rows))
		for _, r := range rows {
			cols := make([]string, 0, len(r))
			for k, v := range r {
				cols = append(cols, k+"="+v.String)
			}
			sort.Strings(cols)
			lines = append(lines, strings.Join(cols, "|"))
		}
		sort.Strings(lines)
		prints["table "+table] = fmt.Sprintf("%d rows %x", len(rows), sha256.Sum256([]byte(strings.Join(lines, "\n"))))
	}
	storage := filepath.Join(app.DataDir(), "storage")
	_ = filepath.WalkDir(storage, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(storage, path)
		prints["file "+rel] = fmt.Sprintf("%x", sha256.Sum256(b))
		return nil
	})
	return prints
}

func TestBackupAndRestoreRoundTrip(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	c := rgpdCase(t, app, testkit.Now()) // people, sessions, help, an attestation PDF…
	before := dataFingerprint(t, app)
	if before["file "+filepath.Join(c.Attestation.BaseFilesPath(), c.Attestation.GetString("pdf"))] == "" {
		t.Fatal("the attestation file is not in storage/")
	}
	if err := app.CreateBackup(context.Background(), "sauvegarde.zip"); err != nil {
		t.Fatal(err)
	}
	dataDir := app.DataDir()
	archivePath := filepath.Join(t.TempDir(), "sauvegarde.zip")
	if err := os.Rename(filepath.Join(dataDir, core.LocalBackupsDirName, "sauvegarde.zip"), archivePath); err != nil {
		t.Fatal(err)
	}

	// The disaster: the server stops and pb_data is lost.
	if err := app.ResetBootstrapState(); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(dataDir); err != nil {
		t.Fatal(err)
	}
	// The restore of the README: unzip the archive into an empty pb_data.
	if err := archive.Extract(archivePath, dataDir); err != nil {
		t.Fatal(err)
	}
	restored := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir})
	if err := restored.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer restored.ResetBootstrapState()
	if err := restored.RunAllMigrations(); err != nil {
		t.Fatalf("start after restore: %v", err)
	}
	after := dataFingerprint(t, restored)
	for key, want := range before {
		if after[key] != want {
			t.Errorf("%s: %s after the restore, %s before", key, after[key], want)
		}
	}
	for key := range after {
		if _, ok := before[key]; !ok {
			t.Errorf("%s appeared with the restore", key)
		}
	}
	if p, err := restored.FindRecordById("beneficiaires", c.Person.Id); err != nil || p.GetString("nom") != deltaNom {
		t.Errorf("Delta after the restore: %v %v", p, err)
	}
}
