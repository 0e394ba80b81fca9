package pb_migrations

import (
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// The staff account e-mails are French; a template an administrator
// changed is kept, going up or down.
func TestAccountEmailsInFrenchUnlessCustomised(t *testing.T) {
	app := newApp(t)
	find := func() *core.Collection {
		c, err := app.FindCollectionByNameOrId("utilisateurs")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := find()
	for _, tpl := range []core.EmailTemplate{c.ResetPasswordTemplate, c.VerificationTemplate, c.ConfirmEmailChangeTemplate, c.AuthAlert.EmailTemplate} {
		if !strings.Contains(tpl.Body, "Bonjour {RECORD:prenom}") || strings.Contains(tpl.Subject, "your") {
			t.Errorf("not French: %q", tpl.Subject)
		}
	}
	// 1763900021 moved the links to Atelier's pages; back to 1763900017's.
	if !strings.Contains(c.ResetPasswordTemplate.Body, `href="{APP_URL}/connexion/nouveau-mot-de-passe/{TOKEN}"`) {
		t.Errorf("reset link: %s", c.ResetPasswordTemplate.Body)
	}
	if err := moveAccountLinks(app, false); err != nil {
		t.Fatal(err)
	}
	c = find()
	if !strings.Contains(c.ResetPasswordTemplate.Body, `href="{APP_URL}/_/#/auth/confirm-password-reset/{TOKEN}"`) {
		t.Errorf("reset link: %s", c.ResetPasswordTemplate.Body)
	}

	if err := setAccountEmails(app, false); err != nil {
		t.Fatal(err)
	}
	c = find()
	if !strings.HasPrefix(c.ResetPasswordTemplate.Subject, "Reset your") {
		t.Fatalf("down: %q", c.ResetPasswordTemplate.Subject)
	}
	c.ResetPasswordTemplate.Subject = "Mot de passe de la Coop"
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	if err := setAccountEmails(app, true); err != nil {
		t.Fatal(err)
	}
	c = find()
	if c.ResetPasswordTemplate.Subject != "Mot de passe de la Coop" {
		t.Errorf("customised template replaced: %q", c.ResetPasswordTemplate.Subject)
	}
	if c.AuthAlert.EmailTemplate.Subject != "Connexion à {APP_NAME} depuis un nouvel appareil" {
		t.Errorf("default template left in English: %q", c.AuthAlert.EmailTemplate.Subject)
	}
}

// The links of the account e-mails open Atelier's pages; a template an
// administrator changed keeps its own link, going up or down.
func TestAccountLinksOpenAtelierPagesUnlessCustomised(t *testing.T) {
	app := newApp(t)
	find := func() *core.Collection {
		c, err := app.FindCollectionByNameOrId("utilisateurs")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := find()
	for path, tpl := range map[string]core.EmailTemplate{
		"/connexion/nouveau-mot-de-passe/": c.ResetPasswordTemplate,
		"/connexion/verifier/":             c.VerificationTemplate,
		"/connexion/changer-email/":        c.ConfirmEmailChangeTemplate,
	} {
		if !strings.Contains(tpl.Body, `href="{APP_URL}`+path+`{TOKEN}"`) || strings.Contains(tpl.Body, "/_/") {
			t.Errorf("%s: %s", path, tpl.Body)
		}
	}
	c.VerificationTemplate.Body = strings.ReplaceAll(c.VerificationTemplate.Body, "Bonjour", "Bienvenue")
	if err := app.Save(c); err != nil {
		t.Fatal(err)
	}
	customised := c.VerificationTemplate
	if err := moveAccountLinks(app, false); err != nil {
		t.Fatal(err)
	}
	c = find()
	if c.VerificationTemplate != customised {
		t.Errorf("customised template changed going down: %s", c.VerificationTemplate.Body)
	}
	if !strings.Contains(c.ConfirmEmailChangeTemplate.Body, "{APP_URL}/_/#/auth/confirm-email-change/{TOKEN}") {
		t.Errorf("down: %s", c.ConfirmEmailChangeTemplate.Body)
	}
}
