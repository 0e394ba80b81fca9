package web

import (
	"net/url"
	"strconv"
	"strings"

	"atelier/hooks/seances"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/referentiel"
)

func parseHomeFilter(q url.Values) seances.HomeFilter {
	f := seances.HomeFilter{Besoin: q.Get("besoin"), Ou: q.Get("ou"), Semaines: seances.HomeWeeks, AvecPlace: false}
	if !referentiel.Besoins.Has(f.Besoin) {
		f.Besoin = ""
	}
	if !strings.HasPrefix(f.Ou, "c:") && !strings.HasPrefix(f.Ou, "s:") || len(f.Ou) > 200 {
		f.Ou = ""
	}
	if w, err := strconv.Atoi(q.Get("semaines")); err == nil {
		for _, p := range seances.Periodes {
			if p.Semaines == w {
				f.Semaines = w
			}
		}
	}
	// Full sessions are shown by default (marked « Complet — liste
	// d'attente »: people can still join the waiting list). The form sends
	// places=0 from a hidden field, then places=1 if the box is ticked: the
	// last value wins.
	if v := q["places"]; len(v) > 0 && v[len(v)-1] == "1" {
		f.AvecPlace = true
	}
	f.Page = pagination.Demandee(q)
	return f
}

func HomeHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		filter := parseHomeFilter(e.Request.URL.Query())
		return pe.renderCached(e, filter.Url(filter.Page), "home", "Ateliers numériques près de chez vous",
			func() (any, error) { return seances.LoadHome(e.App, filter, clock.Now(e.App)) })
	}
}
