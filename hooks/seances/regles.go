package seances

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"

	"atelier/hooks/model"
)

// registrationDeadline is how long before the start online registration
// closes: ATELIER_DELAI_INSCRIPTION (a Go duration such as "2h" or a number
// of minutes), 0 by default (open until the start).
func RegistrationDeadline() time.Duration {
	raw := strings.TrimSpace(os.Getenv("ATELIER_DELAI_INSCRIPTION"))
	if raw == "" {
		return 0
	}
	if minutes, err := strconv.Atoi(raw); err == nil && minutes >= 0 {
		return time.Duration(minutes) * time.Minute
	}
	if d, err := time.ParseDuration(raw); err == nil && d >= 0 {
		return d
	}
	return 0
}

// AttendanceToFill selects (alias s) the past sessions still planned with
// no attendance at all: nobody marked present or absent, no walk-in. The
// dashboard and the morning nudge share this definition.
func AttendanceToFill(now time.Time) dbx.Expression {
	return dbx.NewExp(`s.statut = 'planifiee' AND s.fin < {:now}
		AND s.participants_anonymes = 0
		AND NOT EXISTS (SELECT 1 FROM inscriptions i WHERE i.seance = s.id AND i.statut IN ('present', 'absent'))`,
		dbx.Params{"now": model.DBDate(now)})
}
