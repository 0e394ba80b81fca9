package envois

import (
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// InstanceURL is the public address of the instance for every link that
// leaves a page (e-mails, printed pages, calendars, open data): the
// Application URL of the settings, never the address a request claims
// (its Host header is the sender's to choose).
func InstanceURL(app core.App) string {
	return strings.TrimRight(app.Settings().Meta.AppURL, "/")
}

// pocketBaseDefaultURL is the Application URL PocketBase starts with.
const pocketBaseDefaultURL = "http://localhost:8090"

// InstanceURLConfigured tells whether an administrator set the Application
// URL: until then links in messages point to PocketBase's default address,
// which nobody else can open. The server says so at start and in the
// workspace.
func InstanceURLConfigured(app core.App) bool {
	u := InstanceURL(app)
	if u == "" || u == pocketBaseDefaultURL {
		return false
	}
	parsed, err := url.Parse(u)
	return err == nil && parsed.Host != "" && (parsed.Scheme == "http" || parsed.Scheme == "https")
}
