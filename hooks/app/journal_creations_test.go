package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/testkit"
)

// Every path that creates a person writes one « creation » entry with its
// author, in the same transaction: the session page, the attendance sheet
// and the public form (a person alone or a household), which has no staff
// author and is named « Formulaire public ».

// creationOf is the one creation entry of the person named by their e-mail.
func creationOf(t *testing.T, app core.App, email string) *core.Record {
	t.Helper()
	person, err := app.FindFirstRecordByData("beneficiaires", "email", email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	entries, err := app.FindRecordsByFilter("journal", "beneficiaire = {:id} && action = 'creation'", "", 0, 0,
		dbx.Params{"id": person.Id})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Fatalf("%s: %d creation entries, want 1", email, len(entries))
	}
	if got := entries[0].GetString("structure"); got != person.GetString("structure") {
		t.Errorf("%s: structure %q, want %q", email, got, person.GetString("structure"))
	}
	return entries[0]
}

func expectAuthor(t *testing.T, entry *core.Record, auteur, auteurNom, details string) {
	t.Helper()
	if entry.GetString("auteur") != auteur || entry.GetString("auteur_nom") != auteurNom || entry.GetString("details") != details {
		t.Errorf("entry by %q %q, details %q; want %q %q %q", entry.GetString("auteur"), entry.GetString("auteur_nom"),
			entry.GetString("details"), auteur, auteurNom, details)
	}
}

func TestJournalRecordsEveryCreationOfAPerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seance := testkit.ID(testkit.SeancePubliqueA)
	cookie := s.signIn(testkit.ConseillerA)
	me := testkit.ID(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)

	// « Inscrire une nouvelle personne » on the session page.
	rec := s.postAs(cookie, page+"/inscriptions/nouvelle", url.Values{"prenom": {"Odette"}, "nom": {"Martin"},
		"email": {"odette@example.org"}, "consentement": {"2026-11"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("session page: %d\n%s", rec.Code, rec.Body.String())
	}
	expectAuthor(t, creationOf(t, s.app, "odette@example.org"), me, "Prénom conseillera Nom conseillera",
		"Inscrite depuis la page de la séance "+seance)

	// The public form: one person, then a household of two.
	path := seanceURL(testkit.SeancePubliqueA) + "/inscription"
	if rec := s.post(path, person("Rémi", "Seul", "", "remi@example.org")); rec.Code != http.StatusSeeOther && rec.Code != http.StatusOK {
		t.Fatalf("public form: %d\n%s", rec.Code, rec.Body.String())
	}
	expectAuthor(t, creationOf(t, s.app, "remi@example.org"), "", "Formulaire public", "Inscription en ligne à la séance "+seance)
	household := person("Martine", "Dubois", "", "famille.dubois@example.org")
	household["autre_prenom"], household["autre_nom"] = []string{"Gérard"}, []string{"Dubois"}
	expectBody(t, s.post(path, household), http.StatusOK, []string{"Vos inscriptions"}, nil)
	var publicEntries []*core.Record
	err := s.app.RecordQuery("journal").Where(dbx.HashExp{"action": "creation", "auteur_nom": "Formulaire public"}).All(&publicEntries)
	if err != nil || len(publicEntries) != 3 {
		t.Fatalf("public creations: %d %v, want 3", len(publicEntries), err)
	}
	// A person the form recognises is not created again, nor journaled.
	if rec := s.post(path, person("Rémi", "Seul", "", "remi@example.org")); rec.Code >= 400 {
		t.Fatalf("public form again: %d", rec.Code)
	}
	creationOf(t, s.app, "remi@example.org")

	// « Nouvelle personne, présente » on the attendance sheet.
	startedAnHourAgo(t, s.app, testkit.SeancePubliqueA)
	rec = s.postAs(cookie, page+"/presences/nouvelle", url.Values{"prenom": {"Gaston"}, "nom": {"Surplace"},
		"email": {"gaston@example.org"}, "consentement": {"2026-11"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("attendance sheet: %d\n%s", rec.Code, rec.Body.String())
	}
	expectAuthor(t, creationOf(t, s.app, "gaston@example.org"), me, "Prénom conseillera Nom conseillera",
		"Notée présente sur la feuille de présence de la séance "+seance)

	// The coordinateur reads them on the journal page, without names;
	// conseillers and référents do not.
	expectBody(t, s.getAs(s.signIn(testkit.Coordinateur), "/espace/journal?action=creation"), http.StatusOK,
		[]string{"5 lignes", "Formulaire public", "Création de la fiche", "Inscription en ligne à la séance " + seance,
			"Notée présente sur la feuille de présence"}, []string{"Martine", "Dubois", "Gaston", "Odette"})
	for _, name := range []string{testkit.ConseillerA, testkit.ReferentA} {
		expectBody(t, s.getAs(s.signIn(name), "/espace/journal"), http.StatusForbidden, nil, []string{"Formulaire public"})
	}
	if rec := s.get("/espace/journal"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
		t.Errorf("anonymous: %d", rec.Code)
	}
}

// The pages that show a whole record, or hand it out, are journaled too:
// the edit form, the two records compared before a merge, an attestation's
// PDF (it names the person).
func TestJournalRecordsEditFormMergeAndAttestationReads(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t, testkit.ConseillerB)
	cookie := a.cookies[testkit.ConseillerA]
	me := testkit.ID(testkit.ConseillerA)
	last := func(step, want string) {
		t.Helper()
		entries := journalEntries(t, a.app)
		if len(entries) == 0 || entries[len(entries)-1] != want {
			t.Errorf("%s: last entry %q, want %q", step, entries[max(len(entries)-1, 0):], want)
		}
	}
	structureA := testkit.ID(testkit.StructureA)
	expectBody(t, a.getAs(cookie, benefPath(benefA, "/modifier")), http.StatusOK, nil, nil)
	last("edit form", "consultation "+me+" "+structureA+" "+benefA+" Formulaire de modification")

	expectBody(t, a.getAs(cookie, benefPath(benefA, "/fusionner/", benefA2)), http.StatusOK, nil, nil)
	entries := journalEntries(t, a.app)
	if len(entries) < 2 {
		t.Fatalf("merge comparison: %q", entries)
	}
	if got := entries[len(entries)-2:]; got[0] != "consultation "+me+" "+structureA+" "+benefA+" Comparée avant fusion avec la fiche "+benefA2 ||
		got[1] != "consultation "+me+" "+structureA+" "+benefA2+" Comparée avant fusion avec la fiche "+benefA {
		t.Errorf("merge comparison: %q", got)
	}

	r := a.issueForSeance(t)
	before := len(journalEntries(t, a.app))
	pdfOf(t, a.getAs(cookie, "/espace/attestations/"+r.Id+"/pdf"), "attachment")
	last("attestation", "export "+me+" "+structureA+" "+benefA+" Attestation PDF "+r.GetString("code"))
	if n := len(journalEntries(t, a.app)); n != before+1 {
		t.Errorf("%d entries for one download", n-before)
	}
	// Refused: no entry.
	a.getAs(a.cookies[testkit.ConseillerB], "/espace/attestations/"+r.Id+"/pdf")
	a.getAs(a.cookies[testkit.ConseillerB], benefPath(benefA, "/modifier"))
	if n := len(journalEntries(t, a.app)); n != before+1 {
		t.Errorf("refused reads were journaled: %d", n-before-1)
	}
}
