package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"atelier/hooks/lib/pixels/pixelstest"
)

// The attack suite of personal data against the real binary: bulk reads
// leave a trace in the journal, images cannot exhaust the memory, exported
// files run no formula, a long search answers a page, and the logs keep no
// personal link, token or search.

// donneesGet reads path as c (anonymous when c is nil) with extra headers.
func donneesGet(t *testing.T, base string, c *staffHTTP, path string, header map[string]string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c != nil {
		req.Header.Set("Cookie", c.cookie)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// Finding: /donnees/lieux.csv wrote staff-typed names as they were, so a
// place named « =HYPERLINK(…) » ran as a formula in the reader's spreadsheet.
func TestAttaqueDonneesLieuxCSVFormula(t *testing.T) {
	f := startFlowServer(t)
	staff, err := f.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	lieu, err := f.db.FindFirstRecordByFilter("lieux", "structure = {:s}", dbx.Params{"s": staff.GetStringSlice("structures")[0]})
	if err != nil {
		t.Fatal(err)
	}
	// Through the API, as the place's conseiller: the server rebuilds its
	// open-data files on its own writes.
	token := donneesAPIToken(t, f.URL, demoConseiller)
	const formula = `=HYPERLINK("https://evil.example","Cliquez")`
	donneesAPI(t, f.URL, token, http.MethodPatch, "/api/collections/lieux/records/"+lieu.Id, map[string]any{"adresse": formula}, http.StatusOK)
	t.Cleanup(func() {
		donneesAPI(t, f.URL, token, http.MethodPatch, "/api/collections/lieux/records/"+lieu.Id,
			map[string]any{"adresse": lieu.GetString("adresse")}, http.StatusOK)
	})
	status, body := donneesGet(t, f.URL, nil, "/donnees/lieux.csv", nil)
	if status != http.StatusOK {
		t.Fatalf("lieux.csv: %d", status)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, row := range rows {
		for _, cell := range row {
			if strings.Contains(cell, "HYPERLINK") {
				found = true
				// Guarded with a quote, or cleaned to the national
				// schema's address pattern: either way no spreadsheet
				// reads it as a formula.
				if strings.ContainsAny(cell[:1], "=+-@\t\r") {
					t.Errorf("lieux.csv cell %q runs as a formula", cell)
				}
			}
		}
	}
	if !found {
		t.Fatalf("the place's new address is not in lieux.csv:\n%.2000s", body)
	}
}

// donneesAPIToken signs email in through the REST API.
func donneesAPIToken(t *testing.T, base, email string) string {
	t.Helper()
	var out struct{ Token string }
	donneesAPIInto(t, base, "", http.MethodPost, "/api/collections/utilisateurs/auth-with-password",
		map[string]any{"identity": email, "password": DemoPassword}, http.StatusOK, &out)
	return out.Token
}

// donneesAPI sends body as JSON to the REST API and checks the status.
func donneesAPI(t *testing.T, base, token, method, path string, body any, want int) string {
	t.Helper()
	return donneesAPIInto(t, base, token, method, path, body, want, nil)
}

func donneesAPIInto(t *testing.T, base, token, method, path string, body any, want int, out any) string {
	t.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, base+path, reader)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d\n%.500s", method, path, res.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatal(err)
		}
	}
	return string(raw)
}

// Finding: a 100 KB search reached SQLite as a LIKE pattern (over its
// 50 000-byte limit) and the page answered 500.
func TestAttaqueDonneesLongSearch(t *testing.T) {
	f := startFlowServer(t)
	c := signInHTTP(t, f.URL, demoConseiller)
	long := url.QueryEscape(strings.Repeat("é%_a", 25000))
	for _, path := range []string{"/espace/beneficiaires?q=", "/espace/catalogue?q=", "/espace/accompagnements/nouveau?q="} {
		status, body := donneesGet(t, f.URL, c, path+long, nil)
		if status != http.StatusOK || !strings.Contains(body, "<html") {
			t.Errorf("%s<100 KB>: %d\n%.300s", path, status, body)
		}
	}
}

