package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/rgpd"
	"atelier/hooks/seances"
	"atelier/hooks/testkit"
)

// Registration questions: staff define up to five on a session (and its
// series), the public form and staff ask them, the answers show on the
// session page, the sign-in sheet, the participants export and the
// person's data export, and go with the person's other data.

const (
	questionSmartphone = "Avez-vous un smartphone ?"
	questionAttente    = "Que voulez-vous apprendre ?"
	questionAide       = "Venez-vous avec un aidant ?"
	reponseLibre       = "Envoyer des photos a ma petite-fille"
)

// smartphoneQuestions are the questions of the tests: a required choice,
// an optional text and an optional yes/no.
var smartphoneQuestions = []seances.Question{
	{Libelle: questionSmartphone, Type: seances.QuestionChoix, Choix: []string{"Android", "iPhone", "Je ne sais pas"}, Obligatoire: true},
	{Libelle: questionAttente, Type: seances.QuestionTexte},
	{Libelle: questionAide, Type: seances.QuestionOuiNon},
}

func askQuestions(t testing.TB, app core.App, seance string) {
	t.Helper()
	setFields(t, app, "seances", seance, map[string]any{"questions": smartphoneQuestions})
}

func reponsesOf(t testing.TB, app core.App, id string) []seances.Reponse {
	t.Helper()
	r, err := app.FindRecordById("inscriptions", id)
	if err != nil {
		t.Fatal(err)
	}
	return seances.ReponsesOf(r)
}

func expectReponses(t testing.TB, got []seances.Reponse, want ...string) {
	t.Helper()
	var lines []string
	for _, r := range got {
		lines = append(lines, r.Question+"="+r.Reponse)
	}
	if strings.Join(lines, "|") != strings.Join(want, "|") {
		t.Errorf("answers %q, want %q", lines, want)
	}
}

func TestQuestionsDefinedOnTheSessionForm(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, "/espace/seances/nouvelle?atelier="+testkit.ID(testkit.AtelierA)), http.StatusOK,
		[]string{"<summary>Questions à l'inscription</summary>", `name="question_libelle_0"`, `name="question_libelle_4"`,
			`name="question_type_0"`, `name="question_choix_0"`, `name="question_obligatoire_0"`, "Réponse attendue à la question 5"}, []string{`name="question_libelle_5"`})

	// Refused: a label too long, a choice question with one choice, choices
	// without a question. Nothing planned, what was typed kept.
	before := countSeances(t, s.app)
	long := strings.Repeat("é", seances.MaxLibelle+1)
	bad := planForm(map[string]string{"repetition": "1", "fin_repetition": "nombre", "occurrences": "2",
		"question_libelle_0": long, "question_type_0": "texte",
		"question_libelle_1": "Votre téléphone ?", "question_type_1": "choix", "question_choix_1": "Android",
		"question_choix_3": "Orphelin"})
	expectBody(t, s.postAs(cookie, "/espace/seances/nouvelle", bad), http.StatusUnprocessableEntity,
		[]string{"La question est trop longue (150 caractères au plus, elle en a 151).", `id="erreur-question_libelle_0"`,
			"Écrivez au moins deux choix, un par ligne.", `id="erreur-question_choix_1"`,
			"Écrivez la question, ou effacez ses choix.", `id="erreur-question_libelle_3"`,
			`value="Votre téléphone ?"`, ">Orphelin</textarea>", long}, nil)
	if countSeances(t, s.app) != before {
		t.Fatal("a refused form planned sessions")
	}

	// A series of two: both sessions ask the same questions, in order.
	good := planForm(map[string]string{"repetition": "1", "fin_repetition": "nombre", "occurrences": "2",
		"question_libelle_0": questionSmartphone, "question_type_0": "choix", "question_choix_0": "Android\r\n iPhone \r\n\r\nJe ne sais pas",
		"question_obligatoire_0": "1",
		"question_libelle_2":     questionAttente, "question_type_2": "texte",
		"question_libelle_3": questionAide, "question_type_3": "oui_non"})
	rec := s.postAs(cookie, "/espace/seances/nouvelle", good)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("plan: %d\n%s", rec.Code, rec.Body.String())
	}
	first := mustFindID(t, s.app, "seances", strings.TrimPrefix(rec.Header().Get("Location"), "/espace/seances/"))
	series := seancesOfSeries(t, s.app, first.GetString("serie"))
	if len(series) != 2 {
		t.Fatalf("%d sessions planned", len(series))
	}
	for _, seance := range series {
		got, _ := json.Marshal(seances.QuestionsOf(seance))
		want, _ := json.Marshal(smartphoneQuestions)
		if string(got) != string(want) {
			t.Errorf("session %s asks %s, want %s", seance.Id, got, want)
		}
	}

	// Editing shows them in their slots; emptying a slot removes its question.
	edit := "/espace/seances/" + first.Id + "/modifier"
	expectBody(t, s.getAs(cookie, edit), http.StatusOK, []string{`value="` + questionSmartphone + `"`,
		"Android\niPhone\nJe ne sais pas</textarea>", `id="question_obligatoire_0" name="question_obligatoire_0" type="checkbox" value="1" checked`}, nil)
	form := planForm(map[string]string{"portee": "seance", "date": first.GetDateTime("debut").Time().In(paris).Format("2006-01-02"),
		"question_libelle_0": questionAttente, "question_type_0": "texte"})
	if rec := s.postAs(cookie, edit, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", rec.Code, rec.Body.String())
	}
	if qs := seances.QuestionsOf(mustFindID(t, s.app, "seances", first.Id)); len(qs) != 1 || qs[0].Libelle != questionAttente {
		t.Errorf("after the edit the session asks %+v", qs)
	}
	if qs := seances.QuestionsOf(mustFindID(t, s.app, "seances", series[1].Id)); len(qs) != 3 {
		t.Errorf("editing one session changed the next one: %+v", qs)
	}
}

