package seances

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// A cycle groups sessions that a person follows together. A registration
// for the cycle is one inscriptions row per session still to come, tied by
// inscriptions.cycle: attendance, sign-in sheets, reminders and statistics
// stay per session. This file is the one place that decides a cycle's
// places, its waiting list and its promotions.
//
// The sessions « still to come » of a cycle are its planned sessions not
// yet started. The places left of a cycle are the smaller of two counts:
//   - its capacity minus the people registered for the cycle (counted once
//     each, with a place in at least one session still to come);
//   - the places left of each session still to come, counted like any
//     session (PlacesRestantes): a person registered by staff for one
//     session of the cycle takes that session's chair only, and a cycle
//     registration needs a chair in every session.
// So the session's own count always wins when it is smaller: no session
// ever goes over its capacity through the cycle.
//
// The waiting list of a cycle is one list: a person waiting for the cycle
// has a waiting row in each session still to come, all with the same
// stored rank (the cycle's last rank plus one). When a place of the cycle
// frees up, the first waiting person is given (or offered, offres.go) a
// place in every session still to come at once, never half a cycle.
// Single-session waiting rows (cycle empty) of a cycle's session take a
// place that the cycle cannot use.

// CycleSeances lists the sessions of the cycle still to come at now, in
// order.
func CycleSeances(app core.App, cycleID string, now time.Time) ([]*core.Record, error) {
	list, err := app.FindRecordsByFilter("seances", "cycle = {:cycle} && statut = {:statut} && debut > {:now}", "debut", 0, 0,
		dbx.Params{"cycle": cycleID, "statut": model.SeancePlanifiee, "now": model.DBDate(now)})
	if err != nil {
		return nil, fmt.Errorf("sessions of cycle %s: %w", cycleID, err)
	}
	return list, nil
}

// AllCycleSeances lists every session of the cycle (past, cancelled
// included), in order.
func AllCycleSeances(app core.App, cycleID string) ([]*core.Record, error) {
	list, err := app.FindRecordsByFilter("seances", "cycle = {:cycle}", "debut", 0, 0, dbx.Params{"cycle": cycleID})
	if err != nil {
		return nil, fmt.Errorf("sessions of cycle %s: %w", cycleID, err)
	}
	return list, nil
}

// CyclePlaces is how full a cycle is at a time.
type CyclePlaces struct {
	Capacite  int
	Inscrits  int // people registered for the cycle, with a place to come
	EnAttente int // people waiting for the cycle
	Restantes int // places left for a cycle registration
}

// CountCyclePlaces counts the cycle's places at now (see the rule above),
// inside the caller's transaction when it decides.
func CountCyclePlaces(app core.App, cycle *core.Record, now time.Time) (CyclePlaces, error) {
	p := CyclePlaces{Capacite: cycle.GetInt("capacite")}
	params := dbx.Params{"cycle": cycle.Id, "statut": model.SeancePlanifiee, "now": model.DBDate(now)}
	aVenir := `SELECT id FROM seances WHERE cycle = {:cycle} AND statut = {:statut} AND debut > {:now}`
	err := app.DB().NewQuery(`SELECT
		(SELECT count(DISTINCT beneficiaire) FROM inscriptions WHERE cycle = {:cycle}
			AND statut IN (`+statutsPlacePrise+`) AND seance IN (`+aVenir+`)),
		(SELECT count(DISTINCT beneficiaire) FROM inscriptions WHERE cycle = {:cycle}
			AND statut = '`+model.StatutListeAttente+`' AND seance IN (`+aVenir+`))`).
		Bind(params).Row(&p.Inscrits, &p.EnAttente)
	if err != nil {
		return CyclePlaces{}, fmt.Errorf("places of cycle %s: %w", cycle.Id, err)
	}
	var sessions []struct {
		Capacite int `db:"capacite"`
		Prises   int `db:"prises"`
	}
	err = app.DB().NewQuery(`SELECT s.capacite, ` + PlacesPrisesSQL("s.id") + ` AS prises FROM seances s
		WHERE s.cycle = {:cycle} AND s.statut = {:statut} AND s.debut > {:now}`).Bind(params).All(&sessions)
	if err != nil {
		return CyclePlaces{}, fmt.Errorf("sessions of cycle %s: %w", cycle.Id, err)
	}
	if len(sessions) == 0 {
		return p, nil // nothing left to register for
	}
	p.Restantes = PlacesRestantes(p.Capacite, p.Inscrits)
	for _, s := range sessions {
		p.Restantes = min(p.Restantes, PlacesRestantes(s.Capacite, s.Prises))
	}
	return p, nil
}

