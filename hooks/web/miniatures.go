package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"atelier/hooks/model"
)

// RefuseOversizedThumbs answers 400 to a thumbnail of a stored image that
// declares too many pixels (one uploaded before the limit of
// model.checkImages): PocketBase would decode the whole image to draw the
// thumbnail, gigabytes for a file of a few hundred bytes. It runs before
// PocketBase's file route, which creates the thumbnail before any hook.
func RefuseOversizedThumbs() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "atelierOversizedThumbs",
		Func: func(e *core.RequestEvent) error {
			rest, ok := strings.CutPrefix(e.Request.URL.Path, "/api/files/")
			if !ok || e.Request.URL.Query().Get("thumb") == "" {
				return e.Next()
			}
			parts := strings.Split(rest, "/")
			if len(parts) != 3 {
				return e.Next()
			}
			record, err := e.App.FindRecordById(parts[0], parts[1])
			if err != nil || record.FindFileFieldByFile(parts[2]) == nil {
				return e.Next()
			}
			oversized, err := model.OversizedImage(e.App, record, parts[2])
			if err != nil {
				return e.Next() // PocketBase answers the missing file itself
			}
			if oversized {
				return e.Error(http.StatusBadRequest, "Cette image est trop grande pour en faire une miniature.", nil)
			}
			return e.Next()
		},
	}
}
