package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/e2e"
	"atelier/hooks/lib/texte"
	"atelier/hooks/statistiques"
	"atelier/hooks/synth"
)

// make bench-scale: a whole region (synth.Region) at three sizes, each
// built once and kept in a cache, copied to a temporary directory and
// served by the real binary; one table, a column per size, the goal and
// how each figure grows from one size to the next (the data grow tenfold).

const (
	scaleSeed          = 1
	scaleSearchRounds  = 3
	scaleStatsRequests = 5
	scaleSuperuser     = "bench-scale@bench.test"
	scalePassword      = "bench-scale-0000"
)

var defaultScaleSizes = []float64{0.01, 0.1, 1}

// scaleSizes reads BENCH_SCALE_SIZES ("0.01,0.1"), else the three sizes.
func scaleSizes() ([]float64, error) {
	env := strings.TrimSpace(os.Getenv("BENCH_SCALE_SIZES"))
	if env == "" {
		return defaultScaleSizes, nil
	}
	var sizes []float64
	for _, part := range strings.Split(env, ",") {
		v, err := strconv.ParseFloat(strings.TrimSpace(part), 64)
		if err != nil || v <= 0 || v > 1 {
			return nil, fmt.Errorf("BENCH_SCALE_SIZES: %q is not a size in (0, 1]", part)
		}
		sizes = append(sizes, v)
	}
	return sizes, nil
}

func runScale() error {
	sizes, err := scaleSizes()
	if err != nil {
		return err
	}
	t := &scaleTable{sizes: sizes}
	for _, size := range sizes {
		if err := measureSize(t, size); err != nil {
			return fmt.Errorf("size %s: %w", sizeLabel(size), err)
		}
	}
	t.print(os.Stdout)
	return nil
}

// regionMeta is kept next to a cached region.
type regionMeta struct {
	Built      time.Time
	Seconds    float64 // generation, wall clock
	CPUSeconds float64 // generation, user and system time of this process
	// AgregatsSeconds is the statistics' monthly aggregates counted from
	// scratch after the bulk load, which its triggers only marked stale.
	AgregatsSeconds float64
	Summary         synth.RegionSummary
	Migrations      string
}

// cachedRegion returns the directory of the region of this size, built now
// if the cache has none for today (the region's history ends at the day it
// was built: upcoming sessions, retention) and the current migrations.
func cachedRegion(size float64) (string, regionMeta, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = ".cache"
	}
	now := time.Now().UTC()
	key := fmt.Sprintf("v%d-seed%d-scale%g-%s-%s", synth.RegionVersion, scaleSeed, size, now.Format("2006-01-02"), migrationsKey())
	dir := filepath.Join(base, "atelier-bench-scale", key)
	var meta regionMeta
	if raw, err := os.ReadFile(filepath.Join(dir, "region.json")); err == nil && json.Unmarshal(raw, &meta) == nil {
		fmt.Fprintf(os.Stderr, "region %s: reusing %s\n", sizeLabel(size), dir)
		return dir, meta, nil
	}
	_ = os.RemoveAll(dir)
	building := dir + ".building"
	_ = os.RemoveAll(building)
	if err := os.MkdirAll(building, 0o755); err != nil {
		return "", meta, err
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: building})
	if err := app.Bootstrap(); err != nil {
		return "", meta, err
	}
	if err := app.RunAllMigrations(); err != nil {
		app.ResetBootstrapState()
		return "", meta, err
	}
	fmt.Fprintf(os.Stderr, "region %s: writing…\n", sizeLabel(size))
	start, cpu := time.Now(), cpuTime()
	last := time.Now()
	summary, err := synth.RegionProgress(app, scaleSeed, size, now, func(done, total int) {
		if time.Since(last) > 10*time.Second || done == total {
			last = time.Now()
			fmt.Fprintf(os.Stderr, "  %d/%d structures, %s\n", done, total, time.Since(start).Round(time.Second))
		}
	})
	if err == nil {
		_, err = app.DB().NewQuery("PRAGMA wal_checkpoint(TRUNCATE)").Execute()
	}
	took, cpuTook := time.Since(start), cpuTime()-cpu
	aggregated := time.Now()
	if err == nil {
		fmt.Fprintf(os.Stderr, "region %s: counting the monthly aggregates…\n", sizeLabel(size))
		err = statistiques.RebuildAgregats(app)
	}
	agregats := time.Since(aggregated)
	app.ResetBootstrapState()
	if err != nil {
		return "", meta, err
	}
	meta = regionMeta{Built: now, Seconds: took.Seconds(), CPUSeconds: cpuTook.Seconds(), AgregatsSeconds: agregats.Seconds(),
		Summary: summary, Migrations: migrationsKey()}
	raw, _ := json.MarshalIndent(meta, "", "  ")
	if err := os.WriteFile(filepath.Join(building, "region.json"), raw, 0o644); err != nil {
		return "", meta, err
	}
	if err := os.Rename(building, dir); err != nil {
		return "", meta, err
	}
	return dir, meta, nil
}

