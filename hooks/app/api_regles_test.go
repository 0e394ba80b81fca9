package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/rgpd"
	"atelier/hooks/testkit"
)

// The REST API follows the rules of the pages (pb_migrations/REGLES.md,
// « Cohérence vérifiée par le serveur »): capacity and waiting ranks,
// places freed or added, merges, anonymisation, animateurs, dates and
// internal notes.

// apiAs sends a JSON request to the REST API as a fixture staff member.
func (s *site) apiAs(role, method, path string, body any) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.api(method, path, testkit.Token(s.t, role), body)
}

func apiRecords(collection string) string { return "/api/collections/" + collection + "/records" }

// expectAPIError checks a refused write: a 400 whose field carries a French
// message.
func expectAPIError(t testing.TB, rec *httptest.ResponseRecorder, field, message string) {
	t.Helper()
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400\n%s", rec.Code, rec.Body.String())
	}
	var body struct {
		Data map[string]struct{ Message string } `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	if got := body.Data[field].Message; !strings.Contains(got, message) {
		t.Errorf("%s: message %q, want %q\n%s", field, got, message, rec.Body.String())
	}
}

func TestAPIRegistrationsFollowCapacityAndRanks(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seance := testkit.ID(testkit.SeancePubliqueA)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 3}) // InscriptionA holds one
	var ids []string
	var people []*core.Record
	for i := range 4 {
		person := newPerson(t, s.app, testkit.StructureA, "Api", fmt.Sprintf("Personne%d", i), fmt.Sprintf("api%d@example.org", i))
		people = append(people, person)
		// Every request asks for a place and the first rank.
		rec := s.apiAs(testkit.ConseillerA, http.MethodPost, apiRecords("inscriptions"), map[string]any{
			"seance": seance, "beneficiaire": person.Id, "statut": "inscrit", "rang_attente": 1, "source": "conseiller"})
		if rec.Code != http.StatusOK {
			t.Fatalf("create %d: %d %s", i, rec.Code, rec.Body.String())
		}
		var created struct{ ID, Statut string }
		if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, created.ID)
		want := map[bool]string{true: "inscrit", false: "liste_attente"}[i < 2]
		if created.Statut != want {
			t.Errorf("registration %d: %s, want %s", i, created.Statut, want)
		}
	}
	assertRanks(t, s.app, seance, 3, 2)

	// A rank sent by the client is not taken.
	rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("inscriptions")+"/"+ids[3], map[string]any{"rang_attente": 1})
	if rec.Code != http.StatusOK {
		t.Fatalf("patch rank: %d %s", rec.Code, rec.Body.String())
	}
	assertRanks(t, s.app, seance, 3, 2)
	if got := waitingPosition(t, s.app, mustFindID(t, s.app, "inscriptions", ids[3])); got != 2 {
		t.Errorf("last person jumped the queue: position %d", got)
	}
	// The person's data export tells the same position.
	export, err := rgpd.ExportPerson(s.app, people[3], testkit.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(export.Inscriptions) != 1 || export.Inscriptions[0].RangAttente != 2 {
		t.Errorf("export of the last waiting person: %+v", export.Inscriptions)
	}

	// A registration does not move to another session (and its capacity).
	if rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("inscriptions")+"/"+ids[2],
		map[string]any{"seance": testkit.ID(testkit.SeancePriveeA)}); rec.Code == http.StatusOK {
		t.Errorf("registration moved to another session: %s", rec.Body.String())
	}
	// A person with a place does not go back to the waiting list.
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("inscriptions")+"/"+ids[0],
		map[string]any{"statut": "liste_attente"}), "statut", "ne retourne pas sur la liste d'attente")

	// The capacity is not lowered under the places taken.
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("seances")+"/"+seance,
		map[string]any{"capacite": 2}), "capacite", "3 personnes ont déjà une place")
	if got := mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetInt("capacite"); got != 3 {
		t.Errorf("capacity %d after a refused change", got)
	}

	// Cancelling through the API gives the place to the first waiting person, who is told.
	sent := s.app.TestMailer.TotalSend()
	rec = s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("inscriptions")+"/"+ids[0], map[string]any{"statut": "annule"})
	if rec.Code != http.StatusOK {
		t.Fatalf("cancel: %d %s", rec.Code, rec.Body.String())
	}
	if got := mustFindID(t, s.app, "inscriptions", ids[2]).GetString("statut"); got != "inscrit" {
		t.Errorf("first waiting person after a cancellation: %s", got)
	}
	expectPromotionMail(t, s, sent, "api2@example.org")
	assertRanks(t, s.app, seance, 3, 1)

	// A larger capacity promotes the waiting list.
	sent = s.app.TestMailer.TotalSend()
	rec = s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("seances")+"/"+seance, map[string]any{"capacite": 5})
	if rec.Code != http.StatusOK {
		t.Fatalf("capacity: %d %s", rec.Code, rec.Body.String())
	}
	if got := mustFindID(t, s.app, "inscriptions", ids[3]).GetString("statut"); got != "inscrit" {
		t.Errorf("waiting person after a larger capacity: %s", got)
	}
	expectPromotionMail(t, s, sent, "api3@example.org")
	assertRanks(t, s.app, seance, 4, 0)

	// Deleting a confirmed registration frees its place too.
	late := newPerson(t, s.app, testkit.StructureA, "Api", "Tardive", "")
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 4})
	rec = s.apiAs(testkit.ConseillerA, http.MethodPost, apiRecords("inscriptions"), map[string]any{
		"seance": seance, "beneficiaire": late.Id, "statut": "inscrit", "source": "conseiller"})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"statut":"liste_attente"`) {
		t.Fatalf("late registration: %d %s", rec.Code, rec.Body.String())
	}
	if rec := s.apiAs(testkit.ConseillerA, http.MethodDelete, apiRecords("inscriptions")+"/"+ids[1], nil); rec.Code != http.StatusNoContent {
		t.Fatalf("delete: %d %s", rec.Code, rec.Body.String())
	}
	if got := registrationOf(t, s.app, testkit.SeancePubliqueA, late.Id).GetString("statut"); got != "inscrit" {
		t.Errorf("waiting person after a deletion: %s", got)
	}
	assertRanks(t, s.app, seance, 4, 0)
}

