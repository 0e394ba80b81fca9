package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A person answers the session's questions on the public form, in a
// browser without JavaScript: radio buttons in a fieldset with its legend,
// a short text, a required question refused next to it with what was
// typed kept; every step audited and fitting a 320 px screen.
func TestPublicFormAnswersTheQuestions(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 5)
	seance, err := f.db.FindRecordById("seances", seanceID)
	if err != nil {
		t.Fatal(err)
	}
	seance.Set("questions", []map[string]any{
		{"libelle": "Avez-vous un smartphone ?", "type": "choix", "choix": []string{"Android", "iPhone", "Je ne sais pas"}, "obligatoire": true},
		{"libelle": "Que voulez-vous apprendre ?", "type": "texte"},
		{"libelle": "Venez-vous avec un aidant ?", "type": "oui_non"},
	})
	if err := f.db.Save(seance); err != nil {
		t.Fatal(err)
	}
	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	page := f.URL + "/ateliers/" + seanceID
	var legend string
	err = chromedp.Run(ctx,
		chromedp.Navigate(page),
		chromedp.WaitVisible("#reponse_0", chromedp.ByID),
		chromedp.Text("#reponse_0 legend", &legend, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(legend, "Avez-vous un smartphone ?") || !strings.Contains(legend, "(obligatoire)") {
		t.Errorf("legend of the choice: %q", legend)
	}
	CheckAccessible(t, ctx, "form with questions", true)
	CheckFitsNarrowScreen(t, ctx, page)

	var errorText, kept string
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#prenom", "Huguette", chromedp.ByID),
		chromedp.SendKeys("#nom", "Questionnaire", chromedp.ByID),
		chromedp.SendKeys("#telephone", "06 12 34 56 77", chromedp.ByID),
		chromedp.SendKeys("#reponse_1", "Les appels en vidéo", chromedp.ByID),
		chromedp.Click(`label[for="reponse_2-0"]`, chromedp.ByQuery),
		chromedp.Click("#consentement", chromedp.ByID),
		chromedp.Sleep(RenduWait),
		chromedp.Click(`button.principal`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreurs", chromedp.ByID),
		chromedp.Text("#erreur-reponse_0", &errorText, chromedp.ByID),
		chromedp.Value("#reponse_1", &kept, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errorText, "Choisissez une réponse") {
		t.Errorf("required question: %q", errorText)
	}
	if kept != "Les appels en vidéo" {
		t.Errorf("typed answer not kept: %q", kept)
	}
	var ouiChecked bool
	if err := chromedp.Run(ctx, chromedp.JavascriptAttribute("#reponse_2-0", "checked", &ouiChecked, chromedp.ByID)); err == nil && !ouiChecked {
		t.Error("the chosen « Oui » was not kept")
	}
	CheckAccessible(t, ctx, "questions with an error", true)

	var heading string
	err = chromedp.Run(ctx,
		chromedp.Click(`label[for="reponse_0-1"]`, chromedp.ByQuery), // iPhone
		chromedp.Sleep(RenduWait),
		chromedp.Click(`button.principal`, chromedp.ByQuery),
		chromedp.WaitVisible(".recap", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Vous êtes inscrit" {
		t.Errorf("confirmation page: %q", heading)
	}
	person, err := f.db.FindFirstRecordByData("beneficiaires", "nom", "Questionnaire")
	if err != nil {
		t.Fatal(err)
	}
	inscription, err := f.db.FindFirstRecordByFilter("inscriptions", "beneficiaire = {:b}", map[string]any{"b": person.Id})
	if err != nil {
		t.Fatal(err)
	}
	var reponses []struct{ Question, Reponse string }
	if err := json.Unmarshal([]byte(inscription.GetString("reponses")), &reponses); err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(reponses)
	want := `[{"Question":"Avez-vous un smartphone ?","Reponse":"iPhone"},{"Question":"Que voulez-vous apprendre ?","Reponse":"Les appels en vidéo"},{"Question":"Venez-vous avec un aidant ?","Reponse":"Oui"}]`
	if string(got) != want {
		t.Errorf("answers stored %s, want %s", got, want)
	}
}
