package statistiques

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// StaffStatsStructures lists the structures whose statistics the person
// sees, by name: their own, or every one for a coordinateur.
func StaffStatsStructures(app core.App, staff *model.StaffView) ([]StatsStructure, error) {
	records, err := model.StructuresOf(app, staff)
	if err != nil {
		return nil, err
	}
	out := make([]StatsStructure, len(records))
	for i, r := range records {
		out[i] = StatsStructure{ID: r.Id, Nom: r.GetString("nom"), Loc: frfmt.Location(r.GetString("fuseau"))}
	}
	return out, nil
}

// StatsStructure is a structure the person may count.
type StatsStructure struct {
	ID, Nom string
	Loc     *time.Location
}
