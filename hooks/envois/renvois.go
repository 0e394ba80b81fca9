package envois

import (
	"context"
	"errors"
	"fmt"
	"time"

	"atelier/hooks/lib/contact"
	lsms "atelier/hooks/lib/sms"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/model"
)

// Messages that failed are sent again by the scheduler, from the copy kept
// in envois (texte, html), through the same sender as the first attempt.
// Attempts are spaced out (10, 20, 40, 80 minutes) so that a mail server
// down for an hour does not burn the five attempts in a minute.

// smsSender is the SMS channel. Atelier ships no provider: an instance that
// buys one plugs it in here (schedulerOptions.SMS). Until then noSMS
// answers, and a message for a person who gave only a phone number is
// recorded in envois as failed with the reason, so that staff see who must
// be phoned.
type SMSSender interface {
	Send(to, text string) error
}

// ErrNoSMSProvider is the recorded reason of an SMS that could not leave.
var ErrNoSMSProvider = errors.New("aucun fournisseur SMS configuré : prévenez la personne par téléphone")

type NoSMS struct{}

func (NoSMS) Send(string, string) error { return ErrNoSMSProvider }

// smsConfigured tells whether SMS really leave (a failed SMS is then worth
// retrying; without a provider it never is).
func smsConfigured(sms SMSSender) bool {
	_, none := sms.(NoSMS)
	return sms != nil && !none
}

// ErrNotMobile is the recorded reason of an SMS to a number that is not a
// mobile's: a landline never receives it, so it is not retried either.
var ErrNotMobile = errors.New("ce numéro n'est pas un mobile, il ne reçoit pas de SMS : prévenez la personne par téléphone")

// SendSMS makes one attempt through the SMS channel and records it.
func SendSMS(app core.App, sms SMSSender, envoi *core.Record, n Notification) error {
	if sms == nil {
		sms = NoSMS{}
	}
	if tentatives, err := smsSansEnvoi(sms, n); err != nil {
		envoi.Set("tentatives", tentatives-1)
		return recordOutcome(app, envoi, n.Evenement, err)
	}
	// Past the structure's budget, the message does not leave (see sms.go).
	if err := claimBudget(app, envoi, lsms.Segments(n.Texte)); err != nil {
		if !errors.Is(err, ErrBudgetSMS) {
			return err
		}
		envoi.Set("tentatives", MaxTentatives-1)
		return recordOutcome(app, envoi, n.Evenement, ErrBudgetSMS)
	}
	return recordOutcome(app, envoi, n.Evenement, sendCounted(sms, envoi, n))
}

// smsSansEnvoi is the outcome of an SMS known without sending it, and the
// attempts it counts: a landline never receives it (the last attempt,
// never retried); without a provider nothing leaves (one attempt, retried
// once a provider is set).
func smsSansEnvoi(sms SMSSender, n Notification) (int, error) {
	if !contact.EstMobile(n.Destinataire) {
		return MaxTentatives, ErrNotMobile
	}
	if !smsConfigured(sms) {
		return 1, ErrNoSMSProvider
	}
	return 0, nil
}

const (
	MaxTentatives = 5
	retryBase     = 10 * time.Minute
	// A message still "en_attente" this long after its last change was
	// abandoned (the server stopped between recording and sending it).
	stuckAfter = 15 * time.Minute
	// Older messages are not retried: a reminder or a nudge would arrive
	// too late to mean anything. They stay visible as failed.
	retryHorizon = 24 * time.Hour
)

// retryDelay is how long to wait after the given number of attempts.
func retryDelay(tentatives int) time.Duration {
	if tentatives < 1 {
		return 0
	}
	return retryBase << (tentatives - 1)
}

type RetryOutcome struct {
	Envoyes, Echecs int
}

// RetryMessages sends again the failed or abandoned messages that are due.
func RetryMessages(ctx context.Context, app core.App, sms SMSSender, now time.Time) (RetryOutcome, error) {
	var out RetryOutcome
	canaux := []any{"email"}
	if smsConfigured(sms) {
		canaux = append(canaux, "sms")
	}
	var candidates []*core.Record
	err := app.RecordQuery("envois").
		// A message without its copy cannot be sent again: recorded before
		// copies were kept, or erased with its recipient (RGPD).
		Where(dbx.NewExp(`((statut = 'echec' AND tentatives < {:max}) OR (statut = 'en_attente' AND updated < {:stuck}))
			AND created >= {:horizon} AND (texte != '' OR html != '')`, dbx.Params{
			"max": MaxTentatives, "stuck": model.DBDate(now.Add(-stuckAfter)), "horizon": model.DBDate(now.Add(-retryHorizon)),
		})).
		AndWhere(dbx.In("canal", canaux...)).
		OrderBy("created ASC").Limit(1000).All(&candidates)
	if err != nil {
		return out, fmt.Errorf("messages to retry: %w", err)
	}
	for _, envoi := range candidates {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		if envoi.GetString("statut") == "echec" &&
			envoi.GetDateTime("updated").Time().Add(retryDelay(envoi.GetInt("tentatives"))).After(now) {
			continue // backing off
		}
		claimed, err := claimRetry(app, envoi, now)
		if err != nil {
			return out, err
		}
		if !claimed {
			continue
		}
		if err := resend(app, sms, envoi); err != nil {
			app.Logger().Warn("retry message", "envoi", envoi.Id, "error", err)
			out.Echecs++
			continue
		}
		out.Envoyes++
	}
	return out, nil
}

// claimRetry marks the message as being sent again, unless another run got
// to it first (its state is then no longer the one read).
func claimRetry(app core.App, envoi *core.Record, now time.Time) (bool, error) {
	res, err := app.DB().NewQuery(`UPDATE envois SET statut = 'en_attente', updated = {:now}
		WHERE id = {:id} AND statut = {:statut} AND tentatives = {:tentatives} AND updated = {:updated}`).
		Bind(dbx.Params{"now": model.DBDate(now), "id": envoi.Id, "statut": envoi.GetString("statut"),
			"tentatives": envoi.GetInt("tentatives"), "updated": envoi.GetString("updated")}).Execute()
	if err != nil {
		return false, fmt.Errorf("claim retry of %s: %w", envoi.Id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("claim retry of %s: %w", envoi.Id, err)
	}
	if n == 1 {
		envoi.Set("statut", "en_attente")
	}
	return n == 1, nil
}

func resend(app core.App, sms SMSSender, envoi *core.Record) error {
	n := storedNotification(envoi)
	if envoi.GetString("canal") == "sms" {
		return SendSMS(app, sms, envoi, n)
	}
	return Deliver(app, envoi, n)
}
