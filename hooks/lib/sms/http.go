package sms

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// HTTP sends to any gateway that takes {"to", "text", "reference"} in JSON
// with a bearer token (an operator's own gateway, a provider behind a
// small proxy). A 2xx answer means accepted; {"id": "..."} is kept.
type HTTP struct {
	URL    string
	Jeton  string
	Delai  time.Duration
	Client *http.Client
}

func (h HTTP) Envoyer(ctx context.Context, m Message) (string, error) {
	body, err := json.Marshal(map[string]string{"to": m.To, "text": m.Text, "reference": m.Reference})
	if err != nil {
		return "", fmt.Errorf("sms gateway request: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return "", &Refus{Detail: "adresse de la passerelle invalide"}
	}
	req.Header.Set("Authorization", "Bearer "+h.Jeton)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client(h.Client, h.Delai).Do(req)
	if err != nil {
		return "", &Indisponible{Detail: "passerelle : " + reseau(err)}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return "", fromStatus(resp.StatusCode, "")
	}
	var ok struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(answer, &ok) != nil || len(ok.ID) == 0 {
		return "", nil
	}
	var id string
	if json.Unmarshal(ok.ID, &id) == nil {
		return id, nil
	}
	return string(bytes.Trim(ok.ID, `"`)), nil
}
