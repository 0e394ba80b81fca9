package app_test

import (
	"net/http"
	"strings"
	"testing"

	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/tests"
)

// Cases the matrix cannot express: ownership inside a structure, fields one
// may not change, cross-structure links, inactive accounts.
func TestAccessEdgeCases(t *testing.T) {
	t.Parallel()
	id := testkit.ID
	tok := func(name string) map[string]string { return map[string]string{"Authorization": testkit.Token(t, name)} }
	records := "/api/collections/"

	scenarios := []tests.ApiScenario{
		{
			Name:   "anonymous lists beneficiaires: no person",
			Method: http.MethodGet, URL: records + "beneficiaires/records",
			ExpectedStatus:     200,
			ExpectedContent:    []string{`"totalItems":0`, `"items":[]`},
			NotExpectedContent: []string{testkit.NomBeneficiaireA, testkit.NomBeneficiaireB},
		},
		{
			Name:   "anonymous sees public sessions of every structure but no private one",
			Method: http.MethodGet, URL: records + "seances/records",
			ExpectedStatus:     200,
			ExpectedContent:    []string{id(testkit.SeancePubliqueA), id(testkit.SeancePubliqueB)},
			NotExpectedContent: []string{id(testkit.SeancePriveeA), testkit.SecretNoteSeance},
		},
		{
			Name:   "anonymous cannot expand a session's registrations",
			Method: http.MethodGet, URL: records + "seances/records/" + id(testkit.SeancePubliqueA) + "?expand=inscriptions_via_seance.beneficiaire,animateurs",
			ExpectedStatus:     200,
			ExpectedContent:    []string{id(testkit.SeancePubliqueA)},
			NotExpectedContent: []string{testkit.NomBeneficiaireA, id(testkit.InscriptionA), testkit.Email(testkit.ConseillerA)},
		},
		{
			Name:   "anonymous cannot filter sessions by a registrant's name",
			Method: http.MethodGet, URL: records + "seances/records?filter=" + urlq(`inscriptions_via_seance.beneficiaire.nom ~ "Fixturenom"`),
			ExpectedStatus:  200,
			ExpectedContent: []string{`"totalItems":0`},
		},
		{
			Name:   "archived workshop hidden from anonymous",
			Method: http.MethodGet, URL: records + "ateliers/records/" + id(testkit.AtelierAArchive),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "archived workshop hidden from another structure",
			Method: http.MethodGet, URL: records + "ateliers/records/" + id(testkit.AtelierAArchive),
			Headers:        tok(testkit.ConseillerB),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "archived workshop visible to its structure",
			Method: http.MethodGet, URL: records + "ateliers/records/" + id(testkit.AtelierAArchive),
			Headers:        tok(testkit.ConseillerA),
			ExpectedStatus: 200, ExpectedContent: []string{id(testkit.AtelierAArchive)},
		},
		{
			Name:   "a conseiller cannot edit a shared workshop",
			Method: http.MethodPatch, URL: records + "ateliers/records/" + sharedAtelier(t),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"titre":"Détourné"}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a conseiller cannot move a workshop to another structure",
			Method: http.MethodPatch, URL: records + "ateliers/records/" + id(testkit.AtelierA),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"structure":"` + id(testkit.StructureB) + `"}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a conseiller cannot turn a workshop of theirs into a shared one",
			Method: http.MethodPatch, URL: records + "ateliers/records/" + id(testkit.AtelierA),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"structure":""}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a staff member edits their own phone",
			Method: http.MethodPatch, URL: records + "utilisateurs/records/" + id(testkit.ConseillerA),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"telephone":"+33611111111"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"telephone":"+33611111111"`},
		},
		{
			Name:   "a staff member cannot promote themselves",
			Method: http.MethodPatch, URL: records + "utilisateurs/records/" + id(testkit.ConseillerA),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"role":"coordinateur"}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a staff member cannot join another structure",
			Method: http.MethodPatch, URL: records + "utilisateurs/records/" + id(testkit.ConseillerA),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"structures":["` + id(testkit.StructureB) + `"]}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a référent cannot reactivate an account",
			Method: http.MethodPatch, URL: records + "utilisateurs/records/" + id(testkit.ReferentA),
			Headers: tok(testkit.ReferentA), Body: strings.NewReader(`{"actif":false}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "an inactive account cannot sign in",
			Method: http.MethodPost, URL: records + "utilisateurs/auth-with-password",
			Body:           strings.NewReader(`{"identity":"` + testkit.Email(testkit.InactifA) + `","password":"` + testkit.StaffPassword + `"}`),
			ExpectedStatus: 403, ExpectedContent: []string{`"status":403`}, NotExpectedContent: []string{`"token"`},
		},
		{
			Name:   "an active account signs in",
			Method: http.MethodPost, URL: records + "utilisateurs/auth-with-password",
			Body:           strings.NewReader(`{"identity":"` + testkit.Email(testkit.ConseillerA) + `","password":"` + testkit.StaffPassword + `"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"token"`},
		},
		{
			Name:   "a conseiller reads a colleague's help but cannot edit it",
			Method: http.MethodPatch, URL: records + "accompagnements/records/" + id(testkit.AccompagnementA2),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"duree_minutes":90}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a conseiller cannot delete a colleague's help",
			Method: http.MethodDelete, URL: records + "accompagnements/records/" + id(testkit.AccompagnementA2),
			Headers:        tok(testkit.ConseillerA),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a conseiller cannot log help in a colleague's name",
			Method: http.MethodPost, URL: records + "accompagnements/records",
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"conseiller":"` + id(testkit.ConseillerA2) +
				`","structure":"` + id(testkit.StructureA) + `","date":"2026-11-02 10:00:00.000Z","duree_minutes":30,"type_lieu":"domicile","thematiques":["email"]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
		},
		{
			Name:   "help cannot point at a person of another structure",
			Method: http.MethodPost, URL: records + "accompagnements/records",
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"conseiller":"` + id(testkit.ConseillerA) +
				`","structure":"` + id(testkit.StructureA) + `","beneficiaire":"` + id(testkit.BeneficiaireB) +
				`","date":"2026-11-02 10:00:00.000Z","duree_minutes":30,"type_lieu":"domicile","thematiques":["email"]}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"beneficiaire"`},
		},
		{
			Name:   "a registration cannot link a person of another structure",
			Method: http.MethodPost, URL: records + "inscriptions/records",
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"seance":"` + id(testkit.SeancePubliqueA) +
				`","beneficiaire":"` + id(testkit.BeneficiaireB) + `","statut":"inscrit","source":"conseiller"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"beneficiaire"`},
		},
		{
			Name:   "a person cannot be registered twice for one session",
			Method: http.MethodPost, URL: records + "inscriptions/records",
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"seance":"` + id(testkit.SeancePubliqueA) +
				`","beneficiaire":"` + id(testkit.BeneficiaireA) + `","statut":"inscrit","source":"conseiller"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"status":400`},
		},
		{
			Name:   "a session cannot use another structure's place",
			Method: http.MethodPost, URL: records + "seances/records",
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"atelier":"` + id(testkit.AtelierA) + `","structure":"` +
				id(testkit.StructureA) + `","lieu":"` + id(testkit.LieuB) + `","debut":"2030-01-10 09:00:00.000Z","fin":"2030-01-10 11:00:00.000Z","capacite":6}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"lieu"`, "appartient pas"},
		},
		{
			Name:   "a session cannot end before it starts",
			Method: http.MethodPost, URL: records + "seances/records",
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"atelier":"` + id(testkit.AtelierA) + `","structure":"` +
				id(testkit.StructureA) + `","lieu":"` + id(testkit.LieuA) + `","debut":"2030-01-10 09:00:00.000Z","fin":"2030-01-10 08:00:00.000Z","capacite":6}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"fin"`},
		},
		{
			Name:   "a conseiller cannot move a session to another structure",
			Method: http.MethodPatch, URL: records + "seances/records/" + id(testkit.SeancePriveeA),
			Headers: tok(testkit.ConseillerA), Body: strings.NewReader(`{"structure":"` + id(testkit.StructureB) + `","lieu":"` + id(testkit.LieuB) + `"}`),
			ExpectedStatus: 404, ExpectedContent: []string{`"status":404`},
		},
		{
			Name:   "a référent reads the reports of their structure only",
			Method: http.MethodGet, URL: records + "rapports/records",
			Headers:            tok(testkit.ReferentA),
			ExpectedStatus:     200,
			ExpectedContent:    []string{id(testkit.RapportA)},
			NotExpectedContent: []string{id(testkit.RapportB)},
		},
		{
			Name:   "a structure needs a known time zone",
			Method: http.MethodPost, URL: records + "structures/records",
			Headers: tok(testkit.Coordinateur), Body: strings.NewReader(`{"nom":"X","slug":"x","fuseau":"Mars/Olympus"}`),
			ExpectedStatus: 400, ExpectedContent: []string{`"fuseau"`},
		},
		{
			Name:   "a structure's time zone defaults to Paris",
			Method: http.MethodPost, URL: records + "structures/records",
			Headers: tok(testkit.Coordinateur), Body: strings.NewReader(`{"nom":"X","slug":"x"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"fuseau":"Europe/Paris"`},
		},
		{
			Name:   "a new account is active by default",
			Method: http.MethodPost, URL: records + "utilisateurs/records",
			Headers: tok(testkit.Coordinateur), Body: strings.NewReader(`{"email":"n@fixture.test","password":"0123456789","passwordConfirm":"0123456789","nom":"N","prenom":"P","role":"referent"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"actif":true`},
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = appWithHooks
		s.NotExpectedContent = append(s.NotExpectedContent, testkit.SecretJeton, testkit.SecretCode, `"jeton"`, `"notes_internes"`)
		s.Test(t)
	}
}

