package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// A session's page in the workspace, over real HTTP with each role:
// registrations and waiting list, adding a person (known or new), promoting,
// cancelling, the attendance sheet with walk-ins, closing, the CSV export,
// and every way of reaching another session's or structure's records.

func espaceSeance(name string) string { return "/espace/seances/" + testkit.ID(name) }

// newPerson saves a beneficiary straight into the database.
func newPerson(t testing.TB, app core.App, structure, prenom, nom, email string) *core.Record {
	t.Helper()
	collection, err := app.FindCollectionByNameOrId("beneficiaires")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(collection)
	r.Load(map[string]any{"structure": testkit.ID(structure), "prenom": prenom, "nom": nom, "email": email})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// newInscription saves a registration straight into the database.
func newInscription(t testing.TB, app core.App, seance string, person *core.Record, statut string, rang int) *core.Record {
	t.Helper()
	collection, err := app.FindCollectionByNameOrId("inscriptions")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(collection)
	r.Load(map[string]any{"seance": testkit.ID(seance), "beneficiaire": person.Id, "statut": statut,
		"rang_attente": rang, "source": "public", "jeton": strings.Repeat("x", 20) + person.Id + "abcdefgh"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// registrationOf returns the person's registration for the session, or nil.
func registrationOf(t testing.TB, app core.App, seance, personID string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByFilter("inscriptions", "seance = {:s} && beneficiaire = {:b}",
		dbx.Params{"s": testkit.ID(seance), "b": personID})
	if err != nil {
		return nil
	}
	return r
}

func reload(t testing.TB, app core.App, r *core.Record) *core.Record {
	t.Helper()
	fresh, err := app.FindRecordById(r.Collection().Name, r.Id)
	if err != nil {
		t.Fatal(err)
	}
	return fresh
}

// startedAnHourAgo moves a session so that attendance can be taken.
func startedAnHourAgo(t testing.TB, app core.App, name string) {
	moveSession(t, app, name, testkit.Now().UTC().Add(-time.Hour), 2*time.Hour)
}

// expectRedirect checks a successful POST: 303 to the given page.
func expectRedirect(t testing.TB, rec *httptest.ResponseRecorder, to string) {
	t.Helper()
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != to {
		t.Errorf("status %d to %q, want 303 to %q\n%s", rec.Code, rec.Header().Get("Location"), to, rec.Body.String())
	}
}

func TestSessionPageByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	page := espaceSeance(testkit.SeancePubliqueA)
	jetonOnly := []string{testkit.SecretJeton}

	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), page), http.StatusOK,
		[]string{"Atelier propre à Alpha", "Salle Alpha", "Prénom conseillera Nom conseillera", "Planifiée",
			"8 places", "places restantes", "Inscrits (1)", testkit.NomBeneficiaireA, "06 12 34 56 78", "Page publique",
			`href="/espace/beneficiaires/` + testkit.ID(testkit.BeneficiaireA) + `"`, "Annuler l'inscription",
			`href="/ateliers/` + testkit.ID(testkit.SeancePubliqueA) + `"`, "Feuille de présence",
			"Exporter les participants (CSV)", page + "/modifier", page + "/annuler", "Ajouter une personne", "Nouvelle personne",
			"Notes internes", testkit.SecretNoteSeance}, // the team that runs the session reads its notes
		jetonOnly)

	for _, name := range []string{testkit.ReferentA, testkit.Coordinateur} {
		rec := s.getAs(s.signIn(name), page)
		expectBody(t, rec, http.StatusOK,
			[]string{"Atelier propre à Alpha", "Salle Alpha", "8 places", "places restantes", "sur liste d'attente",
				"Les noms des participants ne sont visibles que par les conseillers"},
			append([]string{testkit.NomBeneficiaireA, "Camille", "+33612345678", "06 12 34 56 78", "Feuille de présence",
				"participants.csv", "Ajouter une personne", testkit.ID(testkit.InscriptionA), testkit.ID(testkit.BeneficiaireA)}, jetonOnly...))
		// only the coordinateur may change the session (API rules)
		if got := strings.Contains(rec.Body.String(), page+"/modifier"); got != (name == testkit.Coordinateur) {
			t.Errorf("%s: edit link shown = %v", name, got)
		}
		if got := strings.Contains(rec.Body.String(), testkit.SecretNoteSeance); got != (name == testkit.Coordinateur) {
			t.Errorf("%s: internal notes shown = %v", name, got)
		}
	}

	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), page), http.StatusNotFound, []string{"Page introuvable"},
		[]string{testkit.NomBeneficiaireA, "Atelier propre à Alpha"})
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), espaceSeance(testkit.SeancePubliqueB)), http.StatusNotFound,
		[]string{"Page introuvable"}, []string{testkit.NomBeneficiaireB})
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), "/espace/seances/inconnue0000000"), http.StatusNotFound, nil, nil)

	rec := s.get(page)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion?suite=") {
		t.Errorf("anonymous: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	// a cancelled session shows its reason and no edit link
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"statut": "annulee", "motif_annulation": "Salle inondée"})
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), page), http.StatusOK,
		[]string{"Annulée", "Salle inondée", "Cette séance est annulée : on ne peut plus y inscrire personne."},
		[]string{page + "/modifier", `name="beneficiaire"`})
}

