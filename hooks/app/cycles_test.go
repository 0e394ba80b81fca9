package app_test

import (
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/inscriptions"
	"atelier/hooks/seances"
	"atelier/hooks/testkit"
)

// Cycles: one registration for several sessions, its capacity and
// waiting list counted once for the cycle, promotion and cancellation of
// the whole cycle, a single session by staff, and the API.

// newCycle makes a public cycle of structure A with n weekly sessions at
// 14:00, the first in a week, each with sessionCap chairs.
func newCycle(t testing.TB, app core.App, capacite, n, sessionCap int) (*core.Record, []*core.Record) {
	t.Helper()
	ref, err := app.FindRecordById("seances", testkit.ID(testkit.SeancePubliqueA))
	if err != nil {
		t.Fatal(err)
	}
	collection, err := app.FindCollectionByNameOrId("cycles")
	if err != nil {
		t.Fatal(err)
	}
	cycle := core.NewRecord(collection)
	cycle.Load(map[string]any{"structure": testkit.ID(testkit.StructureA), "titre": "Prendre en main sa tablette",
		"description": "Quatre séances pour apprivoiser sa tablette.", "capacite": capacite, "publique": true})
	if err := app.Save(cycle); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Paris")
	day := testkit.Now().In(loc).AddDate(0, 0, 7)
	var sessions []*core.Record
	for i := range n {
		d := day.AddDate(0, 0, 7*i)
		debut := time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, loc)
		s := core.NewRecord(ref.Collection())
		s.Load(map[string]any{"atelier": ref.GetString("atelier"), "structure": ref.GetString("structure"), "lieu": ref.GetString("lieu"),
			"debut": debut.UTC(), "fin": debut.Add(2 * time.Hour).UTC(), "capacite": sessionCap, "statut": "planifiee",
			"publique": true, "inscriptions_ouvertes": true, "cycle": cycle.Id})
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, s)
	}
	return cycle, sessions
}

func cycleForm(prenom, nom, email string) inscriptions.InscriptionForm {
	f := inscriptions.InscriptionForm{Prenom: prenom, Nom: nom, Email: email, Consentement: true}
	if errs := f.Validate(); len(errs) > 0 {
		panic(fmt.Sprint(errs))
	}
	return f
}

// cycleRowsOf returns the person's registrations of the cycle, by session.
func cycleRowsOf(t testing.TB, app core.App, cycleID, personID string) map[string]*core.Record {
	t.Helper()
	rows, err := app.FindRecordsByFilter("inscriptions", "cycle = {:c} && beneficiaire = {:b}", "", 0, 0,
		dbx.Params{"c": cycleID, "b": personID})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*core.Record{}
	for _, r := range rows {
		out[r.GetString("seance")] = r
	}
	return out
}

// expectWhole checks that the person has a registration with statut in
// every session of the cycle, and returns the first.
func expectWhole(t testing.TB, app core.App, cycle *core.Record, sessions []*core.Record, personID, statut string) *core.Record {
	t.Helper()
	rows := cycleRowsOf(t, app, cycle.Id, personID)
	if len(rows) != len(sessions) {
		t.Fatalf("person %s: %d registrations, want one per session (%d)", personID, len(rows), len(sessions))
	}
	for i, s := range sessions {
		if got := rows[s.Id].GetString("statut"); got != statut {
			t.Errorf("person %s, session %d: %s, want %s", personID, i+1, got, statut)
		}
	}
	return rows[sessions[0].Id]
}

func TestCycleRegistrationsUnderConcurrency(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	const n, capacite = 9, 4
	cycle, sessions := newCycle(t, app, capacite, 4, 8)
	now := testkit.Now()
	results := make([]inscriptions.CycleResult, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = inscriptions.RegisterCycle(app, cycle.Id,
				cycleForm("Personne", fmt.Sprintf("Cycle%c", 'A'+i), fmt.Sprintf("cycle%d@example.org", i)), now)
		}()
	}
	wg.Wait()
	var registered int
	var positions []int
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("registration %d: %v", i, errs[i])
		}
		first := expectWhole(t, app, cycle, sessions, r.Person.Id, r.Statut())
		if r.Statut() == "inscrit" {
			registered++
			continue
		}
		rang, err := seances.RangAttente(app, first)
		if err != nil {
			t.Fatal(err)
		}
		positions = append(positions, rang)
	}
	slices.Sort(positions)
	if registered != capacite || !slices.Equal(positions, []int{1, 2, 3, 4, 5}) {
		t.Errorf("%d registered, waiting positions %v; want %d and 1..%d", registered, positions, capacite, n-capacite)
	}
	places, err := seances.CountCyclePlaces(app, cycle, now)
	if err != nil {
		t.Fatal(err)
	}
	if places != (seances.CyclePlaces{Capacite: capacite, Inscrits: capacite, EnAttente: n - capacite, Restantes: 0}) {
		t.Errorf("places %+v", places)
	}
	for _, s := range sessions {
		taken, waiting, err := seances.CountPlaces(app, s.Id)
		if err != nil || taken != capacite || waiting != n-capacite {
			t.Errorf("session %s: %d taken, %d waiting (%v)", s.Id, taken, waiting, err)
		}
	}
}

