package statistiques

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
)

// Monthly aggregates: the statistics of whole months are added up from
// one stored aggregate per structure and month (stats.Agregat) instead of
// walking every session and help, and give exactly what stats.Calculer
// gives on the full data (hooks/app/agregats_test.go checks it after
// every kind of write).
//
// How they stay exact (migration 1763900032):
//   - SQLite triggers on seances, inscriptions, envois, accompagnements,
//     beneficiaires, ateliers and structures write a mark (structure,
//     instant of the activity) in the write's own transaction, whoever
//     writes: records, raw SQL, imports;
//   - a reader first turns the marks into stale months (drainMarques:
//     the month of an instant is read in the structure's current zone; a
//     change of zone marks the whole structure), then counts the stale or
//     missing months again from the full data and stores them;
//   - a month stored by another version of the counting code (its
//     fingerprint: lib/stats's sources and the loader's) is stale too, so
//     an upgrade never adds up months counted under other rules;
//   - a month is stored only if no mark arrived since its version was
//     read (UPDATE … WHERE version = read version), so a write that lands
//     while a month is being counted leaves it stale.
//
// A period that is not made of whole months (a custom period from the
// 3rd to the 17th) is counted in full (LoadStatsData and stats.Calculer):
// ComputeResultat chooses. Exports that list activities one by one read
// the full data too.

//go:embed chargement.go
var chargementSource []byte

// empreinte fingerprints the counting (lib/stats) and the loading of what
// it counts: a month stored by another version is counted again.
var empreinte = func() string {
	h := sha256.Sum256(append([]byte(stats.EmpreinteCalcul), chargementSource...))
	return hex.EncodeToString(h[:])[:16]
}()

// moisCle is the stored month: « 2026-10 ».
func moisCle(d stats.Date) string { return fmt.Sprintf("%04d-%02d", d.Annee, d.Mois) }

func moisDeCle(s string) (stats.Date, bool) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return stats.Date{}, false
	}
	return stats.DateDe(t), true
}

// ComputeResultat counts a filter over the given structures (ids the
// person may see): from the monthly aggregates when its period is whole
// months, in full otherwise.
func ComputeResultat(app core.App, structures []string, f stats.Filtre) (*stats.Resultat, error) {
	if !f.EntierMois() {
		d, err := LoadStatsData(app, structures, f.Etendue())
		if err != nil {
			return nil, err
		}
		return stats.Calculer(d, f), nil
	}
	e := f.Etendue()
	aggs, err := LoadAgregats(app, structures, e.Du, e.Au)
	if err != nil {
		return nil, err
	}
	return stats.Assembler(aggs, f), nil
}

// storedMonths selects the stored months of the structures from du's to au's.
func storedMonths(structures []string, du, au stats.Date) dbx.Expression {
	ids := make([]any, len(structures))
	for i, id := range structures {
		ids[i] = id
	}
	return dbx.And(dbx.In("structure", ids...), dbx.Between("mois", moisCle(du), moisCle(au)))
}

