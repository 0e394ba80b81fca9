package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/testkit"
)

// The follow-up of a person (hooks/suivi) over real HTTP: the months of
// needs and thématiques, the autonomy chart with its table, the referrals
// and « Êtes-vous allé à … ? » on the profile and on the next help's
// form, the workshops to offer, the counts of the statistics, and who may
// see or write any of it.

// suiviSite: Camille Fixturenom-Alpha (A) was helped 40 days ago (santé,
// e-mail; « avec guidage »; sent to the administration), 10 days ago
// (banque; « autonome avec guidage en cas de besoin »; sent elsewhere,
// without saying where) and 2 days ago (the fixture's help: e-mail, no
// autonomy), and attended an e-mail workshop for beginners 20 days ago.
// Upcoming public sessions of A: santé (a need not covered), e-mail
// intermediate (the next level), bureautique (unrelated); a private santé
// session; the fixture's public session she is registered for.
type suiviSite struct {
	*site
	referral, referralElsewhere string // the helps that sent her elsewhere
	sante, emailNext, tableur   string // upcoming sessions
	santePrivee                 string
	paris                       *time.Location
}

func newSuiviSite(t *testing.T) *suiviSite {
	t.Helper()
	s := &suiviSite{site: newSite(t)}
	var err error
	if s.paris, err = time.LoadLocation("Europe/Paris"); err != nil {
		t.Fatal(err)
	}
	now := testkit.Now()
	daysAgo := func(n int) time.Time {
		d := now.In(s.paris).AddDate(0, 0, -n)
		return time.Date(d.Year(), d.Month(), d.Day(), 12, 0, 0, 0, s.paris).UTC()
	}
	help := func(days int, themes []string, autonomie string, redirection string) string {
		fields := map[string]any{"conseiller": testkit.ID(testkit.ConseillerA), "structure": testkit.ID(testkit.StructureA),
			"beneficiaire": benefA, "date": daysAgo(days), "duree_minutes": 30, "type_lieu": "lieu_activite",
			"thematiques": themes, "autonomie": autonomie, "oriente": redirection != "-"}
		if redirection != "-" {
			fields["structure_redirection"] = redirection
		}
		return benefRecord(t, s.app, "accompagnements", fields).Id
	}
	s.referral = help(40, []string{"sante", "email"}, "entierement_accompagne", "administration")
	s.referralElsewhere = help(10, []string{"banque_et_achats_en_ligne"}, "partiellement_autonome", "")
	atelier := func(titre, niveau string, themes ...string) string {
		return benefRecord(t, s.app, "ateliers", map[string]any{"titre": titre, "besoin": "debuter", "thematiques": themes,
			"resume": "Pour le suivi.", "niveau": niveau, "duree_minutes": 120, "capacite_defaut": 8,
			"structure": testkit.ID(testkit.StructureA), "actif": true}).Id
	}
	seance := func(atelier string, days int, publique bool, statut string) string {
		start := now.UTC().AddDate(0, 0, days).Truncate(time.Hour)
		return benefRecord(t, s.app, "seances", map[string]any{"atelier": atelier, "structure": testkit.ID(testkit.StructureA),
			"lieu": testkit.ID(testkit.LieuA), "debut": start, "fin": start.Add(2 * time.Hour), "capacite": 8, "statut": statut,
			"publique": publique, "inscriptions_ouvertes": publique}).Id
	}
	past := seance(atelier("Courriel pour débuter", "debutant", "email"), -20, true, "realisee")
	present(t, s.app, past, benefA)
	sante := atelier("La santé en ligne", "debutant", "sante")
	s.sante = seance(sante, 5, true, "planifiee")
	s.santePrivee = seance(sante, 3, false, "planifiee")
	s.emailNext = seance(atelier("Courriel, deuxième pas", "intermediaire", "email"), 6, true, "planifiee")
	s.tableur = seance(atelier("Le tableur", "debutant", "bureautique"), 4, true, "planifiee")
	return s
}

