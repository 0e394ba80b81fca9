package seances

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// How full a session is. A place is taken by a confirmed person (statut
// inscrit or present); the waiting list is statut liste_attente; the
// places left are the capacity minus the places taken, never below zero (a
// conseiller may promote a waiting person or note a walk-in beyond the
// capacity). This file is
// the only definition: Go code calls PlacesRestantes and CountPlaces, SQL
// reuses PlacesPrisesSQL and EnAttenteSQL.

// PlacesRestantes is the number of places left for confirmed registrations:
// capacite - prises, and 0 when the session is full or over its capacity.
func PlacesRestantes(capacite, prises int) int { return max(0, capacite-prises) }

// statutsPlacePrise lists, for SQL, the registration statuses holding a place.
const statutsPlacePrise = "'" + model.StatutInscrit + "', '" + model.StatutPresent + "'"

// PlacesPrisesSQL is a subquery counting the places taken in one session;
// seance is the SQL expression of the session's id: "s.id" for a session
// of alias s, or a bound parameter such as "{:id}". It seeks the
// (seance, statut) index.
func PlacesPrisesSQL(seance string) string {
	return "(SELECT count(*) FROM inscriptions i WHERE i.seance = " + seance +
		" AND i.statut IN (" + statutsPlacePrise + "))"
}

// EnAttenteSQL is a subquery counting the waiting list of one session
// (seance as in PlacesPrisesSQL).
func EnAttenteSQL(seance string) string {
	return "(SELECT count(*) FROM inscriptions i WHERE i.seance = " + seance +
		" AND i.statut = '" + model.StatutListeAttente + "')"
}

// Effectifs is how many registrations of a session are in each status.
type Effectifs struct {
	Inscrits, EnAttente, Presents, Absents int
}

// Prises is the number of places taken.
func (e Effectifs) Prises() int { return e.Inscrits + e.Presents }

// CountEffectifs counts the registrations of the session by status, in one
// query.
func CountEffectifs(app core.App, seanceID string) (Effectifs, error) {
	var counts []struct {
		Statut string `db:"statut"`
		N      int    `db:"n"`
	}
	err := app.DB().NewQuery("SELECT statut, count(*) AS n FROM inscriptions WHERE seance = {:seance} GROUP BY statut").
		Bind(dbx.Params{"seance": seanceID}).All(&counts)
	if err != nil {
		return Effectifs{}, fmt.Errorf("count registrations of session %s: %w", seanceID, err)
	}
	var e Effectifs
	for _, c := range counts {
		switch c.Statut {
		case model.StatutInscrit:
			e.Inscrits = c.N
		case model.StatutListeAttente:
			e.EnAttente = c.N
		case model.StatutPresent:
			e.Presents = c.N
		case model.StatutAbsent:
			e.Absents = c.N
		}
	}
	return e, nil
}

// CountPlaces returns the places taken (registered or present) and the
// length of the waiting list.
func CountPlaces(app core.App, seanceID string) (taken, waiting int, err error) {
	e, err := CountEffectifs(app, seanceID)
	if err != nil {
		return 0, 0, err
	}
	return e.Prises(), e.EnAttente, nil
}

// The waiting list is ordered by rang_attente. A new waiting registration
// takes the last stored rank plus one; leaving the list (promotion,
// cancellation, attendance) sets 0 and renumbers nobody, so that each
// change costs a few index seeks however long the list is (renumbering
// 9,500 waiting people held the write lock 6 seconds). Stored ranks may
// therefore have gaps: the position shown to people and staff is computed,
// by RangAttente and RangAttenteSQL.

// DernierRangSQL is a subquery reading the last stored waiting rank of one
// session (seance as in PlacesPrisesSQL), 0 when nobody waits: one seek on
// the (seance, statut, rang_attente) index.
func DernierRangSQL(seance string) string {
	return "(SELECT coalesce(max(rang_attente), 0) FROM inscriptions WHERE seance = " + seance +
		" AND statut = '" + model.StatutListeAttente + "')"
}

// RangAttenteSQL is the position (1, 2, 3…) on its waiting list of the
// registration of alias i, for a row known to be waiting.
func RangAttenteSQL(i string) string {
	return "(SELECT count(*) FROM inscriptions w WHERE w.seance = " + i + ".seance AND w.statut = '" +
		model.StatutListeAttente + "' AND w.rang_attente <= " + i + ".rang_attente)"
}

// NextRang is the stored rank a new waiting registration of the session
// takes.
func NextRang(tx core.App, seanceID string) (int, error) {
	var last int
	err := tx.DB().NewQuery("SELECT " + DernierRangSQL("{:seance}")).Bind(dbx.Params{"seance": seanceID}).Row(&last)
	if err != nil {
		return 0, fmt.Errorf("last waiting rank of session %s: %w", seanceID, err)
	}
	return last + 1, nil
}

