// Command bench measures Atelier against a real server on loopback and
// prints one table of figures, each next to a baseline measured in the same
// run (machines are noisy; ratios are what compare across runs).
//
//	make bench   # or: go run ./hooks/bench (go run ./hooks/bench recherche: the people search only,
//	             # go run ./hooks/bench import: the beneficiaries' import only,
//	             # go run ./hooks/bench public: the public pages and registrations only)
//
// The binary is built with the bench tag: it serves at /_bench/ copies of
// the public pages as static files, the baseline of the HTTP stack.
package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"atelier/hooks/e2e"
	"atelier/hooks/synth"
	_ "atelier/pb_migrations"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

const (
	clients  = 50
	duration = 5 * time.Second
	maxReqs  = 200_000
)

// row is one line of the printed table.
type row struct{ figure, value, ratio, goal string }

func main() {
	measure := run
	if len(os.Args) > 1 && os.Args[1] == "recherche" { // go run ./hooks/bench recherche: the people search only
		measure = measurePeopleSearch
	}
	if len(os.Args) > 1 && os.Args[1] == "import" { // go run ./hooks/bench import: the beneficiaries' import only
		measure = measureImport
	}
	// The binary serves the static baseline of the public pages (see
	// web.RegisterBenchStatic); a release build does not.
	e2e.BuildTags = "bench"
	if len(os.Args) > 1 && os.Args[1] == "public" { // go run ./hooks/bench public: public pages and registrations only
		measure = runPublic
	}
	if len(os.Args) > 1 && os.Args[1] == "scale" { // go run ./hooks/bench scale: a region at three sizes (make bench-scale)
		if err := runScale(); err != nil {
			fmt.Fprintln(os.Stderr, "bench scale:", err)
			os.Exit(1)
		}
		return
	}
	rows, err := measure()
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	print(rows)
}

func run() ([]row, error) {
	dir, err := os.MkdirTemp("", "atelier-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	fmt.Fprintln(os.Stderr, "preparing data: 1,000 upcoming sessions, a year of history for one structure…")
	waiting, err := prepare(dir)
	if err != nil {
		return nil, err
	}
	srv, err := e2e.Start(dir)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	settled, err := waitForStartupJobs(dir)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "start-up jobs (report catch-up, reminders) done in %s\n", settled.Round(100*time.Millisecond))

	var rows []row
	baseline := measureBaseline(srv)
	rows = append(rows, row{"PocketBase record creation, REST API (baseline)",
		rate(baseline), "1.00", ""})

	public, err := measurePublic(srv, dir, baseline)
	if err != nil {
		return nil, err
	}
	rows = append(rows, public...)

	statsPage, dashboard, err := measureStatistics(srv)
	if err != nil {
		return nil, err
	}
	rows = append(rows,
		row{"Workspace dashboard, one request at a time (baseline of the next row)", ms(dashboard), "1.00", ""},
		row{"Statistics page, structure with 5,000 activities, 12 months", ms(statsPage),
			ratio(float64(statsPage), float64(dashboard)), "< 500 ms"},
		row{"Resident memory after load", rss(srv.PID()), "", ""},
	)

	single, err := medianCreation(srv)
	if err != nil {
		return nil, err
	}
	cancelMedian, cancelSlowest, blocked, err := measureWaitingList(srv, waiting)
	if err != nil {
		return nil, err
	}
	rows = append(rows,
		row{"PocketBase record creation, one request at a time (baseline of the next rows)", ms(single), "1.00", ""},
		row{fmt.Sprintf("Cancellation with %s waiting, the place going to the first (median of %d)", "10,000", cancellations),
			ms(cancelMedian), ratio(float64(cancelMedian), float64(single)), "< 50 ms"},
		row{"  slowest of these cancellations", ms(cancelSlowest), ratio(float64(cancelSlowest), float64(single)), ""},
		row{"  slowest registration to another session while three cancellations run", ms(blocked),
			ratio(float64(blocked), float64(single)), ""},
	)

	startup, err := measureStartup(dir, srv)
	if err != nil {
		return nil, err
	}
	rows = append(rows, row{"Server start-up (exec to first healthy answer)", ms(startup), "", ""})
	pdfs, err := measurePDFs()
	if err != nil {
		return nil, err
	}
	rows = append(rows, pdfs...)
	search, err := measurePeopleSearch()
	if err != nil {
		return nil, err
	}
	rows = append(rows, search...)
	reports, err := measureReports()
	if err != nil {
		return nil, err
	}
	rows = append(rows, reports...)
	imports, err := measureImport()
	if err != nil {
		return nil, err
	}
	return append(rows, imports...), nil
}

