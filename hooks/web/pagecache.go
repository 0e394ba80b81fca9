package web

import (
	"strconv"
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
	building   map[string]*pageBuild // by key and generation, guarded by mu
	now        func() time.Time
}

// pageBuild is one rendering of a missing page that visitors asking for it
// at the same time wait for, instead of each rendering it again: after a
// change, 50 visitors of a region's home page would otherwise run its
// queries 50 times at once and all wait for the slowest.
type pageBuild struct {
	waiting int // visitors waiting for it, guarded by PageCache.mu
	done    chan struct{}
	page    *cachedPage
	err     error
}

func NewPageCache() *PageCache {
	return &PageCache{entries: map[string]*cachedPage{}, building: map[string]*pageBuild{}, now: time.Now}
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
	if !ok || !c.valid(p) {
		return nil, false
	}
	return p, true
}

func (c *PageCache) valid(p *cachedPage) bool {
	return p.generation == c.generation.Load() && !c.now().After(p.expires)
}

// build returns the page of key rendered once by render for every caller
// asking at the same time, and keeps it if the data has not changed since.
func (c *PageCache) build(key string, render func() (*cachedPage, error)) (*cachedPage, error) {
	generation := c.generation.Load()
	flight := key + "\x00" + strconv.FormatUint(generation, 10)
	c.mu.Lock()
	if p, ok := c.entries[key]; ok && c.valid(p) { // kept since the caller looked
		c.mu.Unlock()
		return p, nil
	}
	if b, ok := c.building[flight]; ok {
		b.waiting++
		c.mu.Unlock()
		<-b.done
		return b.page, b.err
	}
	b := &pageBuild{done: make(chan struct{})}
	c.building[flight] = b
	c.mu.Unlock()

	defer func() {
		c.mu.Lock()
		delete(c.building, flight)
		c.mu.Unlock()
		close(b.done)
	}()
	b.page, b.err = render()
	if b.err == nil {
		c.put(key, generation, b.page)
	}
	return b.page, b.err
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