// migrationsKey names the migrations a cached region was built with: a
// branch that adds one builds its own.
func migrationsKey() string {
	h := sha256.New()
	for _, m := range core.AppMigrations.Items() {
		h.Write([]byte(m.File + "\n"))
	}
	return hex.EncodeToString(h.Sum(nil))[:10]
}

// measureSize measures every figure of one size into t.
func measureSize(t *scaleTable, size float64) error {
	cache, meta, err := cachedRegion(size)
	if err != nil {
		return err
	}
	s := meta.Summary
	rows := s.Structures + s.Staff + s.Lieux + s.Seances + s.Inscriptions + s.Accompagnements + s.Beneficiaires
	t.set(size, "Structures / sessions / upcoming", "", float64(s.Structures),
		fmt.Sprintf("%s / %s / %s", thousands(s.Structures), thousands(s.Seances), thousands(s.AVenir)))
	t.set(size, "People (anonymised) / registrations / one-to-one helps", "", float64(s.Beneficiaires),
		fmt.Sprintf("%s (%s) / %s / %s", thousands(s.Beneficiaires), thousands(s.Anonymises), thousands(s.Inscriptions), thousands(s.Accompagnements)))
	t.set(size, "Generation, when the cache was built (wall clock, rows/s; CPU time)", "full < 10 min", meta.Seconds,
		fmt.Sprintf("%.0f s, %s rows/s; CPU %.0f s", meta.Seconds, thousands(int(float64(rows)/meta.Seconds)), meta.CPUSeconds))
	t.set(size, "Monthly aggregates counted from scratch after the load", "", meta.AgregatsSeconds,
		fmt.Sprintf("%.1f s", meta.AgregatsSeconds))
	dbSize := dirSize(cache)
	t.set(size, "Database size (pb_data)", "", float64(dbSize), megabytes(dbSize))

	dir, err := os.MkdirTemp("", "atelier-bench-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if out, err := exec.Command("cp", "-a", cache+"/.", dir).CombinedOutput(); err != nil {
		return fmt.Errorf("copy the region: %v: %s", err, out)
	}
	if err := prepareScaleRun(t, size, dir); err != nil {
		return err
	}
	if _, err := e2e.Run(dir, "superuser", "upsert", scaleSuperuser, scalePassword); err != nil {
		return err
	}

	srv, err := e2e.Start(dir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	if _, err := waitForStartupJobs(dir); err != nil {
		return err
	}

	home := measurePage(srv.URL + "/")
	static, size2, err := staticTwin(srv, dir, "/")
	if err != nil {
		return err
	}
	staticLoad := measurePage(static)
	t.set(size, "Static file of the home page's size, 50 clients (baseline)", "", staticLoad.PerSecond(),
		fmt.Sprintf("%s (%s)", rate(staticLoad), kilobytes(size2)))
	t.set(size, "  static file p99 (the HTTP stack's own)", "", ms64(staticLoad.Percentile(0.99)), ms(staticLoad.Percentile(0.99)))
	t.set(size, "Home page, 50 clients", "≥ 0.8 × static", home.PerSecond(),
		fmt.Sprintf("%s (%s × static)%s", rate(home), ratio(home.PerSecond(), staticLoad.PerSecond()), failures(home)))
	t.set(size, "  home page p99", "≤ 10 ms", ms64(home.Percentile(0.99)), ms(home.Percentile(0.99)))

	sessions, err := upcomingSessions(dir, 50)
	if err != nil {
		return err
	}
	page := measureSessionPages(srv, sessions)
	t.set(size, "Session page with its form, 50 clients", "≥ 0.8 × static", page.PerSecond(),
		fmt.Sprintf("%s (%s × static)%s", rate(page), ratio(page.PerSecond(), staticLoad.PerSecond()), failures(page)))
	t.set(size, "  session page p99", "≤ 10 ms", ms64(page.Percentile(0.99)), ms(page.Percentile(0.99)))

	if err := measureScaleRegistrations(t, size, srv, dir, sessions); err != nil {
		return err
	}
	if err := measureScaleStatistics(t, size, srv); err != nil {
		return err
	}
	if err := measureScaleSearch(t, size, srv, dir); err != nil {
		return err
	}
	hwm, rssNow := memory(srv.PID())
	t.set(size, "Server resident memory after the load (peak VmHWM / VmRSS)", "full < 200 MB", float64(hwm),
		fmt.Sprintf("%s / %s", megabytes(hwm), megabytes(rssNow)))

	if err := measureScaleReports(t, size, dir); err != nil {
		return err
	}
	if err := measureBackup(t, size, srv); err != nil {
		return err
	}
	start := time.Now()
	out, err := e2e.Run(dir, "rgpd", "retention")
	if err != nil {
		return err
	}
	took := time.Since(start)
	t.set(size, "Retention run (`atelier rgpd retention`: people anonymised, links erased)", "", took.Seconds(),
		fmt.Sprintf("%s (%s, %s)", seconds(took), countAfter(out, "- Personnes anonymisées"), countAfter(out, "- Liens d'annulation")))

	// On a loaded machine the server may take over 10 s to stop and is
	// then killed: the start-up after it is measured all the same.
	_ = srv.Stop()
	startup, err := bestStartup(dir)
	if err != nil {
		t.set(size, "Server start-up (exec to first healthy answer, best of 3)", "", 0, "n/a: "+err.Error())
		return nil
	}
	t.set(size, "Server start-up (exec to first healthy answer, best of 3)", "", ms64(startup), ms(startup))
	return nil
}

// prepareScaleRun readies the copy: its migrations, the months counted,
// loopback past the rate limits and the baseline collection.
func prepareScaleRun(t *scaleTable, size float64, dir string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return err
	}
	// A region cached before a change of the counting code has its months
	// stale: the server's start-up job would count them while the pages
	// are measured. Counting them here also measures that upgrade.
	start := time.Now()
	n, err := statistiques.WarmAgregats(context.Background(), app, time.Now())
	if err != nil {
		return err
	}
	if n > 0 {
		t.set(size, "Last 13 months counted again after a change of the counting code", "", time.Since(start).Seconds(),
			fmt.Sprintf("%s (%s months)", seconds(time.Since(start)), thousands(n)))
	}
	return prepareBaseline(app)
}