func TestPublicFormAsksTheQuestions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	askQuestions(t, s.app, testkit.SeancePubliqueA)
	page := seanceURL(testkit.SeancePubliqueA)
	expectBody(t, s.get(page), http.StatusOK, []string{
		`<fieldset class="champ boutons" id="reponse_0">`, `<legend>` + questionSmartphone + ` <span class="obligatoire">(obligatoire)</span></legend>`,
		`type="radio" id="reponse_0-1" name="reponse_0" value="iPhone"`, `<label for="reponse_1">` + questionAttente,
		`name="reponse_2" value="oui"`, `name="reponse_2" value="non"`}, nil)

	before := s.count("inscriptions")
	// A required question left unanswered: refused next to it, the rest kept.
	form := person("Lucie", "Questionnee", "06 11 22 33 44", "")
	form.Set("reponse_1", reponseLibre)
	form.Set("reponse_2", "oui")
	expectBody(t, s.post(page+"/inscription", form), http.StatusUnprocessableEntity, []string{
		"Choisissez une réponse à la question « " + questionSmartphone + " ».", `id="erreur-reponse_0"`,
		`aria-describedby="erreur-reponse_0"`, `value="` + reponseLibre + `"`, `value="oui" checked`, `value="Questionnee"`}, nil)
	// An answer that is not one of the choices, a text too long.
	form.Set("reponse_0", "Windows Phone")
	form.Set("reponse_1", strings.Repeat("a", seances.MaxReponseTexte+1))
	expectBody(t, s.post(page+"/inscription", form), http.StatusUnprocessableEntity, []string{
		"Choisissez une réponse dans la liste.", "La réponse est trop longue (200 caractères au plus, elle en a 201)."}, nil)
	if s.count("inscriptions") != before {
		t.Fatal("a refused form registered someone")
	}

	form.Set("reponse_0", "iPhone")
	form.Set("reponse_1", reponseLibre)
	rec := s.post(page+"/inscription", form)
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("registration: %d\n%s", rec.Code, rec.Body.String())
	}
	jeton := strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/inscription/"), "?confirmation=1")
	r, err := s.app.FindFirstRecordByData("inscriptions", "jeton", jeton)
	if err != nil {
		t.Fatal(err)
	}
	expectReponses(t, seances.ReponsesOf(r), questionSmartphone+"=iPhone", questionAttente+"="+reponseLibre, questionAide+"=Oui")
	// Public pages never show answers: the session, the personal page.
	expectBody(t, s.get(page), http.StatusOK, nil, []string{reponseLibre})
	expectBody(t, s.get("/inscription/"+jeton), http.StatusOK, nil, []string{reponseLibre})
}

