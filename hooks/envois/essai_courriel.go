package envois

import (
	"crypto/tls"
	"errors"
	"fmt"
	"html"
	"net"
	"net/mail"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/tools/mailer"
)

// ServeurSMTP is an e-mail server as typed on the installation page.
type ServeurSMTP struct {
	Hote        string
	Port        int
	Utilisateur string
	MotDePasse  string
	TLS         bool // TLS from the start (port 465); otherwise STARTTLS when the server offers it
	Expediteur  mail.Address
}

// ErrSMTPInjoignable: nothing answers at the server's address and port.
var ErrSMTPInjoignable = errors.New("smtp server unreachable")

// smtpDialTimeout: a wrong address is told in seconds, not after the
// system's connection timeout of about two minutes.
const smtpDialTimeout = 10 * time.Second

// SendTestEmail sends the test e-mail through s, not through the stored
// settings: the person checks what they typed before it counts. It is not
// recorded in envois (no person, no structure).
func SendTestEmail(s ServeurSMTP, instance, destinataire string) error {
	address := net.JoinHostPort(s.Hote, strconv.Itoa(s.Port))
	conn, err := net.DialTimeout("tcp", address, smtpDialTimeout)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrSMTPInjoignable, err)
	}
	conn.Close()
	objet := Objet("E-mail d'essai : ", instance, "")
	texte := "Bonjour,\n\nCet e-mail d'essai vient de l'installation d'Atelier (" + instance + ").\n" +
		"Si vous le lisez, les e-mails partent bien.\n"
	corps := "<p>Bonjour,</p>\n<p>Cet e-mail d'essai vient de l'installation d'Atelier (" + html.EscapeString(instance) + ").</p>\n" +
		"<p>Si vous le lisez, les e-mails partent bien.</p>"
	client := &mailer.SMTPClient{Host: s.Hote, Port: s.Port, Username: s.Utilisateur, Password: s.MotDePasse, TLS: s.TLS}
	err = client.Send(&mailer.Message{From: s.Expediteur, To: []mail.Address{{Address: destinataire}},
		Subject: objet, HTML: DocumentHTML(corps, objet), Text: texte})
	if err != nil {
		return fmt.Errorf("send the test e-mail: %w", err)
	}
	return nil
}

// MessageErreurSMTP says in French why the test e-mail did not leave, and
// what to check. The server's own answer, when there is one, follows.
func MessageErreurSMTP(err error) string {
	var proto *textproto.Error
	var record tls.RecordHeaderError
	switch {
	case errors.Is(err, ErrSMTPInjoignable):
		return "Aucun serveur d'envoi ne répond à cette adresse et ce port. Vérifiez-les."
	case errors.As(err, &record) || strings.Contains(err.Error(), "tls:"):
		return "La connexion chiffrée a échoué. Le port 465 demande « TLS dès la connexion », le port 587 non."
	case strings.Contains(err.Error(), "unencrypted connection"):
		return "Le serveur ne propose pas de connexion chiffrée : le mot de passe n'a pas été envoyé. Essayez le port 465 avec « TLS dès la connexion »."
	case errors.As(err, &proto) && (proto.Code == 535 || proto.Code == 534 || proto.Code == 530):
		return "Le serveur refuse l'identifiant ou le mot de passe."
	case errors.As(err, &proto):
		return fmt.Sprintf("Le serveur a refusé l'e-mail. Sa réponse : %d %s", proto.Code, proto.Msg)
	}
	return "L'e-mail n'est pas parti. Vérifiez le serveur, le port et l'identifiant."
}