// Référents and coordinateurs read no person: every people page and action
// answers the 403 page and changes nothing.
func TestPeopleActionsAreForConseillersOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	page := espaceSeance(testkit.SeancePubliqueA)
	inscription := testkit.ID(testkit.InscriptionA)
	before := s.count("inscriptions")
	for _, name := range []string{testkit.ReferentA, testkit.Coordinateur} {
		cookie := s.signIn(name)
		for _, path := range []string{page + "/presences", page + "/participants.csv", page + "/presences?q=Fixturenom"} {
			expectBody(t, s.getAs(cookie, path), http.StatusForbidden, []string{"Action refusée"}, []string{testkit.NomBeneficiaireA})
		}
		for path, form := range map[string]url.Values{
			page + "/inscriptions":                                {"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}},
			page + "/inscriptions/nouvelle":                       {"prenom": {"Léa"}, "nom": {"Nouvelle"}, "consentement": {"2026-11"}},
			page + "/inscriptions/" + inscription + "/annuler":    {},
			page + "/inscriptions/" + inscription + "/promouvoir": {},
			page + "/presences":                                   {"presence_" + inscription: {"present"}, "participants_anonymes": {"4"}},
			page + "/presences/ajout":                             {"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}},
			page + "/presences/nouvelle":                          {"prenom": {"Léa"}, "nom": {"Nouvelle"}, "consentement": {"2026-11"}},
			page + "/cloturer":                                    {},
		} {
			expectBody(t, s.postAs(cookie, path, form), http.StatusForbidden, []string{"Action refusée"}, nil)
		}
	}
	if s.count("inscriptions") != before || mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut") != "inscrit" {
		t.Error("a refused action changed registrations")
	}
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	if seance.GetString("statut") != "planifiee" || seance.GetInt("participants_anonymes") != 0 {
		t.Errorf("a refused action changed the session: %s, %d", seance.GetString("statut"), seance.GetInt("participants_anonymes"))
	}
}

func TestConseillerAddsAKnownPerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	// the search finds people of the session's structure only, and says who is registered
	expectBody(t, s.getAs(cookie, page+"?q=fixturenom"), http.StatusOK,
		[]string{"Fixturenom-Alpha-Deux", `value="` + testkit.ID(testkit.BeneficiaireA2) + `"`, "Déjà inscrite"},
		[]string{testkit.NomBeneficiaireB})
	expectBody(t, s.getAs(cookie, page+"?q=06+12+34+56+79"), http.StatusOK, []string{"Fixturenom-Alpha-Deux"}, nil)
	expectBody(t, s.getAs(cookie, page+"?q=Personne+Inconnue"), http.StatusOK, []string{"Personne ne correspond à « Personne Inconnue »"}, nil)

	rec := s.postAs(cookie, page+"/inscriptions", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}})
	expectRedirect(t, rec, page)
	if flash := followFlash(rec); flash != "Camille Fixturenom-Alpha-Deux : inscription confirmée." {
		t.Errorf("flash %q", flash)
	}
	r := registrationOf(t, s.app, testkit.SeancePubliqueA, testkit.ID(testkit.BeneficiaireA2))
	if r == nil || r.GetString("statut") != "inscrit" || r.GetString("source") != "conseiller" || len(r.GetString("jeton")) != 43 {
		t.Fatalf("registration: %v", r)
	}
	if mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA2).GetDateTime("derniere_activite").IsZero() {
		t.Error("last activity not recorded")
	}
	// twice: refused, clearly
	before := s.count("inscriptions")
	expectBody(t, s.postAs(cookie, page+"/inscriptions", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}}),
		http.StatusConflict, []string{"Rien n'a été enregistré", "Cette personne (Camille Fixturenom-Alpha-Deux) est déjà inscrite à cette séance."}, nil)
	if s.count("inscriptions") != before {
		t.Error("a second registration was created")
	}
	// a cancelled registration is given back, with a new personal link
	old := r.GetString("jeton")
	r.Set("statut", "annule")
	if err := s.app.Save(r); err != nil {
		t.Fatal(err)
	}
	s.postAs(cookie, page+"/inscriptions", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}})
	if r = reload(t, s.app, r); r.GetString("statut") != "inscrit" || r.GetString("jeton") == old || s.count("inscriptions") != before {
		t.Errorf("registration not restored: %s", r.GetString("statut"))
	}
}

