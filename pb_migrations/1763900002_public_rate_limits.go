package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Public forms are rate-limited per IP address by PocketBase's own rate
// limiter (Settings > Rate limiting in the admin UI, where an administrator
// may tune them). PocketBase's default rules stay; Atelier adds its own.
func init() {
	m.Register(func(app core.App) error {
		return addRateLimits(app, publicRateLimits)
	}, func(app core.App) error {
		return removeRateLimits(app, publicRateLimits)
	})
}

// publicRateLimits: a person registers a few people at most per minute,
// even a relative or a helper at a shared computer; a bot does not.
var publicRateLimits = []core.RateLimitRule{
	{Label: "POST /ateliers/", MaxRequests: 10, Duration: 60, Audience: core.RateLimitRuleAudienceGuest},
	{Label: "POST /inscription/", MaxRequests: 10, Duration: 60, Audience: core.RateLimitRuleAudienceGuest},
	{Label: "/verifier/", MaxRequests: 30, Duration: 60},
}
