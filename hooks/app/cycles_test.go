package app_test

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pdfdoc/pdftest"
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

func cycleCookie(t testing.TB, role string) string {
	if role == anonymous {
		return ""
	}
	return "atelier_session=" + testkit.Token(t, role)
}

func TestCyclePublicPageAndRegistration(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cycle, sessions := newCycle(t, s.app, 2, 4, 8)
	page := "/cycles/" + cycle.Id
	expectBody(t, s.get(page), http.StatusOK,
		[]string{"Prendre en main sa tablette", "4 séances : ", "de 14", "2 places disponibles sur 2", "M'inscrire à tout le cycle",
			`action="` + page + `/inscription#formulaire"`, `name="rendu"`},
		[]string{`action="/ateliers/`})
	// One offer on the home and structure pages; its sessions are not
	// listed one by one, and a session's page leads to the cycle.
	for _, path := range []string{"/", "/s/mediatheque-alpha"} {
		expectBody(t, s.get(path), http.StatusOK, []string{`href="` + page + `"`, "4 séances : "},
			[]string{"/ateliers/" + sessions[0].Id})
	}
	expectBody(t, s.get("/ateliers/"+sessions[1].Id), http.StatusOK, []string{`href="` + page + `"`, "Voir le cycle et s'inscrire"},
		[]string{`name="prenom"`})
	if rec := s.post("/ateliers/"+sessions[0].Id+"/inscription", person("Seance", "Seule", "", "seule@example.org")); rec.Code != http.StatusNotFound {
		t.Errorf("single-session public registration: %d, want 404", rec.Code)
	}
	// The form keeps the anti-abuse of the session's: a form without its
	// signed render time is refused, and so is a robot.
	form := person("Camille", "Cyclenom", "", "camille.cycle@example.org")
	expectBody(t, s.post(page+"/inscription", form), http.StatusUnprocessableEntity, []string{"Camille"}, nil)
	robot := withRendu(t, s.app, "cycle:"+cycle.Id, person("Robot", "Robot", "", "robot@example.org"))
	robot.Set("site_web", "http://spam.example")
	expectBody(t, s.post(page+"/inscription", robot), http.StatusUnprocessableEntity, nil, nil)
	if n := s.count("inscriptions"); n != 2 { // the fixture's
		t.Fatalf("%d registrations after refused forms", n)
	}
	sent := s.app.TestMailer.TotalSend()
	rec := s.post(page+"/inscription", withRendu(t, s.app, "cycle:"+cycle.Id, form))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", rec.Code, rec.Body.String())
	}
	var personID string
	if err := s.app.DB().NewQuery("SELECT id FROM beneficiaires WHERE nom = 'Cyclenom'").Row(&personID); err != nil {
		t.Fatal(err)
	}
	first := expectWhole(t, s.app, cycle, sessions, personID, "inscrit")
	if want := personalLink(first) + "?confirmation=1"; rec.Header().Get("Location") != want {
		t.Errorf("redirect to %q, want %q", rec.Header().Get("Location"), want)
	}
	// One message lists every date.
	if s.app.TestMailer.TotalSend() != sent+1 {
		t.Fatalf("%d messages, want one", s.app.TestMailer.TotalSend()-sent)
	}
	mail := s.app.TestMailer.LastMessage()
	for _, want := range []string{"Prendre en main sa tablette", "4 séances : ", "Séance 1", "Séance 4", testkit.AppURL + personalLink(first)} {
		if !strings.Contains(mail.HTML, want) {
			t.Errorf("message without %q:\n%s", want, mail.HTML)
		}
	}
	// The personal page shows the cycle; cancelling it cancels every session.
	expectBody(t, s.get(personalLink(first)), http.StatusOK,
		[]string{"Cycle « Prendre en main sa tablette »", "toutes les séances du cycle", "Durée totale : 8"}, nil)
	if rec := s.post(personalLink(first), confirmed); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	expectWhole(t, s.app, cycle, sessions, personID, "annule")
	// A cycle that is not public is not found.
	setFields(t, s.app, "cycles", cycle.Id, map[string]any{"publique": false})
	if rec := s.get(page); rec.Code != http.StatusNotFound {
		t.Errorf("private cycle page: %d", rec.Code)
	}
	if rec := s.post(page+"/inscription", withRendu(t, s.app, "cycle:"+cycle.Id, person("Autre", "Personne", "", "autre@example.org"))); rec.Code != http.StatusNotFound {
		t.Errorf("private cycle form: %d", rec.Code)
	}
}

func TestCyclePagesByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	now := testkit.Now()
	cycle, sessions := newCycle(t, s.app, 2, 2, 8)
	r, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm("Camille", "Cyclenom", "camille.cycle@example.org"), now)
	if err != nil {
		t.Fatal(err)
	}
	page := "/espace/cycles/" + cycle.Id
	for _, c := range []struct {
		role   string
		status int
		names  bool
	}{
		{anonymous, http.StatusSeeOther, false}, {testkit.InactifA, http.StatusSeeOther, false}, {testkit.DeconnecteA, http.StatusSeeOther, false},
		{testkit.ConseillerA, http.StatusOK, true}, {testkit.ConseillerB, http.StatusNotFound, false},
		{testkit.ReferentA, http.StatusOK, false}, {testkit.Coordinateur, http.StatusOK, false},
	} {
		for _, path := range []string{page, "/espace/cycles"} {
			rec := s.getAs(cycleCookie(t, c.role), path)
			if path == "/espace/cycles" && c.status == http.StatusNotFound {
				c.status = http.StatusOK // their own list, without this cycle
			}
			if rec.Code != c.status {
				t.Errorf("%s GET %s: %d, want %d", c.role, path, rec.Code, c.status)
				continue
			}
			body := rec.Body.String()
			if path == page && strings.Contains(body, "Cyclenom") != c.names {
				t.Errorf("%s sees names on the cycle page: %v, want %v", c.role, !c.names, c.names)
			}
			if path == "/espace/cycles" && c.role == testkit.ConseillerB && strings.Contains(body, cycle.Id) {
				t.Error("another structure's conseiller lists the cycle")
			}
		}
	}
	// Staff registration for the whole cycle: a conseiller of the
	// structure only.
	other := newPerson(t, s.app, testkit.StructureA, "Dominique", "Equipe", "dominique@example.org")
	for _, role := range []string{testkit.ConseillerB, testkit.ReferentA, testkit.Coordinateur, testkit.InactifA, testkit.DeconnecteA} {
		s.postAs(cycleCookie(t, role), page+"/inscriptions", url.Values{"beneficiaire": {other.Id}})
		if rows := cycleRowsOf(t, s.app, cycle.Id, other.Id); len(rows) != 0 {
			t.Fatalf("%s registered someone for the cycle", role)
		}
	}
	if rec := s.postAs(cycleCookie(t, testkit.ConseillerA), page+"/inscriptions", url.Values{"beneficiaire": {other.Id}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("conseiller registers: %d\n%s", rec.Code, rec.Body.String())
	}
	expectWhole(t, s.app, cycle, sessions, other.Id, "inscrit")
	// The cycle is full: a second staff registration goes to the waiting list.
	third := newPerson(t, s.app, testkit.StructureA, "Elise", "Attente", "elise@example.org")
	s.postAs(cycleCookie(t, testkit.ConseillerA), page+"/inscriptions", url.Values{"beneficiaire": {third.Id}})
	expectWhole(t, s.app, cycle, sessions, third.Id, "liste_attente")
	// Cancelling for the whole cycle: same rights.
	for _, role := range []string{testkit.ConseillerB, testkit.ReferentA, testkit.Coordinateur, testkit.InactifA} {
		s.postAs(cycleCookie(t, role), page+"/inscriptions/"+r.Person.Id+"/annuler", nil)
		expectWhole(t, s.app, cycle, sessions, r.Person.Id, "inscrit")
	}
	if rec := s.postAs(cycleCookie(t, testkit.ConseillerA), page+"/inscriptions/"+r.Person.Id+"/annuler", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: %d", rec.Code)
	}
	expectWhole(t, s.app, cycle, sessions, r.Person.Id, "annule")
	expectWhole(t, s.app, cycle, sessions, third.Id, "inscrit") // offered every session
	// The REST API reads cycles like sessions: a private cycle is staff's.
	setFields(t, s.app, "cycles", cycle.Id, map[string]any{"publique": false})
	for role, visible := range map[string]bool{anonymous: false, testkit.ConseillerB: false, testkit.InactifA: false,
		testkit.DeconnecteA: false, testkit.ConseillerA: true, testkit.ReferentA: true, testkit.Coordinateur: true} {
		token := ""
		if role != anonymous {
			token = testkit.Token(t, role)
		}
		rec := s.api(http.MethodGet, apiRecords("cycles")+"/"+cycle.Id, token, nil)
		if (rec.Code == http.StatusOK) != visible {
			t.Errorf("%s API view of a private cycle: %d", role, rec.Code)
		}
		rec = s.api(http.MethodPost, apiRecords("cycles"), token, map[string]any{"structure": testkit.ID(testkit.StructureA), "titre": "Par l'API", "capacite": 4})
		if want := role == testkit.ConseillerA || role == testkit.Coordinateur; (rec.Code == http.StatusOK) != want {
			t.Errorf("%s API create cycle: %d", role, rec.Code)
		}
	}
}

func TestCycleCreatedFromPlannedSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	_, sessions := newCycle(t, s.app, 2, 3, 8)
	for _, sess := range sessions { // planned sessions, not yet a cycle
		sess.Set("cycle", "")
		if err := s.app.Save(sess); err != nil {
			t.Fatal(err)
		}
	}
	form := url.Values{"titre": {"Découvrir la messagerie"}, "capacite": {"6"}, "publique": {"1"}, "seances": {sessions[0].Id, sessions[2].Id}}
	cookie := cycleCookie(t, testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, "/espace/cycles"), http.StatusOK, []string{`name="seances"`, sessions[1].Id}, nil)
	// Bad input is refused next to its field and keeps what was typed.
	bad := url.Values{"titre": {"Découvrir la messagerie"}, "capacite": {"0"}, "seances": {sessions[0].Id}}
	expectBody(t, s.postAs(cookie, "/espace/cycles", bad), http.StatusUnprocessableEntity,
		[]string{"Indiquez un nombre de places entre 1 et 500.", "Cochez au moins deux séances", `value="Découvrir la messagerie"`}, nil)
	if rec := s.postAs(cycleCookie(t, testkit.ReferentA), "/espace/cycles", form); rec.Code != http.StatusForbidden {
		t.Errorf("référent creates a cycle: %d", rec.Code)
	}
	if rec := s.postAs(cycleCookie(t, testkit.ConseillerB), "/espace/cycles", form); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("other structure's conseiller: %d", rec.Code)
	}
	rec := s.postAs(cookie, "/espace/cycles", form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	id := strings.TrimPrefix(rec.Header().Get("Location"), "/espace/cycles/")
	for i, sess := range sessions {
		want := map[bool]string{true: id, false: ""}[i != 1]
		if got := reload(t, s.app, sess).GetString("cycle"); got != want {
			t.Errorf("session %d: cycle %q, want %q", i+1, got, want)
		}
	}
	expectBody(t, s.getAs(cookie, rec.Header().Get("Location")), http.StatusOK, []string{"Découvrir la messagerie", "2 séances : "}, nil)
}

