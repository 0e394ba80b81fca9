package web

import (
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/formulaire"
)

// The public registration form carries a signed render time (see
// formulaire.Rendu): it is refused when sent back sooner than a person can
// fill it, or hours later.
const (
	renduMin = 2 * time.Second
	renduMax = 6 * time.Hour
	// renduPlaceholder stands for the token in the cached session page;
	// each copy sent gets a fresh token in its place.
	renduPlaceholder = "ATELIER-RENDU-A-REMPLACER"
)

// formKey is the server's key for form tokens and the marks kept with
// registrations, derived from the staff collection's token secret (kept
// in the database, so forms stay valid across restarts; rotating that
// secret also retires every form token).
func formKey(app core.App) ([]byte, error) {
	c, err := app.FindCachedCollectionByNameOrId("utilisateurs")
	if err != nil {
		return nil, fmt.Errorf("form key: %w", err)
	}
	// Derived once per secret: every showing of a session page and every
	// registration needs it, up to three times.
	if k, ok := app.Store().Get(formKeyKey).(derivedFormKey); ok && k.secret == c.AuthToken.Secret {
		return k.key, nil
	}
	sum := sha256.Sum256([]byte("atelier formulaires publics\x00" + c.AuthToken.Secret))
	app.Store().Set(formKeyKey, derivedFormKey{secret: c.AuthToken.Secret, key: sum[:]})
	return sum[:], nil
}

const formKeyKey = "atelier.formKey"

type derivedFormKey struct {
	secret string
	key    []byte
}

// RenduSigne is the token of the registration form of session seanceID
// shown at le (the tests sign forms shown a minute ago with it).
func RenduSigne(app core.App, seanceID string, le time.Time) (string, error) {
	key, err := formKey(app)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, 12)
	if _, err := rand.Read(nonce); err != nil {
		return "", fmt.Errorf("form nonce: %w", err)
	}
	return formulaire.SignerRendu(key, seanceID, le, nonce), nil
}

// freshRendu signs a form shown now; on failure (no key) the form gets a
// token that will be refused with a French message, never a broken page.
func freshRendu(app core.App, seanceID string) string {
	token, err := RenduSigne(app, seanceID, clock.Now(app))
	if err != nil {
		app.Logger().Error("sign registration form", "error", err)
		return ""
	}
	return token
}

// checkRendu reads the form's token and judges its time; the message says
// what to do, in French, next to the form.
func checkRendu(app core.App, seanceID, token string) (formulaire.Rendu, string) {
	key, err := formKey(app)
	if err != nil {
		app.Logger().Error("check registration form", "error", err)
		return formulaire.Rendu{}, "Votre demande n'a pas pu être enregistrée. Réessayez dans un instant."
	}
	rendu, err := formulaire.LireRendu(key, seanceID, token)
	if err == nil {
		err = rendu.Delai(clock.Now(app), renduMin, renduMax)
	}
	switch {
	case err == nil:
		return rendu, ""
	case errors.Is(err, formulaire.ErrRenduTropTot):
		return rendu, "Votre demande est arrivée trop vite. Vérifiez vos informations, puis envoyez à nouveau."
	default:
		return rendu, "Cette page était ouverte depuis longtemps. Vérifiez vos informations, puis envoyez à nouveau."
	}
}

// empreinteIP is the keyed mark of the sender's IP address kept with a
// public registration, or "" when the address is exempt from the rate
// limits (the administrators' list, such as a structure's own kiosk).
func empreinteIP(e *core.RequestEvent) string {
	ip := e.RealIP()
	if ipInList(e.App.Settings().RateLimits.ExcludedIPs, ip) {
		return ""
	}
	key, err := formKey(e.App)
	if err != nil {
		return ""
	}
	return formulaire.Empreinte(key, "ip", ip)
}

// empreinteFormulaire is the mark of the form shown, kept with the
// registration it created.
func empreinteFormulaire(app core.App, r formulaire.Rendu) string {
	key, err := formKey(app)
	if err != nil || len(r.Nonce) == 0 {
		return ""
	}
	return r.Empreinte(key)
}

// ipInList tells whether ip is one of the addresses or networks of list,
// as PocketBase's rate limiter reads its exclusion list.
func ipInList(list []string, ip string) bool {
	addr, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	for _, item := range list {
		if prefix, err := netip.ParsePrefix(item); err == nil {
			if prefix.Contains(addr) {
				return true
			}
			continue
		}
		if a, err := netip.ParseAddr(item); err == nil && a == addr {
			return true
		}
	}
	return false
}