func sharedAtelier(t *testing.T) string {
	app := testkit.NewApp(t)
	id, err := testkit.SharedAtelierID(app)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func urlq(s string) string {
	r := strings.NewReplacer(" ", "%20", `"`, "%22", "~", "%7E", "=", "%3D")
	return r.Replace(s)
}

// A shared workshop with sessions in two structures cannot be given to one
// of them, whatever the way (here a direct save, as the API would).
func TestWorkshopWithSessionsElsewhereCannotMove(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	shared, err := testkit.SharedAtelierID(app)
	if err != nil {
		t.Fatal(err)
	}
	atelier, err := app.FindRecordById("ateliers", shared)
	if err != nil {
		t.Fatal(err)
	}
	atelier.Set("structure", testkit.ID(testkit.StructureA))
	err = app.Save(atelier)
	if err == nil || !strings.Contains(err.Error(), "dans une autre structure") {
		t.Errorf("moved a workshop away from its sessions: %v", err)
	}
}

// A session's internal notes are read through the API by the people who may
// change the session (conseillers of its structure, coordinateurs), like on
// the workspace's edit page; never by anybody else, even for a public session.
func TestInternalNotesGoToTheSessionTeamOnly(t *testing.T) {
	t.Parallel()
	url := "/api/collections/seances/records/" + testkit.ID(testkit.SeancePubliqueA)
	for role, sees := range map[string]bool{anonymous: false, testkit.ConseillerA: true, testkit.Coordinateur: true,
		testkit.ConseillerB: false, testkit.ReferentA: false} {
		s := tests.ApiScenario{
			Name: "notes for " + role, Method: http.MethodGet, URL: url, Headers: authHeader(t, role),
			TestAppFactory: appWithHooks, ExpectedStatus: 200, ExpectedContent: []string{testkit.ID(testkit.SeancePubliqueA)},
		}
		if sees {
			s.ExpectedContent = append(s.ExpectedContent, `"notes_internes":"`+testkit.SecretNoteSeance+`"`)
		} else {
			s.NotExpectedContent = []string{testkit.SecretNoteSeance, `"notes_internes"`}
		}
		s.Test(t)
	}
}
