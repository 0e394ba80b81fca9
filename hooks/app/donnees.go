package app

import (
	"context"
	"database/sql"
	"log"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/caviardage"
	"atelier/hooks/web"
)

// registerDataGuards binds the guards of personal data and of the server's
// memory that are not a collection's rule: the logs keep no personal data,
// whatever the mode (the request log masks personal links, tokens and
// searches with web.MaskRequestLog; dev mode, asked explicitly with --dev
// in main.go, prints SQL statements without their values, which are
// people's names, phones and tokens), and no thumbnail is drawn of an
// oversized image.
func registerDataGuards(app core.App) {
	app.OnBootstrap().BindFunc(func(e *core.BootstrapEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		if e.App.IsDev() {
			maskSQLLogs(e.App.ConcurrentDB(), e.App.NonconcurrentDB())
		}
		return nil
	})
	app.OnServe().BindFunc(func(se *core.ServeEvent) error {
		se.Router.Bind(web.MaskRequestLog(), web.RefuseOversizedThumbs())
		return se.Next()
	})
}

func maskSQLLogs(builders ...dbx.Builder) {
	query := func(ctx context.Context, t time.Duration, stmt string, rows *sql.Rows, err error) {
		log.Printf("[%.2fms] %s", float64(t.Microseconds())/1000, caviardage.SQL(stmt))
	}
	exec := func(ctx context.Context, t time.Duration, stmt string, result sql.Result, err error) {
		log.Printf("[%.2fms] %s", float64(t.Microseconds())/1000, caviardage.SQL(stmt))
	}
	for _, b := range builders {
		if db, ok := b.(*dbx.DB); ok {
			db.QueryLogFunc, db.ExecLogFunc = query, exec
		}
	}
}
