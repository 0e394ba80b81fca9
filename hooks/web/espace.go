package web

import (
	"atelier/hooks/seances"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/model"
)

func DashboardHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		data, err := seances.LoadDashboard(e.App, staff, clock.Now(e.App))
		if err != nil {
			return err
		}
		if data.AAppeler, err = countAAppeler(e); err != nil {
			return err
		}
		if data.Rappels, err = seances.DelaisModifiables(e.App, e.Auth, staff); err != nil {
			return err
		}
		return pe.render(e, 200, "espace", "Mon espace", data)
	}
}
