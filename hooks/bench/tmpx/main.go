package main

import (
	"context"
	"database/sql"
	"github.com/pocketbase/dbx"

	"fmt"
	"os"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/model"
	_ "atelier/pb_migrations"
)

func main() {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: os.Args[1]})
	if err := app.Bootstrap(); err != nil {
		panic(err)
	}
	if err := app.RunAllMigrations(); err != nil {
		panic(err)
	}
	var sid string
	app.DB().NewQuery("SELECT id FROM structures WHERE slug='grande-structure'").Row(&sid)
	col, _ := app.FindCollectionByNameOrId("utilisateurs")
	u := core.NewRecord(col)
	u.Load(map[string]any{"role": model.RoleConseiller, "structures": []string{sid}, "confirme_pour": []string{sid}, "actif": true})
	staff := model.NewStaffView(u)
	queries := []string{"traore", "oceane", "guerin", "marie therese", "06 00 98 12", "guerim", "le", "nathalie moreau", "theo"}
	if os.Getenv("SQLLOG") != "" {
		app.ConcurrentDB().(*dbx.DB).QueryLogFunc = func(ctx context.Context, t time.Duration, sql string, rows *sql.Rows, err error) {
			fmt.Println(t, sql)
		}
		for _, q := range queries {
			beneficiaires.SearchBeneficiaires(app, staff, "", q, 51)
		}
		return
	}
	for _, q := range queries {
		var d []time.Duration
		var n int
		for range 15 {
			s := time.Now()
			h, err := beneficiaires.SearchBeneficiaires(app, staff, "", q, 51)
			if err != nil {
				panic(err)
			}
			n = len(h)
			d = append(d, time.Since(s))
		}
		slices.Sort(d)
		fmt.Printf("%-18q n=%2d min %v med %v\n", q, n, d[0], d[len(d)/2])
	}
}
