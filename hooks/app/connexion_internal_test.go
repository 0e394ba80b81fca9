package app

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Every connection of both databases keeps PocketBase's pragmas, with a
// small page cache (the operating system keeps the file cache).
func TestConnectionsKeepASmallPageCache(t *testing.T) {
	t.Parallel()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: filepath.Join(t.TempDir(), "pb_data"), DBConnect: DBConnect})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	want := map[string]string{
		"cache_size":   fmt.Sprint(-DBCacheKiB),
		"busy_timeout": "10000",
		"journal_mode": "wal",
		"synchronous":  "1", // NORMAL
		"foreign_keys": "1",
		"temp_store":   "2", // MEMORY
	}
	for name, db := range map[string]dbx.Builder{"data": app.ConcurrentDB(), "data, writes": app.NonconcurrentDB(),
		"auxiliary": app.AuxConcurrentDB(), "auxiliary, writes": app.AuxNonconcurrentDB()} {
		for pragma, value := range want {
			var got string
			if err := db.NewQuery("PRAGMA " + pragma).Row(&got); err != nil || got != value {
				t.Errorf("%s: PRAGMA %s = %q (%v), want %q", name, pragma, got, err, value)
			}
		}
	}
}