// staticTwin saves the page as a file the bench build serves from memory
// at /_bench/{name} (web.RegisterBenchStatic, as make bench does): the
// limit of the HTTP stack for a page of the same size.
func staticTwin(srv *e2e.Server, dir, path string) (string, int64, error) {
	if err := writeStaticCopies(srv, dir, map[string]string{"accueil.html": path}); err != nil {
		return "", 0, err
	}
	info, err := os.Stat(filepath.Join(dir, "bench_statique", "accueil.html"))
	if err != nil {
		return "", 0, err
	}
	return srv.URL + "/_bench/accueil.html", info.Size(), nil
}

func measureScaleRegistrations(t *scaleTable, size float64, srv *e2e.Server, dir string, sessions []string) error {
	forms := &e2e.FormTokens{BaseURL: srv.URL}
	if err := forms.Prefetch(sessions); err != nil {
		return err
	}
	before := measureBaseline(srv)
	registrations := measureRegistrations(srv, sessions, forms)
	after := measureBaseline(srv)
	if err := checkNoOverbooking(dir, sessions); err != nil {
		return err
	}
	around := (before.PerSecond() + after.PerSecond()) / 2
	t.set(size, "PocketBase record creation, REST API (baseline, mean of before and after)", "", around,
		fmt.Sprintf("%.0f req/s", around))
	t.set(size, "Public registrations through the form, 50 clients", "≥ 1.0 × baseline", registrations.PerSecond(),
		fmt.Sprintf("%s (%s × baseline)%s", rate(registrations), ratio(registrations.PerSecond(), around), failures(registrations)))
	t.set(size, "  registration p99", "", ms64(registrations.Percentile(0.99)), ms(registrations.Percentile(0.99)))
	return nil
}

func measureScaleStatistics(t *scaleTable, size float64, srv *e2e.Server) error {
	coordination, err := signedInClient(srv, synth.RegionCoordinateur, synth.RegionPassword)
	if err != nil {
		return err
	}
	all, err := medianWithin(coordination, srv.URL+"/espace/statistiques?periode=annee")
	if err != nil {
		return err
	}
	t.set(size, "Coordinateur statistics, all structures, 12 months (median)", "< 1 s", ms64(all), ms(all))
	overview, err := medianWithin(coordination, srv.URL+"/espace/statistiques/structures")
	if err != nil {
		return err
	}
	t.set(size, "Coordinateur overview of every structure (median)", "", ms64(overview), ms(overview))
	advisor, err := signedInClient(srv, "conseiller-0@region.test", synth.RegionPassword)
	if err != nil {
		return err
	}
	one, err := medianWithin(advisor, srv.URL+"/espace/statistiques?periode=annee")
	if err != nil {
		return err
	}
	t.set(size, "One structure's statistics, 12 months (median)", "< 100 ms", ms64(one), ms(one))
	return nil
}

