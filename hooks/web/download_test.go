package web

import (
	"net/http"
	"testing"
)

func TestDownloadHeaders(t *testing.T) {
	for _, c := range []struct {
		name string
		d    download
		want map[string]string
	}{
		{"private, accents and quotes",
			download{Name: `Émargement "Café numérique" – 2026.pdf`, ContentType: "application/pdf"},
			map[string]string{
				"Content-Type": "application/pdf",
				"Content-Disposition": `attachment; filename="Emargement 'Cafe numerique' _ 2026.pdf"; ` +
					`filename*=UTF-8''%C3%89margement%20%22Caf%C3%A9%20num%C3%A9rique%22%20%E2%80%93%202026.pdf`,
				"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "X-Content-Type-Options": "nosniff",
			}},
		{"plain ASCII name: filename only, last",
			download{Name: "participants-atelier-2026-10-01.csv", ContentType: "text/csv; charset=utf-8"},
			map[string]string{
				"Content-Disposition": `attachment; filename="participants-atelier-2026-10-01.csv"`,
				"Cache-Control":       "no-store", "X-Robots-Tag": "noindex, nofollow",
			}},
		{"inline, backslash and slash",
			download{Name: `a\b/c.pdf`, ContentType: "application/pdf", Inline: true},
			map[string]string{
				"Content-Disposition": `inline; filename="a_b_c.pdf"; filename*=UTF-8''a%5Cb%2Fc.pdf`,
			}},
		{"private with its own Cache-Control",
			download{Name: "r.pdf", ContentType: "application/pdf", Cache: "private, no-store"},
			map[string]string{"Cache-Control": "private, no-store", "X-Robots-Tag": "noindex, nofollow"}},
		{"public data",
			download{Name: "lieux.csv", ContentType: "text/csv; charset=utf-8", Inline: true, Cache: "public, max-age=300"},
			map[string]string{
				"Content-Disposition": `inline; filename="lieux.csv"`,
				"Cache-Control":       "public, max-age=300", "X-Robots-Tag": "", "X-Content-Type-Options": "nosniff",
			}},
	} {
		h := http.Header{}
		c.d.headers(h)
		for name, want := range c.want {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s = %q, want %q", c.name, name, got, want)
			}
		}
	}
}
