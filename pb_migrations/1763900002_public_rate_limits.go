package pb_migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Public forms are rate-limited per IP address by PocketBase's own rate
// limiter (Settings > Rate limiting in the admin UI, where an administrator
// may tune them). PocketBase's default rules stay; Atelier adds its own.
func init() {
	m.Register(enablePublicRateLimits, disablePublicRateLimits)
}

// publicRateLimits: a person registers a few people at most per minute,
// even a relative or a helper at a shared computer; a bot does not.
var publicRateLimits = []core.RateLimitRule{
	{Label: "POST /ateliers/", MaxRequests: 10, Duration: 60, Audience: core.RateLimitRuleAudienceGuest},
	{Label: "POST /inscription/", MaxRequests: 10, Duration: 60, Audience: core.RateLimitRuleAudienceGuest},
	{Label: "/verifier/", MaxRequests: 30, Duration: 60},
}

func enablePublicRateLimits(app core.App) error {
	settings := app.Settings()
	settings.RateLimits.Enabled = true
	for _, rule := range publicRateLimits {
		exists := slices.ContainsFunc(settings.RateLimits.Rules, func(r core.RateLimitRule) bool {
			return r.Label == rule.Label && r.Audience == rule.Audience
		})
		if !exists {
			settings.RateLimits.Rules = append(settings.RateLimits.Rules, rule)
		}
	}
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("enable rate limits: %w", err)
	}
	return nil
}

func disablePublicRateLimits(app core.App) error {
	settings := app.Settings()
	settings.RateLimits.Rules = slices.DeleteFunc(settings.RateLimits.Rules, func(r core.RateLimitRule) bool {
		return slices.ContainsFunc(publicRateLimits, func(p core.RateLimitRule) bool { return p.Label == r.Label })
	})
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("disable rate limits: %w", err)
	}
	return nil
}
