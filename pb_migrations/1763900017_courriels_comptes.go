package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The e-mails PocketBase sends to staff accounts (new password, sign-in
// from a new device, address checks) speak French like the rest of
// Atelier: a short subject, an HTML document with its title, links from
// the Application URL ({APP_URL}). PocketBase's SMTP client writes their
// plain-text part from the HTML.
func init() {
	m.Register(func(app core.App) error {
		return setAccountEmails(app, true)
	}, func(app core.App) error {
		return setAccountEmails(app, false)
	})
}

// accountEmail is the body PocketBase puts in its own layout; the
// application's mailer hook (envois.RegisterCourriels) gives that layout
// lang="fr" and the subject as <title>.
func accountEmail(paragraphs ...string) string {
	body := "<p>Bonjour {RECORD:prenom},</p>\n"
	for _, p := range paragraphs {
		body += "<p>" + p + "</p>\n"
	}
	return body + "<p>Bonne journée,<br>{APP_NAME}</p>"
}

func accountLink(path string) string {
	url := "{APP_URL}" + path + "{TOKEN}"
	return `<a href="` + url + `">` + url + `</a>`
}

// setAccountEmails puts the French templates in place of PocketBase's
// defaults (or back); a template an administrator already changed in /_/
// is left as it is.
func setAccountEmails(app core.App, french bool) error {
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("account e-mails: %w", err)
	}
	defaults := core.NewAuthCollection("defaults")
	templates := []struct {
		current          *core.EmailTemplate
		original, french core.EmailTemplate
	}{
		{&utilisateurs.ResetPasswordTemplate, defaults.ResetPasswordTemplate, frenchTemplate("Nouveau mot de passe pour {APP_NAME}",
			"Vous avez demandé un nouveau mot de passe pour votre compte {APP_NAME}.",
			"Choisissez-le avec ce lien, qui ne sert qu'une fois :<br>"+accountLink("/_/#/auth/confirm-password-reset/"),
			"Vous n'avez rien demandé ? Ne faites rien : votre mot de passe ne change pas.")},
		{&utilisateurs.VerificationTemplate, defaults.VerificationTemplate, frenchTemplate("Confirmez votre adresse e-mail pour {APP_NAME}",
			"Un compte {APP_NAME} utilise cette adresse e-mail.",
			"Confirmez qu'elle est bien à vous avec ce lien :<br>"+accountLink("/_/#/auth/confirm-verification/"),
			"Vous ne connaissez pas {APP_NAME} ? Ne faites rien.")},
		{&utilisateurs.ConfirmEmailChangeTemplate, defaults.ConfirmEmailChangeTemplate, frenchTemplate("Confirmez votre nouvelle adresse e-mail pour {APP_NAME}",
			"Vous avez demandé à changer l'adresse e-mail de votre compte {APP_NAME}.",
			"Confirmez la nouvelle adresse avec ce lien :<br>"+accountLink("/_/#/auth/confirm-email-change/"),
			"Vous n'avez rien demandé ? Ne faites rien : votre adresse ne change pas.")},
		{&utilisateurs.AuthAlert.EmailTemplate, defaults.AuthAlert.EmailTemplate, frenchTemplate("Connexion à {APP_NAME} depuis un nouvel appareil",
			"Quelqu'un vient de se connecter à votre compte {APP_NAME} depuis un nouvel appareil :",
			"<em>{ALERT_INFO}</em>",
			"C'était vous ? Ne faites rien.",
			"Ce n'était pas vous ? Changez tout de suite votre mot de passe : les autres connexions seront fermées.")},
	}
	for _, t := range templates {
		from, to := t.original, t.french
		if !french {
			from, to = to, from
		}
		if *t.current == from {
			*t.current = to
		}
	}
	if err := app.Save(utilisateurs); err != nil {
		return fmt.Errorf("account e-mails: %w", err)
	}
	return nil
}

func frenchTemplate(subject string, paragraphs ...string) core.EmailTemplate {
	return core.EmailTemplate{Subject: subject, Body: accountEmail(paragraphs...)}
}
