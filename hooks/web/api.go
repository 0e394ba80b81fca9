package web

import (
	"errors"
	"fmt"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/rgpd"
)

// RegisterAPIRules makes writes through the REST API (integrators, the
// admin UI, batch requests) follow the rules of the pages: the decision of
// a registration and the waiting list (inscriptions.PrepareAPIWrite), a
// place freed or a larger capacity given to the waiting list, and the
// erasure of a person marked anonymised. Each runs in the request's write
// transaction; the e-mails to promoted people leave after the commit.
func RegisterAPIRules(app core.App) {
	app.OnRecordCreateRequest("inscriptions").BindFunc(func(e *core.RecordRequestEvent) error {
		return inscriptionAPIWrite(app, e, false)
	})
	app.OnRecordUpdateRequest("inscriptions").BindFunc(func(e *core.RecordRequestEvent) error {
		return inscriptionAPIWrite(app, e, false)
	})
	app.OnRecordDeleteRequest("inscriptions").BindFunc(func(e *core.RecordRequestEvent) error {
		return inscriptionAPIWrite(app, e, true)
	})
	app.OnRecordUpdateRequest("seances").BindFunc(func(e *core.RecordRequestEvent) error {
		return seanceAPIUpdate(app, e)
	})
	app.OnRecordUpdateRequest("beneficiaires").BindFunc(func(e *core.RecordRequestEvent) error {
		return beneficiaireAPIUpdate(app, e)
	})
}

func inscriptionAPIWrite(app core.App, e *core.RecordRequestEvent, deleting bool) error {
	now := clock.Now(e.App)
	return inTransaction(e, func(tx core.App) ([]*core.Record, error) {
		var stored *core.Record
		if !e.Record.IsNew() {
			var err error
			if stored, err = tx.FindRecordById("inscriptions", e.Record.Id); err != nil {
				return nil, err
			}
		}
		if !deleting {
			if err := inscriptions.PrepareAPIWrite(tx, e.Record, stored, now); err != nil {
				return nil, err
			}
		}
		if err := e.Next(); err != nil {
			return nil, err
		}
		after := e.Record
		if deleting {
			after = nil
		}
		promoted, err := inscriptions.AfterAPIWrite(tx, stored, after, now)
		if promoted == nil || err != nil {
			return nil, err
		}
		return []*core.Record{promoted}, nil
	}, func(promoted []*core.Record) {
		notifyPromoted(app, e.RequestEvent, promoted)
	})
}

func seanceAPIUpdate(app core.App, e *core.RecordRequestEvent) error {
	now := clock.Now(e.App)
	return inTransaction(e, func(tx core.App) ([]*core.Record, error) {
		stored, err := tx.FindRecordById("seances", e.Record.Id)
		if err != nil {
			return nil, err
		}
		if err := e.Next(); err != nil {
			return nil, err
		}
		return inscriptions.AfterAPICapacity(tx, stored, e.Record, now)
	}, func(promoted []*core.Record) {
		notifyPromoted(app, e.RequestEvent, promoted)
	})
}

// beneficiaireAPIUpdate: anonymise set to true erases the person as the
// erasure page does (names, contacts, upcoming registrations, messages…);
// an anonymised person is never restored.
func beneficiaireAPIUpdate(app core.App, e *core.RecordRequestEvent) error {
	now := clock.Now(e.App)
	var traces []string
	return inTransaction(e, func(tx core.App) ([]*core.Record, error) {
		stored, err := tx.FindRecordById("beneficiaires", e.Record.Id)
		if err != nil {
			return nil, err
		}
		var result rgpd.Anonymisation
		switch {
		case stored.GetBool("anonymise") && !e.Record.GetBool("anonymise"):
			return nil, validation.Errors{"anonymise": rgpd.ErrRestore}
		case !stored.GetBool("anonymise") && e.Record.GetBool("anonymise"):
			traces = rgpd.PersonTraces(stored)
			e.Record.Set("anonymise", false) // AnonymiseBeneficiaire skips people already anonymised
			if result, err = rgpd.AnonymiseBeneficiaire(tx, e.Auth, e.Record, "Anonymisation demandée par l'API", now); err != nil {
				return nil, err
			}
		}
		if err := e.Next(); err != nil {
			return nil, err
		}
		return result.Promues, nil
	}, func(promoted []*core.Record) {
		notifyPromoted(app, e.RequestEvent, promoted)
		if traces != nil {
			purgeRequestLogs(app, e.Record.Id, traces)
		}
	})
}

// inTransaction runs fn, which calls e.Next(), in a write transaction (the
// request's own, or the batch's), turns validation errors into a 400 with
// French messages, and calls done with fn's records once the transaction
// is committed.
func inTransaction(e *core.RecordRequestEvent, fn func(tx core.App) ([]*core.Record, error), done func([]*core.Record)) error {
	outer := e.App
	defer func() { e.App = outer }()
	err := outer.RunInTransaction(func(tx core.App) error {
		e.App = tx
		records, err := fn(tx)
		if err != nil {
			return err
		}
		tx.TxInfo().OnComplete(func(txErr error) error {
			if txErr == nil {
				done(records)
			}
			return nil
		})
		return nil
	})
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		return e.BadRequestError(firstMessage(verrs), verrs)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", e.Request.Method, e.Collection.Name, err)
	}
	return nil
}

// firstMessage is the message of one of the errors, for the top of a 400.
func firstMessage(verrs validation.Errors) string {
	for _, err := range verrs {
		return err.Error()
	}
	return "Cette valeur n'est pas acceptée."
}

// notifyPromoted e-mails people given a place, as the pages do.
func notifyPromoted(app core.App, e *core.RequestEvent, promoted []*core.Record) {
	base := envois.InstanceURL(app)
	for _, p := range promoted {
		envois.NotifyPromotion(app, base, p)
	}
}
