package web

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Visitors asking for a missing page at the same time wait for one
// rendering, get the same page, and the page is then kept.
func TestPageCacheRendersAMissingPageOnceForConcurrentVisitors(t *testing.T) {
	c := NewPageCache()
	var renders atomic.Int32
	started := make(chan struct{})
	release := make(chan struct{})
	render := func() (*cachedPage, error) {
		if renders.Add(1) == 1 {
			close(started)
		}
		<-release
		return &cachedPage{status: 200, plain: []byte("accueil")}, nil
	}

	const visitors = 20
	pages := make([]*cachedPage, visitors)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the first visitor starts rendering
		defer wg.Done()
		pages[0], _ = c.build("/", render)
	}()
	<-started
	for i := 1; i < visitors; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			pages[i], _ = c.build("/", render)
		}()
	}
	// Each follower counts itself before waiting; without followers, the
	// others render on their own and the count below shows it.
	for waiting, deadline := 0, time.Now().Add(5*time.Second); waiting < visitors-1 && time.Now().Before(deadline); {
		c.mu.RLock()
		for _, b := range c.building {
			waiting = b.waiting
		}
		c.mu.RUnlock()
	}
	close(release)
	wg.Wait()

	if n := renders.Load(); n != 1 {
		t.Fatalf("the page was rendered %d times for %d visitors at once, want 1", n, visitors)
	}
	for i, p := range pages {
		if p == nil || string(p.plain) != "accueil" {
			t.Fatalf("visitor %d got %+v", i, p)
		}
	}
	if p, ok := c.get("/"); !ok || string(p.plain) != "accueil" {
		t.Fatalf("the rendered page is not kept: %+v, %v", p, ok)
	}
	if len(c.building) != 0 {
		t.Fatalf("a finished rendering is still listed: %v", c.building)
	}
}

// A change during a rendering starts a new one for the next visitors, and
// the page rendered from the old data is not kept; an error is not kept.
func TestPageCacheRendersAgainAfterAChange(t *testing.T) {
	c := NewPageCache()
	if _, err := c.build("/", func() (*cachedPage, error) {
		c.invalidate() // a registration commits while the page is rendered
		return &cachedPage{status: 200, plain: []byte("avant")}, nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, ok := c.get("/"); ok {
		t.Fatal("a page rendered before a change is kept")
	}
	failed := errors.New("database locked")
	if _, err := c.build("/", func() (*cachedPage, error) { return nil, failed }); !errors.Is(err, failed) {
		t.Fatalf("error = %v, want %v", err, failed)
	}
	if _, ok := c.get("/"); ok {
		t.Fatal("a failed rendering left a page")
	}
	p, err := c.build("/", func() (*cachedPage, error) { return &cachedPage{status: 200, plain: []byte("après")}, nil })
	if err != nil || string(p.plain) != "après" {
		t.Fatalf("build after a change = %+v, %v", p, err)
	}
	if p, ok := c.get("/"); !ok || string(p.plain) != "après" {
		t.Fatalf("the new page is not kept: %+v, %v", p, ok)
	}
}