func expectPromotionMail(t testing.TB, s *site, before int, to string) {
	t.Helper()
	if s.app.TestMailer.TotalSend() != before+1 || s.app.TestMailer.LastMessage().To[0].Address != to ||
		!strings.Contains(s.app.TestMailer.LastMessage().Subject, "Une place s'est libérée") {
		t.Errorf("promotion e-mail to %s: %d sent, last %+v", to, s.app.TestMailer.TotalSend()-before, s.app.TestMailer.LastMessage())
	}
}

// Every path (here a plain save, as the session form and the commands do)
// keeps the capacity over the places taken, like the API.
func TestCapacityNeverUnderPlacesTaken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for i := range 2 {
		newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Form", fmt.Sprint("Personne", i), ""), "inscrit", 0)
	}
	record := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	record.Set("capacite", 2)
	err := s.app.Save(record)
	if err == nil || !strings.Contains(err.Error(), "3 personnes ont déjà une place") {
		t.Errorf("capacity 2 for 3 places taken: %v", err)
	}
	record = mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	record.Set("capacite", 3)
	if err := s.app.Save(record); err != nil {
		t.Errorf("capacity equal to the places taken: %v", err)
	}
}

func TestAPIIntegrityOfPeopleAndSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	benefA, benefA2 := testkit.ID(testkit.BeneficiaireA), testkit.ID(testkit.BeneficiaireA2)
	person := apiRecords("beneficiaires") + "/"

	// Merges: another structure, itself, a record already merged.
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, person+benefA2,
		map[string]any{"fusionne_vers": testkit.ID(testkit.BeneficiaireB)}), "fusionne_vers", "même structure")
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, person+benefA2,
		map[string]any{"fusionne_vers": benefA2}), "fusionne_vers", "elle-même")
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"fusionne_vers": benefA2})
	other := newPerson(t, s.app, testkit.StructureA, "Autre", "Personne", "")
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, person+other.Id,
		map[string]any{"fusionne_vers": benefA}), "fusionne_vers", "déjà été fusionnée")
	if got := reload(t, s.app, other).GetString("fusionne_vers"); got != "" {
		t.Errorf("refused merge stored: %q", got)
	}

	// Anonymising through the API erases like the erasure page; never undone.
	newInscription(t, s.app, testkit.SeancePubliqueA, other, "inscrit", 0)
	rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, person+other.Id, map[string]any{"anonymise": true})
	if rec.Code != http.StatusOK {
		t.Fatalf("anonymise: %d %s", rec.Code, rec.Body.String())
	}
	erased := reload(t, s.app, other)
	for _, field := range []string{"prenom", "nom", "telephone", "email", "notes"} {
		if erased.GetString(field) != "" || !erased.GetBool("anonymise") {
			t.Errorf("anonymised through the API but %s = %q (anonymise %v)", field, erased.GetString(field), erased.GetBool("anonymise"))
		}
	}
	if got := registrationOf(t, s.app, testkit.SeancePubliqueA, other.Id).GetString("statut"); got != "annule" {
		t.Errorf("upcoming registration of an anonymised person: %s", got)
	}
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, person+other.Id, map[string]any{"anonymise": false}),
		"anonymise", "ne peuvent pas être rétablies")
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, person+other.Id, map[string]any{"nom": "Retour"}),
		"nom", "doit rester vide")

	// Animateurs from another structure.
	seance := apiRecords("seances") + "/" + testkit.ID(testkit.SeancePubliqueA)
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, seance,
		map[string]any{"animateurs": []string{testkit.ID(testkit.ConseillerB)}}), "animateurs", "l'équipe de la structure")
	rec = s.apiAs(testkit.ConseillerA, http.MethodPatch, seance, map[string]any{"animateurs": []string{testkit.ID(testkit.ConseillerA2)}})
	if rec.Code != http.StatusOK {
		t.Errorf("animateur of the structure: %d %s", rec.Code, rec.Body.String())
	}

	// Dates in year 1 or 9999.
	for _, date := range []string{"0001-01-01 09:00:00.000Z", "9999-12-31 09:00:00.000Z"} {
		expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, seance, map[string]any{"debut": date}),
			"debut", "entre 2000 et 2100")
		expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("accompagnements")+"/"+testkit.ID(testkit.AccompagnementA),
			map[string]any{"date": date}), "date", "entre 2000 et 2100")
	}
}

