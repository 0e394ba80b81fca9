package web

import (
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/journal"
	"atelier/hooks/model"
)

// journalList journals a page or an export that shows count people: one
// entry per request, with what was shown and how it was searched, never
// who. structure is theirs, or "" to take the staff member's only one.
// Nothing is written when nobody is shown.
func journalList(e *core.RequestEvent, structure string, count int, details string) error {
	if count == 0 {
		return nil
	}
	if structure == "" {
		if staff := model.NewStaffView(e.Auth); staff != nil && len(staff.Structures) == 1 {
			structure = staff.Structures[0]
		}
	}
	return journal.LogList(e.App, e.Auth, structure, count, details)
}
