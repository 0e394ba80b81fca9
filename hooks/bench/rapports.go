package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"time"

	"atelier/hooks/cli"

	"atelier/hooks/e2e"
	"atelier/hooks/lib/rapportdoc"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Monthly reports: the report of one structure with 5,000
// activities in the month (under 0.5 s), and the reports of 4,000
// structures of 100 activities each (under 2 minutes), made in this
// process exactly as `atelier rapports generer` makes them (statistics of
// the 12-month series, PDF, XLSX, files stored, record saved). Each is
// next to its baseline measured in the same run: reading the same rows
// with plain SQL, which any report must do. Then the same report's PDF
// drawn by gopdf from its snapshot, next to headless Chromium printing the
// report's web page (print-to-PDF), the usual alternative.

const (
	reportBigSessions = 1000 // held sessions of the big structure, 5 registrations each
	reportBigHelps    = 4000 // one-to-one help of the big structure
	reportSmall       = 4000 // small structures
	reportSmallSess   = 10   // held sessions of a small structure, 3 registrations each
	reportSmallHelps  = 90   // one-to-one help of a small structure
	reportAccount     = "coordination@bench.test"
	reportPassword    = "bench-rapports-0000"
	reportBigSlug     = "bench-grande-structure"
)

func measureReports() ([]row, error) {
	dir, err := os.MkdirTemp("", "atelier-bench-rapports-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	now := time.Now()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC)
	month := first.AddDate(0, -1, 0)
	mois := month.Format("2006-01")

	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	defer app.ResetBootstrapState()
	fmt.Fprintln(os.Stderr, "preparing reports data: 1 structure with 5,000 activities, 4,000 with 100…")
	if err := prepareReports(app, month); err != nil {
		return nil, err
	}

	var rows []row
	bigRead, err := median(5, func() error { return readMonth(app, dbx.HashExp{"st.slug": reportBigSlug}, month) })
	if err != nil {
		return nil, err
	}
	big, err := median(5, func() error { return cli.GenerateReports(app, mois, reportBigSlug, now, io.Discard) })
	if err != nil {
		return nil, err
	}
	rows = append(rows,
		row{"Reading a month of 5,000 activities with SQL (baseline of the next row)", ms(bigRead), "1.00", ""},
		row{"Monthly report, structure with 5,000 activities (stats, PDF, XLSX, stored)", ms(big),
			ratio(float64(big), float64(bigRead)), "< 500 ms"},
	)

	allStart := time.Now()
	if err := readMonth(app, nil, month); err != nil {
		return nil, err
	}
	allRead := time.Since(allStart)
	allStart = time.Now()
	if err := cli.GenerateReports(app, mois, "", now, io.Discard); err != nil {
		return nil, err
	}
	all := time.Since(allStart)
	rows = append(rows,
		row{"Reading a month of 4,001 structures with SQL (baseline of the next row)", seconds(allRead), "1.00", ""},
		row{"Monthly reports, 4,001 structures (4,000 × 100 activities + the one above)", seconds(all),
			ratio(float64(all), float64(allRead)), "< 2 min"},
	)

	comparison, err := compareWithChromium(app, dir)
	if err != nil {
		return nil, err
	}
	return append(rows, comparison...), nil
}

func seconds(d time.Duration) string { return fmt.Sprintf("%.1f s", d.Seconds()) }

// readMonth reads every column a report counts, for the month of the
// structures selected (nil: all), and throws the rows away.
func readMonth(app core.App, where dbx.Expression, month time.Time) error {
	period := dbx.Params{"from": dbDate(month), "to": dbDate(month.AddDate(0, 1, 0))}
	queries := []*dbx.SelectQuery{
		app.DB().Select("a.*").From("accompagnements a").InnerJoin("structures st", dbx.NewExp("st.id = a.structure")).
			Where(dbx.NewExp("a.date >= {:from} AND a.date < {:to}", period)),
		app.DB().Select("s.*", "i.statut AS inscription", "b.annee_naissance", "b.genre", "b.commune").From("seances s").
			InnerJoin("structures st", dbx.NewExp("st.id = s.structure")).
			LeftJoin("inscriptions i", dbx.NewExp("i.seance = s.id")).
			LeftJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
			Where(dbx.NewExp("s.debut >= {:from} AND s.debut < {:to}", period)),
	}
	for _, q := range queries {
		if where != nil {
			q = q.AndWhere(where)
		}
		var out []dbx.NullStringMap
		if err := q.All(&out); err != nil {
			return fmt.Errorf("read month: %w", err)
		}
	}
	return nil
}

func dbDate(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// prepareReports inserts the data set with plain SQL in one transaction
// (hundreds of thousands of rows: the record hooks would take minutes),
// after creating the two accounts through PocketBase.
func prepareReports(app core.App, month time.Time) error {
	if err := app.RunAllMigrations(); err != nil {
		return err
	}
	users, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return err
	}
	coordination := core.NewRecord(users)
	coordination.Load(map[string]any{"email": reportAccount, "password": reportPassword, "verified": true,
		"nom": "Bench", "prenom": "Coordination", "role": "coordinateur", "actif": true})
	if err := app.Save(coordination); err != nil {
		return fmt.Errorf("bench account: %w", err)
	}
	var atelier string
	if err := app.DB().Select("id").From("ateliers").Where(dbx.NewExp("structure = ''")).Limit(1).Row(&atelier); err != nil {
		return fmt.Errorf("a workshop of the catalogue: %w", err)
	}
	return app.RunInTransaction(func(tx core.App) error {
		w, err := newBulk(tx, month, atelier, coordination.Id)
		if err != nil {
			return err
		}
		defer w.close()
		if err := w.structure(reportBigSlug, "Grande structure du banc", "Europe/Paris", reportBigSessions, 5, reportBigHelps); err != nil {
			return err
		}
		for i := range reportSmall {
			zone := "Europe/Paris"
			if i%10 == 9 {
				zone = "Indian/Reunion"
			}
			if err := w.structure(fmt.Sprintf("bench-%d", i), fmt.Sprintf("Structure du banc %d", i), zone,
				reportSmallSess, 3, reportSmallHelps); err != nil {
				return err
			}
		}
		return nil
	})
}

// bulk inserts rows through prepared statements.
type bulk struct {
	month              time.Time
	atelier, conseille string
	n                  int
	stmts              map[string]*dbx.Query
}

var bulkInserts = map[string]string{
	"structures":      "INSERT INTO structures (id, nom, slug, fuseau, commune, created, updated) VALUES ({:id}, {:nom}, {:slug}, {:fuseau}, 'Poitiers', {:at}, {:at})",
	"lieux":           "INSERT INTO lieux (id, structure, nom, commune, created, updated) VALUES ({:id}, {:structure}, 'Salle du banc', 'Poitiers', {:at}, {:at})",
	"beneficiaires":   "INSERT INTO beneficiaires (id, structure, prenom, nom, annee_naissance, genre, statut_social, commune, created, updated) VALUES ({:id}, {:structure}, 'Dominique', {:nom}, {:annee}, {:genre}, 'retraite', 'Poitiers', {:at}, {:at})",
	"seances":         "INSERT INTO seances (id, atelier, structure, lieu, animateurs, debut, fin, capacite, statut, participants_anonymes, created, updated) VALUES ({:id}, {:atelier}, {:structure}, {:lieu}, '[]', {:debut}, {:fin}, 12, 'realisee', 1, {:at}, {:at})",
	"inscriptions":    "INSERT INTO inscriptions (id, seance, beneficiaire, statut, source, created, updated) VALUES ({:id}, {:seance}, {:beneficiaire}, {:statut}, 'conseiller', {:at}, {:at})",
	"accompagnements": "INSERT INTO accompagnements (id, conseiller, structure, date, duree_minutes, type_lieu, thematiques, tranche_age, genre, created, updated) VALUES ({:id}, {:conseiller}, {:structure}, {:date}, {:duree}, 'lieu_activite', {:thematiques}, '60_69', 'feminin', {:at}, {:at})",
}

func newBulk(tx core.App, month time.Time, atelier, conseiller string) (*bulk, error) {
	b := &bulk{month: month, atelier: atelier, conseille: conseiller, stmts: map[string]*dbx.Query{}}
	for table, sql := range bulkInserts {
		b.stmts[table] = tx.DB().NewQuery(sql).Prepare()
	}
	return b, nil
}

func (b *bulk) close() {
	for _, q := range b.stmts {
		_ = q.Close()
	}
}

func (b *bulk) id(prefix string) string {
	b.n++
	return fmt.Sprintf("%s%014d", prefix, b.n)
}

func (b *bulk) insert(table string, params dbx.Params) error {
	params["at"] = dbDate(b.month)
	if _, err := b.stmts[table].Bind(params).Execute(); err != nil {
		return fmt.Errorf("insert %s: %w", table, err)
	}
	return nil
}

// structure adds a structure with its place, its people, held sessions
// spread over the month (each with perSession registrations: all present
// but one absent) and one-to-one help.
func (b *bulk) structure(slug, nom, zone string, sessions, perSession, helps int) error {
	st := b.id("s")
	if err := b.insert("structures", dbx.Params{"id": st, "nom": nom, "slug": slug, "fuseau": zone}); err != nil {
		return err
	}
	lieu := b.id("l")
	if err := b.insert("lieux", dbx.Params{"id": lieu, "structure": st}); err != nil {
		return err
	}
	themes := []string{`["email"]`, `["securite_numerique"]`, `["aide_aux_demarches_administratives","sante"]`, `["bureautique"]`}
	people := make([]string, 0, perSession)
	for s := range sessions {
		debut := b.month.AddDate(0, 0, s%28).Add(time.Duration(8+s%9) * time.Hour)
		seance := b.id("x")
		err := b.insert("seances", dbx.Params{"id": seance, "atelier": b.atelier, "structure": st, "lieu": lieu,
			"debut": dbDate(debut), "fin": dbDate(debut.Add(2 * time.Hour))})
		if err != nil {
			return err
		}
		// The big structure sees new people at every session; a small one
		// sees the same few.
		if sessions > 100 || len(people) == 0 {
			people = people[:0]
			for p := range perSession {
				id := b.id("b")
				err := b.insert("beneficiaires", dbx.Params{"id": id, "structure": st, "nom": fmt.Sprintf("Banc %d", b.n),
					"annee": 1940 + (b.n+p)%60, "genre": []string{"feminin", "masculin", "non_communique"}[p%3]})
				if err != nil {
					return err
				}
				people = append(people, id)
			}
		}
		for p, person := range people {
			statut := "present"
			if p == 0 {
				statut = "absent"
			}
			if err := b.insert("inscriptions", dbx.Params{"id": b.id("i"), "seance": seance, "beneficiaire": person, "statut": statut}); err != nil {
				return err
			}
		}
	}
	for h := range helps {
		date := b.month.AddDate(0, 0, h%28).Add(time.Duration(9+h%8) * time.Hour)
		err := b.insert("accompagnements", dbx.Params{"id": b.id("a"), "conseiller": b.conseille, "structure": st,
			"date": dbDate(date), "duree": []int{15, 30, 45, 60, 90}[h%5], "thematiques": themes[h%len(themes)]})
		if err != nil {
			return err
		}
	}
	return nil
}

// compareWithChromium draws the big structure's report from its snapshot
// with gopdf, then has headless Chromium print the report's web page
// (served by a real server on the same data) to PDF.
func compareWithChromium(app core.App, dir string) ([]row, error) {
	var rapportID, raw string
	err := app.DB().Select("r.id", "r.statistiques").From("rapports r").InnerJoin("structures st", dbx.NewExp("st.id = r.structure")).
		Where(dbx.HashExp{"st.slug": reportBigSlug}).Row(&rapportID, &raw)
	if err != nil {
		return nil, fmt.Errorf("the big report: %w", err)
	}
	var snap rapportdoc.Snapshot
	if err := json.Unmarshal([]byte(raw), &snap); err != nil {
		return nil, err
	}
	gopdf, err := median(20, func() error { _, err := snap.PDF(nil); return err })
	if err != nil {
		return nil, err
	}
	rows := []row{{"Report PDF drawn by gopdf from its snapshot (baseline of the next row)", ms(gopdf), "1.00", ""}}
	chromium, err := printWithChromium(dir, "/espace/rapports/"+rapportID)
	if errors.Is(err, errNoChromium) {
		return append(rows, row{"Same report printed by headless Chromium from its web page", "skipped: no chromium", "", ""}), nil
	}
	if err != nil {
		return nil, err
	}
	return append(rows, row{"Same report printed by headless Chromium from its web page (print-to-PDF)", ms(chromium),
		ratio(float64(chromium), float64(gopdf)), ""}), nil
}

var errNoChromium = errors.New("chromium not installed")

// printWithChromium serves dir, signs the bench account in and returns the
// median time to load the page and print it to PDF (the browser started).
func printWithChromium(dir, path string) (time.Duration, error) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		return 0, errNoChromium
	}
	srv, err := e2e.Start(dir)
	if err != nil {
		return 0, err
	}
	defer srv.Stop()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(browser), chromedp.NoSandbox,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-background-networking", true))
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTimeout()
	if err := e2e.SignIn(ctx, srv.URL, reportAccount, reportPassword); err != nil {
		return 0, fmt.Errorf("chromium sign-in: %w", err)
	}
	var size int
	d, err := median(5, func() error {
		return chromedp.Run(ctx,
			chromedp.Navigate(srv.URL+path),
			chromedp.WaitVisible("#titre-chiffres", chromedp.ByID),
			chromedp.ActionFunc(func(ctx context.Context) error {
				pdf, _, err := page.PrintToPDF().WithPrintBackground(true).Do(ctx)
				size = len(pdf)
				return err
			}),
		)
	})
	if err == nil && size == 0 {
		err = errors.New("chromium printed an empty PDF")
	}
	return d, err
}
