package seances

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/lib/origines"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// WidgetOrigines are the sites allowed to show the structure's agenda
// widget in a frame, checked again: the field may be written past the form.
func WidgetOrigines(structure *core.Record) []string {
	return origines.Keep(structure.GetString("widget_origines"))
}

// SetWidgetOrigines saves the typed list of sites allowed to frame the
// widget; a refused line comes back as *origines.Erreur and changes
// nothing. The structure's update rule decides who may.
func SetWidgetOrigines(app core.App, auth, structure *core.Record, typed string) error {
	list, err := origines.Parse(typed)
	if err != nil {
		return err
	}
	if err := access.UpdateChecked(app, auth, structure, map[string]any{"widget_origines": strings.Join(list, "\n")}); err != nil {
		return fmt.Errorf("widget origins of %s: %w", structure.Id, err)
	}
	return nil
}

// IsOriginesError tells a refused list, whose message goes next to the field.
func IsOriginesError(err error) bool {
	var e *origines.Erreur
	return errors.As(err, &e)
}

// WidgetWeeks is how far ahead the widget and seances.json go: the
// structure page's span.
const WidgetWeeks = HomeWeeks

// Widget is what the agenda widget and seances.json show: the
// structure's upcoming public sessions, from the public listing.
type Widget struct {
	Structure StructureView
	Seances   []WidgetSeance
}

// WidgetSeance is one session of the widget, with what a visitor needs to
// choose it; nothing about the people registered but their number.
type WidgetSeance struct {
	seanceCard
	BesoinLabel string
	// ListeAttente: the session is full but one may still register online,
	// on the waiting list.
	ListeAttente bool
}

// LoadWidget reads the upcoming public sessions of the structure.
func LoadWidget(app core.App, structure *core.Record, now time.Time) (*Widget, error) {
	params := dbx.Params{"from": model.DBDate(now), "to": model.DBDate(now.AddDate(0, 0, 7*WidgetWeeks)),
		"structure": structure.Id, "limit": 100, "offset": 0}
	cards, err := UpcomingCards(app, PublicUpcomingWhere+" AND s.structure = {:structure}", params)
	if err != nil {
		return nil, err
	}
	w := &Widget{Structure: NewStructureView(structure), Seances: make([]WidgetSeance, 0, len(cards))}
	for _, c := range cards {
		open := InscriptionFermee(model.SeancePlanifiee, true, c.InscriptionsOuvertes, c.Debut, now, EnLigne) == ""
		w.Seances = append(w.Seances, WidgetSeance{seanceCard: c, BesoinLabel: referentiel.Besoins.Label(c.Besoin),
			ListeAttente: c.Complet() && open})
	}
	return w, nil
}
