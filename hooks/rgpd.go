package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/journal"
)

// registerPrivacyOps binds the privacy (RGPD) and operations hooks: the
// privacy settings, the audit log's guards and API accesses, and the
// graceful shutdown. The pages are bound by registerPrivacyPages.
func registerPrivacyOps(app core.App, cache *pageCache) {
	registerSettingsHooks(app, cache)
	journal.RegisterJournalHooks(app)
	registerGracefulShutdown(app)
}
