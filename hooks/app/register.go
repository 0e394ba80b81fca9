package app

import (
	"fmt"
	"io/fs"
	"os"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"atelier/hooks/access"
	"atelier/hooks/cli"
	"atelier/hooks/clock"
	"atelier/hooks/comptes"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/jobs"
	"atelier/hooks/model"
	"atelier/hooks/seances"
	"atelier/hooks/web"
)

// Register binds every hook and route of Atelier to app. public holds the
// static files (pb_public), served after the application's own routes.
func Register(app core.App, public fs.FS) {
	clock.Stamp(app)
	model.RegisterIntegrity(app)
	model.RegisterDefaults(app)
	model.RegisterRecherche(app)
	model.RegisterCodeInscription(app)
	model.RegisterSequence(app)
	envois.RegisterCourriels(app)
	access.RegisterInternalNotes(app)
	seances.RegisterCapacite(app)
	seances.RegisterOffres(app)
	web.RegisterAPIRules(app)
	comptes.RegisterAccountHooks(app)
	inscriptions.RegisterLimites(app)
	envois.RegisterSMS(app)
	jobs.RegisterScheduler(app)

	cache := web.NewPageCache()
	cache.InvalidateOnWrites(app)
	registerPrivacyOps(app, cache)
	registerDataGuards(app)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := registerPages(se, public, cache); err != nil {
			return err
		}
		if se.Server != nil && !envois.InstanceURLConfigured(app) { // a real server, not a test's router
			warnInstanceURL(app)
		}
		return se.Next()
	})
}

// Commands are Atelier's own command-line verbs, next to PocketBase's.
func Commands(app core.App) []*cobra.Command {
	return []*cobra.Command{cli.NewDemoCommand(app), cli.NewRGPDCommand(app), cli.NewReportsCommand(app),
		cli.NewBeneficiairesCommand(app)}
}

// warnInstanceURL tells the operator, at start, that links in messages
// cannot work until the Application URL is set.
func warnInstanceURL(app core.App) {
	const msg = "Atelier : l'adresse publique (Application URL) n'est pas réglée. " +
		"Les liens des e-mails ne fonctionneront pas. Réglez-la dans /_/ → Settings → Application URL."
	fmt.Fprintln(os.Stderr, msg)
	app.Logger().Warn("Application URL not set: links in messages will not work")
}
