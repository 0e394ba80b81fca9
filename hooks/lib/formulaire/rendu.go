package formulaire

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"time"
)

// A public form carries, in a hidden field, the instant it was shown and a
// random nonce, signed by the server: a submission that comes back in less
// time than a person needs to fill it, or hours later, is refused without
// any JavaScript, cookie or third-party service. The nonce also tells a
// double submit of one form from another person's submission.

// Rendu is what a valid form token says.
type Rendu struct {
	Le    time.Time // when the form was shown
	Nonce []byte    // random, one per form shown
}

var (
	ErrRenduIllisible = errors.New("form token unreadable or not signed by this server")
	ErrRenduTropTot   = errors.New("form submitted too soon after it was shown")
	ErrRenduPerime    = errors.New("form shown too long ago")
)

const (
	nonceLen = 12
	macLen   = 16
)

// SignerRendu returns the token of a form about scope (what the form is
// for, such as a session's id) shown at le with this nonce.
func SignerRendu(key []byte, scope string, le time.Time, nonce []byte) string {
	payload := make([]byte, 8, 8+nonceLen+macLen)
	binary.BigEndian.PutUint64(payload, uint64(le.Unix()))
	payload = append(payload, fitNonce(nonce)...)
	payload = append(payload, renduMAC(key, scope, payload)...)
	return base64.RawURLEncoding.EncodeToString(payload)
}

// LireRendu checks the token's signature for scope and returns what it
// says; it does not judge the time (see Rendu.Delai).
func LireRendu(key []byte, scope, token string) (Rendu, error) {
	if len(token) > 64 {
		return Rendu{}, ErrRenduIllisible
	}
	raw, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(raw) != 8+nonceLen+macLen {
		return Rendu{}, ErrRenduIllisible
	}
	payload, mac := raw[:8+nonceLen], raw[8+nonceLen:]
	if !hmac.Equal(mac, renduMAC(key, scope, payload)) {
		return Rendu{}, ErrRenduIllisible
	}
	le := time.Unix(int64(binary.BigEndian.Uint64(payload[:8])), 0)
	return Rendu{Le: le, Nonce: append([]byte(nil), payload[8:]...)}, nil
}

// Delai judges the time between showing and submitting: at least min (a
// person reads and types), at most max (the page was left open too long,
// or the token was kept by a robot).
func (r Rendu) Delai(now time.Time, min, max time.Duration) error {
	elapsed := now.Sub(r.Le)
	switch {
	case elapsed < min:
		return ErrRenduTropTot
	case elapsed > max:
		return ErrRenduPerime
	}
	return nil
}

// Empreinte is a short, non-reversible mark of the nonce, kept with what
// the form created so that the same form submitted twice is recognised.
func (r Rendu) Empreinte(key []byte) string {
	return Empreinte(key, "nonce", string(r.Nonce))
}

// Empreinte is a keyed, non-reversible mark of value (a nonce, an IP
// address) for purpose: comparable, but it does not give the value back.
func Empreinte(key []byte, purpose, value string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write([]byte(value))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:12])
}

func renduMAC(key []byte, scope string, payload []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("rendu"))
	m.Write([]byte{0})
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)[:macLen]
}

func fitNonce(nonce []byte) []byte {
	out := make([]byte, nonceLen)
	copy(out, nonce)
	return out
}
