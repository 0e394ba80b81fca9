package model

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// TokenAlphabet is the alphabet of secret tokens in links.
const TokenAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// NewToken is the secret of a link (a registration's personal link, shared
// figures): 43 characters from 62, about 256 bits from crypto/rand,
// unguessable. One read of random bytes with rejection sampling (bytes ≥
// 248 are dropped so that every character is equally likely), instead of
// one big.Int draw per character.
func NewToken() string {
	token := make([]byte, 0, 43)
	buf := make([]byte, 64)
	for len(token) < cap(token) {
		if _, err := rand.Read(buf); err != nil {
			panic(fmt.Errorf("random token: %w", err)) // the system's randomness is broken
		}
		for _, b := range buf {
			if b < 248 && len(token) < cap(token) {
				token = append(token, TokenAlphabet[b%62])
			}
		}
	}
	return string(token)
}

// WellFormedToken tells whether s could be a token: anything else is not
// looked up.
func WellFormedToken(s string) bool {
	return len(s) >= 32 && len(s) <= 64 && strings.Trim(s, TokenAlphabet) == ""
}

// FindByToken finds a registration by its secret token; a malformed token
// is simply not found.
func FindByToken(app core.App, jeton string) (*core.Record, error) {
	if !WellFormedToken(jeton) {
		return nil, ErrNotFound
	}
	record := &core.Record{}
	if err := app.RecordQuery("inscriptions").AndWhere(ByPersonalKey("jeton", jeton)).Limit(1).One(record); err != nil {
		return nil, err
	}
	return record, nil
}