func TestStaffAskTheQuestions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	askQuestions(t, s.app, testkit.SeancePubliqueA)
	cookie := s.signIn(testkit.ConseillerA)
	seance := espaceSeance(testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, seance), http.StatusOK, []string{"<legend>Questions de la séance</legend>",
		`name="reponse_0"`, "<th scope=\"col\">Réponses</th>", "Poser les questions"}, nil)

	// A new person by phone: the required question is asked first.
	before := s.count("inscriptions")
	newForm := url.Values{"prenom": {"Marcel"}, "nom": {"Auteleph"}, "telephone": {"06 99 88 77 66"}, "consentement": {"oral"},
		"reponse_1": {reponseLibre}}
	expectBody(t, s.postAs(cookie, seance+"/inscriptions/nouvelle", newForm), http.StatusUnprocessableEntity,
		[]string{"Choisissez une réponse à la question « " + questionSmartphone + " ».", `value="` + reponseLibre + `"`, `value="Auteleph"`}, nil)
	if s.count("inscriptions") != before {
		t.Fatal("a refused staff form registered someone")
	}
	newForm.Set("reponse_0", "Android")
	if rec := s.postAs(cookie, seance+"/inscriptions/nouvelle", newForm); rec.Code != http.StatusSeeOther {
		t.Fatalf("staff registration: %d\n%s", rec.Code, rec.Body.String())
	}
	marcel, err := s.app.FindFirstRecordByData("beneficiaires", "nom", "Auteleph")
	if err != nil {
		t.Fatal(err)
	}
	expectReponses(t, seances.ReponsesOf(registrationOf(t, s.app, testkit.SeancePubliqueA, marcel.Id)),
		questionSmartphone+"=Android", questionAttente+"="+reponseLibre)

	// A known person found by the search: registered, then asked.
	known := newPerson(t, s.app, testkit.StructureA, "Odette", "Connue", "")
	rec := s.postAs(cookie, seance+"/inscriptions", url.Values{"beneficiaire": {known.Id}})
	reg := registrationOf(t, s.app, testkit.SeancePubliqueA, known.Id)
	answers := seance + "/inscriptions/" + reg.Id + "/reponses"
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != answers || !strings.Contains(followFlash(rec), "Posez-lui maintenant les questions") {
		t.Fatalf("known person: %d %q %q", rec.Code, rec.Header().Get("Location"), followFlash(rec))
	}
	expectBody(t, s.getAs(cookie, answers), http.StatusOK, []string{"Réponses de Odette Connue", `name="reponse_0"`}, nil)
	expectBody(t, s.postAs(cookie, answers, url.Values{"reponse_0": {"Minitel"}}), http.StatusUnprocessableEntity,
		[]string{"Choisissez une réponse dans la liste.", "Rien n'a été enregistré"}, nil)
	if len(reponsesOf(t, s.app, reg.Id)) != 0 {
		t.Fatal("refused answers were saved")
	}
	rec = s.postAs(cookie, answers, url.Values{"reponse_0": {"Je ne sais pas"}, "reponse_2": {"non"}})
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Réponses de Odette Connue enregistrées." {
		t.Fatalf("answers: %d %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	expectReponses(t, reponsesOf(t, s.app, reg.Id), questionSmartphone+"=Je ne sais pas", questionAide+"=Non")
	// The form shows them again to correct them; the session page lists them.
	expectBody(t, s.getAs(cookie, answers), http.StatusOK, []string{`value="Je ne sais pas" checked`, `value="non" checked`}, nil)
	expectBody(t, s.getAs(cookie, seance), http.StatusOK, []string{"<li>" + questionSmartphone + " Je ne sais pas</li>",
		"<li>" + questionAttente + " " + reponseLibre + "</li>", "Modifier les réponses"}, nil)
}

