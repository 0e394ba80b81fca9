package e2e

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// MailCatcher is a real SMTP server on loopback that keeps every message it
// receives, so that tests read what Atelier really sent over SMTP.
type MailCatcher struct {
	Host string
	Port int

	server   *smtp.Server
	mu       sync.Mutex
	messages []Mail
	delay    time.Duration
}

// SetDelay makes the server take d to accept each message: a slow mail
// server.
func (c *MailCatcher) SetDelay(d time.Duration) {
	c.mu.Lock()
	c.delay = d
	c.mu.Unlock()
}

// Mail is one received message, decoded.
type Mail struct {
	From    string
	To      []string
	Subject string
	Text    string // the text/plain part (or the whole body), decoded
	HTML    string // the text/html part, decoded
	// AuthUser and AuthPassword were given with AUTH PLAIN, if the
	// client signed in (mailcatcher_auth.go).
	AuthUser, AuthPassword string
}

// StartMailCatcher listens on a free loopback port.
func StartMailCatcher() (*MailCatcher, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("mail catcher: %w", err)
	}
	c := &MailCatcher{Host: "127.0.0.1", Port: l.Addr().(*net.TCPAddr).Port}
	c.server = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &catcherSession{catcher: c}, nil
	}))
	c.server.Domain = "localhost"
	c.server.AllowInsecureAuth = true
	c.server.ReadTimeout = 10 * time.Second
	c.server.WriteTimeout = 10 * time.Second
	go c.server.Serve(l)
	return c, nil
}

// Close stops the server.
func (c *MailCatcher) Close() error { return c.server.Close() }

// Messages returns a copy of what arrived so far.
func (c *MailCatcher) Messages() []Mail {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Mail(nil), c.messages...)
}

// WaitFor returns the first message matching match, waiting up to timeout.
func (c *MailCatcher) WaitFor(timeout time.Duration, match func(Mail) bool) (Mail, bool) {
	deadline := time.Now().Add(timeout)
	for {
		for _, m := range c.Messages() {
			if match(m) {
				return m, true
			}
		}
		if time.Now().After(deadline) {
			return Mail{}, false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

type catcherSession struct {
	catcher    *MailCatcher
	from       string
	to         []string
	user, pass string
}

func (s *catcherSession) Reset()        { s.from, s.to = "", nil }
func (s *catcherSession) Logout() error { return nil }
func (s *catcherSession) AuthPlain(string, string) error {
	return nil
}
func (s *catcherSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *catcherSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *catcherSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := decodeMail(raw)
	if err != nil {
		return err
	}
	m.From, m.To = s.from, s.to
	m.AuthUser, m.AuthPassword = s.user, s.pass
	s.catcher.mu.Lock()
	delay := s.catcher.delay
	s.catcher.mu.Unlock()
	time.Sleep(delay)
	s.catcher.mu.Lock()
	s.catcher.messages = append(s.catcher.messages, m)
	s.catcher.mu.Unlock()
	return nil
}

func decodeMail(raw []byte) (Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Mail{}, fmt.Errorf("read message: %w", err)
	}
	var m Mail
	dec := new(mime.WordDecoder)
	if m.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		m.Subject = msg.Header.Get("Subject")
	}
	err = walkParts(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body, &m)
	return m, err
}

func walkParts(contentType, encoding string, body io.Reader, m *Mail) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mediaType = "text/plain"
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read part: %w", err)
			}
			if err := walkParts(part.Header.Get("Content-Type"), part.Header.Get("Content-Transfer-Encoding"), part, m); err != nil {
				return err
			}
		}
	}
	if strings.EqualFold(encoding, "quoted-printable") {
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	if mediaType == "text/html" {
		m.HTML += string(b)
	} else {
		m.Text += string(b)
	}
	return nil
}

// SentTo matches a message to the single recipient to whose subject holds subject.
func SentTo(to, subject string) func(Mail) bool {
	return func(m Mail) bool {
		return len(m.To) == 1 && m.To[0] == to && strings.Contains(m.Subject, subject)
	}
}