func TestConseillerRegistersANewPersonOnThePhone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	path := espaceSeance(testkit.SeancePubliqueA) + "/inscriptions/nouvelle"
	people, registrations := s.count("beneficiaires"), s.count("inscriptions")

	rec := s.postAs(cookie, path, url.Values{"prenom": {"Odette"}, "nom": {""}, "telephone": {"06 12"},
		"email": {"odette@"}, "annee_naissance": {"52"}, "inscrit_par": {"Sa fille Nadia"}})
	expectBody(t, rec, http.StatusUnprocessableEntity,
		[]string{"Rien n'a été enregistré", "Indiquez le nom de famille.", "10 chiffres", "Indiquez l&#39;année de naissance",
			"Cochez la case une fois que la personne a donné son accord", `value="Odette"`, `value="06 12"`, `value="Sa fille Nadia"`,
			`<details class="bloc" open>`, `aria-invalid="true"`},
		nil)
	if s.count("beneficiaires") != people || s.count("inscriptions") != registrations {
		t.Fatal("bad input changed something")
	}

	sent := s.app.TestMailer.TotalSend()
	rec = s.postAs(cookie, path, url.Values{"prenom": {"odette"}, "nom": {"MARTIN"}, "telephone": {"06 98 76 54 32"},
		"email": {"odette.martin@example.org"}, "annee_naissance": {"1948"}, "genre": {"feminin"}, "code_postal": {"86000"},
		"consentement": {"2026-11"}, "inscrit_par": {"Sa fille Nadia"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("status %d\n%s", rec.Code, rec.Body.String())
	}
	if flash := followFlash(rec); !strings.Contains(flash, "inscription confirmée") || !strings.Contains(flash, "Un e-mail lui a été envoyé") {
		t.Errorf("flash %q", flash)
	}
	person, err := s.app.FindFirstRecordByData("beneficiaires", "email", "odette.martin@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if person.GetString("structure") != testkit.ID(testkit.StructureA) || person.GetString("telephone") != "+33698765432" ||
		person.GetString("consentement_version") != "2026-11" || person.GetDateTime("consentement_le").IsZero() ||
		person.GetInt("annee_naissance") != 1948 {
		t.Errorf("person saved as %v", person.FieldsData())
	}
	r := registrationOf(t, s.app, testkit.SeancePubliqueA, person.Id)
	if r == nil || r.GetString("statut") != "inscrit" || r.GetString("source") != "conseiller" || r.GetString("inscrit_par") != "Sa fille Nadia" {
		t.Fatalf("registration: %v", r)
	}
	if s.app.TestMailer.TotalSend() != sent+1 || s.app.TestMailer.LastMessage().To[0].Address != "odette.martin@example.org" ||
		!strings.Contains(s.app.TestMailer.LastMessage().Subject, "Inscription confirmée") {
		t.Errorf("confirmation e-mail not sent: %+v", s.app.TestMailer.LastMessage())
	}
	expectBody(t, s.getAs(cookie, espaceSeance(testkit.SeancePubliqueA)), http.StatusOK,
		[]string{"Inscrits (2)", "MARTIN odette", "Conseiller", "Sa fille Nadia"}, nil)
}

func TestFullSessionWaitingListAndPromotion(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, page), http.StatusOK, []string{"La séance est complète : la personne ajoutée ira sur la liste d'attente."}, nil)

	rec := s.postAs(cookie, page+"/inscriptions", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}})
	if flash := followFlash(rec); flash != "La séance est complète : Camille Fixturenom-Alpha-Deux est sur la liste d'attente (rang 1)." {
		t.Errorf("flash %q", flash)
	}
	rec = s.postAs(cookie, page+"/inscriptions/nouvelle", url.Values{"prenom": {"Paul"}, "nom": {"Second"},
		"email": {"paul.second@example.org"}, "consentement": {"2026-11"}})
	if flash := followFlash(rec); !strings.Contains(flash, "liste d'attente (rang 2)") {
		t.Errorf("flash %q", flash)
	}
	if msg := s.app.TestMailer.LastMessage(); !strings.Contains(msg.Subject, "Liste d'attente") {
		t.Errorf("waiting-list e-mail: %q", msg.Subject)
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 1, 2)
	expectBody(t, s.getAs(cookie, page), http.StatusOK,
		[]string{"Liste d'attente (2)", "Rang 1", "Rang 2", "Second Paul", "Inscrire (passer de la liste d'attente)",
			"inscrire une personne de la liste d'attente dépassera la capacité (1 place)"}, nil)

	// The conseiller takes Paul (rank 2) in anyway: he is confirmed, A2 moves to rank 1.
	paul, err := s.app.FindFirstRecordByData("beneficiaires", "email", "paul.second@example.org")
	if err != nil {
		t.Fatal(err)
	}
	paulInscription := registrationOf(t, s.app, testkit.SeancePubliqueA, paul.Id)
	rec = s.postAs(cookie, page+"/inscriptions/"+paulInscription.Id+"/promouvoir", url.Values{})
	expectRedirect(t, rec, page)
	if flash := followFlash(rec); !strings.Contains(flash, "Second : inscription confirmée") || !strings.Contains(flash, "2 participants pour 1 place") {
		t.Errorf("flash %q", flash)
	}
	if msg := s.app.TestMailer.LastMessage(); msg.To[0].Address != "paul.second@example.org" || !strings.Contains(msg.Subject, "Une place s'est libérée") {
		t.Errorf("promotion e-mail: %+v", msg)
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 2, 1)
	// promoting someone no longer waiting is refused with a message
	expectBody(t, s.postAs(cookie, page+"/inscriptions/"+paulInscription.Id+"/promouvoir", url.Values{}), http.StatusConflict,
		[]string{"Cette personne n&#39;est plus sur la liste d&#39;attente"}, nil)
}

