package web

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
)

// hstsMaxAge is one year, over the 180 days browsers and audits expect.
const hstsMaxAge = "max-age=31536000"

// overHTTPS tells whether the visitor's request came over TLS: directly, or
// through a proxy the operator declared (Settings > Application > trusted
// proxy headers) that says so in X-Forwarded-Proto. Without a declared
// proxy the header is ignored: anyone can send it.
func overHTTPS(e *core.RequestEvent) bool {
	if e.IsTLS() {
		return true
	}
	if len(e.App.Settings().TrustedProxy.Headers) == 0 {
		return false
	}
	proto, _, _ := strings.Cut(e.Request.Header.Get("X-Forwarded-Proto"), ",")
	return strings.EqualFold(strings.TrimSpace(proto), "https")
}

// secureCookies: the session cookie only travels over HTTPS when the
// request came over it or the instance's address is an https one.
func secureCookies(e *core.RequestEvent) bool {
	return overHTTPS(e) || strings.HasPrefix(strings.ToLower(e.App.Settings().Meta.AppURL), "https://")
}

// StrictTransport asks browsers to come back over HTTPS only, on every
// answer sent over HTTPS.
func StrictTransport() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "atelierStrictTransport",
		Func: func(e *core.RequestEvent) error {
			if overHTTPS(e) {
				e.Response.Header().Set("Strict-Transport-Security", hstsMaxAge)
			}
			return e.Next()
		},
	}
}
