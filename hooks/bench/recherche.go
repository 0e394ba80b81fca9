package main

import (
	"fmt"
	"math/rand"
	"os"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/demodata"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

// peopleSearched is the size of the structure searched: a large one.
const peopleSearched = 100_000

// measurePeopleSearch fills one structure with 100,000 people (demo names,
// accents, compound names) and times the staff search for typical queries:
// a name typed without accents, a first and last name, a phone fragment, a
// typo, a short name. The baseline is reading one person by id.
func measurePeopleSearch() ([]row, error) {
	dir, err := os.MkdirTemp("", "atelier-bench-recherche-")
	if err != nil {
		return nil, err
	}
	if keep := os.Getenv("ATELIER_BENCH_KEEP"); keep == "" {
		defer os.RemoveAll(dir)
	} else {
		fmt.Fprintf(os.Stderr, "people search: data kept in %s\n", dir)
	}
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := app.Bootstrap(); err != nil {
		return nil, err
	}
	defer app.ResetBootstrapState()
	if err := app.RunAllMigrations(); err != nil {
		return nil, err
	}
	fmt.Fprintf(os.Stderr, "people search: writing %d people…\n", peopleSearched)
	structure, staff, err := searchFixture(app)
	if err != nil {
		return nil, err
	}
	ids, err := insertPeople(app, structure, peopleSearched)
	if err != nil {
		return nil, err
	}
	queries := []string{"traore", "oceane", "guerin", "marie therese", "06 00 98 12", "guerim", "le", "nathalie moreau", "theo"}
	// One round first, not counted: a running server has its database in
	// memory; the cold first search is reported on its own.
	cold := time.Now()
	for _, q := range queries {
		if _, err := beneficiaires.SearchBeneficiaires(app, staff, "", q, 51); err != nil {
			return nil, fmt.Errorf("search %q: %w", q, err)
		}
	}
	coldRound := time.Since(cold)
	var byID, search []time.Duration
	for round := range 30 {
		start := time.Now()
		if _, err := app.FindRecordById("beneficiaires", ids[round*997%len(ids)]); err != nil {
			return nil, err
		}
		byID = append(byID, time.Since(start))
		for _, q := range queries {
			start := time.Now()
			if _, err := beneficiaires.SearchBeneficiaires(app, staff, "", q, 51); err != nil {
				return nil, fmt.Errorf("search %q: %w", q, err)
			}
			search = append(search, time.Since(start))
			if round == 5 && os.Getenv("ATELIER_BENCH_DETAIL") != "" {
				fmt.Fprintf(os.Stderr, "  %-20q %s\n", q, time.Since(start))
			}
		}
	}
	p := func(d []time.Duration, q float64) time.Duration {
		slices.Sort(d)
		return d[min(len(d)-1, int(float64(len(d))*q))]
	}
	base := p(byID, 0.5)
	return []row{
		{"Reading one person by id, 100,000 people (baseline of the next rows)", ms2(base), "1.00", ""},
		{fmt.Sprintf("People search among %s people, p50 (%d queries: accents, typos, phones)", "100,000", len(queries)),
			ms2(p(search, 0.5)), ratio(float64(p(search, 0.5)), float64(base)), ""},
		{"  people search p99", ms2(p(search, 0.99)), ratio(float64(p(search, 0.99)), float64(base)), "< 20 ms"},
		{fmt.Sprintf("  the %d searches once, database cold (not counted above)", len(queries)), ms2(coldRound), "", ""},
	}, nil
}

// searchFixture makes a structure and a conseiller of it (in memory: the
// search only reads the account's role and structures).
func searchFixture(app core.App) (string, *model.StaffView, error) {
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return "", nil, err
	}
	s := core.NewRecord(structures)
	s.Load(map[string]any{"nom": "Grande structure", "slug": "grande-structure", "fuseau": "Europe/Paris"})
	if err := app.Save(s); err != nil {
		return "", nil, fmt.Errorf("structure: %w", err)
	}
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return "", nil, err
	}
	u := core.NewRecord(utilisateurs)
	u.Load(map[string]any{"role": model.RoleConseiller, "structures": []string{s.Id}, "confirme_pour": []string{s.Id}, "actif": true})
	return s.Id, model.NewStaffView(u), nil
}

// insertPeople writes n people in bulk (the triggers fill the search index).
func insertPeople(app core.App, structure string, n int) ([]string, error) {
	prenoms, noms := demodata.PrenomsEtNoms()
	r := rand.New(rand.NewSource(42))
	ids := make([]string, 0, n)
	err := app.RunInTransaction(func(tx core.App) error {
		q := tx.DB().NewQuery(`INSERT INTO beneficiaires (id, structure, prenom, nom, telephone, email, recherche, created, updated)
			VALUES ({:id}, {:structure}, {:prenom}, {:nom}, {:telephone}, '', {:recherche}, {:now}, {:now})`).Prepare()
		defer q.Close()
		now := model.DBDate(time.Now())
		for i := range n {
			id := fmt.Sprintf("bench%010d", i)
			prenom, nom := prenoms[r.Intn(len(prenoms))], noms[r.Intn(len(noms))]
			tel := fmt.Sprintf("+33600%06d", r.Intn(1_000_000))
			_, err := q.Bind(dbx.Params{"id": id, "structure": structure, "prenom": prenom, "nom": nom, "telephone": tel,
				"recherche": texte.Fiche(prenom, nom, "", tel), "now": now}).Execute()
			if err != nil {
				return fmt.Errorf("insert person %d: %w", i, err)
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}