func TestStaffCancellationGivesThePlaceToTheNextPerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	first := newPerson(t, s.app, testkit.StructureA, "Alice", "Attente", "alice@example.org")
	second := newPerson(t, s.app, testkit.StructureA, "Bob", "Attente", "")
	newInscription(t, s.app, testkit.SeancePubliqueA, first, "liste_attente", 1)
	secondInscription := newInscription(t, s.app, testkit.SeancePubliqueA, second, "liste_attente", 2)
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)

	sent := s.app.TestMailer.TotalSend()
	rec := s.postAs(cookie, page+"/inscriptions/"+testkit.ID(testkit.InscriptionA)+"/annuler", confirmed)
	expectRedirect(t, rec, page)
	if flash := followFlash(rec); !strings.HasPrefix(flash, "Inscription de Camille Fixturenom-Alpha annulée. La place libérée est proposée à la personne suivante de la liste d'attente : Alice Attente, jusqu'au ") ||
		!strings.HasSuffix(flash, " (prévenue par e-mail). Une erreur ? « Rétablir » dans « Inscriptions annulées », plus bas.") {
		t.Errorf("flash %q", flash)
	}
	if mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut") != "annule" {
		t.Error("registration not cancelled")
	}
	if r := registrationOf(t, s.app, testkit.SeancePubliqueA, first.Id); r.GetString("statut") != "inscrit" {
		t.Errorf("next person not promoted: %s", r.GetString("statut"))
	}
	if r := reload(t, s.app, secondInscription); waitingPosition(t, s.app, r) != 1 {
		t.Errorf("ranks not closed up: %d", waitingPosition(t, s.app, r))
	}
	if s.app.TestMailer.TotalSend() != sent+1 || s.app.TestMailer.LastMessage().To[0].Address != "alice@example.org" ||
		!strings.Contains(s.app.TestMailer.LastMessage().Subject, "Une place s'est libérée") {
		t.Errorf("promotion e-mail: %+v", s.app.TestMailer.LastMessage())
	}
	envoi, err := s.app.FindFirstRecordByData("envois", "destinataire", "alice@example.org")
	if err != nil || envoi.GetString("evenement") != "offre_place" {
		t.Errorf("offer not recorded in envois: %v", err)
	}
	// a waiting person cancelled by staff: nobody promoted, nothing sent
	rec = s.postAs(cookie, page+"/inscriptions/"+secondInscription.Id+"/annuler", confirmed)
	if rec.Code != http.StatusSeeOther || s.app.TestMailer.TotalSend() != sent+1 {
		t.Errorf("cancel waiting person: %d, %d e-mails", rec.Code, s.app.TestMailer.TotalSend()-sent)
	}
	expectBody(t, s.postAs(cookie, page+"/inscriptions/"+secondInscription.Id+"/annuler", confirmed), http.StatusConflict,
		[]string{"Cette inscription est déjà annulée."}, nil)
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 1, 0)
}

// Ids of another session or structure, in the URL or in a form field, are
// refused and change nothing.
func TestOtherSessionsAndStructuresAreOutOfReach(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	page := espaceSeance(testkit.SeancePubliqueA)
	cookie := s.signIn(testkit.ConseillerA)
	// a registration of another session of the same structure
	other := newPerson(t, s.app, testkit.StructureA, "Zoé", "Ailleurs", "")
	otherInscription := newInscription(t, s.app, testkit.SeancePriveeA, other, "liste_attente", 1)
	before := s.count("inscriptions")
	unchanged := func(step string) {
		t.Helper()
		if s.count("inscriptions") != before {
			t.Errorf("%s: registrations added", step)
		}
		if r := reload(t, s.app, otherInscription); r.GetString("statut") != "liste_attente" || r.GetInt("rang_attente") != 1 {
			t.Errorf("%s: the other session's registration changed", step)
		}
		if r := mustFind(t, s.app, "inscriptions", testkit.InscriptionB); r.GetString("statut") != "inscrit" {
			t.Errorf("%s: structure B's registration changed", step)
		}
	}
	for _, id := range []string{otherInscription.Id, testkit.ID(testkit.InscriptionB)} {
		for _, action := range []string{"promouvoir", "annuler"} {
			expectBody(t, s.postAs(cookie, page+"/inscriptions/"+id+"/"+action, url.Values{}), http.StatusNotFound, []string{"Page introuvable"}, nil)
			unchanged(action + " " + id)
		}
	}
	// a beneficiary of B, by form field, on A's session
	for _, path := range []string{page + "/inscriptions", page + "/presences/ajout"} {
		expectBody(t, s.postAs(cookie, path, url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireB)}}), http.StatusNotFound, nil,
			[]string{testkit.NomBeneficiaireB})
		unchanged(path)
	}
	// registrations of other sessions posted on the attendance sheet are ignored
	rec := s.postAs(cookie, page+"/presences", url.Values{"presence_" + otherInscription.Id: {"present"},
		"presence_" + testkit.ID(testkit.InscriptionB): {"absent"}, "participants_anonymes": {"0"}})
	if rec.Code != http.StatusSeeOther {
		t.Errorf("sheet: status %d", rec.Code)
	}
	unchanged("attendance sheet")
	// conseiller B on A's session: 404 for every page and action
	cookieB := s.signIn(testkit.ConseillerB)
	for _, path := range []string{page, page + "/presences", page + "/participants.csv"} {
		expectBody(t, s.getAs(cookieB, path), http.StatusNotFound, nil, []string{testkit.NomBeneficiaireA})
	}
	for _, path := range []string{page + "/inscriptions", page + "/presences/ajout", page + "/cloturer",
		page + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/annuler"} {
		expectBody(t, s.postAs(cookieB, path, url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireB)}}), http.StatusNotFound, nil, nil)
	}
	unchanged("conseiller B")
	if mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut") != "inscrit" ||
		mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetString("statut") != "planifiee" {
		t.Error("conseiller B changed A's session")
	}
	// and conseiller A on B's registration through B's session
	expectBody(t, s.postAs(cookie, espaceSeance(testkit.SeancePubliqueB)+"/inscriptions/"+testkit.ID(testkit.InscriptionB)+"/annuler",
		url.Values{}), http.StatusNotFound, nil, nil)
	unchanged("B's session")
}

