package app

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/stats"
	"atelier/hooks/rgpd"
	"atelier/hooks/statistiques"
	"atelier/hooks/synth"
	"atelier/hooks/testkit"
)

// The monthly aggregates always give what the full computation gives:
// a seeded data set over three overseas time zones, then one write of
// each kind, and after each step every figure, breakdown and monthly
// series of the 12 months, of all structures and of each one, compared
// with stats.Calculer over the full data.

type agregatsCase struct {
	app        *tests.TestApp
	structures []string // Nouméa, La Réunion, Cayenne
	conseiller []*core.Record
	rng        *rand.Rand
	now        time.Time
}

var agregatsFuseaux = []string{"Pacific/Noumea", "Indian/Reunion", "America/Cayenne"}

func newAgregatsCase(t *testing.T) *agregatsCase {
	t.Helper()
	app := testkit.EmptyApp(t)
	now := testkit.Now()
	if _, err := synth.Load(app, synth.Sizes{Structures: 3}, now); err != nil {
		t.Fatal(err)
	}
	c := &agregatsCase{app: app, rng: rand.New(rand.NewPCG(17, 18)), now: now}
	for i, fuseau := range agregatsFuseaux {
		s, err := app.FindFirstRecordByData("structures", "slug", fmt.Sprintf("structure-%d", i))
		if err != nil {
			t.Fatal(err)
		}
		s.Set("fuseau", fuseau)
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
		if _, err := synth.History(app, s.Id, synth.HistorySizes{Seances: 25, ParSeance: 4, Accompagnements: 50}, now); err != nil {
			t.Fatal(err)
		}
		c.structures = append(c.structures, s.Id)
		u, err := app.FindFirstRecordByData("utilisateurs", "email", fmt.Sprintf("conseiller%d@synth.test", i))
		if err != nil {
			t.Fatal(err)
		}
		c.conseiller = append(c.conseiller, u)
	}
	Register(app, os.DirFS("../../pb_public"))
	// Activity on the first and last hours of months in each zone: the
	// zone decides its month.
	for i, id := range c.structures {
		loc, _ := time.LoadLocation(agregatsFuseaux[i])
		local := now.In(loc)
		for k := range 3 {
			first := time.Date(local.Year(), local.Month()-time.Month(k), 1, 0, 20, 0, 0, loc)
			c.session(t, i, first, "realisee", 2)
			c.session(t, i, first.Add(-40*time.Minute), "realisee", 3)
			c.help(t, id, i, first.Add(-10*time.Minute), "")
			c.help(t, id, i, first.Add(5*time.Minute), c.person(t, i))
		}
	}
	return c
}

func (c *agregatsCase) record(t *testing.T, collection string, fields map[string]any) *core.Record {
	t.Helper()
	col, err := c.app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Load(fields)
	if err := c.app.Save(r); err != nil {
		t.Fatalf("create %s: %v", collection, err)
	}
	return r
}

func dbTime(t time.Time) types.DateTime {
	d, _ := types.ParseDateTime(t.UTC())
	return d
}

func (c *agregatsCase) person(t *testing.T, i int) string {
	t.Helper()
	return c.record(t, "beneficiaires", map[string]any{"structure": c.structures[i], "prenom": "Agathe",
		"nom": fmt.Sprintf("Agregat %d", c.rng.IntN(1_000_000)), "annee_naissance": 1940 + c.rng.IntN(70),
		"genre": []string{"feminin", "masculin", ""}[c.rng.IntN(3)], "commune": []string{"Nouméa", "Cayenne", ""}[c.rng.IntN(3)]}).Id
}

// session adds a session of structure i at debut with n registrations
// (present and absent when held, registered otherwise).
func (c *agregatsCase) session(t *testing.T, i int, debut time.Time, statut string, n int) *core.Record {
	t.Helper()
	id := c.structures[i]
	lieu, err := c.app.FindFirstRecordByFilter("lieux", "structure = {:s}", dbx.Params{"s": id})
	if err != nil {
		t.Fatal(err)
	}
	ateliers, err := c.app.FindAllRecords("ateliers", dbx.NewExp("structure = '' AND actif = true"))
	if err != nil || len(ateliers) == 0 {
		t.Fatal("the catalogue is needed", err)
	}
	s := c.record(t, "seances", map[string]any{"atelier": ateliers[c.rng.IntN(len(ateliers))].Id, "structure": id, "lieu": lieu.Id,
		"animateurs": []string{c.conseiller[i].Id}, "debut": dbTime(debut), "fin": dbTime(debut.Add(90 * time.Minute)),
		"capacite": 10, "statut": statut, "publique": false, "participants_anonymes": c.rng.IntN(3)})
	for k := range n {
		statut := "inscrit"
		if s.GetString("statut") == "realisee" {
			statut = []string{"present", "absent"}[k%2]
		}
		c.record(t, "inscriptions", map[string]any{"seance": s.Id, "beneficiaire": c.person(t, i), "statut": statut, "source": "conseiller"})
	}
	return s
}

