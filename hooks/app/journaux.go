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

// registerMaskedLogs keeps personal data out of the logs, whatever the
// mode: the request log masks personal links, tokens and searches
// (web.MaskRequestLog), and dev mode (--dev, asked explicitly: main.go)
// prints SQL statements without their values, which are people's names,
// phones and tokens.
func registerMaskedLogs(app core.App) {
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
		se.Router.Bind(web.MaskRequestLog())
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