func TestCycleAttestationListsEachSessionAndTheTotal(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cycle, sessions := newCycle(t, s.app, 4, 3, 8)
	r, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm("Camille", "Cyclenom", "camille.cycle@example.org"), testkit.Now())
	if err != nil {
		t.Fatal(err)
	}
	cookie := cycleCookie(t, testkit.ConseillerA)
	path := "/espace/cycles/" + cycle.Id + "/inscriptions/" + r.Person.Id + "/attestation"
	expectBody(t, s.postAs(cookie, path, nil), http.StatusConflict, []string{"notée présente à aucune séance"}, nil)
	rows := cycleRowsOf(t, s.app, cycle.Id, r.Person.Id)
	for _, sess := range sessions[:2] { // present at two of the three sessions
		row := rows[sess.Id]
		row.Set("statut", "present")
		if err := s.app.Save(row); err != nil {
			t.Fatal(err)
		}
	}
	for _, role := range []string{testkit.ConseillerB, testkit.ReferentA, testkit.Coordinateur, testkit.DeconnecteA} {
		s.postAs(cycleCookie(t, role), path, nil)
	}
	if n := s.count("attestations"); n != 2 { // the fixture's two
		t.Fatalf("%d attestations after refused requests", n)
	}
	if rec := s.postAs(cookie, path, nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("issue: %d\n%s", rec.Code, rec.Body.String())
	}
	attestation, err := s.app.FindFirstRecordByFilter("attestations", "beneficiaire = {:b}", dbx.Params{"b": r.Person.Id})
	if err != nil {
		t.Fatal(err)
	}
	pdf := s.getAs(cookie, "/espace/attestations/"+attestation.Id+"/pdf")
	if pdf.Code != http.StatusOK {
		t.Fatalf("download: %d", pdf.Code)
	}
	text := strings.Join(strings.Fields(pdftest.Text(t, pdf.Body.Bytes())), " ")
	loc, _ := time.LoadLocation("Europe/Paris")
	for _, sess := range sessions[:2] {
		if d := frfmt.Date(sess.GetDateTime("debut").Time().In(loc)); !strings.Contains(text, d) {
			t.Errorf("attestation without %q:\n%s", d, text)
		}
	}
	if d := frfmt.Date(sessions[2].GetDateTime("debut").Time().In(loc)); strings.Contains(text, d) {
		t.Errorf("attestation lists the session not attended (%s)", d)
	}
	if !strings.Contains(text, "Temps total de participation : 4 h") {
		t.Errorf("attestation without the total time:\n%s", text)
	}
}

func TestCycleEditGivesAddedPlacesToTheWaitingList(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	now := testkit.Now()
	cycle, sessions := newCycle(t, s.app, 1, 2, 8)
	var people []inscriptions.CycleResult
	for i, p := range []string{"Anne", "Basile"} {
		r, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm(p, "Modif", fmt.Sprintf("m%d@example.org", i)), now)
		if err != nil {
			t.Fatal(err)
		}
		people = append(people, r)
	}
	page := "/espace/cycles/" + cycle.Id
	form := url.Values{"titre": {"Tablette, niveau 2"}, "capacite": {"2"}, "publique": {"1"}}
	for _, role := range []string{testkit.ReferentA, testkit.ConseillerB, testkit.InactifA, testkit.DeconnecteA} {
		s.postAs(cycleCookie(t, role), page, form)
		if reload(t, s.app, cycle).GetInt("capacite") != 1 {
			t.Fatalf("%s changed the cycle", role)
		}
	}
	cookie := cycleCookie(t, testkit.ConseillerA)
	expectBody(t, s.postAs(cookie, page, url.Values{"titre": {"Tablette"}, "capacite": {"0"}}), http.StatusUnprocessableEntity,
		[]string{"Indiquez un nombre de places entre 1 et 500."}, nil)
	if rec := s.postAs(cookie, page, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", rec.Code, rec.Body.String())
	}
	if c := reload(t, s.app, cycle); c.GetString("titre") != "Tablette, niveau 2" || c.GetInt("capacite") != 2 {
		t.Errorf("cycle after edit: %q, %d", c.GetString("titre"), c.GetInt("capacite"))
	}
	expectWhole(t, s.app, cycle, sessions, people[1].Person.Id, "inscrit") // the added place, in every session
	// Through the API too: places added go to the cycle's waiting list.
	third, err := inscriptions.RegisterCycle(s.app, cycle.Id, cycleForm("Chloe", "Modif", "m3@example.org"), now)
	if err != nil || third.Statut() != "liste_attente" {
		t.Fatalf("third: %s, %v", third.Statut(), err)
	}
	if rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("cycles")+"/"+cycle.Id, map[string]any{"capacite": 3}); rec.Code != http.StatusOK {
		t.Fatalf("API capacity: %d %s", rec.Code, rec.Body.String())
	}
	expectWhole(t, s.app, cycle, sessions, third.Person.Id, "inscrit")
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("cycles")+"/"+cycle.Id, map[string]any{"capacite": 1}),
		"capacite", "3 personnes sont inscrites au cycle")
	// Lower than the people registered: refused next to the field.
	expectBody(t, s.postAs(cookie, page, url.Values{"titre": {"Tablette"}, "capacite": {"1"}}), http.StatusUnprocessableEntity,
		[]string{"3 personnes sont inscrites au cycle"}, nil)
}

