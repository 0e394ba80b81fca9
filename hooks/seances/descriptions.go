package seances

import (
	"sync"

	"github.com/pocketbase/pocketbase/core"
)

// A public registration's message says what the session is (workshop,
// date, place, structure): four records read per message, the costliest
// part of a registration, although these records change rarely. The
// descriptions are kept in memory and all forgotten at any committed change
// of a session, workshop, place or structure.

const descriptionsKey = "atelier.descriptions"

type descriptions struct {
	mu         sync.RWMutex
	generation uint64
	vues       map[string]*SeanceView
}

func descriptionsOf(app core.App) *descriptions {
	return app.Store().GetOrSet(descriptionsKey, func() any {
		return &descriptions{vues: map[string]*SeanceView{}}
	}).(*descriptions)
}

// RegisterDescriptions forgets the kept descriptions after every committed
// change of what they say.
func RegisterDescriptions(app core.App) {
	forget := func(e *core.ModelEvent) error {
		d := descriptionsOf(e.App)
		d.mu.Lock()
		d.generation++
		clear(d.vues)
		d.mu.Unlock()
		return e.Next()
	}
	collections := []string{"seances", "ateliers", "lieux", "structures"}
	app.OnModelAfterCreateSuccess(collections...).BindFunc(forget)
	app.OnModelAfterUpdateSuccess(collections...).BindFunc(forget)
	app.OnModelAfterDeleteSuccess(collections...).BindFunc(forget)
}

// DescribeSeanceKept is DescribeSeance of the session with this id, kept
// in memory until one of its records changes. The caller must not change
// the view (it is shared), nor call it inside a transaction that changes
// these records (their uncommitted state would be kept).
func DescribeSeanceKept(app core.App, seanceID string) (*SeanceView, error) {
	d := descriptionsOf(app)
	d.mu.RLock()
	v, ok := d.vues[seanceID]
	generation := d.generation
	d.mu.RUnlock()
	if ok {
		return v, nil
	}
	seance, err := app.FindRecordById("seances", seanceID)
	if err != nil {
		return nil, err
	}
	if v, err = DescribeSeance(app, seance); err != nil {
		return nil, err
	}
	d.mu.Lock()
	// A change committed while reading: keep nothing, it may be stale.
	if d.generation == generation {
		if len(d.vues) > 10_000 {
			clear(d.vues)
		}
		d.vues[seanceID] = v
	}
	d.mu.Unlock()
	return v, nil
}
