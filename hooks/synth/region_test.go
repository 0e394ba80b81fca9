package synth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/model"
)

// Regions of one and two structures: a second or two to write each.
const (
	tinyScale  = 0.001
	smallScale = 0.004
)

var regionNow = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func newRegionApp(t *testing.T, seed uint64, scale float64) (*tests.TestApp, RegionSummary) {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(app.Cleanup)
	summary, err := Region(app, seed, scale, regionNow)
	if err != nil {
		t.Fatal(err)
	}
	return app, summary
}

// digest hashes every row the region wrote, in id order.
func digest(t *testing.T, app core.App) string {
	t.Helper()
	h := sha256.New()
	for _, table := range []string{"structures", "utilisateurs", "lieux", "seances", "inscriptions", "accompagnements",
		"beneficiaires", "beneficiaires_recherche_cles", "rapports"} {
		// The catalogue's ids are drawn by each database: its titles stand for them.
		query := "SELECT t.*, '' AS titre FROM " + table + " t ORDER BY t.id"
		if table == "seances" {
			query = "SELECT t.*, a.titre FROM seances t JOIN ateliers a ON a.id = t.atelier ORDER BY t.id"
		}
		if table == "beneficiaires_recherche_cles" {
			query = "SELECT t.*, '' AS titre FROM " + table + " t ORDER BY t.n"
		}
		rows, err := app.DB().NewQuery(query).Rows()
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		values := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for k := range values {
			ptrs[k] = &values[k]
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for k, v := range values {
				if cols[k] == "password" || cols[k] == "atelier" {
					continue // bcrypt salts its hash; the catalogue's ids differ
				}
				fmt.Fprintf(h, "%v\x1f", v)
			}
			h.Write([]byte{'\n'})
		}
		rows.Close()
	}
	return hex.EncodeToString(h.Sum(nil))
}

func TestRegionIsReproducibleFromItsSeed(t *testing.T) {
	t.Parallel()
	first, summary := newRegionApp(t, 7, tinyScale)
	again, _ := newRegionApp(t, 7, tinyScale)
	other, _ := newRegionApp(t, 8, tinyScale)
	if summary.Structures != 1 || summary.Seances < 250 || summary.Inscriptions < 5*summary.Seances ||
		summary.Accompagnements < 5_000 || summary.Beneficiaires < 800 {
		t.Fatalf("tiny region: %+v", summary)
	}
	a, b, c := digest(t, first), digest(t, again), digest(t, other)
	if a != b {
		t.Fatalf("the same seed wrote two different regions: %s, %s", a, b)
	}
	if a == c {
		t.Fatal("two seeds wrote the same region")
	}
}

