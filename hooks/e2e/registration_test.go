package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Registration flows over real HTTP against the real binary: capacity under
// concurrency, double submits, cancellation with promotion and the e-mail
// received by a real SMTP server, and the form in a browser without
// JavaScript.

var (
	flowsOnce sync.Once
	flows     *flowServer
	flowsErr  error
)

type flowServer struct {
	*Server
	forms *FormTokens
	mail  *MailCatcher
	db    *core.BaseApp // a second connection to the server's database, to check and to set up
}

// flowServer starts, once, a demo instance whose e-mails go to a local SMTP
// catcher and whose rate limits exclude loopback (all test clients share it).
func startFlowServer(t *testing.T) *flowServer {
	t.Helper()
	flowsOnce.Do(func() { flows, flowsErr = newFlowServer() })
	if flowsErr != nil {
		t.Fatalf("flow server: %v", flowsErr)
	}
	return flows
}

func newFlowServer() (*flowServer, error) {
	srv, catcher, db, err := startDemoWithMail("atelier-flows-", "", []string{"127.0.0.1"})
	if err != nil {
		return nil, err
	}
	return &flowServer{Server: srv, forms: &FormTokens{BaseURL: srv.URL}, mail: catcher, db: db}, nil
}

// startDemoWithMail starts a demo instance whose e-mails go to a local SMTP
// catcher, with this Application URL ("" to leave it unset) and these addresses
// exempt from the rate limits. It returns the server, the catcher and a
// second connection to its database, to check and to set up.
func startDemoWithMail(prefix, appURL string, exempt []string) (*Server, *MailCatcher, *core.BaseApp, error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return nil, nil, nil, err
	}
	if _, err := Run(dir, "demo"); err != nil {
		return nil, nil, nil, err
	}
	catcher, err := StartMailCatcher()
	if err != nil {
		return nil, nil, nil, err
	}
	db := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := db.Bootstrap(); err != nil {
		return nil, nil, nil, err
	}
	settings := db.Settings()
	settings.SMTP.Enabled = true
	settings.SMTP.Host = catcher.Host
	settings.SMTP.Port = catcher.Port
	settings.Meta.SenderAddress = "ateliers@demo.atelier.test"
	if appURL != "" { // else PocketBase's default, which counts as unset
		settings.Meta.AppURL = appURL
	}
	settings.RateLimits.ExcludedIPs = exempt
	if err := db.Save(settings); err != nil {
		return nil, nil, nil, fmt.Errorf("configure SMTP: %w", err)
	}
	srv, err := Start(dir)
	if err != nil {
		return nil, nil, nil, err
	}
	return srv, catcher, db, nil
}

// newSession plans a public session in three days in the first demo
// structure, with the given capacity.
func (f *flowServer) newSession(t *testing.T, capacite int) string {
	t.Helper()
	seance, err := f.db.FindFirstRecordByFilter("seances", "publique = true && statut = 'planifiee'")
	if err != nil {
		t.Fatal(err)
	}
	collection, err := f.db.FindCollectionByNameOrId("seances")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().Add(72 * time.Hour).Truncate(time.Hour)
	debut, _ := types.ParseDateTime(start)
	fin, _ := types.ParseDateTime(start.Add(2 * time.Hour))
	r := core.NewRecord(collection)
	r.Load(map[string]any{
		"atelier": seance.GetString("atelier"), "structure": seance.GetString("structure"), "lieu": seance.GetString("lieu"),
		"debut": debut, "fin": fin, "capacite": capacite, "statut": "planifiee", "publique": true, "inscriptions_ouvertes": true,
	})
	if err := f.db.Save(r); err != nil {
		t.Fatal(err)
	}
	return r.Id
}

var noRedirect = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Transport:     &http.Transport{MaxIdleConnsPerHost: 200, MaxConnsPerHost: 200},
}

// register posts the public form, with the token of a form shown two
// seconds ago unless form has one.
func (f *flowServer) register(seanceID string, form url.Values) (status int, location string, err error) {
	if !form.Has("rendu") {
		token, err := f.forms.Get(seanceID)
		if err != nil {
			return 0, "", err
		}
		form.Set("rendu", token)
	}
	res, err := noRedirect.PostForm(f.URL+"/ateliers/"+seanceID+"/inscription", form)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, res.Body)
	return res.StatusCode, res.Header.Get("Location"), nil
}

func registrant(prenom, nom, tel, email string) url.Values {
	return url.Values{"prenom": {prenom}, "nom": {nom}, "telephone": {tel}, "email": {email}, "consentement": {"2026-11"}}
}