func TestCycleCancelGivesTheWholeCycleToTheNext(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	now := testkit.Now()
	cycle, sessions := newCycle(t, s.app, 1, 3, 8)
	first, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm("Anne", "Premiere", "anne@example.org"), now)
	if err != nil {
		t.Fatal(err)
	}
	second, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm("Basile", "Second", "basile@example.org"), now)
	if err != nil {
		t.Fatal(err)
	}
	if first.Statut() != "inscrit" || second.Statut() != "liste_attente" {
		t.Fatalf("statuses %s, %s", first.Statut(), second.Statut())
	}
	// The same form again is the same registration, not a second place.
	again, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm("Anne", "Premiere", "anne@example.org"), now)
	if err != nil || !again.Existing || again.Rows[0].Id != first.Rows[0].Id {
		t.Fatalf("double submit: %+v, %v", again, err)
	}
	// Cancelling from the personal link cancels every session.
	if rec := s.post(personalLink(first.Rows[0]), confirmed); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	expectWhole(t, s.app, cycle, sessions, first.Person.Id, "annule")
	// The next person is offered every session, with one deadline.
	rows := cycleRowsOf(t, s.app, cycle.Id, second.Person.Id)
	var deadline time.Time
	for i, sess := range sessions {
		r := rows[sess.Id]
		if !seances.OffreEnCours(r) {
			t.Fatalf("session %d: %s, offer until %v", i+1, r.GetString("statut"), r.GetDateTime("offre_expire"))
		}
		if i == 0 {
			deadline = r.GetDateTime("offre_expire").Time()
		} else if !r.GetDateTime("offre_expire").Time().Equal(deadline) {
			t.Errorf("session %d: deadline %v, want %v", i+1, r.GetDateTime("offre_expire"), deadline)
		}
	}
	// One confirmation confirms the cycle.
	if rec := s.post(personalLink(rows[sessions[0].Id])+"/confirmer", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("confirm: %d", rec.Code)
	}
	for i, sess := range sessions {
		if r := reload(t, s.app, rows[sess.Id]); r.GetString("statut") != "inscrit" || seances.OffreEnCours(r) {
			t.Errorf("session %d after confirmation: %s, offer %v", i+1, r.GetString("statut"), r.GetDateTime("offre_expire"))
		}
	}
}

func TestCycleLapsedOfferSendsTheWholeCycleBack(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	now := testkit.Now()
	cycle, sessions := newCycle(t, app, 1, 2, 8)
	var people []inscriptions.CycleResult
	for i, p := range []string{"Anne", "Basile", "Chloe"} {
		r, err := inscriptions.RegisterCycle(app, cycle.Id, cycleForm(p, "Attente", fmt.Sprintf("p%d@example.org", i)), now)
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, r)
	}
	if _, err := inscriptions.CancelCycleByStaff(app, mustFindID(t, app, "utilisateurs", testkit.ID(testkit.ConseillerA)),
		cycle.Id, people[0].Person.Id, now); err != nil {
		t.Fatal(err)
	}
	offered := expectWhole(t, app, cycle, sessions, people[1].Person.Id, "inscrit")
	later := offered.GetDateTime("offre_expire").Time().Add(time.Minute)
	next, err := seances.ExpireOffers(app, later)
	if err != nil {
		t.Fatal(err)
	}
	if len(next) != 1 || next[0].GetString("beneficiaire") != people[2].Person.Id {
		t.Fatalf("offered next: %v", next)
	}
	back := expectWhole(t, app, cycle, sessions, people[1].Person.Id, "liste_attente")
	if !back.GetBool("offre_expiree") {
		t.Error("the lapsed offer is not marked")
	}
	expectWhole(t, app, cycle, sessions, people[2].Person.Id, "inscrit")
	if rang, _ := seances.RangAttente(app, back); rang != 1 {
		t.Errorf("position after the lapse: %d, want 1", rang)
	}
}

