package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"

	atelier "atelier/hooks/app"
	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// The access matrix of pb_migrations/REGLES.md, asserted through the real
// REST API: every collection × role × operation on a record of structure A.

const anonymous = "anonyme"

// InactifA's token was made before the account was deactivated, and
// DeconnecteA's before it signed out: both get what an anonymous visitor
// gets, everywhere.
var roles = []string{anonymous, testkit.ConseillerA, testkit.ConseillerB, testkit.ReferentA, testkit.Coordinateur,
	testkit.InactifA, testkit.DeconnecteA}

// seenAs is who the API sees behind a role's token.
func seenAs(role string) string {
	if role == testkit.InactifA || role == testkit.DeconnecteA {
		return anonymous
	}
	return role
}

type operation string

const (
	opList   operation = "list"
	opView   operation = "view"
	opCreate operation = "create"
	opUpdate operation = "update"
	opDelete operation = "delete"
)

var operations = []operation{opList, opView, opCreate, opUpdate, opDelete}

// access says, per operation, which roles are allowed. superusersOnly marks
// operations whose rule is nil (403 for everybody but superusers).
type access struct {
	collection     string
	target         map[operation]string // fixture record name per operation
	createBody     func(actor string) map[string]any
	updateBody     map[string]any
	allowed        map[operation][]string
	superusersOnly []operation
}

var (
	everyone   = roles
	staffOfA   = []string{testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur}
	conseilA   = []string{testkit.ConseillerA}
	coordOnly  = []string{testkit.Coordinateur}
	nobody     = []string{}
	conseilOrC = []string{testkit.ConseillerA, testkit.Coordinateur}
)

func same(name string) map[operation]string {
	return map[operation]string{opList: name, opView: name, opUpdate: name, opDelete: name}
}

func withDelete(name, deletable string) map[operation]string {
	m := same(name)
	m[opDelete] = deletable
	return m
}

