package sms

import (
	"context"
	"crypto/sha1"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// recorded is what a test server received.
type recorded struct {
	method, path string
	header       http.Header
	body         []byte
}

// server answers status and answer to every request and keeps them.
func server(t *testing.T, status int, answer string) (*httptest.Server, *[]recorded) {
	t.Helper()
	var got []recorded
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got = append(got, recorded{r.Method, r.URL.Path, r.Header.Clone(), body})
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(s.Close)
	return s, &got
}

// slow never answers in time.
func slow(t *testing.T) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
		}
	}))
	t.Cleanup(func() { close(done); s.Close() })
	return s
}

var message = Message{To: "+33612345678", Text: "Rappel : atelier demain à 14 h.", Reference: "envoi123"}

func TestBrevoSendsTransactionalSMS(t *testing.T) {
	s, got := server(t, http.StatusCreated, `{"messageId": 1511882900176220}`)
	b := Brevo{Cle: "xkeysib-secret", Expediteur: "Atelier", Retours: "https://atelier.example/sms/retours/brevo/s3cret", URL: s.URL + "/v3"}
	id, err := b.Envoyer(context.Background(), message)
	if err != nil {
		t.Fatal(err)
	}
	if id != "1511882900176220" {
		t.Errorf("id = %q, want Brevo's messageId as is (no float rounding)", id)
	}
	r := (*got)[0]
	if r.method != http.MethodPost || r.path != "/v3/transactionalSMS/send" {
		t.Errorf("request %s %s", r.method, r.path)
	}
	if r.header.Get("api-key") != "xkeysib-secret" {
		t.Errorf("api-key header = %q", r.header.Get("api-key"))
	}
	var body map[string]any
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"sender": "Atelier", "recipient": "33612345678", "content": message.Text,
		"type": "transactional", "tag": "atelier", "webUrl": "https://atelier.example/sms/retours/brevo/s3cret", "unicodeEnabled": false}
	for k, v := range want {
		if body[k] != v {
			t.Errorf("%s = %v, want %v", k, body[k], v)
		}
	}
}

func TestBrevoAsksUnicodeForTextsOutsideGSM7(t *testing.T) {
	s, got := server(t, http.StatusCreated, `{"messageId": 1}`)
	if _, err := (Brevo{Cle: "k", Expediteur: "Atelier", URL: s.URL}).Envoyer(context.Background(),
		Message{To: "+33612345678", Text: "Fenêtre ouverte"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string((*got)[0].body), `"unicodeEnabled":true`) {
		t.Errorf("body %s", (*got)[0].body)
	}
}

// Errors: a refusal (bad key, bad number) is final, a server error or a
// timeout is worth retrying; the recorded reason says which, in French.
func TestProviderErrorsTellRefusalFromOutage(t *testing.T) {
	cases := []struct {
		status     int
		answer     string
		definitive bool
		mentions   string
	}{
		{http.StatusUnauthorized, `{"code":"unauthorized","message":"Key not found"}`, true, "Key not found"},
		{http.StatusBadRequest, `{"code":"invalid_parameter","message":"Invalid phone number"}`, true, "Invalid phone number"},
		{http.StatusInternalServerError, `{"code":"internal","message":"oops"}`, false, "renvoyé plus tard"},
		{http.StatusTooManyRequests, `{}`, false, "renvoyé plus tard"},
	}
	for _, c := range cases {
		s, _ := server(t, c.status, c.answer)
		providers := map[string]Fournisseur{
			"brevo": Brevo{Cle: "k", Expediteur: "Atelier", URL: s.URL},
			"http":  HTTP{URL: s.URL + "/sms", Jeton: "t"},
		}
		for name, p := range providers {
			_, err := p.Envoyer(context.Background(), message)
			if err == nil {
				t.Fatalf("%s %d: no error", name, c.status)
			}
			if Definitif(err) != c.definitive {
				t.Errorf("%s %d: definitive = %v, want %v (%v)", name, c.status, Definitif(err), c.definitive, err)
			}
			if name == "brevo" && !strings.Contains(err.Error(), c.mentions) {
				t.Errorf("%s %d: %q does not mention %q", name, c.status, err, c.mentions)
			}
			if c.definitive && !strings.Contains(err.Error(), "ne sera pas renvoyé") {
				t.Errorf("%s %d: %q does not say it is not retried", name, c.status, err)
			}
		}
	}
}

func TestProvidersGiveUpOnSlowServers(t *testing.T) {
	s := slow(t)
	providers := map[string]Fournisseur{
		"brevo": Brevo{Cle: "k", Expediteur: "Atelier", URL: s.URL, Delai: 200 * time.Millisecond},
		"http":  HTTP{URL: s.URL, Jeton: "t", Delai: 200 * time.Millisecond},
		"ovh": OVH{CleApplication: "ak", SecretApplication: "as", CleConsommateur: "ck", Service: "sms-xx1-1",
			Endpoint: s.URL, Delai: 200 * time.Millisecond},
	}
	for name, p := range providers {
		start := time.Now()
		_, err := p.Envoyer(context.Background(), message)
		if err == nil || Definitif(err) {
			t.Errorf("%s: %v, want a temporary error", name, err)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s waited %s", name, d)
		}
	}
}

func TestHTTPGatewaySendsJSONWithBearer(t *testing.T) {
	s, got := server(t, http.StatusAccepted, `{"id": "abc-1"}`)
	id, err := HTTP{URL: s.URL + "/envoyer", Jeton: "jeton-secret"}.Envoyer(context.Background(), message)
	if err != nil {
		t.Fatal(err)
	}
	if id != "abc-1" {
		t.Errorf("id = %q", id)
	}
	r := (*got)[0]
	if r.method != http.MethodPost || r.path != "/envoyer" || r.header.Get("Authorization") != "Bearer jeton-secret" {
		t.Errorf("request %s %s %q", r.method, r.path, r.header.Get("Authorization"))
	}
	var body map[string]string
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatal(err)
	}
	if body["to"] != "+33612345678" || body["text"] != message.Text || body["reference"] != "envoi123" {
		t.Errorf("body %v", body)
	}
}

