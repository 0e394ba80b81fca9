package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/e2e"
)

// A long waiting list: one session with one place and 10,000 people
// waiting. Cancelling the confirmed registration gives the place to the
// first of them; it must not rewrite the list (it took 6 seconds with the
// write lock held, blocking every registration meanwhile).

const (
	enAttente     = 10_000
	cancellations = 20 // one after the other, each promoting the next person
	rounds        = 5  // registrations measured while three cancellations run
)

// waitingList is the prepared session: jetons[0] is the confirmed
// registration, then the waiting list in rank order.
type waitingList struct {
	seance string
	jetons []string
	other  string // another upcoming public session, for registrations meanwhile
}

// prepareWaitingList writes the session straight into the database (one
// transaction of plain inserts: the list is data, not what is measured).
func prepareWaitingList(app core.App) (*waitingList, error) {
	var model struct {
		ID        string `db:"id"`
		Atelier   string `db:"atelier"`
		Structure string `db:"structure"`
		Lieu      string `db:"lieu"`
	}
	err := app.DB().Select("id", "atelier", "structure", "lieu").From("seances").
		Where(dbx.NewExp("publique = TRUE AND statut = 'planifiee' AND inscriptions_ouvertes = TRUE AND debut > {:soon}",
			dbx.Params{"soon": time.Now().UTC().Add(48 * time.Hour).Format(types.DefaultDateLayout)})).
		OrderBy("debut").Limit(1).One(&model)
	if err != nil {
		return nil, fmt.Errorf("waiting list: a model session: %w", err)
	}
	w := &waitingList{seance: "benchattente001", other: model.ID}
	now := types.NowDateTime().String()
	start := time.Now().UTC().Add(7 * 24 * time.Hour).Truncate(time.Hour)
	err = app.RunInTransaction(func(tx core.App) error {
		_, err := tx.DB().Insert("seances", dbx.Params{"id": w.seance, "atelier": model.Atelier, "structure": model.Structure,
			"lieu": model.Lieu, "debut": start.Format(types.DefaultDateLayout), "fin": start.Add(2 * time.Hour).Format(types.DefaultDateLayout),
			"capacite": 1, "statut": "planifiee", "publique": true, "inscriptions_ouvertes": true, "created": now, "updated": now}).Execute()
		if err != nil {
			return err
		}
		for i := range enAttente + 1 {
			person, inscription := fmt.Sprintf("benchpers%06d", i), fmt.Sprintf("benchinsc%06d", i)
			jeton := fmt.Sprintf("BenchListeAttente%026d", i)
			if _, err := tx.DB().Insert("beneficiaires", dbx.Params{"id": person, "structure": model.Structure,
				"prenom": "Attente", "nom": fmt.Sprintf("Personne %05d", i), "created": now, "updated": now}).Execute(); err != nil {
				return err
			}
			statut := "liste_attente"
			if i == 0 {
				statut = "inscrit"
			}
			if _, err := tx.DB().Insert("inscriptions", dbx.Params{"id": inscription, "seance": w.seance, "beneficiaire": person,
				"statut": statut, "rang_attente": i, "source": "public", "jeton": jeton, "created": now, "updated": now}).Execute(); err != nil {
				return err
			}
			w.jetons = append(w.jetons, jeton)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("waiting list: %w", err)
	}
	return w, nil
}

// measureWaitingList returns the median and slowest of sequential
// cancellations (each gives the place to the next person), and the slowest
// public registration to another session while three cancellations run.
func measureWaitingList(srv *e2e.Server, w *waitingList) (median, slowest, blocked time.Duration, err error) {
	client := &http.Client{Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cancel := func(jeton string) (time.Duration, error) {
		start := time.Now()
		res, err := client.Post(srv.URL+"/inscription/"+jeton, "application/x-www-form-urlencoded", strings.NewReader("confirme=1") /* the person said yes */)
		if err != nil {
			return 0, err
		}
		defer res.Body.Close()
		_, _ = io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusSeeOther {
			return 0, errors.New("cancel: " + res.Status)
		}
		return time.Since(start), nil
	}
	var took []time.Duration
	for i := range cancellations {
		d, err := cancel(w.jetons[i])
		if err != nil {
			return 0, 0, 0, err
		}
		took = append(took, d)
	}
	slices.Sort(took)
	next := cancellations
	// The form's token, taken from the page and used once it may be (a
	// person needs two seconds): fetched before any timing.
	token, err := (&e2e.FormTokens{BaseURL: srv.URL}).Get(w.other)
	if err != nil {
		return 0, 0, 0, err
	}
	for round := range rounds {
		var wg sync.WaitGroup
		errs := make(chan error, 3)
		for k := range 3 {
			wg.Add(1)
			go func(jeton string) {
				defer wg.Done()
				_, err := cancel(jeton)
				errs <- err
			}(w.jetons[next+k])
		}
		next += 3
		time.Sleep(time.Millisecond) // let the cancellations reach the server first
		form := url.Values{"prenom": {"Pendant"}, "nom": {fmt.Sprintf("Annulations %d", round)},
			"telephone": {fmt.Sprintf("+3376%07d", round)}, "consentement": {"1"}, "rendu": {token}}
		start := time.Now()
		res, err := client.PostForm(srv.URL+"/ateliers/"+w.other+"/inscription", form)
		if err != nil {
			return 0, 0, 0, err
		}
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		blocked = max(blocked, time.Since(start))
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				return 0, 0, 0, err
			}
		}
		if res.StatusCode != http.StatusSeeOther {
			return 0, 0, 0, errors.New("registration during cancellations: " + res.Status)
		}
	}
	return took[len(took)/2], took[len(took)-1], blocked, nil
}
