package hooks

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Public pages are read far more often than the data behind them changes:
// a rendered page (plain and compressed) is kept in memory until any write
// to the records it shows, or for pageCacheTTL at most, since "upcoming"
// moves with the clock. Only anonymous pages go through this cache.

const pageCacheTTL = 30 * time.Second

// publicDataCollections are the collections whose changes alter a public page.
var publicDataCollections = []string{"structures", "lieux", "ateliers", "seances", "inscriptions"}

type cachedPage struct {
	generation uint64
	expires    time.Time
	status     int
	plain      []byte
	gzipped    []byte
}

type pageCache struct {
	generation atomic.Uint64
	mu         sync.RWMutex
	entries    map[string]*cachedPage
	now        func() time.Time
}

func newPageCache() *pageCache {
	return &pageCache{entries: map[string]*cachedPage{}, now: time.Now}
}

// invalidateOnWrites forgets every cached page after any committed change
// to the public data.
func (c *pageCache) invalidateOnWrites(app core.App) {
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

func (c *pageCache) invalidate() {
	c.generation.Add(1)
	c.mu.Lock()
	clear(c.entries)
	c.mu.Unlock()
}

func (c *pageCache) get(key string) (*cachedPage, bool) {
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
func (c *pageCache) put(key string, generation uint64, p *cachedPage) {
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
