package seances

import (
	"testing"
	"time"
)

// The deadline of an offered place: the structure's delay, never past half
// the time left before the start, and no offer at all within six hours.
func TestOfferDeadline(t *testing.T) {
	now := time.Date(2026, 3, 29, 0, 30, 0, 0, time.UTC) // the night Paris moves to summer time
	for _, c := range []struct {
		name  string
		left  time.Duration
		delai int
		want  time.Duration // from now; 0: the place is given directly
	}{
		{"a week ahead: the default 24 h", 7 * 24 * time.Hour, 0, 24 * time.Hour},
		{"a week ahead: the structure's 48 h", 7 * 24 * time.Hour, 48, 48 * time.Hour},
		{"a week ahead: the structure's 2 h", 7 * 24 * time.Hour, 2, 2 * time.Hour},
		{"48 h ahead: exactly the 24 h", 48 * time.Hour, 24, 24 * time.Hour},
		{"30 h ahead: half the time left", 30 * time.Hour, 24, 15 * time.Hour},
		{"6 h ahead: 3 h, the shortest offer", 6 * time.Hour, 24, 3 * time.Hour},
		{"6 h ahead with a 1 h delay", 6 * time.Hour, 1, time.Hour},
		{"one second under 6 h: given directly", 6*time.Hour - time.Second, 24, 0},
		{"started: given directly (callers stop before)", -time.Minute, 24, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := OfferDeadline(now, now.Add(c.left), c.delai)
			if c.want == 0 {
				if ok {
					t.Fatalf("offered until %v, want the place given directly", got)
				}
				return
			}
			if !ok || !got.Equal(now.Add(c.want)) {
				t.Fatalf("deadline %v (offer %v), want %v", got, ok, now.Add(c.want))
			}
		})
	}
}
