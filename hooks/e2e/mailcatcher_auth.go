package e2e

import (
	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

var _ smtp.AuthSession = (*catcherSession)(nil)

// AuthMechanisms: the catcher takes AUTH PLAIN with any account, as a relay
// with an account does, and keeps what it was given on each message, so
// that a test checks which credentials the client really used.
func (s *catcherSession) AuthMechanisms() []string { return []string{sasl.Plain} }

// Auth accepts every PLAIN identity.
func (s *catcherSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, username, password string) error {
		s.user, s.pass = username, password
		return nil
	}), nil
}