func (s *suiviSite) answers(t *testing.T, help string) []*core.Record {
	t.Helper()
	records, err := s.app.FindRecordsByFilter("suivis_orientation", "accompagnement = {:a}", "date", 0, 0, dbx.Params{"a": help})
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func (s *suiviSite) question(help string) string {
	return `name="orientation_` + help + `"`
}

func TestSuiviProfileShowsMonthsChartReferralsAndSuggestions(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	rec := s.getAs(s.signIn(testkit.ConseillerA), benefPath(benefA))
	month := func(days int) string { return frfmt.Mois(testkit.Now().In(s.paris).AddDate(0, 0, -days)) }
	expectBody(t, rec, http.StatusOK, []string{
		// The months, with the besoin of the workshop and every thématique.
		"Besoins et thématiques abordés", "<th scope=\"row\">" + month(40) + "</th>", "<th scope=\"row\">" + month(20) + "</th>",
		"Je veux débuter avec le numérique", "Santé", "Banque et achats en ligne",
		// The chart is an image named by its title, followed by its table.
		`<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="graphique-autonomie"`,
		`<title id="graphique-autonomie">Autonomie à chaque accompagnement individuel</title>`, "<circle ",
		`<caption id="legende-autonomie">`, "<td>Avec guidage</td>", "<td>Autonome avec guidage en cas de besoin</td>",
		"<td>Non renseignée</td>",
		// The referrals, each with its question at this visit.
		"orienté vers <strong>Administration (mairie, préfecture…)</strong>", "orienté vers <strong>une autre structure</strong>",
		s.question(s.referral), s.question(s.referralElsewhere),
		"Êtes-vous allé à « Administration (mairie, préfecture…) » ?", "Pas encore de réponse.",
		// The workshops to offer, with the staff registration.
		"La santé en ligne", "Besoin pas encore couvert : Santé", "Courriel, deuxième pas", "Niveau suivant (Intermédiaire) : E-mail",
		`action="/espace/seances/` + s.sante + `/inscriptions"`, `name="beneficiaire" value="` + benefA + `"`,
	}, []string{"Le tableur", s.santePrivee, `/espace/seances/` + testkit.ID(testkit.SeancePubliqueA) + `/inscriptions"`})
	body := rec.Body.String()
	// Needs not covered come before next levels.
	if strings.Index(body, "La santé en ligne") > strings.Index(body, "Courriel, deuxième pas") {
		t.Error("the next level is offered before the need not covered")
	}
}

func TestSuiviOfAPersonWithNothingYet(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), benefPath(benefA2)), http.StatusOK, []string{
		"Rien encore : ni accompagnement individuel, ni atelier suivi.", "Aucun accompagnement individuel.",
		"Aucune orientation vers une autre structure.", "Aucune séance à venir ne correspond",
	}, []string{`aria-labelledby="graphique-autonomie"`})
}

