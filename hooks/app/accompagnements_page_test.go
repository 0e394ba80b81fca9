package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// One-to-one help pages: the quick form, the list with its
// filters and totals, editing and deleting one's own help, for every role,
// with cross-structure attempts by address and by form field.

const accompagnementNew = "/espace/accompagnements/nouveau"

func accompagnementPath(name, action string) string {
	return "/espace/accompagnements/" + testkit.ID(name) + "/" + action
}

// todayIn is today's date in a structure's zone, as an <input type="date">.
func todayIn(t *testing.T, zone string) string {
	t.Helper()
	loc, err := time.LoadLocation(zone)
	if err != nil {
		t.Fatal(err)
	}
	return testkit.Now().In(loc).Format("2006-01-02")
}

// quickHelp is what the quick form posts when the person only taps a
// duration and a theme: the other fields keep their defaults.
func quickHelp(structure, date, duree string, thematiques ...string) url.Values {
	return url.Values{"structure": {testkit.ID(structure)}, "beneficiaire": {""}, "date": {date}, "duree": {duree},
		"duree_autre": {""}, "type_lieu": {"lieu_activite"}, "thematiques": thematiques, "tranche_age": {"non_communique"},
		"genre": {"non_communique"}, "statut_social": {"non_communique"}, "suite": {"liste"}}
}

