package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/envois"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/rgaa"
	"atelier/hooks/model"
)

// The page engine: html/template files embedded from hooks/web/views, one
// layout, shared partials and one file per page. Pages are rendered into a
// buffer first, so that a template error gives a clean 500 page instead of
// half a page.

// LoadPages prepares the static files and the templates once, at start-up.
func LoadPages(public fs.FS, cache *PageCache) (*pageEngine, error) {
	parsed, err := parsedPages(public)
	if err != nil {
		return nil, err
	}
	pe := *parsed
	pe.cache = cache
	return &pe, nil
}

// The parsed templates and static files are shared by the apps of one
// process that serve the same files: each test builds its own app, and
// parsing and cloning every template for each of them took a third of the
// test suite's CPU. Templates may be executed concurrently; each app keeps
// its own page cache.
var (
	parsedMu sync.Mutex
	parsed   = map[fs.FS]*pageEngine{}
)

func parsedPages(public fs.FS) (*pageEngine, error) {
	shareable := public != nil && reflect.TypeOf(public).Comparable() // a map FS cannot be a key
	if shareable {
		parsedMu.Lock()
		defer parsedMu.Unlock()
		if pe, ok := parsed[public]; ok {
			return pe, nil
		}
	}
	assets, err := loadStaticAssets(public)
	if err != nil {
		return nil, err
	}
	pe, err := newPageEngine(assets)
	if err != nil {
		return nil, err
	}
	if shareable {
		parsed[public] = pe
	}
	return pe, nil
}

func newPageEngine(assets *staticAssets) (*pageEngine, error) {
	funcs := templateFuncs(assets)
	shared, err := template.New("layout").Funcs(funcs).ParseFS(viewsFS, "views/layouts/*.html", "views/partials/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse layout and partials: %w", err)
	}
	files, err := fs.Glob(viewsFS, "views/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("list pages: %w", err)
	}
	engine := &pageEngine{pages: map[string]*template.Template{}, Assets: assets}
	for _, file := range files {
		t, err := shared.Clone()
		if err != nil {
			return nil, fmt.Errorf("clone layout for %s: %w", file, err)
		}
		if _, err := t.ParseFS(viewsFS, file); err != nil {
			return nil, fmt.Errorf("parse page %s: %w", file, err)
		}
		engine.pages[strings.TrimSuffix(path.Base(file), ".html")] = t
	}
	return engine, nil
}

// templateFuncs are the helpers every template may use. French formatting
// comes only from frfmt, labels only from referentiel.
func templateFuncs(assets *staticAssets) template.FuncMap {
	funcs := template.FuncMap{
		"date":          frfmt.Date,
		"dateSansAnnee": frfmt.DateSansAnnee,
		"dateCourte":    frfmt.DateCourte,
		"heure":         frfmt.Heure,
		"dateHeure":     frfmt.DateHeure,
		"plage":         frfmt.Plage,
		"duree":         frfmt.Duree,
		"nombre":        frfmt.Nombre,
		"pourcent":      frfmt.Pourcent,
		"mois":          frfmt.Mois,
		"pluriel":       frfmt.Pluriel,
		"add":           func(a, b int) int { return a + b },
		"isoDate":       func(t time.Time) string { return t.Format(time.RFC3339) },
		"label": func(list, value string) string {
			if l, ok := referenceLists[list]; ok {
				return l.Label(value)
			}
			return value
		},
		"asset":     assets.url,
		"telephone": contact.FormaterTelephone,
		// the compliance state every footer must show with its statement
		"etatAccessibilite": func() string { return rgaa.Courant.Compte().Etat() },
	}
	for name, fn := range formFuncs() {
		funcs[name] = fn
	}
	return funcs
}

func siteName(app core.App) string {
	if name := app.Settings().Meta.AppName; name != "" {
		return name
	}
	return "Atelier"
}

//go:embed views
var viewsFS embed.FS

// pageSecurityHeaders keep every page self-contained: no third-party
// request can be made from it, and no other site can frame it.
var pageSecurityHeaders = map[string]string{
	"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; " +
		"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
	"X-Content-Type-Options": "nosniff",
	"Referrer-Policy":        "same-origin",
	"X-Frame-Options":        "DENY",
}