func TestSuiviInscrireRegistersThePerson(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.postAs(cookie, "/espace/seances/"+s.sante+"/inscriptions", url.Values{"beneficiaire": {benefA}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", rec.Code, rec.Body.String())
	}
	if n := benefCount(t, s.app, "inscriptions", dbx.HashExp{"seance": s.sante, "beneficiaire": benefA, "statut": "inscrit"}); n != 1 {
		t.Fatalf("%d registrations", n)
	}
	// Registered: no longer offered.
	expectBody(t, s.getAs(cookie, benefPath(benefA)), http.StatusOK, []string{`/espace/seances/` + s.emailNext + `/inscriptions"`},
		[]string{`/espace/seances/` + s.sante + `/inscriptions"`, "Besoin pas encore couvert : Santé"})
}

func TestSuiviAnswerOnTheProfile(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	path := benefPath(benefA, "/orientations/", s.referral)
	field := "orientation_" + s.referral

	// Nothing chosen: the message next to the question, nothing recorded.
	before := benefCount(t, s.app, "journal", nil)
	expectBody(t, s.postAs(cookie, path, url.Values{}), http.StatusUnprocessableEntity,
		[]string{`id="erreur-` + field + `"`, "Choisissez une réponse : oui, non ou pas encore."}, nil)
	expectBody(t, s.postAs(cookie, path, url.Values{field: {"peut-etre"}}), http.StatusUnprocessableEntity,
		[]string{"Choisissez une réponse : oui, non ou pas encore."}, nil)
	if n := len(s.answers(t, s.referral)); n != 0 {
		t.Fatalf("%d answers recorded from a wrong form", n)
	}

	// « Pas encore »: recorded, the question stays for the next visit.
	rec := s.postAs(cookie, path, url.Values{field: {"pas_encore"}})
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Réponse enregistrée : Pas encore." {
		t.Fatalf("answer: %d %q", rec.Code, followFlash(rec))
	}
	got := s.answers(t, s.referral)
	if len(got) != 1 || got[0].GetString("reponse") != "pas_encore" || got[0].GetString("conseiller") != testkit.ID(testkit.ConseillerA) ||
		got[0].GetDateTime("date").Time().Sub(testkit.Now()).Abs() > time.Hour {
		t.Fatalf("answers %v", got)
	}
	if n := benefCount(t, s.app, "journal", dbx.HashExp{"beneficiaire": benefA, "action": "modification"}); n == 0 || benefCount(t, s.app, "journal", nil) <= before {
		t.Error("the answer is not journaled")
	}
	expectBody(t, s.getAs(cookie, benefPath(benefA)), http.StatusOK,
		[]string{s.question(s.referral), "Réponse : <strong>Pas encore</strong>", "Réponse précédente : pas encore."}, nil)

	// « Oui »: the referral is followed, no more question.
	if rec := s.postAs(cookie, path, url.Values{field: {"oui"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("answer yes: %d", rec.Code)
	}
	expectBody(t, s.getAs(cookie, benefPath(benefA)), http.StatusOK,
		[]string{"Réponse : <strong>Oui, j&#39;y suis allé</strong>", s.question(s.referralElsewhere)},
		[]string{s.question(s.referral)})

	// A help that is not a referral, another person's, or unknown: 404.
	for _, help := range []string{testkit.ID(testkit.AccompagnementA), testkit.ID(testkit.AccompagnementB), "inconnu"} {
		if rec := s.postAs(cookie, benefPath(benefA, "/orientations/", help), url.Values{"orientation_" + help: {"oui"}}); rec.Code != http.StatusNotFound {
			t.Errorf("answer for help %s: %d", help, rec.Code)
		}
	}
	if n := benefCount(t, s.app, "suivis_orientation", nil); n != 2 {
		t.Errorf("%d answers, want 2", n)
	}
}

func TestSuiviPromptOnTheNextHelpForm(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	form := "/espace/accompagnements/nouveau?beneficiaire=" + benefA
	expectBody(t, s.getAs(cookie, form), http.StatusOK, []string{"Suite des orientations",
		"Êtes-vous allé à « Administration (mairie, préfecture…) » ?", s.question(s.referral), s.question(s.referralElsewhere)}, nil)
	// Another person's form asks nothing.
	expectBody(t, s.getAs(cookie, "/espace/accompagnements/nouveau?beneficiaire="+benefA2), http.StatusOK, nil,
		[]string{"Suite des orientations"})

	help := func(answers ...string) url.Values {
		v := quickHelp(testkit.ID(testkit.StructureA), todayIn(t, "Europe/Paris"), "30", "email")
		v.Set("beneficiaire", benefA)
		for i := 0; i+1 < len(answers); i += 2 {
			v.Set("orientation_"+answers[i], answers[i+1])
		}
		return v
	}
	// A wrong answer: 422, the answers as typed, nothing saved.
	helps := accompagnementCount(t, s.app)
	expectBody(t, s.postAs(cookie, "/espace/accompagnements/nouveau", help(s.referral, "peut-etre", s.referralElsewhere, "oui")),
		http.StatusUnprocessableEntity, []string{"Choisissez une réponse : oui, non ou pas encore.",
			`name="orientation_` + s.referralElsewhere + `" value="oui" checked`}, nil)
	if accompagnementCount(t, s.app) != helps || benefCount(t, s.app, "suivis_orientation", nil) != 0 {
		t.Fatal("a refused form saved something")
	}

	// Saved with the help: « pas encore » for one, nothing for the other.
	rec := s.postAs(cookie, "/espace/accompagnements/nouveau", help(s.referral, "pas_encore"))
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body.String())
	}
	if got := s.answers(t, s.referral); len(got) != 1 || got[0].GetString("reponse") != "pas_encore" {
		t.Fatalf("answers %v", got)
	}
	if got := s.answers(t, s.referralElsewhere); len(got) != 0 {
		t.Fatalf("no answer chosen, answers %v", got)
	}
	// « Pas encore » asks again at the next visit.
	expectBody(t, s.getAs(cookie, form), http.StatusOK, []string{s.question(s.referral), "Réponse précédente : pas encore."}, nil)

	// « Non » closes the referral; a referral made today is not asked yet.
	v := help(s.referral, "non", s.referralElsewhere, "oui")
	v.Set("oriente", "1")
	v.Set("structure_redirection", "aide_sociale")
	if rec := s.postAs(cookie, "/espace/accompagnements/nouveau", v); rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", rec.Code, rec.Body.String())
	}
	expectBody(t, s.getAs(cookie, form), http.StatusOK, nil,
		[]string{"Suite des orientations", s.question(s.referral), s.question(s.referralElsewhere)})
	expectBody(t, s.getAs(cookie, benefPath(benefA)), http.StatusOK, []string{"Réponse : <strong>Non, je n&#39;irai pas</strong>",
		"orienté vers <strong>Structure d&#39;aide sociale</strong>"}, nil)
}