// medianWithin is the median of up to scaleStatsRequests requests of the
// page, one at a time, fewer when they take over a minute together (a
// slow page at full size would otherwise take the run's hour).
func medianWithin(client *http.Client, pageURL string) (time.Duration, error) {
	var times []time.Duration
	var total time.Duration
	for len(times) < scaleStatsRequests && total < time.Minute {
		d, err := medianLatency(client, pageURL, 1)
		if err != nil {
			return 0, err
		}
		times, total = append(times, d), total+d
	}
	slices.Sort(times)
	return times[len(times)/2], nil
}

// measureScaleSearch searches the people of structure 0 as its advisor,
// through the page, with queries made from people of the structure: a
// name without accents, a first and last name, a phone fragment, a typo.
func measureScaleSearch(t *scaleTable, size float64, srv *e2e.Server, dir string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	var people []struct {
		Prenom    string `db:"prenom"`
		Nom       string `db:"nom"`
		Telephone string `db:"telephone"`
	}
	err := app.DB().Select("b.prenom", "b.nom", "b.telephone").From("beneficiaires b").
		InnerJoin("structures s", dbx.NewExp("s.id = b.structure")).
		Where(dbx.NewExp("s.slug = 'region-0' AND b.anonymise = FALSE AND length(b.nom) > 4 AND b.telephone != ''")).
		OrderBy("b.id").Limit(3).All(&people)
	app.ResetBootstrapState()
	if err != nil || len(people) == 0 {
		return fmt.Errorf("people to search: %d, %v", len(people), err)
	}
	var queries []string
	for _, p := range people {
		nom := texte.Plier(p.Nom)
		queries = append(queries, nom, texte.Plier(p.Prenom)+" "+nom, p.Telephone[4:10], nom[:2]+"x"+nom[3:])
	}
	advisor, err := signedInClient(srv, "conseiller-0@region.test", synth.RegionPassword)
	if err != nil {
		return err
	}
	var took []time.Duration
	for range scaleSearchRounds {
		for _, q := range queries {
			start := time.Now()
			res, err := advisor.Get(srv.URL + "/espace/beneficiaires?q=" + url.QueryEscape(q))
			if err := drain(res, err); err != nil {
				return fmt.Errorf("search: %w", err)
			}
			took = append(took, time.Since(start))
		}
	}
	slices.Sort(took)
	p50, p99 := took[len(took)/2], took[min(len(took)-1, len(took)*99/100)]
	t.set(size, fmt.Sprintf("People search page, one structure's advisor, p50 (%d queries)", len(took)), "", ms64(p50), ms(p50))
	t.set(size, "  people search p99", "", ms64(p99), ms(p99))
	return nil
}

// measureScaleReports runs `atelier rapports generer` for the last month
// ended everywhere: every structure's report made again (statistics, PDF,
// XLSX, stored).
func measureScaleReports(t *scaleTable, size float64, dir string) error {
	// 14 hours back, the month has ended in every French time zone.
	at := time.Now().UTC().Add(-14 * time.Hour)
	month := time.Date(at.Year(), at.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -1, 0)
	start := time.Now()
	if _, err := e2e.Run(dir, "rapports", "generer", "--mois", month.Format("2006-01")); err != nil {
		return err
	}
	took := time.Since(start)
	t.set(size, "Monthly reports of every structure (`atelier rapports generer`)", "full < 1 min", took.Seconds(), seconds(took))
	return nil
}

