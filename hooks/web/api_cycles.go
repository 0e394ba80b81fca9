package web

import (
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/seances"
)

// RegisterCycleAPIRules: a cycle's capacity made larger through the REST
// API gives the places added to the cycle's waiting list, in every session
// at once, as the cycle's page does (seances.PromoteAllCycle); the people
// promoted are told after the commit. A smaller capacity than the people
// registered is refused by seances.RegisterCycles on every path.
func RegisterCycleAPIRules(app core.App) {
	app.OnRecordUpdateRequest("cycles").BindFunc(func(e *core.RecordRequestEvent) error {
		return inTransaction(e, func(tx core.App) ([]*core.Record, error) {
			stored, err := tx.FindRecordById("cycles", e.Record.Id)
			if err != nil {
				return nil, err
			}
			if err := e.Next(); err != nil {
				return nil, err
			}
			if e.Record.GetInt("capacite") <= stored.GetInt("capacite") {
				return nil, nil
			}
			return seances.PromoteAllCycle(tx, e.Record)
		}, func(promoted []*core.Record) {
			notifyPromoted(app, e.RequestEvent, promoted)
		})
	})
}
