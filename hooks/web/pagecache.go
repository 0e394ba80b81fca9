package web

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

const pageCacheTTL = 30 * time.Second

// publicDataCollections are the collections whose changes alter a public page.
var publicDataCollections = []string{"structures", "lieux", "ateliers", "seances", "inscriptions", "cycles"}

type cachedPage struct {
	generation uint64
	expires    time.Time
	status     int
	plain      []byte
	gzipped    []byte
	trouee     *pageTrouee // a page with a value new at every showing, instead of plain and gzipped
}

type PageCache struct {
	generation atomic.Uint64
	mu         sync.RWMutex
	entries    map[string]*cachedPage
	now        func() time.Time
}

func NewPageCache() *PageCache {
	return &PageCache{entries: map[string]*cachedPage{}, now: time.Now}
}

// InvalidateOnWrites forgets every cached page after any committed change
// to the public data.
func (c *PageCache) InvalidateOnWrites(app core.App) {
	bump := func(e *core.ModelEvent) error {
		c.invalidate()
		return e.Next()
	}
	app.OnModelAfterCreateSuccess(publicDataCollections...).BindFunc(bump)
	app.OnModelAfterUpdateSuccess(publicDataCollections...).BindFunc(bump)
	app.OnModelAfterDeleteSuccess(publicDataCollections...).BindFunc(bump)
	app.OnSettingsReload().BindFunc(func(e *core.SettingsReloadEvent) error { // the site name
		c.invalidate()
		return e.Next()
	})
}

func (c *PageCache) invalidate() {
	c.generation.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

func (c *PageCache) get(key string) (*cachedPage, bool) {
	c.mu.RLock()
	p, ok := c.entries[key]
	c.mu.RUnlock()
	if !ok || p.generation != c.generation.Load() || c.now().After(p.expires) {
		return nil, false
	}
	return p, true
}

// put stores a page rendered while the data was at generation; a page
// rendered before a concurrent write is dropped rather than kept stale.
func (c *PageCache) put(key string, generation uint64, p *cachedPage) {
	if generation != c.generation.Load() {
		return
	}
	p.generation = generation
	p.expires = c.now().Add(pageCacheTTL)
	c.mu.Lock()
	if len(c.entries) > 1000 { // bounded: query strings are endless
		clear(c.entries)
	}
	c.entries[key] = p
	c.mu.Unlock()
}
