package pb_migrations

import (
	"fmt"
	"slices"

	"github.com/pocketbase/pocketbase/core"
)

// addRateLimits turns PocketBase's rate limiter on and adds the rules it
// lacks (an administrator's own changes to existing rules are kept).
func addRateLimits(app core.App, rules []core.RateLimitRule) error {
	settings := app.Settings()
	settings.RateLimits.Enabled = true
	for _, rule := range rules {
		exists := slices.ContainsFunc(settings.RateLimits.Rules, func(r core.RateLimitRule) bool {
			return r.Label == rule.Label && r.Audience == rule.Audience
		})
		if !exists {
			settings.RateLimits.Rules = append(settings.RateLimits.Rules, rule)
		}
	}
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("add rate limits: %w", err)
	}
	return nil
}

// removeRateLimits drops the rules with the labels of rules.
func removeRateLimits(app core.App, rules []core.RateLimitRule) error {
	settings := app.Settings()
	settings.RateLimits.Rules = slices.DeleteFunc(settings.RateLimits.Rules, func(r core.RateLimitRule) bool {
		return slices.ContainsFunc(rules, func(p core.RateLimitRule) bool { return p.Label == r.Label })
	})
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("remove rate limits: %w", err)
	}
	return nil
}

// setRateLimitAudience sets the audience of the rules with these labels.
func setRateLimitAudience(app core.App, labels []string, audience string) error {
	settings := app.Settings()
	for i, r := range settings.RateLimits.Rules {
		if slices.Contains(labels, r.Label) {
			settings.RateLimits.Rules[i].Audience = audience
		}
	}
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("rate limit audience: %w", err)
	}
	return nil
}
