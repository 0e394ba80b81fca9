package envois

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/contact"
	"atelier/hooks/seances"
)

// Every message to a beneficiary goes by one channel, chosen by CanalPour:
// e-mail, SMS, or, when nothing can be sent, a row « à appeler » in envois
// that staff see on the session's page and tick once they have phoned.

const (
	CanalEmail     = "email"
	CanalSMS       = "sms"
	CanalTelephone = "telephone"
	// StatutAAppeler is the status of a message nobody could send.
	StatutAAppeler = "a_appeler"
)

// Personne is who a message is for, with the contacts they gave.
type Personne struct {
	Prenom, Email, Telephone string
	PrefereSMS               bool
}

// PersonneDe reads a beneficiaires record.
func PersonneDe(r *core.Record) Personne {
	return Personne{Prenom: r.GetString("prenom"), Email: r.GetString("email"), Telephone: r.GetString("telephone"),
		PrefereSMS: r.GetBool("prefere_sms")}
}

// CanalPour is the one channel decision: SMS for a person who asked for it
// and has a mobile, else e-mail when they gave one, else SMS to a mobile,
// else a phone call by staff (a landline is never texted).
func CanalPour(p Personne) string {
	mobile := p.Telephone != "" && contact.EstMobile(p.Telephone)
	switch {
	case p.PrefereSMS && mobile:
		return CanalSMS
	case p.Email != "":
		return CanalEmail
	case mobile:
		return CanalSMS
	}
	return CanalTelephone
}

// Message is one message to a person in the form of each channel: the
// e-mail, the SMS text (also what staff read out on the phone).
type Message struct {
	Structure, Evenement, Cible, Objet string
	Mail                               InscriptionMail
	SMS                                string
}

// ErrAAppeler is the outcome of a message that could not be sent at all:
// the person has neither e-mail nor mobile.
var ErrAAppeler = errors.New("ni e-mail ni mobile : prévenez la personne par téléphone")

// Remise is how a message went: its channel and the sending error.
type Remise struct {
	Canal string
	Err   error
}

// AAppeler tells whether staff must phone the person: nothing could leave,
// or the SMS will never leave (a landline, no provider, the structure's
// budget spent).
func (r Remise) AAppeler() bool { return injoignable(r.Err) }

func injoignable(err error) bool {
	return errors.Is(err, ErrAAppeler) || errors.Is(err, ErrNotMobile) || errors.Is(err, ErrNoSMSProvider) ||
		errors.Is(err, ErrBudgetSMS)
}

// Compose writes the notification of m for the channel of p.
func Compose(p Personne, m Message) (string, Notification, error) {
	canal := CanalPour(p)
	n := Notification{Structure: m.Structure, Evenement: m.Evenement, Cible: m.Cible, Objet: m.Objet}
	switch canal {
	case CanalEmail:
		html, err := renderMail(m.Mail)
		if err != nil {
			return canal, n, fmt.Errorf("render %s e-mail: %w", m.Evenement, err)
		}
		n.Destinataire, n.HTML, n.Texte = p.Email, html, PlainText(m.Mail)
	case CanalSMS:
		n.Destinataire, n.Texte = p.Telephone, m.SMS
	default:
		n.Destinataire, n.Texte = p.Telephone, m.SMS
		if n.Destinataire == "" {
			n.Destinataire = "aucun numéro"
		}
	}
	return canal, n, nil
}

// Dispatch makes the first attempt of a recorded message on its channel.
func Dispatch(app core.App, sms SMSSender, envoi *core.Record, canal string, n Notification) error {
	switch canal {
	case CanalEmail:
		return Deliver(app, envoi, n)
	case CanalSMS:
		return SendSMS(app, sms, envoi, n)
	}
	return ErrAAppeler
}

// SendToPerson records and sends m to p by their channel, through the
// app's SMS provider. Call it after the transaction that caused it has
// committed: a provider may take seconds.
func SendToPerson(app core.App, p Personne, m Message) Remise {
	canal, n, err := Compose(p, m)
	if err != nil {
		return Remise{Canal: canal, Err: err}
	}
	envoi, err := RecordMessage(app, canal, n)
	if err != nil {
		return Remise{Canal: canal, Err: err}
	}
	err = Dispatch(app, SMSOf(app), envoi, canal, n)
	if err != nil && !injoignable(err) {
		app.Logger().Warn("message to a person", "envoi", envoi.Id, "canal", canal, "error", err)
	}
	return Remise{Canal: canal, Err: err}
}

// Prepare records m to p with the change that causes it (app is then its
// transaction) and returns the first attempt, for Envoyer once committed.
// A message that cannot leave (staff phone the person, an SMS to a
// landline or without a provider) is recorded with its outcome, and
// nothing is returned.
func Prepare(app core.App, p Personne, m Message) (*Depart, error) {
	canal, n, err := Compose(p, m)
	if err != nil {
		return nil, err
	}
	envoi, err := newEnvoi(app, canal, n)
	if err != nil {
		return nil, err
	}
	var refus error
	if canal == CanalSMS {
		var tentatives int
		if tentatives, refus = smsSansEnvoi(SMSOf(app), n); refus != nil {
			envoi.Set("statut", "echec")
			envoi.Set("tentatives", tentatives)
			envoi.Set("erreur", refus.Error())
		}
	}
	// Every field comes from the code or the database, and this runs while
	// the write lock is held: the generic validation is skipped, as for the
	// registration itself (TestRegisteredRecordsPassValidation keeps this
	// true).
	if err := app.SaveNoValidate(envoi); err != nil {
		return nil, fmt.Errorf("record %s message: %w", n.Evenement, err)
	}
	if canal == CanalTelephone || refus != nil {
		return nil, nil
	}
	return &Depart{envoi: envoi, canal: canal, n: n}, nil
}

// SMSActif tells whether SMS really leave: without a provider, a person
// with only a mobile is phoned by staff, and given a freed place directly
// rather than offered it.
func SMSActif(app core.App) bool { return smsConfigured(SMSOf(app)) }

func init() { seances.SMSPartent = SMSActif }

// LienPersonnel is the personal link of a registration in every message
// (its page: details, calendar, cancel, register again); "" without token.
func LienPersonnel(base, jeton string) string {
	if jeton == "" {
		return ""
	}
	return base + "/inscription/" + jeton
}

// LienCourt is the personal link an SMS carries: the short code's address
// (/i/7K3M-Q9PX, 27 characters shorter than the token's), or the token's
// for a registration without a code.
func LienCourt(base, code, jeton string) string {
	if code == "" || jeton == "" {
		return LienPersonnel(base, jeton)
	}
	return base + "/i/" + code
}