func accompagnementCount(t *testing.T, app core.App) int {
	t.Helper()
	n, err := app.CountRecords("accompagnements")
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// newestHelp is the last help created.
func newestHelp(t *testing.T, app core.App) *core.Record {
	t.Helper()
	records, err := app.FindRecordsByFilter("accompagnements", "", "-created", 1, 0)
	if err != nil || len(records) != 1 {
		t.Fatalf("newest help: %v", err)
	}
	return records[0]
}

func localDay(t *testing.T, r *core.Record, zone string) string {
	t.Helper()
	loc, _ := time.LoadLocation(zone)
	return r.GetDateTime("date").Time().In(loc).Format("2006-01-02")
}

func TestHelpQuickFormWithMinimalFields(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	today := todayIn(t, "Europe/Paris")
	expectBody(t, s.getAs(cookie, accompagnementNew), http.StatusOK,
		[]string{"Nouvel accompagnement", `type="date" value="` + today + `"`, `max="` + today + `"`,
			`name="duree" value="30"`, "Autre durée, en minutes", `name="thematiques" value="email"`,
			`name="type_lieu" value="lieu_activite" checked`, `name="tranche_age" value="non_communique" checked`,
			`type="hidden" name="structure" value="` + testkit.ID(testkit.StructureA) + `"`,
			"Enregistrer et saisir un autre", `role="search"`, "Médiathèque Alpha"},
		[]string{`<select id="structure"`, "France Services Bêta"})

	before := accompagnementCount(t, s.app)
	rec := s.postAs(cookie, accompagnementNew, quickHelp(testkit.StructureA, today, "30", "email"))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/espace/accompagnements" {
		t.Fatalf("create: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	if flash := followFlash(rec); !strings.Contains(flash, "Accompagnement enregistré") || !strings.Contains(flash, "30\u00a0min") {
		t.Errorf("flash %q", flash)
	}
	if n := accompagnementCount(t, s.app); n != before+1 {
		t.Fatalf("%d helps, want %d", n, before+1)
	}
	help := newestHelp(t, s.app)
	want := map[string]any{"conseiller": testkit.ID(testkit.ConseillerA), "structure": testkit.ID(testkit.StructureA),
		"duree_minutes": 30, "type_lieu": "lieu_activite", "beneficiaire": "", "tranche_age": "non_communique",
		"genre": "non_communique", "statut_social": "non_communique", "oriente": false, "commune": ""}
	for field, value := range want {
		if got := help.Get(field); fmt.Sprint(got) != fmt.Sprint(value) {
			t.Errorf("%s = %v, want %v", field, got, value)
		}
	}
	if got := help.GetStringSlice("thematiques"); !slices.Equal(got, []string{"email"}) {
		t.Errorf("thematiques = %v", got)
	}
	if day := localDay(t, help, "Europe/Paris"); day != today {
		t.Errorf("date %s, want %s", day, today)
	}
}

// The date defaults to today in the structure's own zone.
func TestHelpFormDateInTheStructureZone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	today := todayIn(t, "Indian/Reunion")
	cookie := s.signIn(testkit.ConseillerB)
	expectBody(t, s.getAs(cookie, accompagnementNew), http.StatusOK,
		[]string{`type="date" value="` + today + `"`, "France Services Bêta"}, []string{"Médiathèque Alpha"})
	rec := s.postAs(cookie, accompagnementNew, quickHelp(testkit.StructureB, today, "45", "sante"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	if day := localDay(t, newestHelp(t, s.app), "Indian/Reunion"); day != today {
		t.Errorf("stored day %s in La Réunion, want %s", day, today)
	}
}

func TestHelpCustomDurationAndNextOne(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	form := quickHelp(testkit.StructureA, todayIn(t, "Europe/Paris"), "30", "email", "sante")
	form.Set("duree_autre", "20") // typed: it wins over the button
	form.Set("suite", "autre")
	rec := s.postAs(cookie, accompagnementNew, form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != accompagnementNew {
		t.Fatalf("create and next: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	if flash := followFlash(rec); !strings.Contains(flash, "20\u00a0min") || !strings.Contains(flash, "saisir le suivant") {
		t.Errorf("flash %q", flash)
	}
	help := newestHelp(t, s.app)
	if help.GetInt("duree_minutes") != 20 || !slices.Equal(help.GetStringSlice("thematiques"), []string{"email", "sante"}) {
		t.Errorf("stored %d min, %v", help.GetInt("duree_minutes"), help.GetStringSlice("thematiques"))
	}
	// the next form is empty again
	expectBody(t, s.getAs(cookie, accompagnementNew), http.StatusOK, []string{`name="duree_autre" type="number" value=""`},
		[]string{"checked><label for=\"thematiques"})
}

func TestHelpAnonymousWithEveryField(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	date := testkit.Now().AddDate(0, 0, -3).Format("2006-01-02")
	form := quickHelp(testkit.StructureA, date, "90", "aide_aux_demarches_administratives")
	for k, v := range map[string][]string{
		"type_lieu": {"domicile"}, "commune": {"Poitiers"}, "code_postal": {"86 000"}, "code_insee": {"86194"},
		"materiel": {"telephone", "ordinateur"}, "autonomie": {"partiellement_autonome"}, "demarche": {"Carte grise"},
		"oriente": {"1"}, "structure_redirection": {"aide_demarches"}, "notes": {"Revient mardi."},
		"tranche_age": {"70_plus"}, "genre": {"feminin"}, "statut_social": {"retraite"},
	} {
		form[k] = v
	}
	if rec := s.postAs(cookie, accompagnementNew, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	help := newestHelp(t, s.app)
	for field, want := range map[string]string{"type_lieu": "domicile", "commune": "Poitiers", "code_postal": "86000",
		"code_insee": "86194", "autonomie": "partiellement_autonome", "demarche": "Carte grise",
		"structure_redirection": "aide_demarches", "notes": "Revient mardi.", "tranche_age": "70_plus",
		"genre": "feminin", "statut_social": "retraite", "beneficiaire": ""} {
		if got := help.GetString(field); got != want {
			t.Errorf("%s = %q, want %q", field, got, want)
		}
	}
	if !help.GetBool("oriente") || help.GetInt("duree_minutes") != 90 || localDay(t, help, "Europe/Paris") != date {
		t.Errorf("oriente %v, %d min, day %s", help.GetBool("oriente"), help.GetInt("duree_minutes"), localDay(t, help, "Europe/Paris"))
	}
	if got := help.GetStringSlice("materiel"); !slices.Equal(got, []string{"telephone", "ordinateur"}) {
		t.Errorf("materiel %v", got)
	}
}

func TestHelpWithABeneficiaryFoundBySearch(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	benefA := testkit.ID(testkit.BeneficiaireA)
	// the search lists the people of A only, with a « Choisir » link
	expectBody(t, s.getAs(cookie, accompagnementNew+"?q=Fixturenom"), http.StatusOK,
		[]string{testkit.NomBeneficiaireA, "Choisir", `name="choisir" value="` + benefA + `"`, "06 12 34 56 78"},
		[]string{testkit.NomBeneficiaireB})
	expectBody(t, s.getAs(cookie, accompagnementNew+"?q=inconnu"), http.StatusOK, []string{"Personne ne correspond à « inconnu »"}, nil)
	// chosen: the name, « Changer », the hidden field, no anonymous questions
	expectBody(t, s.getAs(cookie, accompagnementNew+"?beneficiaire="+benefA), http.StatusOK,
		[]string{"Personne choisie", "Camille " + testkit.NomBeneficiaireA, "Changer",
			`type="hidden" name="beneficiaire" value="` + benefA + `"`},
		[]string{`name="tranche_age"`, `role="search"`})
	// another structure's person by address: 404
	if rec := s.getAs(cookie, accompagnementNew+"?beneficiaire="+testkit.ID(testkit.BeneficiaireB)); rec.Code != http.StatusNotFound {
		t.Errorf("person of B by address: %d", rec.Code)
	}

	date := testkit.Now().AddDate(0, 0, -1).Format("2006-01-02")
	form := quickHelp(testkit.StructureA, date, "60", "email")
	form.Set("beneficiaire", benefA)
	form.Set("tranche_age", "70_plus") // not shown for a known person: not stored
	if rec := s.postAs(cookie, accompagnementNew, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	help := newestHelp(t, s.app)
	if help.GetString("beneficiaire") != benefA || help.GetString("tranche_age") != "" || help.GetString("genre") != "" {
		t.Errorf("beneficiaire %q, tranche %q, genre %q", help.GetString("beneficiaire"), help.GetString("tranche_age"), help.GetString("genre"))
	}
	last := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA).GetDateTime("derniere_activite")
	if !last.Time().Equal(help.GetDateTime("date").Time()) {
		t.Errorf("derniere_activite %v, want the help's date %v", last, help.GetDateTime("date"))
	}
	// an older help does not move the last activity backwards
	form.Set("date", testkit.Now().AddDate(0, 0, -30).Format("2006-01-02"))
	if rec := s.postAs(cookie, accompagnementNew, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("create older: %d", rec.Code)
	}
	if again := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA).GetDateTime("derniere_activite"); !again.Time().Equal(last.Time()) {
		t.Errorf("derniere_activite moved back to %v", again)
	}
}

func TestHelpFormErrorsKeepTypedValues(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	today := todayIn(t, "Europe/Paris")
	before := accompagnementCount(t, s.app)
	for name, c := range map[string]struct {
		change  url.Values
		message string
	}{
		"no theme":           {url.Values{"thematiques": nil}, "Choisissez au moins une thématique."},
		"unknown theme":      {url.Values{"thematiques": {"cuisine"}}, "Choisissez les thématiques dans la liste."},
		"no duration":        {url.Values{"duree": {""}}, "Choisissez la durée de l&#39;accompagnement."},
		"duration not given": {url.Values{"duree": {"7"}}, "Choisissez une durée dans la liste"},
		"custom not number":  {url.Values{"duree_autre": {"une heure"}}, "Indiquez la durée en minutes"},
		"custom too long":    {url.Values{"duree_autre": {"2000"}}, "entre 1 et 1 440"},
		"bad date":           {url.Values{"date": {"2026-13-45"}}, "Indiquez une date valide"},
		"no date":            {url.Values{"date": {""}}, "Indiquez la date de l&#39;accompagnement."},
		"future date":        {url.Values{"date": {testkit.Now().AddDate(0, 0, 3).Format("2006-01-02")}}, "ne peut pas être dans le futur"},
		"bad postcode":       {url.Values{"code_postal": {"860"}}, "code postal"},
		"bad insee":          {url.Values{"code_insee": {"ABCDE"}}, "Le code INSEE s&#39;écrit avec 5 caractères"},
		"no equipment and a phone": {url.Values{"materiel": {"aucun", "telephone"}},
			"« Pas de matériel » ne peut pas être coché"},
		"redirection not ticked": {url.Values{"structure_redirection": {"aide_sociale"}}, "Cochez « Réorienté »"},
		"unknown gender":         {url.Values{"genre": {"autre"}}, "Choisissez une réponse dans la liste."},
	} {
		form := quickHelp(testkit.StructureA, today, "45", "email")
		form.Set("demarche", "Démarche tapée")
		form.Set("notes", "Notes tapées")
		for k, v := range c.change {
			form[k] = v
		}
		rec := s.postAs(cookie, accompagnementNew, form)
		expectBody(t, rec, http.StatusUnprocessableEntity,
			[]string{"Rien n'a été enregistré", c.message, `value="Démarche tapée"`, "Notes tapées", `class="erreur"`}, nil)
		if t.Failed() {
			t.Fatalf("case %s", name)
		}
	}
	// a duration typed by hand is kept as typed
	form := quickHelp(testkit.StructureA, today, "", "")
	form.Set("duree_autre", "25")
	expectBody(t, s.postAs(cookie, accompagnementNew, form), http.StatusUnprocessableEntity,
		[]string{`name="duree_autre" type="number" value="25"`, "Choisissez au moins une thématique."}, nil)
	if n := accompagnementCount(t, s.app); n != before {
		t.Errorf("%d helps after refused forms, want %d", n, before)
	}
}

// Another structure's ids posted in the form are refused and change nothing.
func TestHelpCrossStructureFormFields(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := accompagnementCount(t, s.app)
	lastB := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireB).GetString("derniere_activite")
	cookie := s.signIn(testkit.ConseillerA)
	today := todayIn(t, "Europe/Paris")

	form := quickHelp(testkit.StructureB, today, "30", "email")
	form.Set("beneficiaire", testkit.ID(testkit.BeneficiaireB))
	expectBody(t, s.postAs(cookie, accompagnementNew, form), http.StatusUnprocessableEntity,
		[]string{"Cette structure n&#39;est pas la vôtre"}, []string{testkit.NomBeneficiaireB})

	form = quickHelp(testkit.StructureA, today, "30", "email")
	form.Set("beneficiaire", testkit.ID(testkit.BeneficiaireB))
	expectBody(t, s.postAs(cookie, accompagnementNew, form), http.StatusUnprocessableEntity,
		[]string{"n&#39;est pas suivie par la structure"}, []string{testkit.NomBeneficiaireB})

	// B's conseiller cannot record help in A, nor for A's person
	cookieB := s.signIn(testkit.ConseillerB)
	form = quickHelp(testkit.StructureA, today, "30", "email")
	expectBody(t, s.postAs(cookieB, accompagnementNew, form), http.StatusUnprocessableEntity, []string{"Cette structure n&#39;est pas la vôtre"}, nil)
	form = quickHelp(testkit.StructureB, todayIn(t, "Indian/Reunion"), "30", "email")
	form.Set("beneficiaire", testkit.ID(testkit.BeneficiaireA))
	expectBody(t, s.postAs(cookieB, accompagnementNew, form), http.StatusUnprocessableEntity, []string{"n&#39;est pas suivie"},
		[]string{testkit.NomBeneficiaireA})

	if n := accompagnementCount(t, s.app); n != before {
		t.Errorf("%d helps, want %d", n, before)
	}
	if got := mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireB).GetString("derniere_activite"); got != lastB {
		t.Errorf("B's person touched: %q", got)
	}
}

func TestHelpOfAnotherStructureIsNotFound(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerB)
	original := mustFind(t, s.app, "accompagnements", testkit.AccompagnementA)
	for _, path := range []string{accompagnementPath(testkit.AccompagnementA, "modifier"), accompagnementPath(testkit.AccompagnementA, "supprimer")} {
		expectBody(t, s.getAs(cookie, path), http.StatusNotFound, []string{"Page introuvable"}, []string{testkit.NomBeneficiaireA})
		form := quickHelp(testkit.StructureA, todayIn(t, "Europe/Paris"), "120", "sante")
		expectBody(t, s.postAs(cookie, path, form), http.StatusNotFound, nil, nil)
	}
	expectBody(t, s.getAs(cookie, "/espace/accompagnements?beneficiaire="+testkit.ID(testkit.BeneficiaireA)), http.StatusNotFound, nil, nil)
	expectBody(t, s.getAs(cookie, "/espace/accompagnements"), http.StatusOK, []string{"1 accompagnement,"},
		[]string{testkit.ID(testkit.AccompagnementA), "Nom conseillera"})
	after := mustFind(t, s.app, "accompagnements", testkit.AccompagnementA)
	if after.GetInt("duree_minutes") != original.GetInt("duree_minutes") || after.GetString("updated") != original.GetString("updated") {
		t.Error("A's help changed")
	}
}

func TestHelpOfAColleagueIsReadOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA2)
	idA := testkit.ID(testkit.AccompagnementA)
	idA2 := testkit.ID(testkit.AccompagnementA2)
	// seen in the list, but only their own has the links
	expectBody(t, s.getAs(cookie, "/espace/accompagnements"), http.StatusOK,
		[]string{"2 accompagnements,", "Prénom conseillera Nom conseillera", "Camille " + testkit.NomBeneficiaireA,
			idA2 + "/modifier", idA2 + "/supprimer"},
		[]string{idA + "/modifier", idA + "/supprimer"})
	for _, path := range []string{accompagnementPath(testkit.AccompagnementA, "modifier"), accompagnementPath(testkit.AccompagnementA, "supprimer")} {
		expectBody(t, s.getAs(cookie, path), http.StatusForbidden, []string{"Action refusée"}, nil)
		form := quickHelp(testkit.StructureA, todayIn(t, "Europe/Paris"), "120", "sante")
		expectBody(t, s.postAs(cookie, path, form), http.StatusForbidden, []string{"Action refusée"}, nil)
	}
	help := mustFind(t, s.app, "accompagnements", testkit.AccompagnementA)
	if help.GetInt("duree_minutes") != 30 || help.GetString("conseiller") != testkit.ID(testkit.ConseillerA) {
		t.Errorf("colleague's help changed: %d min by %s", help.GetInt("duree_minutes"), help.GetString("conseiller"))
	}
}

