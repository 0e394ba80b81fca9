package inscriptions

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
	"atelier/hooks/journal"
)

// MarkPrevenu records that auth phoned the given people of a session
// (« prévenu » on the « à appeler » list): every message still to phone
// about for them is ticked with who and when, and the call is journaled on
// the person. Registrations of another session, or no longer on the list,
// are ignored. It returns how many people were ticked. The caller checked
// that auth reads the session's people.
func MarkPrevenu(app core.App, auth *core.Record, seanceID string, inscriptionIDs []string, now time.Time) (int, error) {
	ticked := 0
	err := app.RunInTransaction(func(tx core.App) error {
		people, err := envois.AAppelerDe(tx, seanceID, now)
		if err != nil {
			return err
		}
		for _, p := range people {
			if !slices.Contains(inscriptionIDs, p.Inscription) {
				continue
			}
			ids, err := envois.EnvoisAAppeler(tx, p.Inscription, now)
			if err != nil {
				return err
			}
			for _, id := range ids {
				envoi, err := tx.FindRecordById("envois", id)
				if err != nil {
					return fmt.Errorf("tick %s: %w", id, err)
				}
				envoi.Set("prevenu_le", now)
				envoi.Set("prevenu_par", auth.Id)
				if err := tx.Save(envoi); err != nil {
					return fmt.Errorf("tick %s: %w", id, err)
				}
			}
			inscription, err := tx.FindRecordById("inscriptions", p.Inscription)
			if err != nil {
				return fmt.Errorf("tick %s: %w", p.Inscription, err)
			}
			person, err := tx.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
			if err != nil {
				return fmt.Errorf("tick %s: %w", p.Inscription, err)
			}
			if err := journal.LogAccess(tx, auth, "modification", person,
				"Prévenu par téléphone ("+strings.Join(p.Raisons, ", ")+"), séance "+seanceID); err != nil {
				return err
			}
			ticked++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("tick people phoned about %s: %w", seanceID, err)
	}
	return ticked, nil
}
