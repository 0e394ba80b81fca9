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

// LoadLimites reads the public form's limits from the settings record (the
// oldest one); without one, or left empty, the defaults apply.
func LoadLimites(app core.App) (Limites, error) {
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