func TestAttendanceSheet(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	sheet := espaceSeance(testkit.SeancePubliqueA) + "/presences"
	inscription := testkit.ID(testkit.InscriptionA)
	waiting := newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Wanda", "Enattente", ""), "liste_attente", 1)

	// before the start: a clear message, no sheet, nothing saved
	expectBody(t, s.getAs(cookie, sheet), http.StatusOK, []string{"La séance n&#39;a pas encore commencé : la feuille de présence s&#39;ouvre à son début"},
		[]string{"Enregistrer les présences"})
	expectBody(t, s.postAs(cookie, sheet, url.Values{"presence_" + inscription: {"present"}}), http.StatusUnprocessableEntity,
		[]string{"La séance n&#39;a pas encore commencé"}, nil)
	if mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut") != "inscrit" {
		t.Fatal("attendance saved before the start")
	}

	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, sheet), http.StatusOK,
		[]string{"Feuille de présence", testkit.NomBeneficiaireA, `name="presence_` + inscription + `" value="present"`,
			`value="absent"`, "Présent", "Absent", `class="champ boutons"`, "Enregistrer les présences", `name="participants_anonymes"`,
			"1 personne est sur la liste d'attente", "Clore la séance", "1 personne inscrite n&#39;a pas de présence notée"},
		[]string{"Enattente"})

	// once started, not coming is an absence: no cancellation any more
	expectBody(t, s.postAs(cookie, espaceSeance(testkit.SeancePubliqueA)+"/inscriptions/"+inscription+"/annuler", confirmed),
		http.StatusConflict, []string{"La séance a commencé : notez plutôt la personne absente sur la feuille de présence."}, nil)
	expectBody(t, s.getAs(cookie, espaceSeance(testkit.SeancePubliqueA)), http.StatusOK, []string{"La séance a commencé"},
		[]string{"Annuler l'inscription"})

	// bad anonymous count: message next to the field, choices kept, nothing saved
	expectBody(t, s.postAs(cookie, sheet, url.Values{"presence_" + inscription: {"present"}, "participants_anonymes": {"-2"}}),
		http.StatusUnprocessableEntity, []string{"Indiquez un nombre entier de personnes", `value="-2"`,
			`value="present" checked`}, nil)
	expectBody(t, s.postAs(cookie, sheet, url.Values{"presence_" + inscription: {"peut-etre"}}),
		http.StatusUnprocessableEntity, []string{"Choisissez « Présent » ou « Absent »."}, nil)
	if mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut") != "inscrit" ||
		mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetInt("participants_anonymes") != 0 {
		t.Fatal("bad input saved something")
	}

	// present + 3 anonymous walk-ins; the waiting person posted by hand stays waiting
	rec := s.postAs(cookie, sheet, url.Values{"presence_" + inscription: {"present"}, "participants_anonymes": {"3"},
		"presence_" + waiting.Id: {"present"}})
	expectRedirect(t, rec, sheet)
	if followFlash(rec) != "Présences enregistrées." {
		t.Errorf("flash %q", followFlash(rec))
	}
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "present" {
		t.Errorf("statut %s", got)
	}
	if got := mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetInt("participants_anonymes"); got != 3 {
		t.Errorf("anonymous %d", got)
	}
	if reload(t, s.app, waiting).GetString("statut") != "liste_attente" {
		t.Error("a waiting person was changed from the sheet")
	}
	if mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA).GetDateTime("derniere_activite").IsZero() {
		t.Error("last activity not recorded")
	}
	expectBody(t, s.getAs(cookie, sheet), http.StatusOK, []string{`value="present" checked`, `value="3"`}, nil)
	// corrected to absent
	s.postAs(cookie, sheet, url.Values{"presence_" + inscription: {"absent"}, "participants_anonymes": {"3"}})
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "absent" {
		t.Errorf("statut after correction %s", got)
	}
	expectBody(t, s.getAs(cookie, espaceSeance(testkit.SeancePubliqueA)), http.StatusOK,
		[]string{`<span class="valeur">1</span> <span class="libelle">absent</span>`,
			`<span class="valeur">3</span> <span class="libelle">participants anonymes</span>`}, nil)
}

// Ticking everyone and pressing the close button saves the ticks first:
// nobody present is recorded absent.
func TestClosingFromTheSheetKeepsWhatIsTicked(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	sheet := espaceSeance(testkit.SeancePubliqueA) + "/presences"
	other := newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Oscar", "Autre", ""), "inscrit", 0)
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, sheet), http.StatusOK, []string{`name="action" value="clore"`, "Enregistrer et clore la séance",
		`name="action" value="tous_presents"`}, []string{`action="/espace/seances/` + testkit.ID(testkit.SeancePubliqueA) + `/cloturer"`})
	rec := s.postAs(cookie, sheet, url.Values{"presence_" + testkit.ID(testkit.InscriptionA): {"present"},
		"presence_" + other.Id: {"absent"}, "action": {"clore"}})
	expectRedirect(t, rec, espaceSeance(testkit.SeancePubliqueA))
	if flash := followFlash(rec); flash != "Présences enregistrées. Séance close : elle compte comme réalisée." {
		t.Errorf("flash %q", flash)
	}
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "present" {
		t.Errorf("ticked present, recorded %s", got)
	}
	if got := reload(t, s.app, other).GetString("statut"); got != "absent" {
		t.Errorf("ticked absent, recorded %s", got)
	}
	if got := mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetString("statut"); got != "realisee" {
		t.Errorf("session %s", got)
	}
	// Closed, the sheet is still correctable, without a close button.
	expectBody(t, s.getAs(cookie, sheet), http.StatusOK, []string{"Vous pouvez encore corriger"}, []string{`value="clore"`})
}

