package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The beneficiaries' pages over real HTTP, for each role: search, create
// with duplicate warning, profile with history, edit, merge. Only
// conseillers read people; another structure's ids answer 404; bad input
// and refusals change nothing.

var (
	benefA  = testkit.ID(testkit.BeneficiaireA)
	benefA2 = testkit.ID(testkit.BeneficiaireA2)
	benefB  = testkit.ID(testkit.BeneficiaireB)
)

func benefPath(id string, rest ...string) string {
	return "/espace/beneficiaires/" + id + strings.Join(rest, "")
}

func benefRecord(t testing.TB, app core.App, collection string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(fields)
	if err := app.Save(r); err != nil {
		t.Fatalf("create %s: %v", collection, err)
	}
	return r
}

func benefCount(t testing.TB, app core.App, collection string, where dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(collection, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// benefForm builds a person form; the person's agreement is ticked unless
// the fields say otherwise ("consentement", "").
func benefForm(fields ...string) url.Values {
	v := url.Values{"consentement": {"2026-11"}}
	for i := 0; i+1 < len(fields); i += 2 {
		v.Set(fields[i], fields[i+1])
	}
	return v
}

// beneficiaryState is what a refused or invalid request must leave as it was.
func beneficiaryState(t testing.TB, app core.App) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT count(*) || group_concat(id || nom || telephone || email || fusionne_vers || updated, ',') FROM (SELECT * FROM beneficiaires ORDER BY id)",
		"SELECT count(*) || group_concat(id || beneficiaire || statut || rang_attente, ',') FROM (SELECT * FROM inscriptions ORDER BY id)",
		"SELECT count(*) || group_concat(id || beneficiaire, ',') FROM (SELECT * FROM accompagnements ORDER BY id)",
		"SELECT count(*) || group_concat(id || beneficiaire, ',') FROM (SELECT * FROM attestations ORDER BY id)",
	} {
		var s string
		if err := app.DB().NewQuery(q).Row(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

func TestBeneficiaryPagesByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	pages := []struct {
		path string
		want []string
	}{
		{"/espace/beneficiaires", []string{"<h1>Bénéficiaires</h1>", "Ajouter une personne", testkit.NomBeneficiaireA,
			"06 12 34 56 78", `href="/espace/beneficiaires/` + benefA + `"`}},
		{"/espace/beneficiaires/nouveau", []string{"Ajouter une personne", `name="prenom"`, `name="telephone"`}},
		{benefPath(benefA), []string{"<h1>Camille " + testkit.NomBeneficiaireA + "</h1>", "Fusionner avec un doublon"}},
		{benefPath(benefA, "/modifier"), []string{"Modifier la fiche de Camille", `value="` + testkit.NomBeneficiaireA + `"`}},
		{benefPath(benefA, "/fusionner"), []string{"Doublons probables", `name="q"`}},
		{benefPath(benefA, "/fusionner/", benefA2), []string{"Fusionner deux fiches", "Fixturenom-Alpha-Deux", `name="garder"`}},
	}
	conseillerA, conseillerB := s.signIn(testkit.ConseillerA), s.signIn(testkit.ConseillerB)
	referent, coordinateur := s.signIn(testkit.ReferentA), s.signIn(testkit.Coordinateur)
	for _, p := range pages {
		expectBody(t, s.getAs(conseillerA, p.path), http.StatusOK, p.want, []string{testkit.NomBeneficiaireB})
		if strings.Contains(p.path, benefA) {
			expectBody(t, s.getAs(conseillerB, p.path), http.StatusNotFound, []string{"Page introuvable"}, []string{testkit.NomBeneficiaireA})
		} else {
			expectBody(t, s.getAs(conseillerB, p.path), http.StatusOK, nil, []string{testkit.NomBeneficiaireA})
		}
		for _, cookie := range []string{referent, coordinateur} {
			expectBody(t, s.getAs(cookie, p.path), http.StatusForbidden, []string{"Action refusée"},
				[]string{testkit.NomBeneficiaireA, testkit.NomBeneficiaireB, "06 12 34"})
		}
		if rec := s.get(p.path); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion?suite=") {
			t.Errorf("anonymous %s: %d %q", p.path, rec.Code, rec.Header().Get("Location"))
		}
	}
	// B's own people are B's: conseiller B reads them, A gets a 404.
	expectBody(t, s.getAs(conseillerB, benefPath(benefB)), http.StatusOK, []string{testkit.NomBeneficiaireB}, nil)
	expectBody(t, s.getAs(conseillerA, benefPath(benefB)), http.StatusNotFound, nil, []string{testkit.NomBeneficiaireB})
	expectBody(t, s.getAs(conseillerA, benefPath("inexistant00000")), http.StatusNotFound, nil, nil)
	// the menu shows the section to conseillers only
	expectBody(t, s.getAs(conseillerA, "/espace"), http.StatusOK, []string{`href="/espace/beneficiaires"`}, nil)
	expectBody(t, s.getAs(referent, "/espace"), http.StatusOK, nil, []string{`href="/espace/beneficiaires"`})

	// Writes: référent and coordinateur are refused, anonymous goes to sign-in.
	before := beneficiaryState(t, s.app)
	for _, path := range []string{"/espace/beneficiaires/nouveau", benefPath(benefA, "/modifier"), benefPath(benefA, "/fusionner/", benefA2)} {
		form := benefForm("prenom", "Pirate", "nom", "Pirate", "garder", benefA, "structure", testkit.ID(testkit.StructureA))
		for _, cookie := range []string{referent, coordinateur} {
			expectBody(t, s.postAs(cookie, path, form), http.StatusForbidden, []string{"Action refusée"}, nil)
		}
		if rec := s.post(path, form); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
			t.Errorf("anonymous POST %s: %d", path, rec.Code)
		}
		expectBody(t, s.postAs(conseillerB, path, form), pick(strings.HasSuffix(path, "nouveau"), http.StatusUnprocessableEntity, http.StatusNotFound), nil, nil)
	}
	if after := beneficiaryState(t, s.app); after != before {
		t.Error("refused writes changed data")
	}
}

