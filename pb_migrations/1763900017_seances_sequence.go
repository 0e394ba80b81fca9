package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// A session's calendar event carries a SEQUENCE that calendar applications
// compare to decide whether an event they already hold changed: the
// counter is kept on the session, raised by a record hook
// (model.RegisterSequence) whenever the date, time, place or cancellation
// changes, whatever the path (pages, REST API).
func init() {
	m.Register(func(app core.App) error {
		seances, err := app.FindCollectionByNameOrId("seances")
		if err != nil {
			return fmt.Errorf("session sequence: %w", err)
		}
		seances.Fields.Add(&core.NumberField{Name: "sequence", Min: floatPtr(0), OnlyInt: true,
			Help: "Version de la séance dans les agendas : augmente à chaque changement de date, d'heure, de lieu ou d'annulation (calculé par le serveur)"})
		if err := app.Save(seances); err != nil {
			return fmt.Errorf("session sequence: %w", err)
		}
		return nil
	}, func(app core.App) error {
		seances, err := app.FindCollectionByNameOrId("seances")
		if err != nil {
			return fmt.Errorf("session sequence: %w", err)
		}
		seances.Fields.RemoveByName("sequence")
		if err := app.Save(seances); err != nil {
			return fmt.Errorf("session sequence: %w", err)
		}
		return nil
	})
}
