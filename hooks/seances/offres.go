package seances

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/lib/contact"
	"atelier/hooks/model"
)

// A place freed for the waiting list is offered before it is given: the
// first waiting person becomes inscrit with offre_expire set, the deadline
// of the offer. Being inscrit, the offered place is held in every count
// (pages, API, capacity checks, statistics) without a new status that
// every count would have to learn. The person confirms (offre_expire is
// cleared), declines (cancels), or lets the deadline pass: then they go to
// the end of the waiting list with offre_expiree set, so that their page
// can say the place went to someone else, and the next person is offered
// the place.

// DelaiOffreDefaut is the hours a person has to confirm an offered place
// when their structure did not set delai_offre_heures.
const DelaiOffreDefaut = 24

// OffreDirecteAvant: a session starting sooner than this after the place
// frees up gives the place directly, as before offers existed. An offer
// needs time to be read (an e-mail checked once a day, an SMS seen in the
// evening) and, when it lapses, time for the next person's offer; with
// less than six hours left, an unanswered offer would most likely leave
// the place empty.
const OffreDirecteAvant = 6 * time.Hour

// OfferDeadline is the deadline of a place offered at now for a session
// starting at debut, with the structure's delay in hours (0: the
// default); ok is false when the place is given directly. The deadline is
// never later than half the time left before the start, so that a lapsed
// offer still leaves the next person as long as the first had (at least
// three hours, OffreDirecteAvant / 2).
func OfferDeadline(now, debut time.Time, delaiHeures int) (deadline time.Time, ok bool) {
	left := debut.Sub(now)
	if left < OffreDirecteAvant {
		return time.Time{}, false
	}
	if delaiHeures <= 0 {
		delaiHeures = DelaiOffreDefaut
	}
	delai := time.Duration(delaiHeures) * time.Hour
	return now.Add(min(delai, left/2)), true
}

// Joignable tells a person who can receive an offer: an e-mail address, or
// a mobile phone when SMS leave the instance. Someone else is given the
// place directly and staff call them.
func Joignable(app core.App, person *core.Record) bool {
	return person.GetString("email") != "" || (contact.EstMobile(person.GetString("telephone")) && SMSPartent(app))
}

// SMSPartent tells whether the instance has an SMS provider. The provider
// is known to envois, above this package, which sets this function when
// it loads (until then, and in a program without envois, SMS leave).
var SMSPartent = func(core.App) bool { return true }

// OffreEnCours tells a registration whose offered place awaits an answer.
func OffreEnCours(inscription *core.Record) bool {
	return inscription.GetString("statut") == model.StatutInscrit && !inscription.GetDateTime("offre_expire").IsZero()
}

// offer gives the place to first (a waiting registration of seance),
// offered until a deadline, or directly when the person cannot be reached
// or the session is close.
func offer(tx core.App, seance, first *core.Record, now time.Time) error {
	person, err := tx.FindRecordById("beneficiaires", first.GetString("beneficiaire"))
	if err != nil {
		return fmt.Errorf("person of registration %s: %w", first.Id, err)
	}
	var delai int
	if structure, err := tx.FindRecordById("structures", seance.GetString("structure")); err == nil {
		delai = structure.GetInt("delai_offre_heures")
	} else if !model.IsNotFound(err) {
		return fmt.Errorf("structure of session %s: %w", seance.Id, err)
	}
	first.Set("statut", model.StatutInscrit)
	first.Set("rang_attente", 0)
	first.Set("offre_expire", "")
	first.Set("offre_expiree", false)
	if deadline, ok := OfferDeadline(now, seance.GetDateTime("debut").Time(), delai); ok && Joignable(tx, person) {
		first.Set("offre_expire", deadline)
	}
	if err := tx.Save(first); err != nil {
		return fmt.Errorf("offer a place to registration %s: %w", first.Id, err)
	}
	return nil
}

// ExpireOffer passes on the lapsed offer of inscription, re-read in tx
// (the write transaction is the claim: an offer confirmed or passed on
// meanwhile is left alone): the person goes to the end of the waiting
// list and the place is offered to the next one, not back to them. It
// returns whether the offer lapsed, and the registration offered next.
func ExpireOffer(tx core.App, inscriptionID string, now time.Time) (bool, *core.Record, error) {
	inscription, err := tx.FindRecordById("inscriptions", inscriptionID)
	if err != nil {
		return false, nil, fmt.Errorf("lapsed offer %s: %w", inscriptionID, err)
	}
	if !OffreEnCours(inscription) || now.Before(inscription.GetDateTime("offre_expire").Time()) {
		return false, nil, nil
	}
	if inscription.GetString("cycle") != "" {
		return expireCycleOffer(tx, inscription, now) // the whole cycle goes back (cycles.go)
	}
	seance, err := tx.FindRecordById("seances", inscription.GetString("seance"))
	if err != nil {
		return false, nil, fmt.Errorf("session of lapsed offer %s: %w", inscriptionID, err)
	}
	rang, err := NextRang(tx, seance.Id)
	if err != nil {
		return false, nil, err
	}
	inscription.Set("statut", model.StatutListeAttente)
	inscription.Set("rang_attente", rang)
	inscription.Set("offre_expire", "")
	inscription.Set("offre_expiree", true)
	if err := tx.Save(inscription); err != nil {
		return false, nil, fmt.Errorf("lapsed offer %s: %w", inscriptionID, err)
	}
	if seance.GetString("statut") != model.SeancePlanifiee || !now.Before(seance.GetDateTime("debut").Time()) {
		return true, nil, nil
	}
	next, err := promoteNext(tx, seance, inscription.Id, now)
	return true, next, err
}

// ExpireOffers passes on every offer whose deadline has come, one write
// transaction each, and returns the registrations offered next, to notify.
func ExpireOffers(app core.App, now time.Time) ([]*core.Record, error) {
	var ids []string
	at, err := types.ParseDateTime(now)
	if err != nil {
		return nil, fmt.Errorf("lapsed offers: %w", err)
	}
	err = app.DB().NewQuery("SELECT id FROM inscriptions WHERE offre_expire != '' AND offre_expire <= {:now} AND statut = '" +
		model.StatutInscrit + "' ORDER BY offre_expire LIMIT 500").Bind(dbx.Params{"now": at.String()}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("lapsed offers: %w", err)
	}
	var next []*core.Record
	for _, id := range ids {
		err := app.RunInTransaction(func(tx core.App) error {
			_, n, err := ExpireOffer(tx, id, now)
			if n != nil {
				next = append(next, n)
			}
			return err
		})
		if err != nil {
			return next, err
		}
	}
	return next, nil
}

// RegisterOffres keeps the offer fields true to the status on every path
// (pages, API, admin UI): a registration whose status changes loses its
// pending offer and its lapsed-offer mark, unless that same save sets them
// (an offer made, an offer lapsed). A cancelled and restored registration
// is then never taken for an offer.
func RegisterOffres(app core.App) {
	app.OnRecordValidate("inscriptions").BindFunc(func(e *core.RecordEvent) error {
		r := e.Record
		if !r.IsNew() && r.GetString("statut") != r.Original().GetString("statut") {
			if r.GetDateTime("offre_expire").Equal(r.Original().GetDateTime("offre_expire")) {
				r.Set("offre_expire", "")
			}
			if r.GetBool("offre_expiree") == r.Original().GetBool("offre_expiree") {
				r.Set("offre_expiree", false)
			}
		}
		if r.GetString("statut") != model.StatutInscrit {
			r.Set("offre_expire", "") // a deadline only means something for a held place
		}
		return e.Next()
	})
}
