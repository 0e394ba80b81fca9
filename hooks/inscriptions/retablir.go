package inscriptions

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/model"
)

// RestoreByStaff undoes a cancellation made by mistake: the registration
// gets a place again if one is left, else goes to the end of the waiting
// list (the freed place may have gone to the next person meanwhile). Its
// personal link and source stay as they were.
func RestoreByStaff(app core.App, auth *core.Record, seanceID, inscriptionID string, now time.Time) (StaffInscription, error) {
	var result StaffInscription
	err := app.RunInTransaction(func(tx core.App) error {
		seance, err := seanceInTx(tx, seanceID)
		if err != nil {
			return err
		}
		inscription, err := seanceInscription(tx, auth, seance, inscriptionID)
		if err != nil {
			return err
		}
		if why := InscriptionRefusal(seance, now); why != "" {
			return staffRefusal(why)
		}
		if inscription.GetString("statut") != model.StatutAnnule {
			return staffRefusal("Cette inscription n'est pas annulée.")
		}
		statut, rang, taken, err := nextPlace(tx, seance)
		if err != nil {
			return err
		}
		if err := access.UpdateChecked(tx, auth, inscription, map[string]any{"statut": statut, "rang_attente": rang}); err != nil {
			return fmt.Errorf("restore registration %s: %w", inscription.Id, err)
		}
		result.Inscription, result.Taken = inscription, taken
		result.Person, err = tx.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
		return err
	})
	if err != nil {
		return StaffInscription{}, fmt.Errorf("staff restore in session %s: %w", seanceID, err)
	}
	return result, nil
}