func TestSuiviCountsInStatistics(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	for help, answer := range map[string]string{s.referral: "oui"} {
		if rec := s.postAs(cookie, benefPath(benefA, "/orientations/", help), url.Values{"orientation_" + help: {answer}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("answer: %d", rec.Code)
		}
	}
	now := testkit.Now().UTC()
	period := "/espace/statistiques?" + url.Values{"du": {now.AddDate(0, 0, -60).Format("2006-01-02")},
		"au": {now.AddDate(0, 0, 1).Format("2006-01-02")}}.Encode()
	for _, who := range []string{testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur} {
		expectBody(t, s.getAs(s.signIn(who), period), http.StatusOK, []string{"Suite des orientations",
			"Suite des 2 orientations", `<th scope="row">Allé à la structure</th><td>1</td>`, `<th scope="row">Pas allé</th><td>0</td>`,
			`<th scope="row">Pas encore</th><td>0</td>`, `<th scope="row">Sans réponse</th><td>1</td>`},
			[]string{testkit.NomBeneficiaireA, "Administration (mairie"})
	}
	// B's conseiller counts B's: no referral.
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), period), http.StatusOK, []string{"Aucune orientation sur la période."}, nil)
}

// Only a conseiller confirmed for the person's structure sees the
// follow-up or records an answer; everyone else gets what the profile
// gives them, and nothing is written.
func TestSuiviAccessPerRole(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	path := benefPath(benefA, "/orientations/", s.referral)
	form := url.Values{"orientation_" + s.referral: {"oui"}}
	for _, c := range []struct {
		who          string
		cookie       string
		page, answer int
	}{
		{"anonyme", "", http.StatusSeeOther, http.StatusSeeOther},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusNotFound, http.StatusNotFound},
		{"référent", s.signIn(testkit.ReferentA), http.StatusForbidden, http.StatusForbidden},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusForbidden, http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther, http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther, http.StatusSeeOther},
	} {
		rec := s.getAs(c.cookie, benefPath(benefA))
		if rec.Code != c.page || strings.Contains(rec.Body.String(), "Êtes-vous allé") || strings.Contains(rec.Body.String(), "Administration (mairie") {
			t.Errorf("%s: profile %d", c.who, rec.Code)
		}
		if rec := s.postAs(c.cookie, path, form); rec.Code != c.answer {
			t.Errorf("%s: answer %d, want %d", c.who, rec.Code, c.answer)
		}
		rec = s.getAs(c.cookie, "/espace/accompagnements/nouveau?beneficiaire="+benefA)
		if strings.Contains(rec.Body.String(), "Êtes-vous allé") {
			t.Errorf("%s: the help form asks about a referral", c.who)
		}
	}
	if n := benefCount(t, s.app, "suivis_orientation", nil); n != 0 {
		t.Fatalf("%d answers recorded by people who may not", n)
	}
	// The confirmed conseiller of A may.
	if rec := s.postAs(s.signIn(testkit.ConseillerA2), path, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("conseiller A2: %d", rec.Code)
	}
}

