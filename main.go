// Command atelier is the whole Atelier application: PocketBase with the
// workshop data model, the public pages, the advisors' workspace and the
// scheduled jobs, in one binary that only writes to pb_data/.
package main

import (
	"embed"
	"io/fs"
	"log"
	_ "time/tzdata" // structures live in many time zones; do not rely on the host

	atelier "atelier/hooks/app"
	_ "atelier/pb_migrations"

	"github.com/pocketbase/pocketbase"
	"github.com/pocketbase/pocketbase/plugins/migratecmd"
	"github.com/pocketbase/pocketbase/tools/osutils"
)

//go:embed all:pb_public
var embeddedPublic embed.FS

func main() {
	app := pocketbase.New()

	// Collection changes made in the admin UI become Go migrations only
	// while developing with `go run`; a released binary never writes code.
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangGo,
		Automigrate:  osutils.IsProbablyGoRun(),
		Dir:          "pb_migrations",
	})

	public, err := fs.Sub(embeddedPublic, "pb_public")
	if err != nil {
		log.Fatal(err)
	}
	atelier.Register(app, public)
	app.RootCmd.AddCommand(atelier.Commands(app)...)

	if err := app.Start(); err != nil {
		log.Fatal(err)
	}
}
