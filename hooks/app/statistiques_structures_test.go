package app_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/testkit"
)

// The coordinateur's overview of every structure.

const overviewPath = "/espace/statistiques/structures"

// overviewSite: in its own month (its zone), A held a session (its person
// present, 2 walk-ins), B one (its person absent); C has a session of
// last month whose attendance was never taken. The fixture's one-to-one
// help is moved out of both months.
func overviewSite(t *testing.T) *site {
	s := newSite(t)
	now := clock.Now(s.app)
	monthStart := func(zone string, delta int) time.Time {
		local := now.In(frfmt.Location(zone))
		return time.Date(local.Year(), local.Month()+time.Month(delta), 1, 10, 0, 0, 0, local.Location())
	}
	for _, a := range []string{testkit.AccompagnementA, testkit.AccompagnementA2, testkit.AccompagnementB} {
		setFields(t, s.app, "accompagnements", a, map[string]any{"date": monthStart("Europe/Paris", -4)})
	}
	session := func(structure, lieu string, debut time.Time, anonymes int) *core.Record {
		seances, _ := s.app.FindCollectionByNameOrId("seances")
		r := core.NewRecord(seances)
		r.Load(map[string]any{"atelier": sharedAtelier(t), "structure": testkit.ID(structure), "lieu": testkit.ID(lieu),
			"debut": debut, "fin": debut.Add(2 * time.Hour), "capacite": 8, "statut": "planifiee", "participants_anonymes": anonymes})
		if err := s.app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	register := func(seance *core.Record, beneficiaire, statut string) {
		inscriptions, _ := s.app.FindCollectionByNameOrId("inscriptions")
		r := core.NewRecord(inscriptions)
		r.Load(map[string]any{"seance": seance.Id, "beneficiaire": testkit.ID(beneficiaire), "statut": statut, "source": "conseiller"})
		if err := s.app.Save(r); err != nil {
			t.Fatal(err)
		}
		seance.Set("statut", "realisee")
		if err := s.app.Save(seance); err != nil {
			t.Fatal(err)
		}
	}
	register(session(testkit.StructureA, testkit.LieuA, monthStart("Europe/Paris", 0), 2), testkit.BeneficiaireA, "present")
	register(session(testkit.StructureB, testkit.LieuB, monthStart("Indian/Reunion", 0), 0), testkit.BeneficiaireB, "absent")
	lieuC := core.NewRecord(mustCollection(t, s.app, "lieux"))
	lieuC.Load(map[string]any{"structure": testkit.ID(testkit.StructureC), "nom": "Salle Gamma", "commune": "Niort"})
	if err := s.app.Save(lieuC); err != nil {
		t.Fatal(err)
	}
	seances, _ := s.app.FindCollectionByNameOrId("seances")
	c := core.NewRecord(seances)
	debut := monthStart("Europe/Paris", -1)
	c.Load(map[string]any{"atelier": sharedAtelier(t), "structure": testkit.ID(testkit.StructureC), "lieu": lieuC.Id,
		"debut": debut, "fin": debut.Add(2 * time.Hour), "capacite": 8, "statut": "planifiee"})
	if err := s.app.Save(c); err != nil {
		t.Fatal(err)
	}
	return s
}

func mustCollection(t *testing.T, app core.App, name string) *core.Collection {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var cellPattern = regexp.MustCompile(`<td>(?:<strong>)?([^<]*)`)

// overviewRow is the cells of a structure's row, after its name.
func overviewRow(t *testing.T, body, name string) []string {
	t.Helper()
	for _, row := range strings.Split(body, "<tr>") {
		if strings.Contains(row, `<th scope="row">`) && strings.Contains(row, ">"+name+"<") {
			var cells []string
			for _, m := range cellPattern.FindAllStringSubmatch(row, -1) {
				cells = append(cells, m[1])
			}
			return cells
		}
	}
	t.Fatalf("no row for %s in\n%s", name, body)
	return nil
}

func TestOverviewForEachRole(t *testing.T) {
	t.Parallel()
	s := overviewSite(t)
	for _, c := range []struct {
		who, cookie string
		status      int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusForbidden},
		{"référent", s.signIn(testkit.ReferentA), http.StatusForbidden},
	} {
		rec := s.getAs(c.cookie, overviewPath)
		if rec.Code != c.status || strings.Contains(rec.Body.String(), "Tiers-lieu Gamma") ||
			(c.status == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/connexion")) {
			t.Errorf("%s: %d %s", c.who, rec.Code, rec.Header().Get("Location"))
		}
	}
	coord := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coord, "/espace/statistiques"), http.StatusOK, []string{`href="` + overviewPath + `"`}, nil)
	rec := s.getAs(coord, overviewPath)
	expectBody(t, rec, http.StatusOK, []string{"Toutes les structures", "3 structures", "<caption", `scope="col"`,
		`scope="row"`, `aria-current="page">Statistiques</a>`, `href="/espace/statistiques?structure=` + testkit.ID(testkit.StructureA) + `"`,
		`aria-sort="ascending"`}, []string{testkit.NomBeneficiaireA, "Camille"})
	body := rec.Body.String()
	// séances, participants, accompagnements, bénéficiaires, taux; the
	// same last month; présences à renseigner.
	want := map[string][]string{
		"Médiathèque Alpha":    {"1", "3", "3", "1", "100\u202f%", "0", "0", "0", "0", "—", "0"},
		"France Services Bêta": {"1", "0", "0", "0", "0\u202f%", "0", "0", "0", "0", "—", "0"},
		"Tiers-lieu Gamma":     {"0", "0", "0", "0", "—", "0", "0", "0", "0", "—", "1"},
	}
	for name, cells := range want {
		if got := overviewRow(t, body, name); strings.Join(got, "|") != strings.Join(cells, "|") {
			t.Errorf("%s: %q, want %q", name, got, cells)
		}
	}
	// By name by default.
	if a, b, g := strings.Index(body, ">France Services Bêta<"), strings.Index(body, ">Médiathèque Alpha<"), strings.Index(body, ">Tiers-lieu Gamma<"); !(a < b && b < g) {
		t.Errorf("not sorted by name: %d %d %d", a, b, g)
	}
}