func TestCycleFormLimitsPerContactAndIP(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	now := testkit.Now()
	cycle, _ := newCycle(t, app, 10, 2, 10)
	limites := inscriptions.Limites{ParIP: 3, ParContact: 2}
	register := func(prenom, email, ip string) error {
		f := cycleForm(prenom, "Famille", email)
		f.Limites, f.EmpreinteIP = limites, ip
		_, err := inscriptions.RegisterCycle(app, cycle.Id, f, now)
		return err
	}
	for _, p := range []string{"Un", "Deux"} {
		if err := register(p, "famille@example.org", "ip-a"); err != nil {
			t.Fatal(err)
		}
	}
	if err := register("Trois", "famille@example.org", "ip-b"); !errors.Is(err, inscriptions.ErrLimiteContact) {
		t.Errorf("third place for one e-mail: %v", err)
	}
	if err := register("Quatre", "autre@example.org", "ip-a"); err != nil {
		t.Fatal(err)
	}
	if err := register("Cinq", "encore@example.org", "ip-a"); !errors.Is(err, inscriptions.ErrLimiteIP) {
		t.Errorf("fourth place for one IP address: %v", err)
	}
}

// A cycle's form asks the questions of its first session to come; a
// required answer missing refuses the form, keeps what was typed and
// registers nobody; each session's registration keeps the answers to the
// questions that session asks.
func TestCycleFormAsksTheFirstSessionsQuestions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cycle, sessions := newCycle(t, s.app, 2, 3, 8)
	for _, session := range sessions[:2] {
		askQuestions(t, s.app, session.Id)
	}
	// The last session asks only the yes/no question.
	setFields(t, s.app, "seances", sessions[2].Id, map[string]any{"questions": smartphoneQuestions[2:]})
	page := "/cycles/" + cycle.Id
	expectBody(t, s.get(page), http.StatusOK, []string{questionSmartphone, questionAttente, questionAide, `name="reponse_0"`}, nil)

	before := s.count("inscriptions")
	form := withRendu(t, s.app, "cycle:"+cycle.Id, person("Camille", "Questionnee", "", "camille.q@example.org"))
	form.Set("reponse_1", reponseLibre)
	expectBody(t, s.post(page+"/inscription", form), http.StatusUnprocessableEntity,
		[]string{`id="erreur-reponse_0"`, reponseLibre, "Questionnee"}, nil)
	if n := s.count("inscriptions"); n != before {
		t.Fatalf("%d registrations after a missing answer, want %d", n, before)
	}

	form.Set("reponse_0", "iPhone")
	form.Set("reponse_2", "oui")
	if rec := s.post(page+"/inscription", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", rec.Code, rec.Body.String())
	}
	for i, session := range sessions {
		r, err := s.app.FindFirstRecordByFilter("inscriptions", "seance = {:s} && cycle = {:c}", dbx.Params{"s": session.Id, "c": cycle.Id})
		if err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
		if i < 2 {
			expectReponses(t, reponsesOf(t, s.app, r.Id), questionSmartphone+"=iPhone", questionAttente+"="+reponseLibre, questionAide+"=Oui")
		} else {
			expectReponses(t, reponsesOf(t, s.app, r.Id), questionAide+"=Oui")
		}
	}
}
