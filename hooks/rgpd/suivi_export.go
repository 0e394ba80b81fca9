package rgpd

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// exportReponse is one answer to « Êtes-vous allé à … ? » (hooks/suivi),
// as the person's export gives it: the answer and its day, not who noted it.
type exportReponse struct {
	Reponse string     `json:"reponse"`
	Date    exportDate `json:"date"`
}

func exportSuivi(app core.App, help string, loc *time.Location) ([]exportReponse, error) {
	var rows []struct {
		Reponse string `db:"reponse"`
		Date    string `db:"date"`
	}
	err := app.DB().Select("reponse", "date").From("suivis_orientation").Where(dbx.HashExp{"accompagnement": help}).
		OrderBy("date", "created", "rowid").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("export referral answers of %s: %w", help, err)
	}
	var out []exportReponse
	for _, r := range rows {
		out = append(out, exportReponse{Reponse: referentiel.ReponsesOrientation.Label(r.Reponse),
			Date: exportDate{model.ParseDBTime(r.Date).In(loc)}})
	}
	return out, nil
}
