package comptes

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tools/security"

	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
)

// ErrJetonInvalide is a link of an e-mail that no longer works: expired,
// already used, made before the password or the address changed, or forged.
var ErrJetonInvalide = errors.New("invalid or expired account link")

// Form fields of the password and e-mail forms, shared with the pages.
const (
	ChampActuel       = "mot_de_passe_actuel"
	ChampNouveau      = "nouveau_mot_de_passe"
	ChampConfirmation = "confirmation"
	ChampEmail        = "email"
	ChampMotDePasse   = "mot_de_passe"
)

// PasswordMin is the shortest password the accounts accept (the password
// field's own rule, which an administrator may change in /_/).
func PasswordMin(app core.App) int {
	if c, err := app.FindCachedCollectionByNameOrId("utilisateurs"); err == nil {
		if f, ok := c.Fields.GetByName(core.FieldNamePassword).(*core.PasswordField); ok && f.Min > 0 {
			return f.Min
		}
	}
	return 8
}

// checkNewPassword says, next to each field, what is wrong with a new
// password typed twice.
func checkNewPassword(app core.App, password, confirmation string) formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	min := PasswordMin(app)
	switch n := utf8.RuneCountInString(password); {
	case password == "":
		errs[ChampNouveau] = "Choisissez un nouveau mot de passe."
	case n < min:
		errs[ChampNouveau] = fmt.Sprintf("Le mot de passe est trop court : %d caractères au moins.", min)
	case len(password) > 71: // bcrypt reads 72 bytes at most
		errs[ChampNouveau] = "Le mot de passe est trop long : 70 caractères au plus, moins avec des accents."
	case confirmation != password:
		errs[ChampConfirmation] = "Les deux mots de passe sont différents. Tapez le même deux fois."
	}
	return errs
}

// staffOfToken is the active staff account a link of an e-mail was made
// for, checked by PocketBase (signature with the account's keys, expiry,
// kind of link).
func staffOfToken(app core.App, token, kind string) (*core.Record, error) {
	if token == "" {
		return nil, ErrJetonInvalide
	}
	staff, err := app.FindAuthRecordByToken(token, kind)
	if err != nil || staff.Collection().Name != "utilisateurs" || !staff.GetBool("actif") {
		return nil, ErrJetonInvalide
	}
	return staff, nil
}

// CheckResetLink finds the account of a « mot de passe oublié » link.
func CheckResetLink(app core.App, token string) (*core.Record, error) {
	return staffOfToken(app, token, core.TokenTypePasswordReset)
}

// ResetPassword sets the password chosen from a « mot de passe oublié »
// link, as PocketBase's confirm-password-reset does: the link then stops
// working and every session of the account ends (new token key). The
// address counts as verified when the link went to the current one.
func ResetPassword(app core.App, token, password, confirmation string) (*core.Record, formulaire.Erreurs, error) {
	staff, err := CheckResetLink(app, token)
	if err != nil {
		return nil, nil, err
	}
	if errs := checkNewPassword(app, password, confirmation); len(errs) > 0 {
		return nil, errs, nil
	}
	staff.SetPassword(password)
	if !staff.Verified() {
		if claims, err := security.ParseUnverifiedJWT(token); err == nil && claims[core.TokenClaimEmail] == staff.Email() {
			staff.SetVerified(true)
		}
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(staff); err != nil {
			return err
		}
		return journal.LogAccount(tx, staff, staff, "Nouveau mot de passe choisi avec le lien « mot de passe oublié »")
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reset the password of %s: %w", staff.Id, err)
	}
	return staff, nil, nil
}

// ChangePassword changes the password of the signed-in account, which
// gives its current one. Every token of the account stops working (new
// token key): the caller gives the current session a new one.
func ChangePassword(app core.App, staff *core.Record, current, password, confirmation string) (formulaire.Erreurs, error) {
	if !staff.ValidatePassword(current) {
		return formulaire.Erreurs{ChampActuel: "Ce n'est pas votre mot de passe actuel."}, nil
	}
	if errs := checkNewPassword(app, password, confirmation); len(errs) > 0 {
		return errs, nil
	}
	staff.SetPassword(password)
	err := app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(staff); err != nil {
			return err
		}
		return journal.LogAccount(tx, staff, staff, "Mot de passe changé depuis « Mon compte » ; les autres connexions sont fermées")
	})
	if err != nil {
		return nil, fmt.Errorf("change the password of %s: %w", staff.Id, err)
	}
	return nil, nil
}