func TestEveryonePresentInOneTap(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	sheet := espaceSeance(testkit.SeancePubliqueA) + "/presences"
	other := newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Oscar", "Autre", ""), "inscrit", 0)
	waiting := newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Wanda", "Enattente", ""), "liste_attente", 1)
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	rec := s.postAs(cookie, sheet, url.Values{"action": {"tous_presents"}, "participants_anonymes": {"2"}})
	expectRedirect(t, rec, sheet)
	if flash := followFlash(rec); flash != "Tout le monde est noté présent." {
		t.Errorf("flash %q", flash)
	}
	for _, r := range []*core.Record{mustFind(t, s.app, "inscriptions", testkit.InscriptionA), reload(t, s.app, other)} {
		if got := reload(t, s.app, r).GetString("statut"); got != "present" {
			t.Errorf("%s is %s", r.Id, got)
		}
	}
	if reload(t, s.app, waiting).GetString("statut") != "liste_attente" {
		t.Error("the waiting list is not on the sheet")
	}
	if got := mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetInt("participants_anonymes"); got != 2 {
		t.Errorf("anonymous %d", got)
	}
}

func TestWalkIns(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	cookie := s.signIn(testkit.ConseillerA)
	sheet := espaceSeance(testkit.SeancePubliqueA) + "/presences"
	waitingPerson := newPerson(t, s.app, testkit.StructureA, "Wanda", "Enattente", "")
	waiting := newInscription(t, s.app, testkit.SeancePubliqueA, waitingPerson, "liste_attente", 1)
	behind := newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Xavier", "Derriere", ""), "liste_attente", 2)

	expectBody(t, s.getAs(cookie, sheet+"?q=Fixturenom"), http.StatusOK,
		[]string{"Déjà sur la feuille (Inscrit)", "Ajouter comme présent", `value="` + testkit.ID(testkit.BeneficiaireA2) + `"`}, nil)

	// a known person who never registered: present, registered on the spot, over capacity
	sent := s.app.TestMailer.TotalSend()
	rec := s.postAs(cookie, sheet+"/ajout", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}})
	expectRedirect(t, rec, sheet)
	if flash := followFlash(rec); flash != "Camille Fixturenom-Alpha-Deux : présence notée." {
		t.Errorf("flash %q", flash)
	}
	r := registrationOf(t, s.app, testkit.SeancePubliqueA, testkit.ID(testkit.BeneficiaireA2))
	if r == nil || r.GetString("statut") != "present" || r.GetString("source") != "sur_place" {
		t.Fatalf("walk-in: %v", r)
	}
	if mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA2).GetDateTime("derniere_activite").IsZero() {
		t.Error("last activity not recorded")
	}
	expectBody(t, s.postAs(cookie, sheet+"/ajout", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}}),
		http.StatusConflict, []string{"est déjà notée présente"}, nil)

	// a waiting person who came: present, keeps their source, the list closes up
	s.postAs(cookie, sheet+"/ajout", url.Values{"beneficiaire": {waitingPerson.Id}})
	if w := reload(t, s.app, waiting); w.GetString("statut") != "present" || w.GetInt("rang_attente") != 0 || w.GetString("source") != "public" {
		t.Errorf("waiting walk-in: %s rank %d source %s", w.GetString("statut"), w.GetInt("rang_attente"), w.GetString("source"))
	}
	if b := reload(t, s.app, behind); waitingPosition(t, s.app, b) != 1 || b.GetString("statut") != "liste_attente" {
		t.Errorf("rank behind: %d %s", waitingPosition(t, s.app, b), b.GetString("statut"))
	}

	// a new person: bad input first, then marked present
	people := s.count("beneficiaires")
	expectBody(t, s.postAs(cookie, sheet+"/nouvelle", url.Values{"prenom": {"Gaston"}, "telephone": {"12"}}),
		http.StatusUnprocessableEntity, []string{"Indiquez le nom de famille.", `value="Gaston"`, "Cochez la case", `<details class="bloc" open>`}, nil)
	if s.count("beneficiaires") != people {
		t.Fatal("bad input created a person")
	}
	rec = s.postAs(cookie, sheet+"/nouvelle", url.Values{"prenom": {"Gaston"}, "nom": {"Surplace"}, "email": {"gaston@example.org"},
		"consentement": {"2026-11"}})
	if flash := followFlash(rec); flash != "Gaston Surplace : présence notée." {
		t.Errorf("flash %q (%d)", flash, rec.Code)
	}
	gaston, err := s.app.FindFirstRecordByData("beneficiaires", "email", "gaston@example.org")
	if err != nil {
		t.Fatal(err)
	}
	if r := registrationOf(t, s.app, testkit.SeancePubliqueA, gaston.Id); r == nil || r.GetString("statut") != "present" || r.GetString("source") != "sur_place" {
		t.Errorf("new walk-in: %v", r)
	}
	if s.app.TestMailer.TotalSend() != sent {
		t.Error("a walk-in was sent an e-mail")
	}
	expectBody(t, s.getAs(cookie, sheet), http.StatusOK, []string{"Surplace Gaston", "Fixturenom-Alpha-Deux Camille", "Enattente Wanda"}, nil)
}

