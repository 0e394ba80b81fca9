package inscriptions

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/seances"
)

// ReponsesRefusees carries the messages of answers the check refused:
// nothing was saved.
type ReponsesRefusees formulaire.Erreurs

func (r ReponsesRefusees) Error() string { return "answers refused" }

// SaveReponses records the answers staff typed for a registration of the
// session (asked by phone or at the desk), checked like the public form's
// (seances.CheckReponses), and journals the change of the person's data.
func SaveReponses(app core.App, auth *core.Record, seanceID, inscriptionID string, valeurs []string) (StaffInscription, error) {
	return onInscription(app, auth, seanceID, inscriptionID, "answers", func(tx core.App, seance, inscription *core.Record, result *StaffInscription) error {
		reponses, errs := seances.CheckReponses(seances.QuestionsOf(seance), valeurs)
		if len(errs) > 0 {
			return ReponsesRefusees(errs)
		}
		if err := access.UpdateChecked(tx, auth, inscription, map[string]any{"reponses": reponses}); err != nil {
			return fmt.Errorf("answers of registration %s: %w", inscription.Id, err)
		}
		person, err := tx.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
		if err != nil {
			return err
		}
		return journal.LogAccess(tx, auth, journal.Modification, person, "Réponses aux questions de la séance "+seance.Id)
	})
}

// InscriptionOfSeance is a registration of the session that the staff
// member reads, with its person: another session's is not found.
func InscriptionOfSeance(app core.App, auth *core.Record, seanceID, inscriptionID string) (StaffInscription, error) {
	seance, err := app.FindRecordById("seances", seanceID)
	if err != nil {
		return StaffInscription{}, fmt.Errorf("session %s: %w", seanceID, err)
	}
	inscription, err := seanceInscription(app, auth, seance, inscriptionID)
	if err != nil {
		return StaffInscription{}, err
	}
	person, err := app.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		return StaffInscription{}, fmt.Errorf("person of registration %s: %w", inscriptionID, err)
	}
	return StaffInscription{Inscription: inscription, Person: person}, nil
}
