package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"atelier/hooks/envois"
	"atelier/hooks/jobs"
	"atelier/hooks/lib/sms"
	"atelier/hooks/testkit"
)

// providerServer is a local server speaking one provider's API, as
// documented: it records each SMS it accepts (number and text).
type providerServer struct {
	*httptest.Server
	mu   sync.Mutex
	sent []string // "number text"
}

func (p *providerServer) record(to, text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, to+" "+text)
}

func (p *providerServer) to(number string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for _, s := range p.sent {
		if text, ok := strings.CutPrefix(s, number+" "); ok {
			out = append(out, text)
		}
	}
	return out
}

// newProvider starts the local server of a provider and returns the
// sender Atelier builds for it from its settings.
func newProvider(t *testing.T, name string) (*providerServer, envois.SMSSender) {
	t.Helper()
	p := &providerServer{}
	mux := http.NewServeMux()
	switch name {
	case "brevo":
		mux.HandleFunc("POST /v3/transactionalSMS/send", func(w http.ResponseWriter, r *http.Request) {
			var body struct{ Recipient, Content, Type string }
			if r.Header.Get("api-key") != "cle-brevo" || json.NewDecoder(r.Body).Decode(&body) != nil || body.Type != "transactional" {
				http.Error(w, `{"code":"unauthorized","message":"Key not found"}`, http.StatusUnauthorized)
				return
			}
			p.record("+"+body.Recipient, body.Content)
			fmt.Fprint(w, `{"messageId": 1511882900176220}`)
		})
	case "ovh":
		mux.HandleFunc("GET /auth/time", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, time.Now().Unix())
		})
		mux.HandleFunc("POST /sms/sms-ab12345-1/jobs", func(w http.ResponseWriter, r *http.Request) {
			var job struct {
				Message   string
				Receivers []string
			}
			if r.Header.Get("X-Ovh-Application") != "cle-app" || r.Header.Get("X-Ovh-Consumer") != "cle-conso" ||
				!strings.HasPrefix(r.Header.Get("X-Ovh-Signature"), "$1$") || json.NewDecoder(r.Body).Decode(&job) != nil {
				http.Error(w, `{"message":"Invalid signature"}`, http.StatusBadRequest)
				return
			}
			p.record(job.Receivers[0], job.Message)
			fmt.Fprint(w, `{"ids":[26929925],"invalidReceivers":[],"validReceivers":["`+job.Receivers[0]+`"],"totalCreditsRemoved":1}`)
		})
	case "http":
		mux.HandleFunc("POST /sms", func(w http.ResponseWriter, r *http.Request) {
			var body struct{ To, Text string }
			if r.Header.Get("Authorization") != "Bearer jeton-passerelle" || json.NewDecoder(r.Body).Decode(&body) != nil {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			p.record(body.To, body.Text)
			fmt.Fprint(w, `{"id":"gw-1"}`)
		})
	}
	p.Server = httptest.NewServer(mux)
	t.Cleanup(p.Close)
	var envoi sms.Fournisseur
	switch name {
	case "brevo":
		envoi = sms.Brevo{Cle: "cle-brevo", Expediteur: "Mediatheque", URL: p.URL + "/v3"}
	case "ovh":
		envoi = sms.OVH{CleApplication: "cle-app", SecretApplication: "secret-app", CleConsommateur: "cle-conso",
			Service: "sms-ab12345-1", Expediteur: "Mediatheque", Endpoint: p.URL}
	case "http":
		envoi = sms.HTTP{URL: p.URL + "/sms", Jeton: "jeton-passerelle"}
	}
	return p, envois.Fournisseur{Envoi: envoi}
}

// A person who registers with only a mobile number gets the confirmation,
// then the reminder, by SMS, through each provider's API.
func TestMobileOnlyPersonIsTextedThroughEachProvider(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"brevo", "ovh", "http"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			provider, sender := newProvider(t, name)
			envois.UseSMS(s.app, sender)
			if rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Lou", "Mobile", "06 98 76 54 32", "")); rec.Code != http.StatusSeeOther {
				t.Fatalf("register: %d %s", rec.Code, rec.Body.String())
			}
			texts := provider.to("+33698765432")
			if len(texts) != 1 || !strings.HasPrefix(texts[0], "Inscription confirmée") || !strings.Contains(texts[0], testkit.AppURL+"/i/") {
				t.Fatalf("confirmation through %s: %q (all: %q)", name, texts, provider.sent)
			}
			debut := mustFindID(t, s.app, "seances", testkit.ID(testkit.SeancePubliqueA)).GetDateTime("debut").Time()
			out, err := jobs.SendReminders(context.Background(), s.app, envois.SMSOf(s.app), debut.Add(-24*time.Hour))
			if err != nil || out.SMS == 0 {
				t.Fatalf("reminders: %+v, %v", out, err)
			}
			texts = provider.to("+33698765432")
			if len(texts) != 2 || !strings.HasPrefix(texts[1], "Rappel") {
				t.Fatalf("reminder through %s: %q", name, texts)
			}
			var sent int
			if err := s.app.DB().NewQuery("SELECT count(*) FROM envois WHERE canal = 'sms' AND statut = 'envoye' AND fournisseur_id != ''").
				Row(&sent); err != nil || sent != len(provider.sent) {
				t.Errorf("%d SMS recorded with the provider's id, %d accepted by %s (%v)", sent, len(provider.sent), name, err)
			}
		})
	}
}
