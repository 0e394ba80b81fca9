package formulaire

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestRenduRoundTrip(t *testing.T) {
	key := []byte("clé de test")
	shown := time.Date(2028, 2, 29, 23, 59, 58, 0, time.UTC)
	token := SignerRendu(key, "seance1", shown, []byte("0123456789ab"))
	r, err := LireRendu(key, "seance1", token)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Le.Equal(shown) || string(r.Nonce) != "0123456789ab" {
		t.Fatalf("read %v %q", r.Le, r.Nonce)
	}
	for _, c := range []struct {
		after time.Duration
		want  error
	}{{time.Second, ErrRenduTropTot}, {2 * time.Second, nil}, {5 * time.Hour, nil}, {7 * time.Hour, ErrRenduPerime}} {
		if got := r.Delai(shown.Add(c.after), 2*time.Second, 6*time.Hour); !errors.Is(got, c.want) && got != c.want {
			t.Errorf("after %s: %v, want %v", c.after, got, c.want)
		}
	}
}

func TestRenduRefusesForgeries(t *testing.T) {
	key := []byte("clé de test")
	shown := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	token := SignerRendu(key, "seance1", shown, []byte("nonce"))
	forged := SignerRendu([]byte("autre clé"), "seance1", shown.Add(-time.Hour), []byte("nonce"))
	for name, c := range map[string]struct{ key, scope, token string }{
		"other session":  {"clé de test", "seance2", token},
		"other key":      {"clé de test", "seance1", forged},
		"truncated":      {"clé de test", "seance1", token[:len(token)-2]},
		"not base64":     {"clé de test", "seance1", "%%%"},
		"empty":          {"clé de test", "seance1", ""},
		"100 KB of junk": {"clé de test", "seance1", strings.Repeat("A", 100_000)},
	} {
		if _, err := LireRendu([]byte(c.key), c.scope, c.token); !errors.Is(err, ErrRenduIllisible) {
			t.Errorf("%s: %v, want ErrRenduIllisible", name, err)
		}
	}
	// One changed bit of the time is caught by the signature.
	raw := []byte(token)
	raw[3] ^= 1
	if _, err := LireRendu(key, "seance1", string(raw)); err == nil {
		t.Error("a token with a changed time was accepted")
	}
}

func TestEmpreinteIsKeyedAndStable(t *testing.T) {
	a := Empreinte([]byte("k1"), "ip", "203.0.113.7")
	if a != Empreinte([]byte("k1"), "ip", "203.0.113.7") {
		t.Fatal("not stable")
	}
	if a == Empreinte([]byte("k2"), "ip", "203.0.113.7") || a == Empreinte([]byte("k1"), "nonce", "203.0.113.7") {
		t.Fatal("key or purpose ignored")
	}
	if strings.Contains(a, "203") {
		t.Fatal("value readable in the mark")
	}
}
