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
		return sendPublicData(e, pe, key, download{Name: format.filename, ContentType: format.contentType, Inline: true},
			func() ([]byte, error) {
				lieux, err := lieux.OpenDataLieux(e.App, base, clock.Now(e.App))
				if err != nil {
					return nil, err
				}
				body, err := format.encode(lieux)
				if err != nil {
					return nil, fmt.Errorf("encode %s: %w", format.key, err)
				}
				return body, nil
			})
	}
}

// sendPublicData serves a public data file from the page cache, or builds
// it and keeps it for the next readers. Any site may read it.
func sendPublicData(e *core.RequestEvent, pe *pageEngine, key string, d download, build func() ([]byte, error)) error {
	page, ok := pe.cache.get(key)
	if !ok {
		generation := pe.cache.generation.Load()
		body, err := build()
		if err != nil {
			return err
		}
		gzipped, err := gzipBytes(body)
		if err != nil {
			return fmt.Errorf("compress %s: %w", key, err)
		}
		page = &cachedPage{status: http.StatusOK, plain: body, gzipped: gzipped}
		pe.cache.put(key, generation, page)
	}
	header := e.Response.Header()
	header.Set("Access-Control-Allow-Origin", "*") // public data: any site may read it
	header.Add("Vary", "Accept-Encoding")
	body := page.plain
	if acceptsGzip(e.Request) {
		header.Set("Content-Encoding", "gzip")
		body = page.gzipped
	}
	// Public data: caches may keep it for 5 minutes, search engines index it.
	d.Cache = "public, max-age=300"
	return sendFile(e, d, body)
}