// runPublic measures the public pages and registrations only.
func runPublic() ([]row, error) {
	dir, err := os.MkdirTemp("", "atelier-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	fmt.Fprintln(os.Stderr, "preparing data: 1,000 upcoming sessions, a year of history for one structure…")
	if _, err := prepare(dir); err != nil {
		return nil, err
	}
	srv, err := e2e.Start(dir)
	if err != nil {
		return nil, err
	}
	defer srv.Stop()
	if _, err := waitForStartupJobs(dir); err != nil {
		return nil, err
	}
	baseline := measureBaseline(srv)
	rows := []row{{"PocketBase record creation, REST API (baseline)", rate(baseline), "1.00", ""}}
	public, err := measurePublic(srv, dir, baseline)
	return append(rows, public...), err
}

// measurePublic measures the home page and the session pages against a
// static file of the same content served by the same binary (the limit of
// the HTTP stack), then public registrations against record creation.
func measurePublic(srv *e2e.Server, dir string, baseline e2e.LoadResult) ([]row, error) {
	sessions, err := upcomingSessions(dir, 50)
	if err != nil {
		return nil, err
	}
	if err := writeStaticCopies(srv, dir, map[string]string{"accueil.html": "/", "seance.html": "/ateliers/" + sessions[0]}); err != nil {
		return nil, err
	}
	var rows []row
	staticHome := measurePage(srv.URL + "/_bench/accueil.html")
	home := measurePage(srv.URL + "/")
	if home.Errors > 0 || staticHome.Errors > 0 {
		return nil, fmt.Errorf("home page: %d errors out of %d requests, static copy %d", home.Errors, home.Requests, staticHome.Errors)
	}
	rows = append(rows,
		row{"Static file, the home page's size, 50 clients (baseline of the next rows)", rate(staticHome), "1.00", ""},
		row{"  static file latency p99", ms(staticHome.Percentile(0.99)), "", ""},
		row{"Home page, 1,000 upcoming sessions, 50 clients", rate(home), ratio(home.PerSecond(), staticHome.PerSecond()), "≥ 0.80"},
		row{"  home page latency p50", ms(home.Percentile(0.50)), "", ""},
		row{"  home page latency p99", ms(home.Percentile(0.99)), ratio(float64(home.Percentile(0.99)), float64(staticHome.Percentile(0.99))), "≤ 10 ms"},
	)
	staticPage := measurePage(srv.URL + "/_bench/seance.html")
	page := measureSessionPages(srv, sessions)
	if page.Errors > 0 || staticPage.Errors > 0 {
		return nil, fmt.Errorf("session page: %d errors out of %d requests, static copy %d", page.Errors, page.Requests, staticPage.Errors)
	}
	rows = append(rows,
		row{"Static file, a session page's size, 50 clients (baseline of the next rows)", rate(staticPage), "1.00", ""},
		row{"  static file latency p99", ms(staticPage.Percentile(0.99)), "", ""},
		row{"Session page with its form, 50 clients", rate(page), ratio(page.PerSecond(), staticPage.PerSecond()), "≥ 0.80"},
		row{"  session page latency p99", ms(page.Percentile(0.99)), ratio(float64(page.Percentile(0.99)), float64(staticPage.Percentile(0.99))), "≤ 10 ms"},
	)

	forms := &e2e.FormTokens{BaseURL: srv.URL}
	if err := forms.Prefetch(sessions); err != nil {
		return nil, err
	}
	registrations := measureRegistrations(srv, sessions, forms)
	if registrations.Errors > 0 {
		return nil, fmt.Errorf("registrations: %d errors out of %d requests\n%s", registrations.Errors, registrations.Requests, tail(srv.Logs(), 2000))
	}
	if err := checkNoOverbooking(dir, sessions); err != nil {
		return nil, err
	}
	// Both are write-bound and drift with the machine's disk: the baseline is
	// measured again right after, and registrations compare to the mean of
	// the two baselines around them.
	baselineAfter := measureBaseline(srv)
	around := (baseline.PerSecond() + baselineAfter.PerSecond()) / 2
	return append(rows,
		row{"PocketBase record creation, measured again after the registrations", rate(baselineAfter),
			ratio(baselineAfter.PerSecond(), baseline.PerSecond()), ""},
		row{"Public registrations through the form (no overbooking), vs the mean baseline", rate(registrations),
			ratio(registrations.PerSecond(), around), "≥ 1.00"},
		row{"  registration latency p99", ms(registrations.Percentile(0.99)), "", ""},
	), nil
}

// writeStaticCopies saves the pages at these addresses, as a browser
// reads them, as files the bench build serves at /_bench/{name}.
func writeStaticCopies(srv *e2e.Server, dir string, pages map[string]string) error {
	folder := filepath.Join(dir, "bench_statique")
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return err
	}
	for name, path := range pages {
		res, err := http.Get(srv.URL + path)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil || res.StatusCode != http.StatusOK {
			return fmt.Errorf("copy of %s: %s %v", path, res.Status, err)
		}
		if err := os.WriteFile(filepath.Join(folder, name), body, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// prepare migrates a fresh data dir, adds a plain collection for the
// baseline, the synthetic data set and a session with a long waiting list.
func prepare(dir string) (*waitingList, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	defer app.ClearBootstrap()
	if err := app.RunAllMigrations(); err != nil {
		return nil, err
	}
	if err := prepareBaseline(app); err != nil {
		return nil, err
	}
	if _, err := synth.Load(app, synth.Sizes{Structures: 20, Seances: 1000, Inscriptions: 3000, Accompagnements: 500}, time.Now()); err != nil {
		return nil, err
	}
	if err := prepareStatistics(app); err != nil {
		return nil, err
	}
	return prepareWaitingList(app)
}

// prepareBaseline lets loopback clients past the rate limits and adds
// the plain collection of the baseline.
func prepareBaseline(app core.App) error {
	// Every simulated client comes from 127.0.0.1: without this, the
	// per-IP rate limits of the public forms would measure the limiter.
	settings := app.Settings()
	settings.RateLimits.ExcludedIPs = []string{"127.0.0.1"}
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("exclude loopback from rate limits: %w", err)
	}
	baseline := core.NewBaseCollection("bench_baseline")
	baseline.Fields.Add(&core.TextField{Name: "titre"}, &core.TextField{Name: "texte"})
	public := ""
	baseline.CreateRule = &public
	if err := app.Save(baseline); err != nil {
		return fmt.Errorf("baseline collection: %w", err)
	}
	return nil
}

// medianCreation is the median latency of one PocketBase record creation
// through the REST API, one request at a time.
func medianCreation(srv *e2e.Server) (time.Duration, error) {
	var took []time.Duration
	for i := range 21 {
		body := `{"titre":"Seul ` + strconv.Itoa(i) + `","texte":"Un texte court de référence."}`
		start := time.Now()
		res, err := http.Post(srv.URL+"/api/collections/bench_baseline/records", "application/json", strings.NewReader(body))
		if err := drain(res, err); err != nil {
			return 0, err
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	return took[len(took)/2], nil
}

// upcomingSessions returns the ids of n public sessions of the data set.
// waitForStartupJobs waits until the scheduler's start-up run (monthly
// reports caught up for a year of history, reminders) has stopped writing:
// the figures are those of a server in its steady state, and every measure
// competes with the same background work (none).
func waitForStartupJobs(dir string) (time.Duration, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return 0, err
	}
	defer app.ResetBootstrapState()
	start, last, quiet := time.Now(), -1, 0
	for quiet < 4 && time.Since(start) < 3*time.Minute {
		time.Sleep(500 * time.Millisecond)
		var n int
		err := app.DB().NewQuery("SELECT (SELECT count(*) FROM rapports) + (SELECT count(*) FROM envois)").Row(&n)
		if err != nil {
			return 0, fmt.Errorf("watch start-up jobs: %w", err)
		}
		if n == last {
			quiet++
		} else {
			last, quiet = n, 0
		}
	}
	return time.Since(start), nil
}

func upcomingSessions(dir string, n int) ([]string, error) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	defer app.ResetBootstrapState()
	var ids []string
	err := app.DB().Select("id").From("seances").
		Where(dbx.NewExp("publique = TRUE AND statut = 'planifiee' AND inscriptions_ouvertes = TRUE AND debut > {:now}",
			dbx.Params{"now": time.Now().UTC().Add(time.Hour).Format(types.DefaultDateLayout)})).
		OrderBy("debut").Limit(int64(n)).Column(&ids)
	if err != nil || len(ids) < n {
		return nil, fmt.Errorf("bench sessions: %d found, %v", len(ids), err)
	}
	return ids, nil
}

func measureSessionPages(srv *e2e.Server, sessions []string) e2e.LoadResult {
	return e2e.Hammer(clients, duration, maxReqs, func(c *http.Client, i int) error {
		res, err := c.Get(srv.URL + "/ateliers/" + sessions[i%len(sessions)])
		return drain(res, err)
	})
}

// measureRegistrations posts the public form as new people (phone only, so
// no e-mail is sent; 07 5… numbers, which the synthetic people never have)
// spread over the sessions; a success is the redirect
// to the person's registration page.
func measureRegistrations(srv *e2e.Server, sessions []string, forms *e2e.FormTokens) e2e.LoadResult {
	noFollow := func(c *http.Client) *http.Client {
		copied := *c
		copied.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		return &copied
	}
	return e2e.Hammer(clients, duration, maxReqs, func(c *http.Client, i int) error {
		form := url.Values{"prenom": {"Bench"}, "nom": {"Personne " + strconv.Itoa(i)},
			"telephone": {fmt.Sprintf("+3375%07d", i)}, "consentement": {"1"}}
		seance := sessions[i%len(sessions)]
		token, err := forms.Get(seance) // prefetched: no wait
		if err != nil {
			return err
		}
		form.Set("rendu", token)
		res, err := noFollow(c).PostForm(srv.URL+"/ateliers/"+seance+"/inscription", form)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusSeeOther {
			return errors.New(res.Status)
		}
		return nil
	})
}

// checkNoOverbooking verifies the outcome of the registration load: no
// session has more confirmations than places, waiting ranks are unique.
func checkNoOverbooking(dir string, sessions []string) error {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return err
	}
	defer app.ResetBootstrapState()
	for _, id := range sessions {
		var capacity, confirmed, waiting, ranks int
		if err := app.DB().NewQuery(`SELECT capacite FROM seances WHERE id = {:id}`).Bind(dbx.Params{"id": id}).Row(&capacity); err != nil {
			return err
		}
		err := app.DB().NewQuery(`SELECT
				count(*) FILTER (WHERE statut IN ('inscrit', 'present')),
				count(*) FILTER (WHERE statut = 'liste_attente'),
				count(DISTINCT rang_attente) FILTER (WHERE statut = 'liste_attente' AND rang_attente > 0)
			FROM inscriptions WHERE seance = {:id}`).Bind(dbx.Params{"id": id}).Row(&confirmed, &waiting, &ranks)
		if err != nil {
			return err
		}
		if confirmed > capacity || ranks != waiting {
			return fmt.Errorf("session %s overbooked: %d confirmed for %d places, %d waiting with %d distinct ranks",
				id, confirmed, capacity, waiting, ranks)
		}
	}
	return nil
}

func measureBaseline(srv *e2e.Server) e2e.LoadResult {
	return e2e.Hammer(clients, duration, maxReqs, func(c *http.Client, i int) error {
		body := `{"titre":"Enregistrement ` + strconv.Itoa(i) + `","texte":"Un texte court de référence."}`
		res, err := c.Post(srv.URL+"/api/collections/bench_baseline/records", "application/json", strings.NewReader(body))
		return drain(res, err)
	})
}

func measurePage(url string) e2e.LoadResult {
	return e2e.Hammer(clients, duration, maxReqs, func(c *http.Client, _ int) error {
		res, err := c.Get(url)
		return drain(res, err)
	})
}

// measureStartup restarts the server on its existing data: the usual case
// of a restart after an upgrade or a reboot.
func measureStartup(dir string, running *e2e.Server) (time.Duration, error) {
	if err := running.Stop(); err != nil {
		return 0, err
	}
	return bestStartup(dir)
}

// bestStartup starts and stops the server on dir three times and returns
// the quickest start.
func bestStartup(dir string) (time.Duration, error) {
	best := time.Duration(0)
	for range 3 {
		srv, err := e2e.Start(dir)
		if err != nil {
			return 0, err
		}
		if best == 0 || srv.Started < best {
			best = srv.Started
		}
		if err := srv.Stop(); err != nil {
			return 0, err
		}
	}
	return best, nil
}

func drain(res *http.Response, err error) error {
	if err != nil {
		return err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	if res.StatusCode >= 300 {
		return errors.New(res.Status)
	}
	return nil
}

func rss(pid int) string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "n/a"
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return fmt.Sprintf("%.0f MB", float64(kb)/1024)
		}
	}
	return "n/a"
}

func rate(r e2e.LoadResult) string { return fmt.Sprintf("%.0f req/s", r.PerSecond()) }
func ms(d time.Duration) string    { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", a/b)
}

func print(rows []row) {
	fmt.Printf("\nAtelier benchmarks — %s, %d CPU, %s/%s, %d clients, %s per measure\n\n",
		runtime.Version(), runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, clients, duration)
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "figure\tvalue\tratio to baseline\tgoal")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", r.figure, r.value, r.ratio, r.goal)
	}
	w.Flush()
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}
