package envois

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
)

// InstanceURL is the public address of the instance for links in messages
// sent without a visitor's request (scheduled jobs): the Application URL of
// the settings.
func InstanceURL(app core.App) string {
	return strings.TrimRight(app.Settings().Meta.AppURL, "/")
}
