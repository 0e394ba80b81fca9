// Package web is the HTTP layer: the page engine (templates embedded from
// views/, one layout, partials, one file per page), the form kit, static
// files, the public page cache, sign-in and the handlers of the public pages
// and of the workspace (/espace). Handlers parse the request, call the
// domain packages and render; they hold no SQL.
package web