func TestBeneficiarySearch(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	// by name, any case
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q=fixturenom-alpha"), http.StatusOK,
		[]string{"2 personnes trouvées", testkit.NomBeneficiaireA, "Fixturenom-Alpha-Deux", `value="fixturenom-alpha"`},
		[]string{testkit.NomBeneficiaireB})
	// by phone as people say it, with spaces and the leading 0
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q="+url.QueryEscape("06 12 34 56 78")), http.StatusOK,
		[]string{"1 personne trouvée", testkit.NomBeneficiaireA}, []string{"Fixturenom-Alpha-Deux"})
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q="+url.QueryEscape("06 12 34")), http.StatusOK,
		[]string{"2 personnes trouvées"}, nil)
	// another structure's people are never found
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q=Fixturenom-Beta"), http.StatusOK,
		[]string{"0 personne trouvée", "Personne ne correspond"}, []string{benefPath(benefB)})
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q="+url.QueryEscape("0692 12 34 56")), http.StatusOK,
		[]string{"0 personne trouvée"}, []string{testkit.NomBeneficiaireB})
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), "/espace/beneficiaires?q=Fixturenom"), http.StatusOK,
		[]string{"1 personne trouvée", testkit.NomBeneficiaireB}, []string{testkit.NomBeneficiaireA})
	// markup in the query is shown as text
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q="+url.QueryEscape(`<b>x"`)), http.StatusOK,
		[]string{"&lt;b&gt;x&#34;"}, []string{"<b>x"})
}

// Without a query, the most recently active people come first, 25 a page.
func TestBeneficiaryListIsRecentFirstAndPaginated(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	now := testkit.Now().UTC()
	for i := 0; i < 30; i++ {
		activite, _ := types.ParseDateTime(now.Add(-time.Duration(i+10) * 24 * time.Hour))
		benefRecord(t, s.app, "beneficiaires", map[string]any{"structure": a, "prenom": "Liste",
			"nom": fmt.Sprintf("Personne%02d", i), "derniere_activite": activite})
	}
	recent, _ := types.ParseDateTime(now)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA2, map[string]any{"derniere_activite": recent})
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.getAs(cookie, "/espace/beneficiaires")
	expectBody(t, rec, http.StatusOK, []string{"32 personnes suivies", "Page 1 sur 2", "Page suivante", "Personne00", "Personne23"},
		[]string{"Personne24", "Page précédente", testkit.NomBeneficiaireB})
	body := rec.Body.String()
	if !(strings.Index(body, "Fixturenom-Alpha-Deux") < strings.Index(body, "Personne00") &&
		strings.Index(body, "Personne00") < strings.Index(body, "Personne01")) {
		t.Error("people are not listed by latest activity")
	}
	// BeneficiaireA has no activity: it comes last, on page 2
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?page=2"), http.StatusOK,
		[]string{"Page 2 sur 2", "Page précédente", "Personne24", "Personne29", testkit.NomBeneficiaireA}, []string{"Personne23", "Page suivante"})
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?page=99"), http.StatusOK, []string{"Page 2 sur 2"}, nil)
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?page=x"), http.StatusOK, []string{"Page 1 sur 2"}, nil)
}

func TestBeneficiaryCreate(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	before := beneficiaryState(t, s.app)
	bad := benefForm("prenom", "Jeanne", "nom", "  ", "telephone", "12 34", "email", "jeanne@", "annee_naissance", "54",
		"genre", "autre", "code_postal", "860", "notes", "Vient avec sa fille", "consentement", "")
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/nouveau", bad), http.StatusUnprocessableEntity,
		[]string{"Rien n'a été enregistré", "Indiquez le nom de famille.", "année de naissance en 4 chiffres", "une fois que la personne a donné son accord",
			"Choisissez un genre dans la liste.", `value="Jeanne"`, `value="12 34"`, `value="jeanne@"`, `value="54"`,
			"Vient avec sa fille", `aria-invalid="true"`, "<title>Erreur : "},
		nil)
	// another structure, by form field
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", "Jeanne", "nom", "Martin",
		"structure", testkit.ID(testkit.StructureB))), http.StatusUnprocessableEntity,
		[]string{"Choisissez la structure qui suit cette personne."}, nil)
	// a cross-site form
	rec := s.do(http.MethodPost, "/espace/beneficiaires/nouveau", benefForm("prenom", "Jeanne", "nom", "Martin"),
		map[string]string{"Cookie": cookie, "Origin": "https://evil.example"})
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site create: %d", rec.Code)
	}
	if after := beneficiaryState(t, s.app); after != before {
		t.Fatal("refused creations changed data")
	}

	good := benefForm("prenom", " jeanne ", "nom", "Martin", "telephone", "06 98 76 54 32", "email", "Jeanne@Example.org",
		"annee_naissance", "1954", "genre", "feminin", "statut_social", "retraite", "commune", "Poitiers", "code_postal", "86000")
	rec = s.postAs(cookie, "/espace/beneficiaires/nouveau", good)
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Martin est créée") {
		t.Fatalf("create: %d %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	created, err := s.app.FindFirstRecordByData("beneficiaires", "nom", "Martin")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Header().Get("Location") != benefPath(created.Id) || created.GetString("telephone") != "+33698765432" ||
		created.GetString("structure") != testkit.ID(testkit.StructureA) || created.GetInt("annee_naissance") != 1954 ||
		created.GetString("consentement_version") != "2026-11" || created.GetDateTime("consentement_le").IsZero() {
		t.Errorf("created %v at %q", created.FieldsData(), rec.Header().Get("Location"))
	}
}

func TestBeneficiaryCreateWarnsAboutDuplicates(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	n := s.count("beneficiaires")
	// BeneficiaireA's phone, written differently
	same := benefForm("prenom", "Camille", "nom", "Homonyme", "telephone", "+33 6 12 34 56 78")
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/nouveau", same), http.StatusConflict,
		[]string{"Cette personne est peut-être déjà enregistrée", `href="/espace/beneficiaires/` + benefA + `"`,
			testkit.NomBeneficiaireA, "Créer quand même", `value="Homonyme"`}, []string{"Fixturenom-Alpha-Deux"})
	if s.count("beneficiaires") != n {
		t.Fatal("a duplicate was created without confirmation")
	}
	// B's person with the same phone is not A's duplicate
	benefRecord(t, s.app, "beneficiaires", map[string]any{"structure": testkit.ID(testkit.StructureB), "prenom": "Zoé",
		"nom": "Ailleurs", "email": "zoe@example.org"})
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", "Zoé", "nom", "Ici", "email", "zoe@example.org")),
		http.StatusSeeOther, nil, nil)
	// confirmed: created anyway
	same.Set("doublon", "confirme")
	if rec := s.postAs(cookie, "/espace/beneficiaires/nouveau", same); rec.Code != http.StatusSeeOther {
		t.Fatalf("confirmed creation: %d\n%s", rec.Code, rec.Body.String())
	}
	if got := s.count("beneficiaires"); got != n+3 {
		t.Errorf("%d people, want %d", got, n+3)
	}
}

// The same name typed without accents, or one letter off with the same
// birth year, is shown before creating, with « C'est cette personne ».
func TestBeneficiaryCreateWarnsAboutSimilarNames(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	benefRecord(t, s.app, "beneficiaires", map[string]any{"structure": testkit.ID(testkit.StructureA), "prenom": "Hélène",
		"nom": "Guérin-Lefèvre", "annee_naissance": 1948})
	n := s.count("beneficiaires")
	for form, reason := range map[string]string{
		"helene|GUERIN LEFEVRE|":      "même nom",
		"Hélène|Guerin-Lefevres|1948": "nom proche, même année de naissance",
	} {
		parts := strings.Split(form, "|")
		rec := s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", parts[0], "nom", parts[1], "annee_naissance", parts[2]))
		expectBody(t, rec, http.StatusConflict, []string{"Cette personne est peut-être déjà enregistrée", "Guérin-Lefèvre", reason,
			"C'est cette personne"}, nil)
	}
	// One letter off, another birth year: another person.
	if rec := s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", "Hélène", "nom", "Guerin-Lefevres", "annee_naissance", "1990")); rec.Code != http.StatusSeeOther {
		t.Errorf("another person: %d\n%s", rec.Code, rec.Body.String())
	}
	if s.count("beneficiaires") != n+1 {
		t.Error("a warned creation went through")
	}
}

func TestBeneficiaryEdit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	before := beneficiaryState(t, s.app)
	bad := benefForm("prenom", "Camille", "nom", "Nouveau-Nom", "telephone", "06 12", "annee_naissance", "3000", "notes", "Texte tapé")
	expectBody(t, s.postAs(cookie, benefPath(benefA, "/modifier"), bad), http.StatusUnprocessableEntity,
		[]string{"Rien n'a été enregistré", "année de naissance en 4 chiffres", `value="Nouveau-Nom"`, `value="06 12"`, "Texte tapé",
			`id="erreur-telephone"`}, nil)
	// another structure's record, and a cross-site form
	expectBody(t, s.postAs(cookie, benefPath(benefB, "/modifier"), benefForm("prenom", "X", "nom", "Pirate")), http.StatusNotFound, nil, nil)
	expectBody(t, s.postAs(s.signIn(testkit.ConseillerB), benefPath(benefA, "/modifier"), benefForm("prenom", "X", "nom", "Pirate")),
		http.StatusNotFound, nil, nil)
	if rec := s.do(http.MethodPost, benefPath(benefA, "/modifier"), benefForm("prenom", "X", "nom", "Pirate"),
		map[string]string{"Cookie": cookie}); rec.Code != http.StatusForbidden {
		t.Errorf("edit without Origin: %d", rec.Code)
	}
	if after := beneficiaryState(t, s.app); after != before {
		t.Fatal("refused edits changed data")
	}

	good := benefForm("prenom", "Camille", "nom", "Durand", "telephone", "07 81 22 33 44", "annee_naissance", "1961",
		"statut_social", "en_emploi", "commune", "Niort", "code_postal", "79000", "notes", "Préfère le mardi.")
	rec := s.postAs(cookie, benefPath(benefA, "/modifier"), good)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != benefPath(benefA) ||
		!strings.Contains(followFlash(rec), "Camille Durand est enregistrée") {
		t.Fatalf("edit: %d %q %q", rec.Code, rec.Header().Get("Location"), followFlash(rec))
	}
	r := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA)
	if r.GetString("nom") != "Durand" || r.GetString("telephone") != "+33781223344" || r.GetInt("annee_naissance") != 1961 ||
		r.GetString("structure") != testkit.ID(testkit.StructureA) || r.GetString("consentement_version") != "2026-01" {
		t.Errorf("edited record %v", r.FieldsData())
	}
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/modifier")), http.StatusOK,
		[]string{`value="07 81 22 33 44"`, `value="1961"`, "Préfère le mardi."}, nil)
}

func TestBeneficiaryProfileShowsHistory(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	// a past session A attended, 2 h long
	past := testkit.Now().UTC().AddDate(0, 0, -5).Truncate(time.Hour)
	seance := benefRecord(t, s.app, "seances", map[string]any{"atelier": testkit.ID(testkit.AtelierA), "structure": a,
		"lieu": testkit.ID(testkit.LieuA), "debut": dateTime(past), "fin": dateTime(past.Add(90 * time.Minute)),
		"capacite": 8, "statut": "realisee"})
	benefRecord(t, s.app, "inscriptions", map[string]any{"seance": seance.Id, "beneficiaire": benefA, "statut": "present", "source": "sur_place"})
	help := benefRecord(t, s.app, "accompagnements", map[string]any{"conseiller": testkit.ID(testkit.ConseillerA2), "structure": a,
		"date": dateTime(past), "duree_minutes": 20, "type_lieu": "a_distance", "thematiques": []string{"sante", "email"},
		"beneficiaire": benefA})
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.getAs(cookie, benefPath(benefA))
	expectBody(t, rec, http.StatusOK, []string{
		"06 12 34 56 78", "Consentement donné le", "version 2026-01",
		"Ateliers (2 inscriptions)", `href="/espace/seances/` + testkit.ID(testkit.SeancePubliqueA) + `"`,
		`href="/espace/seances/` + seance.Id + `"`, "Atelier propre à Alpha", "Inscrit", "Présent",
		"Présent à 1 séance, absent à 0", "temps total de présence : 1" + nbsp + "h" + nbsp + "30",
		"Accompagnements individuels (2)", "Santé, E-mail", "Prénom conseillera2 Nom conseillera2",
		`href="/espace/accompagnements/` + testkit.ID(testkit.AccompagnementA) + `/modifier"`,
		`href="/espace/accompagnements/nouveau?beneficiaire=` + benefA + `"`,
		"Attestations (1)", "FIXTURE-CODE-A",
		`href="` + benefPath(benefA, "/modifier") + `"`, `href="` + benefPath(benefA, "/fusionner") + `"`,
	}, []string{testkit.SecretJeton, testkit.NomBeneficiaireB, `href="/espace/accompagnements/` + help.Id + `/modifier"`})
	// one's own help only can be edited
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA2), benefPath(benefA)), http.StatusOK,
		[]string{"Prénom conseillera Nom conseillera", `href="/espace/accompagnements/` + help.Id + `/modifier"`},
		[]string{`href="/espace/accompagnements/` + testkit.ID(testkit.AccompagnementA) + `/modifier"`})
	// no consent, no history
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA2, map[string]any{"consentement_le": "", "consentement_version": ""})
	expectBody(t, s.getAs(cookie, benefPath(benefA2)), http.StatusOK,
		[]string{"Pas de consentement enregistré", "Aucune inscription à un atelier.", "Aucun accompagnement individuel."}, nil)
	// B's session at 9:00 UTC is shown in La Réunion's time (13 h)
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), benefPath(benefB)), http.StatusOK,
		[]string{"de 13" + nbsp + "h à 15" + nbsp + "h"}, nil)
}

// A merged record's old links lead to the kept record.
func TestMergedBeneficiaryRedirects(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA2, map[string]any{"fusionne_vers": benefA})
	cookie := s.signIn(testkit.ConseillerA)
	for _, path := range []string{benefPath(benefA2), benefPath(benefA2, "/modifier"), benefPath(benefA2, "/fusionner")} {
		rec := s.getAs(cookie, path)
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != benefPath(benefA) ||
			!strings.Contains(followFlash(rec), "fusionnée") {
			t.Errorf("%s: %d %q", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	// it is no longer offered for a merge, nor found
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/fusionner/", benefA2)), http.StatusNotFound, nil, nil)
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q=Deux"), http.StatusOK, []string{"0 personne trouvée"}, nil)
	// nor reachable from another structure
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), benefPath(benefA2)), http.StatusNotFound, nil, nil)
}

func TestBeneficiaryMergeChoice(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	twin := benefRecord(t, s.app, "beneficiaires", map[string]any{"structure": a, "prenom": "CAMILLE", "nom": "fixturenom alpha"})
	sameMail := benefRecord(t, s.app, "beneficiaires", map[string]any{"structure": a, "prenom": "Paul", "nom": "Autre", "email": "c@example.org"})
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"email": "c@example.org"})
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/fusionner")), http.StatusOK,
		[]string{"même nom", "même e-mail", `href="` + benefPath(benefA, "/fusionner/", twin.Id) + `"`,
			`href="` + benefPath(benefA, "/fusionner/", sameMail.Id) + `"`},
		[]string{`href="` + benefPath(benefA, "/fusionner/", benefA2) + `"`, `href="` + benefPath(benefA, "/fusionner/", benefA) + `"`})
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/fusionner?q=Deux")), http.StatusOK,
		[]string{`href="` + benefPath(benefA, "/fusionner/", benefA2) + `"`}, nil)
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/fusionner?q=Beta")), http.StatusOK,
		[]string{"Aucune autre fiche"}, []string{testkit.NomBeneficiaireB})
	// the confirmation page refuses another structure's record and itself
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/fusionner/", benefB)), http.StatusNotFound, nil, []string{testkit.NomBeneficiaireB})
	expectBody(t, s.getAs(cookie, benefPath(benefA, "/fusionner/", benefA)), http.StatusNotFound, nil, nil)
}

// The whole merge through the pages: confirmation page with counts and the
// same-session conflict, then the POST; nothing is lost.
func TestBeneficiaryMergeOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a := testkit.ID(testkit.StructureA)
	publique := testkit.ID(testkit.SeancePubliqueA)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1}) // A fills it
	waiting := []string{benefA2}
	for _, nom := range []string{"Attente-Un", "Attente-Deux"} {
		waiting = append(waiting, benefRecord(t, s.app, "beneficiaires", map[string]any{"structure": a, "prenom": "Autre", "nom": nom}).Id)
	}
	for i, id := range waiting {
		benefRecord(t, s.app, "inscriptions", map[string]any{"seance": publique, "beneficiaire": id,
			"statut": "liste_attente", "rang_attente": i + 1, "source": "public"})
	}
	benefRecord(t, s.app, "inscriptions", map[string]any{"seance": testkit.ID(testkit.SeancePriveeA), "beneficiaire": benefA2,
		"statut": "inscrit", "source": "conseiller"})
	benefRecord(t, s.app, "accompagnements", map[string]any{"conseiller": testkit.ID(testkit.ConseillerA2), "structure": a,
		"date": dateTime(testkit.Now()), "duree_minutes": 15, "type_lieu": "lieu_activite", "thematiques": []string{"email"}, "beneficiaire": benefA2})
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"telephone": ""})
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA2, map[string]any{"email": "deux@example.org", "annee_naissance": 1948})
	total := s.count("inscriptions")
	helps := s.count("accompagnements")

	cookie := s.signIn(testkit.ConseillerA)
	confirm := benefPath(benefA, "/fusionner/", benefA2)
	expectBody(t, s.getAs(cookie, confirm), http.StatusOK, []string{
		"Fiche 1 : Camille " + testkit.NomBeneficiaireA, "Fiche 2 : Camille Fixturenom-Alpha-Deux",
		"Si vous gardez la fiche 1, elle reçoit de la fiche 2 : 2 inscriptions, 1 accompagnement et 0 attestation",
		"Si vous gardez la fiche 2, elle reçoit de la fiche 1 : 1 inscription, 1 accompagnement et 1 attestation",
		"1 séance où les deux fiches sont inscrites", "Atelier propre à Alpha", "(liste d'attente renumérotée)",
		"deux@example.org", "1948", `value="` + benefA + `" checked`,
	}, []string{testkit.SecretJeton})

	// refusals first: no choice, a third record's id, another structure's id, cross-site
	before := beneficiaryState(t, s.app)
	expectBody(t, s.postAs(cookie, confirm, benefForm("garder", "")), http.StatusUnprocessableEntity,
		[]string{"Choisissez la fiche à garder."}, nil)
	expectBody(t, s.postAs(cookie, confirm, benefForm("garder", benefB)), http.StatusUnprocessableEntity,
		[]string{"Choisissez la fiche à garder."}, nil)
	expectBody(t, s.postAs(cookie, benefPath(benefA, "/fusionner/", benefB), benefForm("garder", benefA)), http.StatusNotFound, nil, nil)
	expectBody(t, s.postAs(cookie, benefPath(benefB, "/fusionner/", benefA), benefForm("garder", benefA)), http.StatusNotFound, nil, nil)
	expectBody(t, s.postAs(s.signIn(testkit.ConseillerB), confirm, benefForm("garder", benefA)), http.StatusNotFound, nil, nil)
	if rec := s.do(http.MethodPost, confirm, benefForm("garder", benefA), map[string]string{"Cookie": cookie,
		"Origin": "https://evil.example"}); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site merge: %d", rec.Code)
	}
	if after := beneficiaryState(t, s.app); after != before {
		t.Fatal("refused merges changed data")
	}

	rec := s.postAs(cookie, confirm, benefForm("garder", benefA))
	flash := followFlash(rec)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != benefPath(benefA) ||
		!strings.Contains(flash, "inscrites à la même séance : une seule inscription est gardée") ||
		!strings.Contains(flash, "qui reçoit 1 inscription, 1 accompagnement et 0 attestation") ||
		!strings.Contains(flash, "Complété : téléphone, e-mail, année de naissance") {
		t.Fatalf("merge: %d %q %q\n%s", rec.Code, rec.Header().Get("Location"), flash, rec.Body.String())
	}
	if got := s.count("inscriptions"); got != total-1 {
		t.Errorf("%d registrations, want %d (one same-session duplicate removed)", got, total-1)
	}
	if got := s.count("accompagnements"); got != helps {
		t.Errorf("%d help records, want %d", got, helps)
	}
	if got := benefCount(t, s.app, "inscriptions", dbx.HashExp{"beneficiaire": benefA}); got != 2 {
		t.Errorf("kept record has %d registrations, want 2", got)
	}
	if got := benefCount(t, s.app, "accompagnements", dbx.HashExp{"beneficiaire": benefA}); got != 2 {
		t.Errorf("kept record has %d help records, want 2", got)
	}
	// A stays « inscrit »; the two others move up to ranks 1 and 2
	assertRanks(t, s.app, publique, 1, 2)
	kept := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA)
	dropped := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA2)
	if kept.GetString("email") != "deux@example.org" || kept.GetInt("annee_naissance") != 1948 || kept.GetString("telephone") != "+33612345679" {
		t.Errorf("empty fields not filled: %v", kept.FieldsData())
	}
	if dropped.GetString("fusionne_vers") != benefA {
		t.Errorf("dropped record not marked: %q", dropped.GetString("fusionne_vers"))
	}
	expectBody(t, s.getAs(cookie, benefPath(benefA)), http.StatusOK, []string{"Ateliers (2 inscriptions)", "Accompagnements individuels (2)"}, nil)
	// merging again is not possible: the dropped record is gone from the choices
	expectBody(t, s.postAs(cookie, confirm, benefForm("garder", benefA)), http.StatusNotFound, nil, nil)
}

// Keeping the second record moves the first one's history to it.
func TestBeneficiaryMergeKeepsTheChosenRecord(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.postAs(cookie, benefPath(benefA, "/fusionner/", benefA2), benefForm("garder", benefA2))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != benefPath(benefA2) {
		t.Fatalf("merge: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for collection, want := range map[string]int{"inscriptions": 1, "accompagnements": 1, "attestations": 1} {
		if got := benefCount(t, s.app, collection, dbx.HashExp{"beneficiaire": benefA2}); got != want {
			t.Errorf("%s on the kept record: %d, want %d", collection, got, want)
		}
	}
	if mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA).GetString("fusionne_vers") != benefA2 {
		t.Error("the first record is not marked merged")
	}
	if rec := s.getAs(cookie, benefPath(benefA)); rec.Header().Get("Location") != benefPath(benefA2) {
		t.Errorf("old link: %d %q", rec.Code, rec.Header().Get("Location"))
	}
}

// A conseiller of two structures chooses the structure of a new person and
// sees each person's structure in the list.
func TestBeneficiaryPagesForSeveralStructures(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	benefRecord(t, s.app, "utilisateurs", map[string]any{"email": testkit.Email("multistructure"), "password": testkit.StaffPassword,
		"verified": true, "nom": "Deux", "prenom": "Structures", "role": "conseiller", "actif": true,
		"structures":    []string{testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureC)},
		"confirme_pour": []string{testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureC)}})
	cookie := s.signIn("multistructure")
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires/nouveau"), http.StatusOK,
		[]string{`<select id="structure" name="structure" required`, "Médiathèque Alpha", "Tiers-lieu Gamma"}, []string{"France Services Bêta"})
	n := s.count("beneficiaires")
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", "Léa", "nom", "Sansstructure")),
		http.StatusUnprocessableEntity, []string{"Choisissez la structure qui suit cette personne.", `value="Sansstructure"`}, nil)
	expectBody(t, s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", "Léa", "nom", "Ailleurs",
		"structure", testkit.ID(testkit.StructureB))), http.StatusUnprocessableEntity, []string{"Choisissez la structure"}, nil)
	if s.count("beneficiaires") != n {
		t.Fatal("a person was created without a valid structure")
	}
	rec := s.postAs(cookie, "/espace/beneficiaires/nouveau", benefForm("prenom", "Léa", "nom", "Gamma",
		"structure", testkit.ID(testkit.StructureC)))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create in C: %d\n%s", rec.Code, rec.Body.String())
	}
	if created, err := s.app.FindFirstRecordByData("beneficiaires", "nom", "Gamma"); err != nil ||
		created.GetString("structure") != testkit.ID(testkit.StructureC) {
		t.Errorf("created in %v (%v)", created, err)
	}
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires"), http.StatusOK,
		[]string{`<th scope="col">Structure</th>`, "Tiers-lieu Gamma", "Médiathèque Alpha", testkit.NomBeneficiaireA}, []string{testkit.NomBeneficiaireB})
}
