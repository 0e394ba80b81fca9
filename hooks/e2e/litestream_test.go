package e2e

import (
	"bytes"
	"database/sql"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Continuous replication with Litestream (docs/exploitation.md): the real
// binary writes registrations while the pinned Litestream (Makefile,
// LITESTREAM_VERSION) copies data.db to a file replica; both are killed
// with kill -9, the replica is restored into an empty directory as the
// operator's documentation says, Atelier starts on it, and every row of
// every table is compared with the lost server's database.

// Short intervals keep the test quick; the recovery point they give is
// reported in docs/performances.md next to the one of deploy/litestream.yml.
const (
	litestreamMonitorInterval = 100 * time.Millisecond
	litestreamSyncInterval    = 100 * time.Millisecond
)

// litestreamBinary returns the pinned Litestream built by `make
// bin/litestream` (its path is given by the Makefile in
// ATELIER_LITESTREAM); it is required in CI.
func litestreamBinary(t *testing.T) string {
	t.Helper()
	path := os.Getenv("ATELIER_LITESTREAM")
	if path == "" {
		if root, err := RepoRoot(); err == nil {
			found, _ := filepath.Glob(filepath.Join(root, "bin", "litestream-v*"))
			if len(found) > 0 {
				slices.Sort(found)
				path = found[len(found)-1]
			}
		}
	}
	if path != "" {
		if _, err := os.Stat(path); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("litestream is required in CI (make litestream): %q not found", path)
	}
	t.Skip("litestream not built: run make litestream")
	return ""
}

// litestreamProcess is a running `litestream replicate`.
type litestreamProcess struct {
	cmd  *exec.Cmd
	logs *bytes.Buffer
}

func startLitestream(t *testing.T, bin, config string) *litestreamProcess {
	t.Helper()
	p := &litestreamProcess{logs: &bytes.Buffer{}}
	p.cmd = exec.Command(bin, "replicate", "-config", config)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start litestream: %v", err)
	}
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
	})
	return p
}

// writeLitestreamConfig writes the configuration of the operator's
// example (deploy/litestream.yml) with a local file replica instead of S3.
func writeLitestreamConfig(t *testing.T, dbPath, replicaDir string) string {
	t.Helper()
	config := fmt.Sprintf(`dbs:
  - path: %s
    monitor-interval: %s
    replica:
      url: file://%s
      sync-interval: %s
`, dbPath, litestreamMonitorInterval, replicaDir, litestreamSyncInterval)
	path := filepath.Join(t.TempDir(), "litestream.yml")
	if err := os.WriteFile(path, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// restoreReplica runs the restore command of docs/exploitation.md into a
// new file and returns its path.
func restoreReplica(bin, config, dbPath, outDir string) (string, error) {
	out := filepath.Join(outDir, "data.db")
	cmd := exec.Command(bin, "restore", "-config", config, "-o", out, dbPath)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("litestream restore: %w\n%s", err, b)
	}
	return out, nil
}

// replicaListing names every file of the replica with its size: it changes
// when Litestream uploads.
func replicaListing(dir string) string {
	var b strings.Builder
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			fmt.Fprintf(&b, "%s %d\n", path, info.Size())
		}
		return nil
	})
	return b.String()
}

// tableRows reads every row of every table, each row as its columns and
// values in a sorted line. Litestream's own bookkeeping tables are left
// out: Litestream writes them itself, after the last copy it made.
func tableRows(path string) (map[string][]string, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	defer db.Close()
	names, err := db.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_litestream\\_%' ESCAPE '\\'")
	if err != nil {
		return nil, fmt.Errorf("tables of %s: %w", path, err)
	}
	var tables []string
	for names.Next() {
		var name string
		if err := names.Scan(&name); err != nil {
			names.Close()
			return nil, err
		}
		tables = append(tables, name)
	}
	names.Close()
	all := map[string][]string{}
	for _, table := range tables {
		rows, err := db.Query(`SELECT * FROM "` + table + `"`)
		if err != nil {
			return nil, fmt.Errorf("read %s of %s: %w", table, path, err)
		}
		cols, _ := rows.Columns()
		lines := []string{}
		for rows.Next() {
			values := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range values {
				ptrs[i] = &values[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return nil, err
			}
			cells := make([]string, len(cols))
			for i, c := range cols {
				cells[i] = fmt.Sprintf("%s=%v", c, values[i])
			}
			sort.Strings(cells)
			lines = append(lines, strings.Join(cells, "|"))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		sort.Strings(lines)
		all[table] = lines
	}
	return all, nil
}

// rowDifferences says, table by table, how two databases differ, naming
// rows by their id only (they hold the people's data).
func rowDifferences(want, got map[string][]string) []string {
	var diffs []string
	for table, rows := range want {
		other, ok := got[table]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("table %s is missing", table))
			continue
		}
		if slices.Equal(rows, other) {
			continue
		}
		missing, extra := setDifference(rows, other), setDifference(other, rows)
		diffs = append(diffs, fmt.Sprintf("table %s: %d rows, %d restored; missing %s; unexpected %s",
			table, len(rows), len(other), rowIDs(missing), rowIDs(extra)))
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			diffs = append(diffs, fmt.Sprintf("table %s appeared", table))
		}
	}
	sort.Strings(diffs)
	return diffs
}

