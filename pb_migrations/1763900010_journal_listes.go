package pb_migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The journal records reads of several people at once (API lists and
// expands, searches, list pages, exports) under a new action, « liste »:
// one entry per request, with the count and the filter, never the names.
func init() {
	m.Register(func(app core.App) error {
		return setJournalListAction(app, true)
	}, func(app core.App) error {
		return setJournalListAction(app, false)
	})
}

func setJournalListAction(app core.App, present bool) error {
	journal, err := app.FindCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal action liste: %w", err)
	}
	action, ok := journal.Fields.GetByName("action").(*core.SelectField)
	if !ok {
		return fmt.Errorf("journal action liste: no select field action")
	}
	has := slices.Contains(action.Values, "liste")
	switch {
	case present && !has:
		action.Values = append(action.Values, "liste")
	case !present && has:
		action.Values = slices.DeleteFunc(action.Values, func(v string) bool { return v == "liste" })
	default:
		return nil
	}
	if err := app.Save(journal); err != nil {
		return fmt.Errorf("journal action liste: %w", err)
	}
	return nil
}
