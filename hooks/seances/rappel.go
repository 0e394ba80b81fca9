package seances

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/model"
)

// The reminder of a session leaves DelaiRappelDefaut before it starts, or
// the structure's own delay (structures.delai_rappel_heures), set by its
// référent or a coordinateur: a structure whose public comes on a weekly
// market day may want a week, another a same-day reminder.

const (
	DelaiRappelDefaut    = 48 * time.Hour
	MinDelaiRappelHeures = 2
	MaxDelaiRappelHeures = 168
)

// DelaiRappel is the reminder delay of a structure whose
// delai_rappel_heures is hours (0: not set).
func DelaiRappel(hours int) time.Duration {
	if hours < MinDelaiRappelHeures || hours > MaxDelaiRappelHeures {
		return DelaiRappelDefaut
	}
	return time.Duration(hours) * time.Hour
}

// ErrDelaiRappel is the French message of a delay out of bounds.
var ErrDelaiRappel = fmt.Errorf("Indiquez un nombre entier d'heures entre %d et %d, ou laissez vide pour %d heures.",
	MinDelaiRappelHeures, MaxDelaiRappelHeures, int(DelaiRappelDefaut.Hours()))

// SetDelaiRappel saves the reminder delay typed for a structure ("" goes
// back to the default). The structure's update rule decides who may.
func SetDelaiRappel(app core.App, auth *core.Record, structure *core.Record, typed string) error {
	hours := 0
	if typed = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(typed), "h")); typed != "" {
		n, err := strconv.Atoi(typed)
		if err != nil || n < MinDelaiRappelHeures || n > MaxDelaiRappelHeures {
			return ErrDelaiRappel
		}
		hours = n
	}
	if err := access.UpdateChecked(app, auth, structure, map[string]any{"delai_rappel_heures": hours}); err != nil {
		return fmt.Errorf("reminder delay of %s: %w", structure.Id, err)
	}
	return nil
}

// DelaiStructure is a structure's reminder delay, in hours, for its page.
type DelaiStructure struct {
	ID, Nom string
	Heures  int
}

// DelaisModifiables are the reminder delays of staff's structures that
// auth may change (their référent, a coordinateur).
func DelaisModifiables(app core.App, auth *core.Record, staff *model.StaffView) ([]DelaiStructure, error) {
	if staff == nil || staff.VoitPersonnes() {
		return nil, nil // conseillers do not change their structure
	}
	structures, err := model.StructuresOf(app, staff)
	if err != nil {
		return nil, err
	}
	var out []DelaiStructure
	for _, s := range structures {
		if access.MayUpdate(app, auth, s, nil) {
			out = append(out, DelaiStructure{ID: s.Id, Nom: s.GetString("nom"),
				Heures: int(DelaiRappel(s.GetInt("delai_rappel_heures")).Hours())})
		}
	}
	return out, nil
}
