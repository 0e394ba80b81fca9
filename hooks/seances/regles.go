package seances

import (
	"os"
	"strconv"
	"strings"
	"time"
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
