package clock_test

import (
	"testing"
	"time"

	"atelier/hooks/clock"
	"atelier/hooks/testkit"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/pocketbase/core"
)

func TestShiftedStartsAtItsInstantAndRuns(t *testing.T) {
	start := time.Date(2028, 2, 29, 23, 59, 59, 0, time.UTC)
	c := clock.Shifted(start)
	first := c.Now()
	if d := first.Sub(start); d < 0 || d > time.Second {
		t.Fatalf("shifted clock reads %s, want %s", first, start)
	}
	time.Sleep(20 * time.Millisecond)
	if elapsed := c.Since(first); elapsed < 20*time.Millisecond || elapsed > 5*time.Second {
		t.Fatalf("shifted clock ran %s in 20 ms", elapsed)
	}
	if c.Until(start.Add(time.Hour)) > time.Hour {
		t.Fatal("Until ignores the shift")
	}
}

func TestAppClock(t *testing.T) {
	app := testkit.EmptyApp(t)
	fake := clockwork.NewFakeClockAt(time.Date(2027, 3, 28, 0, 30, 0, 0, time.UTC))
	clock.Set(app, fake)
	if got := clock.Now(app); !got.Equal(fake.Now()) {
		t.Fatalf("Now = %s, want the attached clock's %s", got, fake.Now())
	}
	if clock.Of(nil) == nil || clock.Now(nil).IsZero() {
		t.Fatal("no app: the real clock is expected")
	}
}

// Records created and updated follow the app's clock, so that rules
// comparing them with Now agree at any instant.
func TestStampFollowsTheAppClock(t *testing.T) {
	app := testkit.NewApp(t)
	clock.Stamp(app)
	at := time.Date(2026, 12, 31, 22, 30, 0, 0, time.UTC)
	fake := clockwork.NewFakeClockAt(at)
	clock.Set(app, fake)
	collection, err := app.FindCollectionByNameOrId("lieux")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(collection)
	r.Set("structure", testkit.ID(testkit.StructureA))
	r.Set("nom", "Salle du réveillon")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if got := r.GetDateTime("created").Time(); !got.Equal(at) {
		t.Fatalf("created = %s, want %s", got, at)
	}
	fake.Advance(36 * time.Hour)
	r.Set("nom", "Salle du Nouvel An")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	stored, err := app.FindRecordById("lieux", r.Id)
	if err != nil {
		t.Fatal(err)
	}
	if got := stored.GetDateTime("updated").Time(); !got.Equal(at.Add(36 * time.Hour)) {
		t.Fatalf("updated = %s, want %s", got, at.Add(36*time.Hour))
	}
	if got := stored.GetDateTime("created").Time(); !got.Equal(at) {
		t.Fatalf("created moved on update: %s", got)
	}
}

func TestReferenceIsTheTestInstant(t *testing.T) {
	ref, err := clock.Reference()
	if err != nil {
		t.Fatal(err)
	}
	if d := testkit.Now().Sub(ref); d < 0 || d > 10*time.Minute {
		t.Fatalf("tests' now %s is not near the reference %s", testkit.Now(), ref)
	}
}
