package app_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"atelier/hooks/lib/ical"
	"atelier/hooks/testkit"
)

// icsProp returns the value of the first property name in an .ics body,
// unfolded, or "" when absent.
func icsProp(t testing.TB, body, name string) string {
	t.Helper()
	unfolded := strings.ReplaceAll(body, "\r\n ", "")
	for _, l := range strings.Split(unfolded, "\r\n") {
		if strings.HasPrefix(l, name+":") || strings.HasPrefix(l, name+";") {
			return l
		}
	}
	return ""
}

func sequenceOf(t testing.TB, s *site, seance string) int {
	t.Helper()
	return mustFind(t, s.app, "seances", seance).GetInt("sequence")
}

// SEQUENCE rises when the date, time, place or cancellation changes,
// through the page or the REST API, and not on other edits; a client
// cannot set it.
func TestCalendarSequenceFollowsChanges(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	path := "/espace/seances/" + seance.Id + "/modifier"
	if got := sequenceOf(t, s, testkit.SeancePubliqueA); got != 0 {
		t.Fatalf("fixture sequence = %d", got)
	}
	debut := seance.GetDateTime("debut").Time().In(paris)
	duree := strconv.Itoa(int(seance.GetDateTime("fin").Time().Sub(seance.GetDateTime("debut").Time()).Minutes()))
	form := planForm(map[string]string{"date": debut.Format("2006-01-02"), "heure": debut.Format("15:04"), "duree": duree,
		"capacite": "12", "lieu": seance.GetString("lieu")})
	steps := []struct {
		name string
		do   func()
		want int
	}{
		{"capacity only", func() { s.postAs(cookie, path, form) }, 0},
		{"new time", func() { form.Set("heure", "16:30"); s.postAs(cookie, path, form) }, 1},
		{"new place", func() { form.Set("lieu", testkit.ID(testkit.LieuA2)); s.postAs(cookie, path, form) }, 2},
		{"new length", func() { form.Set("duree", "45"); s.postAs(cookie, path, form) }, 3},
		{"API: reason typo, sequence forced", func() {
			rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("seances")+"/"+seance.Id,
				map[string]any{"motif_annulation": "Coquille", "sequence": 99})
			if rec.Code != http.StatusOK {
				t.Fatalf("API patch: %d %s", rec.Code, rec.Body.String())
			}
		}, 3},
		{"API: new date", func() {
			rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("seances")+"/"+seance.Id,
				map[string]any{"debut": debut.AddDate(0, 0, 1).UTC().Format("2006-01-02 15:04:05.000Z"),
					"fin": debut.AddDate(0, 0, 1).Add(45 * 60e9).UTC().Format("2006-01-02 15:04:05.000Z")})
			if rec.Code != http.StatusOK {
				t.Fatalf("API patch: %d %s", rec.Code, rec.Body.String())
			}
		}, 4},
		{"cancelled", func() { setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"statut": "annulee"}) }, 5},
	}
	for _, step := range steps {
		step.do()
		if got := sequenceOf(t, s, testkit.SeancePubliqueA); got != step.want {
			t.Fatalf("%s: sequence %d, want %d", step.name, got, step.want)
		}
	}
	// Renaming the workshop changes no session.
	setFields(t, s.app, "ateliers", testkit.AtelierA, map[string]any{"titre": "Atelier propre à Alpha (corrigé)"})
	if got := sequenceOf(t, s, testkit.SeancePubliqueA); got != 5 {
		t.Errorf("workshop title fix: sequence %d", got)
	}
	ics := s.get("/inscription/" + testkit.SecretJeton + "/agenda.ics")
	body := ics.Body.String()
	for _, want := range []string{"SEQUENCE:5", "STATUS:CANCELLED", "METHOD:CANCEL"} {
		if !strings.Contains(body, want) {
			t.Errorf("registration file of a cancelled session lacks %s:\n%s", want, body)
		}
	}
	if err := ical.Validate(ics.Body.Bytes()); err != nil {
		t.Error(err)
	}
	feed := s.get("/s/" + mustFind(t, s.app, "structures", testkit.StructureA).GetString("slug") + "/agenda.ics").Body.String()
	if !strings.Contains(feed, "METHOD:PUBLISH") || !strings.Contains(feed, "SEQUENCE:5") || !strings.Contains(feed, "STATUS:CANCELLED") {
		t.Errorf("structure feed does not carry the cancelled session's version:\n%s", feed)
	}
}