func (c *agregatsCase) help(t *testing.T, structure string, i int, date time.Time, person string) *core.Record {
	t.Helper()
	fields := map[string]any{"conseiller": c.conseiller[i].Id, "structure": structure, "date": dbTime(date),
		"duree_minutes": 15 + c.rng.IntN(100), "type_lieu": "lieu_activite", "thematiques": []string{"email"}, "tranche_age": "",
		"genre": "feminin"}
	if person != "" {
		fields["beneficiaire"] = person
	}
	return c.record(t, "accompagnements", fields)
}

// filtres are the 12 months ending with the current one (in UTC: the
// structures' own months may be one ahead or behind), each alone and all
// together.
func (c *agregatsCase) filtres() []stats.Periode {
	this := stats.DateDe(c.now.UTC()).PremierDuMois()
	out := []stats.Periode{{Du: this.AjouterMois(-11), Au: this.DernierDuMois()}, {Du: this.AjouterMois(-2), Au: this.AjouterMois(1).DernierDuMois()}}
	for k := range 12 {
		out = append(out, stats.Mois(this.AjouterMois(-k).Annee, this.AjouterMois(-k).Mois))
	}
	return out
}

// differences compares the aggregate-backed figures with the full
// computation for every filter, all structures and each one.
func (c *agregatsCase) differences(t *testing.T) []string {
	t.Helper()
	var out []string
	scopes := [][]string{c.structures}
	for _, id := range c.structures {
		scopes = append(scopes, []string{id})
	}
	for _, p := range c.filtres() {
		f := stats.Filtre{Periode: p}
		for _, ids := range scopes {
			d, err := statistiques.LoadStatsData(c.app, ids, f.Etendue())
			if err != nil {
				t.Fatal(err)
			}
			want := stats.Calculer(d, f)
			got, err := statistiques.ComputeResultat(c.app, ids, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(want, got) {
				out = append(out, fmt.Sprintf("%v for %v:\nfull       %+v\naggregates %+v", p, ids, want, got))
			}
		}
	}
	return out
}

func (c *agregatsCase) check(t *testing.T, step string) {
	t.Helper()
	if diffs := c.differences(t); len(diffs) > 0 {
		t.Fatalf("after %s, %d differences, first: %s", step, len(diffs), diffs[0])
	}
}

// pick returns one record of collection matching where, at random.
func (c *agregatsCase) pick(t *testing.T, collection, where string, params dbx.Params) *core.Record {
	t.Helper()
	all, err := c.app.FindRecordsByFilter(collection, where, "id", 0, 0, params)
	if err != nil || len(all) == 0 {
		t.Fatalf("no %s where %s: %v", collection, where, err)
	}
	return all[c.rng.IntN(len(all))]
}

func (c *agregatsCase) save(t *testing.T, r *core.Record) {
	t.Helper()
	if err := c.app.Save(r); err != nil {
		t.Fatalf("save %s: %v", r.Collection().Name, err)
	}
}

func TestAgregatsEqualTheFullComputation(t *testing.T) {
	t.Parallel()
	c := newAgregatsCase(t)
	app := c.app
	c.check(t, "the data set")
	// Counted once: the same again reads the stored months.
	c.check(t, "a second read")

	steps := []struct {
		name  string
		write func(t *testing.T)
	}{
		{"a session created at a month's edge with its registrations", func(t *testing.T) {
			loc, _ := time.LoadLocation(agregatsFuseaux[0])
			local := c.now.In(loc)
			c.session(t, 0, time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc).Add(-time.Minute), "realisee", 3)
		}},
		{"a one-to-one help created, anonymous", func(t *testing.T) {
			c.help(t, c.structures[1], 1, c.now.AddDate(0, -1, 0), "")
		}},
		{"a one-to-one help edited (duration, themes, person)", func(t *testing.T) {
			h := c.pick(t, "accompagnements", "structure = {:s}", dbx.Params{"s": c.structures[2]})
			h.Set("duree_minutes", 200)
			h.Set("thematiques", []string{"sante", "email"})
			h.Set("beneficiaire", c.person(t, 2))
			c.save(t, h)
		}},
		{"walk-ins changed", func(t *testing.T) {
			s := c.pick(t, "seances", "structure = {:s} && statut = 'realisee'", dbx.Params{"s": c.structures[1]})
			s.Set("participants_anonymes", s.GetInt("participants_anonymes")+4)
			c.save(t, s)
		}},
		{"late attendance: absent marked present, months later", func(t *testing.T) {
			i := c.pick(t, "inscriptions", "statut = 'absent' && seance.structure = {:s}", dbx.Params{"s": c.structures[0]})
			i.Set("statut", "present")
			c.save(t, i)
		}},
		{"a past session closed late", func(t *testing.T) {
			s := c.session(t, 2, c.now.AddDate(0, -2, 3), "planifiee", 2)
			regs, err := app.FindAllRecords("inscriptions", dbx.HashExp{"seance": s.Id})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range regs {
				r.Set("statut", "present")
				c.save(t, r)
			}
			s.Set("statut", "realisee")
			c.save(t, s)
		}},
		{"a session cancelled", func(t *testing.T) {
			s := c.pick(t, "seances", "structure = {:s} && statut = 'realisee'", dbx.Params{"s": c.structures[2]})
			s.Set("statut", "annulee")
			c.save(t, s)
		}},
		{"a reminder and a waiting-list message recorded", func(t *testing.T) {
			i := c.pick(t, "inscriptions", "statut = 'present' && seance.structure = {:s}", dbx.Params{"s": c.structures[1]})
			c.record(t, "envois", map[string]any{"structure": c.structures[1], "canal": "sms", "destinataire": "+33600000000",
				"objet": "Rappel", "evenement": "rappel", "cible": i.Id, "statut": "envoye", "tentatives": 1})
			j := c.pick(t, "inscriptions", "statut = 'present' && seance.structure = {:s}", dbx.Params{"s": c.structures[0]})
			c.record(t, "envois", map[string]any{"structure": c.structures[0], "canal": "email", "destinataire": "a@b.test",
				"objet": "Liste", "evenement": "liste_attente", "cible": j.Id, "statut": "envoye", "tentatives": 1})
		}},
		{"a registration deleted", func(t *testing.T) {
			i := c.pick(t, "inscriptions", "statut = 'present' && seance.structure = {:s}", dbx.Params{"s": c.structures[2]})
			if err := app.Delete(i); err != nil {
				t.Fatal(err)
			}
		}},
		{"a one-to-one help deleted", func(t *testing.T) {
			if err := app.Delete(c.pick(t, "accompagnements", "beneficiaire != ''", nil)); err != nil {
				t.Fatal(err)
			}
		}},
		{"a person's attributes edited", func(t *testing.T) {
			i := c.pick(t, "inscriptions", "statut = 'present'", nil)
			p, err := app.FindRecordById("beneficiaires", i.GetString("beneficiaire"))
			if err != nil {
				t.Fatal(err)
			}
			p.Set("commune", "Koné")
			p.Set("genre", "masculin")
			p.Set("annee_naissance", 2010)
			c.save(t, p)
		}},
		{"a person anonymised", func(t *testing.T) {
			i := c.pick(t, "inscriptions", "statut = 'present' && seance.structure = {:s}", dbx.Params{"s": c.structures[1]})
			p, err := app.FindRecordById("beneficiaires", i.GetString("beneficiaire"))
			if err != nil {
				t.Fatal(err)
			}
			err = app.RunInTransaction(func(tx core.App) error {
				_, err := rgpd.AnonymiseBeneficiaire(tx, nil, p, "test", c.now)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
		{"two people merged", func(t *testing.T) {
			a := c.pick(t, "inscriptions", "statut = 'present' && seance.structure = {:s}", dbx.Params{"s": c.structures[0]})
			b := c.pick(t, "inscriptions", "statut = 'present' && seance.structure = {:s} && seance != {:seance}",
				dbx.Params{"s": c.structures[0], "seance": a.GetString("seance")})
			if a.GetString("beneficiaire") == b.GetString("beneficiaire") {
				t.Fatal("the same person twice")
			}
			if _, err := beneficiaires.MergeBeneficiaires(app, c.conseiller[0], a.GetString("beneficiaire"), b.GetString("beneficiaire")); err != nil {
				t.Fatal(err)
			}
		}},
		{"a session moved to the next month", func(t *testing.T) {
			loc, _ := time.LoadLocation(agregatsFuseaux[1])
			local := c.now.In(loc).AddDate(0, -1, 0)
			last := time.Date(local.Year(), local.Month()+1, 1, 0, 0, 0, 0, loc).Add(-2 * time.Hour)
			s := c.session(t, 1, last, "realisee", 2)
			c.check(t, "the session to move")
			s.Set("debut", dbTime(last.Add(3*time.Hour)))
			s.Set("fin", dbTime(last.Add(4*time.Hour)))
			c.save(t, s)
		}},
		{"a workshop's need and themes edited", func(t *testing.T) {
			s := c.pick(t, "seances", "structure = {:s} && statut = 'realisee'", dbx.Params{"s": c.structures[0]})
			a, err := app.FindRecordById("ateliers", s.GetString("atelier"))
			if err != nil {
				t.Fatal(err)
			}
			a.Set("besoin", "emploi")
			a.Set("thematiques", []string{"insertion_professionnelle"})
			c.save(t, a)
		}},
		{"a referral made, then answered « oui » at the next visit", func(t *testing.T) {
			h := c.help(t, c.structures[1], 1, c.now.AddDate(0, -2, 0), c.person(t, 1))
			h.Set("oriente", true)
			c.save(t, h)
			c.check(t, "the referral without answer")
			c.record(t, "suivis_orientation", map[string]any{"accompagnement": h.Id, "reponse": "oui",
				"date": dbTime(c.now), "conseiller": c.conseiller[1].Id})
		}},
		{"a structure's tag put on a help, then renamed", func(t *testing.T) {
			tag := c.record(t, "etiquettes", map[string]any{"nom": "Partenaire CAF", "structure": c.structures[2]})
			h := c.pick(t, "accompagnements", "structure = {:s}", dbx.Params{"s": c.structures[2]})
			h.Set("etiquettes", []string{tag.Id})
			c.save(t, h)
			c.check(t, "the tag put on a help")
			tag.Set("nom", "Partenaire CAF et MSA")
			c.save(t, tag)
		}},
		{"a structure's time zone changed", func(t *testing.T) {
			s, err := app.FindRecordById("structures", c.structures[0])
			if err != nil {
				t.Fatal(err)
			}
			s.Set("fuseau", "Pacific/Kiritimati")
			c.save(t, s)
		}},
		{"raw SQL around the records", func(t *testing.T) {
			_, err := app.DB().NewQuery(`UPDATE inscriptions SET statut = 'absent' WHERE id IN
				(SELECT i.id FROM inscriptions i JOIN seances s ON s.id = i.seance WHERE i.statut = 'present' AND s.structure = {:s} LIMIT 3)`).
				Bind(dbx.Params{"s": c.structures[2]}).Execute()
			if err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, s := range steps {
		s.write(t)
		c.check(t, s.name)
	}
}

// Without the triggers the aggregates would go stale: a registration
// marked present while its trigger is gone leaves the month's stored
// aggregate behind the full computation, and rebuilding brings it back.
// Months stored by another version of the counting code are counted again.
func TestAgregatsGoStaleWithoutTheirTriggers(t *testing.T) {
	t.Parallel()
	c := newAgregatsCase(t)
	c.check(t, "the data set")
	if _, err := c.app.DB().NewQuery(`DROP TRIGGER agregats_inscriptions_au`).Execute(); err != nil {
		t.Fatal(err)
	}
	i := c.pick(t, "inscriptions", "statut = 'absent'", nil)
	i.Set("statut", "present")
	c.save(t, i)
	if len(c.differences(t)) == 0 {
		t.Fatal("the aggregates followed a change no trigger marked: the equality test checks nothing")
	}
	if err := statistiques.RebuildAgregats(c.app); err != nil {
		t.Fatal(err)
	}
	var stale int
	if err := c.app.DB().NewQuery(`SELECT count(*) FROM agregats WHERE version != calcule`).Row(&stale); err != nil {
		t.Fatal(err)
	}
	if stale != 0 {
		t.Fatalf("%d months stale after a rebuild", stale)
	}
	c.check(t, "the rebuild")

	// What is stored is what is read…
	if _, err := c.app.DB().NewQuery(`UPDATE agregats SET donnees = '{"f":{"Inscriptions":999999}}'`).Execute(); err != nil {
		t.Fatal(err)
	}
	if len(c.differences(t)) == 0 {
		t.Fatal("the stored months were not read")
	}
	// …unless another version of the counting code stored it.
	if _, err := c.app.DB().NewQuery(`UPDATE agregats SET empreinte = 'version-ancienne'`).Execute(); err != nil {
		t.Fatal(err)
	}
	c.check(t, "an upgrade of the counting code")
}

// The aggregates hold counts of people's attributes: no API reaches them.
func TestAgregatsAreNoAPICollection(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	for _, name := range []string{"agregats", "agregats_marques"} {
		if _, err := app.FindCollectionByNameOrId(name); err == nil {
			t.Errorf("%s is a collection of the API", name)
		}
	}
	handler := testkit.Handler(t, app)
	for _, user := range []string{"", testkit.Coordinateur} {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/api/collections/agregats/records", nil)
		if user != "" {
			req.Header.Set("Authorization", testkit.Token(t, user))
		}
		handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("%q: status %d, want 404", user, rec.Code)
		}
	}
}

// The scheduler counts the months of the last year ahead of readers: at
// start-up after an upgrade of the counting code, and each night. What it
// stores equals the full computation, and it stops when asked to.
func TestWarmAgregatsCountsTheLastYearAhead(t *testing.T) {
	t.Parallel()
	c := newAgregatsCase(t)
	ctx := context.Background()
	waiting := func() int {
		t.Helper()
		var n int
		if err := c.app.DB().NewQuery(`SELECT count(*) FROM agregats WHERE version != calcule
			OR empreinte != (SELECT empreinte FROM agregats WHERE version = calcule ORDER BY mois DESC LIMIT 1)`).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	first, err := statistiques.WarmAgregats(ctx, c.app, c.now)
	if err != nil {
		t.Fatal(err)
	}
	months := (statistiques.WarmMonths + 2) * len(c.structures) // the window spans 14 or 15 months
	if first < months-len(c.structures) || first > months {
		t.Fatalf("a first run counted %d months, want about %d (every month of the window, every structure)", first, months)
	}
	if n := waiting(); n != 0 {
		t.Fatalf("%d months left stale after warming", n)
	}
	if again, err := statistiques.WarmAgregats(ctx, c.app, c.now); err != nil || again != 0 {
		t.Fatalf("a second run counted %d months (%v), want 0", again, err)
	}

	if _, err := c.app.DB().NewQuery(`UPDATE agregats SET empreinte = 'version-ancienne'`).Execute(); err != nil {
		t.Fatal(err)
	}
	if upgraded, err := statistiques.WarmAgregats(ctx, c.app, c.now); err != nil || upgraded != first {
		t.Fatalf("after an upgrade, counted %d months (%v), want %d", upgraded, err, first)
	}
	i := c.pick(t, "inscriptions", "statut = 'absent'", nil)
	i.Set("statut", "present")
	c.save(t, i)
	if after, err := statistiques.WarmAgregats(ctx, c.app, c.now); err != nil || after < 1 {
		t.Fatalf("after a late attendance, counted %d months (%v), want its month", after, err)
	}
	if n := waiting(); n != 0 {
		t.Fatalf("%d months left stale after warming", n)
	}
	c.check(t, "the months warmed by the scheduler")

	if _, err := c.app.DB().NewQuery(`UPDATE agregats SET empreinte = 'version-ancienne'`).Execute(); err != nil {
		t.Fatal(err)
	}
	stopped, cancel := context.WithCancel(ctx)
	cancel()
	if n, err := statistiques.WarmAgregats(stopped, c.app, c.now); !errors.Is(err, context.Canceled) || n != 0 {
		t.Fatalf("a stopped run counted %d months (%v), want 0 and context.Canceled", n, err)
	}
}
