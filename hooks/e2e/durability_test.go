package e2e

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Durability and shutdown of the real binary: a registration acknowledged
// to the person survives a kill -9 of the server, and on SIGTERM
// a request in flight still gets its answer and is saved before the process
// exits.

// durableInstance prepares, in its own directory, a demo instance whose
// rate limits exclude the loopback (the test clients all share it), and
// returns the id of an upcoming public session open for registration.
func durableInstance(t *testing.T) (dir, seanceID string) {
	t.Helper()
	dir = t.TempDir()
	if _, err := Run(dir, "demo"); err != nil {
		t.Fatal(err)
	}
	db := openDB(t, dir)
	defer db.ResetBootstrapState()
	settings := db.Settings()
	settings.RateLimits.ExcludedIPs = []string{"127.0.0.1"}
	if err := db.Save(settings); err != nil {
		t.Fatal(err)
	}
	seance, err := db.FindFirstRecordByFilter("seances",
		"publique = true && statut = 'planifiee' && inscriptions_ouvertes = true && atelier.actif = true && debut > {:soon}",
		dbx.Params{"soon": time.Now().Add(48 * time.Hour).UTC().Format("2006-01-02 15:04:05.000Z")})
	if err != nil {
		t.Fatalf("no public session ahead in the demo: %v", err)
	}
	return dir, seance.Id
}

func openDB(t *testing.T, dir string) *core.BaseApp {
	t.Helper()
	db := core.NewBaseApp(core.BaseAppConfig{DataDir: dir})
	if err := db.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	return db
}

func registrationForm(n int64) url.Values {
	return url.Values{"prenom": {"Durable"}, "nom": {fmt.Sprintf("Personne-%d", n)},
		"telephone": {fmt.Sprintf("06%08d", 10000000+n)}, "consentement": {"2026-11"}, "site_web": {""}}
}

func TestKill9LosesNoAcknowledgedRegistration(t *testing.T) {
	dir, seanceID := durableInstance(t)
	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 10 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{MaxIdleConnsPerHost: 32}}
	token, err := (&FormTokens{BaseURL: srv.URL}).Get(seanceID)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu           sync.Mutex
		acknowledged []string // tokens of the registrations answered "303, registered"
		next         atomic.Int64
		stop         atomic.Bool
		wg           sync.WaitGroup
	)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				form := registrationForm(next.Add(1))
				form.Set("rendu", token)
				res, err := client.PostForm(srv.URL+"/ateliers/"+seanceID+"/inscription", form)
				if err != nil {
					return // the server is gone
				}
				res.Body.Close()
				location := res.Header.Get("Location")
				if res.StatusCode == http.StatusSeeOther && strings.HasPrefix(location, "/inscription/") {
					jeton := strings.TrimSuffix(strings.TrimPrefix(location, "/inscription/"), "?confirmation=1")
					mu.Lock()
					acknowledged = append(acknowledged, jeton)
					mu.Unlock()
				}
			}
		}()
	}
	// kill -9 in the middle of the load, once a good number are through
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		n := len(acknowledged)
		mu.Unlock()
		if n >= 200 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.cmd.Wait()
	stop.Store(true)
	wg.Wait()
	if len(acknowledged) == 0 {
		t.Fatalf("no registration went through before the kill\n%s", srv.Logs())
	}

	// The server starts again on the same data.
	again, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop()
	db := openDB(t, dir)
	defer db.ResetBootstrapState()
	lost := 0
	for _, jeton := range acknowledged {
		if _, err := db.FindFirstRecordByData("inscriptions", "jeton", jeton); err != nil {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged registrations lost by kill -9", lost, len(acknowledged))
	}
	// and their personal links work
	res, err := client.Get(again.URL + "/inscription/" + acknowledged[len(acknowledged)-1])
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("personal link after the restart: %v %v", res, err)
	}
	res.Body.Close()
	t.Logf("%d registrations acknowledged before kill -9 (%d sent), all found after the restart", len(acknowledged), next.Load())
}

// On SIGTERM (systemctl stop), a registration whose form is still being
// received gets its answer and is saved; the process then exits cleanly.
// PocketBase alone waits one second: this form takes three.
func TestSigtermLetsTheRequestInFlightFinish(t *testing.T) {
	dir, seanceID := durableInstance(t)
	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	token, err := (&FormTokens{BaseURL: srv.URL}).Get(seanceID)
	if err != nil {
		t.Fatal(err)
	}
	form := registrationForm(424242)
	form.Set("rendu", token)
	body := form.Encode()
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /ateliers/%s/inscription HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: %d\r\nConnection: close\r\n\r\n%s", seanceID, strings.TrimPrefix(srv.URL, "http://"), len(body), body[:len(body)/2])
	time.Sleep(300 * time.Millisecond) // the handler is reading the form
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	cmd := srv.cmd
	go func() { exited <- cmd.Wait() }()
	srv.cmd = &exec.Cmd{} // the deferred Stop must not wait a second time

	// New connections are refused at once…
	time.Sleep(300 * time.Millisecond)
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.URL, "http://"), time.Second); err == nil {
		c.Close()
		t.Error("the server still accepts connections after SIGTERM")
	}
	// …while the slow client finishes its form three seconds later.
	time.Sleep(2500 * time.Millisecond)
	select {
	case err := <-exited:
		t.Fatalf("the server exited with a request in flight: %v\n%s", err, srv.Logs())
	default:
	}
	if _, err := conn.Write([]byte(body[len(body)/2:])); err != nil {
		t.Fatalf("finish the form: %v", err)
	}
	status, err := bufio.NewReader(conn).ReadString('\n')
	if err != nil || !strings.Contains(status, "303") {
		t.Fatalf("answer to the request in flight: %q %v\n%s", status, err, srv.Logs())
	}
	select {
	case err := <-exited:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			t.Errorf("exit after SIGTERM: %v\n%s", err, srv.Logs())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit after the last request")
	}
	db := openDB(t, dir)
	defer db.ResetBootstrapState()
	person, err := db.FindFirstRecordByData("beneficiaires", "nom", "Personne-424242")
	if err != nil {
		t.Fatalf("the registration in flight was not saved: %v", err)
	}
	if n, _ := db.CountRecords("inscriptions", dbx.HashExp{"beneficiaire": person.Id, "seance": seanceID}); n != 1 {
		t.Fatalf("%d registrations saved, want 1", n)
	}
}