func accessMatrix(t *testing.T) []access {
	id := testkit.ID
	return []access{
		{
			collection: "structures",
			target:     withDelete(testkit.StructureA, testkit.StructureC),
			createBody: func(string) map[string]any {
				return map[string]any{"nom": "Nouvelle structure", "slug": "nouvelle-structure", "fuseau": "Europe/Paris"}
			},
			updateBody: map[string]any{"horaires": "Lundi 9 h - 12 h"},
			allowed: map[operation][]string{
				opList: everyone, opView: everyone, opCreate: coordOnly,
				opUpdate: {testkit.ReferentA, testkit.Coordinateur}, opDelete: coordOnly,
			},
		},
		{
			collection: "utilisateurs",
			target:     withDelete(testkit.ConseillerA2, testkit.ConseillerA3),
			createBody: func(string) map[string]any {
				return map[string]any{"email": "nouveau@fixture.test", "password": "un-mot-de-passe", "passwordConfirm": "un-mot-de-passe",
					"nom": "Nouveau", "prenom": "Compte", "role": "conseiller", "structures": []string{id(testkit.StructureA)}}
			},
			updateBody: map[string]any{"telephone": "+33600000001"},
			allowed: map[operation][]string{
				opList: staffOfA, opView: staffOfA, opCreate: coordOnly, opUpdate: coordOnly, opDelete: coordOnly,
			},
		},
		{
			collection: "lieux",
			target:     withDelete(testkit.LieuA, testkit.LieuA2),
			createBody: func(string) map[string]any {
				return map[string]any{"structure": id(testkit.StructureA), "nom": "Nouveau lieu"}
			},
			updateBody: map[string]any{"accessibilite": "Accès de plain-pied"},
			allowed: map[operation][]string{
				opList: everyone, opView: everyone, opCreate: staffOfA, opUpdate: staffOfA, opDelete: staffOfA,
			},
		},
		{
			collection: "ateliers",
			target:     withDelete(testkit.AtelierA, testkit.AtelierAArchive),
			createBody: func(string) map[string]any {
				return map[string]any{"titre": "Nouvel atelier", "besoin": "debuter", "thematiques": []string{"email"},
					"resume": "Pour apprendre.", "niveau": "debutant", "duree_minutes": 60, "capacite_defaut": 6,
					"structure": id(testkit.StructureA), "actif": true}
			},
			updateBody: map[string]any{"resume": "Résumé modifié."},
			allowed: map[operation][]string{
				opList: everyone, opView: everyone, opCreate: conseilOrC, opUpdate: conseilOrC, opDelete: conseilOrC,
			},
		},
		{
			collection: "seances",
			target:     same(testkit.SeancePriveeA),
			createBody: func(string) map[string]any {
				return map[string]any{"atelier": id(testkit.AtelierA), "structure": id(testkit.StructureA), "lieu": id(testkit.LieuA),
					"debut": "2030-01-10 09:00:00.000Z", "fin": "2030-01-10 11:00:00.000Z", "capacite": 6, "statut": "planifiee"}
			},
			updateBody: map[string]any{"capacite": 12},
			allowed: map[operation][]string{
				opList: staffOfA, opView: staffOfA, opCreate: conseilOrC, opUpdate: conseilOrC, opDelete: conseilOrC,
			},
		},
		{
			collection: "beneficiaires",
			target:     withDelete(testkit.BeneficiaireA, testkit.BeneficiaireA2),
			createBody: func(string) map[string]any {
				return map[string]any{"structure": id(testkit.StructureA), "prenom": "Nouvelle", "nom": "Personne"}
			},
			updateBody: map[string]any{"notes": "Préfère le matin."},
			allowed: map[operation][]string{
				opList: conseilA, opView: conseilA, opCreate: conseilA, opUpdate: conseilA, opDelete: conseilA,
			},
		},
		{
			collection: "inscriptions",
			target:     same(testkit.InscriptionA),
			createBody: func(string) map[string]any {
				return map[string]any{"seance": id(testkit.SeancePubliqueA), "beneficiaire": id(testkit.BeneficiaireA2),
					"statut": "inscrit", "source": "conseiller"}
			},
			updateBody: map[string]any{"statut": "present"},
			allowed: map[operation][]string{
				opList: conseilA, opView: conseilA, opCreate: conseilA, opUpdate: conseilA, opDelete: conseilA,
			},
		},
		{
			collection: "accompagnements",
			target:     same(testkit.AccompagnementA),
			createBody: func(actor string) map[string]any {
				return map[string]any{"conseiller": id(actor), "structure": id(testkit.StructureA), "date": "2026-11-02 10:00:00.000Z",
					"duree_minutes": 45, "type_lieu": "lieu_activite", "thematiques": []string{"sante"}}
			},
			updateBody: map[string]any{"duree_minutes": 60},
			allowed: map[operation][]string{
				opList: conseilA, opView: conseilA, opCreate: conseilA, opUpdate: conseilA, opDelete: conseilA,
			},
		},
		{
			collection: "attestations",
			target:     same(testkit.AttestationA),
			createBody: func(string) map[string]any {
				return map[string]any{"beneficiaire": id(testkit.BeneficiaireA), "code": "FORGED-CODE", "emise_le": "2026-11-02 10:00:00.000Z"}
			},
			// Revoking goes through the workspace page only, like issuing.
			updateBody:     map[string]any{"code": "FORGED-CODE", "revoquee_le": "2026-11-02 10:00:00.000Z"},
			allowed:        map[operation][]string{opList: conseilA, opView: conseilA, opCreate: nobody, opUpdate: nobody, opDelete: nobody},
			superusersOnly: []operation{opCreate, opUpdate, opDelete},
		},
		{
			collection: "rapports",
			target:     same(testkit.RapportA),
			createBody: func(string) map[string]any {
				return map[string]any{"structure": id(testkit.StructureA), "mois": "2026-09"}
			},
			updateBody:     map[string]any{"mois": "2026-08"},
			allowed:        map[operation][]string{opList: staffOfA, opView: staffOfA, opCreate: nobody, opUpdate: nobody, opDelete: nobody},
			superusersOnly: []operation{opCreate, opUpdate, opDelete},
		},
		{
			collection: "envois",
			target:     same(testkit.EnvoiA),
			createBody: func(string) map[string]any {
				return map[string]any{"structure": id(testkit.StructureA), "canal": "email", "destinataire": "x@example.org",
					"evenement": "autre", "statut": "envoye"}
			},
			updateBody:     map[string]any{"statut": "echec"},
			allowed:        map[operation][]string{opList: conseilA, opView: conseilA, opCreate: nobody, opUpdate: nobody, opDelete: nobody},
			superusersOnly: []operation{opCreate, opUpdate, opDelete},
		},
		{
			// The audit log: read by coordinateurs, written by the server only.
			collection: "journal",
			target:     same(testkit.JournalA),
			createBody: func(actor string) map[string]any {
				return map[string]any{"auteur": id(actor), "auteur_nom": "Faux", "action": "consultation", "structure": id(testkit.StructureA)}
			},
			updateBody:     map[string]any{"details": "Réécrit"},
			allowed:        map[operation][]string{opList: coordOnly, opView: coordOnly, opCreate: nobody, opUpdate: nobody, opDelete: nobody},
			superusersOnly: []operation{opCreate, opUpdate, opDelete},
		},
		{
			// The privacy settings: administrators only, in /_/.
			collection: "parametres",
			target:     same(testkit.Parametres),
			createBody: func(string) map[string]any {
				return map[string]any{"duree_inactivite_mois": 1, "duree_envois_mois": 1}
			},
			updateBody:     map[string]any{"duree_inactivite_mois": 1},
			allowed:        map[operation][]string{opList: nobody, opView: nobody, opCreate: nobody, opUpdate: nobody, opDelete: nobody},
			superusersOnly: operations,
		},
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	testkit.RemoveTemplate()
	os.Exit(code)
}

func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	for _, a := range accessMatrix(t) {
		for _, op := range operations {
			for _, role := range roles {
				allowed := contains(a.allowed[op], seenAs(role))
				name := fmt.Sprintf("%s/%s/%s/allowed=%v", a.collection, op, role, allowed)
				scenario := a.scenario(t, op, role, allowed)
				scenario.Name = name
				scenario.Test(t)
			}
		}
	}
}