// The REST API of suivis_orientation follows the same rule: confirmed
// conseillers of the help's structure read, and create in their own name
// for a referral; nobody changes or deletes an answer.
func TestSuiviAPIRules(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	records := apiRecords("suivis_orientation")
	body := func(help, conseiller string) map[string]any {
		return map[string]any{"accompagnement": help, "reponse": "pas_encore", "date": testkit.Now().UTC().Format("2006-01-02 15:04:05.000Z"),
			"conseiller": testkit.ID(conseiller)}
	}
	// Refused: other people's names, a help that is not a referral, other roles and structures.
	for _, c := range []struct {
		who  string
		body map[string]any
	}{
		{testkit.ConseillerA, body(s.referral, testkit.ConseillerA2)},
		{testkit.ConseillerA, body(testkit.ID(testkit.AccompagnementA), testkit.ConseillerA)},
		{testkit.ConseillerB, body(s.referral, testkit.ConseillerB)},
		{testkit.ReferentA, body(s.referral, testkit.ReferentA)},
		{testkit.Coordinateur, body(s.referral, testkit.Coordinateur)},
		{testkit.InactifA, body(s.referral, testkit.InactifA)},
		{testkit.DeconnecteA, body(s.referral, testkit.DeconnecteA)},
	} {
		if rec := s.apiAs(c.who, http.MethodPost, records, c.body); rec.Code < 400 {
			t.Errorf("%s created %v: %d", c.who, c.body, rec.Code)
		}
	}
	if rec := s.api(http.MethodPost, records, "", body(s.referral, testkit.ConseillerA)); rec.Code < 400 {
		t.Errorf("anonymous created an answer: %d", rec.Code)
	}
	if n := benefCount(t, s.app, "suivis_orientation", nil); n != 0 {
		t.Fatalf("%d answers created", n)
	}
	rec := s.apiAs(testkit.ConseillerA, http.MethodPost, records, body(s.referral, testkit.ConseillerA))
	if rec.Code != http.StatusOK {
		t.Fatalf("conseiller A: %d %s", rec.Code, rec.Body.String())
	}
	id := s.answers(t, s.referral)[0].Id
	for _, c := range []struct {
		who  string
		sees bool
	}{
		{testkit.ConseillerA, true}, {testkit.ConseillerA2, true}, {testkit.ConseillerB, false}, {testkit.ReferentA, false},
		{testkit.Coordinateur, false}, {testkit.InactifA, false}, {testkit.DeconnecteA, false},
	} {
		list := s.apiAs(c.who, http.MethodGet, records, nil)
		if strings.Contains(list.Body.String(), id) != c.sees {
			t.Errorf("%s lists the answer: %v, want %v (%d)", c.who, !c.sees, c.sees, list.Code)
		}
		view := s.apiAs(c.who, http.MethodGet, records+"/"+id, nil)
		if (view.Code == http.StatusOK) != c.sees {
			t.Errorf("%s views the answer: %d", c.who, view.Code)
		}
		if rec := s.apiAs(c.who, http.MethodPatch, records+"/"+id, map[string]any{"reponse": "oui"}); rec.Code < 400 {
			t.Errorf("%s changed an answer: %d", c.who, rec.Code)
		}
		if rec := s.apiAs(c.who, http.MethodDelete, records+"/"+id, nil); rec.Code < 400 {
			t.Errorf("%s deleted an answer: %d", c.who, rec.Code)
		}
	}
	if list := s.api(http.MethodGet, records, "", nil); strings.Contains(list.Body.String(), id) {
		t.Error("anonymous lists the answer")
	}
	if got := s.answers(t, s.referral); len(got) != 1 || got[0].GetString("reponse") != "pas_encore" {
		t.Errorf("answers %v", got)
	}
}

// The person's export (right of access) gives the answers of their
// referrals; deleting a help deletes its answers.
func TestSuiviInThePersonsExportAndGoneWithTheHelp(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	for _, answer := range []string{"pas_encore", "oui"} {
		if rec := s.postAs(cookie, benefPath(benefA, "/orientations/", s.referral), url.Values{"orientation_" + s.referral: {answer}}); rec.Code != http.StatusSeeOther {
			t.Fatalf("answer: %d", rec.Code)
		}
	}
	rec := s.getAs(cookie, benefPath(benefA, "/donnees.json"))
	expectBody(t, rec, http.StatusOK, []string{`"suivi_orientation": [`, `"reponse": "Pas encore",`, `"reponse": "Oui, j'y suis allé",`}, nil)
	if rec := s.postAs(cookie, "/espace/accompagnements/"+s.referral+"/supprimer", url.Values{}); rec.Code != http.StatusSeeOther {
		t.Fatalf("delete the help: %d", rec.Code)
	}
	if n := benefCount(t, s.app, "suivis_orientation", nil); n != 0 {
		t.Errorf("%d answers left after their help was deleted", n)
	}
}

// An anonymised person is still counted but no longer followed: the
// profile asks nothing and offers nothing.
func TestSuiviOfAnAnonymisedPerson(t *testing.T) {
	t.Parallel()
	s := newSuiviSite(t)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"anonymise": true, "prenom": "", "nom": "", "telephone": ""})
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), benefPath(benefA)), http.StatusOK,
		[]string{"Personne anonymisée", "orienté vers <strong>Administration (mairie, préfecture…)</strong>", "Aucune séance à venir ne correspond"},
		[]string{s.question(s.referral), "/inscriptions\""})
}
