package app

import (
	"errors"
	"net/http"
	"testing"
	"testing/fstest"

	"atelier/hooks/web"

	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// A failing page handler gives the French 500 page and never leaks the
// internal error; a missing record gives the French 404 page.
func TestPageErrorsAreFrenchPages(t *testing.T) {
	t.Parallel()
	public := fstest.MapFS{"static/atelier.css": {Data: []byte("body{}")}}
	factory := func(t testing.TB) *tests.TestApp {
		app := testkit.NewApp(t)
		Register(app, public)
		app.OnServe().BindFunc(func(se *core.ServeEvent) error {
			pe, err := web.LoadPages(public, web.NewPageCache())
			if err != nil {
				return err
			}
			se.Router.GET("/boum", pe.Page(func(e *core.RequestEvent) error {
				return errors.New("sqlite: table secrete_interne is locked")
			}))
			se.Router.GET("/absent", pe.Page(func(e *core.RequestEvent) error {
				_, err := e.App.FindRecordById("seances", "inexistant00000")
				return err
			}))
			return se.Next()
		})
		return app
	}
	(&tests.ApiScenario{
		Name:               "500",
		Method:             http.MethodGet,
		URL:                "/boum",
		TestAppFactory:     factory,
		ExpectedStatus:     http.StatusInternalServerError,
		ExpectedContent:    []string{`<html lang="fr">`, "Une erreur est survenue", "Ce n'est pas de votre faute"},
		NotExpectedContent: []string{"secrete_interne", "sqlite"},
	}).Test(t)
	(&tests.ApiScenario{
		Name:            "404 for a missing record",
		Method:          http.MethodGet,
		URL:             "/absent",
		TestAppFactory:  factory,
		ExpectedStatus:  http.StatusNotFound,
		ExpectedContent: []string{"Page introuvable"},
	}).Test(t)
}
