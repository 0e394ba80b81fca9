package e2e

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sync"
	"time"
)

// The public registration form carries a signed render time and is refused
// when sent back within two seconds: clients of the real server take the
// token from the page, as a browser does, and wait as a person would.

var renduField = regexp.MustCompile(`name="rendu" value="([^"]+)"`)

// RenduWait is how long after showing a form it may be sent.
const RenduWait = 2100 * time.Millisecond

// FormTokens keeps one registration-form token per session, taken from the
// session's page, and hands it out once it may be used.
type FormTokens struct {
	BaseURL string
	mu      sync.Mutex
	tokens  map[string]formToken
}

type formToken struct {
	value string
	shown time.Time
}

// Get returns a usable token of session seanceID's form, fetching the
// page (and waiting) the first time.
func (f *FormTokens) Get(seanceID string) (string, error) {
	f.mu.Lock()
	if f.tokens == nil {
		f.tokens = map[string]formToken{}
	}
	tok, ok := f.tokens[seanceID]
	if !ok {
		value, err := FetchFormToken(f.BaseURL, seanceID)
		if err != nil {
			f.mu.Unlock()
			return "", err
		}
		tok = formToken{value: value, shown: time.Now()}
		f.tokens[seanceID] = tok
	}
	f.mu.Unlock()
	if wait := RenduWait - time.Since(tok.shown); wait > 0 {
		time.Sleep(wait)
	}
	return tok.value, nil
}

// FetchFormToken reads the token of the registration form on the session's
// public page.
func FetchFormToken(baseURL, seanceID string) (string, error) {
	res, err := http.Get(baseURL + "/ateliers/" + seanceID)
	if err != nil {
		return "", fmt.Errorf("session page %s: %w", seanceID, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return "", fmt.Errorf("session page %s: %w", seanceID, err)
	}
	m := renduField.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("session page %s (%d): no registration form", seanceID, res.StatusCode)
	}
	return string(m[1]), nil
}

// Prefetch takes the tokens of these sessions' forms and waits once, so
// that a measured load never waits for a token.
func (f *FormTokens) Prefetch(seanceIDs []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.tokens == nil {
		f.tokens = map[string]formToken{}
	}
	for _, id := range seanceIDs {
		value, err := FetchFormToken(f.BaseURL, id)
		if err != nil {
			return err
		}
		f.tokens[id] = formToken{value: value, shown: time.Now()}
	}
	time.Sleep(RenduWait)
	return nil
}