// Internal notes written through the API are kept, for the team that may
// change the session (PocketBase drops hidden fields from API writes).
func TestAPIWritesInternalNotes(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seance := apiRecords("seances") + "/" + testkit.ID(testkit.SeancePriveeA)
	rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, seance, map[string]any{"notes_internes": "Clé chez la gardienne."})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Clé chez la gardienne.") {
		t.Fatalf("notes update: %d %s", rec.Code, rec.Body.String())
	}
	if got := mustFind(t, s.app, "seances", testkit.SeancePriveeA).GetString("notes_internes"); got != "Clé chez la gardienne." {
		t.Errorf("notes stored: %q", got)
	}
	debut := testkit.Now().Add(30 * 24 * time.Hour).UTC()
	rec = s.apiAs(testkit.ConseillerA, http.MethodPost, apiRecords("seances"), map[string]any{
		"atelier": testkit.ID(testkit.AtelierA), "structure": testkit.ID(testkit.StructureA), "lieu": testkit.ID(testkit.LieuA),
		"debut": debut.Format("2006-01-02 15:04:05.000Z"), "fin": debut.Add(time.Hour).Format("2006-01-02 15:04:05.000Z"),
		"capacite": 6, "statut": "planifiee", "notes_internes": "Prévoir la rallonge."})
	if rec.Code != http.StatusOK {
		t.Fatalf("create with notes: %d %s", rec.Code, rec.Body.String())
	}
	var created struct{ ID string }
	if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
		t.Fatal(err)
	}
	if got := mustFindID(t, s.app, "seances", created.ID).GetString("notes_internes"); got != "Prévoir la rallonge." {
		t.Errorf("notes of a created session: %q", got)
	}
	// Staff who may not change the session change nothing.
	rec = s.apiAs(testkit.ReferentA, http.MethodPatch, seance, map[string]any{"notes_internes": "Intrus"})
	if rec.Code == http.StatusOK {
		t.Errorf("référent changed the notes: %s", rec.Body.String())
	}
	if got := mustFind(t, s.app, "seances", testkit.SeancePriveeA).GetString("notes_internes"); got != "Clé chez la gardienne." {
		t.Errorf("notes after a refused write: %q", got)
	}
}
