package seances

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/model"
)

// Registration questions: up to five per session, chosen by staff, asked
// on the public form and by staff. The definition, its checks and the
// checks of the answers live here only, so that whatever holds questions
// (a session, a series, a cycle) asks them with the same code.

// Types of question.
const (
	QuestionOuiNon = "oui_non"
	QuestionChoix  = "choix"
	QuestionTexte  = "texte"
)

// Limits of the questions and of their answers.
const (
	MaxQuestions      = 5
	MaxLibelle        = 150
	MaxChoix          = 8
	MaxLibelleChoix   = 80
	MaxReponseTexte   = 200
	reponseOui        = "Oui"
	reponseNon        = "Non"
	questionsField    = "questions"
	reponsesField     = "reponses"
	questionFieldName = "question_%s_%d"
)

// TypesQuestion are the kinds of question staff choose from.
var TypesQuestion = []formulaire.Option{
	{Value: QuestionOuiNon, Label: "Oui ou non"},
	{Value: QuestionChoix, Label: "Un choix dans une liste"},
	{Value: QuestionTexte, Label: "Une réponse courte écrite"},
}

// Question is one question asked at registration, as stored on the session.
type Question struct {
	Libelle     string   `json:"libelle"`
	Type        string   `json:"type"`
	Choix       []string `json:"choix,omitempty"`
	Obligatoire bool     `json:"obligatoire"`
}

// Reponse is a person's answer, with the question it answered: the answer
// keeps its meaning when the question is later reworded or removed.
type Reponse struct {
	Question string `json:"question"`
	Reponse  string `json:"reponse"`
}

// QuestionsOf reads the questions stored on a record (a session).
func QuestionsOf(r *core.Record) []Question {
	var qs []Question
	if err := r.UnmarshalJSONField(questionsField, &qs); err != nil {
		return nil
	}
	return qs
}

// LoadQuestions reads the questions of session id alone: the public form
// checks the answers without loading the whole session.
func LoadQuestions(app core.App, id string) ([]Question, error) {
	var raw string
	err := app.DB().NewQuery("SELECT coalesce(questions, '') FROM seances WHERE id = {:id}").Bind(dbx.Params{"id": id}).Row(&raw)
	if err != nil {
		return nil, fmt.Errorf("questions of session %s: %w", id, err)
	}
	var qs []Question
	if raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &qs); err != nil {
			return nil, fmt.Errorf("questions of session %s: %w", id, err)
		}
	}
	return qs, nil
}

// ReponsesOf reads the answers stored on a registration.
func ReponsesOf(r *core.Record) []Reponse {
	return ParseReponses(r.GetString(reponsesField))
}

// ParseReponses reads answers as stored (JSON); nothing readable is none.
func ParseReponses(raw string) []Reponse {
	var rs []Reponse
	if raw == "" || json.Unmarshal([]byte(raw), &rs) != nil {
		return nil
	}
	return rs
}

// Texte is the answer after its question, as lists and documents print
// it: « Avez-vous un smartphone ? Android », « Votre quartier : Centre ».
func (r Reponse) Texte() string {
	if strings.HasSuffix(r.Question, "?") || strings.HasSuffix(r.Question, ":") {
		return r.Question + " " + r.Reponse
	}
	return r.Question + " : " + r.Reponse
}

// ReponsesTexte is the answers one after the other, separated by sep.
func ReponsesTexte(rs []Reponse, sep string) string {
	parts := make([]string, 0, len(rs))
	for _, r := range rs {
		parts = append(parts, r.Texte())
	}
	return strings.Join(parts, sep)
}

// QuestionSaisie is one of the five slots of the staff form, as typed:
// choices one per line.
type QuestionSaisie struct {
	Libelle, Type, Choix string
	Obligatoire          bool
}

// QuestionFieldName is the form name of a slot's field (libelle, type,
// choix, obligatoire) and the key of its error.
func QuestionFieldName(part string, i int) string { return fmt.Sprintf(questionFieldName, part, i) }

