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
	return onInscription(app, auth, seanceID, inscriptionID, "restore", func(tx core.App, seance, inscription *core.Record, result *StaffInscription) error {
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
		result.Taken = taken
		return nil
	})
}
