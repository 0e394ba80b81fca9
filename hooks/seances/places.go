package seances

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// refillAndRerank promotes waiting people while places are free (only if
// the session is still ahead) and renumbers the waiting list 1, 2, 3…
func RefillAndRerank(tx core.App, seance *core.Record, promote bool) (*core.Record, error) {
	waiting, err := tx.FindRecordsByFilter("inscriptions", "seance = {:seance} && statut = 'liste_attente'",
		"rang_attente,created", 0, 0, dbx.Params{"seance": seance.Id})
	if err != nil {
		return nil, fmt.Errorf("waiting list: %w", err)
	}
	taken, _, err := CountPlaces(tx, seance.Id)
	if err != nil {
		return nil, err
	}
	var promoted *core.Record
	rank := 0
	for _, w := range waiting {
		if promote && taken < seance.GetInt("capacite") {
			w.Set("statut", "inscrit")
			w.Set("rang_attente", 0)
			taken++
			if promoted == nil {
				promoted = w
			}
		} else {
			rank++
			if w.GetInt("rang_attente") == rank {
				continue
			}
			w.Set("rang_attente", rank)
		}
		if err := tx.Save(w); err != nil {
			return nil, fmt.Errorf("update waiting list: %w", err)
		}
	}
	return promoted, nil
}
