package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Cycles: several sessions that a person follows together (« Prendre en
// main sa tablette, 4 séances »), with one registration for all:
//   - a cycle belongs to a structure; its sessions point to it
//     (seances.cycle); the same staff who plan sessions make cycles (same
//     rules as seances), and a public cycle is read by everybody;
//   - a registration for the cycle is one inscriptions row per session
//     still to come, tied by inscriptions.cycle, so that attendance,
//     sign-in sheets, reminders and statistics stay per session. That
//     field is written by the server only (hooks/inscriptions/api.go): a
//     row created through the API is a registration for one session;
//   - the public form of a cycle is rate-limited like the session's.
func init() {
	m.Register(func(app core.App) error {
		structures, err := app.FindCollectionByNameOrId("structures")
		if err != nil {
			return fmt.Errorf("cycles: %w", err)
		}
		c := newCycles(structures)
		applyRules(c, cyclesRules())
		if err := app.Save(c); err != nil {
			return fmt.Errorf("create collection %s: %w", c.Name, err)
		}
		for _, name := range []string{"seances", "inscriptions"} {
			target, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return fmt.Errorf("cycles: %w", err)
			}
			target.Fields.Add(relation("cycle", false, c, false))
			if name == "seances" {
				target.AddIndex("idx_seances_cycle", false, "cycle, debut", "cycle != ''")
			} else {
				target.AddIndex("idx_inscriptions_cycle", false, "cycle, statut, rang_attente", "cycle != ''")
			}
			if err := app.Save(target); err != nil {
				return fmt.Errorf("cycle of %s: %w", name, err)
			}
		}
		return addRateLimits(app, cyclesRateLimits)
	}, func(app core.App) error {
		if err := removeRateLimits(app, cyclesRateLimits); err != nil {
			return err
		}
		for _, name := range []string{"seances", "inscriptions"} {
			target, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			target.RemoveIndex("idx_" + name + "_cycle")
			target.Fields.RemoveByName("cycle")
			if err := app.Save(target); err != nil {
				return err
			}
		}
		c, err := app.FindCollectionByNameOrId("cycles")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}

// cyclesRateLimits: the public form of a cycle, like the session's.
var cyclesRateLimits = []core.RateLimitRule{
	{Label: "POST /cycles/", MaxRequests: 10, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
}

func newCycles(structures *core.Collection) *core.Collection {
	c := core.NewBaseCollection("cycles")
	c.Fields.Add(
		relation("structure", true, structures, false),
		&core.TextField{Name: "titre", Required: true, Max: maxCourt, Presentable: true},
		text("description", false, maxLong),
		number("capacite", true, 1, 500),
		flag("publique"),
	)
	timestamps(c)
	c.AddIndex("idx_cycles_structure", false, "structure", "")
	return c
}

// cyclesRules are the rules of seances: staff of the structure read, its
// conseillers (or a coordinateur) write, and a public cycle is public.
func cyclesRules() collectionRules {
	return collectionRules{
		list:   rule(or(`publique = true`, staffOf("structure"))),
		view:   rule(or(`publique = true`, staffOf("structure"))),
		create: rule(or(isCoordinateur, conseillerOf("@request.body.structure"))),
		update: rule(and(or(isCoordinateur, conseillerOf("structure")),
			or(`@request.body.structure:isset = false`, isCoordinateur, conseillerOf("@request.body.structure")))),
		delete: rule(or(isCoordinateur, conseillerOf("structure"))),
	}
}
