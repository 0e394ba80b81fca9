// Package synth fills an Atelier database with synthetic data of a chosen
// size, for benchmarks: N structures with their place and advisor, M
// upcoming public sessions, K registrations and A one-to-one helps. Unlike
// `atelier demo` it aims at volume, not realism.
package synth

import (
	"fmt"
	"math/rand/v2"
	"time"

	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/model"
)

// Sizes of the generated data set.
type Sizes struct {
	Structures      int
	Seances         int // upcoming public sessions, over the next 8 weeks
	Inscriptions    int // spread over the sessions
	Accompagnements int // over the past 3 months
}

// Summary counts what was inserted.
type Summary struct {
	Structures, Seances, Beneficiaires, Inscriptions, Accompagnements int
}

type builder struct {
	app         core.App
	now         time.Time
	rng         *rand.Rand
	collections map[string]*core.Collection
	ateliers    []*core.Record
	summary     Summary
}

// Load inserts the data set in one transaction.
func Load(app core.App, sizes Sizes, now time.Time) (Summary, error) {
	var summary Summary
	err := app.RunInTransaction(func(tx core.App) error {
		b := &builder{app: tx, now: now, rng: rand.New(rand.NewPCG(1, 2)), collections: map[string]*core.Collection{}}
		if err := b.load(sizes); err != nil {
			return err
		}
		summary = b.summary
		return nil
	})
	if err != nil {
		return Summary{}, fmt.Errorf("synthetic data: %w", err)
	}
	return summary, nil
}

func (b *builder) load(s Sizes) error {
	ateliers, err := b.app.FindAllRecords("ateliers", dbx.NewExp("structure = '' AND actif = true"))
	if err != nil || len(ateliers) == 0 {
		return fmt.Errorf("the seeded catalogue is needed: %v", err)
	}
	b.ateliers = ateliers

	type site struct{ structure, lieu, conseiller *core.Record }
	sites := make([]site, 0, s.Structures)
	for i := range max(s.Structures, 1) {
		st, err := b.structure(i)
		if err != nil {
			return err
		}
		lieu, err := b.save("lieux", map[string]any{"structure": st.Id, "nom": fmt.Sprintf("Salle %d", i), "commune": st.GetString("commune")})
		if err != nil {
			return err
		}
		conseiller, err := b.save("utilisateurs", map[string]any{
			"email": fmt.Sprintf("conseiller%d@synth.test", i), "password": "synthetique-0000", "verified": true,
			"nom": fmt.Sprintf("Conseiller %d", i), "prenom": "Camille", "role": "conseiller",
			"structures": []string{st.Id}, "confirme_pour": []string{st.Id}, "actif": true,
		})
		if err != nil {
			return err
		}
		sites = append(sites, site{st, lieu, conseiller})
	}

	seances := make([]*core.Record, 0, s.Seances)
	for i := range s.Seances {
		st := sites[i%len(sites)]
		seance, err := b.seance(st.structure, st.lieu, st.conseiller, i, s.Seances)
		if err != nil {
			return err
		}
		seances = append(seances, seance)
	}

	beneficiaires := make([][]*core.Record, len(sites))
	for i := range s.Inscriptions {
		if len(seances) == 0 {
			break
		}
		seance := seances[i%len(seances)]
		siteIndex := (i % len(seances)) % len(sites)
		person, err := b.save("beneficiaires", map[string]any{
			"structure": seance.GetString("structure"), "prenom": "Dominique", "nom": fmt.Sprintf("Synthetique %d", i),
			"telephone": fmt.Sprintf("+3361%07d", i), "annee_naissance": 1940 + b.rng.IntN(65),
		})
		if err != nil {
			return err
		}
		beneficiaires[siteIndex] = append(beneficiaires[siteIndex], person)
		if _, err := b.save("inscriptions", map[string]any{
			"seance": seance.Id, "beneficiaire": person.Id, "statut": "inscrit", "source": "public",
		}); err != nil {
			return err
		}
		b.summary.Beneficiaires++
		b.summary.Inscriptions++
	}

	for i := range s.Accompagnements {
		st := sites[i%len(sites)]
		fields := map[string]any{
			"conseiller": st.conseiller.Id, "structure": st.structure.Id,
			"date":          b.datetime(b.now.AddDate(0, 0, -b.rng.IntN(90))),
			"duree_minutes": []int{15, 30, 45, 60, 90}[b.rng.IntN(5)],
			"type_lieu":     pick(b.rng, referentiel.TypesLieu.Values()),
			"thematiques":   []string{pick(b.rng, referentiel.Thematiques.Values())},
			"tranche_age":   pick(b.rng, referentiel.TranchesAge.Values()),
			"genre":         pick(b.rng, referentiel.Genres.Values()),
		}
		if people := beneficiaires[i%len(sites)]; len(people) > 0 && i%2 == 0 {
			fields["beneficiaire"] = people[b.rng.IntN(len(people))].Id
		}
		if _, err := b.save("accompagnements", fields); err != nil {
			return err
		}
		b.summary.Accompagnements++
	}
	return nil
}

func (b *builder) structure(i int) (*core.Record, error) {
	fuseau, commune, cp := "Europe/Paris", "Poitiers", "86000"
	if i%10 == 9 {
		fuseau, commune, cp = "Indian/Reunion", "Saint-Denis", "97400"
	}
	st, err := b.save("structures", map[string]any{
		"nom": fmt.Sprintf("Structure synthétique %d", i), "slug": fmt.Sprintf("structure-%d", i),
		"fuseau": fuseau, "commune": commune, "code_postal": cp,
	})
	if err == nil {
		b.summary.Structures++
	}
	return st, err
}

// seance spreads n sessions evenly over the next 8 weeks, at 9:30 or 14:00.
func (b *builder) seance(structure, lieu, conseiller *core.Record, i, n int) (*core.Record, error) {
	atelier := b.ateliers[i%len(b.ateliers)]
	day := 1 + (i*56)/max(n, 1)
	hour := []int{9, 14}[i%2]
	debut := time.Date(b.now.Year(), b.now.Month(), b.now.Day(), hour, 30*(1-i%2), 0, 0, time.UTC).AddDate(0, 0, day)
	fin := debut.Add(time.Duration(atelier.GetInt("duree_minutes")) * time.Minute)
	r, err := b.save("seances", map[string]any{
		"atelier": atelier.Id, "structure": structure.Id, "lieu": lieu.Id, "animateurs": []string{conseiller.Id},
		"debut": b.datetime(debut), "fin": b.datetime(fin), "capacite": atelier.GetInt("capacite_defaut"),
		"statut": "planifiee", "publique": true, "inscriptions_ouvertes": true,
	})
	if err == nil {
		b.summary.Seances++
	}
	return r, err
}

func (b *builder) save(collection string, fields map[string]any) (*core.Record, error) {
	c, ok := b.collections[collection]
	if !ok {
		var err error
		if c, err = b.app.FindCollectionByNameOrId(collection); err != nil {
			return nil, err
		}
		b.collections[collection] = c
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if collection == "beneficiaires" {
		model.SetRecherche(r)
	}
	if err := b.app.Save(r); err != nil {
		return nil, fmt.Errorf("insert %s: %w", collection, err)
	}
	return r, nil
}

func (b *builder) datetime(t time.Time) types.DateTime {
	dt, _ := types.ParseDateTime(t)
	return dt
}

func pick(rng *rand.Rand, values []string) string { return values[rng.IntN(len(values))] }