func TestHelpPagesForOtherRoles(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	before := accompagnementCount(t, s.app)
	paths := []string{"/espace/accompagnements", accompagnementNew, accompagnementPath(testkit.AccompagnementA, "modifier"),
		accompagnementPath(testkit.AccompagnementA, "supprimer"), "/espace/accompagnements?beneficiaire=" + testkit.ID(testkit.BeneficiaireA)}
	for _, role := range []string{testkit.ReferentA, testkit.Coordinateur} {
		cookie := s.signIn(role)
		for _, path := range paths {
			expectBody(t, s.getAs(cookie, path), http.StatusForbidden, []string{"Action refusée"}, secretsOfFixture)
		}
		for _, path := range paths[1:4] {
			expectBody(t, s.postAs(cookie, path, quickHelp(testkit.StructureA, todayIn(t, "Europe/Paris"), "30", "email")),
				http.StatusForbidden, nil, nil)
		}
		// the menu has no entry for them
		expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, nil, []string{`href="/espace/accompagnements"`})
	}
	for _, path := range paths {
		rec := s.get(path)
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion?suite=") {
			t.Errorf("anonymous %s: %d %q", path, rec.Code, rec.Header().Get("Location"))
		}
	}
	if _, err := s.app.FindRecordById("accompagnements", testkit.ID(testkit.AccompagnementA)); err != nil {
		t.Errorf("help deleted: %v", err)
	}
	if n := accompagnementCount(t, s.app); n != before {
		t.Errorf("%d helps, want %d", n, before)
	}
}

