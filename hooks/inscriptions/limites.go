package inscriptions

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
)

// Places of one session a public form gives at most to one IP address (a
// family, a helper at a social centre's computer) and to one phone or
// e-mail (a household), unless the administrators set others.
const (
	defaultPlacesParIP      = 6
	defaultPlacesParContact = 4
)

const limitesKey = "atelier.limites"

// RegisterLimites forgets the limits kept in memory whenever the settings
// change (every public registration reads them).
func RegisterLimites(app core.App) {
	forget := func(e *core.ModelEvent) error {
		app.Store().Remove(limitesKey)
		return e.Next()
	}
	app.OnModelAfterCreateSuccess("parametres").BindFunc(forget)
	app.OnModelAfterUpdateSuccess("parametres").BindFunc(forget)
	app.OnModelAfterDeleteSuccess("parametres").BindFunc(forget)
}

// LoadLimites reads the public form's limits from the settings record (the
// oldest one), kept in memory until it changes; without one, or left
// empty, the defaults apply.
func LoadLimites(app core.App) (Limites, error) {
	if l, ok := app.Store().Get(limitesKey).(Limites); ok {
		return l, nil
	}
	l, err := readLimites(app)
	if err == nil {
		app.Store().Set(limitesKey, l)
	}
	return l, err
}

func readLimites(app core.App) (Limites, error) {
	l := Limites{ParIP: defaultPlacesParIP, ParContact: defaultPlacesParContact}
	records, err := app.FindRecordsByFilter("parametres", "id != ''", "created", 1, 0)
	if err != nil {
		return l, fmt.Errorf("public form limits: %w", err)
	}
	if len(records) == 0 {
		return l, nil
	}
	if n := records[0].GetInt("places_par_ip"); n > 0 {
		l.ParIP = n
	}
	if n := records[0].GetInt("places_par_contact"); n > 0 {
		l.ParContact = n
	}
	return l, nil
}
