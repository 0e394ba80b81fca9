package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/codeperso"
)

// Every registration gets a short personal code (« 7K3M-Q9PX ») a person
// can read out or type on /i: hidden from the REST API like the token it
// leads to, unique, and given to the existing registrations whose personal
// link still works. /i and /i/{code} are rate-limited per IP address
// (signed in or not): 20 tries a minute make 40 random bits unguessable.
func init() {
	m.Register(func(app core.App) error {
		if err := setCodeInscription(app, true); err != nil {
			return err
		}
		if err := backfillCodes(app); err != nil {
			return err
		}
		return addRateLimits(app, codeRateLimits)
	}, func(app core.App) error {
		if err := removeRateLimits(app, codeRateLimits); err != nil {
			return err
		}
		return setCodeInscription(app, false)
	})
}

var codeRateLimits = []core.RateLimitRule{
	{Label: "/i/", MaxRequests: 20, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
}

func setCodeInscription(app core.App, present bool) error {
	inscriptions, err := app.FindCollectionByNameOrId("inscriptions")
	if err != nil {
		return fmt.Errorf("personal code: %w", err)
	}
	if present {
		inscriptions.Fields.Add(&core.TextField{Name: "code", Hidden: true, Max: codeperso.Longueur + 1, Pattern: codeperso.Motif})
		inscriptions.AddIndex("idx_inscriptions_code", true, "code", "code != ''")
	} else {
		inscriptions.RemoveIndex("idx_inscriptions_code")
		inscriptions.Fields.RemoveByName("code")
	}
	if err := app.Save(inscriptions); err != nil {
		return fmt.Errorf("personal code of inscriptions: %w", err)
	}
	return nil
}

// backfillCodes gives a code to the registrations whose personal link
// still works (a token erased by retention or anonymisation stays without).
func backfillCodes(app core.App) error {
	var ids []string
	if err := app.DB().Select("id").From("inscriptions").
		Where(dbx.NewExp("jeton != '' AND code = ''")).Column(&ids); err != nil {
		return fmt.Errorf("registrations without a personal code: %w", err)
	}
	used := make(map[string]bool, len(ids))
	for _, id := range ids {
		code := codeperso.Nouveau()
		for used[code] {
			code = codeperso.Nouveau()
		}
		used[code] = true
		if _, err := app.DB().Update("inscriptions", dbx.Params{"code": code}, dbx.HashExp{"id": id}).Execute(); err != nil {
			return fmt.Errorf("personal code of registration %s: %w", id, err)
		}
	}
	return nil
}