func TestHelpPostsFromAnotherSiteAreRefused(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	before := accompagnementCount(t, s.app)
	form := quickHelp(testkit.StructureA, todayIn(t, "Europe/Paris"), "30", "email")
	for _, path := range []string{accompagnementNew, accompagnementPath(testkit.AccompagnementA, "modifier"), accompagnementPath(testkit.AccompagnementA, "supprimer")} {
		for name, headers := range map[string]map[string]string{
			"no origin":    {"Cookie": cookie},
			"other origin": {"Cookie": cookie, "Origin": "https://evil.example"},
		} {
			if rec := s.do(http.MethodPost, path, form, headers); rec.Code != http.StatusForbidden {
				t.Errorf("%s %s: %d", name, path, rec.Code)
			}
		}
	}
	if n := accompagnementCount(t, s.app); n != before {
		t.Errorf("%d helps, want %d", n, before)
	}
	if help := mustFind(t, s.app, "accompagnements", testkit.AccompagnementA); help.GetInt("duree_minutes") != 30 {
		t.Error("help changed by a cross-site post")
	}
}

func TestHelpEditOwn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	path := accompagnementPath(testkit.AccompagnementA, "modifier")
	original := mustFind(t, s.app, "accompagnements", testkit.AccompagnementA)
	day := localDay(t, original, "Europe/Paris")
	expectBody(t, s.getAs(cookie, path), http.StatusOK,
		[]string{"Modifier l'accompagnement", `value="` + day + `"`, `name="duree" value="30" checked`,
			`name="thematiques" value="email" checked`, "Camille " + testkit.NomBeneficiaireA, "Enregistrer les modifications"},
		[]string{"Enregistrer et saisir un autre", `name="tranche_age"`})

	// same day, other duration and themes; a posted structure is ignored
	form := quickHelp(testkit.StructureB, day, "", "sante", "email")
	form.Set("duree_autre", "50")
	form.Set("beneficiaire", testkit.ID(testkit.BeneficiaireA))
	rec := s.postAs(cookie, path, form)
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Accompagnement modifié") {
		t.Fatalf("edit: %d %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	help := mustFind(t, s.app, "accompagnements", testkit.AccompagnementA)
	if help.GetInt("duree_minutes") != 50 || !slices.Equal(help.GetStringSlice("thematiques"), []string{"sante", "email"}) ||
		help.GetString("structure") != testkit.ID(testkit.StructureA) || help.GetString("conseiller") != testkit.ID(testkit.ConseillerA) {
		t.Errorf("edited help: %d min, %v, structure %s", help.GetInt("duree_minutes"), help.GetStringSlice("thematiques"), help.GetString("structure"))
	}
	// the day was not changed: its time of day is kept
	if !help.GetDateTime("date").Time().Equal(original.GetDateTime("date").Time()) {
		t.Errorf("date moved from %v to %v", original.GetDateTime("date"), help.GetDateTime("date"))
	}
	// the custom duration comes back in its own field
	expectBody(t, s.getAs(cookie, path), http.StatusOK, []string{`name="duree_autre" type="number" value="50"`}, nil)

	// « Changer » drops the person: the anonymous questions come back
	expectBody(t, s.getAs(cookie, path+"?beneficiaire="), http.StatusOK,
		[]string{`name="tranche_age" value="non_communique" checked`, `role="search"`}, []string{"Personne choisie"})
	form = quickHelp(testkit.StructureA, day, "15", "email")
	form.Set("genre", "masculin")
	if rec := s.postAs(cookie, path, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit to anonymous: %d\n%s", rec.Code, rec.Body.String())
	}
	help = mustFind(t, s.app, "accompagnements", testkit.AccompagnementA)
	if help.GetString("beneficiaire") != "" || help.GetString("genre") != "masculin" || help.GetInt("duree_minutes") != 15 {
		t.Errorf("anonymous edit: %q %q %d", help.GetString("beneficiaire"), help.GetString("genre"), help.GetInt("duree_minutes"))
	}
	// errors keep what was typed and change nothing
	form = quickHelp(testkit.StructureA, day, "15")
	form.Set("demarche", "Tapée dans la modification")
	expectBody(t, s.postAs(cookie, path, form), http.StatusUnprocessableEntity,
		[]string{"Choisissez au moins une thématique.", "Tapée dans la modification", "Enregistrer les modifications"}, nil)
	if mustFind(t, s.app, "accompagnements", testkit.AccompagnementA).GetString("demarche") != "" {
		t.Error("refused edit saved")
	}
	// a person of B cannot be attached by the form
	form = quickHelp(testkit.StructureA, day, "15", "email")
	form.Set("beneficiaire", testkit.ID(testkit.BeneficiaireB))
	expectBody(t, s.postAs(cookie, path, form), http.StatusUnprocessableEntity, []string{"n&#39;est pas suivie"}, []string{testkit.NomBeneficiaireB})
	if mustFind(t, s.app, "accompagnements", testkit.AccompagnementA).GetString("beneficiaire") != "" {
		t.Error("person of B attached")
	}
}

