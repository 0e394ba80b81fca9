package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/referentiel"
)

// « Générer maintenant » on the reports page: a report of the month still
// running is provisional (replaced by the final one when the month is
// over), a closed month's report is made again when its figures changed,
// and the journal keeps who did it (action « rapport »). The button makes
// a PDF: a few clicks a minute per person are plenty.
func init() {
	m.Register(func(app core.App) error {
		if err := setProvisionalReports(app, true); err != nil {
			return err
		}
		if err := setSelectValues(app, "journal", "action", referentiel.ActionsJournal); err != nil {
			return err
		}
		return addRateLimits(app, reportRateLimits)
	}, func(app core.App) error {
		if err := removeRateLimits(app, reportRateLimits); err != nil {
			return err
		}
		return setProvisionalReports(app, false)
	})
}

var reportRateLimits = []core.RateLimitRule{
	{Label: "POST /espace/rapports/", MaxRequests: 10, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
}

func setProvisionalReports(app core.App, present bool) error {
	rapports, err := app.FindCollectionByNameOrId("rapports")
	if err != nil {
		return fmt.Errorf("provisional reports: %w", err)
	}
	if present {
		rapports.Fields.Add(flag("provisoire"))
	} else {
		rapports.Fields.RemoveByName("provisoire")
	}
	if err := app.Save(rapports); err != nil {
		return fmt.Errorf("provisional reports: %w", err)
	}
	return nil
}
