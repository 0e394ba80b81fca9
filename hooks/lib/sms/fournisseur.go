package sms

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Fournisseur is a provider's API: it hands one text to the provider and
// answers the provider's id of the message (empty when it gives none).
type Fournisseur interface {
	Envoyer(ctx context.Context, m Message) (string, error)
}

// Message is one text for one mobile number, in E.164 (+33612345678).
// Reference is Atelier's id of the message, passed to providers that keep
// one, so that a delivery report can be matched.
type Message struct {
	To, Text, Reference string
}

// DelaiParDefaut bounds every call to a provider: a reminder job must not
// hang on a provider that does not answer; the retry job tries again.
const DelaiParDefaut = 15 * time.Second

// Refus is a provider's answer that sending again would not change (bad
// number, bad key, sender refused): the message is not retried.
type Refus struct {
	Statut int // HTTP status
	Detail string
}

func (r *Refus) Error() string {
	detail := ""
	if r.Detail != "" {
		detail = " (" + r.Detail + ")"
	}
	return fmt.Sprintf("le fournisseur SMS a refusé le message%s, erreur %d : numéro ou clé invalide, il ne sera pas renvoyé", detail, r.Statut)
}

// Indisponible is a provider down or too slow: worth trying again later.
type Indisponible struct {
	Statut int // HTTP status, 0 for a network error or a timeout
	Detail string
}

func (i *Indisponible) Error() string {
	if i.Statut == 0 {
		return "le fournisseur SMS ne répond pas, le message sera renvoyé plus tard : " + i.Detail
	}
	return fmt.Sprintf("le fournisseur SMS est indisponible (erreur %d), le message sera renvoyé plus tard", i.Statut)
}

// Definitif tells whether the error is a refusal not worth retrying.
func Definitif(err error) bool {
	var r *Refus
	return errors.As(err, &r)
}

// fromStatus sorts a provider's HTTP error: 4xx are refusals, except 408
// (timeout) and 429 (too many requests), which pass.
func fromStatus(status int, detail string) error {
	detail = court(detail)
	if status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests {
		return &Refus{Statut: status, Detail: detail}
	}
	return &Indisponible{Statut: status, Detail: detail}
}

// court keeps a provider's message short enough for the envois row.
func court(s string) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > 300 {
		return string(r[:300])
	}
	return s
}

func client(c *http.Client, delai time.Duration) *http.Client {
	if c != nil {
		return c
	}
	if delai <= 0 {
		delai = DelaiParDefaut
	}
	return &http.Client{Timeout: delai}
}

// Etat is what a delivery report says of a message.
type Etat string

const (
	EtatEnCours  Etat = "en_cours"  // handed to the operator, not yet on the phone
	EtatLivre    Etat = "livre"     // on the phone
	EtatNonLivre Etat = "non_livre" // the operator gave up (phone off for days, number unknown)
)

// Retour is one delivery report.
type Retour struct {
	ID     string // the provider's id of the message
	Etat   Etat
	Le     time.Time // when the provider saw it; zero when it does not say
	Detail string
}

// ErrRetourIlisible is a delivery report that does not parse.
var ErrRetourIlisible = errors.New("accusé de réception SMS illisible")

// SansPlus is the number as Brevo wants it: E.164 without the "+".
func SansPlus(e164 string) string { return strings.TrimPrefix(e164, "+") }

// ExpediteurValide tells whether a sender name is accepted by French
// operators: 3 to 11 letters or digits (no space, no accent), not only
// digits (a number would look like a phone that can be called back).
func ExpediteurValide(s string) bool {
	if len(s) < 3 || len(s) > 11 {
		return false
	}
	lettre := false
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z':
			lettre = true
		case r >= '0' && r <= '9':
		default:
			return false
		}
	}
	return lettre
}
