package envois

import (
	"fmt"
	"net/mail"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/clock"
)

// The one notification sender: every message Atelier sends goes through
// sendEmail, which records it in `envois` before sending and records the
// outcome after, failures included, so that staff can see what left and
// the scheduler can retry what failed.

type Notification struct {
	Structure    string // id of the structure on whose behalf it goes
	Evenement    string // referentiel.EvenementsEnvoi
	Cible        string // id of the record it is about
	Destinataire string // e-mail address
	Objet        string
	Texte        string
	HTML         string
}

// SendEmail records and sends one e-mail. Call it after the transaction
// that caused it has committed: an SMTP server may take seconds.
func SendEmail(app core.App, n Notification) error {
	envoi, err := RecordMessage(app, "email", n)
	if err != nil {
		return err
	}
	return Deliver(app, envoi, n)
}

// RecordMessage saves the message, pending, in envois with its body (kept
// for retries, hidden from the API). Inside a transaction (app is then the
// transaction), the row is written with what caused it, or not at all.
func RecordMessage(app core.App, canal string, n Notification) (*core.Record, error) {
	envoi, err := newEnvoi(app, canal, n)
	if err != nil {
		return nil, err
	}
	if err := app.Save(envoi); err != nil {
		return nil, fmt.Errorf("record %s message: %w", n.Evenement, err)
	}
	return envoi, nil
}

// newEnvoi is the record of a message, pending, not saved yet.
func newEnvoi(app core.App, canal string, n Notification) (*core.Record, error) {
	envois, err := app.FindCachedCollectionByNameOrId("envois")
	if err != nil {
		return nil, fmt.Errorf("record %s message: %w", n.Evenement, err)
	}
	statut := "en_attente"
	if canal == CanalTelephone {
		statut = StatutAAppeler // never sent: staff phone the person
	}
	envoi := core.NewRecord(envois)
	envoi.Load(map[string]any{
		"structure": n.Structure, "canal": canal, "destinataire": n.Destinataire, "objet": n.Objet,
		"evenement": n.Evenement, "cible": n.Cible, "statut": statut, "tentatives": 0,
		"texte": n.Texte, "html": n.HTML,
	})
	return envoi, nil
}

// storedNotification rebuilds the message recorded in envoi, for a retry.
func storedNotification(envoi *core.Record) Notification {
	return Notification{
		Structure: envoi.GetString("structure"), Evenement: envoi.GetString("evenement"), Cible: envoi.GetString("cible"),
		Destinataire: envoi.GetString("destinataire"), Objet: envoi.GetString("objet"),
		Texte: envoi.GetString("texte"), HTML: envoi.GetString("html"),
	}
}

// Deliver makes one attempt and records its outcome on envoi.
func Deliver(app core.App, envoi *core.Record, n Notification) error {
	settings := app.Settings().Meta
	message := &mailer.Message{
		From:    mail.Address{Name: settings.SenderName, Address: settings.SenderAddress},
		To:      []mail.Address{{Address: n.Destinataire}},
		Subject: n.Objet,
		HTML:    n.HTML,
		Text:    n.Texte,
	}
	return recordOutcome(app, envoi, n.Evenement, app.NewMailClient().Send(message))
}

// recordOutcome counts the attempt and records its result on envoi; it
// returns the sending error, if any.
func recordOutcome(app core.App, envoi *core.Record, evenement string, sendErr error) error {
	envoi.Set("tentatives", envoi.GetInt("tentatives")+1)
	if sendErr != nil {
		envoi.Set("statut", "echec")
		envoi.Set("erreur", Truncate(sendErr.Error(), 2000))
	} else {
		now, _ := types.ParseDateTime(clock.Now(app))
		envoi.Set("statut", "envoye")
		envoi.Set("erreur", "")
		envoi.Set("envoye_le", now)
	}
	if err := app.Save(envoi); err != nil {
		return fmt.Errorf("record outcome of %s message: %w", evenement, err)
	}
	if sendErr != nil {
		return fmt.Errorf("send %s message: %w", evenement, sendErr)
	}
	return nil
}

func Truncate(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max])
}
