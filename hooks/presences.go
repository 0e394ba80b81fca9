package hooks

import (
	"net/url"
	"strings"

	"atelier/hooks/inscriptions"
)

// The attendance sheet's logic: present or absent for each registered
// person, the count of anonymous walk-ins, walk-ins with a name, and the
// closing of the session. Only conseillers of the structure get here (they
// read people); every write goes through their API rules.

func parseAttendance(values url.Values) inscriptions.AttendanceInput {
	in := inscriptions.AttendanceInput{Statuts: map[string]string{}, Anonymes: strings.TrimSpace(values.Get("participants_anonymes"))}
	for name := range values {
		if id, ok := strings.CutPrefix(name, "presence_"); ok {
			in.Statuts[id] = strings.TrimSpace(values.Get(name))
		}
	}
	return in
}