// withoutAuxInit leaves out the row of _migrations recording the creation
// of auxiliary.db, after checking it is there.
func withoutAuxInit(t *testing.T, tables map[string][]string) map[string][]string {
	t.Helper()
	const auxInit = "file=1640988000_aux_init.go"
	out := make(map[string][]string, len(tables))
	found := false
	for table, rows := range tables {
		if table != "_migrations" {
			out[table] = rows
			continue
		}
		for _, r := range rows {
			if strings.HasSuffix(r, "|"+auxInit) {
				found = true
				continue
			}
			out[table] = append(out[table], r)
		}
	}
	if !found {
		t.Fatalf("no %s in _migrations", auxInit)
	}
	return out
}

// withoutDerived leaves out the monthly aggregates of the statistics and
// their marks: counted from the other tables, they change when the server
// starts (statistiques.WarmAgregats), not the data they count.
func withoutDerived(tables map[string][]string) map[string][]string {
	out := make(map[string][]string, len(tables))
	for table, rows := range tables {
		if table != "agregats" && table != "agregats_marques" {
			out[table] = rows
		}
	}
	return out
}

func setDifference(a, b []string) []string {
	in := map[string]bool{}
	for _, r := range b {
		in[r] = true
	}
	var out []string
	for _, r := range a {
		if !in[r] {
			out = append(out, r)
		}
	}
	return out
}

func rowIDs(rows []string) string {
	ids := []string{}
	for _, r := range rows {
		id := r // tables without an id (_migrations) hold no personal data
		for _, cell := range strings.Split(r, "|") {
			if v, ok := strings.CutPrefix(cell, "id="); ok {
				id = v
			}
		}
		ids = append(ids, id)
		if len(ids) == 5 {
			ids = append(ids, "…")
			break
		}
	}
	return fmt.Sprintf("%d %v", len(rows), ids)
}

func hasRegistration(path, jeton string) (bool, error) {
	n, err := countRegistrations(path, []string{jeton})
	return n == 1, err
}

// countRegistrations counts how many of these registrations the database
// at path holds.
func countRegistrations(path string, jetons []string) (int, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	found := 0
	for _, jeton := range jetons {
		var n int
		if err := db.QueryRow("SELECT count(*) FROM inscriptions WHERE jeton = ?", jeton).Scan(&n); err != nil {
			return found, fmt.Errorf("look for a registration: %w", err)
		}
		found += n
	}
	return found, nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	return sorted[int(float64(len(sorted)-1)*p)]
}

