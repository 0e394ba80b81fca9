package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"

	"atelier/hooks/envois"
	"atelier/hooks/lieux"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/mednum"
)

type openDataFormat struct {
	key, contentType, filename string
	encode                     func([]mednum.Lieu) ([]byte, error)
}

var (
	openDataJSON = openDataFormat{key: "lieux.json", contentType: "application/json; charset=utf-8", filename: "lieux-mediation-numerique.json",
		encode: func(l []mednum.Lieu) ([]byte, error) { return json.MarshalIndent(l, "", "  ") }}
	openDataCSV = openDataFormat{key: "lieux.csv", contentType: "text/csv; charset=utf-8", filename: "lieux-mediation-numerique.csv",
		encode: func(l []mednum.Lieu) ([]byte, error) {
			var buf bytes.Buffer
			err := mednum.WriteCSV(&buf, l)
			return buf.Bytes(), err
		}}
)

func openDataHandler(pe *pageEngine, format openDataFormat) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		base := envois.InstanceURL(e.App)
		key := "/donnees/" + format.key + "@" + base // links depend on the address
		page, ok := pe.cache.get(key)
		if !ok {
			generation := pe.cache.generation.Load()
			lieux, err := lieux.OpenDataLieux(e.App, base, clock.Now(e.App))
			if err != nil {
				return err
			}
			body, err := format.encode(lieux)
			if err != nil {
				return fmt.Errorf("encode %s: %w", format.key, err)
			}
			gzipped, err := gzipBytes(body)
			if err != nil {
				return fmt.Errorf("compress %s: %w", format.key, err)
			}
			page = &cachedPage{status: http.StatusOK, plain: body, gzipped: gzipped}
			pe.cache.put(key, generation, page)
		}
		header := e.Response.Header()
		header.Set("Access-Control-Allow-Origin", "*") // open data: any site may read it
		header.Add("Vary", "Accept-Encoding")
		body := page.plain
		if acceptsGzip(e.Request) {
			header.Set("Content-Encoding", "gzip")
			body = page.gzipped
		}
		// Public data: caches may keep it for 5 minutes, search engines index it.
		return sendFile(e, download{Name: format.filename, ContentType: format.contentType, Inline: true,
			Cache: "public, max-age=300"}, body)
	}
}