func TestRegionIsWholeAndReadByPocketBase(t *testing.T) {
	t.Parallel()
	app, summary := newRegionApp(t, 1, smallScale)

	// Every reference leads to a record of the same structure; no session
	// holds more people than places; waiting ranks are distinct.
	checks := map[string]string{
		"registrations of a missing session or person": `SELECT count(*) FROM inscriptions i LEFT JOIN seances s ON s.id = i.seance
			LEFT JOIN beneficiaires b ON b.id = i.beneficiaire WHERE s.id IS NULL OR b.id IS NULL`,
		"registrations across structures": `SELECT count(*) FROM inscriptions i JOIN seances s ON s.id = i.seance
			JOIN beneficiaires b ON b.id = i.beneficiaire WHERE s.structure != b.structure`,
		"helps of another structure's person or advisor": `SELECT count(*) FROM accompagnements a
			LEFT JOIN beneficiaires b ON b.id = a.beneficiaire JOIN utilisateurs u ON u.id = a.conseiller
			WHERE (a.beneficiaire != '' AND (b.id IS NULL OR b.structure != a.structure)) OR u.structures NOT LIKE '%' || a.structure || '%'`,
		"sessions in another structure's place": `SELECT count(*) FROM seances s JOIN lieux l ON l.id = s.lieu WHERE l.structure != s.structure`,
		"overbooked sessions": `SELECT count(*) FROM seances s WHERE capacite <
			(SELECT count(*) FROM inscriptions i WHERE i.seance = s.id AND i.statut IN ('inscrit', 'present', 'absent'))`,
		"repeated waiting ranks": `SELECT count(*) FROM (SELECT seance, rang_attente FROM inscriptions WHERE statut = 'liste_attente'
			GROUP BY seance, rang_attente HAVING count(*) > 1)`,
		"anonymised people with a name or an upcoming place": `SELECT count(*) FROM beneficiaires b WHERE anonymise = TRUE AND
			(nom != '' OR telephone != '' OR EXISTS (SELECT 1 FROM inscriptions i JOIN seances s ON s.id = i.seance
			WHERE i.beneficiaire = b.id AND s.statut = 'planifiee' AND i.statut IN ('inscrit', 'liste_attente')))`,
		"people missing from the search index": `SELECT count(*) FROM beneficiaires b
			LEFT JOIN beneficiaires_recherche_cles c ON c.beneficiaire = b.id WHERE c.n IS NULL`,
	}
	for what, query := range checks {
		var n int
		if err := app.DB().NewQuery(query).Row(&n); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if n != 0 {
			t.Errorf("%d %s", n, what)
		}
	}
	var upcoming, waiting, overseas, fullWithWaiting int
	err := app.DB().NewQuery(`SELECT
		(SELECT count(*) FROM seances WHERE statut = 'planifiee' AND publique = TRUE AND inscriptions_ouvertes = TRUE AND debut > {:now}),
		(SELECT count(*) FROM inscriptions WHERE statut = 'liste_attente'),
		(SELECT count(*) FROM structures WHERE fuseau != 'Europe/Paris'),
		(SELECT count(DISTINCT seance) FROM inscriptions WHERE statut = 'liste_attente' AND seance IN (SELECT id FROM seances WHERE debut > {:now}))`).
		Bind(dbx.Params{"now": model.DBDate(regionNow)}).Row(&upcoming, &waiting, &overseas, &fullWithWaiting)
	if err != nil {
		t.Fatal(err)
	}
	if upcoming != summary.AVenir || upcoming < 30 || waiting != summary.ListeAttente || waiting == 0 || fullWithWaiting == 0 {
		t.Errorf("%d upcoming public sessions (%d written), %d waiting (%d written), %d upcoming with a waiting list",
			upcoming, summary.AVenir, waiting, summary.ListeAttente, fullWithWaiting)
	}
	if summary.Anonymises == 0 || summary.Anonymises >= summary.Beneficiaires {
		t.Errorf("%d anonymised out of %d people", summary.Anonymises, summary.Beneficiaires)
	}

	// PocketBase reads every collection's records and finds them valid, as
	// if its forms had written them.
	for _, collection := range []string{"structures", "utilisateurs", "lieux", "seances", "inscriptions", "accompagnements", "beneficiaires", "rapports"} {
		var ids []string
		if err := app.DB().Select("id").From(collection).OrderBy("id").Limit(20).Column(&ids); err != nil || len(ids) == 0 {
			t.Fatalf("%s: %d ids, %v", collection, len(ids), err)
		}
		for _, id := range ids {
			r, err := app.FindRecordById(collection, id)
			if err != nil {
				t.Fatalf("%s %s: %v", collection, id, err)
			}
			if err := app.Validate(r); err != nil {
				t.Fatalf("%s %s is not valid: %v", collection, id, err)
			}
		}
	}
	advisor, err := app.FindAuthRecordByEmail("utilisateurs", "conseiller-0@region.test")
	if err != nil || !advisor.ValidatePassword(RegionPassword) {
		t.Fatalf("the advisor of structure 0 cannot sign in: %v", err)
	}

	// The people search finds a person by the name typed without accents.
	var nom, id string
	err = app.DB().NewQuery(`SELECT nom, id FROM beneficiaires WHERE anonymise = FALSE AND length(nom) > 4
		AND structure = {:structure} ORDER BY id LIMIT 1`).
		Bind(dbx.Params{"structure": advisor.GetStringSlice("structures")[0]}).Row(&nom, &id)
	if err != nil {
		t.Fatal(err)
	}
	hits, err := beneficiaires.SearchBeneficiaires(app, model.NewStaffView(advisor), "", strings.ToLower(nom), 500)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range hits {
		found = found || h.ID == id
	}
	if !found {
		t.Fatalf("searching %q: %d people found, not %s", nom, len(hits), id)
	}
}
