package hooks

import (
	"testing"
	"time"
)

// The retention rule on its own: nothing since the limit, nothing ahead.
func TestDueForAnonymisation(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	limit := now.AddDate(-1, 0, 0)
	old, recent := now.AddDate(-2, 0, 0), now.AddDate(0, -1, 0)
	cases := []struct {
		name string
		p    personActivity
		due  bool
	}{
		{"inactive for two years", personActivity{DerniereActivite: old, Creation: old}, true},
		{"recent activity", personActivity{DerniereActivite: recent, Creation: old}, false},
		{"no recorded activity: the creation counts", personActivity{Creation: old}, true},
		{"no recorded activity, created recently", personActivity{Creation: recent}, false},
		{"recorded activity wins over a recent creation (a merged copy)", personActivity{DerniereActivite: old, Creation: recent}, true},
		{"a later session counts", personActivity{DerniereActivite: old, Creation: old, DerniereSeance: recent}, false},
		{"a later one-to-one help counts", personActivity{DerniereActivite: old, Creation: old, DernierAccompagnement: recent}, false},
		{"registered for a session ahead", personActivity{DerniereActivite: old, Creation: old, AVenir: true}, false},
		{"exactly at the limit is kept", personActivity{DerniereActivite: limit, Creation: old}, false},
	}
	for _, c := range cases {
		if got := dueForAnonymisation(c.p, limit); got != c.due {
			t.Errorf("%s: due = %v, want %v", c.name, got, c.due)
		}
	}
}

func TestRetentionLimits(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	activite, envois := retentionLimits(privacySettings{InactiviteMois: 12, EnvoisMois: 6}, now)
	if !activite.Equal(time.Date(2025, 11, 23, 10, 0, 0, 0, time.UTC)) || !envois.Equal(time.Date(2026, 5, 23, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("limits = %v, %v", activite, envois)
	}
}
