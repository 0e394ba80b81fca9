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
)

//go:embed all:pb_public
var embeddedPublic embed.FS

func main() {
	// Dev mode (every SQL statement and log line on the terminal) is on
	// only with --dev. PocketBase's default turns it on for any binary
	// started from a temporary folder, taken for `go run`: a release
	// unpacked in /tmp would print people's data.
	app := pocketbase.NewWithConfig(pocketbase.Config{DefaultDev: false, DBConnect: atelier.DBConnect})

	// Collection changes made in the admin UI become Go migrations only
	// while developing (--dev); a released binary never writes code.
	migratecmd.MustRegister(app, app.RootCmd, migratecmd.Config{
		TemplateLang: migratecmd.TemplateLangGo,
		Automigrate:  app.IsDev(),
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
