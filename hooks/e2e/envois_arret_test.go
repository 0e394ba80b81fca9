package e2e

import (
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
)

// A registration's message is recorded with it and leaves after the
// answer: a slow mail server never delays the person, a stop (SIGTERM)
// sends what is queued before exiting, and after a kill -9 the message
// waits in envois for the retry job.

// useSMTP points the instance in dir at host:port.
func useSMTP(t *testing.T, dir, host string, port int) {
	t.Helper()
	db := openDB(t, dir)
	defer db.ResetBootstrapState()
	settings := db.Settings()
	settings.SMTP.Enabled = true
	settings.SMTP.Host = host
	settings.SMTP.Port = port
	settings.Meta.SenderAddress = "ateliers@demo.atelier.test"
	if err := db.Save(settings); err != nil {
		t.Fatal(err)
	}
}

// registerWithEmail posts the public form for a new person with this
// e-mail and returns how long the answer took.
func registerWithEmail(t *testing.T, srv *Server, seanceID, email string, n int64) time.Duration {
	t.Helper()
	token, err := (&FormTokens{BaseURL: srv.URL}).Get(seanceID)
	if err != nil {
		t.Fatal(err)
	}
	form := registrationForm(n)
	form.Set("rendu", token)
	form.Set("email", email)
	client := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	begin := time.Now()
	res, err := client.PostForm(srv.URL+"/ateliers/"+seanceID+"/inscription", form)
	took := time.Since(begin)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("registration: %s\n%s", res.Status, srv.Logs())
	}
	return took
}

// envoiOf is the status of the message to email and whether its copy is kept.
func envoiOf(t *testing.T, dir, email string) (statut string, copie bool) {
	t.Helper()
	db := openDB(t, dir)
	defer db.ResetBootstrapState()
	var row struct {
		Statut string `db:"statut"`
		HTML   string `db:"html"`
	}
	err := db.DB().NewQuery("SELECT statut, html FROM envois WHERE destinataire = {:to}").
		Bind(dbx.Params{"to": email}).One(&row)
	if err != nil {
		return "", false
	}
	return row.Statut, row.HTML != ""
}

func TestSigtermSendsTheQueuedMessages(t *testing.T) {
	dir, seanceID := durableInstance(t)
	catcher, err := StartMailCatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()
	const slow = 4 * time.Second
	catcher.SetDelay(slow)
	useSMTP(t, dir, catcher.Host, catcher.Port)
	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	const email = "arret.propre@example.org"
	if took := registerWithEmail(t, srv, seanceID, email, 515151); took >= slow {
		t.Errorf("the answer waited for the mail server: %s", took)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	cmd := srv.cmd
	go func() { exited <- cmd.Wait() }()
	srv.cmd = &exec.Cmd{} // the deferred Stop must not wait a second time
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("exit after SIGTERM: %v\n%s", err, srv.Logs())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not exit")
	}
	if _, ok := catcher.WaitFor(time.Second, func(m Mail) bool { return len(m.To) == 1 && m.To[0] == email }); !ok {
		t.Fatalf("the queued message did not leave before the exit\n%s", srv.Logs())
	}
	if statut, _ := envoiOf(t, dir, email); statut != "envoye" {
		t.Errorf("message recorded %q after the stop, want envoye", statut)
	}
}

func TestKill9LeavesTheMessageToTheRetryJob(t *testing.T) {
	dir, seanceID := durableInstance(t)
	// A mail server that accepts connections and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	useSMTP(t, dir, "127.0.0.1", silent.Addr().(*net.TCPAddr).Port)
	srv, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	const email = "arret.brutal@example.org"
	registerWithEmail(t, srv, seanceID, email, 616161)
	if statut, copie := envoiOf(t, dir, email); statut != "en_attente" || !copie {
		t.Fatalf("message recorded %q (copy kept: %v), want en_attente with its copy", statut, copie)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = srv.cmd.Wait()

	// Later (the retry job takes a message « en_attente » for a quarter of
	// an hour as abandoned), the server starts again with a mail server
	// that answers.
	db := openDB(t, dir)
	_, err = db.DB().NewQuery("UPDATE envois SET updated = {:then} WHERE destinataire = {:to}").Bind(dbx.Params{
		"then": time.Now().UTC().Add(-20 * time.Minute).Format("2006-01-02 15:04:05.000Z"), "to": email}).Execute()
	db.ResetBootstrapState()
	if err != nil {
		t.Fatal(err)
	}
	catcher, err := StartMailCatcher()
	if err != nil {
		t.Fatal(err)
	}
	defer catcher.Close()
	useSMTP(t, dir, catcher.Host, catcher.Port)
	again, err := Start(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Stop()
	m, ok := catcher.WaitFor(30*time.Second, func(m Mail) bool { return len(m.To) == 1 && m.To[0] == email })
	if !ok {
		t.Fatalf("the message left by kill -9 was not sent again\n%s", again.Logs())
	}
	if !strings.Contains(m.Subject, "Inscription confirmée") && !strings.Contains(m.Subject, "Liste d'attente") {
		t.Errorf("subject %q", m.Subject)
	}
}
