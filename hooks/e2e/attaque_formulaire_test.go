package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// Attacks on the public registration form, against the real binary: what
// an outside attack found, one test per finding. The attack server is a
// demo instance set as an operator should (Application URL, SMTP) and,
// unlike the flow server, with no exemption from the rate limits.

const attaqueAppURL = "https://ateliers.example.fr"

// attackServer is a flow server set as an operator should (see
// newAttackServer).
type attackServer = flowServer

var (
	attackOnce sync.Once
	attack     *attackServer
	attackErr  error
)

func startAttackServer(t *testing.T) *attackServer {
	t.Helper()
	attackOnce.Do(func() { attack, attackErr = newAttackServer() })
	if attackErr != nil {
		t.Fatalf("attack server: %v", attackErr)
	}
	return attack
}

func newAttackServer() (*attackServer, error) {
	srv, catcher, db, err := startDemoWithMail("atelier-attaque-", attaqueAppURL, nil)
	if err != nil {
		return nil, err
	}
	return &attackServer{Server: srv, forms: &FormTokens{BaseURL: srv.URL}, mail: catcher, db: db}, nil
}

// from is a client whose connections come from the loopback address ip:
// each test is its own sender for the rate limiter, whatever ran before.
func from(ip string) *http.Client {
	dialer := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DialContext: dialer.DialContext},
	}
}

// post sends the registration form from client with extra headers, and
// returns the status, the redirect and the page.
func (a *attackServer) post(t *testing.T, client *http.Client, seanceID string, form url.Values, headers map[string]string) (int, string, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, a.URL+"/ateliers/"+seanceID+"/inscription", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Location"), string(body)
}

// waitedToken is a form token of the session that may be used now.
func (a *attackServer) waitedToken(t *testing.T, seanceID string) string {
	t.Helper()
	token, err := (&FormTokens{BaseURL: a.URL}).Get(seanceID)
	if err != nil {
		t.Fatal(err)
	}
	return token
}

func attackForm(token, prenom, nom, tel, email string) url.Values {
	return url.Values{"rendu": {token}, "prenom": {prenom}, "nom": {nom}, "telephone": {tel}, "email": {email}, "consentement": {"2026-11"}}
}

// Finding 1: posting a known phone or e-mail showed the stored person,
// added the stranger's e-mail to their record and then mailed their
// personal link to the stranger, who could cancel.
func TestAttaqueTakeOverByContact(t *testing.T) {
	a := startAttackServer(t)
	client := from("127.0.0.11")
	seanceID := a.newSession(t, 10)
	token := a.waitedToken(t, seanceID)
	status, victimLink, _ := a.post(t, client, seanceID, attackForm(token, "Victoire", "Téléphone-Seul", "06 00 98 10 01", ""), nil)
	if status != http.StatusSeeOther {
		t.Fatalf("victim registration: %d", status)
	}
	victimToken := strings.TrimSuffix(strings.TrimPrefix(victimLink, "/inscription/"), "?confirmation=1")
	victim, err := a.db.FindFirstRecordByFilter("beneficiaires", "nom = 'Téléphone-Seul'")
	if err != nil {
		t.Fatal(err)
	}
	before := victim.GetString("updated") + victim.GetString("consentement_le") + victim.GetString("email")

	// Another name with her phone: another person, with their own link.
	_, strangerLink, page := a.post(t, client, seanceID, attackForm(token, "Intrus", "Quelconque", "06 00 98 10 01", "intrus@example.org"), nil)
	if strangerLink == "" || strings.Contains(strangerLink, victimToken) || strings.Contains(page, "Téléphone-Seul") {
		t.Errorf("stranger answer: %q", strangerLink)
	}
	strangerPage := get(t, a.URL+strings.TrimSuffix(strangerLink, "?confirmation=1"), http.StatusOK)
	if strings.Contains(strangerPage, "Victoire") || strings.Contains(strangerPage, "Téléphone-Seul") {
		t.Error("the stranger's page shows the victim")
	}
	// Her names and phone on another form, twice: told it exists, no link.
	for range 2 {
		status, location, page := a.post(t, client, seanceID, attackForm(a.waitedToken(t, seanceID) /* a newly shown form: another device */, "victoire", "TELEPHONE SEUL", "0600981001", "intrus@example.org"), nil)
		if status != http.StatusOK || location != "" || strings.Contains(page, victimToken) || !strings.Contains(page, "Une inscription existe déjà") {
			t.Errorf("names and phone: %d %q", status, location)
		}
	}
	time.Sleep(500 * time.Millisecond) // e-mails are sent after the answer
	for _, m := range a.mail.Messages() {
		if strings.Contains(m.Text+m.HTML, victimToken) {
			t.Errorf("the victim's link was e-mailed to %v", m.To)
		}
	}
	victim, err = a.db.FindRecordById("beneficiaires", victim.Id)
	if err != nil {
		t.Fatal(err)
	}
	if after := victim.GetString("updated") + victim.GetString("consentement_le") + victim.GetString("email"); after != before {
		t.Errorf("the victim's record changed: %q → %q", before, after)
	}
}

