package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"atelier/hooks/testkit"
)

// Every people search (the list, adding a person to a session, the
// one-to-one form, merging) finds names typed without accents, in any
// case, with a space for a hyphen, and forgives one typo.
func TestPeopleSearchIsAccentCaseHyphenAndTypoBlind(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	newPerson(t, s.app, testkit.StructureA, "Aminata", "Traoré", "")
	newPerson(t, s.app, testkit.StructureA, "Océane", "Le-Dû", "")
	theo := newPerson(t, s.app, testkit.StructureA, "Théo", "Guérin", "theo.guerin@example.org")
	newPerson(t, s.app, testkit.StructureB, "Théo", "Guérin-Autre", "") // another structure: never found

	search := func(path, q string) string {
		t.Helper()
		rec := s.getAs(cookie, path+"?q="+url.QueryEscape(q))
		if rec.Code != http.StatusOK {
			t.Fatalf("%s?q=%s: %d", path, q, rec.Code)
		}
		return rec.Body.String()
	}
	for q, want := range map[string]string{
		"traore": "Traoré", "TRAORÉ": "Traoré", "oceane": "Océane", "le du": "Le-Dû", "guerin": "Guérin", "theo": "Théo",
		"guerim": "Guérin", "geurin": "Guérin", "traoreé": "Traoré", "theo.guerin@": "Guérin", "aminata traore": "Aminata",
	} {
		expectIn(t, "list "+q, search("/espace/beneficiaires", q), []string{want}, []string{"Guérin-Autre"})
	}
	expectIn(t, "two mistakes", search("/espace/beneficiaires", "gaerim"), nil, []string{"Guérin"})
	// The same search on the other pages.
	expectIn(t, "session", search(espaceSeance(testkit.SeancePubliqueA), "guerin"), []string{"Guérin"}, []string{"Guérin-Autre"})
	expectIn(t, "one-to-one form", search("/espace/accompagnements/nouveau", "traore"), []string{"Traoré"}, nil)
	expectIn(t, "merge", search("/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)+"/fusionner", "oceane"), []string{"Océane"}, nil)

	// Renamed, the index follows; anonymised or deleted, the person is gone.
	setFields(t, s.app, "beneficiaires", theo.Id, map[string]any{"nom": "Guillot"})
	expectIn(t, "renamed", search("/espace/beneficiaires", "guillot"), []string{"Guillot"}, nil)
	expectIn(t, "renamed, with a typo", search("/espace/beneficiaires", "guilot"), []string{"Guillot"}, nil)
	if err := s.app.Delete(theo); err != nil {
		t.Fatal(err)
	}
	expectIn(t, "deleted", search("/espace/beneficiaires", "guillot"), nil, []string{"Guillot"})
}

func expectIn(t *testing.T, what, body string, want, absent []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: %q not found", what, w)
		}
	}
	for _, a := range absent {
		if strings.Contains(body, a) {
			t.Errorf("%s: %q found", what, a)
		}
	}
}

// A person written without the application's hooks (raw SQL) is still
// found by their name as written.
func TestPeopleWrittenBySQLAreStillFound(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	if _, err := s.app.DB().NewQuery(`INSERT INTO beneficiaires (id, structure, prenom, nom, created, updated)
		VALUES ('sqlperson000001', {:s}, 'Rawdon', 'Crawley', '2026-01-01 00:00:00.000Z', '2026-01-01 00:00:00.000Z')`).
		Bind(dbx.Params{"s": testkit.ID(testkit.StructureA)}).Execute(); err != nil {
		t.Fatal(err)
	}
	expectIn(t, "raw SQL", s.getAs(cookie, "/espace/beneficiaires?q=crawley").Body.String(), []string{"Crawley"}, nil)
}

// The search sorts and scopes people from its index's keys: a person
// anonymised, merged or moved to another structure leaves the results at
// once, and the results stay sorted by last name, then first name.
func TestPeopleSearchFollowsAnonymisationMergesAndMoves(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	zoe := newPerson(t, s.app, testkit.StructureA, "Zoé", "Vasseur", "")
	ali := newPerson(t, s.app, testkit.StructureA, "Ali", "Vasseur", "")
	newPerson(t, s.app, testkit.StructureA, "Anna", "Bonvasseur", "")
	other := newPerson(t, s.app, testkit.StructureA, "Noé", "Vasseur", "")
	moved := newPerson(t, s.app, testkit.StructureA, "Léa", "Vasseur", "")
	list := func() string {
		t.Helper()
		return s.getAs(cookie, "/espace/beneficiaires?q=vasseur").Body.String()
	}
	body := list()
	expectIn(t, "all", body, []string{"Bonvasseur", "Zoé", "Ali", "Noé", "Léa"}, nil)
	if a, b, c := strings.Index(body, "Bonvasseur"), strings.Index(body, "Ali"), strings.Index(body, "Zoé"); !(a < b && b < c) {
		t.Errorf("not sorted by last name then first name: Bonvasseur at %d, Ali Vasseur at %d, Zoé Vasseur at %d", a, b, c)
	}
	// An anonymised person has no name left; the flag alone, written by
	// SQL, is enough to leave the results.
	if _, err := s.app.DB().NewQuery("UPDATE beneficiaires SET anonymise = 1 WHERE id = {:id}").Bind(dbx.Params{"id": zoe.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	setFields(t, s.app, "beneficiaires", other.Id, map[string]any{"fusionne_vers": ali.Id})
	setFields(t, s.app, "beneficiaires", moved.Id, map[string]any{"structure": testkit.ID(testkit.StructureB)})
	expectIn(t, "after", list(), []string{"Bonvasseur", "Ali"}, []string{"Zoé", "Noé", "Léa"})
	// The typo search goes through the same keys.
	expectIn(t, "typo", s.getAs(cookie, "/espace/beneficiaires?q=vasseor").Body.String(),
		[]string{"Bonvasseur", "Ali"}, []string{"Zoé", "Noé", "Léa"})
}
