package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

func registerHelpPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {}