// SaisiesOf fills the five slots of the form with stored questions.
func SaisiesOf(qs []Question) []QuestionSaisie {
	out := make([]QuestionSaisie, MaxQuestions)
	for i := range out {
		out[i].Type = QuestionOuiNon // the simplest question, for an empty slot
	}
	for i, q := range qs {
		if i == MaxQuestions {
			break
		}
		out[i] = QuestionSaisie{Libelle: q.Libelle, Type: q.Type, Choix: strings.Join(q.Choix, "\n"), Obligatoire: q.Obligatoire}
	}
	return out
}

// AvecQuestions tells whether a slot of the session form holds a question.
func (f SeanceForm) AvecQuestions() bool {
	return slices.ContainsFunc(f.Questions, func(s QuestionSaisie) bool { return strings.TrimSpace(s.Libelle) != "" })
}

// ParseQuestions checks the slots of the staff form: an empty slot asks
// nothing; the others become questions, in order. The errors are keyed by
// the slot's field names.
func ParseQuestions(saisies []QuestionSaisie) ([]Question, formulaire.Erreurs) {
	errs := formulaire.Erreurs{}
	if len(saisies) > MaxQuestions {
		errs[""] = fmt.Sprintf("%d questions au plus.", MaxQuestions)
		saisies = saisies[:MaxQuestions]
	}
	qs := []Question{}
	for i, s := range saisies {
		libelle := strings.Join(strings.Fields(s.Libelle), " ")
		var choix []string
		for _, line := range strings.Split(s.Choix, "\n") {
			if line = strings.Join(strings.Fields(line), " "); line != "" {
				choix = append(choix, line)
			}
		}
		if libelle == "" {
			if len(choix) > 0 {
				errs[QuestionFieldName("libelle", i)] = "Écrivez la question, ou effacez ses choix."
			}
			continue
		}
		q := Question{Libelle: libelle, Type: s.Type, Obligatoire: s.Obligatoire}
		if q.Type == QuestionChoix {
			q.Choix = choix
		}
		for field, message := range checkQuestion(q) {
			errs[QuestionFieldName(field, i)] = message
		}
		qs = append(qs, q)
	}
	return qs, errs
}

// CheckQuestions checks stored questions (the REST API writes them as
// JSON): the same rules as the form, said once for the whole list.
func CheckQuestions(qs []Question) error {
	if len(qs) > MaxQuestions {
		return fmt.Errorf("%d questions au plus", MaxQuestions)
	}
	for i, q := range qs {
		for _, message := range checkQuestion(q) {
			return fmt.Errorf("question %d : %s", i+1, message)
		}
	}
	return nil
}

// checkQuestion returns the problems of one question by part (libelle,
// type, choix).
func checkQuestion(q Question) map[string]string {
	errs := map[string]string{}
	switch n := len([]rune(q.Libelle)); {
	case strings.TrimSpace(q.Libelle) == "":
		errs["libelle"] = "Écrivez la question."
	case n > MaxLibelle:
		errs["libelle"] = fmt.Sprintf("La question est trop longue (%d caractères au plus, elle en a %d).", MaxLibelle, n)
	}
	if !formulaire.Contient(TypesQuestion, q.Type) {
		errs["type"] = "Choisissez le type de réponse."
		return errs
	}
	if q.Type != QuestionChoix {
		if len(q.Choix) > 0 {
			errs["choix"] = "Seule une question « un choix dans une liste » a des choix."
		}
		return errs
	}
	switch {
	case len(q.Choix) < 2:
		errs["choix"] = "Écrivez au moins deux choix, un par ligne."
	case len(q.Choix) > MaxChoix:
		errs["choix"] = fmt.Sprintf("%d choix au plus.", MaxChoix)
	}
	for i, c := range q.Choix {
		switch {
		case strings.TrimSpace(c) == "":
			errs["choix"] = "Un choix est vide : écrivez-le ou retirez sa ligne."
		case len([]rune(c)) > MaxLibelleChoix:
			errs["choix"] = fmt.Sprintf("Le choix « %s… » est trop long (%d caractères au plus).", string([]rune(c)[:20]), MaxLibelleChoix)
		case slices.Contains(q.Choix[:i], c):
			errs["choix"] = "Le choix « " + c + " » est écrit deux fois."
		}
	}
	return errs
}