func TestCycleSingleSessionByStaffCountsForThatSessionOnly(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	now := testkit.Now()
	cycle, sessions := newCycle(t, app, 2, 3, 3)
	auth := mustFindID(t, app, "utilisateurs", testkit.ID(testkit.ConseillerA))
	alone := newPerson(t, app, testkit.StructureA, "Seule", "Seance", "seule@example.org")
	// Staff put one person on the second session only.
	r, err := inscriptions.RegisterByStaff(app, auth, sessions[1].Id, alone.Id, nil, "", now)
	if err != nil || r.Inscription.GetString("statut") != "inscrit" || r.Inscription.GetString("cycle") != "" {
		t.Fatalf("single session: %+v, %v", r.Inscription, err)
	}
	places, err := seances.CountCyclePlaces(app, cycle, now)
	if err != nil || places.Inscrits != 0 || places.Restantes != 2 {
		t.Fatalf("after a single session: %+v, %v", places, err)
	}
	// Two cycle people: the second session's three chairs are all taken.
	for i := range 2 {
		if _, err := inscriptions.RegisterCycle(app, cycle.Id, cycleForm("Cycle", fmt.Sprintf("Personne%c", 'A'+i),
			fmt.Sprintf("c%d@example.org", i)), now); err != nil {
			t.Fatal(err)
		}
	}
	// The cycle is full by its own count; raising its capacity does not
	// lift the second session over its chairs: the session's count wins.
	setFields(t, app, "cycles", cycle.Id, map[string]any{"capacite": 5})
	cycle = reload(t, app, cycle)
	places, err = seances.CountCyclePlaces(app, cycle, now)
	if err != nil || places.Inscrits != 2 || places.Restantes != 0 {
		t.Fatalf("second session full: %+v, %v", places, err)
	}
	third, err := inscriptions.RegisterCycle(app, cycle.Id, cycleForm("Trois", "Attente", "t@example.org"), now)
	if err != nil || third.Statut() != "liste_attente" {
		t.Fatalf("third: %s, %v", third.Statut(), err)
	}
	// The single-session place freed goes to the cycle's first waiting
	// person, in every session.
	if _, err := inscriptions.CancelByStaff(app, auth, sessions[1].Id, r.Inscription.Id, now); err != nil {
		t.Fatal(err)
	}
	expectWhole(t, app, cycle, sessions, third.Person.Id, "inscrit")
	for _, s := range sessions {
		if taken, _, _ := seances.CountPlaces(app, s.Id); taken > 3 {
			t.Errorf("session %s over its capacity: %d", s.Id, taken)
		}
	}
	// A capacity lowered under the people registered is refused.
	cycle.Set("capacite", 2)
	if err := app.Save(cycle); err == nil {
		t.Error("a capacity under the 3 people registered was saved")
	}
}

func TestCycleAPIRowsAreForOneSession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	now := testkit.Now()
	cycle, sessions := newCycle(t, s.app, 1, 2, 8)
	if _, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm("Anne", "Pleine", "anne@example.org"), now); err != nil {
		t.Fatal(err)
	}
	person := newPerson(t, s.app, testkit.StructureA, "Api", "Cycle", "api@example.org")
	body := map[string]any{"seance": sessions[0].Id, "beneficiaire": person.Id, "statut": "inscrit", "source": "conseiller", "cycle": cycle.Id}
	for _, role := range []string{anonymous, testkit.ConseillerB, testkit.ReferentA, testkit.Coordinateur, testkit.InactifA, testkit.DeconnecteA} {
		token := ""
		if role != anonymous {
			token = testkit.Token(s.t, role)
		}
		rec := s.api(http.MethodPost, apiRecords("inscriptions"), token, body)
		if rec.Code == http.StatusOK {
			t.Errorf("%s created a registration through the API", role)
		}
	}
	rec := s.apiAs(testkit.ConseillerA, http.MethodPost, apiRecords("inscriptions"), body)
	if rec.Code != http.StatusOK {
		t.Fatalf("conseiller: %d %s", rec.Code, rec.Body.String())
	}
	r := registrationOf(t, s.app, sessions[0].Id, person.Id)
	if r.GetString("cycle") != "" || r.GetString("statut") != "inscrit" {
		t.Errorf("API row: cycle %q, %s; want a single-session place", r.GetString("cycle"), r.GetString("statut"))
	}
	places, err := seances.CountCyclePlaces(s.app, cycle, now)
	if err != nil || places.Inscrits != 1 {
		t.Errorf("cycle places after an API row: %+v, %v", places, err)
	}
	// Nor can the API tie an existing row to the cycle.
	rec = s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("inscriptions")+"/"+r.Id, map[string]any{"cycle": cycle.Id})
	if rec.Code != http.StatusOK || reload(t, s.app, r).GetString("cycle") != "" {
		t.Errorf("patch cycle: %d, cycle %q", rec.Code, reload(t, s.app, r).GetString("cycle"))
	}
}