func TestLitestreamReplicaRestoresEveryRow(t *testing.T) {
	litestream := litestreamBinary(t)
	dir, seanceID := durableInstance(t)
	dbPath := filepath.Join(dir, "data.db")
	replicaDir := filepath.Join(t.TempDir(), "replica")
	config := writeLitestreamConfig(t, dbPath, replicaDir)

	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Stop() })
	ls := startLitestream(t, litestream, config)
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 16}}
	token, err := (&FormTokens{BaseURL: srv.URL}).Get(seanceID)
	if err != nil {
		t.Fatal(err)
	}
	register := func(n int64) (string, error) {
		form := registrationForm(n)
		form.Set("rendu", token)
		res, err := client.PostForm(srv.URL+"/ateliers/"+seanceID+"/inscription", form)
		if err != nil {
			return "", err
		}
		res.Body.Close()
		location := res.Header.Get("Location")
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(location, "/inscription/") {
			return "", fmt.Errorf("registration %d: %d %q", n, res.StatusCode, location)
		}
		return strings.TrimSuffix(strings.TrimPrefix(location, "/inscription/"), "?confirmation=1"), nil
	}

	// A burst: 8 people at a time, 200 registrations.
	var (
		mu           sync.Mutex
		acknowledged []string
		next         atomic.Int64
		wg           sync.WaitGroup
		failures     atomic.Int64
	)
	const burst = 200
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := next.Add(1); n <= burst; n = next.Add(1) {
				jeton, err := register(n)
				if err != nil {
					// Not acknowledged, so not owed to the person: only the
					// acknowledged registrations are followed. Litestream's
					// checkpoints write to data.db, a second writer beside
					// Atelier: a registration that read before and writes
					// after one may fail with "database is locked (517)",
					// shown to the person as an error (docs/exploitation.md).
					if failures.Add(1) == 1 {
						t.Logf("a registration of the burst failed: %v", err)
					}
					continue
				}
				mu.Lock()
				acknowledged = append(acknowledged, jeton)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	burstEnd := time.Now()
	if len(acknowledged) < burst/2 {
		t.Fatalf("%d of %d registrations of the burst acknowledged\n%s", len(acknowledged), burst, srv.Logs())
	}

	// The replica catches up with the burst: every acknowledged
	// registration is in it.
	var caughtUp time.Duration
	for {
		restored, err := restoreReplica(litestream, config, dbPath, t.TempDir())
		found := 0
		if err == nil {
			found, err = countRegistrations(restored, acknowledged)
		}
		if found == len(acknowledged) {
			caughtUp = time.Since(burstEnd)
			break
		}
		if time.Since(burstEnd) > 20*time.Second {
			t.Fatalf("the replica holds %d of %d acknowledged registrations after 20 s: %v\n%s",
				found, len(acknowledged), err, ls.logs)
		}
	}

	// The warm standby of docs/exploitation.md follows the replica from
	// now on, into its own pb_data where no Atelier runs yet.
	standbyDir := filepath.Join(t.TempDir(), "pb_data")
	if err := os.Mkdir(standbyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	standby := &litestreamProcess{logs: &bytes.Buffer{}}
	standby.cmd = exec.Command(litestream, "restore", "-f", "-follow-interval", litestreamSyncInterval.String(),
		"-config", config, "-o", filepath.Join(standbyDir, "data.db"), dbPath)
	standby.cmd.Stdout, standby.cmd.Stderr = standby.logs, standby.logs
	if err := standby.cmd.Start(); err != nil {
		t.Fatalf("start the standby: %v", err)
	}
	t.Cleanup(func() {
		if standby.cmd.ProcessState == nil {
			_ = standby.cmd.Process.Kill()
			_ = standby.cmd.Wait()
		}
	})

	// Probes, one registration at a time: the lag is the time from the
	// answer to the person until the replica holds the registration. The
	// replica is watched every 2 ms; each time it changes, a restore says
	// whether the registration is in it (the restore's own time is not
	// counted: the change was seen before).
	var lags []time.Duration
	for i := 0; len(lags) < 12; i++ {
		before := replicaListing(replicaDir)
		jeton, err := register(int64(1000 + i))
		acked := time.Now()
		if err != nil {
			if i >= 24 {
				t.Fatalf("probe registrations keep failing: %v", err)
			}
			failures.Add(1)
			continue // not acknowledged: see the burst
		}
		acknowledged = append(acknowledged, jeton)
		for {
			if time.Since(acked) > 10*time.Second {
				t.Fatalf("registration not in the replica after 10 s\n%s", ls.logs)
			}
			listing := replicaListing(replicaDir)
			if listing == before {
				time.Sleep(2 * time.Millisecond)
				continue
			}
			seen := time.Since(acked)
			before = listing
			restored, err := restoreReplica(litestream, config, dbPath, t.TempDir())
			if err != nil {
				continue // an upload in progress: the next change will tell
			}
			if ok, err := hasRegistration(restored, jeton); err == nil && ok {
				lags = append(lags, seen)
				break
			}
		}
	}

	// Writes have stopped: once the replica equals the database, the
	// server and Litestream are killed at once, as in the loss of a machine.
	settling := time.Now()
	for {
		restored, err := restoreReplica(litestream, config, dbPath, t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		want, err := tableRows(dbPath)
		if err != nil {
			t.Fatal(err)
		}
		got, err := tableRows(restored)
		if err != nil {
			t.Fatal(err)
		}
		if len(rowDifferences(want, got)) == 0 {
			break
		}
		if time.Since(settling) > 20*time.Second {
			t.Fatalf("the replica never equalled the database: %v", rowDifferences(want, got))
		}
	}
	for _, cmd := range []*exec.Cmd{srv.cmd, ls.cmd} {
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
	}
	_ = srv.cmd.Wait()
	_ = ls.cmd.Wait()

	// The documented restore, into an empty pb_data.
	newDir := filepath.Join(t.TempDir(), "pb_data")
	if err := os.Mkdir(newDir, 0o700); err != nil {
		t.Fatal(err)
	}
	restoreStart := time.Now()
	if _, err := restoreReplica(litestream, config, dbPath, newDir); err != nil {
		t.Fatal(err)
	}
	restoreTook := time.Since(restoreStart)
	want, err := tableRows(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if len(want["inscriptions"]) < len(acknowledged) {
		t.Fatalf("%d registrations in the lost database, %d acknowledged", len(want["inscriptions"]), len(acknowledged))
	}
	// Atelier runs on the restored data: every personal link answers, and
	// every row is the lost server's.
	serveRestored := func(what, pbData string) {
		t.Helper()
		got, err := tableRows(filepath.Join(pbData, "data.db"))
		if err != nil {
			t.Fatal(err)
		}
		if diffs := rowDifferences(want, got); len(diffs) > 0 {
			t.Fatalf("%s differs from the lost database:\n%s", what, strings.Join(diffs, "\n"))
		}
		again, err := Start(pbData)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for _, jeton := range acknowledged {
			res, err := client.Get(again.URL + "/inscription/" + jeton)
			if err != nil || res.StatusCode != http.StatusOK {
				t.Fatalf("%s: personal link: %v %v", what, res, err)
			}
			res.Body.Close()
		}
		if err := again.Stop(); err != nil {
			t.Fatalf("%s: stop: %v\n%s", what, err, again.Logs())
		}
		// Atelier wrote nothing on start but the new auxiliary.db's
		// creation, stamped anew in _migrations (auxiliary.db is not
		// replicated: docs/exploitation.md), and the statistics' monthly
		// aggregates, which its start-up job counts again from the rows.
		got, err = tableRows(filepath.Join(pbData, "data.db"))
		if err != nil {
			t.Fatal(err)
		}
		if diffs := rowDifferences(withoutDerived(withoutAuxInit(t, want)), withoutDerived(withoutAuxInit(t, got))); len(diffs) > 0 {
			t.Fatalf("%s, once served, differs from the lost database:\n%s", what, strings.Join(diffs, "\n"))
		}
	}
	serveRestored("the restore into an empty pb_data", newDir)

	// The standby is promoted as documented: once it has applied the last
	// copy, its follower is stopped, its position file removed, and Atelier
	// starts on it.
	standbyDB := filepath.Join(standbyDir, "data.db")
	for waited := time.Now(); ; {
		got, err := tableRows(standbyDB)
		if err == nil && len(rowDifferences(want, got)) == 0 {
			break
		}
		if time.Since(waited) > 10*time.Second {
			t.Fatalf("the standby did not catch up in 10 s: %v\n%s", err, standby.logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := standby.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := standby.cmd.Wait(); err != nil {
		t.Fatalf("the standby's follower on SIGTERM: %v\n%s", err, standby.logs)
	}
	if err := os.Remove(standbyDB + "-txid"); err != nil {
		t.Fatalf("the follower's position file: %v", err)
	}
	serveRestored("the promoted standby", standbyDir)
	rows := 0
	for _, r := range want {
		rows += len(r)
	}
	slices.Sort(lags)
	t.Logf("litestream %s: %d registrations (burst of %d, 8 at a time, %d failed in all, caught up %s after the last answer); "+
		"lag of %d single registrations: p50 %s, max %s; restore %s; %d rows in %d tables identical",
		filepath.Base(litestream), len(acknowledged), burst, failures.Load(), caughtUp.Round(time.Millisecond), len(lags),
		percentile(lags, 0.5).Round(time.Millisecond), lags[len(lags)-1].Round(time.Millisecond),
		restoreTook.Round(time.Millisecond), rows, len(want))
}
