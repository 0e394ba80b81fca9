package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/texte"
)

// download is a file sent to the browser instead of a page: PDFs,
// spreadsheets, CSV and JSON exports, calendars. sendFile is the only way
// files leave the site, so every one gets the same headers.
type download struct {
	Name        string // the file name offered, any characters (see contentDisposition)
	ContentType string
	Inline      bool // opened by the browser (a sheet to print, open data) rather than saved
	// Cache is the Cache-Control of the file. Empty is the rule: files name
	// people or hold a structure's figures, so they are never stored
	// (no-store) and never indexed (X-Robots-Tag). Only public data sets
	// "public, max-age=…", which lets caches keep it and search engines
	// index it.
	Cache string
}

// privateCache is the Cache-Control of every file that is not public data.
const privateCache = "no-store"

// headers writes the file's headers, before its body.
func (d download) headers(h http.Header) {
	disposition := "attachment"
	if d.Inline {
		disposition = "inline"
	}
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Disposition", contentDisposition(disposition, d.Name))
	h.Set("X-Content-Type-Options", "nosniff")
	if strings.HasPrefix(d.Cache, "public") {
		h.Set("Cache-Control", d.Cache)
		return
	}
	if d.Cache == "" {
		d.Cache = privateCache
	}
	h.Set("Cache-Control", d.Cache)
	h.Set("X-Robots-Tag", "noindex, nofollow")
}

// sendFile answers the request with the file d holding body.
func sendFile(e *core.RequestEvent, d download, body []byte) error {
	d.headers(e.Response.Header())
	return e.Blob(http.StatusOK, d.ContentType, body)
}

// contentDisposition writes the header as RFC 6266 asks: filename="…" in
// plain ASCII for every browser and, when that lost something (accents,
// quotes), filename* with the exact name in UTF-8, percent-encoded
// (RFC 8187), which browsers prefer. filename comes first, as RFC 6266
// (appendix D) advises.
func contentDisposition(disposition, name string) string {
	fallback := asciiFileName(name)
	value := disposition + `; filename="` + fallback + `"`
	if fallback != name {
		value += "; filename*=UTF-8''" + percentEncode(name)
	}
	return value
}

// asciiFileName is name with its accents removed and every character that
// could not stand in a quoted header value, or in a file name, replaced:
// « "Café" à l'école.pdf » gives « 'Cafe' a l'ecole.pdf ».
func asciiFileName(name string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r == '\\' || r == '/' || r < ' ' || r > '~':
			return '_'
		}
		return r
	}, texte.SansAccents(name))
}

// percentEncode writes s as RFC 8187's value-chars: the attr-chars as they
// are, every other byte of its UTF-8 as %XX.
func percentEncode(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