// Finding: the binary started from a temporary folder turned dev mode on
// and printed every SQL statement with its values (personal links'
// tokens, names); the request log kept personal links in the URL and the
// Referer of the next page, and people's names typed in searches.
func TestAttaqueDonneesLogsKeepNoSecret(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 5)
	status, location, err := f.register(seanceID, registrant("Zoé", "Secretlog", "", "zoe.secretlog@example.org"))
	if err != nil || status != http.StatusSeeOther {
		t.Fatalf("register: %d %v", status, err)
	}
	link := strings.TrimSuffix(location, "?confirmation=1")
	jeton := strings.TrimPrefix(link, "/inscription/")
	if len(jeton) < 20 || strings.Contains(jeton, "/") {
		t.Fatalf("personal link %q", location)
	}
	if status, _ := donneesGet(t, f.URL, nil, location, nil); status != http.StatusOK {
		t.Fatalf("personal page: %d", status)
	}
	// The next pages opened from it carry it in their Referer.
	donneesGet(t, f.URL, nil, "/connexion", map[string]string{"Referer": f.URL + location})
	donneesGet(t, f.URL, nil, link+"/inconnu", nil)
	c := signInHTTP(t, f.URL, demoConseiller)
	donneesGet(t, f.URL, c, "/espace/beneficiaires?q=Secretlog", map[string]string{"Referer": f.URL + link})
	donneesGet(t, f.URL, nil, "/api/collections/beneficiaires/records?filter="+url.QueryEscape("nom='Secretlog'"), nil)

	// The request log is written in batches, every few seconds.
	var rows []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		rows = nil
		if err := f.db.AuxDB().NewQuery("SELECT data FROM _logs").Column(&rows); err != nil {
			t.Fatal(err)
		}
		connexion, search := false, false
		for _, r := range rows {
			connexion = connexion || strings.Contains(r, `"url":"/connexion"`) && strings.Contains(r, "/inscription/")
			search = search || strings.Contains(r, "/espace/beneficiaires?q=")
		}
		if connexion && search {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the requests never reached the request log:\n%s", strings.Join(rows, "\n"))
		}
		time.Sleep(250 * time.Millisecond)
	}
	masked := 0
	for _, r := range rows {
		if strings.Contains(r, jeton) || strings.Contains(r, "Secretlog") {
			t.Errorf("the request log keeps a secret: %s", r)
		}
		if strings.Contains(r, "/inscription/MASQUE") || strings.Contains(r, "/espace/beneficiaires?q=MASQUE") {
			masked++
		}
	}
	if masked < 2 {
		t.Errorf("the logged requests are not masked:\n%s", strings.Join(rows, "\n"))
	}
	if logs := f.Logs(); strings.Contains(logs, jeton) || strings.Contains(logs, "Secretlog") || strings.Contains(logs, "SELECT") {
		t.Errorf("the server printed SQL or a personal link:\n%.3000s", logs)
	}
}