// RequestEmailChange sends the confirmation link to the new address;
// nothing changes until it is followed (ConfirmEmailChange).
func RequestEmailChange(app core.App, staff *core.Record, email string) (formulaire.Erreurs, error) {
	email = strings.TrimSpace(strings.ToLower(email))
	switch {
	case email == "":
		return formulaire.Erreurs{ChampEmail: "Indiquez la nouvelle adresse e-mail."}, nil
	case is.EmailFormat.Validate(email) != nil:
		return formulaire.Erreurs{ChampEmail: "Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr"}, nil
	case email == staff.Email():
		return formulaire.Erreurs{ChampEmail: "C'est déjà l'adresse de votre compte."}, nil
	}
	if _, err := app.FindAuthRecordByEmail("utilisateurs", email); err == nil {
		return formulaire.Erreurs{ChampEmail: "Un autre compte utilise déjà cette adresse."}, nil
	}
	if err := mails.SendRecordChangeEmail(app, staff, email); err != nil {
		return nil, fmt.Errorf("send the e-mail change link of %s: %w", staff.Id, err)
	}
	if err := journal.LogAccount(app, staff, staff, "Changement d'adresse e-mail demandé ; lien envoyé à la nouvelle adresse"); err != nil {
		return nil, err
	}
	return nil, nil
}

// CheckEmailChangeLink finds the account and the new address of an
// e-mail change link.
func CheckEmailChangeLink(app core.App, token string) (*core.Record, string, error) {
	claims, _ := security.ParseUnverifiedJWT(token)
	email, _ := claims[core.TokenClaimNewEmail].(string)
	if email == "" {
		return nil, "", ErrJetonInvalide
	}
	staff, err := staffOfToken(app, token, core.TokenTypeEmailChange)
	if err != nil {
		return nil, "", err
	}
	return staff, email, nil
}

// ConfirmEmailChange gives the account its new address, as PocketBase's
// confirm-email-change does: the password is asked again, and every
// session ends (new token key).
func ConfirmEmailChange(app core.App, token, password string) (*core.Record, formulaire.Erreurs, error) {
	staff, email, err := CheckEmailChangeLink(app, token)
	if err != nil {
		return nil, nil, err
	}
	if !staff.ValidatePassword(password) {
		return nil, formulaire.Erreurs{ChampMotDePasse: "Ce n'est pas le mot de passe de ce compte."}, nil
	}
	if _, err := app.FindAuthRecordByEmail("utilisateurs", email); err == nil {
		return nil, formulaire.Erreurs{"": "Un autre compte utilise déjà cette adresse. Rien n'a changé."}, nil
	}
	staff.SetEmail(email)
	staff.SetVerified(true)
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(staff); err != nil {
			return err
		}
		return journal.LogAccount(tx, staff, staff, "Nouvelle adresse e-mail confirmée")
	})
	if err != nil {
		return nil, nil, fmt.Errorf("confirm the e-mail change of %s: %w", staff.Id, err)
	}
	return staff, nil, nil
}

// VerifyEmail marks the address of the account as checked, from the link
// sent to it; a link for an address the account no longer has does not.
func VerifyEmail(app core.App, token string) (*core.Record, error) {
	staff, err := staffOfToken(app, token, core.TokenTypeVerification)
	if err != nil {
		return nil, err
	}
	claims, err := security.ParseUnverifiedJWT(token)
	if err != nil || claims[core.TokenClaimEmail] != staff.Email() {
		return nil, ErrJetonInvalide
	}
	if staff.Verified() {
		return staff, nil
	}
	staff.SetVerified(true)
	if err := app.Save(staff); err != nil {
		return nil, fmt.Errorf("verify the e-mail of %s: %w", staff.Id, err)
	}
	return staff, nil
}