func TestHTTPGatewayAcceptsAnEmptyAnswer(t *testing.T) {
	s, _ := server(t, http.StatusNoContent, ``)
	id, err := HTTP{URL: s.URL, Jeton: "t"}.Envoyer(context.Background(), message)
	if err != nil || id != "" {
		t.Errorf("id %q, err %v", id, err)
	}
}

// ovhServer speaks OVHcloud's API: /auth/time, then signed POST
// /sms/{service}/jobs, checked as OVHcloud checks it.
func ovhServer(t *testing.T, status int, answer string) (*httptest.Server, *[]map[string]any) {
	t.Helper()
	var jobs []map[string]any
	var s *httptest.Server
	s = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/1.0/auth/time" {
			fmt.Fprint(w, time.Now().Unix())
			return
		}
		body, _ := io.ReadAll(r.Body)
		ts := r.Header.Get("X-Ovh-Timestamp")
		h := sha1.New()
		fmt.Fprintf(h, "%s+%s+%s+%s+%s+%s", "secret-app", r.Header.Get("X-Ovh-Consumer"), r.Method, s.URL+r.URL.Path, body, ts)
		sig := fmt.Sprintf("$1$%x", h.Sum(nil))
		if r.Header.Get("X-Ovh-Application") != "cle-app" || r.Header.Get("X-Ovh-Consumer") != "cle-conso" ||
			r.Header.Get("X-Ovh-Signature") != sig {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `{"message":"Invalid signature","class":"Client::Forbidden"}`)
			return
		}
		if n, err := strconv.ParseInt(ts, 10, 64); err != nil || time.Since(time.Unix(n, 0)) > time.Minute {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		if r.Method != http.MethodPost || r.URL.Path != "/1.0/sms/sms-ab12345-1/jobs" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		var job map[string]any
		_ = json.Unmarshal(body, &job)
		jobs = append(jobs, job)
		w.WriteHeader(status)
		fmt.Fprint(w, answer)
	}))
	t.Cleanup(s.Close)
	return s, &jobs
}

func ovhProvider(s *httptest.Server, secret string) OVH {
	return OVH{CleApplication: "cle-app", SecretApplication: secret, CleConsommateur: "cle-conso",
		Service: "sms-ab12345-1", Expediteur: "Atelier", Retours: "https://atelier.example/sms/retours/ovh/s3cret",
		Endpoint: s.URL + "/1.0"}
}

func TestOVHSendsASignedJob(t *testing.T) {
	s, jobs := ovhServer(t, http.StatusOK,
		`{"totalCreditsRemoved":1,"ids":[264823417],"validReceivers":["+33612345678"],"invalidReceivers":[]}`)
	id, err := ovhProvider(s, "secret-app").Envoyer(context.Background(), message)
	if err != nil {
		t.Fatal(err)
	}
	if id != "264823417" {
		t.Errorf("id = %q", id)
	}
	job := (*jobs)[0]
	want := map[string]any{"message": message.Text, "sender": "Atelier", "noStopClause": true, "charset": "UTF-8",
		"callBack": "https://atelier.example/sms/retours/ovh/s3cret"}
	for k, v := range want {
		if job[k] != v {
			t.Errorf("%s = %v, want %v", k, job[k], v)
		}
	}
	if rec, _ := job["receivers"].([]any); len(rec) != 1 || rec[0] != "+33612345678" {
		t.Errorf("receivers = %v", job["receivers"])
	}
}

