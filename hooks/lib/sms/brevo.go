package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// BrevoURL is Brevo's API. Its transactional SMS endpoint is
// /transactionalSMS/send (the older /transactionalSMS/sms is deprecated).
const BrevoURL = "https://api.brevo.com/v3"

// Brevo sends through Brevo's transactional SMS API.
type Brevo struct {
	Cle        string // API key (SMTP & API > API keys)
	Expediteur string // sender name, 11 letters or digits
	Retours    string // delivery report URL (webUrl), empty for none
	URL        string // BrevoURL unless tests point elsewhere
	Delai      time.Duration
	Client     *http.Client
}

type brevoRequete struct {
	Sender         string `json:"sender"`
	Recipient      string `json:"recipient"`
	Content        string `json:"content"`
	Type           string `json:"type"`
	Tag            string `json:"tag,omitempty"`
	WebURL         string `json:"webUrl,omitempty"`
	UnicodeEnabled bool   `json:"unicodeEnabled"`
}

func (b Brevo) Envoyer(ctx context.Context, m Message) (string, error) {
	body, err := json.Marshal(brevoRequete{
		Sender: b.Expediteur, Recipient: SansPlus(m.To), Content: m.Text, Type: "transactional",
		Tag: "atelier", WebURL: b.Retours, UnicodeEnabled: !EstGSM7(m.Text),
	})
	if err != nil {
		return "", fmt.Errorf("brevo request: %w", err)
	}
	base := b.URL
	if base == "" {
		base = BrevoURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/transactionalSMS/send", bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("brevo request: %w", err)
	}
	req.Header.Set("api-key", b.Cle)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := client(b.Client, b.Delai).Do(req)
	if err != nil {
		return "", &Indisponible{Detail: "Brevo : " + reseau(err)}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		var e struct{ Code, Message string }
		_ = json.Unmarshal(answer, &e)
		return "", fromStatus(resp.StatusCode, strings.TrimSpace("Brevo "+e.Code+" "+e.Message))
	}
	var ok struct {
		MessageID json.Number `json:"messageId"`
	}
	d := json.NewDecoder(bytes.NewReader(answer))
	d.UseNumber()
	if err := d.Decode(&ok); err != nil {
		return "", nil // accepted; an unreadable answer only loses the id
	}
	return ok.MessageID.String(), nil
}

// LireRetourBrevo reads a delivery report Brevo posts to the webUrl:
// {"messageId": 123, "msg_status": "delivered", "ts_event": 1604933654, ...}.
func LireRetourBrevo(body []byte) (Retour, error) {
	var p struct {
		MessageID   json.Number `json:"messageId"`
		Statut      string      `json:"msg_status"`
		Evenement   string      `json:"event"`
		TsEvent     json.Number `json:"ts_event"`
		Description string      `json:"description"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	if err := d.Decode(&p); err != nil || p.MessageID == "" {
		return Retour{}, ErrRetourIlisible
	}
	statut := p.Statut
	if statut == "" {
		statut = p.Evenement
	}
	r := Retour{ID: p.MessageID.String(), Detail: court(statut + " " + p.Description)}
	switch strings.ToLower(strings.ReplaceAll(statut, "_", "")) {
	case "delivered":
		r.Etat = EtatLivre
	case "hardbounce", "hardbounces", "softbounce", "softbounces", "rejected", "reject", "blacklisted", "skip", "skipped", "unsubscribed":
		r.Etat = EtatNonLivre
	case "sent", "accepted", "request":
		r.Etat = EtatEnCours
	default:
		return Retour{}, ErrRetourIlisible
	}
	if ts, err := strconv.ParseInt(p.TsEvent.String(), 10, 64); err == nil && ts > 0 {
		r.Le = time.Unix(ts, 0).UTC()
	}
	return r, nil
}

// reseau says what went wrong on the way, without the URL (it may hold a
// secret).
func reseau(err error) string {
	if t, ok := err.(interface{ Timeout() bool }); ok && t.Timeout() {
		return "délai dépassé"
	}
	if u, ok := err.(interface{ Unwrap() error }); ok && u.Unwrap() != nil {
		return court(u.Unwrap().Error())
	}
	return court(err.Error())
}