func TestClosingTheSession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	present := newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Paule", "Presente", ""), "present", 0)

	expectBody(t, s.postAs(cookie, page+"/cloturer", url.Values{}), http.StatusConflict,
		[]string{"La séance n&#39;a pas encore commencé : vous pourrez la clore à partir du"}, nil)
	if mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetString("statut") != "planifiee" {
		t.Fatal("closed before the start")
	}

	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, page), http.StatusOK, []string{"Clore la séance (réalisée)",
		"1 personne inscrite n&#39;a pas de présence notée : elle sera notée absente."}, nil)
	rec := s.postAs(cookie, page+"/cloturer", url.Values{})
	expectRedirect(t, rec, page)
	if flash := followFlash(rec); flash != "Séance close : elle compte comme réalisée. 1 personne sans présence notée est notée absente." {
		t.Errorf("flash %q", flash)
	}
	if got := mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetString("statut"); got != "realisee" {
		t.Errorf("statut %s", got)
	}
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "absent" {
		t.Errorf("registered person is %s", got)
	}
	if reload(t, s.app, present).GetString("statut") != "present" {
		t.Error("a present person changed")
	}
	expectBody(t, s.postAs(cookie, page+"/cloturer", url.Values{}), http.StatusConflict, []string{"Cette séance est déjà close."}, nil)
	// a closed session can still be corrected
	expectBody(t, s.getAs(cookie, page+"/presences"), http.StatusOK, []string{"La séance est close. Vous pouvez encore corriger les présences."},
		[]string{"Clore la séance (réalisée)"})
	s.postAs(cookie, page+"/presences", url.Values{"presence_" + testkit.ID(testkit.InscriptionA): {"present"}})
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "present" {
		t.Errorf("correction after closing: %s", got)
	}

	// a cancelled session cannot be closed
	startedAnHourAgo(t, s.app, testkit.SeancePriveeA)
	setFields(t, s.app, "seances", testkit.SeancePriveeA, map[string]any{"statut": "annulee"})
	expectBody(t, s.postAs(cookie, espaceSeance(testkit.SeancePriveeA)+"/cloturer", url.Values{}), http.StatusConflict,
		[]string{"Cette séance est annulée : elle ne peut pas être close."}, nil)
	expectBody(t, s.getAs(cookie, espaceSeance(testkit.SeancePriveeA)+"/presences"), http.StatusOK,
		[]string{"Cette séance est annulée : il n&#39;y a pas de présence à noter."}, []string{"Enregistrer les présences"})
}

func TestParticipantsCSV(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	path := espaceSeance(testkit.SeancePubliqueA) + "/participants.csv"
	waiting := newPerson(t, s.app, testkit.StructureA, "Wanda", "=Enattente", "wanda@example.org")
	newInscription(t, s.app, testkit.SeancePubliqueA, waiting, "liste_attente", 1)
	cancelled := newPerson(t, s.app, testkit.StructureA, "Annie", "Annulee", "")
	newInscription(t, s.app, testkit.SeancePubliqueA, cancelled, "annule", 0)

	rec := s.getAs(s.signIn(testkit.ConseillerA), path)
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	h := rec.Header()
	if h.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(h.Get("Cache-Control"), "no-store") ||
		!strings.HasPrefix(h.Get("Content-Disposition"), `attachment; filename="participants-atelier-propre-a-alpha-`) ||
		!strings.HasSuffix(h.Get("Content-Disposition"), `.csv"`) {
		t.Errorf("headers %v", h)
	}
	body := rec.Body.String()
	if !strings.HasPrefix(body, "\uFEFF") {
		t.Error("no byte order mark")
	}
	lines := strings.Split(strings.TrimSuffix(strings.TrimPrefix(body, "\uFEFF"), "\r\n"), "\r\n")
	want := []string{
		"Nom;Prénom;Téléphone;E-mail;Statut;Rang d'attente;Source;Inscrit par;Inscrit le",
		testkit.NomBeneficiaireA + ";Camille;06 12 34 56 78;;Inscrit;;Page publique;;",
		"'=Enattente;Wanda;;wanda@example.org;Liste d'attente;1;Page publique;;",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), body)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d = %q, want prefix %q", i, lines[i], w)
		}
	}
	if strings.Contains(body, "Annulee") || strings.Contains(body, testkit.SecretJeton) {
		t.Error("cancelled registration or token exported")
	}
	if !regexpDate.MatchString(lines[1]) {
		t.Errorf("no registration date in %q", lines[1])
	}
	expectBody(t, s.getAs(s.signIn(testkit.ReferentA), path), http.StatusForbidden, nil, []string{testkit.NomBeneficiaireA})
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), path), http.StatusNotFound, nil, []string{testkit.NomBeneficiaireA})
}

