package web

import (
	"net/url"
	"strings"

	"atelier/hooks/inscriptions"
)

func parseAttendance(values url.Values) inscriptions.AttendanceInput {
	in := inscriptions.AttendanceInput{Statuts: map[string]string{}, Anonymes: strings.TrimSpace(values.Get("participants_anonymes"))}
	for name := range values {
		if id, ok := strings.CutPrefix(name, "presence_"); ok {
			in.Statuts[id] = strings.TrimSpace(values.Get(name))
		}
	}
	return in
}