func TestConcurrentRegistrationsNeverOverbook(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 10)
	const people = 200
	var wg sync.WaitGroup
	errs := make(chan error, people)
	for i := range people {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _, err := f.register(seanceID, registrant("Personne", fmt.Sprintf("Numéro %d", i), fmt.Sprintf("06 00 00 %02d %02d", i/100, i%100), ""))
			if err == nil && status != http.StatusSeeOther {
				err = fmt.Errorf("registration %d: status %d", i, status)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	inscriptions, err := f.db.FindRecordsByFilter("inscriptions", "seance = {:s}", "rang_attente", 0, 0, dbx.Params{"s": seanceID})
	if err != nil {
		t.Fatal(err)
	}
	confirmed, ranks := 0, map[int]int{}
	for _, r := range inscriptions {
		switch r.GetString("statut") {
		case "inscrit":
			confirmed++
		case "liste_attente":
			ranks[r.GetInt("rang_attente")]++
		}
	}
	if confirmed != 10 || len(inscriptions) != people {
		t.Errorf("%d confirmed out of %d registrations, want 10 out of %d", confirmed, len(inscriptions), people)
	}
	for rank := 1; rank <= people-10; rank++ {
		if ranks[rank] != 1 {
			t.Errorf("waiting rank %d given %d times", rank, ranks[rank])
		}
	}
	if len(ranks) != people-10 {
		t.Errorf("%d distinct waiting ranks, want %d", len(ranks), people-10)
	}
}

func TestConcurrentDoubleSubmitsGiveOneRegistration(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 10)
	const submits = 20
	locations := make(chan string, submits)
	var wg sync.WaitGroup
	for range submits {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, location, err := f.register(seanceID, registrant("Odile", "Doublon", "06 99 88 77 66", "odile@example.org"))
			if err != nil || status != http.StatusSeeOther {
				t.Errorf("submit: %d %v", status, err)
			}
			locations <- location
		}()
	}
	wg.Wait()
	close(locations)
	distinct := map[string]bool{}
	for l := range locations {
		distinct[l] = true
	}
	if len(distinct) != 1 {
		t.Errorf("double submits got %d different personal links: %v", len(distinct), distinct)
	}
	n, err := f.db.CountRecords("inscriptions", dbx.HashExp{"seance": seanceID})
	if err != nil || n != 1 {
		t.Errorf("%d registrations (err %v), want 1", n, err)
	}
	people, err := f.db.FindAllRecords("beneficiaires", dbx.HashExp{"telephone": "+33699887766"})
	if err != nil || len(people) != 1 {
		t.Errorf("%d beneficiaries with that phone (err %v), want 1", len(people), err)
	}
}

