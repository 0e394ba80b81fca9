package web

import (
	"net/url"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"atelier/hooks/lib/caviardage"
)

// MaskRequestLog keeps personal links, tokens and searches out of the
// request log (the _logs table, and the terminal in dev mode). PocketBase
// logs the request's URL and Referer once the request is answered; this
// middleware runs just inside the logger, so it masks both after every
// other handler has used them and before the logger reads them. A
// referer matters as much as the URL: a page opened from a personal link
// (same-origin Referrer-Policy) carries that link.
func MaskRequestLog() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "atelierMaskRequestLog",
		Priority: apis.DefaultActivityLoggerMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			err := e.Next()
			uri := e.Request.URL.RequestURI()
			if masked := caviardage.URL(uri); masked != uri {
				u, perr := url.ParseRequestURI(masked)
				if perr != nil {
					u = &url.URL{Path: "/" + caviardage.Masque}
				}
				e.Request.URL = u
			}
			if ref := e.Request.Header.Get("Referer"); ref != "" {
				e.Request.Header.Set("Referer", caviardage.URL(ref))
			}
			return err
		},
	}
}
