package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The workspace sign-in and password-reset forms are limited per IP like
// the public forms, against password guessing.
var signInRateLimits = []core.RateLimitRule{
	{Label: "POST /connexion", MaxRequests: 10, Duration: 60},
	{Label: "POST /mot-de-passe-oublie", MaxRequests: 5, Duration: 60},
}

func init() {
	m.Register(func(app core.App) error {
		return addRateLimits(app, signInRateLimits)
	}, func(app core.App) error {
		return removeRateLimits(app, signInRateLimits)
	})
}
