package app

import (
	"bytes"
	"errors"
	"maps"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"atelier/hooks/cli"

	"atelier/hooks/lib/demodata"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/testkit"
	_ "atelier/pb_migrations" // the schema and the seeded catalogue

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// newDemoTestApp is an empty, migrated instance with Atelier's hooks.
func newDemoTestApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	testkit.UseClock(app)
	t.Cleanup(app.Cleanup)
	Register(app, fstest.MapFS{})
	return app
}

// loadedDemo loads the demo once per test that needs it.
func loadedDemo(t *testing.T) (*tests.TestApp, time.Time, string) {
	t.Helper()
	app := newDemoTestApp(t)
	now := testkit.Now()
	var out bytes.Buffer
	start := time.Now()
	if err := cli.LoadDemo(app, now, &out); err != nil {
		t.Fatalf("LoadDemo: %v", err)
	}
	t.Logf("LoadDemo took %s", time.Since(start).Round(time.Millisecond))
	return app, now, out.String()
}

func demoCount(t *testing.T, app core.App, collection string, where ...dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(collection, where...)
	if err != nil {
		t.Fatalf("count %s: %v", collection, err)
	}
	return int(n)
}

// demoSQLCount runs a counting query and returns its result.
func demoSQLCount(t *testing.T, app core.App, query string) int {
	t.Helper()
	var n int
	if err := app.DB().NewQuery(query).Row(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func demoAll(t *testing.T, app core.App, collection string) []*core.Record {
	t.Helper()
	records, err := app.FindAllRecords(collection)
	if err != nil {
		t.Fatalf("find %s: %v", collection, err)
	}
	return records
}

func TestDemoLoadsRealisticVolumes(t *testing.T) {
	t.Parallel()
	app, now, _ := loadedDemo(t)
	inRange := func(what string, got, lo, hi int) {
		t.Helper()
		if got < lo || got > hi {
			t.Errorf("%s: %d, want %d–%d", what, got, lo, hi)
		}
	}
	inRange("structures", demoCount(t, app, "structures"), 2, 2)
	inRange("lieux", demoCount(t, app, "lieux"), 4, 4)
	inRange("seances", demoCount(t, app, "seances"), 35, 45)
	inRange("beneficiaires", demoCount(t, app, "beneficiaires"), 140, 160)
	inRange("accompagnements", demoCount(t, app, "accompagnements"), 280, 320)
	inRange("inscriptions", demoCount(t, app, "inscriptions"), 150, 600)

	fuseaux := map[string]bool{}
	for _, s := range demoAll(t, app, "structures") {
		fuseaux[s.GetString("fuseau")] = true
	}
	if len(fuseaux) != 2 || !fuseaux["Indian/Reunion"] {
		t.Errorf("time zones %v, want two distinct with Indian/Reunion", fuseaux)
	}

	// Every structure has its conseillers and its référent, the
	// coordinateur reaches both.
	for _, s := range demoAll(t, app, "structures") {
		roles := map[string]int{}
		for _, u := range demoAll(t, app, "utilisateurs") {
			for _, id := range u.GetStringSlice("structures") {
				if id == s.Id {
					roles[u.GetString("role")]++
				}
			}
		}
		if roles["conseiller"] < 2 || roles["referent"] < 1 || roles["coordinateur"] < 1 {
			t.Errorf("%s: staff by role %v", s.GetString("nom"), roles)
		}
	}

	// Sessions over the past 3 months and the next 6 weeks, on working days
	// and hours of the structure's time zone, using the shared catalogue.
	var past, future int
	for _, se := range demoAll(t, app, "seances") {
		debut, fin := se.GetDateTime("debut").Time(), se.GetDateTime("fin").Time()
		if debut.Before(now.AddDate(0, 0, -93)) || debut.After(now.AddDate(0, 0, 43)) {
			t.Errorf("session at %s, out of range", debut)
		}
		if debut.Before(now) {
			past++
		} else {
			future++
		}
		structure, err := app.FindRecordById("structures", se.GetString("structure"))
		if err != nil {
			t.Fatal(err)
		}
		loc, _ := time.LoadLocation(structure.GetString("fuseau"))
		local := debut.In(loc)
		if wd := local.Weekday(); wd == time.Saturday || wd == time.Sunday || local.Hour() < 8 || local.Hour() > 17 {
			t.Errorf("session at %s local time", local)
		}
		atelier, err := app.FindRecordById("ateliers", se.GetString("atelier"))
		if err != nil || atelier.GetString("structure") != "" {
			t.Errorf("session of a workshop outside the shared catalogue: %v", err)
		} else if fin.Sub(debut) != time.Duration(atelier.GetInt("duree_minutes"))*time.Minute {
			t.Errorf("session lasts %s, workshop %d min", fin.Sub(debut), atelier.GetInt("duree_minutes"))
		}
	}
	if past < 20 || future < 10 {
		t.Errorf("%d past and %d upcoming sessions", past, future)
	}
	if n := demoCount(t, app, "seances", dbx.HashExp{"statut": "annulee"}); n < 1 {
		t.Error("no cancelled session")
	}
	if n := demoCount(t, app, "seances", dbx.HashExp{"publique": false}); n < 1 {
		t.Error("no private session")
	}
	if n := demoCount(t, app, "accompagnements", dbx.NewExp("beneficiaire != ''")); n < 100 || n > 200 {
		t.Errorf("%d helps linked to a person, want about half", n)
	}
}

func TestDemoIsConsistent(t *testing.T) {
	t.Parallel()
	app, now, _ := loadedDemo(t)

	zero := map[string]string{
		"registration of a person of another structure": `SELECT count(*) FROM inscriptions i
			JOIN seances s ON s.id = i.seance JOIN beneficiaires b ON b.id = i.beneficiaire
			WHERE s.structure != b.structure`,
		"help for a person of another structure": `SELECT count(*) FROM accompagnements a
			JOIN beneficiaires b ON b.id = a.beneficiaire WHERE a.structure != b.structure`,
		"help by somebody who is not a conseiller of the structure": `SELECT count(*) FROM accompagnements a
			JOIN utilisateurs u ON u.id = a.conseiller
			WHERE u.role != 'conseiller' OR NOT EXISTS (SELECT 1 FROM json_each(u.structures) j WHERE j.value = a.structure)`,
		"session at a place of another structure": `SELECT count(*) FROM seances s
			JOIN lieux l ON l.id = s.lieu WHERE l.structure != s.structure`,
		"same person twice in a session": `SELECT count(*) FROM
			(SELECT seance, beneficiaire FROM inscriptions GROUP BY seance, beneficiaire HAVING count(*) > 1)`,
		"overbooked session": `SELECT count(*) FROM seances s WHERE s.capacite <
			(SELECT count(*) FROM inscriptions i WHERE i.seance = s.id AND i.statut IN ('inscrit', 'present', 'absent'))`,
		"active registration on a cancelled session": `SELECT count(*) FROM inscriptions i
			JOIN seances s ON s.id = i.seance WHERE s.statut = 'annulee' AND i.statut != 'annule'`,
		"attendance on a session not marked done": `SELECT count(*) FROM inscriptions i
			JOIN seances s ON s.id = i.seance WHERE i.statut IN ('present', 'absent') AND s.statut != 'realisee'`,
		"walk-ins on a session not done":     `SELECT count(*) FROM seances WHERE participants_anonymes > 0 AND statut != 'realisee'`,
		"cancelled session without a reason": `SELECT count(*) FROM seances WHERE statut = 'annulee' AND motif_annulation = ''`,
		"person without a name":              `SELECT count(*) FROM beneficiaires WHERE prenom = '' OR nom = ''`,
		"person without consent": `SELECT count(*) FROM beneficiaires
			WHERE consentement_le = '' OR consentement_version != '` + demodata.ConsentementVersion + `'`,
		"anonymous help without age, gender or status": `SELECT count(*) FROM accompagnements
			WHERE beneficiaire = '' AND (tranche_age = '' OR genre = '' OR statut_social = '')`,
	}
	for what, query := range zero {
		if n := demoSQLCount(t, app, query); n != 0 {
			t.Errorf("%s: %d", what, n)
		}
	}

	seances := map[string]*core.Record{}
	for _, se := range demoAll(t, app, "seances") {
		seances[se.Id] = se
	}
	lastAttended := map[string]time.Time{}
	ranks := map[string][]int{}
	for _, ins := range demoAll(t, app, "inscriptions") {
		se := seances[ins.GetString("seance")]
		debut := se.GetDateTime("debut").Time()
		switch ins.GetString("statut") {
		case "present", "absent":
			if !debut.Before(now) {
				t.Errorf("attendance on the upcoming session of %s", debut)
			}
			if ins.GetString("statut") == "present" && debut.After(lastAttended[ins.GetString("beneficiaire")]) {
				lastAttended[ins.GetString("beneficiaire")] = debut
			}
		case "liste_attente":
			ranks[se.Id] = append(ranks[se.Id], ins.GetInt("rang_attente"))
		}
		if ins.GetString("jeton") == "" {
			t.Error("registration without a cancel token")
		}
	}
	if len(ranks) == 0 {
		t.Error("no waiting list anywhere")
	}
	for id, r := range ranks {
		seen := make([]bool, len(r)+1)
		for _, rank := range r {
			if rank < 1 || rank > len(r) || seen[rank] {
				t.Errorf("session %s: waiting ranks %v are not 1..%d", id, r, len(r))
				break
			}
			seen[rank] = true
		}
	}
	for _, b := range demoAll(t, app, "beneficiaires") {
		last := b.GetDateTime("derniere_activite").Time()
		if attended, ok := lastAttended[b.Id]; ok && last.Before(attended) {
			t.Errorf("%s %s: last activity %s before the session attended on %s",
				b.GetString("prenom"), b.GetString("nom"), last, attended)
		}
		if last.IsZero() || last.After(now) {
			t.Errorf("%s %s: last activity %v", b.GetString("prenom"), b.GetString("nom"), last)
		}
	}
}

// Every value of a closed list comes from the referentiel.
func TestDemoUsesReferenceValues(t *testing.T) {
	t.Parallel()
	app, _, _ := loadedDemo(t)
	lists := map[string]map[string]referentiel.List{
		"structures":   {"typologie": referentiel.Typologies},
		"utilisateurs": {"role": referentiel.Roles},
		"seances":      {"statut": referentiel.StatutsSeance},
		"beneficiaires": {
			"genre": referentiel.Genres, "statut_social": referentiel.StatutsSociaux,
		},
		"inscriptions": {"statut": referentiel.StatutsInscription, "source": referentiel.SourcesInscription},
		"accompagnements": {
			"type_lieu": referentiel.TypesLieu, "thematiques": referentiel.Thematiques,
			"materiel": referentiel.Materiels, "autonomie": referentiel.Autonomies,
			"structure_redirection": referentiel.StructuresRedirection, "tranche_age": referentiel.TranchesAge,
			"genre": referentiel.Genres, "statut_social": referentiel.StatutsSociaux,
		},
	}
	for collection, fields := range lists {
		for _, r := range demoAll(t, app, collection) {
			for field, list := range fields {
				for _, v := range r.GetStringSlice(field) {
					if !list.Has(v) {
						t.Errorf("%s.%s = %q is not a reference value", collection, field, v)
					}
				}
			}
		}
	}
}

func TestDemoStaffCanSignIn(t *testing.T) {
	t.Parallel()
	app, _, out := loadedDemo(t)
	staff := demodata.Generate(testkit.Now(), cli.DemoSeed).Staff
	if len(staff) != demoCount(t, app, "utilisateurs") {
		t.Fatalf("%d accounts generated, %d stored", len(staff), demoCount(t, app, "utilisateurs"))
	}
	for _, s := range staff {
		u, err := app.FindAuthRecordByEmail("utilisateurs", s.Email)
		if err != nil {
			t.Errorf("%s: %v", s.Email, err)
			continue
		}
		if !u.ValidatePassword(demodata.Password) || !u.Verified() || !u.GetBool("actif") {
			t.Errorf("%s cannot sign in with the demo password", s.Email)
		}
		if !strings.Contains(out, s.Email) {
			t.Errorf("%s is not printed", s.Email)
		}
	}
	for _, want := range []string{demodata.Password, "http://127.0.0.1:8090/", "Conseiller numérique",
		"Référent de structure", "Coordinateur", "bénéficiaires", "accompagnements"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

var demoCollections = []string{"structures", "utilisateurs", "lieux", "ateliers", "seances",
	"beneficiaires", "inscriptions", "accompagnements"}

func demoCounts(t *testing.T, app core.App) map[string]int {
	counts := map[string]int{}
	for _, c := range demoCollections {
		counts[c] = demoCount(t, app, c)
	}
	return counts
}

func TestDemoRefusesANonEmptyInstance(t *testing.T) {
	t.Parallel()
	app, now, _ := loadedDemo(t)
	before := demoCounts(t, app)
	var out bytes.Buffer
	err := cli.LoadDemo(app, now, &out)
	if !errors.Is(err, cli.ErrInstanceNotEmpty) || !strings.Contains(err.Error(), "n'est pas vide") {
		t.Fatalf("second load: %v, want the not-empty error", err)
	}
	if after := demoCounts(t, app); !maps.Equal(before, after) {
		t.Errorf("a refused load changed counts: %v → %v", before, after)
	}
	if out.Len() != 0 {
		t.Errorf("a refused load printed:\n%s", out.String())
	}

	// One structure created by hand is enough to refuse.
	fresh := newDemoTestApp(t)
	structures, _ := fresh.FindCollectionByNameOrId("structures")
	r := core.NewRecord(structures)
	r.Load(map[string]any{"nom": "Mairie", "slug": "mairie", "fuseau": "Europe/Paris"})
	if err := fresh.Save(r); err != nil {
		t.Fatal(err)
	}
	before = demoCounts(t, fresh)
	if err := cli.LoadDemo(fresh, now, &out); !errors.Is(err, cli.ErrInstanceNotEmpty) ||
		!strings.Contains(err.Error(), "1 structure.") {
		t.Fatalf("load on an instance with a structure: %v", err)
	}
	if after := demoCounts(t, fresh); !maps.Equal(before, after) {
		t.Errorf("a refused load changed counts: %v → %v", before, after)
	}
}

func TestDemoNeedsTheCatalogue(t *testing.T) {
	t.Parallel()
	app := newDemoTestApp(t)
	if _, err := app.DB().NewQuery("DELETE FROM ateliers").Execute(); err != nil {
		t.Fatal(err)
	}
	err := cli.LoadDemo(app, testkit.Now(), &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "catalogue") {
		t.Fatalf("load without catalogue: %v", err)
	}
	for _, c := range demoCollections {
		if n := demoCount(t, app, c); n != 0 {
			t.Errorf("%s: %d records left by a failed load", c, n)
		}
	}
}

func TestDemoCommand(t *testing.T) {
	t.Parallel()
	app := newDemoTestApp(t)
	cmd := cli.NewDemoCommand(app)
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{})
	if err := cmd.Execute(); err != nil {
		t.Fatalf("atelier demo: %v", err)
	}
	if !strings.Contains(out.String(), "Données de démonstration chargées") {
		t.Errorf("output:\n%s", out.String())
	}
	out.Reset()
	cmd = cli.NewDemoCommand(app)
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs([]string{})
	if err := cmd.Execute(); !errors.Is(err, cli.ErrInstanceNotEmpty) {
		t.Fatalf("second atelier demo: %v", err)
	}
}