// NextCycleRang is the stored rank a new waiting registration of the cycle
// takes: the cycle's last plus one.
func NextCycleRang(tx core.App, cycleID string) (int, error) {
	var last int
	err := tx.DB().NewQuery(`SELECT coalesce(max(rang_attente), 0) FROM inscriptions WHERE cycle = {:cycle}
		AND statut = '` + model.StatutListeAttente + `'`).Bind(dbx.Params{"cycle": cycleID}).Row(&last)
	if err != nil {
		return 0, fmt.Errorf("last waiting rank of cycle %s: %w", cycleID, err)
	}
	return last + 1, nil
}

// rangAttenteCycle is the position of a waiting cycle registration on the
// cycle's list: the people waiting with a smaller rank, plus one.
func rangAttenteCycle(app core.App, inscription *core.Record) (int, error) {
	var ahead int
	err := app.DB().NewQuery(`SELECT count(DISTINCT beneficiaire) FROM inscriptions WHERE cycle = {:cycle}
		AND statut = '` + model.StatutListeAttente + `' AND rang_attente < {:rang}`).
		Bind(dbx.Params{"cycle": inscription.GetString("cycle"), "rang": inscription.GetInt("rang_attente")}).Row(&ahead)
	if err != nil {
		return 0, fmt.Errorf("waiting position of registration %s: %w", inscription.Id, err)
	}
	return ahead + 1, nil
}

