package inscriptions

import (
	"fmt"
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Registrations written through the REST API (integrators, the admin UI,
// batch requests) follow the decision of the pages: the server decides who
// gets a place and gives the waiting ranks. The caller (hooks/web) runs
// these inside the write transaction of the request.
//
//   - a new registration (created, or a cancelled one asked again as
//     inscrit or liste_attente) is confirmed if a place is left, else put
//     at the end of the waiting list, whatever status was asked, as
//     RegisterByStaff does; and only while staff may still register people;
//   - rang_attente is never taken from the request, nor the offer fields
//     (offre_expire, offre_expiree): an offered place is confirmed by the
//     person's page or by staff on the session page, never by the API;
//   - liste_attente → inscrit is a promotion by staff, allowed beyond the
//     capacity like PromoteByStaff;
//   - a person holding a place does not go back to the waiting list, and a
//     registration does not move to another session or person;
//   - a place freed (cancelled, absent, deleted) goes to the first waiting
//     person while the session is ahead (AfterAPIWrite).

// PrepareAPIWrite applies the rules to a registration about to be saved
// through the API; stored is the registration as read in the transaction,
// nil for a new one. Refusals are validation errors with French messages.
func PrepareAPIWrite(tx core.App, r, stored *core.Record, now time.Time) error {
	var old string
	if stored == nil {
		r.Set("cycle", "") // a registration for one session: cycles are registered by the server (cycles.go)
		r.Set("rang_attente", 0)
		r.Set("offre_expire", "")
		r.Set("offre_expiree", false)
	} else {
		old = stored.GetString("statut")
		r.Set("cycle", stored.GetString("cycle"))
		r.Set("rang_attente", stored.GetInt("rang_attente"))
		r.Set("offre_expire", stored.GetDateTime("offre_expire"))
		r.Set("offre_expiree", stored.GetBool("offre_expiree"))
		for _, field := range []string{"seance", "beneficiaire"} {
			if r.GetString(field) != stored.GetString(field) {
				return validation.Errors{field: model.FrenchError("immuable",
					"Une inscription ne change ni de séance ni de personne : annulez-la et créez-en une autre.")}
			}
		}
	}
	want := r.GetString("statut")
	switch {
	case (want == model.StatutInscrit || want == model.StatutListeAttente) && !live(old):
		r.Set("cycle", "") // taken up again by the API: for this session only
		return placeNew(tx, r, now)
	case want == model.StatutListeAttente && old == model.StatutListeAttente:
		return nil // keeps its rank
	case want == model.StatutListeAttente:
		return validation.Errors{"statut": model.FrenchError("statut",
			"Cette personne a déjà une place : elle ne retourne pas sur la liste d'attente. Annulez son inscription si besoin.")}
	case want == model.StatutInscrit && old == model.StatutListeAttente:
		seance, err := seanceInTx(tx, r.GetString("seance"))
		if err != nil {
			return err
		}
		if why := InscriptionRefusal(seance, now); why != "" {
			return validation.Errors{"statut": model.FrenchError("statut", why)}
		}
	}
	r.Set("rang_attente", 0) // off the waiting list: promoted, cancelled, present or absent
	return nil
}

// placeNew confirms a new registration if a place is left, else puts it at
// the end of the waiting list.
func placeNew(tx core.App, r *core.Record, now time.Time) error {
	seance, err := seanceInTx(tx, r.GetString("seance"))
	if model.IsNotFound(err) {
		return nil // the relation field's own validation reports it
	}
	if err != nil {
		return err
	}
	if why := InscriptionRefusal(seance, now); why != "" {
		return validation.Errors{"statut": model.FrenchError("statut", why)}
	}
	statut, rang, _, err := nextPlace(tx, seance)
	if err != nil {
		return err
	}
	r.Set("statut", statut)
	r.Set("rang_attente", rang)
	return nil
}

// AfterAPIWrite gives a place freed by the saved or deleted registration
// (before is its stored state before the write, after nil for a deletion)
// to the first waiting person, while the session is still ahead. It
// returns the promoted registration, to notify after the commit.
func AfterAPIWrite(tx core.App, before, after *core.Record, now time.Time) (*core.Record, error) {
	if before == nil || !holdsPlace(before.GetString("statut")) || (after != nil && holdsPlace(after.GetString("statut"))) {
		return nil, nil
	}
	seance, err := seanceInTx(tx, before.GetString("seance"))
	if err != nil {
		return nil, err
	}
	if seance.GetString("statut") != model.SeancePlanifiee || !now.Before(seance.GetDateTime("debut").Time()) {
		return nil, nil
	}
	promoted, err := seances.PromoteNext(tx, seance)
	if err != nil {
		return nil, fmt.Errorf("place freed in session %s: %w", seance.Id, err)
	}
	return promoted, nil
}

// AfterAPICapacity gives the places added by a larger capacity to the
// waiting list, while the session is ahead, as the session form does.
func AfterAPICapacity(tx core.App, before, after *core.Record, now time.Time) ([]*core.Record, error) {
	if after.GetInt("capacite") <= before.GetInt("capacite") ||
		after.GetString("statut") != model.SeancePlanifiee || !now.Before(after.GetDateTime("debut").Time()) {
		return nil, nil
	}
	return seances.PromoteAll(tx, after)
}

// live tells a registration that is on the list of the session (with a
// place, waiting, or with its attendance noted).
func live(statut string) bool {
	return statut == model.StatutInscrit || statut == model.StatutListeAttente ||
		statut == model.StatutPresent || statut == model.StatutAbsent
}

func holdsPlace(statut string) bool {
	return statut == model.StatutInscrit || statut == model.StatutPresent
}
