package jobs

import (
	"context"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
	"atelier/hooks/seances"
)

// PassOnOffers passes every lapsed offer of a freed place on to the next
// waiting person and tells them (seances.ExpireOffers claims each offer in
// its own write transaction: a run that overlaps a confirmation, or
// another run, changes nothing twice). It returns how many people were
// offered a place or given one.
func PassOnOffers(ctx context.Context, app core.App, now time.Time) (int, error) {
	next, err := seances.ExpireOffers(app, now)
	base := envois.InstanceURL(app)
	for _, n := range next {
		if ctx.Err() != nil {
			break // the offer stays visible on the person's page
		}
		envois.NotifyPromotion(app, base, n)
	}
	return len(next), err
}

func runOffers(ctx context.Context, s *scheduler, now time.Time) error {
	n, err := PassOnOffers(ctx, s.app, now)
	if n > 0 {
		s.app.Logger().Info("lapsed offers passed on", "next", n)
	}
	return err
}