func TestOverviewSortsByAColumn(t *testing.T) {
	t.Parallel()
	s := overviewSite(t)
	coord := s.signIn(testkit.Coordinateur)
	order := func(query string) []string {
		body := s.getAs(coord, overviewPath+"?"+query).Body.String()
		var names []string
		for _, m := range regexp.MustCompile(`<th scope="row"><a [^>]*>([^<]*)`).FindAllStringSubmatch(body, -1) {
			names = append(names, m[1])
		}
		return names
	}
	cases := map[string]string{
		"tri=accompagnements&ordre=desc": "Médiathèque Alpha|France Services Bêta|Tiers-lieu Gamma",
		"tri=a_renseigner&ordre=desc":    "Tiers-lieu Gamma|France Services Bêta|Médiathèque Alpha",
		// An unknown rate comes last either way.
		"tri=taux&ordre=asc":       "France Services Bêta|Médiathèque Alpha|Tiers-lieu Gamma",
		"tri=taux&ordre=desc":      "Médiathèque Alpha|France Services Bêta|Tiers-lieu Gamma",
		"tri=structure&ordre=desc": "Tiers-lieu Gamma|Médiathèque Alpha|France Services Bêta",
		// Anything else: by name.
		"tri=nom%27--&ordre=desc": "France Services Bêta|Médiathèque Alpha|Tiers-lieu Gamma",
	}
	for query, want := range cases {
		if got := strings.Join(order(query), "|"); got != want {
			t.Errorf("%s: %s, want %s", query, got, want)
		}
	}
	expectBody(t, s.getAs(coord, overviewPath+"?tri=accompagnements&ordre=desc"), http.StatusOK,
		[]string{`aria-sort="descending"`, "triées par Accompagnements", `href="/espace/statistiques/structures?ordre=asc&amp;tri=accompagnements"`}, nil)
}

// Past 50 structures, the table has pages that keep the sort.
func TestOverviewPaginates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	structures := mustCollection(t, s.app, "structures")
	for i := range 50 {
		r := core.NewRecord(structures)
		r.Load(map[string]any{"nom": fmt.Sprintf("Structure de test %02d", i), "slug": fmt.Sprintf("structure-de-test-%02d", i),
			"fuseau": "Europe/Paris", "commune": "Niort"})
		if err := s.app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	coord := s.signIn(testkit.Coordinateur)
	rows := regexp.MustCompile(`<th scope="row">`)
	first := s.getAs(coord, overviewPath+"?tri=structure&ordre=desc")
	expectBody(t, first, http.StatusOK, []string{"53 structures", "page=2", "ordre=desc"}, nil)
	if n := len(rows.FindAllString(first.Body.String(), -1)); n != 50 {
		t.Errorf("first page: %d rows", n)
	}
	second := s.getAs(coord, overviewPath+"?tri=structure&ordre=desc&page=2")
	if n := len(rows.FindAllString(second.Body.String(), -1)); n != 3 || !strings.Contains(second.Body.String(), ">France Services Bêta<") {
		t.Errorf("second page: %d rows\n%s", n, second.Body.String())
	}
}
