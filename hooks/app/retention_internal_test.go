package app

import (
	"testing"
	"time"

	"atelier/hooks/rgpd"
)

// The retention rule on its own: nothing since the limit, nothing ahead.
func TestDueForAnonymisation(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	limit := now.AddDate(-1, 0, 0)
	old, recent := now.AddDate(-2, 0, 0), now.AddDate(0, -1, 0)
	cases := []struct {
		name string
		p    rgpd.PersonActivity
		due  bool
	}{
		{"inactive for two years", rgpd.PersonActivity{DerniereActivite: old, Creation: old}, true},
		{"recent activity", rgpd.PersonActivity{DerniereActivite: recent, Creation: old}, false},
		{"no recorded activity: the creation counts", rgpd.PersonActivity{Creation: old}, true},
		{"no recorded activity, created recently", rgpd.PersonActivity{Creation: recent}, false},
		{"recorded activity wins over a recent creation (a merged copy)", rgpd.PersonActivity{DerniereActivite: old, Creation: recent}, true},
		{"a later session counts", rgpd.PersonActivity{DerniereActivite: old, Creation: old, DerniereSeance: recent}, false},
		{"a later one-to-one help counts", rgpd.PersonActivity{DerniereActivite: old, Creation: old, DernierAccompagnement: recent}, false},
		{"registered for a session ahead", rgpd.PersonActivity{DerniereActivite: old, Creation: old, AVenir: true}, false},
		{"exactly at the limit is kept", rgpd.PersonActivity{DerniereActivite: limit, Creation: old}, false},
	}
	for _, c := range cases {
		if got := rgpd.DueForAnonymisation(c.p, limit); got != c.due {
			t.Errorf("%s: due = %v, want %v", c.name, got, c.due)
		}
	}
}

func TestRetentionLimits(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	activite, envois := rgpd.RetentionLimits(rgpd.PrivacySettings{InactiviteMois: 12, EnvoisMois: 6}, now)
	if !activite.Equal(time.Date(2025, 11, 23, 10, 0, 0, 0, time.UTC)) || !envois.Equal(time.Date(2026, 5, 23, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("limits = %v, %v", activite, envois)
	}
}