// Every form of the page refuses a request from another site.
func TestSessionFormsRefuseCrossSitePosts(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	before := s.count("inscriptions")
	for path, form := range map[string]url.Values{
		page + "/inscriptions":    {"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}},
		page + "/presences":       {"presence_" + testkit.ID(testkit.InscriptionA): {"present"}, "participants_anonymes": {"9"}},
		page + "/cloturer":        {},
		page + "/presences/ajout": {"beneficiaire": {testkit.ID(testkit.BeneficiaireA2)}},
		page + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/annuler": {},
	} {
		rec := s.do(http.MethodPost, path, form, map[string]string{"Cookie": cookie, "Origin": "https://evil.example"})
		expectBody(t, rec, http.StatusForbidden, []string{"Action refusée"}, nil)
	}
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	if s.count("inscriptions") != before || mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut") != "inscrit" ||
		seance.GetString("statut") != "planifiee" || seance.GetInt("participants_anonymes") != 0 {
		t.Error("a cross-site post changed something")
	}
}

var regexpDate = regexp.MustCompile(`;\d{2}/\d{2}/\d{4} \d{2}:\d{2}$`)

func TestStaffCancellationAsksFirstAndCanBeRestored(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	cancel := page + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/annuler"

	// One tap asks, naming the person; nothing changes.
	expectBody(t, s.postAs(cookie, cancel, url.Values{}), http.StatusOK,
		[]string{"Annuler l'inscription de Fixturenom-Alpha Camille ?", `name="confirme"`, "Non, revenir à la séance"}, nil)
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "inscrit" {
		t.Fatalf("cancelled in one tap: %s", got)
	}
	// Confirmed: cancelled, and restorable while the place is free.
	rec := s.postAs(cookie, cancel, confirmed)
	if flash := followFlash(rec); !strings.Contains(flash, "« Rétablir »") {
		t.Errorf("flash %q", flash)
	}
	restore := page + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/retablir"
	expectBody(t, s.getAs(cookie, page), http.StatusOK, []string{"Inscriptions annulées (1)", `action="` + restore + `"`}, nil)
	expectRedirect(t, s.postAs(cookie, restore, url.Values{}), page)
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA); got.GetString("statut") != "inscrit" || got.GetString("jeton") != testkit.SecretJeton {
		t.Errorf("restored as %s, link kept: %v", got.GetString("statut"), got.GetString("jeton") == testkit.SecretJeton)
	}
	// Cancelled again, the place goes to a waiting person: restored, the
	// person waits, and the page says why.
	s.postAs(cookie, cancel, confirmed)
	other := newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Olga", "Arrivee", ""), "inscrit", 0)
	rec = s.postAs(cookie, restore, url.Values{})
	if flash := followFlash(rec); !strings.Contains(flash, "rétablie sur la liste d'attente (rang 1)") || !strings.Contains(flash, "avait été donnée") {
		t.Errorf("flash %q", flash)
	}
	if reload(t, s.app, other).GetString("statut") != "inscrit" {
		t.Error("restoring took someone's place")
	}
	// Not cancelled, or another structure's: refused or not found.
	expectBody(t, s.postAs(cookie, restore, url.Values{}), http.StatusConflict, []string{"Cette inscription n&#39;est pas annulée."}, nil)
	if rec := s.postAs(s.signIn(testkit.ConseillerB), restore, url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("another structure: %d", rec.Code)
	}
	if rec := s.postAs(cookie, page+"/inscriptions/"+testkit.ID(testkit.InscriptionB)+"/annuler", url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("another session's registration: %d", rec.Code)
	}
}

// Every form of the session and attendance pages has its own accessible
// name (screen readers list forms as landmarks).
func TestSessionPagesNameEveryForm(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Wanda", "Enattente", ""), "liste_attente", 1)
	newInscription(t, s.app, testkit.SeancePubliqueA, newPerson(t, s.app, testkit.StructureA, "Anna", "Annulee", ""), "annule", 0)
	form := regexp.MustCompile(`<form[^>]*>`)
	named := regexp.MustCompile(`aria-label(ledby)?="[^"]+"`)
	check := func(path string) {
		t.Helper()
		body := s.getAs(cookie, path).Body.String()
		forms := form.FindAllString(body, -1)
		if len(forms) < 3 {
			t.Fatalf("%s: %d forms", path, len(forms))
		}
		seen := map[string]bool{}
		for _, f := range forms {
			name := named.FindString(f)
			if name == "" || (seen[name] && !strings.Contains(name, "ledby")) {
				t.Errorf("%s: form without its own name: %s", path, f)
			}
			seen[name] = true
		}
	}
	check(espaceSeance(testkit.SeancePubliqueA) + "?q=Fixturenom")
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	check(espaceSeance(testkit.SeancePubliqueA) + "/presences?q=Fixturenom")
}

// The cancel confirmation and « Rétablir », by kind of visitor: only the
// structure's conseiller reaches them; nobody else changes anything.
func TestCancelAndRestoreAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	page := espaceSeance(testkit.SeancePubliqueA)
	cancel := page + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/annuler"
	restore := page + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/retablir"
	for _, c := range []struct {
		who    string
		cookie string
		status int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusNotFound},
		{"référent", s.signIn(testkit.ReferentA), http.StatusForbidden},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
	} {
		for _, path := range []string{cancel, restore} {
			for _, form := range []url.Values{{}, confirmed} {
				if rec := s.postAs(c.cookie, path, form); rec.Code != c.status || strings.Contains(rec.Body.String(), testkit.NomBeneficiaireA) {
					t.Errorf("%s: POST %s %v: %d, want %d", c.who, path, form, rec.Code, c.status)
				}
			}
		}
	}
	if got := mustFind(t, s.app, "inscriptions", testkit.InscriptionA).GetString("statut"); got != "inscrit" {
		t.Errorf("a refused visitor changed the registration: %s", got)
	}
	// The structure's conseiller: asked, then cancelled, then restored.
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.postAs(cookie, cancel, url.Values{}), http.StatusOK, []string{testkit.NomBeneficiaireA}, nil)
	expectRedirect(t, s.postAs(cookie, cancel, confirmed), page)
	expectRedirect(t, s.postAs(cookie, restore, url.Values{}), page)
}
