package pb_migrations

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/referentiel"
)

// The links of the account e-mails open Atelier's own pages, in French
// (/connexion/…), instead of PocketBase's administration (/_/#/auth/…),
// where staff have nothing to do. A template an administrator changed is
// left as it is. Staff change their password and address on « Mon
// compte »: the journal has an action for it, and those forms and the
// links' pages are limited per IP.
func init() {
	m.Register(func(app core.App) error {
		if err := moveAccountLinks(app, true); err != nil {
			return err
		}
		if err := setSelectValues(app, "journal", "action", referentiel.ActionsJournal); err != nil {
			return err
		}
		return addRateLimits(app, accountRateLimits)
	}, func(app core.App) error {
		if err := removeRateLimits(app, accountRateLimits); err != nil {
			return err
		}
		return moveAccountLinks(app, false)
	})
}

// accountRateLimits: a person follows a link of an e-mail a few times at
// most; guessing a current password on « Mon compte » is as slow as on
// the sign-in form.
var accountRateLimits = []core.RateLimitRule{
	{Label: "/connexion/", MaxRequests: 30, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
	{Label: "POST /espace/compte/", MaxRequests: 10, Duration: 60, Audience: core.RateLimitRuleAudienceAll},
}

// accountLinkMoves are the links of 1763900017's French templates and the
// Atelier pages that replace them.
var accountLinkMoves = []struct{ admin, atelier string }{
	{"/_/#/auth/confirm-password-reset/", "/connexion/nouveau-mot-de-passe/"},
	{"/_/#/auth/confirm-verification/", "/connexion/verifier/"},
	{"/_/#/auth/confirm-email-change/", "/connexion/changer-email/"},
}

func moveAccountLinks(app core.App, toAtelier bool) error {
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("account links: %w", err)
	}
	// The French templates as 1763900017 wrote them, with one link each.
	french := []struct {
		current *core.EmailTemplate
		sent    core.EmailTemplate
	}{
		{&utilisateurs.ResetPasswordTemplate, frenchTemplate("Nouveau mot de passe pour {APP_NAME}",
			"Vous avez demandé un nouveau mot de passe pour votre compte {APP_NAME}.",
			"Choisissez-le avec ce lien, qui ne sert qu'une fois :<br>"+accountLink(accountLinkMoves[0].admin),
			"Vous n'avez rien demandé ? Ne faites rien : votre mot de passe ne change pas.")},
		{&utilisateurs.VerificationTemplate, frenchTemplate("Confirmez votre adresse e-mail pour {APP_NAME}",
			"Un compte {APP_NAME} utilise cette adresse e-mail.",
			"Confirmez qu'elle est bien à vous avec ce lien :<br>"+accountLink(accountLinkMoves[1].admin),
			"Vous ne connaissez pas {APP_NAME} ? Ne faites rien.")},
		{&utilisateurs.ConfirmEmailChangeTemplate, frenchTemplate("Confirmez votre nouvelle adresse e-mail pour {APP_NAME}",
			"Vous avez demandé à changer l'adresse e-mail de votre compte {APP_NAME}.",
			"Confirmez la nouvelle adresse avec ce lien :<br>"+accountLink(accountLinkMoves[2].admin),
			"Vous n'avez rien demandé ? Ne faites rien : votre adresse ne change pas.")},
	}
	for i, t := range french {
		move := accountLinkMoves[i]
		moved := core.EmailTemplate{Subject: t.sent.Subject,
			Body: strings.ReplaceAll(t.sent.Body, "{APP_URL}"+move.admin, "{APP_URL}"+move.atelier)}
		from, to := t.sent, moved
		if !toAtelier {
			from, to = to, from
		}
		if *t.current == from {
			*t.current = to
		}
	}
	if err := app.Save(utilisateurs); err != nil {
		return fmt.Errorf("account links: %w", err)
	}
	return nil
}
