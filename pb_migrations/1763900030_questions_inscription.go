package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Registration questions: staff ask up to five questions per session
// (« Avez-vous un smartphone ? »), on the public form and their own.
//   - seances.questions holds them (label, type, choices, required): they
//     are not personal, and a public session's are read with it;
//   - inscriptions.reponses holds a person's answers, each with the label
//     it answered: personal data, read like the registration (a confirmed
//     conseiller of the session's structure), never by the public, erased
//     with the person (hooks/rgpd). The checks of both are the server's
//     (hooks/seances/questions.go), whatever the way in.
func init() {
	m.Register(func(app core.App) error {
		return setQuestions(app, true)
	}, func(app core.App) error {
		return setQuestions(app, false)
	})
}

func setQuestions(app core.App, present bool) error {
	seances, err := app.FindCollectionByNameOrId("seances")
	if err != nil {
		return fmt.Errorf("registration questions: %w", err)
	}
	inscriptions, err := app.FindCollectionByNameOrId("inscriptions")
	if err != nil {
		return fmt.Errorf("registration questions: %w", err)
	}
	if present {
		seances.Fields.Add(&core.JSONField{Name: "questions", MaxSize: 16 << 10,
			Help: "Questions posées à l'inscription (5 au plus) : libelle, type (oui_non, choix, texte), choix, obligatoire"})
		inscriptions.Fields.Add(&core.JSONField{Name: "reponses", MaxSize: 8 << 10,
			Help: "Réponses de la personne aux questions de la séance : question, reponse"})
	} else {
		seances.Fields.RemoveByName("questions")
		inscriptions.Fields.RemoveByName("reponses")
	}
	if err := app.Save(seances); err != nil {
		return fmt.Errorf("registration questions of seances: %w", err)
	}
	if err := app.Save(inscriptions); err != nil {
		return fmt.Errorf("registration questions of inscriptions: %w", err)
	}
	return nil
}