func (a access) scenario(t *testing.T, op operation, role string, allowed bool) tests.ApiScenario {
	target := testkit.ID(a.target[op])
	base := "/api/collections/" + a.collection + "/records"
	s := tests.ApiScenario{
		TestAppFactory: appWithHooks,
		Headers:        authHeader(t, role),
		// Secrets never leave the server, whoever asks.
		NotExpectedContent: []string{testkit.SecretJeton, testkit.SecretCode, `"jeton"`, `"password"`, `"tokenKey"`},
	}
	// A session's internal notes go only to the team that may change it
	// (TestInternalNotesGoToTheSessionTeamOnly); elsewhere, never.
	if a.collection != "seances" || (role != testkit.ConseillerA && role != testkit.ConseillerB && role != testkit.Coordinateur) {
		s.NotExpectedContent = append(s.NotExpectedContent, testkit.SecretNoteSeance, `"notes_internes"`)
	}
	superusersOnly := contains(a.superusersOnly, op)
	countBefore := -1

	switch op {
	case opList:
		s.Method, s.URL, s.ExpectedStatus = http.MethodGet, base+"?perPage=200", pick(superusersOnly, 403, 200)
		if allowed {
			s.ExpectedContent = []string{`"id":"` + target + `"`}
		} else {
			s.NotExpectedContent = append(s.NotExpectedContent, target)
		}
	case opView:
		s.Method, s.URL = http.MethodGet, base+"/"+target
		s.ExpectedStatus = pick(allowed, 200, pick(superusersOnly, 403, 404))
		if allowed {
			s.ExpectedContent = []string{`"id":"` + target + `"`}
		}
	case opCreate:
		actor := role
		if seenAs(role) == anonymous {
			actor = testkit.ConseillerA
		}
		s.Method, s.URL, s.Body = http.MethodPost, base, jsonBody(t, a.createBody(actor))
		s.ExpectedStatus = pick(allowed, 200, pick(superusersOnly, 403, 400))
		if allowed {
			s.ExpectedContent = []string{`"collectionName":"` + a.collection + `"`}
		}
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) { countBefore = count(t, app, a.collection) }
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			want := countBefore
			if allowed {
				want++
			}
			if got := count(t, app, a.collection); got != want {
				t.Fatalf("%s count after create: got %d, want %d", a.collection, got, want)
			}
		}
	case opUpdate:
		s.Method, s.URL, s.Body = http.MethodPatch, base+"/"+target, jsonBody(t, a.updateBody)
		s.ExpectedStatus = pick(allowed, 200, pick(superusersOnly, 403, 404))
		if allowed {
			s.ExpectedContent = []string{`"id":"` + target + `"`}
		}
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			record, err := app.FindRecordById(a.collection, target)
			if err != nil {
				t.Fatal(err)
			}
			for field, value := range a.updateBody {
				changed := fmt.Sprint(record.Get(field)) == fmt.Sprint(value)
				if changed != allowed {
					t.Fatalf("%s.%s = %v after update (allowed=%v)", a.collection, field, record.Get(field), allowed)
				}
			}
		}
	case opDelete:
		s.Method, s.URL = http.MethodDelete, base+"/"+target
		s.ExpectedStatus = pick(allowed, 204, pick(superusersOnly, 403, 404))
		s.AfterTestFunc = func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			_, err := app.FindRecordById(a.collection, target)
			if gone := err != nil; gone != allowed {
				t.Fatalf("%s %s gone=%v after delete (allowed=%v)", a.collection, target, gone, allowed)
			}
		}
	}
	if s.ExpectedStatus == 204 || (s.ExpectedStatus >= 400 && s.Method != http.MethodGet) {
		// error and empty responses carry no record: keep only the secret checks
		s.ExpectedContent = nil
	}
	return s
}

func appWithHooks(t testing.TB) *tests.TestApp {
	app := testkit.NewApp(t)
	atelier.Register(app, os.DirFS("../../pb_public"))
	return app
}

func authHeader(t testing.TB, role string) map[string]string {
	if role == anonymous {
		return nil
	}
	return map[string]string{"Authorization": testkit.Token(t, role)}
}

func count(t testing.TB, app *tests.TestApp, collection string) int {
	var n int
	if err := app.DB().Select("count(*)").From(collection).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func jsonBody(t testing.TB, v any) *strings.Reader {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return strings.NewReader(string(b))
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}

func contains[T comparable](list []T, s T) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
