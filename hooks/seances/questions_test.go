package seances

import (
	"strings"
	"testing"
)

func TestParseQuestions(t *testing.T) {
	for _, c := range []struct {
		name   string
		slots  []QuestionSaisie
		want   int
		errKey string
		errMsg string
	}{
		{"empty slots ask nothing", SaisiesOf(nil), 0, "", ""},
		{"a choice, spaces and blank lines cleaned", []QuestionSaisie{{Libelle: "  Avez-vous   un smartphone ? ", Type: QuestionChoix,
			Choix: " Android \r\n\r\niPhone\r\n"}}, 1, "", ""},
		{"a label too long", []QuestionSaisie{{Libelle: strings.Repeat("a", MaxLibelle+1), Type: QuestionTexte}}, 1,
			"question_libelle_0", "trop longue"},
		{"one choice", []QuestionSaisie{{}, {Libelle: "Q ?", Type: QuestionChoix, Choix: "Oui"}}, 1, "question_choix_1", "au moins deux choix"},
		{"too many choices", []QuestionSaisie{{Libelle: "Q ?", Type: QuestionChoix, Choix: "1\n2\n3\n4\n5\n6\n7\n8\n9"}}, 1, "question_choix_0", "8 choix au plus"},
		{"a choice twice", []QuestionSaisie{{Libelle: "Q ?", Type: QuestionChoix, Choix: "A\nB\nA"}}, 1, "question_choix_0", "écrit deux fois"},
		{"choices without a question", []QuestionSaisie{{Type: QuestionChoix, Choix: "A\nB"}}, 0, "question_libelle_0", "effacez ses choix"},
		{"an unknown type", []QuestionSaisie{{Libelle: "Q ?", Type: "date"}}, 1, "question_type_0", "type de réponse"},
		{"six slots", make([]QuestionSaisie, 6), 0, "", "5 questions au plus"},
	} {
		qs, errs := ParseQuestions(c.slots)
		if len(qs) != c.want {
			t.Errorf("%s: %d questions, want %d", c.name, len(qs), c.want)
		}
		if c.errMsg == "" && len(errs) > 0 {
			t.Errorf("%s: errors %v", c.name, errs)
		}
		if c.errMsg != "" && !strings.Contains(errs[c.errKey], c.errMsg) {
			t.Errorf("%s: errors %v, want %q at %q", c.name, errs, c.errMsg, c.errKey)
		}
	}
	qs, _ := ParseQuestions([]QuestionSaisie{{Libelle: " Avez-vous  un smartphone ?", Type: QuestionChoix, Choix: " Android \r\n\r\niPhone\r\n", Obligatoire: true}})
	if q := qs[0]; q.Libelle != "Avez-vous un smartphone ?" || strings.Join(q.Choix, "|") != "Android|iPhone" || !q.Obligatoire {
		t.Errorf("question %+v", q)
	}
	// A text question keeps no choices typed by mistake in its slot.
	qs, errs := ParseQuestions([]QuestionSaisie{{Libelle: "Votre quartier", Type: QuestionTexte, Choix: "A\nB"}})
	if len(errs) > 0 || len(qs[0].Choix) != 0 {
		t.Errorf("text question %+v %v", qs, errs)
	}
	if saisies := SaisiesOf(qs); len(saisies) != MaxQuestions || saisies[0].Libelle != "Votre quartier" || saisies[1].Type != QuestionOuiNon {
		t.Errorf("slots %+v", saisies)
	}
}

func TestCheckReponses(t *testing.T) {
	qs := []Question{
		{Libelle: "Avez-vous un smartphone ?", Type: QuestionChoix, Choix: []string{"Android", "iPhone"}, Obligatoire: true},
		{Libelle: "Votre quartier", Type: QuestionTexte},
		{Libelle: "Un aidant ?", Type: QuestionOuiNon, Obligatoire: true},
	}
	rs, errs := CheckReponses(qs, []string{"iPhone", "  Les   Couronneries ", "non"})
	if len(errs) > 0 || ReponsesTexte(rs, " ; ") != "Avez-vous un smartphone ? iPhone ; Votre quartier : Les Couronneries ; Un aidant ? Non" {
		t.Errorf("answers %+v %v", rs, errs)
	}
	if v := ValeursOf(qs, rs); strings.Join(v, "|") != "iPhone|Les Couronneries|non" {
		t.Errorf("values again %q", v)
	}
	_, errs = CheckReponses(qs, []string{"", strings.Repeat("b", MaxReponseTexte+1), "peut-être"})
	for key, want := range map[string]string{"reponse_0": "Choisissez une réponse à la question « Avez-vous un smartphone ? ».",
		"reponse_1": "trop longue", "reponse_2": "« Oui » ou « Non »"} {
		if !strings.Contains(errs[key], want) {
			t.Errorf("%s: %q, want %q", key, errs[key], want)
		}
	}
	rs, errs = CheckReponses(qs, []string{"Android", "", "oui"})
	if len(errs) > 0 || len(rs) != 2 {
		t.Errorf("an optional question left empty: %+v %v", rs, errs)
	}
	// Stored through the API: the same values, required ones not enforced.
	if err := CheckStoredReponses(qs, []Reponse{{Question: "Un aidant ?", Reponse: "Oui"}}); err != nil {
		t.Error(err)
	}
	for _, bad := range [][]Reponse{
		{{Question: "Autre chose ?", Reponse: "x"}},
		{{Question: "Un aidant ?", Reponse: "Oui"}, {Question: "Un aidant ?", Reponse: "Non"}},
		{{Question: "Avez-vous un smartphone ?", Reponse: "Minitel"}},
	} {
		if CheckStoredReponses(qs, bad) == nil {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestChampsQuestionsKeepWhatWasChosen(t *testing.T) {
	qs := []Question{{Libelle: "Un aidant ?", Type: QuestionOuiNon}, {Libelle: "Votre quartier", Type: QuestionTexte}}
	champs := ChampsQuestions(qs, []string{"non", "Centre"}, map[string]string{"reponse_1": "Trop long"})
	if !champs[0].Groupe() || champs[0].Options[0].Selected || !champs[0].Options[1].Selected || champs[0].DescribedBy() != "" {
		t.Errorf("yes/no field %+v", champs[0])
	}
	if champs[1].Groupe() || champs[1].Valeur != "Centre" || champs[1].DescribedBy() != "erreur-reponse_1" {
		t.Errorf("text field %+v", champs[1])
	}
}
