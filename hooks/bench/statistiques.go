package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"atelier/hooks/e2e"
	"atelier/hooks/synth"

	"github.com/pocketbase/pocketbase/core"
)

// The statistics of one structure with 5,000 activities (a
// monthly report of such a structure in under 0.5 s). structure-0 of the
// synthetic data set gets a year of history; its advisor then loads the
// statistics page over the last 12 months, one request at a time, next to
// the dashboard of the same advisor as the baseline.

const (
	statsStructure = "structure-0"
	statsAdvisor   = "conseiller0@synth.test"
	statsPassword  = "synthetique-0000" // set by synth.Load
	statsRequests  = 20
)

// prepareStatistics adds 1,000 held sessions (6 registrations each) and
// 4,000 one-to-one help to structure-0.
func prepareStatistics(app core.App) error {
	structure, err := app.FindFirstRecordByData("structures", "slug", statsStructure)
	if err != nil {
		return fmt.Errorf("statistics structure: %w", err)
	}
	_, err = synth.History(app, structure.Id, synth.HistorySizes{Seances: 1000, ParSeance: 6, Accompagnements: 4000}, time.Now())
	return err
}

// measureStatistics returns the median latency of the statistics page and
// of the dashboard, one request after the other.
func measureStatistics(srv *e2e.Server) (page, dashboard time.Duration, err error) {
	client, err := signedInClient(srv, statsAdvisor, statsPassword)
	if err != nil {
		return 0, 0, err
	}
	if dashboard, err = medianLatency(client, srv.URL+"/espace", statsRequests); err != nil {
		return 0, 0, err
	}
	page, err = medianLatency(client, srv.URL+"/espace/statistiques?periode=annee", statsRequests)
	return page, dashboard, err
}

// signedInClient signs a staff member in and keeps the session cookie.
func signedInClient(srv *e2e.Server, email, password string) (*http.Client, error) {
	form := url.Values{"email": {email}, "mot_de_passe": {password}, "suite": {"/espace"}}
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/connexion", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noRedirect.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	for _, c := range res.Cookies() {
		if c.Name == "atelier_session" {
			return &http.Client{Transport: cookieTransport{c}, Timeout: 5 * time.Minute}, nil
		}
	}
	return nil, errors.New(email + " could not sign in: " + res.Status)
}

type cookieTransport struct{ cookie *http.Cookie }

func (t cookieTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.AddCookie(t.cookie)
	return http.DefaultTransport.RoundTrip(r)
}

// medianLatency is the median of n requests of the page, one at a time.
func medianLatency(client *http.Client, pageURL string, n int) (time.Duration, error) {
	times := make([]time.Duration, 0, n)
	for range n {
		begin := time.Now()
		res, err := client.Get(pageURL)
		if err := drain(res, err); err != nil {
			return 0, fmt.Errorf("%s: %w", pageURL, err)
		}
		times = append(times, time.Since(begin))
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	return times[len(times)/2], nil
}
