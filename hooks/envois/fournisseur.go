package envois

import "github.com/pocketbase/pocketbase/core"

// The SMS provider of the instance is looked up at each message, so that a
// provider set by staff applies at once. Tests, and the scheduler's
// options, may put one of their own in its place.

const smsKey = "atelier.sms"

// UseSMS makes s the SMS provider of the app (tests; nil forgets it).
func UseSMS(app core.App, s SMSSender) {
	if s == nil {
		app.Store().Remove(smsKey)
		return
	}
	app.Store().Set(smsKey, s)
}

// SMSOf is the app's SMS provider: the one a test put in place, else the
// one of the environment or the settings (kept until they change), NoSMS
// when none is configured.
func SMSOf(app core.App) SMSSender {
	if s, ok := app.Store().Get(smsKey).(SMSSender); ok && s != nil {
		return s
	}
	return configuredSMS(app)
}