// Finding: a PNG of a few hundred bytes declaring 25 000 × 25 000 pixels
// was accepted as a structure's logo, and its thumbnail made the server
// allocate 2.5 GB.
func TestAttaqueDonneesImageBomb(t *testing.T) {
	f := startFlowServer(t)
	bomb := pixelstest.Bombe(25_000, 25_000)
	structure, err := f.db.FindFirstRecordByFilter("structures", "id != ''")
	if err != nil {
		t.Fatal(err)
	}
	oldLogo := structure.GetString("logo")
	t.Cleanup(func() {
		fresh, err := f.db.FindRecordById("structures", structure.Id)
		if err == nil {
			fresh.Set("logo", oldLogo)
			_ = f.db.SaveNoValidate(fresh)
		}
	})
	peakBefore := donneesVmPeak(t, f.PID())

	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("logo", "logo.png")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(bomb)
	w.Close()
	req, err := http.NewRequest(http.MethodPatch, f.URL+"/api/collections/structures/records/"+structure.Id, &body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", donneesAPIToken(t, f.URL, demoCoordinateur))
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(string(answer), "trop grande") {
		t.Errorf("upload of the bomb: %d %s", res.StatusCode, answer)
	}

	// One stored before the limit (written straight to the database).
	file, err := filesystem.NewFileFromBytes(bomb, "ancien.png")
	if err != nil {
		t.Fatal(err)
	}
	stored, err := f.db.FindRecordById("structures", structure.Id)
	if err != nil {
		t.Fatal(err)
	}
	stored.Set("logo", file)
	if err := f.db.SaveNoValidate(stored); err != nil {
		t.Fatal(err)
	}
	name := stored.GetString("logo")
	for _, thumb := range []string{"0x120", "100x100"} {
		status, _ := donneesGet(t, f.URL, nil, "/api/files/structures/"+structure.Id+"/"+name+"?thumb="+thumb, nil)
		if status != http.StatusBadRequest {
			t.Errorf("thumbnail %s of the stored bomb: %d", thumb, status)
		}
	}
	if grew := donneesVmPeak(t, f.PID()) - peakBefore; grew > 1<<30 {
		t.Errorf("the server's peak memory grew by %d MB", grew>>20)
	} else {
		t.Logf("peak memory grew by %d MB", grew>>20)
	}
}

// donneesVmPeak is the peak virtual memory of process pid, in bytes: a
// decoder allocating an image's pixels raises it at once.
func donneesVmPeak(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("read the server's memory figures: %v", err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmPeak:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Fatal("no VmPeak in /proc status")
	return 0
}

// Finding: only records opened one by one reached the journal; a list of
// every beneficiary through the API, an expand of a session's
// registrations, a search page or a CSV export of participants left no
// trace.
func TestAttaqueDonneesBulkReadsJournaled(t *testing.T) {
	f := startFlowServer(t)
	staff, err := f.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	structure := staff.GetStringSlice("structures")[0]
	seance, err := f.db.FindFirstRecordByFilter("seances", "structure = {:s} && inscriptions_via_seance.id != ''", dbx.Params{"s": structure})
	if err != nil {
		t.Fatal(err)
	}
	someone, err := f.db.FindFirstRecordByFilter("beneficiaires", "structure = {:s} && anonymise = false", dbx.Params{"s": structure})
	if err != nil {
		t.Fatal(err)
	}
	entries := func() int {
		t.Helper()
		n, err := f.db.CountRecords("journal", dbx.HashExp{"action": "liste", "auteur": staff.Id})
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	token := donneesAPIToken(t, f.URL, demoConseiller)
	c := signInHTTP(t, f.URL, demoConseiller)
	reads := []struct {
		name string
		read func()
	}{
		{"API list of every beneficiary", func() {
			donneesAPI(t, f.URL, token, http.MethodGet, "/api/collections/beneficiaires/records?perPage=500", nil, http.StatusOK)
		}},
		{"API search by name", func() {
			donneesAPI(t, f.URL, token, http.MethodGet, "/api/collections/beneficiaires/records?filter="+
				url.QueryEscape("nom = '"+someone.GetString("nom")+"'"), nil, http.StatusOK)
		}},
		{"API expand of a session's people", func() {
			donneesAPI(t, f.URL, token, http.MethodGet, "/api/collections/seances/records/"+seance.Id+
				"?expand=inscriptions_via_seance.beneficiaire", nil, http.StatusOK)
		}},
		{"API list of registrations", func() {
			donneesAPI(t, f.URL, token, http.MethodGet, "/api/collections/inscriptions/records?expand=beneficiaire", nil, http.StatusOK)
		}},
		{"search page", func() {
			if status, _ := donneesGet(t, f.URL, c, "/espace/beneficiaires?q="+url.QueryEscape(someone.GetString("nom")), nil); status != http.StatusOK {
				t.Fatalf("search page: %d", status)
			}
		}},
		{"CSV export of participants", func() {
			if status, _ := donneesGet(t, f.URL, c, "/espace/seances/"+seance.Id+"/participants.csv", nil); status != http.StatusOK {
				t.Fatalf("participants.csv: %d", status)
			}
		}},
	}
	for _, r := range reads {
		before := entries()
		r.read()
		if after := entries(); after != before+1 {
			t.Errorf("%s: %d journal entries added, want 1", r.name, after-before)
		}
	}
	all, err := f.db.FindRecordsByFilter("journal", "action = 'liste' && auteur = {:a}", "", 0, 0, dbx.Params{"a": staff.Id})
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range all {
		if d := entry.GetString("details"); strings.Contains(d, someone.GetString("nom")) || !strings.Contains(d, "personne") {
			t.Errorf("journal details %q: a name, or no count", d)
		}
	}
}