// measureBackup asks the running server for a backup through the API, as
// the administration page does.
func measureBackup(t *scaleTable, size float64, srv *e2e.Server) error {
	body := fmt.Sprintf(`{"identity":%q,"password":%q}`, scaleSuperuser, scalePassword)
	res, err := http.Post(srv.URL+"/api/collections/_superusers/auth-with-password", "application/json", strings.NewReader(body))
	if err != nil {
		return err
	}
	var auth struct{ Token string }
	err = json.NewDecoder(res.Body).Decode(&auth)
	res.Body.Close()
	if err != nil || auth.Token == "" {
		return fmt.Errorf("superuser sign-in: %s %v", res.Status, err)
	}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/backups", strings.NewReader(`{"name":"bench_scale.zip"}`))
	req.Header.Set("Authorization", auth.Token)
	req.Header.Set("Content-Type", "application/json")
	start := time.Now()
	res, err = (&http.Client{Timeout: 30 * time.Minute}).Do(req)
	if err := drain(res, err); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	took := time.Since(start)
	zip, _ := os.Stat(filepath.Join(srv.DataDir, "backups", "bench_scale.zip"))
	var zipSize int64
	if zip != nil {
		zipSize = zip.Size()
	}
	t.set(size, "Backup through the API (zip of pb_data)", "", took.Seconds(), fmt.Sprintf("%s (%s)", seconds(took), megabytes(zipSize)))
	return nil
}

// memory reads the peak and current resident memory of a process, in bytes.
func memory(pid int) (hwm, rss int64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmHWM:":
			hwm = kb << 10
		case "VmRSS:":
			rss = kb << 10
		}
	}
	return hwm, rss
}

func dirSize(dir string) int64 {
	var total int64
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if info, err := d.Info(); err == nil {
				total += info.Size()
			}
		}
		return nil
	})
	return total
}

// scaleTable is the printed table: a row per figure, a column per size.
type scaleTable struct {
	sizes []float64
	order []string
	rows  map[string]*scaleRow
}

type scaleRow struct {
	goal   string
	values map[float64]float64
	texts  map[float64]string
}

func (t *scaleTable) set(size float64, figure, goal string, value float64, text string) {
	if t.rows == nil {
		t.rows = map[string]*scaleRow{}
	}
	r, ok := t.rows[figure]
	if !ok {
		r = &scaleRow{goal: goal, values: map[float64]float64{}, texts: map[float64]string{}}
		t.rows[figure] = r
		t.order = append(t.order, figure)
	}
	r.values[size], r.texts[size] = value, text
}

// print writes the table; the growth column is each figure's value at a
// size over its value at the size before (data × 10 between 1/100, 1/10
// and full: a linear cost grows × 10, a constant one × 1).
func (t *scaleTable) print(w io.Writer) {
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Fprintf(w, "\nAtelier at the scale of a region — %s, %d CPU, %s/%s, load average %s, %d clients, %s per load\n\n",
		runtime.Version(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, strings.Join(strings.Fields(string(load))[:3], " "),
		clients, duration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	header := []string{"figure"}
	for _, s := range t.sizes {
		header = append(header, sizeLabel(s))
	}
	header = append(header, "goal", "growth")
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for _, figure := range t.order {
		r := t.rows[figure]
		cells := []string{figure}
		for _, s := range t.sizes {
			cells = append(cells, r.texts[s])
		}
		var growth []string
		for k := 1; k < len(t.sizes); k++ {
			a, b := r.values[t.sizes[k-1]], r.values[t.sizes[k]]
			if a > 0 && b > 0 {
				growth = append(growth, fmt.Sprintf("× %.2g", b/a))
			}
		}
		cells = append(cells, r.goal, strings.Join(growth, ", "))
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
}

func sizeLabel(size float64) string {
	if size == 1 {
		return "full"
	}
	if inv := 1 / size; math.Abs(inv-math.Round(inv)) < 1e-9 {
		return fmt.Sprintf("1/%d", int(math.Round(inv)))
	}
	return fmt.Sprintf("%g", size)
}

func ms64(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func megabytes(n int64) string { return fmt.Sprintf("%.0f MB", float64(n)/(1<<20)) }
func kilobytes(n int64) string { return fmt.Sprintf("%.0f kB", float64(n)/(1<<10)) }

func thousands(n int) string {
	s := strconv.Itoa(n)
	for k := len(s) - 3; k > 0; k -= 3 {
		s = s[:k] + "," + s[k:]
	}
	return s
}

// failures says how many requests of a load failed (an error status, or
// no answer within the client's 10 s), if any: the rate counts successes.
func failures(r e2e.LoadResult) string {
	if r.Errors == 0 {
		return ""
	}
	return fmt.Sprintf(", %d of %d failed", r.Errors, r.Requests)
}

// countAfter is the number ending the line of out that starts with prefix.
func countAfter(out, prefix string) string {
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), prefix) {
			if _, n, ok := strings.Cut(line, " : "); ok {
				return strings.TrimSpace(n)
			}
		}
	}
	return "?"
}

// cpuTime is the user and system time this process used so far.
func cpuTime() time.Duration {
	var u syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &u); err != nil {
		return 0
	}
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}