// view is what every page template receives: the site-wide part, the
// page's title and its own data.
type view struct {
	Site  string
	Title string
	Path  string
	Staff *model.StaffView // the signed-in staff member on workspace pages, else nil
	Flash string           // confirmation of the action that led here, on workspace pages
	// AdresseManquante warns staff that links in messages cannot work: the
	// Application URL is not set.
	AdresseManquante bool
	Data             any
}

type pageEngine struct {
	pages  map[string]*template.Template
	Assets *staticAssets
	cache  *PageCache
}

func (pe *pageEngine) render(e *core.RequestEvent, status int, page, title string, data any) error {
	if status == http.StatusUnprocessableEntity && !strings.HasPrefix(title, refusedTitle) {
		title = refusedTitle + title // a screen reader hears first that the form was refused
	}
	body, err := pe.execute(e, page, title, data)
	if err != nil {
		return err
	}
	return pe.write(e, status, body, nil)
}

// refusedTitle starts the title of every page answering a refused form.
const refusedTitle = "Erreur : "

// renderCached serves an anonymous public page from the page cache, or
// loads its data, renders it and keeps it for the next visitors. key must
// hold everything the page depends on (path and normalised query).
func (pe *pageEngine) renderCached(e *core.RequestEvent, key, page, title string, load func() (any, error)) error {
	return pe.renderCachedTitle(e, key, page, func() (string, any, error) {
		data, err := load()
		return title, data, err
	})
}

// renderCachedTitle is renderCached for pages whose title comes with their data.
func (pe *pageEngine) renderCachedTitle(e *core.RequestEvent, key, page string, load func() (string, any, error)) error {
	return pe.renderCachedFresh(e, key, page, load, "", nil)
}

// renderCachedFresh is renderCachedTitle for a page holding a value that
// must be new at every showing (a signed form token): the page is cached
// compressed around placeholder, and fresh's value is put in each copy
// sent (see pageTrouee).
func (pe *pageEngine) renderCachedFresh(e *core.RequestEvent, key, pageName string, load func() (string, any, error),
	placeholder string, fresh func() string) error {
	page, ok := pe.cache.get(key)
	if !ok {
		var err error
		if page, err = pe.renderOnce(e, key, pageName, load, placeholder, fresh != nil); err != nil {
			return err
		}
	}
	if page.trouee != nil {
		return pe.writeTrouee(e, page.status, page.trouee, fresh())
	}
	return pe.write(e, page.status, page.plain, page.gzipped)
}

// renderOnce renders a missing page once for every visitor asking for it
// at the same time (PageCache.build), and keeps it.
func (pe *pageEngine) renderOnce(e *core.RequestEvent, key, pageName string, load func() (string, any, error),
	placeholder string, trouee bool) (*cachedPage, error) {
	return pe.cache.build(key, func() (*cachedPage, error) {
		title, data, err := load()
		if err != nil {
			return nil, err
		}
		body, err := pe.execute(e, pageName, title, data)
		if err != nil {
			return nil, err
		}
		if trouee {
			holes, err := newPageTrouee(body, placeholder)
			if err != nil {
				return nil, fmt.Errorf("compress %s: %w", pageName, err)
			}
			return &cachedPage{status: http.StatusOK, trouee: holes}, nil
		}
		gzipped, err := gzipBytes(body)
		if err != nil {
			return nil, fmt.Errorf("compress %s: %w", pageName, err)
		}
		return &cachedPage{status: http.StatusOK, plain: body, gzipped: gzipped}, nil
	})
}

// writeTrouee sends a copy of a page with holes, value in each.
func (pe *pageEngine) writeTrouee(e *core.RequestEvent, status int, page *pageTrouee, value string) error {
	if !acceptsGzip(e.Request) {
		return pe.write(e, status, page.plain(value), nil)
	}
	gzipped, err := page.gzipped(value)
	if err != nil {
		return err
	}
	return pe.write(e, status, nil, gzipped)
}

