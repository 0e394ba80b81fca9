package e2e

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestHammerIsBoundedAndCountsErrors(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/erreur" {
			w.WriteHeader(500)
		}
	}))
	defer srv.Close()

	res := Hammer(4, 5*time.Second, 200, func(c *http.Client, i int) error {
		path := "/"
		if i%4 == 0 {
			path = "/erreur"
		}
		resp, err := c.Get(srv.URL + path)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return errors.New(resp.Status)
		}
		return nil
	})
	if res.Requests != 200 {
		t.Fatalf("requests = %d, want exactly the 200 allowed", res.Requests)
	}
	if res.Errors != 50 {
		t.Fatalf("errors = %d, want 50", res.Errors)
	}
	if res.Percentile(0.5) <= 0 || res.Percentile(0.99) < res.Percentile(0.5) || res.PerSecond() <= 0 {
		t.Fatalf("inconsistent figures: %+v", res.Percentile(0.99))
	}
}