func TestHelpDeleteOwn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	path := accompagnementPath(testkit.AccompagnementA, "supprimer")
	expectBody(t, s.getAs(cookie, path), http.StatusOK,
		[]string{"Supprimer cet accompagnement ?", "30\u00a0min", "Camille " + testkit.NomBeneficiaireA, "E-mail",
			`action="` + path + `"`}, nil)
	rec := s.postAs(cookie, path, url.Values{})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "a été supprimé") {
		t.Fatalf("delete: %d %q", rec.Code, followFlash(rec))
	}
	if _, err := s.app.FindRecordById("accompagnements", testkit.ID(testkit.AccompagnementA)); err == nil {
		t.Error("help still there")
	}
	if rec := s.getAs(cookie, path); rec.Code != http.StatusNotFound {
		t.Errorf("deleted help: %d", rec.Code)
	}
}

// addHelp stores a help directly, for the list's tests.
func addHelp(t *testing.T, app core.App, conseiller, structure, beneficiaire string, day time.Time, minutes int, themes ...string) {
	t.Helper()
	collection, err := app.FindCollectionByNameOrId("accompagnements")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(collection)
	r.Load(map[string]any{"conseiller": testkit.ID(conseiller), "structure": testkit.ID(structure), "date": day.UTC(),
		"duree_minutes": minutes, "type_lieu": "lieu_activite", "thematiques": themes, "tranche_age": "60_69"})
	if beneficiaire != "" {
		r.Set("beneficiaire", testkit.ID(beneficiaire))
	}
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func TestHelpListFiltersAndTotals(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	at := func(month time.Month, day, hour int) time.Time {
		return time.Date(2025, month, day, hour, 0, 0, 0, paris)
	}
	addHelp(t, s.app, testkit.ConseillerA, testkit.StructureA, "", at(1, 10, 9), 45, "sante")
	addHelp(t, s.app, testkit.ConseillerA2, testkit.StructureA, "", at(1, 20, 23), 60, "sante", "email")
	addHelp(t, s.app, testkit.ConseillerA, testkit.StructureA, testkit.BeneficiaireA2, at(2, 1, 0), 15, "bureautique")
	addHelp(t, s.app, testkit.ConseillerB, testkit.StructureB, testkit.BeneficiaireB, at(1, 15, 12), 90, "sante")
	cookie := s.signIn(testkit.ConseillerA)
	list := func(query string) string {
		t.Helper()
		rec := s.getAs(cookie, "/espace/accompagnements"+query)
		if rec.Code != http.StatusOK {
			t.Fatalf("list %s: %d", query, rec.Code)
		}
		return rec.Body.String()
	}
	// everything of A: fixture (2 × 30 min) and the three above, newest first
	body := list("")
	if !strings.Contains(body, "5 accompagnements, 3\u00a0h au total") {
		t.Errorf("totals of A:\n%s", body)
	}
	if strings.Contains(body, testkit.NomBeneficiaireB) || strings.Contains(body, "Nom conseillerb") {
		t.Error("B's help in A's list")
	}
	if i, j := strings.Index(body, "01/02/2025"), strings.Index(body, "10/01/2025"); i < 0 || j < 0 || i > j {
		t.Errorf("not newest first (%d, %d)", i, j)
	}
	for query, want := range map[string]string{
		"?qui=moi":                                "3 accompagnements, 1\u00a0h\u00a030 au total", // 30 + 45 + 15
		"?thematique=sante":                       "2 accompagnements, 1\u00a0h\u00a045 au total",
		"?du=2025-01-01&au=2025-01-31":            "2 accompagnements, 1\u00a0h\u00a045 au total",
		"?du=2025-01-20&au=2025-01-20":            "1 accompagnement, 1\u00a0h au total", // 23 h in Paris is still the 20th
		"?du=2025-02-01&au=2025-02-01":            "1 accompagnement, 15\u00a0min au total",
		"?au=2025-01-31&qui=moi":                  "1 accompagnement, 45\u00a0min au total",
		"?thematique=sante&qui=moi&du=2025-01-11": "0 accompagnement, 0\u00a0min au total",
	} {
		if body := list(query); !strings.Contains(body, want) {
			t.Errorf("%s: want %q in\n%s", query, want, body)
		}
	}
	if body := list("?qui=moi"); !strings.Contains(body, `<option value="moi" selected>Mes accompagnements</option>`) ||
		strings.Count(body, "Toute la structure") != 1 {
		t.Error("the « qui » filter is not shown as chosen")
	}
	// the people of one profile
	body = list("?beneficiaire=" + testkit.ID(testkit.BeneficiaireA2))
	for _, want := range []string{"1 accompagnement, 15\u00a0min", "Accompagnements de <strong>Camille Fixturenom-Alpha-Deux</strong>",
		`name="beneficiaire" value="` + testkit.ID(testkit.BeneficiaireA2) + `"`, accompagnementNew + "?beneficiaire=" + testkit.ID(testkit.BeneficiaireA2)} {
		if !strings.Contains(body, want) {
			t.Errorf("profile filter: missing %q", want)
		}
	}
	// anonymous rows show the age bracket, known people their name
	body = list("?du=2025-01-01&au=2025-01-31")
	for _, want := range []string{"Anonyme (60 - 69 ans)", "Santé, E-mail", "45\u00a0min", `<time datetime=`} {
		if !strings.Contains(body, want) {
			t.Errorf("rows: missing %q", want)
		}
	}
	// bad filters are explained and ignored
	body = list("?du=hier&thematique=cuisine&au=2025-01-01&page=-3")
	for _, want := range []string{"Indiquez une date valide", "Choisissez une thématique dans la liste.", `value="hier"`} {
		if !strings.Contains(body, want) {
			t.Errorf("bad filters: missing %q", want)
		}
	}
	// a reversed period is refused too
	if body := list("?du=2025-02-01&au=2025-01-01"); !strings.Contains(body, "La fin de la période doit être après son début.") {
		t.Error("reversed period accepted silently")
	}
}

func TestHelpListPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	start := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for i := 0; i < 55; i++ {
		addHelp(t, s.app, testkit.ConseillerA2, testkit.StructureA, "", start.AddDate(0, 0, i%20), 15, "email")
	}
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, "/espace/accompagnements?thematique=email"), http.StatusOK,
		[]string{"57 accompagnements", "Page 1 sur 2", "/espace/accompagnements?page=2&amp;thematique=email"}, []string{"Page précédente"})
	rec := s.getAs(cookie, "/espace/accompagnements?thematique=email&page=2")
	expectBody(t, rec, http.StatusOK, []string{"Page 2 sur 2", "Page précédente", "thematique=email"}, []string{"Page suivante"})
	if rows := strings.Count(rec.Body.String(), "<tr>") - 1; rows != 7 {
		t.Errorf("%d rows on page 2, want 7", rows)
	}
	// past the end: the last page
	expectBody(t, s.getAs(cookie, "/espace/accompagnements?page=99"), http.StatusOK, []string{"Page 2 sur 2"}, nil)
	var n int
	if err := s.app.DB().Select("count(*)").From("accompagnements").Where(dbx.HashExp{"structure": testkit.ID(testkit.StructureA)}).Row(&n); err != nil || n != 57 {
		t.Errorf("%d helps in A (%v)", n, err)
	}
}

