package main

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"testing/fstest"
	"time"

	"atelier/hooks/clock"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/app"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/demodata"
	"atelier/hooks/lib/importcoop"
)

// importedPeople is the size of the file imported; importExisting the
// structure's people already recorded, among whom duplicates are looked for.
const (
	importedPeople = 5000
	importExisting = 2000
)

// measureImport imports a 5,000-row file in La Coop's template into a
// structure of 20,000 people, with every hook of the application bound
// (integrity, search keys, journal, create rule checked for the
// conseiller), as the workspace's « Importer » does: reading the file, the
// dry run (each row's checks and duplicate search), then the transaction.
// The baseline is the same 5,000 people saved with app.Save in one
// transaction, with no check, no duplicate search and no journal.
func measureImport() ([]row, error) {
	dir, err := os.MkdirTemp("", "atelier-bench-import-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	pb := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := pb.Bootstrap(); err != nil {
		return nil, err
	}
	defer pb.ResetBootstrapState()
	if err := pb.RunAllMigrations(); err != nil {
		return nil, err
	}
	app.Register(pb, fstest.MapFS{})
	fmt.Fprintf(os.Stderr, "import: %d people in the structure, a file of %d…\n", importExisting, importedPeople)
	structure, conseiller, err := importFixture(pb)
	if err != nil {
		return nil, err
	}
	if _, err := insertPeople(pb, structure, importExisting); err != nil {
		return nil, err
	}
	file, people, err := importFile()
	if err != nil {
		return nil, err
	}

	baselineStart := time.Now()
	if err := saveBaseline(pb, structure, people); err != nil {
		return nil, err
	}
	baseline := time.Since(baselineStart)
	if _, err := pb.DB().Delete("beneficiaires", dbx.NewExp("nom LIKE 'Base%'")).Execute(); err != nil {
		return nil, err
	}

	start := time.Now()
	table, err := importcoop.Lire(file)
	if err != nil {
		return nil, err
	}
	read := time.Since(start)
	imp, err := beneficiaires.AnalyserImport(pb, structure, table, importcoop.Champs(), clock.Now(pb), nil)
	if err != nil {
		return nil, err
	}
	analysed := time.Since(start)
	if imp.Invalides > 0 {
		return nil, fmt.Errorf("import: %d invalid rows in the bench file, first: %q", imp.Invalides, firstInvalid(imp))
	}
	n, err := beneficiaires.Importer(pb, conseiller, imp, nil, clock.Now(pb), nil)
	if err != nil {
		return nil, err
	}
	total := time.Since(start)
	return []row{
		{fmt.Sprintf("%d people saved in one transaction, no check (baseline of the next rows)", importedPeople), ms(baseline), "1.00", ""},
		{fmt.Sprintf("Import of %d people (La Coop template, %d already in the structure): total", importedPeople, importExisting),
			ms(total), ratio(float64(total), float64(baseline)), "< 10 s"},
		{"  reading the XLSX file", ms(read), ratio(float64(read), float64(baseline)), ""},
		{"  dry run (checks and duplicates of each row)", ms(analysed - read), ratio(float64(analysed-read), float64(baseline)), ""},
		{fmt.Sprintf("  transaction (%d created, %d duplicates left out)", n, imp.Doublons), ms(total - analysed),
			ratio(float64(total-analysed), float64(baseline)), ""},
	}, nil
}

func importFixture(pb core.App) (string, *core.Record, error) {
	structure, staff, err := searchFixture(pb)
	if err != nil {
		return "", nil, err
	}
	utilisateurs, err := pb.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return "", nil, err
	}
	u := core.NewRecord(utilisateurs)
	u.Load(map[string]any{"email": "import@bench.example", "password": "motdepasse-du-bench", "nom": "Bench", "prenom": "Import",
		"role": staff.RoleValue, "structures": staff.Structures, "confirme_pour": staff.Confirmees, "actif": true, "verified": true})
	if err := pb.Save(u); err != nil {
		return "", nil, fmt.Errorf("import conseiller: %w", err)
	}
	return structure, u, nil
}

// importFile is a template of importedPeople people: demo names, a phone
// each, a birth year, a genre, a commune.
func importFile() ([]byte, []importcoop.Personne, error) {
	prenoms, noms := demodata.PrenomsEtNoms()
	r := rand.New(rand.NewSource(7))
	genres := []string{"feminin", "masculin", "non_communique", ""}
	people := make([]importcoop.Personne, importedPeople)
	for i := range people {
		people[i] = importcoop.Personne{Prenom: prenoms[r.Intn(len(prenoms))], Nom: noms[r.Intn(len(noms))],
			Annee: 1930 + r.Intn(80), Telephone: fmt.Sprintf("06 45 %02d %02d %02d", i/10000%100, i/100%100, i%100),
			Commune: "Poitiers", CodePostal: "86000", CodeInsee: "86194", Genre: genres[i%len(genres)]}
	}
	var buf bytes.Buffer
	if err := importcoop.Ecrire(&buf, "Bénéficiaires", people); err != nil {
		return nil, nil, err
	}
	return buf.Bytes(), people, nil
}

func saveBaseline(pb core.App, structure string, people []importcoop.Personne) error {
	collection, err := pb.FindCollectionByNameOrId("beneficiaires")
	if err != nil {
		return err
	}
	return pb.RunInTransaction(func(tx core.App) error {
		for i, p := range people {
			r := core.NewRecord(collection)
			r.Load(map[string]any{"structure": structure, "prenom": p.Prenom, "nom": fmt.Sprintf("Base%d", i)})
			if err := tx.SaveNoValidate(r); err != nil {
				return err
			}
		}
		return nil
	})
}

func firstInvalid(imp *beneficiaires.Import) []string {
	for _, l := range imp.Lignes {
		if !l.Valide() {
			return l.Erreurs
		}
	}
	return nil
}
