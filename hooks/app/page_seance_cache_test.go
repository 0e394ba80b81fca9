package app_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"atelier/hooks/clock"
	"atelier/hooks/testkit"
)

// getGzip reads a page as a browser does, compressed, and decompresses it.
func (s *site) getGzip(path string) (int, string) {
	s.t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	if rec.Header().Get("Content-Encoding") != "gzip" {
		s.t.Fatalf("%s not compressed: %v", path, rec.Header())
	}
	zr, err := gzip.NewReader(rec.Body)
	if err != nil {
		s.t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		s.t.Fatalf("%s: %v", path, err)
	}
	return rec.Code, string(body)
}

// The session page is served from the cache, compressed once, with a
// token of its own in each copy: the token of a cached copy is checked
// like any other (too soon, forged, fine), and the page follows writes.
func TestTheCachedSessionPageTokenIsChecked(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fake := clockwork.NewFakeClockAt(clock.Now(s.app))
	clock.Set(s.app, fake)
	path := seanceURL(testkit.SeancePubliqueA)
	s.getGzip(path) // fills the cache
	code, body := s.getGzip(path)
	m := renduField.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil || m[1] == "" || strings.Contains(m[1], "REMPLACER") {
		t.Fatalf("cached copy: status %d, token %v", code, m)
	}
	token := m[1]
	post := func(rendu, nom string) *httptest.ResponseRecorder {
		form := person("Copie", nom, "0677777777", "")
		form.Set("rendu", rendu)
		return s.post(path+"/inscription", form)
	}
	if rec := post(token, "Pressee"); rec.Code != http.StatusUnprocessableEntity || !strings.Contains(rec.Body.String(), "arrivée trop vite") {
		t.Errorf("token sent back at once: status %d", rec.Code)
	}
	fake.Advance(5 * time.Second)
	forged := token[:len(token)-2] + "xx"
	if forged == token {
		forged = token[:len(token)-2] + "yy"
	}
	if rec := post(forged, "Faussaire"); rec.Code != http.StatusUnprocessableEntity {
		t.Errorf("forged token: status %d", rec.Code)
	}
	if rec := post(token, "Patiente"); rec.Code != http.StatusSeeOther {
		t.Errorf("token of the cached copy: status %d\n%s", rec.Code, rec.Body.String())
	}

	// A change of the session shows at once, compressed or not.
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 40})
	if _, body := s.getGzip(path); !strings.Contains(body, "places disponibles") || !strings.Contains(body, "38 places") {
		t.Errorf("capacity change not shown in the compressed copy")
	}
	if body := s.get(path).Body.String(); !strings.Contains(body, "38 places") || !renduField.MatchString(body) {
		t.Errorf("capacity change not shown in the plain copy")
	}
}
