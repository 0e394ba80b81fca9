// Package installation is the first start of an instance without
// PocketBase's administration: while there is no staff account, `atelier
// serve` prints a link /installation?jeton=…; its page sets the instance's
// name and address, the first structure, the first coordinateur, the
// e-mail server and, if wanted, an SMS provider, in one transaction. Then
// the link stops working for good.
package installation

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
)

// champJeton is the hidden field of parametres holding the SHA-256 of the
// token: a copy of the database does not give the link.
const champJeton = "installation_jeton"

// Path is the page's address.
const Path = "/installation"

// ErrTerminee: the instance has a staff account, the installation is over.
var ErrTerminee = errors.New("installation already done")

// EnAttente tells whether the instance still waits for its installation:
// no staff account at all, active or not.
func EnAttente(app core.App) (bool, error) {
	n, err := app.CountRecords("utilisateurs")
	if err != nil {
		return false, fmt.Errorf("count staff accounts: %w", err)
	}
	return n == 0, nil
}

// NewToken draws a new token and keeps only its fingerprint: the link
// printed before stops working (one link at a time).
func NewToken(app core.App) (string, error) {
	waiting, err := EnAttente(app)
	if err != nil {
		return "", err
	}
	if !waiting {
		return "", ErrTerminee
	}
	p, err := envois.Parametres(app)
	if err != nil {
		return "", err
	}
	token := rand.Text()
	p.Set(champJeton, fingerprint(token))
	if err := app.Save(p); err != nil {
		return "", fmt.Errorf("store the installation token: %w", err)
	}
	return token, nil
}

// Link is the installation link of token at the address base.
func Link(base, token string) string {
	return strings.TrimRight(base, "/") + Path + "?jeton=" + url.QueryEscape(token)
}

// ValidToken tells whether token opens the page: the instance still waits
// for its installation and token is the last one drawn.
func ValidToken(app core.App, token string) bool {
	if token == "" {
		return false
	}
	if waiting, err := EnAttente(app); err != nil || !waiting {
		return false
	}
	p, err := envois.Parametres(app)
	if err != nil {
		return false
	}
	stored := p.GetString(champJeton)
	return stored != "" && subtle.ConstantTimeCompare([]byte(stored), []byte(fingerprint(token))) == 1
}

func fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
