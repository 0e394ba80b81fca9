package app

import (
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/rapports"
	"atelier/hooks/statistiques"
	"atelier/hooks/synth"
	"atelier/hooks/testkit"
)

// BenchmarkAggregats compares the full computation of a year of statistics
// with the monthly aggregates, for 500 structures (ATELIER_BENCH_STRUCTURES)
// with, per structure and month, ATELIER_BENCH_AIDES one-to-one helps (100
// by default), 8 held sessions of 6 registrations, among 60 people per
// structure; inserted by SQL (as a bulk load), then RebuildAgregats
// (go test -run X -bench Aggregats -benchtime 3x ./hooks/app/).
func BenchmarkAggregats(b *testing.B) {
	structures, aides := 500, 100
	if n, err := strconv.Atoi(os.Getenv("ATELIER_BENCH_STRUCTURES")); err == nil && n > 0 {
		structures = n
	}
	if n, err := strconv.Atoi(os.Getenv("ATELIER_BENCH_AIDES")); err == nil && n > 0 {
		aides = n
	}
	app := testkit.EmptyApp(b)
	now := testkit.Now()
	if _, err := synth.Load(app, synth.Sizes{Structures: structures}, now); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	n, err := bulkYear(app, now, aides)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("bulk load: %s activities in %s", n, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	if err := statistiques.RebuildAgregats(app); err != nil {
		b.Fatal(err)
	}
	b.Logf("RebuildAgregats: %s", time.Since(start).Round(time.Millisecond))

	var ids []string
	if err := app.DB().Select("id").From("structures").OrderBy("id").Column(&ids); err != nil {
		b.Fatal(err)
	}
	this := stats.DateDe(now.UTC()).PremierDuMois()
	year := stats.Filtre{Periode: stats.Periode{Du: this.AjouterMois(-11), Au: this.DernierDuMois()}}
	for _, c := range []struct {
		name string
		ids  []string
	}{{"all", ids}, {"one", ids[:1]}} {
		b.Run("full-"+c.name, func(b *testing.B) {
			for b.Loop() {
				d, err := statistiques.LoadStatsData(app, c.ids, year.Etendue())
				if err != nil {
					b.Fatal(err)
				}
				stats.Calculer(d, year)
			}
		})
		b.Run("aggregates-"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := statistiques.ComputeResultat(app, c.ids, year); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// A registration changes between two reads: its month is counted again.
	inscription, err := app.FindFirstRecordByFilter("inscriptions", "statut = 'present'")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("aggregates-all-after-a-write", func(b *testing.B) {
		statut := []string{"absent", "present"}
		k := 0
		for b.Loop() {
			b.StopTimer()
			inscription.Set("statut", statut[k%2])
			k++
			if err := app.Save(inscription); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			if _, err := statistiques.ComputeResultat(app, ids, year); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Last month's reports of every structure (statistics, PDF, XLSX,
	// stored), as the monthly job makes them.
	b.Run("monthly-reports", func(b *testing.B) {
		all, err := rapports.ReportStructures(app, nil)
		if err != nil || len(all) != structures {
			b.Fatalf("%d structures: %v", len(all), err)
		}
		for b.Loop() {
			for _, s := range all {
				if _, err := rapports.GenerateReports(app, s, []time.Time{rapports.DueMonth(now, s.Location())}, now, true); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("overview", func(b *testing.B) {
		for b.Loop() {
			if _, err := statistiques.LoadApercu(app, now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// bulkYear inserts, by SQL around the records, a year of activity in every
// structure: people, held sessions with registrations, one-to-one help.
func bulkYear(app core.App, now time.Time, aides int) (string, error) {
	var sites []struct {
		Structure  string `db:"structure"`
		Lieu       string `db:"lieu"`
		Conseiller string `db:"conseiller"`
	}
	err := app.DB().NewQuery(`SELECT s.id AS structure, (SELECT l.id FROM lieux l WHERE l.structure = s.id LIMIT 1) AS lieu,
		(SELECT u.id FROM utilisateurs u, json_each(u.structures) j WHERE j.value = s.id LIMIT 1) AS conseiller
		FROM structures s ORDER BY s.id`).All(&sites)
	if err != nil {
		return "", err
	}
	var ateliers []string
	if err := app.DB().Select("id").From("ateliers").Where(dbx.NewExp("structure = '' AND actif = true")).Column(&ateliers); err != nil {
		return "", err
	}
	var nSeances, nInscriptions, nAides int
	seq := 0
	id := func(prefix string) string { seq++; return fmt.Sprintf("%s%014d", prefix, seq) }
	err = app.RunInTransaction(func(tx core.App) error {
		people := tx.DB().NewQuery(`INSERT INTO beneficiaires (id, structure, prenom, nom, annee_naissance, genre, statut_social, commune)
			VALUES ({:id}, {:s}, 'Claude', {:nom}, {:a}, {:g}, {:st}, {:c})`).Prepare()
		seance := tx.DB().NewQuery(`INSERT INTO seances (id, atelier, structure, lieu, debut, fin, capacite, statut, participants_anonymes)
			VALUES ({:id}, {:a}, {:s}, {:l}, {:d}, {:f}, 8, 'realisee', {:n})`).Prepare()
		inscription := tx.DB().NewQuery(`INSERT INTO inscriptions (id, seance, beneficiaire, statut, source)
			VALUES ({:id}, {:s}, {:b}, {:st}, 'public')`).Prepare()
		aide := tx.DB().NewQuery(`INSERT INTO accompagnements (id, conseiller, structure, date, duree_minutes, type_lieu, thematiques, beneficiaire, genre)
			VALUES ({:id}, {:c}, {:s}, {:d}, {:m}, 'lieu_activite', '["email"]', {:b}, {:g})`).Prepare()
		defer people.Close()
		defer seance.Close()
		defer inscription.Close()
		defer aide.Close()
		genres := []string{"feminin", "masculin", ""}
		for si, s := range sites {
			var ps []string
			for k := range 60 {
				p := id("b")
				if _, err := people.Bind(dbx.Params{"id": p, "s": s.Structure, "nom": fmt.Sprintf("Masse %d-%d", si, k), "a": 1940 + (si+k)%70,
					"g": genres[k%3], "st": "retraite", "c": []string{"Poitiers", "Niort", ""}[k%3]}).Execute(); err != nil {
					return err
				}
				ps = append(ps, p)
			}
			for m := range 12 {
				month := time.Date(now.Year(), now.Month()-time.Month(m), 1, 8, 0, 0, 0, time.UTC)
				for k := range 8 {
					debut := month.AddDate(0, 0, 3*k)
					sid := id("s")
					if _, err := seance.Bind(dbx.Params{"id": sid, "a": ateliers[(si+k)%len(ateliers)], "s": s.Structure, "l": s.Lieu,
						"d": model.DBDate(debut), "f": model.DBDate(debut.Add(2 * time.Hour)), "n": k % 3}).Execute(); err != nil {
						return err
					}
					nSeances++
					for r := range 6 {
						if _, err := inscription.Bind(dbx.Params{"id": id("i"), "s": sid, "b": ps[(m*8+k*6+r)%len(ps)],
							"st": []string{"present", "present", "absent"}[r%3]}).Execute(); err != nil {
							return err
						}
						nInscriptions++
					}
				}
				for k := range aides {
					b := ""
					if k%2 == 0 {
						b = ps[(m*7+k)%len(ps)]
					}
					if _, err := aide.Bind(dbx.Params{"id": id("h"), "c": s.Conseiller, "s": s.Structure,
						"d": model.DBDate(month.Add(time.Duration(k*6) * time.Hour)), "m": 15 + k%90, "b": b, "g": genres[k%3]}).Execute(); err != nil {
						return err
					}
					nAides++
				}
			}
		}
		return nil
	})
	return fmt.Sprintf("%d sessions, %d registrations, %d one-to-one helps", nSeances, nInscriptions, nAides), err
}
