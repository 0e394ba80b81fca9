package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Shared figures: a structure's référent, or a coordinateur, gives elected
// officials and funders a read-only link to the structure's statistics for
// a period (/chiffres/{jeton}), with no person in it, until they revoke it:
//   - the token is made by the server (statistiques.CreatePartage) and is a
//     hidden field: the REST API never returns it;
//   - référents read and revoke their structures' links, coordinateurs all;
//     conseillers see none (the page is theirs to ask for);
//   - links are created on the workspace page, where the period and the
//     label are checked; the API creates nothing.
func init() {
	m.Register(func(app core.App) error {
		structures, err := app.FindCollectionByNameOrId("structures")
		if err != nil {
			return fmt.Errorf("shared figures: %w", err)
		}
		utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
		if err != nil {
			return fmt.Errorf("shared figures: %w", err)
		}
		c := newPartagesStatistiques(structures, utilisateurs)
		applyRules(c, partagesRules())
		if err := app.Save(c); err != nil {
			return fmt.Errorf("create collection %s: %w", c.Name, err)
		}
		return addRateLimits(app, partagesRateLimits)
	}, func(app core.App) error {
		if err := removeRateLimits(app, partagesRateLimits); err != nil {
			return err
		}
		c, err := app.FindCollectionByNameOrId("partages_statistiques")
		if err != nil {
			return err
		}
		return app.Delete(c)
	})
}

// partagesRateLimits: the public page is computed for each visit; a guesser
// of tokens gets few tries.
var partagesRateLimits = []core.RateLimitRule{
	{Label: "/chiffres/", MaxRequests: 30, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
}

func newPartagesStatistiques(structures, utilisateurs *core.Collection) *core.Collection {
	c := core.NewBaseCollection("partages_statistiques")
	c.Fields.Add(
		relation("structure", true, structures, true),
		&core.TextField{Name: "libelle", Required: true, Max: 120, Presentable: true,
			Help: "Pour qui est le lien : « Conseil municipal », « Financeur »…"},
		pattern("du", true, 10, `^\d{4}-\d{2}-\d{2}$`),
		pattern("au", true, 10, `^\d{4}-\d{2}-\d{2}$`),
		&core.TextField{Name: "jeton", Required: true, Max: 64, Hidden: true},
		relation("cree_par", false, utilisateurs, false),
	)
	timestamps(c)
	c.AddIndex("idx_partages_statistiques_jeton", true, "jeton", "")
	c.AddIndex("idx_partages_statistiques_structure", false, "structure, created", "")
	return c
}

func partagesRules() collectionRules {
	lecteur := rule(or(isCoordinateur, and(isReferent, memberOf("structure"))))
	return collectionRules{list: lecteur, view: lecteur, delete: lecteur}
}
