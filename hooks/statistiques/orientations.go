package statistiques

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/stats"
)

// loadStatsSuivis gives each referral of d its latest answer to « Êtes-vous
// allé à … ? » (hooks/suivi), in one query over the same helps as
// loadStatsAccompagnements, served by the answers' (accompagnement, date)
// index. Only the answer is read, never who gave it.
func loadStatsSuivis(app core.App, d *stats.Donnees, ids []any, from, to string) error {
	index := map[string]int{}
	for i, a := range d.Accompagnements {
		if a.Oriente {
			index[a.ID] = i
		}
	}
	if len(index) == 0 {
		return nil
	}
	rows, err := app.DB().Select("a.id",
		"(SELECT o.reponse FROM suivis_orientation o WHERE o.accompagnement = a.id ORDER BY o.date DESC, o.created DESC, o.rowid DESC LIMIT 1)").
		From("accompagnements a").
		Where(dbx.And(dbx.In("a.structure", ids...), dbx.NewExp("a.date >= {:from} AND a.date < {:to}", dbx.Params{"from": from, "to": to}),
			dbx.NewExp("a.oriente = TRUE"),
			dbx.NewExp("EXISTS (SELECT 1 FROM suivis_orientation o WHERE o.accompagnement = a.id)"))).
		Build().Rows()
	if err != nil {
		return fmt.Errorf("statistics referral answers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, reponse string
		if err := rows.Scan(&id, &reponse); err != nil {
			return fmt.Errorf("statistics referral answers: %w", err)
		}
		if i, ok := index[id]; ok {
			d.Accompagnements[i].SuiviOrientation = reponse
		}
	}
	return rows.Err()
}