// ReponseFieldName is the form name of the answer to question i, and the
// key of its error.
func ReponseFieldName(i int) string { return fmt.Sprintf("reponse_%d", i) }

// ReponseValeurs are the values the form posted for each question.
func ReponseValeurs(qs []Question, get func(name string) string) []string {
	out := make([]string, len(qs))
	for i := range qs {
		out[i] = strings.TrimSpace(get(ReponseFieldName(i)))
	}
	return out
}

// ValeursOf are the form values of stored answers, matched to the
// questions by their label: to edit them again.
func ValeursOf(qs []Question, rs []Reponse) []string {
	out := make([]string, len(qs))
	for i, q := range qs {
		for _, r := range rs {
			if r.Question != q.Libelle {
				continue
			}
			switch {
			case q.Type == QuestionOuiNon && r.Reponse == reponseOui:
				out[i] = "oui"
			case q.Type == QuestionOuiNon && r.Reponse == reponseNon:
				out[i] = "non"
			default:
				out[i] = r.Reponse
			}
		}
	}
	return out
}

// CheckReponses is the one check of answers, for every form that asks the
// questions: a required question needs an answer, a choice is one of the
// list, a text is short. It returns the answers to store (unanswered
// questions left out) and the errors keyed by ReponseFieldName.
func CheckReponses(qs []Question, valeurs []string) ([]Reponse, formulaire.Erreurs) {
	errs := formulaire.Erreurs{}
	rs := []Reponse{}
	for i, q := range qs {
		v := ""
		if i < len(valeurs) {
			v = strings.Join(strings.Fields(valeurs[i]), " ")
		}
		name := ReponseFieldName(i)
		if v == "" {
			if q.Obligatoire {
				if q.Type == QuestionTexte {
					errs[name] = "Répondez à la question « " + q.Libelle + " »."
				} else {
					errs[name] = "Choisissez une réponse à la question « " + q.Libelle + " »."
				}
			}
			continue
		}
		switch q.Type {
		case QuestionOuiNon:
			switch v {
			case "oui":
				v = reponseOui
			case "non":
				v = reponseNon
			default:
				errs[name] = "Choisissez « Oui » ou « Non »."
				continue
			}
		case QuestionChoix:
			if !slices.Contains(q.Choix, v) {
				errs[name] = "Choisissez une réponse dans la liste."
				continue
			}
		default:
			if n := len([]rune(v)); n > MaxReponseTexte {
				errs[name] = fmt.Sprintf("La réponse est trop longue (%d caractères au plus, elle en a %d).", MaxReponseTexte, n)
				continue
			}
		}
		rs = append(rs, Reponse{Question: q.Libelle, Reponse: v})
	}
	return rs, errs
}

// CheckStoredReponses checks answers written through the REST API: each
// answers one of the session's questions, at most once, with a value its
// form could have sent. Required questions are not enforced there: staff
// may record a registration before the person answers.
func CheckStoredReponses(qs []Question, rs []Reponse) error {
	valeurs := make([]string, len(qs))
	seen := map[string]bool{}
	for _, r := range rs {
		i := slices.IndexFunc(qs, func(q Question) bool { return q.Libelle == r.Question })
		if i < 0 {
			return fmt.Errorf("« %s » n'est pas une question de la séance", r.Question)
		}
		if seen[r.Question] {
			return fmt.Errorf("la question « %s » a deux réponses", r.Question)
		}
		seen[r.Question] = true
		valeurs[i] = r.Reponse
		if qs[i].Type == QuestionOuiNon {
			valeurs[i] = strings.ToLower(r.Reponse)
		}
	}
	optional := make([]Question, len(qs))
	for i, q := range qs {
		q.Obligatoire = false
		optional[i] = q
	}
	if _, errs := CheckReponses(optional, valeurs); len(errs) > 0 {
		for i := range qs {
			if msg := errs[ReponseFieldName(i)]; msg != "" {
				return fmt.Errorf("question « %s » : %s", qs[i].Libelle, msg)
			}
		}
	}
	return nil
}

// ChampQuestion is one question as a form draws it: its field name, the
// value posted or stored, its error and, for a choice, the options.
type ChampQuestion struct {
	Question
	Name, Valeur, Erreur string
	Options              []formulaire.Option
}

