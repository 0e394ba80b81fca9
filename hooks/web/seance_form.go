package web

import (
	"net/url"
	"strings"

	"atelier/hooks/seances"
)

func parseSeanceForm(values url.Values) seances.SeanceForm {
	get := func(name string) string { return strings.TrimSpace(values.Get(name)) }
	return seances.SeanceForm{
		Atelier: get("atelier"), Lieu: get("lieu"), Date: get("date"), Heure: get("heure"), Duree: get("duree"),
		Capacite: get("capacite"), Animateurs: formList(values, "animateurs"),
		Publique: values.Get("publique") != "", InscriptionsOuvertes: values.Get("inscriptions_ouvertes") != "",
		NotesInternes: get("notes_internes"), Repetition: get("repetition"), FinRepetition: get("fin_repetition"),
		Occurrences: get("occurrences"), Jusquau: get("jusquau"), Portee: get("portee"),
		JoursFeries: get("jours_feries"), ConfirmeFerie: values.Get("confirme_ferie") != "",
		ConfirmeChevauchement: values.Get("confirme_chevauchement") != "",
		Questions:             parseQuestionSlots(values),
	}
}

// parseQuestionSlots reads the five « Questions à l'inscription » slots.
func parseQuestionSlots(values url.Values) []seances.QuestionSaisie {
	slots := make([]seances.QuestionSaisie, seances.MaxQuestions)
	for i := range slots {
		name := func(part string) string { return seances.QuestionFieldName(part, i) }
		slots[i] = seances.QuestionSaisie{Libelle: values.Get(name("libelle")), Type: values.Get(name("type")),
			Choix: values.Get(name("choix")), Obligatoire: values.Get(name("obligatoire")) != ""}
	}
	return slots
}