// LoadAgregats returns the aggregates of the structures for the months
// from du's to au's, counting again those that are stale or missing. A
// month without activity has no aggregate in the answer.
func LoadAgregats(app core.App, structures []string, du, au stats.Date) ([]*stats.Agregat, error) {
	if len(structures) == 0 {
		return nil, nil
	}
	if err := drainMarques(app); err != nil {
		return nil, err
	}
	type stored struct {
		version, calcule              int64
		empreinte, donnees, personnes string
	}
	have := map[stats.CleAgregat]stored{}
	rows, err := app.DB().Select("structure", "mois", "version", "calcule", "empreinte", "donnees", "personnes").From("agregats").
		Where(storedMonths(structures, du, au)).Build().Rows()
	if err != nil {
		return nil, fmt.Errorf("monthly aggregates: %w", err)
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var s, m string
			var r stored
			if err := rows.Scan(&s, &m, &r.version, &r.calcule, &r.empreinte, &r.donnees, &r.personnes); err != nil {
				return err
			}
			if mois, ok := moisDeCle(m); ok {
				have[stats.CleAgregat{Structure: s, Mois: mois}] = r
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return nil, fmt.Errorf("monthly aggregates: %w", err)
	}
	var out []*stats.Agregat
	stale := map[stats.CleAgregat]int64{} // version read, 0 when missing
	for mois := du.PremierDuMois(); !au.Avant(mois); mois = mois.AjouterMois(1) {
		for _, s := range structures {
			k := stats.CleAgregat{Structure: s, Mois: mois}
			r, ok := have[k]
			if !ok || r.version != r.calcule || r.empreinte != empreinte {
				stale[k] = r.version
				continue
			}
			if r.donnees == "" {
				continue
			}
			a := &stats.Agregat{Structure: s, Mois: mois}
			if err := json.Unmarshal([]byte(r.donnees), a); err != nil {
				return nil, fmt.Errorf("monthly aggregate %s %s: %w", s, moisCle(mois), err)
			}
			if a.Vus, err = stats.LireVus(r.personnes); err != nil {
				return nil, fmt.Errorf("monthly aggregate %s %s: %w", s, moisCle(mois), err)
			}
			out = append(out, a)
		}
	}
	if len(stale) > 0 {
		computed, err := refreshAgregats(app, stale)
		if err != nil {
			return nil, err
		}
		out = append(out, computed...)
	}
	return out, nil
}

// refreshChunk is how many structures refreshAgregats reads at once: a
// region's year of 500 structures read at once held gigabytes (after an
// upgrade every month is stale); two at a time hold a few megabytes,
// and the equality test, with three structures, crosses a boundary.
const refreshChunk = 2

// refreshAgregats counts stale months in full, a few structures at a time
// (each over its stale months' range, never more than the full computation
// of the request would read), and stores each month whose version is still
// the one read (0: the row is created). It returns the aggregates with
// activity.
func refreshAgregats(app core.App, stale map[stats.CleAgregat]int64) ([]*stats.Agregat, error) {
	byStructure := map[string]map[stats.CleAgregat]int64{}
	for k, v := range stale {
		if byStructure[k.Structure] == nil {
			byStructure[k.Structure] = map[stats.CleAgregat]int64{}
		}
		byStructure[k.Structure][k] = v
	}
	structures := slices.Sorted(maps.Keys(byStructure))
	var out []*stats.Agregat
	for chunk := range slices.Chunk(structures, refreshChunk) {
		part := map[stats.CleAgregat]int64{}
		for _, s := range chunk {
			maps.Copy(part, byStructure[s])
		}
		computed, err := refreshStructures(app, chunk, part)
		if err != nil {
			return nil, err
		}
		out = append(out, computed...)
	}
	return out, nil
}

// refreshStructures counts the stale months of a few structures in one read.
func refreshStructures(app core.App, structures []string, stale map[stats.CleAgregat]int64) ([]*stats.Agregat, error) {
	var du, au stats.Date
	first := true
	for k := range stale {
		if first || k.Mois.Avant(du) {
			du = k.Mois
		}
		if first || au.Avant(k.Mois) {
			au = k.Mois
		}
		first = false
	}
	// A missing month is created stale at version 1 before the data is
	// read, so that a mark landing meanwhile leaves it stale.
	err := app.RunInTransaction(func(tx core.App) error {
		for k, v := range stale {
			if v != 0 {
				continue
			}
			_, err := tx.DB().NewQuery(`INSERT INTO agregats (structure, mois, version, calcule) VALUES ({:s}, {:m}, 1, 0)
				ON CONFLICT DO NOTHING`).Bind(dbx.Params{"s": k.Structure, "m": moisCle(k.Mois)}).Execute()
			if err != nil {
				return err
			}
			stale[k] = 1
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("monthly aggregates: %w", err)
	}
	d, err := LoadStatsData(app, structures, stats.Periode{Du: du, Au: au.DernierDuMois()})
	if err != nil {
		return nil, err
	}
	all := stats.Agreger(d)
	var out []*stats.Agregat
	err = app.RunInTransaction(func(tx core.App) error {
		for k, v := range stale {
			a := all[k]
			donnees, personnes := "", ""
			if a != nil {
				out = append(out, a)
				b, err := json.Marshal(a)
				if err != nil {
					return err
				}
				donnees, personnes = string(b), a.Vus.Texte()
			}
			_, err := tx.DB().NewQuery(`UPDATE agregats SET donnees = {:d}, personnes = {:p}, calcule = version, empreinte = {:e}
				WHERE structure = {:s} AND mois = {:m} AND version = {:v}`).
				Bind(dbx.Params{"d": donnees, "p": personnes, "e": empreinte, "s": k.Structure, "m": moisCle(k.Mois), "v": v}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("monthly aggregates: %w", err)
	}
	return out, nil
}

// drainMarques turns the marks the triggers wrote into stale months, in
// one transaction with their deletion.
func drainMarques(app core.App) error {
	var last int64
	if err := app.DB().NewQuery(`SELECT coalesce(max(n), 0) FROM agregats_marques`).Row(&last); err != nil {
		return fmt.Errorf("monthly aggregates marks: %w", err)
	}
	if last == 0 {
		return nil
	}
	err := app.RunInTransaction(func(tx core.App) error {
		var marks []struct {
			Structure string `db:"structure"`
			Instant   string `db:"instant"`
		}
		err := tx.DB().NewQuery(`SELECT DISTINCT structure, instant FROM agregats_marques WHERE n <= {:n}`).
			Bind(dbx.Params{"n": last}).All(&marks)
		if err != nil {
			return err
		}
		zones := map[string]*time.Location{}
		entiere := map[string]bool{}
		mois := map[stats.CleAgregat]bool{}
		for _, m := range marks {
			if m.Instant == "" {
				entiere[m.Structure] = true
				continue
			}
			loc, ok := zones[m.Structure]
			if !ok {
				var fuseau string
				err := tx.DB().Select("fuseau").From("structures").Where(dbx.HashExp{"id": m.Structure}).Row(&fuseau)
				if err != nil {
					// A deleted structure: nothing left to count.
					zones[m.Structure] = nil
					continue
				}
				loc = frfmt.Location(fuseau)
				zones[m.Structure] = loc
			}
			if loc == nil {
				continue
			}
			t := model.ParseDBTime(m.Instant)
			if t.IsZero() {
				continue
			}
			mois[stats.CleAgregat{Structure: m.Structure, Mois: stats.DateDe(t.In(loc)).PremierDuMois()}] = true
		}
		for s := range entiere {
			_, err := tx.DB().NewQuery(`UPDATE agregats SET version = version + 1 WHERE structure = {:s}`).
				Bind(dbx.Params{"s": s}).Execute()
			if err != nil {
				return err
			}
		}
		for k := range mois {
			if entiere[k.Structure] {
				continue
			}
			_, err := tx.DB().NewQuery(`INSERT INTO agregats (structure, mois, version, calcule) VALUES ({:s}, {:m}, 1, 0)
				ON CONFLICT DO UPDATE SET version = version + 1`).Bind(dbx.Params{"s": k.Structure, "m": moisCle(k.Mois)}).Execute()
			if err != nil {
				return err
			}
		}
		_, err = tx.DB().NewQuery(`DELETE FROM agregats_marques WHERE n <= {:n}`).Bind(dbx.Params{"n": last}).Execute()
		return err
	})
	if err != nil {
		return fmt.Errorf("monthly aggregates marks: %w", err)
	}
	return nil
}

// RebuildAgregats counts every month of every structure again from the
// full data: after a bulk load, or to check. The months without any
// activity are stored empty.
func RebuildAgregats(app core.App) error {
	var structures []string
	if err := app.DB().Select("id").From("structures").OrderBy("id").Column(&structures); err != nil {
		return fmt.Errorf("rebuild monthly aggregates: %w", err)
	}
	err := app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery(`DELETE FROM agregats_marques`).Execute(); err != nil {
			return err
		}
		_, err := tx.DB().NewQuery(`DELETE FROM agregats`).Execute()
		return err
	})
	if err != nil {
		return fmt.Errorf("rebuild monthly aggregates: %w", err)
	}
	var first, last string
	err = app.DB().NewQuery(`SELECT coalesce(min(t), ''), coalesce(max(t), '') FROM
		(SELECT min(debut) AS t FROM seances UNION ALL SELECT max(debut) FROM seances
		 UNION ALL SELECT min(date) FROM accompagnements UNION ALL SELECT max(date) FROM accompagnements) WHERE t != ''`).Row(&first, &last)
	if err != nil {
		return fmt.Errorf("rebuild monthly aggregates: %w", err)
	}
	if first == "" || len(structures) == 0 {
		return nil
	}
	// A day on each side covers every zone's reading of the instants.
	du := stats.DateDe(model.ParseDBTime(first)).AjouterJours(-1).PremierDuMois()
	au := stats.DateDe(model.ParseDBTime(last)).AjouterJours(1)
	for mois := du; !au.Avant(mois); mois = mois.AjouterMois(1) {
		if _, err := LoadAgregats(app, structures, mois, mois); err != nil {
			return fmt.Errorf("rebuild monthly aggregates: %w", err)
		}
	}
	return nil
}

// WarmMonths is how many months back WarmAgregats counts: the statistics
// page's « 12 derniers mois », and the month before for the monthly report.
const WarmMonths = 13

// WarmAgregats counts the stale or missing months of the last WarmMonths
// months (in the mainland's calendar, a day more on each side for the
// other zones) for every structure, a few structures at a time, so that a
// reader does not wait for them: after an upgrade of the counting code,
// every month of a region is stale and counting them on the first visit
// took a minute at 500 structures. It stops between structures when ctx
// ends and returns how many months it counted.
func WarmAgregats(ctx context.Context, app core.App, now time.Time) (int, error) {
	var structures []string
	if err := app.DB().Select("id").From("structures").OrderBy("id").Column(&structures); err != nil {
		return 0, fmt.Errorf("warm monthly aggregates: %w", err)
	}
	today := stats.DateDe(now.In(frfmt.Location("")))
	du := today.AjouterJours(-1).AjouterMois(-WarmMonths).PremierDuMois()
	au := today.AjouterJours(1)
	counted := 0
	for chunk := range slices.Chunk(structures, refreshChunk) {
		if err := ctx.Err(); err != nil {
			return counted, err
		}
		n, err := countStale(app, chunk, du, au)
		if err != nil {
			return counted, err
		}
		if n == 0 {
			continue
		}
		if _, err := LoadAgregats(app, chunk, du, au); err != nil {
			return counted, fmt.Errorf("warm monthly aggregates: %w", err)
		}
		counted += n
	}
	return counted, nil
}

// countStale is how many months of the structures from du's to au's are
// stale or missing (months without activity are stored empty once
// counted, so a missing month has never been counted).
func countStale(app core.App, structures []string, du, au stats.Date) (int, error) {
	if err := drainMarques(app); err != nil {
		return 0, err
	}
	var current int
	err := app.DB().Select("count(*)").From("agregats").
		Where(dbx.And(storedMonths(structures, du, au),
			dbx.NewExp("version = calcule AND empreinte = {:e}", dbx.Params{"e": empreinte}))).Row(&current)
	if err != nil {
		return 0, fmt.Errorf("warm monthly aggregates: %w", err)
	}
	months := 0
	for m := du.PremierDuMois(); !au.Avant(m); m = m.AjouterMois(1) {
		months++
	}
	return months*len(structures) - current, nil
}