// Finding 4: an auth token skipped the public rate limit; forms sent at
// once were accepted; one IP took any number of places.
func TestAttaqueBulkRegistrationFromOneAddress(t *testing.T) {
	a := startAttackServer(t)
	client := from("127.0.0.12")
	seanceID := a.newSession(t, 30)

	// A form sent back at once, or without its token, is refused.
	fresh, err := FetchFormToken(a.URL, seanceID)
	if err != nil {
		t.Fatal(err)
	}
	if status, _, page := a.post(t, client, seanceID, attackForm(fresh, "Robot", "Rapide", "0600981101", ""), nil); status != http.StatusUnprocessableEntity ||
		!strings.Contains(page, "trop vite") {
		t.Errorf("a form sent at once: %d", status)
	}
	if status, _, _ := a.post(t, client, seanceID, attackForm("", "Robot", "Sans-Jeton", "0600981102", ""), nil); status != http.StatusUnprocessableEntity {
		t.Errorf("a form without its token: %d", status)
	}

	// Signed in through the API, the attacker still counts as one address.
	auth := apiToken(t, a.URL, demoConseiller)
	headers := map[string]string{"Authorization": auth}
	token := a.waitedToken(t, seanceID)
	var statuses []int
	for i := range 12 {
		status, _, _ := a.post(t, client, seanceID, attackForm(token, "Robot", fmt.Sprintf("Numéro-%d", i), fmt.Sprintf("06009812%02d", i), ""), headers)
		statuses = append(statuses, status)
	}
	placed := 0
	for _, s := range statuses {
		if s == http.StatusSeeOther {
			placed++
		}
	}
	if placed != 6 {
		t.Errorf("one address took %d places, want the default 6 (statuses %v)", placed, statuses)
	}
	if statuses[len(statuses)-1] != http.StatusTooManyRequests {
		t.Errorf("a signed-in sender is not rate-limited: %v", statuses)
	}
	n, err := a.db.CountRecords("inscriptions", dbx.HashExp{"seance": seanceID})
	if err != nil || n != 6 {
		t.Errorf("%d registrations stored (err %v), want 6", n, err)
	}
}

// apiToken signs a demo account in through the REST API.
func apiToken(t *testing.T, base, email string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"identity": email, "password": DemoPassword})
	res, err := http.Post(base+"/api/collections/utilisateurs/auth-with-password", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Token string `json:"token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("sign in %s through the API: %d %v", email, res.StatusCode, err)
	}
	return out.Token
}

// Finding 9: links in e-mails followed the request's Host header when the
// Application URL was unset (the flow server has none); when it is set,
// they follow it.
func TestAttaqueHostHeaderDoesNotMakeLinks(t *testing.T) {
	evil := map[string]string{"Host": "evil.example", "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
	f := startFlowServer(t)
	flowSession := f.newSession(t, 10)
	token, err := f.forms.Get(flowSession)
	if err != nil {
		t.Fatal(err)
	}
	flow := f
	a := startAttackServer(t)
	client := from("127.0.0.13")
	for _, c := range []struct {
		server   *attackServer
		seance   string
		token    string
		email    string
		wantLink string
	}{
		{flow, flowSession, token, "hote.flow@example.org", "/inscription/"},
		{a, a.newSession(t, 10), "", "hote.piege@example.org", attaqueAppURL + "/inscription/"},
	} {
		if c.token == "" {
			c.token = c.server.waitedToken(t, c.seance)
		}
		status, _, _ := c.server.post(t, client, c.seance, attackForm(c.token, "Hôte", "Piégé", "", c.email), evil)
		if status != http.StatusSeeOther {
			t.Fatalf("registration: %d", status)
		}
		m, ok := c.server.mail.WaitFor(10*time.Second, SentTo(c.email, "Inscription confirmée"))
		if !ok {
			t.Fatal("no confirmation")
		}
		if strings.Contains(m.Text+m.HTML, "evil.example") || !strings.Contains(m.Text, c.wantLink) {
			t.Errorf("the link follows the request:\n%s", m.Text)
		}
	}
}

// With no Application URL, the server says so when it starts.
func TestAttaqueMissingApplicationURLIsAnnounced(t *testing.T) {
	f := startFlowServer(t) // started without an Application URL
	if !strings.Contains(f.Logs(), "Application URL") {
		t.Errorf("no warning at start:\n%s", f.Logs())
	}
	a := startAttackServer(t)
	if strings.Contains(a.Logs(), "Application URL") {
		t.Errorf("a warning although the address is set:\n%s", a.Logs())
	}
}
