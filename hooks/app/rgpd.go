package app

import (
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/web"

	"atelier/hooks/journal"
)

// registerPrivacyOps binds the privacy (RGPD) and operations hooks: the
// privacy settings, the audit log's guards and API accesses, and the
// graceful shutdown. The pages are bound by registerPrivacyPages.
func registerPrivacyOps(app core.App, cache *web.PageCache) {
	web.RegisterSettingsHooks(app, cache)
	journal.RegisterJournalHooks(app)
	web.RegisterGracefulShutdown(app)
}
