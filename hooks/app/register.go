package app

import (
	"io/fs"

	"atelier/hooks/web"

	"atelier/hooks/cli"

	"atelier/hooks/jobs"

	"atelier/hooks/model"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/comptes"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"
)

// Register binds every hook and route of Atelier to app. public holds the
// static files (pb_public), served after the application's own routes.
func Register(app core.App, public fs.FS) {
	clock.Stamp(app)
	model.RegisterIntegrity(app)
	model.RegisterDefaults(app)
	access.RegisterInternalNotes(app)
	comptes.RegisterAccountHooks(app)
	jobs.RegisterScheduler(app)

	cache := web.NewPageCache()
	cache.InvalidateOnWrites(app)
	registerPrivacyOps(app, cache)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := registerPages(se, public, cache); err != nil {
			return err
		}
		return se.Next()
	})
}

// Commands are Atelier's own command-line verbs, next to PocketBase's.
func Commands(app core.App) []*cobra.Command {
	return []*cobra.Command{cli.NewDemoCommand(app), cli.NewRGPDCommand(app), cli.NewReportsCommand(app)}
}