// Groupe tells a question answered by buttons (a fieldset with a legend).
func (c ChampQuestion) Groupe() bool { return c.Type != QuestionTexte }

// DescribedBy lists the ids of the field's error text.
func (c ChampQuestion) DescribedBy() string {
	if c.Erreur != "" {
		return "erreur-" + c.Name
	}
	return ""
}

// ChampsQuestions prepares the questions for a form, with the values as
// posted (or stored) and the errors.
func ChampsQuestions(qs []Question, valeurs []string, errs formulaire.Erreurs) []ChampQuestion {
	out := make([]ChampQuestion, 0, len(qs))
	for i, q := range qs {
		c := ChampQuestion{Question: q, Name: ReponseFieldName(i), Erreur: errs[ReponseFieldName(i)]}
		if i < len(valeurs) {
			c.Valeur = valeurs[i]
		}
		switch q.Type {
		case QuestionOuiNon:
			c.Options = []formulaire.Option{{Value: "oui", Label: reponseOui}, {Value: "non", Label: reponseNon}}
		case QuestionChoix:
			for _, choix := range q.Choix {
				c.Options = append(c.Options, formulaire.Option{Value: choix, Label: choix})
			}
		}
		for j := range c.Options {
			c.Options[j].Selected = c.Options[j].Value == c.Valeur
		}
		out = append(out, c)
	}
	return out
}

// EncodeReponses is the stored form of answers; none is an empty list.
func EncodeReponses(rs []Reponse) string {
	if rs == nil {
		rs = []Reponse{}
	}
	b, _ := json.Marshal(rs) // a list of two strings always marshals
	return string(b)
}

// RegisterQuestions checks the questions of a session and the answers of
// a registration on every save (pages, REST API, batch, admin): the same
// rules as the forms, in French.
func RegisterQuestions(app core.App) {
	app.OnRecordValidate("seances").BindFunc(func(e *core.RecordEvent) error {
		raw := e.Record.GetString(questionsField)
		if raw == "" || raw == "null" {
			return e.Next()
		}
		var qs []Question
		if err := json.Unmarshal([]byte(raw), &qs); err != nil {
			return frenchFieldError(questionsField, "Les questions ne sont pas lisibles : une liste de {libelle, type, choix, obligatoire} est attendue.")
		}
		if err := CheckQuestions(qs); err != nil {
			return frenchFieldError(questionsField, "Questions à l'inscription : "+err.Error()+".")
		}
		return e.Next()
	})
	app.OnRecordValidate("inscriptions").BindFunc(func(e *core.RecordEvent) error {
		raw := e.Record.GetString(reponsesField)
		if raw == "" || raw == "null" {
			return e.Next()
		}
		if orig := e.Record.Original(); orig != nil && !e.Record.IsNew() && orig.GetString(reponsesField) == raw {
			return e.Next() // unchanged: the session's questions may have changed since
		}
		var rs []Reponse
		if err := json.Unmarshal([]byte(raw), &rs); err != nil {
			return frenchFieldError(reponsesField, "Les réponses ne sont pas lisibles : une liste de {question, reponse} est attendue.")
		}
		if len(rs) == 0 {
			return e.Next()
		}
		seance, err := e.App.FindRecordById("seances", e.Record.GetString("seance"))
		if err != nil {
			return e.Next() // the relation's own check answers
		}
		if err := CheckStoredReponses(QuestionsOf(seance), rs); err != nil {
			return frenchFieldError(reponsesField, "Réponses : "+err.Error()+".")
		}
		return e.Next()
	})
}

func frenchFieldError(field, message string) error {
	return validation.Errors{field: model.FrenchError(field, message)}
}

// ReponsesPour keeps the answers to questions that qs asks: a cycle's
// answers are stored on each session's registration, which keeps those of
// its own questions.
func ReponsesPour(qs []Question, rs []Reponse) []Reponse {
	var out []Reponse
	for _, r := range rs {
		if slices.ContainsFunc(qs, func(q Question) bool { return q.Libelle == r.Question }) {
			out = append(out, r)
		}
	}
	return out
}