func TestAnswersOnTheSheetTheExportAndThePersonsData(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	askQuestions(t, s.app, testkit.SeancePubliqueA)
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"reponses": []seances.Reponse{
		{Question: questionSmartphone, Reponse: "Android"}, {Question: questionAttente, Reponse: reponseLibre}}})
	cookie := s.signIn(testkit.ConseillerA)
	seance := espaceSeance(testkit.SeancePubliqueA)

	expectPDFText(t, pdfOf(t, s.getAs(cookie, seance+"/emargement.pdf"), "inline"),
		[]string{"Réponses à l'inscription", questionSmartphone + " Android", reponseLibre, "Signature"}, nil)

	rec := s.getAs(cookie, seance+"/participants.csv")
	if rec.Code != http.StatusOK {
		t.Fatalf("CSV: %d", rec.Code)
	}
	lines := strings.Split(strings.TrimPrefix(rec.Body.String(), "\ufeff"), "\r\n")
	if !strings.HasSuffix(lines[0], ";Inscrit le;"+questionSmartphone+";"+questionAttente+";"+questionAide) {
		t.Errorf("CSV header %q", lines[0])
	}
	if !strings.Contains(rec.Body.String(), ";Android;"+reponseLibre+";\r\n") {
		t.Errorf("CSV row without the answers:\n%s", rec.Body.String())
	}
	// A question removed since: its answers stay in a last column.
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"questions": smartphoneQuestions[1:]})
	rec = s.getAs(cookie, seance+"/participants.csv")
	if !strings.Contains(rec.Body.String(), ";Autres réponses\r\n") || !strings.Contains(rec.Body.String(), ";"+reponseLibre+";;"+questionSmartphone+" Android\r\n") {
		t.Errorf("CSV after the question was removed:\n%s", rec.Body.String())
	}

	benef := "/espace/beneficiaires/" + testkit.ID(testkit.BeneficiaireA)
	expectBody(t, s.getAs(cookie, benef+"/donnees"), http.StatusOK, []string{"<li>" + questionSmartphone + " Android</li>"}, nil)
	rec = s.getAs(cookie, benef+"/donnees.json")
	var export struct {
		Inscriptions []struct {
			Reponses []seances.Reponse `json:"reponses"`
		} `json:"inscriptions"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &export); err != nil || len(export.Inscriptions) != 1 {
		t.Fatalf("export: %v\n%s", err, rec.Body.String())
	}
	expectReponses(t, export.Inscriptions[0].Reponses, questionSmartphone+"=Android", questionAttente+"="+reponseLibre)
}

func TestAnswersAreErasedWithThePerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	askQuestions(t, s.app, testkit.SeancePubliqueA)
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"reponses": []seances.Reponse{
		{Question: questionAttente, Reponse: reponseLibre}}})
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.postAs(cookie, "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)+"/effacer", url.Values{"confirmation": {"oui"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("erasure: %d\n%s", rec.Code, rec.Body.String())
	}
	if got := reponsesOf(t, s.app, testkit.ID(testkit.InscriptionA)); len(got) != 0 {
		t.Errorf("answers kept after the erasure: %+v", got)
	}
	if found := traces(t, s.app, reponseLibre); len(found) > 0 {
		t.Errorf("the answer is still in the database:\n%s", strings.Join(found, "\n"))
	}

	// Retention: an inactive person's answers go with the rest.
	app := appWithHooks(t)
	now := testkit.Now()
	c := rgpdCase(t, app, now)
	c.PastSession.Set("questions", smartphoneQuestions)
	if err := app.Save(c.PastSession); err != nil {
		t.Fatal(err)
	}
	c.PastReg.Set("reponses", []seances.Reponse{{Question: questionAttente, Reponse: reponseLibre}})
	if err := app.Save(c.PastReg); err != nil {
		t.Fatal(err)
	}
	if _, err := rgpd.RunRetention(app, now, false); err != nil {
		t.Fatal(err)
	}
	if got := reponsesOf(t, app, c.PastReg.Id); len(got) != 0 {
		t.Errorf("answers kept by retention: %+v", got)
	}
	if found := traces(t, app, reponseLibre); len(found) > 0 {
		t.Errorf("the answer is still in the database:\n%s", strings.Join(found, "\n"))
	}
}

func TestAnswersPageAccessPerRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	askQuestions(t, s.app, testkit.SeancePubliqueA)
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"reponses": []seances.Reponse{
		{Question: questionAttente, Reponse: reponseLibre}}})
	answers := espaceSeance(testkit.SeancePubliqueA) + "/inscriptions/" + testkit.ID(testkit.InscriptionA) + "/reponses"
	// another session's registration through this session's path
	other := espaceSeance(testkit.SeancePubliqueA) + "/inscriptions/" + testkit.ID(testkit.InscriptionB) + "/reponses"
	change := url.Values{"reponse_0": {"Android"}}
	for _, c := range []struct {
		who       string
		cookie    string
		get, post int
	}{
		{"anonyme", "", http.StatusSeeOther, http.StatusSeeOther},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusNotFound, http.StatusNotFound},
		{"référent", s.signIn(testkit.ReferentA), http.StatusForbidden, http.StatusForbidden},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusForbidden, http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther, http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther, http.StatusSeeOther},
	} {
		rec := s.getAs(c.cookie, answers)
		if rec.Code != c.get || strings.Contains(rec.Body.String(), reponseLibre) {
			t.Errorf("%s: page %d, want %d (answer shown: %v)", c.who, rec.Code, c.get, strings.Contains(rec.Body.String(), reponseLibre))
		}
		if c.get == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
			t.Errorf("%s: sent to %q", c.who, rec.Header().Get("Location"))
		}
		if rec := s.postAs(c.cookie, answers, change); rec.Code != c.post {
			t.Errorf("%s: post %d, want %d", c.who, rec.Code, c.post)
		}
		expectReponses(t, reponsesOf(t, s.app, testkit.ID(testkit.InscriptionA)), questionAttente+"="+reponseLibre)
		// Their session page never lists the answers either.
		if rec := s.getAs(c.cookie, espaceSeance(testkit.SeancePubliqueA)); strings.Contains(rec.Body.String(), reponseLibre) {
			t.Errorf("%s: the session page shows the answer", c.who)
		}
	}
	conseiller := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(conseiller, answers), http.StatusOK, []string{`value="` + reponseLibre + `"`}, nil)
	expectBody(t, s.getAs(conseiller, other), http.StatusNotFound, nil, nil)
	if rec := s.postAs(conseiller, other, change); rec.Code != http.StatusNotFound {
		t.Errorf("another session's registration: %d", rec.Code)
	}
	// from another site, even signed in
	if rec := s.do(http.MethodPost, answers, change, map[string]string{"Cookie": conseiller, "Origin": "https://pirate.example"}); rec.Code != http.StatusForbidden {
		t.Errorf("cross-site post: %d", rec.Code)
	}
	expectReponses(t, reponsesOf(t, s.app, testkit.ID(testkit.InscriptionA)), questionAttente+"="+reponseLibre)
}

func TestAnswersThroughTheAPI(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	askQuestions(t, s.app, testkit.SeancePubliqueA)
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"reponses": []seances.Reponse{
		{Question: questionAttente, Reponse: reponseLibre}}})
	one := apiRecords("inscriptions") + "/" + testkit.ID(testkit.InscriptionA)
	// Read like the registration: its structure's conseillers only.
	for role, want := range map[string]int{testkit.ConseillerA: http.StatusOK, testkit.ConseillerB: http.StatusNotFound,
		testkit.ReferentA: http.StatusNotFound, testkit.Coordinateur: http.StatusNotFound,
		testkit.InactifA: http.StatusNotFound, testkit.DeconnecteA: http.StatusNotFound} {
		rec := s.apiAs(role, http.MethodGet, one, nil)
		if rec.Code != want || (want != http.StatusOK) == strings.Contains(rec.Body.String(), reponseLibre) {
			t.Errorf("%s reads %d, want %d:\n%s", role, rec.Code, want, rec.Body.String())
		}
		list := s.apiAs(role, http.MethodGet, apiRecords("inscriptions")+"?perPage=500", nil)
		if role != testkit.ConseillerA && strings.Contains(list.Body.String(), reponseLibre) {
			t.Errorf("%s lists the answer", role)
		}
	}
	for _, path := range []string{one, apiRecords("inscriptions"), apiRecords("inscriptions") + "?filter=" + url.QueryEscape("reponses ~ 'photos'")} {
		if rec := s.api(http.MethodGet, path, "", nil); strings.Contains(rec.Body.String(), reponseLibre) || rec.Code == http.StatusOK && strings.Contains(rec.Body.String(), testkit.ID(testkit.InscriptionA)) {
			t.Errorf("anonymous %s: %d\n%s", path, rec.Code, rec.Body.String())
		}
	}
	// A public session's questions are public: they are on its page.
	if rec := s.api(http.MethodGet, apiRecords("seances")+"/"+testkit.ID(testkit.SeancePubliqueA), "", nil); !strings.Contains(rec.Body.String(), questionSmartphone) {
		t.Errorf("anonymous session read: %d\n%s", rec.Code, rec.Body.String())
	}

	// Writes are checked like the forms: answers to the session's questions only.
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, one, map[string]any{"reponses": []map[string]string{
		{"question": questionSmartphone, "reponse": "Minitel"}}}), "reponses", "Choisissez une réponse dans la liste.")
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, one, map[string]any{"reponses": []map[string]string{
		{"question": "Quel est votre revenu ?", "reponse": "1000"}}}), "reponses", "n'est pas une question de la séance")
	expectReponses(t, reponsesOf(t, s.app, testkit.ID(testkit.InscriptionA)), questionAttente+"="+reponseLibre)
	if rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, one, map[string]any{"reponses": []map[string]string{
		{"question": questionAide, "reponse": "Oui"}}}); rec.Code != http.StatusOK {
		t.Errorf("API answer: %d\n%s", rec.Code, rec.Body.String())
	}
	expectReponses(t, reponsesOf(t, s.app, testkit.ID(testkit.InscriptionA)), questionAide+"=Oui")
	if rec := s.apiAs(testkit.ConseillerB, http.MethodPatch, one, map[string]any{"reponses": []map[string]string{}}); rec.Code != http.StatusNotFound {
		t.Errorf("another structure's conseiller writes answers: %d", rec.Code)
	}
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("seances")+"/"+testkit.ID(testkit.SeancePubliqueA),
		map[string]any{"questions": []map[string]any{{"libelle": "Votre téléphone ?", "type": "choix", "choix": []string{"Android"}}}}),
		"questions", "Écrivez au moins deux choix, un par ligne.")
	six := make([]seances.Question, 6)
	for i := range six {
		six[i] = seances.Question{Libelle: "Question " + string(rune('A'+i)), Type: seances.QuestionTexte}
	}
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("seances")+"/"+testkit.ID(testkit.SeancePubliqueA),
		map[string]any{"questions": six}), "questions", "5 questions au plus")
}