// A conseiller of two structures chooses where the help goes; choosing a
// person sets it.
func TestHelpFormWithSeveralStructures(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "utilisateurs", testkit.ConseillerA2, map[string]any{
		"structures":    []string{testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)},
		"confirme_pour": []string{testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)}})
	cookie := s.signIn(testkit.ConseillerA2)
	expectBody(t, s.getAs(cookie, accompagnementNew), http.StatusOK,
		[]string{`<select id="structure" name="structure"`, "Médiathèque Alpha", "France Services Bêta"}, nil)
	expectBody(t, s.getAs(cookie, accompagnementNew+"?q=Camille"), http.StatusOK,
		[]string{testkit.NomBeneficiaireA, testkit.NomBeneficiaireB, `name="choisir" value="` + testkit.ID(testkit.BeneficiaireB) + `"`}, nil)
	expectBody(t, s.getAs(cookie, accompagnementNew+"?beneficiaire="+testkit.ID(testkit.BeneficiaireB)), http.StatusOK,
		[]string{`<option value="` + testkit.ID(testkit.StructureB) + `" selected>`}, nil)
	// the person and the structure must agree
	form := quickHelp(testkit.StructureA, todayIn(t, "Indian/Reunion"), "30", "email")
	form.Set("beneficiaire", testkit.ID(testkit.BeneficiaireB))
	expectBody(t, s.postAs(cookie, accompagnementNew, form), http.StatusUnprocessableEntity, []string{"n&#39;est pas suivie"}, nil)
	form.Set("structure", testkit.ID(testkit.StructureB))
	form.Set("date", todayIn(t, "Indian/Reunion"))
	form.Set("suite", "autre")
	rec := s.postAs(cookie, accompagnementNew, form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != accompagnementNew+"?structure="+testkit.ID(testkit.StructureB) {
		t.Fatalf("create in B: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	if help := newestHelp(t, s.app); help.GetString("structure") != testkit.ID(testkit.StructureB) {
		t.Errorf("help stored in %s", help.GetString("structure"))
	}
}

// Searching for the person, choosing one, or adding a new one keeps
// everything already typed: the page is one form.
func TestHelpFormKeepsWhatWasTypedAcrossTheSearch(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	benefA := testkit.ID(testkit.BeneficiaireA)
	date := testkit.Now().AddDate(0, 0, -1).Format("2006-01-02")
	form := quickHelp(testkit.StructureA, date, "45", "email", "diagnostic_numerique")
	form.Set("notes", "Créer une adresse e-mail, noter le mot de passe")
	form.Set("demarche", "Demande de carte grise")
	kept := []string{`value="45" checked`, `value="email" checked`, `value="diagnostic_numerique" checked`, "noter le mot de passe", `value="Demande de carte grise"`}

	search := url.Values{}
	for k, v := range form {
		search[k] = v
	}
	search.Set("etape", "chercher")
	search.Set("q", "fixturenom alpha")
	before := accompagnementCount(t, s.app)
	expectBody(t, s.postAs(cookie, accompagnementNew, search), http.StatusOK,
		append([]string{`name="choisir" value="` + benefA + `"`}, kept...), []string{"Erreur"})
	search.Del("etape")
	search.Set("choisir", benefA)
	expectBody(t, s.postAs(cookie, accompagnementNew, search), http.StatusOK,
		append([]string{"Personne choisie", `name="beneficiaire" value="` + benefA + `"`}, kept...), nil)
	if accompagnementCount(t, s.app) != before {
		t.Fatal("a step of the form saved a help")
	}

	// A new person, typed in the same form: created with the help.
	add := url.Values{}
	for k, v := range form {
		add[k] = v
	}
	add.Set("etape", "nouvelle")
	expectBody(t, s.postAs(cookie, accompagnementNew, add), http.StatusOK, append([]string{`name="nouvelle_prenom"`, `name="nouvelle" value="1"`}, kept...), nil)
	add.Del("etape")
	add.Set("nouvelle", "1")
	add.Set("nouvelle_prenom", "Rosalie")
	add.Set("nouvelle_nom", "Nouvelle")
	expectBody(t, s.postAs(cookie, accompagnementNew, add), http.StatusUnprocessableEntity, append([]string{"Cochez"}, kept...), nil)
	add.Set("nouvelle_consentement", beneficiaires.PrivacyVersion)
	people := s.count("beneficiaires")
	if rec := s.postAs(cookie, accompagnementNew, add); rec.Code != http.StatusSeeOther {
		t.Fatalf("help with a new person: %d\n%s", rec.Code, rec.Body.String())
	}
	help := newestHelp(t, s.app)
	person, err := s.app.FindRecordById("beneficiaires", help.GetString("beneficiaire"))
	if err != nil || person.GetString("nom") != "Nouvelle" || s.count("beneficiaires") != people+1 || person.GetString("consentement_version") == "" {
		t.Fatalf("new person: %v %v", person, err)
	}
	if help.GetString("notes") != "Créer une adresse e-mail, noter le mot de passe" {
		t.Errorf("notes %q", help.GetString("notes"))
	}

	// The same name again: offered first, created once confirmed.
	add.Set("nouvelle_prenom", "rosalie")
	expectBody(t, s.postAs(cookie, accompagnementNew, add), http.StatusConflict,
		[]string{"peut-être déjà suivie", `name="choisir" value="` + person.Id + `"`, `name="nouvelle_doublon"`}, nil)
	add.Set("nouvelle_doublon", "confirme")
	if rec := s.postAs(cookie, accompagnementNew, add); rec.Code != http.StatusSeeOther {
		t.Errorf("confirmed: %d", rec.Code)
	}
}
