package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The sites allowed to show a structure's agenda widget in a frame (its
// town hall's, its library's): https origins, one per line, checked by
// atelier/hooks/lib/origines when staff save them.
func init() {
	m.Register(func(app core.App) error {
		return setWidgetOrigines(app, true)
	}, func(app core.App) error {
		return setWidgetOrigines(app, false)
	})
}

func setWidgetOrigines(app core.App, present bool) error {
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return fmt.Errorf("widget origins: %w", err)
	}
	if present {
		structures.Fields.Add(text("widget_origines", false, 2000))
	} else {
		structures.Fields.RemoveByName("widget_origines")
	}
	if err := app.Save(structures); err != nil {
		return fmt.Errorf("widget origins: %w", err)
	}
	return nil
}