func (pe *pageEngine) execute(e *core.RequestEvent, page, title string, data any) ([]byte, error) {
	t, ok := pe.pages[page]
	if !ok {
		return nil, fmt.Errorf("render: unknown page %q", page)
	}
	v := view{Site: siteName(e.App), Title: title, Path: e.Request.URL.Path, Staff: model.NewStaffView(e.Auth), Data: data}
	if v.Staff != nil {
		v.Flash = takeFlash(e)
		v.AdresseManquante = !envois.InstanceURLConfigured(e.App)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// write sends an HTML page with the security headers, compressed when the
// browser accepts it (gzipped may be nil: it is then compressed here).
func (pe *pageEngine) write(e *core.RequestEvent, status int, plain, gzipped []byte) error {
	header := e.Response.Header()
	for k, val := range pageSecurityHeaders {
		if k == "Referrer-Policy" && header.Get(k) == "no-referrer" {
			continue // a page with a secret in its address sends none
		}
		header.Set(k, val)
	}
	if ancestors, ok := e.Get(frameAncestorsKey).(string); ok {
		// the one page other sites may frame: only those the structure lists
		header.Del("X-Frame-Options")
		header.Set("Content-Security-Policy", strings.Replace(pageSecurityHeaders["Content-Security-Policy"],
			"frame-ancestors 'none'", "frame-ancestors "+ancestors, 1))
	}
	if header.Get("Cache-Control") == "" {
		header.Set("Cache-Control", "no-cache")
	}
	header.Add("Vary", "Accept-Encoding")
	body := plain
	if acceptsGzip(e.Request) {
		if gzipped == nil {
			var err error
			if gzipped, err = gzipBytesLevel(plain, gzip.BestSpeed); err != nil {
				return fmt.Errorf("compress page: %w", err)
			}
		}
		header.Set("Content-Encoding", "gzip")
		body = gzipped
	}
	return e.Blob(status, "text/html; charset=utf-8", body)
}

// ErrorPage renders the French page for an error status. It never fails:
// if even the template breaks, a plain French sentence is sent.
func (pe *pageEngine) ErrorPage(e *core.RequestEvent, status int) error {
	title, page := "Page introuvable", "404"
	switch {
	case status == http.StatusForbidden:
		title, page = "Action refusée", "403"
	case status == http.StatusTooManyRequests:
		title, page = "Trop de demandes", "429"
	case status >= 500:
		title, page = "Une erreur est survenue", "500"
	}
	if err := pe.render(e, status, page, title, nil); err != nil {
		e.App.Logger().Error("render error page", "status", status, "error", err)
		return e.String(status, title)
	}
	return nil
}

// FrenchRateLimitPage turns the rate limiter's refusal on a page (not on
// the REST API) into a French page: it runs just before PocketBase's rate
// limiter and sees its error on the way back.
func (pe *pageEngine) FrenchRateLimitPage() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "atelierPageRateLimit",
		Priority: apis.DefaultRateLimitMiddlewarePriority - 1,
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			var apiErr *router.ApiError
			if err == nil || e.Written() || strings.HasPrefix(e.Request.URL.Path, "/api/") ||
				!errors.As(err, &apiErr) || apiErr.Status != http.StatusTooManyRequests {
				return err
			}
			e.Response.Header().Set("Retry-After", "60")
			return pe.ErrorPage(e, http.StatusTooManyRequests)
		},
	}
}

// Page wraps a page handler: a missing record becomes the French 404 page,
// any other error is logged and becomes the French 500 page (never a JSON
// body, never an internal detail).
func (pe *pageEngine) Page(handler func(*core.RequestEvent) error) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		err := handler(e)
		if err == nil {
			return nil
		}
		if model.IsNotFound(err) {
			return pe.ErrorPage(e, http.StatusNotFound)
		}
		if access.Forbidden(err) {
			return pe.ErrorPage(e, http.StatusForbidden)
		}
		if e.Written() {
			return err
		}
		e.App.Logger().Error("page failed", "path", e.Request.URL.Path, "error", err)
		return pe.ErrorPage(e, http.StatusInternalServerError)
	}
}
