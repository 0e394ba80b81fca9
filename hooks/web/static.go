package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

type staticFile struct {
	body        []byte
	gzipped     []byte // nil when compression does not pay
	contentType string
	etag        string
	version     string
}

type staticAssets struct {
	files map[string]*staticFile
}

const (
	cacheFingerprinted = "public, max-age=31536000, immutable"
	cacheRevalidate    = "public, max-age=3600, must-revalidate"
)

func loadStaticAssets(public fs.FS) (*staticAssets, error) {
	assets := &staticAssets{files: map[string]*staticFile{}}
	err := fs.WalkDir(public, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := fs.ReadFile(public, name)
		if err != nil {
			return fmt.Errorf("read static file %s: %w", name, err)
		}
		sum := sha256.Sum256(body)
		f := &staticFile{
			body:        body,
			contentType: contentTypeOf(name, body),
			version:     hex.EncodeToString(sum[:])[:12],
		}
		f.etag = `"` + f.version + `"`
		if compressible(f.contentType) {
			f.gzipped, err = gzipBytes(body)
			if err != nil {
				return fmt.Errorf("compress static file %s: %w", name, err)
			}
		}
		assets.files[name] = f
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load static files: %w", err)
	}
	return assets, nil
}

func contentTypeOf(name string, body []byte) string {
	if t := mime.TypeByExtension(path.Ext(name)); t != "" {
		return t
	}
	return http.DetectContentType(body)
}

func compressible(contentType string) bool {
	return strings.HasPrefix(contentType, "text/") || strings.Contains(contentType, "svg") ||
		strings.Contains(contentType, "javascript") || strings.Contains(contentType, "json")
}

func gzipBytes(body []byte) ([]byte, error) { return gzipBytesLevel(body, gzip.DefaultCompression) }

// gzipBytesLevel compresses at level: pages compressed for one answer only
// use gzip.BestSpeed (CPU per request matters more than a few bytes). The
// compressors are reused: each holds hundreds of kilobytes of state.
func gzipBytesLevel(body []byte, level int) ([]byte, error) {
	pool := gzipPool(level)
	w, _ := pool.Get().(*gzip.Writer)
	var buf bytes.Buffer
	buf.Grow(len(body) / 3)
	if w == nil {
		var err error
		if w, err = gzip.NewWriterLevel(&buf, level); err != nil {
			return nil, err
		}
	} else {
		w.Reset(&buf)
	}
	defer pool.Put(w)
	if _, err := w.Write(body); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

var gzipPools sync.Map // level → *sync.Pool of *gzip.Writer

func gzipPool(level int) *sync.Pool {
	p, _ := gzipPools.LoadOrStore(level, &sync.Pool{})
	return p.(*sync.Pool)
}

// url is the fingerprinted address of a static file, for templates.
func (a *staticAssets) url(name string) string {
	f, ok := a.files[name]
	if !ok {
		return "/" + name
	}
	return "/" + name + "?v=" + f.version
}

// Serve writes the named file and reports whether it exists.
func (a *staticAssets) Serve(e *core.RequestEvent, name string) bool {
	f, ok := a.files[name]
	if !ok {
		return false
	}
	h := e.Response.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Add("Vary", "Accept-Encoding")
	if e.Request.URL.Query().Get("v") == f.version {
		h.Set("Cache-Control", cacheFingerprinted)
	} else {
		h.Set("Cache-Control", cacheRevalidate)
	}
	if match := e.Request.Header.Get("If-None-Match"); match != "" && strings.Contains(match, f.etag) {
		e.Response.WriteHeader(http.StatusNotModified)
		return true
	}
	body := f.body
	if f.gzipped != nil && len(f.gzipped) < len(f.body) && acceptsGzip(e.Request) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	e.Response.WriteHeader(http.StatusOK)
	if e.Request.Method != http.MethodHead {
		_, _ = e.Response.Write(body)
	}
	return true
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		if enc == "gzip" {
			return true
		}
	}
	return false
}
