package seances

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

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

// RefillAndRerank promotes waiting people while places are free (only if
// the session is still ahead) and renumbers the waiting list 1, 2, 3…
func RefillAndRerank(tx core.App, seance *core.Record, promote bool) (*core.Record, error) {
	waiting, err := tx.FindRecordsByFilter("inscriptions", "seance = {:seance} && statut = '"+model.StatutListeAttente+"'",
		"rang_attente,created", 0, 0, dbx.Params{"seance": seance.Id})
	if err != nil {
		return nil, fmt.Errorf("waiting list: %w", err)
	}
	taken, _, err := CountPlaces(tx, seance.Id)
	if err != nil {
		return nil, err
	}
	var promoted *core.Record
	rank := 0
	for _, w := range waiting {
		if promote && PlacesRestantes(seance.GetInt("capacite"), taken) > 0 {
			w.Set("statut", model.StatutInscrit)
			w.Set("rang_attente", 0)
			taken++
			if promoted == nil {
				promoted = w
			}
		} else {
			rank++
			if w.GetInt("rang_attente") == rank {
				continue
			}
			w.Set("rang_attente", rank)
		}
		if err := tx.Save(w); err != nil {
			return nil, fmt.Errorf("update waiting list: %w", err)
		}
	}
	return promoted, nil
}
