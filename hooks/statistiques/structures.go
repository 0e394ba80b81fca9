package statistiques

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// staffStatsStructures lists the structures whose statistics the person
// sees, by name: their own, or every one for a coordinateur.
func StaffStatsStructures(app core.App, staff *model.StaffView) ([]StatsStructure, error) {
	var rows []struct {
		ID     string `db:"id"`
		Nom    string `db:"nom"`
		Fuseau string `db:"fuseau"`
	}
	err := app.DB().Select("id", "nom", "fuseau").From("structures").Where(staff.Scope("id")).
		OrderBy("lower(nom)", "id").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("structures for statistics: %w", err)
	}
	out := make([]StatsStructure, len(rows))
	for i, r := range rows {
		out[i] = StatsStructure{ID: r.ID, Nom: r.Nom, Loc: frfmt.Location(r.Fuseau)}
	}
	return out, nil
}

// statsStructure is a structure the person may count.
type StatsStructure struct {
	ID, Nom string
	Loc     *time.Location
}
