package comptes

import (
	"crypto/rand"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"golang.org/x/crypto/bcrypt"

	"atelier/hooks/clock"
)

// EndSessions signs the account out everywhere: every token, pages and
// API, is signed with the token key it renews.
func EndSessions(app core.App, account *core.Record) error {
	account.RefreshTokenKey()
	if err := app.Save(account); err != nil {
		return fmt.Errorf("end the sessions of %s: %w", account.Id, err)
	}
	return nil
}

// SignIn finds the staff account of email if password is its password. An
// unknown address costs the same bcrypt comparison as a wrong password,
// so the time of the answer does not tell who has an account.
func SignIn(app core.App, email, password string) (*core.Record, bool) {
	staff, err := app.FindAuthRecordByEmail("utilisateurs", email)
	if err != nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash(app), []byte(password))
		return nil, false
	}
	return staff, staff.ValidatePassword(password)
}

var (
	dummyOnce sync.Once
	dummy     []byte
)

// dummyHash is a hash of a random password at the cost of the accounts'.
func dummyHash(app core.App) []byte {
	dummyOnce.Do(func() {
		cost := bcrypt.DefaultCost
		if c, err := app.FindCachedCollectionByNameOrId("utilisateurs"); err == nil {
			if f, ok := c.Fields.GetByName("password").(*core.PasswordField); ok && f.Cost > 0 {
				cost = f.Cost
			}
		}
		dummy, _ = bcrypt.GenerateFromPassword([]byte(rand.Text()), cost)
	})
	return dummy
}

// Password-reset e-mails per account, whatever the IP: one every
// resetInterval, resetPerDay a day. Enough for a person who lost the first
// one; a flood of requests sends nothing more.
const (
	resetInterval = 5 * time.Minute
	resetPerDay   = 4
)

type resetLog struct {
	mu   sync.Mutex
	sent map[string][]time.Time
}

const resetLogKey = "atelierPasswordResets"

// allowReset reserves a reset e-mail for account now, or says no.
func allowReset(app core.App, account string) bool {
	log := app.Store().GetOrSet(resetLogKey, func() any { return &resetLog{sent: map[string][]time.Time{}} }).(*resetLog)
	now := clock.Now(app)
	log.mu.Lock()
	defer log.mu.Unlock()
	var recent []time.Time
	for _, t := range log.sent[account] {
		if now.Sub(t) < 24*time.Hour {
			recent = append(recent, t)
		}
	}
	if len(recent) >= resetPerDay || (len(recent) > 0 && now.Sub(recent[len(recent)-1]) < resetInterval) {
		log.sent[account] = recent
		return false
	}
	log.sent[account] = append(recent, now)
	return true
}

// SendPasswordReset sends PocketBase's reset e-mail to the active account
// of email, within the limit; nothing otherwise. The caller answers the
// same either way.
func SendPasswordReset(app core.App, email string) {
	staff, err := app.FindAuthRecordByEmail("utilisateurs", strings.TrimSpace(strings.ToLower(email)))
	if err != nil || !staff.GetBool("actif") || !allowReset(app, staff.Id) {
		return
	}
	if err := mails.SendRecordPasswordReset(app, staff); err != nil {
		app.Logger().Error("password reset e-mail", "error", err)
	}
}
