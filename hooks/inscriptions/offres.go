package inscriptions

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// ErrOffreExpiree: the deadline to confirm an offered place has passed;
// ErrPasDOffre: the registration has no offer awaiting an answer (already
// confirmed, cancelled, or never offered).
var (
	ErrOffreExpiree = errors.New("offer lapsed")
	ErrPasDOffre    = errors.New("no pending offer")
)

// ConfirmOffer confirms the place offered to the registration with this
// token, before its deadline. A confirmation that comes late passes the
// offer on at once (without waiting for the job) and returns
// ErrOffreExpiree with the registration offered next, to notify.
func ConfirmOffer(app core.App, jeton string, now time.Time) (next *core.Record, err error) {
	var expired bool
	err = app.RunInTransaction(func(tx core.App) error {
		inscription, err := model.FindByToken(tx, jeton)
		if err != nil {
			return err
		}
		if !seances.OffreEnCours(inscription) {
			return ErrPasDOffre
		}
		if !now.Before(inscription.GetDateTime("offre_expire").Time()) {
			expired, next, err = seances.ExpireOffer(tx, inscription.Id, now)
			return err
		}
		inscription.Set("offre_expire", "")
		if err := tx.Save(inscription); err != nil {
			return fmt.Errorf("confirm offered place %s: %w", inscription.Id, err)
		}
		if inscription.GetString("cycle") != "" {
			return confirmCycleOffer(tx, inscription, now, func(r *core.Record) error { return tx.Save(r) })
		}
		return nil
	})
	if errors.Is(err, ErrPasDOffre) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("confirm offered place: %w", err)
	}
	if expired {
		return next, ErrOffreExpiree
	}
	return nil, nil
}

// ExpireOfferOf passes on the lapsed offer of the registration with this
// token, if it has one, so that the person's page tells the truth before
// the job comes; it returns the registration offered next, to notify.
func ExpireOfferOf(app core.App, jeton string, now time.Time) (*core.Record, error) {
	var next *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		inscription, err := model.FindByToken(tx, jeton)
		if err != nil {
			return err
		}
		_, next, err = seances.ExpireOffer(tx, inscription.Id, now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("lapsed offer: %w", err)
	}
	return next, nil
}

// ConfirmOfferByStaff confirms an offered place on the person's behalf
// (staff phoned them), with the rights of any change to a registration,
// before the deadline.
func ConfirmOfferByStaff(app core.App, auth *core.Record, seanceID, inscriptionID string, now time.Time) (StaffInscription, error) {
	return onInscription(app, auth, seanceID, inscriptionID, "confirm offer", func(tx core.App, seance, inscription *core.Record, result *StaffInscription) error {
		switch {
		case !seances.OffreEnCours(inscription):
			return staffRefusal("Cette personne n'a pas de place proposée en attente de réponse.")
		case !now.Before(inscription.GetDateTime("offre_expire").Time()):
			return staffRefusal("Le délai pour confirmer est passé : la place est proposée à la personne suivante.")
		}
		if err := access.UpdateChecked(tx, auth, inscription, map[string]any{"offre_expire": ""}); err != nil {
			return fmt.Errorf("confirm offered place %s: %w", inscription.Id, err)
		}
		if inscription.GetString("cycle") != "" {
			if err := confirmCycleOffer(tx, inscription, now, func(r *core.Record) error {
				return access.UpdateChecked(tx, auth, r, map[string]any{"offre_expire": ""})
			}); err != nil {
				return err
			}
		}
		var err error
		result.Taken, _, err = seances.CountPlaces(tx, seance.Id)
		return err
	})
}