// A cancelled registration's file cancels the very event added before; a
// person on the waiting list gets no « Ajouter à mon agenda » and a
// TENTATIVE event that says why.
func TestRegistrationCalendarFollowsTheRegistration(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	jeton := testkit.SecretJeton
	before := s.get("/inscription/" + jeton + "/agenda.ics").Body.String()
	uid := icsProp(t, before, "UID")
	if !strings.Contains(before, "STATUS:CONFIRMED") || !strings.Contains(before, "SEQUENCE:0") || strings.Contains(before, "METHOD:") {
		t.Errorf("confirmed registration file:\n%s", before)
	}
	expectBody(t, s.get("/inscription/"+jeton), http.StatusOK, []string{"Ajouter à mon agenda"}, nil)

	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"statut": "liste_attente", "rang_attente": 1})
	expectBody(t, s.get("/inscription/"+jeton), http.StatusOK, []string{"liste d'attente"}, []string{"Ajouter à mon agenda", "agenda.ics"})
	waiting := s.get("/inscription/" + jeton + "/agenda.ics").Body.String()
	if icsProp(t, waiting, "STATUS") != "STATUS:TENTATIVE" || !strings.Contains(icsProp(t, waiting, "DESCRIPTION"), "liste d'attente") {
		t.Errorf("waiting-list file:\n%s", waiting)
	}
	if err := ical.Validate([]byte(waiting)); err != nil {
		t.Error(err)
	}

	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"statut": "annule", "rang_attente": 0})
	rec := s.get("/inscription/" + jeton + "/agenda.ics")
	cancelled := rec.Body.String()
	for _, want := range []string{"METHOD:CANCEL", "STATUS:CANCELLED", "SEQUENCE:1", uid} {
		if !strings.Contains(cancelled, want) {
			t.Errorf("cancelled registration file lacks %q:\n%s", want, cancelled)
		}
	}
	if err := ical.Validate(rec.Body.Bytes()); err != nil {
		t.Error(err)
	}
	// The registration changed after the session: its file is newer.
	if icsProp(t, cancelled, "DTSTAMP") < icsProp(t, before, "DTSTAMP") {
		t.Errorf("DTSTAMP went back: %s then %s", icsProp(t, before, "DTSTAMP"), icsProp(t, cancelled, "DTSTAMP"))
	}
	if icsProp(t, cancelled, "DTSTAMP")[len("DTSTAMP:"):] != icsProp(t, cancelled, "LAST-MODIFIED")[len("LAST-MODIFIED:"):] {
		t.Errorf("DTSTAMP and LAST-MODIFIED differ:\n%s", cancelled)
	}
}

// ORGANIZER names the structure and its address (the instance's sender
// address without one); UIDs and links come from the Application URL
// whatever Host the request says.
func TestCalendarOrganizerAndUIDIgnoreTheHost(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"nom": "Espace: Alpha, Nord", "courriel": "contact@alpha.example"})
	get := func(path string) string {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.Host = "evil.example"
		req.Header.Set("X-Forwarded-Host", "evil.example")
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s: %d", path, rec.Code)
		}
		if err := ical.Validate(rec.Body.Bytes()); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		return rec.Body.String()
	}
	slug := mustFind(t, s.app, "structures", testkit.StructureA).GetString("slug")
	for _, path := range []string{"/inscription/" + testkit.SecretJeton + "/agenda.ics", "/s/" + slug + "/agenda.ics"} {
		body := get(path)
		if strings.Contains(body, "evil.example") {
			t.Errorf("%s follows the request's host:\n%s", path, body)
		}
		if got := icsProp(t, body, "UID"); got != "UID:seance-"+testkit.ID(testkit.SeancePubliqueA)+"@ateliers.example.fr" {
			t.Errorf("%s: %s", path, got)
		}
		if got := icsProp(t, body, "ORGANIZER"); got != `ORGANIZER;CN="Espace: Alpha, Nord":mailto:contact@alpha.example` {
			t.Errorf("%s: %s", path, got)
		}
	}
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"courriel": ""})
	settings := s.app.Settings()
	settings.Meta.SenderAddress = "ne-pas-repondre@ateliers.example.fr"
	if err := s.app.Save(settings); err != nil {
		t.Fatal(err)
	}
	if got := icsProp(t, get("/s/"+slug+"/agenda.ics"), "ORGANIZER"); !strings.HasSuffix(got, ":mailto:ne-pas-repondre@ateliers.example.fr") {
		t.Errorf("without the structure's address: %s", got)
	}
}

// seances.sequence is the server's: whoever sends it through the REST
// API (anonymous, each role, a deactivated account, a signed-out token)
// cannot set it; those who read the session read it.
func TestSequenceIsWrittenByTheServerOnly(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	path := apiRecords("seances") + "/" + testkit.ID(testkit.SeancePubliqueA)
	for _, who := range []string{"", testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur, testkit.InactifA, testkit.DeconnecteA} {
		token := ""
		if who != "" {
			token = testkit.Token(t, who)
		}
		rec := s.api(http.MethodPatch, path, token, map[string]any{"sequence": 42})
		if got := sequenceOf(t, s, testkit.SeancePubliqueA); got != 0 {
			t.Fatalf("%q (status %d) set the sequence to %d", who, rec.Code, got)
		}
		read := s.api(http.MethodGet, path, token, nil)
		if read.Code != http.StatusOK || !strings.Contains(read.Body.String(), `"sequence":0`) {
			t.Errorf("%q reads the public session: %d %s", who, read.Code, read.Body.String())
		}
	}
	// The conseiller's own write went through, without the sequence.
	rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, path, map[string]any{"capacite": 11, "sequence": 42})
	if rec.Code != http.StatusOK || sequenceOf(t, s, testkit.SeancePubliqueA) != 0 {
		t.Errorf("conseiller's edit: %d, sequence %d", rec.Code, sequenceOf(t, s, testkit.SeancePubliqueA))
	}
}