// CycleRows are the person's registrations of the cycle for its sessions
// still to come, in the sessions' order.
func CycleRows(tx core.App, cycleID, personID string, now time.Time) ([]*core.Record, error) {
	var ids []string
	err := tx.DB().NewQuery(`SELECT i.id FROM inscriptions i JOIN seances s ON s.id = i.seance
		WHERE i.cycle = {:cycle} AND i.beneficiaire = {:person} AND s.statut = {:statut} AND s.debut > {:now}
		ORDER BY s.debut`).Bind(dbx.Params{"cycle": cycleID, "person": personID,
		"statut": model.SeancePlanifiee, "now": model.DBDate(now)}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("registrations of %s in cycle %s: %w", personID, cycleID, err)
	}
	rows := make([]*core.Record, 0, len(ids))
	for _, id := range ids {
		r, err := tx.FindRecordById("inscriptions", id)
		if err != nil {
			return nil, fmt.Errorf("registration %s: %w", id, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// PromoteInCycle gives a free place of the cycle, if there is one, to the
// first person waiting for it, in every session still to come together
// (offered until one deadline, that of the first session, or given
// directly: offres.go). It returns that person's registration for the
// first session, nil when no place is free or nobody waits. skip is a
// person passed over (whose offer just lapsed).
func PromoteInCycle(tx core.App, cycle *core.Record, skip string, now time.Time) (*core.Record, error) {
	places, err := CountCyclePlaces(tx, cycle, now)
	if err != nil || places.Restantes == 0 {
		return nil, err
	}
	var person string
	err = tx.DB().NewQuery(`SELECT i.beneficiaire FROM inscriptions i JOIN seances s ON s.id = i.seance
		WHERE i.cycle = {:cycle} AND i.statut = '` + model.StatutListeAttente + `' AND i.beneficiaire != {:skip}
		AND s.statut = {:statut} AND s.debut > {:now} ORDER BY i.rang_attente, s.debut LIMIT 1`).
		Bind(dbx.Params{"cycle": cycle.Id, "skip": skip, "statut": model.SeancePlanifiee, "now": model.DBDate(now)}).Row(&person)
	if model.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("first waiting of cycle %s: %w", cycle.Id, err)
	}
	rows, err := CycleRows(tx, cycle.Id, person, now)
	if err != nil {
		return nil, err
	}
	var first *core.Record
	var premiere *core.Record // the first session: its start sets the one deadline
	for _, r := range rows {
		if r.GetString("statut") != model.StatutListeAttente {
			continue
		}
		if premiere == nil {
			if premiere, err = tx.FindRecordById("seances", r.GetString("seance")); err != nil {
				return nil, fmt.Errorf("session of registration %s: %w", r.Id, err)
			}
			first = r
		}
		if err := offer(tx, premiere, r, now); err != nil {
			return nil, err
		}
	}
	return first, nil
}

// promoteInCycleSeance is PromoteNext for a session of a cycle: the cycle's
// first waiting person when the cycle has a place, else the session's
// first single-session waiting person when the session has one, passing
// over the registration skip (whose offer just lapsed).
func promoteInCycleSeance(tx core.App, seance *core.Record, skip string, now time.Time) (*core.Record, error) {
	cycle, err := tx.FindRecordById("cycles", seance.GetString("cycle"))
	if err != nil {
		return nil, fmt.Errorf("cycle of session %s: %w", seance.Id, err)
	}
	promoted, err := PromoteInCycle(tx, cycle, "", now)
	if promoted != nil || err != nil {
		return promoted, err
	}
	return promoteFirstWaiting(tx, seance, skip, now, true)
}

// expireCycleOffer passes on a lapsed offer of a cycle: every offered row
// of the person goes back to the end of the cycle's waiting list, and the
// place goes to the next person waiting for the cycle.
func expireCycleOffer(tx core.App, inscription *core.Record, now time.Time) (bool, *core.Record, error) {
	cycleID, person := inscription.GetString("cycle"), inscription.GetString("beneficiaire")
	rang, err := NextCycleRang(tx, cycleID)
	if err != nil {
		return false, nil, err
	}
	rows, err := CycleRows(tx, cycleID, person, now)
	if err != nil {
		return false, nil, err
	}
	if !inList(rows, inscription.Id) {
		rows = append(rows, inscription) // its session has begun: it goes back all the same
	}
	for _, r := range rows {
		if !OffreEnCours(r) {
			continue
		}
		r.Set("statut", model.StatutListeAttente)
		r.Set("rang_attente", rang)
		r.Set("offre_expire", "")
		r.Set("offre_expiree", true)
		if err := tx.Save(r); err != nil {
			return false, nil, fmt.Errorf("lapsed offer %s: %w", r.Id, err)
		}
	}
	cycle, err := tx.FindRecordById("cycles", cycleID)
	if err != nil {
		return false, nil, fmt.Errorf("cycle of lapsed offer %s: %w", inscription.Id, err)
	}
	next, err := PromoteInCycle(tx, cycle, person, now)
	return true, next, err
}

func inList(rows []*core.Record, id string) bool {
	for _, r := range rows {
		if r.Id == id {
			return true
		}
	}
	return false
}

// PromoteAllCycle gives every free place of the cycle to its waiting list,
// in order (a larger capacity).
func PromoteAllCycle(tx core.App, cycle *core.Record) ([]*core.Record, error) {
	var promoted []*core.Record
	now := clock.Now(tx)
	for {
		p, err := PromoteInCycle(tx, cycle, "", now)
		if err != nil || p == nil {
			return promoted, err
		}
		promoted = append(promoted, p)
	}
}

// RegisterCycles keeps cycles whole on every path (pages, API, admin UI):
// a session joins only a cycle of its own structure, and a cycle's
// capacity is never lowered under the people registered for it.
func RegisterCycles(app core.App) {
	app.OnRecordValidate("seances").BindFunc(func(e *core.RecordEvent) error {
		if id := e.Record.GetString("cycle"); id != "" && id != e.Record.Original().GetString("cycle") {
			cycle, err := e.App.FindRecordById("cycles", id)
			if err == nil && cycle.GetString("structure") != e.Record.GetString("structure") {
				return validation.Errors{"cycle": model.FrenchError("cycle",
					"Ce cycle appartient à une autre structure que la séance.")}
			}
		}
		return e.Next()
	})
	app.OnRecordValidate("cycles").BindFunc(func(e *core.RecordEvent) error {
		c := e.Record
		if !c.IsNew() && c.GetInt("capacite") < c.Original().GetInt("capacite") {
			places, err := CountCyclePlaces(e.App, c, clock.Now(e.App))
			if err != nil {
				return err
			}
			if c.GetInt("capacite") < places.Inscrits {
				return validation.Errors{"capacite": model.FrenchError("capacite", fmt.Sprintf(
					"%d %s au cycle : la capacité ne peut pas être plus petite. Annulez d'abord des inscriptions si besoin.",
					places.Inscrits, frfmt.Pluriel(places.Inscrits, "personne est inscrite", "personnes sont inscrites")))}
			}
		}
		if !c.IsNew() && c.GetString("structure") != c.Original().GetString("structure") {
			var n int
			if err := e.App.DB().NewQuery("SELECT count(*) FROM seances WHERE cycle = {:cycle}").
				Bind(dbx.Params{"cycle": c.Id}).Row(&n); err != nil {
				return fmt.Errorf("sessions of cycle %s: %w", c.Id, err)
			}
			if n > 0 {
				return validation.Errors{"structure": model.FrenchError("structure",
					"Un cycle qui a des séances ne change pas de structure.")}
			}
		}
		return e.Next()
	})
}

// DescribeCycleDates says the dates of the sessions in French, grouped by
// month, with the times when every session has the same: « 4 séances :
// lundi 7, 14, 21 et 28 décembre, 14 h – 16 h ». Sessions are in the
// structure's time zone.
func DescribeCycleDates(sessions []*SeanceView) string {
	if len(sessions) == 0 {
		return "Aucune séance à venir"
	}
	sameTimes, sameWeekday := true, true
	for _, s := range sessions[1:] {
		if s.Debut.Format("15:04") != sessions[0].Debut.Format("15:04") || s.Fin.Format("15:04") != sessions[0].Fin.Format("15:04") {
			sameTimes = false
		}
		if s.Debut.Weekday() != sessions[0].Debut.Weekday() {
			sameWeekday = false
		}
	}
	text := frfmt.Pluriel(len(sessions), "1 séance", fmt.Sprintf("%d séances", len(sessions))) + " : "
	if sameWeekday {
		text += frfmt.JourSemaine(sessions[0].Debut) + " "
	}
	var groups []string
	var days []string
	for i, s := range sessions {
		day := fmt.Sprint(s.Debut.Day())
		if day == "1" {
			day = "1er"
		}
		if !sameWeekday {
			day = frfmt.JourSemaine(s.Debut) + " " + day
		}
		days = append(days, day)
		last := i == len(sessions)-1
		if last || sessions[i+1].Debut.Month() != s.Debut.Month() || sessions[i+1].Debut.Year() != s.Debut.Year() {
			groups = append(groups, listeFr(days)+" "+frfmt.NomMois(s.Debut.Month()))
			days = nil
		}
	}
	text += listeFr(groups)
	if sameTimes {
		text += ", " + frfmt.Plage(sessions[0].Debut, sessions[0].Fin)
	}
	return text
}

// listeFr joins items the French way: « 7, 14, 21 et 28 ».
func listeFr(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " et " + items[len(items)-1]
}
