//go:build bench

package web

import (
	"net/http/pprof"
	"os"
	"path/filepath"
	"sync"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// A bench build (go build -tags bench, made by make bench only) serves at
// /_bench/{name} the files the bench wrote into the data directory's
// bench_statique folder, through the code that serves the static files:
// the baseline of the HTTP stack for a page of the same size. A release
// build has no such route (statique_release.go).
func RegisterBenchStatic(se *core.ServeEvent) {
	var (
		once   sync.Once
		assets *staticAssets
		err    error
	)
	se.Router.GET("/_bench/{name}", func(e *core.RequestEvent) error {
		once.Do(func() {
			assets, err = loadStaticAssets(os.DirFS(filepath.Join(e.App.DataDir(), "bench_statique")))
		})
		if err != nil {
			return err
		}
		if !assets.Serve(e, e.Request.PathValue("name")) {
			return e.NotFoundError("", nil)
		}
		return nil
	}).Bind(apis.SkipSuccessActivityLog())
	// The CPU and heap profiles of the running server, to see where a
	// measured figure goes (go tool pprof URL).
	se.Router.GET("/_bench/pprof/{name}", func(e *core.RequestEvent) error {
		switch e.Request.PathValue("name") {
		case "profile":
			pprof.Profile(e.Response, e.Request)
		default:
			pprof.Handler(e.Request.PathValue("name")).ServeHTTP(e.Response, e.Request)
		}
		return nil
	})
}