// RangAttente is the position (1, 2, 3…) of a waiting registration on its
// session's waiting list, 0 for a registration that is not waiting.
func RangAttente(app core.App, inscription *core.Record) (int, error) {
	if inscription.GetString("statut") != model.StatutListeAttente {
		return 0, nil
	}
	if inscription.GetString("cycle") != "" {
		return rangAttenteCycle(app, inscription) // one list for the cycle (cycles.go)
	}
	var ahead int
	err := app.DB().NewQuery("SELECT count(*) FROM inscriptions WHERE seance = {:seance} AND statut = '" +
		model.StatutListeAttente + "' AND rang_attente < {:rang}").
		Bind(dbx.Params{"seance": inscription.GetString("seance"), "rang": inscription.GetInt("rang_attente")}).Row(&ahead)
	if err != nil {
		return 0, fmt.Errorf("waiting position of registration %s: %w", inscription.Id, err)
	}
	return ahead + 1, nil
}

// PromoteNext gives a free place of the session, if there is one, to the
// first person on its waiting list and returns their registration (nil
// when no place is free or nobody waits): offered until a deadline, or
// given directly (see offres.go). Callers decide whether the session is
// still ahead.
func PromoteNext(tx core.App, seance *core.Record) (*core.Record, error) {
	return promoteNext(tx, seance, "", clock.Now(tx))
}

// promoteNext is PromoteNext at now, passing over the registration skip
// (whose offer just lapsed).
func promoteNext(tx core.App, seance *core.Record, skip string, now time.Time) (*core.Record, error) {
	if seance.GetString("cycle") != "" {
		return promoteInCycleSeance(tx, seance, skip, now) // a cycle is promoted whole (cycles.go)
	}
	return promoteFirstWaiting(tx, seance, skip, now, false)
}

// promoteFirstWaiting offers the session's free place, when it has one, to
// the first person on its waiting list, passing over the registration skip;
// alone keeps to the people waiting for this session alone (not for its
// cycle). It returns the registration offered the place, or nil.
func promoteFirstWaiting(tx core.App, seance *core.Record, skip string, now time.Time, alone bool) (*core.Record, error) {
	taken, err := countTaken(tx, seance.Id)
	if err != nil || PlacesRestantes(seance.GetInt("capacite"), taken) == 0 {
		return nil, err
	}
	onlyAlone := ""
	if alone {
		onlyAlone = " AND cycle = ''"
	}
	var id string
	// Ordered by the indexed rank alone, so that SQLite reads one index entry.
	err = tx.DB().NewQuery("SELECT id FROM inscriptions WHERE seance = {:seance} AND statut = '" +
		model.StatutListeAttente + "'" + onlyAlone + " AND id != {:skip} ORDER BY rang_attente LIMIT 1").
		Bind(dbx.Params{"seance": seance.Id, "skip": skip}).Row(&id)
	if model.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("first waiting of session %s: %w", seance.Id, err)
	}
	first, err := tx.FindRecordById("inscriptions", id)
	if err != nil {
		return nil, fmt.Errorf("first waiting of session %s: %w", seance.Id, err)
	}
	if err := offer(tx, seance, first, now); err != nil {
		return nil, err
	}
	return first, nil
}

// PromoteAll gives every free place of the session to the waiting list, in
// order (a larger capacity).
func PromoteAll(tx core.App, seance *core.Record) ([]*core.Record, error) {
	var promoted []*core.Record
	for {
		p, err := PromoteNext(tx, seance)
		if err != nil || p == nil {
			return promoted, err
		}
		promoted = append(promoted, p)
	}
}

// countTaken counts the places taken in the session: one seek, at most the
// capacity rows, whatever the length of the waiting list.
func countTaken(tx core.App, seanceID string) (int, error) {
	var taken int
	if err := tx.DB().NewQuery("SELECT " + PlacesPrisesSQL("{:seance}")).Bind(dbx.Params{"seance": seanceID}).Row(&taken); err != nil {
		return 0, fmt.Errorf("places taken in session %s: %w", seanceID, err)
	}
	return taken, nil
}

// RegisterCapacite refuses, on every path (pages, API, admin UI), a
// capacity lowered under the places already taken: people with a place
// keep it. A capacity already exceeded by a promotion or a walk-in may
// still grow or stay.
func RegisterCapacite(app core.App) {
	app.OnRecordValidate("seances").BindFunc(func(e *core.RecordEvent) error {
		if err := checkCapacite(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
}

func checkCapacite(app core.App, seance *core.Record) error {
	if seance.IsNew() || seance.GetInt("capacite") >= seance.Original().GetInt("capacite") {
		return nil
	}
	taken, err := countTaken(app, seance.Id)
	if err != nil {
		return err
	}
	if seance.GetInt("capacite") >= taken {
		return nil
	}
	return validation.Errors{"capacite": model.FrenchError("capacite", fmt.Sprintf(
		"%d %s déjà une place : la capacité ne peut pas être plus petite. Annulez d'abord des inscriptions si besoin.",
		taken, frfmt.Pluriel(taken, "personne a", "personnes ont")))}
}
