package hooks

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

func registerSessionPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {}