func TestCancellationPromotesAndEmailsTheNextPerson(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 1)
	_, first, err := f.register(seanceID, registrant("Alice", "Première", "", "alice@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := f.register(seanceID, registrant("Bruno", "Second", "", "bruno@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	confirmation, ok := f.mail.WaitFor(10*time.Second, SentTo("alice@example.org", "Inscription confirmée"))
	if !ok {
		t.Fatalf("no confirmation for Alice; got %+v", f.mail.Messages())
	}
	firstLink := strings.TrimSuffix(first, "?confirmation=1")
	if !strings.Contains(confirmation.Text, firstLink) || !strings.Contains(confirmation.HTML, firstLink) {
		t.Errorf("confirmation lacks the personal link %s:\n%s", firstLink, confirmation.Text)
	}
	if _, ok := f.mail.WaitFor(10*time.Second, SentTo("bruno@example.org", "Liste d'attente")); !ok {
		t.Errorf("no waiting-list message for Bruno")
	}

	res, err := noRedirect.PostForm(f.URL+firstLink, url.Values{"confirme": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: status %d", res.StatusCode)
	}
	promotion, ok := f.mail.WaitFor(10*time.Second, SentTo("bruno@example.org", "Une place s'est libérée"))
	if !ok {
		t.Fatalf("no promotion e-mail for Bruno; got %+v", f.mail.Messages())
	}
	if !strings.Contains(promotion.Text, strings.TrimSuffix(second, "?confirmation=1")) {
		t.Errorf("promotion lacks Bruno's link:\n%s", promotion.Text)
	}
	page := get(t, f.URL+strings.TrimSuffix(second, "?confirmation=1"), http.StatusOK)
	if !strings.Contains(page, "Une place s'est libérée pour vous") || !strings.Contains(page, "Je confirme ma place") {
		t.Errorf("Bruno's page does not offer him the place:\n%s", page)
	}
	sent, err := f.db.FindAllRecords("envois", dbx.HashExp{"statut": "envoye", "destinataire": "bruno@example.org"})
	if err != nil || len(sent) != 2 {
		t.Errorf("%d messages recorded as sent to Bruno (err %v), want 2", len(sent), err)
	}
}

// A person registers with the browser's scripts disabled, makes a mistake,
// corrects it and lands on their confirmation page; every page on the way
// passes the accessibility audit.
func TestRegistrationFormWorksWithoutJavaScript(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 5)
	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	audit := func(step string) {
		t.Helper()
		CheckAccessible(t, ctx, step, true)
	}
	var errorText, heading, recap string
	err := chromedp.Run(ctx,
		chromedp.Navigate(f.URL+"/ateliers/"+seanceID),
		chromedp.WaitVisible("#prenom", chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	audit("session page")
	err = chromedp.Run(ctx,
		chromedp.SendKeys("#prenom", "Gisèle", chromedp.ByID),
		chromedp.SendKeys("#nom", "Navigateur", chromedp.ByID),
		chromedp.SendKeys("#telephone", "06 12", chromedp.ByID),
		chromedp.Click(`button.principal`, chromedp.ByQuery),
		chromedp.WaitVisible("#erreurs", chromedp.ByID),
		chromedp.Text("#erreur-telephone", &errorText, chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errorText, "10 chiffres") {
		t.Errorf("phone error = %q", errorText)
	}
	audit("form with errors")
	var kept string
	err = chromedp.Run(ctx,
		chromedp.Value("#prenom", &kept, chromedp.ByID),
		chromedp.SetValue("#telephone", "06 12 34 56 01", chromedp.ByID),
		chromedp.Click("#consentement", chromedp.ByID),
		chromedp.Sleep(RenduWait), // a form sent back within two seconds is a robot's
		chromedp.Click(`button.principal`, chromedp.ByQuery),
		chromedp.WaitVisible(".recap", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text(".recap", &recap, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if kept != "Gisèle" {
		t.Errorf("first name not kept after an error: %q", kept)
	}
	if heading != "Vous êtes inscrit" || !strings.Contains(recap, "Gisèle Navigateur") {
		t.Errorf("confirmation page: %q / %q", heading, recap)
	}
	audit("confirmation page")
	CheckFitsNarrowScreen(t, ctx, f.URL+"/ateliers/"+seanceID)
}

// The other pages of a registration's life pass the same checks: waiting
// list, cancellation (clicked in the browser, without JavaScript) and the
// page shown when someone uses the contact of a registered person.
func TestRegistrationLifePagesPassAudit(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 1)
	_, first, err := f.register(seanceID, registrant("Agathe", "Assise", "06 55 44 33 01", ""))
	if err != nil {
		t.Fatal(err)
	}
	// Basile gives an e-mail: the place Agathe frees is offered to him (the
	// server has no SMS provider, so a mobile alone would get it at once).
	_, second, err := f.register(seanceID, registrant("Basile", "Debout", "06 55 44 33 02", "basile.debout@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := NewBrowser(t)
	check := func(step, path, wantHeading string, actions ...chromedp.Action) {
		t.Helper()
		var heading string
		run := append([]chromedp.Action{chromedp.Navigate(f.URL + path)}, actions...)
		run = append(run, chromedp.Text("h1", &heading, chromedp.ByQuery))
		if err := chromedp.Run(ctx, run...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		if !strings.Contains(heading, wantHeading) {
			t.Errorf("%s: heading %q, want %q", step, heading, wantHeading)
		}
		CheckAccessible(t, ctx, step, false)
		CheckFitsNarrowScreen(t, ctx, f.URL+path)
	}
	check("waiting list", second, "liste d'attente (rang 1)")
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	var heading string
	err = chromedp.Run(ctx,
		chromedp.Navigate(f.URL+strings.TrimSuffix(first, "?confirmation=1")),
		chromedp.Click("a.danger", chromedp.ByQuery),
		chromedp.WaitVisible("button.danger", chromedp.ByQuery), // « Annuler votre inscription ? »
		chromedp.Click("button.danger", chromedp.ByQuery),
		chromedp.WaitVisible(".succes", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		emulation.SetScriptExecutionDisabled(false),
	)
	if err != nil {
		t.Fatal(err)
	}
	if heading != "Votre inscription est annulée" {
		t.Errorf("after cancelling: %q", heading)
	}
	check("cancelled", strings.TrimSuffix(first, "?confirmation=1")+"?annulee=1", "annulée")
	check("offered", strings.TrimSuffix(second, "?confirmation=1"), "Une place s'est libérée pour vous")
	// Basile's names and phone typed on another form: he is told a
	// registration exists, without its link.
	check("already registered", "/ateliers/"+seanceID, "Une inscription existe déjà",
		chromedp.SendKeys("#prenom", "basile", chromedp.ByID),
		chromedp.SendKeys("#nom", "DEBOUT", chromedp.ByID),
		chromedp.SendKeys("#telephone", "06 55 44 33 02", chromedp.ByID),
		chromedp.Click("#consentement", chromedp.ByID),
		chromedp.Sleep(RenduWait),
		chromedp.Click(`button.principal`, chromedp.ByQuery),
		chromedp.WaitVisible(".succes", chromedp.ByQuery),
	)
}