func TestOVHErrors(t *testing.T) {
	s, _ := ovhServer(t, http.StatusOK, `{}`)
	_, err := ovhProvider(s, "wrong-secret").Envoyer(context.Background(), message)
	if !Definitif(err) || !strings.Contains(err.Error(), "Invalid signature") {
		t.Errorf("bad signature: %v", err)
	}
	s, _ = ovhServer(t, http.StatusOK, `{"ids":[],"validReceivers":[],"invalidReceivers":["+33612345678"]}`)
	if _, err := ovhProvider(s, "secret-app").Envoyer(context.Background(), message); !Definitif(err) {
		t.Errorf("invalid receiver: %v", err)
	}
	s, _ = ovhServer(t, http.StatusBadRequest, `{"message":"Invalid receiver"}`)
	if _, err := ovhProvider(s, "secret-app").Envoyer(context.Background(), message); !Definitif(err) {
		t.Errorf("400: %v", err)
	}
	s, _ = ovhServer(t, http.StatusInternalServerError, `{"message":"Internal"}`)
	_, err = ovhProvider(s, "secret-app").Envoyer(context.Background(), message)
	var down *Indisponible
	if !errors.As(err, &down) || down.Statut != 500 {
		t.Errorf("500: %v", err)
	}
}

func TestBrevoDeliveryReports(t *testing.T) {
	r, err := LireRetourBrevo([]byte(`{"id":26570,"to":"33612345678","sms_count":1,"credits_used":1.5,
		"messageId":1511882900176220,"remaining_credit":11488.8,"msg_status":"delivered","date":"2026-11-30 10:00:00",
		"type":"transactional","reference":"ab1","ts_event":1796032800}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "1511882900176220" || r.Etat != EtatLivre || !r.Le.Equal(time.Unix(1796032800, 0)) {
		t.Errorf("report %+v", r)
	}
	for status, want := range map[string]Etat{"hard_bounce": EtatNonLivre, "soft_bounce": EtatNonLivre, "sent": EtatEnCours} {
		r, err := LireRetourBrevo([]byte(`{"messageId":12,"msg_status":"` + status + `"}`))
		if err != nil || r.Etat != want {
			t.Errorf("%s: %+v %v", status, r, err)
		}
	}
	for _, bad := range []string{`{`, `{"msg_status":"delivered"}`, `{"messageId":1,"msg_status":"what"}`} {
		if _, err := LireRetourBrevo([]byte(bad)); !errors.Is(err, ErrRetourIlisible) {
			t.Errorf("%s: %v", bad, err)
		}
	}
}

func TestOVHDeliveryReports(t *testing.T) {
	v, _ := url.ParseQuery("id=264823417&ptt=13&date=1796032800&description=Delivered&receiver=%2B33612345678&dlr=1")
	r, err := LireRetourOVH(v)
	if err != nil {
		t.Fatal(err)
	}
	if r.ID != "264823417" || r.Etat != EtatLivre || !r.Le.Equal(time.Unix(1796032800, 0)) {
		t.Errorf("report %+v", r)
	}
	for dlr, want := range map[string]Etat{"2": EtatNonLivre, "16": EtatNonLivre, "8": EtatEnCours, "4": EtatEnCours} {
		r, err := LireRetourOVH(url.Values{"id": {"1"}, "dlr": {dlr}})
		if err != nil || r.Etat != want {
			t.Errorf("dlr %s: %+v %v", dlr, r, err)
		}
	}
	for _, bad := range []url.Values{{"dlr": {"1"}}, {"id": {"1"}}, {"id": {"1"}, "dlr": {"3"}}} {
		if _, err := LireRetourOVH(bad); !errors.Is(err, ErrRetourIlisible) {
			t.Errorf("%v: %v", bad, err)
		}
	}
}

func TestSenderNames(t *testing.T) {
	for _, ok := range []string{"Atelier", "MairieLyon3", "CCAS2"} {
		if !ExpediteurValide(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "AB", "Atelier numérique", "Médiathèque", "TropLongNom12", "0612345678", "Atelier!"} {
		if ExpediteurValide(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
}
