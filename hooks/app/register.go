package app

import (
	"fmt"
	"io/fs"
	"net"
	"os"

	"github.com/pocketbase/pocketbase/core"
	"github.com/spf13/cobra"

	"atelier/hooks/access"
	"atelier/hooks/accompagnements"
	"atelier/hooks/cli"
	"atelier/hooks/clock"
	"atelier/hooks/comptes"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/installation"
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
	accompagnements.Register(app)
	model.RegisterDefaults(app)
	model.RegisterRecherche(app)
	model.RegisterCodeInscription(app)
	model.RegisterSequence(app)
	envois.RegisterCourriels(app)
	access.RegisterInternalNotes(app)
	seances.RegisterCapacite(app)
	seances.RegisterOffres(app)
	seances.RegisterQuestions(app)
	seances.RegisterCycles(app)
	web.RegisterAPIRules(app)
	web.RegisterCycleAPIRules(app)
	comptes.RegisterAccountHooks(app)
	inscriptions.RegisterLimites(app)
	envois.RegisterSMS(app)
	jobs.RegisterScheduler(app)
	seances.RegisterDescriptions(app)
	envois.RegisterFile(app)

	cache := web.NewPageCache()
	cache.InvalidateOnWrites(app)
	registerPrivacyOps(app, cache)
	registerDataGuards(app)

	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		if err := registerPages(se, public, cache); err != nil {
			return err
		}
		if se.Server == nil { // a test's router, not a real server
			return se.Next()
		}
		waiting, err := installation.EnAttente(app)
		if err != nil {
			return err
		}
		if waiting {
			return announceInstallation(se)
		}
		if !envois.InstanceURLConfigured(app) {
			warnInstanceURL(app)
		}
		return se.Next()
	})
}

// announceInstallation prints, once the server listens, the link of
// Atelier's installation page, which replaces PocketBase's own installer
// link (/_/ is not where a structure starts).
func announceInstallation(se *core.ServeEvent) error {
	se.InstallerFunc = nil
	if err := se.Next(); err != nil {
		return err
	}
	return cli.PrintInstallationLink(se.App, os.Stdout, listeningAddress(se))
}

// listeningAddress is the address the server answers at on this machine.
func listeningAddress(se *core.ServeEvent) string {
	host, port, err := net.SplitHostPort(se.Server.Addr)
	if err != nil {
		return "http://127.0.0.1:8090"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	if port == "443" { // serve --https: the certificate's name is in the Application URL, printed instead once set
		return "https://" + host
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Commands are Atelier's own command-line verbs, next to PocketBase's.
func Commands(app core.App) []*cobra.Command {
	return []*cobra.Command{cli.NewDemoCommand(app), cli.NewRGPDCommand(app), cli.NewReportsCommand(app),
		cli.NewInstallationCommand(app), cli.NewBeneficiairesCommand(app), cli.NewComptesCommand(app)}
}

// warnInstanceURL tells the operator, at start, that links in messages
// cannot work until the Application URL is set.
func warnInstanceURL(app core.App) {
	const msg = "Atelier : l'adresse publique (Application URL) n'est pas réglée. " +
		"Les liens des e-mails ne fonctionneront pas. Réglez-la dans /_/ → Settings → Application URL."
	fmt.Fprintln(os.Stderr, msg)
	app.Logger().Warn("Application URL not set: links in messages will not work")
}
