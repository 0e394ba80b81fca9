package comptes

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/pocketbase/ozzo-validation/v4/is"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// An invitation is an account created inactive, with a random password
// nobody knows, and the SHA-256 of a random token (invitation_empreinte,
// a hidden field) with its end (invitation_expire). The e-mail's link
// /connexion/invitation/{token} lets the person choose a password; the
// account then becomes active and the invitation fields are emptied.
//
// Why a stored token rather than PocketBase's password-reset token: an
// invitation lasts 7 days, much longer than a reset link should; its end
// is shown on « Comptes »; resending it must kill the previous link and
// withdrawing it must kill the only one, without touching anything else.
// A stored hash does all of this with one field, the database never holds
// a working link (only its hash), and the reset links keep their own short
// life. The token has 130 random bits: a fast hash is enough.

// InvitationPath is the page the invitation e-mail links to.
const InvitationPath = "/connexion/invitation/"

// InvitationDuree is how long an invitation link works.
const InvitationDuree = 7 * 24 * time.Hour

// ChampEmailInvite is the e-mail field of the invitation form.
const ChampEmailInvite = "email"

// Invitation is what the « Inviter » form sends.
type Invitation struct {
	Email, Prenom, Nom, Role string
	Structures               []string
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newInvitation gives account a fresh link: any previous one stops working.
func newInvitation(app core.App, account *core.Record) (string, error) {
	token := rand.Text()
	expire, err := types.ParseDateTime(clock.Now(app).Add(InvitationDuree))
	if err != nil {
		return "", fmt.Errorf("invitation end: %w", err)
	}
	account.Set("invitation_empreinte", tokenHash(token))
	account.Set("invitation_expire", expire)
	return token, nil
}

// Invite creates the inactive account of an invited person on behalf of
// auth and sends the e-mail; sendErr is a failed e-mail (the invitation
// is saved: resending it tries again).
func Invite(app core.App, auth *core.Record, in Invitation) (account *core.Record, errs formulaire.Erreurs, sendErr error, err error) {
	if !MayManage(auth) {
		return nil, nil, nil, access.ErrForbidden
	}
	in.Email = strings.ToLower(strings.TrimSpace(in.Email))
	in.Prenom, in.Nom = strings.TrimSpace(in.Prenom), strings.TrimSpace(in.Nom)
	errs, err = checkRights(app, auth, in.Role, in.Structures)
	if err != nil {
		return nil, nil, nil, err
	}
	switch {
	case in.Email == "":
		errs[ChampEmailInvite] = "Indiquez l'adresse e-mail de la personne."
	case is.EmailFormat.Validate(in.Email) != nil:
		errs[ChampEmailInvite] = "Cette adresse e-mail n'est pas valide. Exemple : prenom.nom@exemple.fr"
	default:
		if _, err := app.FindAuthRecordByEmail("utilisateurs", in.Email); err == nil {
			errs[ChampEmailInvite] = "Un compte existe déjà avec cette adresse. S'il attend son invitation, renvoyez-la depuis la liste des comptes."
		}
	}
	if in.Prenom == "" {
		errs[ChampPrenom] = "Indiquez le prénom."
	}
	if in.Nom == "" {
		errs[ChampNom] = "Indiquez le nom."
	}
	if len(errs) > 0 {
		return nil, errs, nil, nil
	}
	collection, err := app.FindCachedCollectionByNameOrId("utilisateurs")
	if err != nil {
		return nil, nil, nil, fmt.Errorf("invite: %w", err)
	}
	account = core.NewRecord(collection)
	account.Load(map[string]any{"prenom": in.Prenom, "nom": in.Nom, "role": in.Role, "structures": in.Structures, "actif": false})
	account.SetEmail(in.Email)
	account.SetPassword(rand.Text())
	token, err := newInvitation(app, account)
	if err != nil {
		return nil, nil, nil, err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(account); err != nil {
			return fmt.Errorf("invite %s: %w", in.Role, err)
		}
		recordGrants(tx, app, auth, nil, account)
		return nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	return account, nil, sendInvitation(app, auth, account, token), nil
}

// ResendInvitation sends a new link (7 days again); the previous one stops
// working.
func ResendInvitation(app core.App, auth *core.Record, id string) (account *core.Record, sendErr error, err error) {
	account, err = managed(app, auth, id)
	if err != nil {
		return nil, nil, err
	}
	if !invited(account) {
		return nil, nil, model.ErrNotFound
	}
	token, err := newInvitation(app, account)
	if err != nil {
		return nil, nil, err
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(account); err != nil {
			return fmt.Errorf("resend the invitation of %s: %w", account.Id, err)
		}
		return logInvitation(tx, auth, account, "invitation renvoyée ; le lien précédent ne marche plus")
	})
	if err != nil {
		return nil, nil, err
	}
	return account, sendInvitation(app, auth, account, token), nil
}

// WithdrawInvitation deletes the account of an invitation not accepted
// yet: its link stops working, and the address may be invited again.
func WithdrawInvitation(app core.App, auth *core.Record, id string) (*core.Record, error) {
	account, err := managed(app, auth, id)
	if err != nil {
		return nil, err
	}
	if !invited(account) {
		return nil, model.ErrNotFound
	}
	err = app.RunInTransaction(func(tx core.App) error {
		if err := logInvitation(tx, auth, account, "invitation retirée ; le compte est supprimé"); err != nil {
			return err
		}
		if err := tx.Delete(account); err != nil {
			return fmt.Errorf("withdraw the invitation of %s: %w", account.Id, err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return account, nil
}

// CheckInvitation finds the invited account of a link that still works.
func CheckInvitation(app core.App, token string) (*core.Record, error) {
	if token == "" {
		return nil, ErrJetonInvalide
	}
	account, err := app.FindFirstRecordByData("utilisateurs", "invitation_empreinte", tokenHash(token))
	if err != nil || !invited(account) || !account.GetDateTime("invitation_expire").Time().After(clock.Now(app)) {
		return nil, ErrJetonInvalide
	}
	return account, nil
}

// AcceptInvitation sets the password the invited person chose: the
// account becomes active, its address counts as verified (the link came
// to it), and the link stops working. A conseiller still waits for the
// référent's confirmation before reading anyone.
func AcceptInvitation(app core.App, token, password, confirmation string) (*core.Record, formulaire.Erreurs, error) {
	account, err := CheckInvitation(app, token)
	if err != nil {
		return nil, nil, err
	}
	if errs := checkNewPassword(app, password, confirmation); len(errs) > 0 {
		return nil, errs, nil
	}
	before := account.Clone()
	account.SetPassword(password)
	account.SetVerified(true)
	account.Set("actif", true)
	account.Set("invitation_empreinte", "")
	account.Set("invitation_expire", "")
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(account); err != nil {
			return err
		}
		recordGrants(tx, app, account, before, account)
		return journal.LogAccount(tx, account, account, "Mot de passe choisi avec le lien d'invitation")
	})
	if err != nil {
		return nil, nil, fmt.Errorf("accept the invitation of %s: %w", account.Id, err)
	}
	return account, nil, nil
}

// invitationMail is the invitation e-mail.
type invitationMail struct {
	Prenom, Auteur, Role, Structures, Lien, Expire string
}

var invitationEmail = template.Must(template.New("invitation").Parse(`<!doctype html>
<html lang="fr"><body style="font-family: system-ui, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1b1b1b">
<p>Bonjour {{.Prenom}},</p>
<p>{{.Auteur}} vous invite à utiliser Atelier, comme {{.Role}}{{with .Structures}}, pour {{.}}{{end}}.</p>
<p>Choisissez votre mot de passe avec ce lien :<br><a href="{{.Lien}}">{{.Lien}}</a></p>
<p>Ce lien marche 7 jours, jusqu'au {{.Expire}}.<br>Ensuite, demandez une nouvelle invitation à {{.Auteur}}.</p>
<p>Vous ne vous attendiez pas à ce message ? Ne faites rien : aucun compte ne sera ouvert.</p>
<p>Bonne journée,<br>Atelier</p>
</body></html>`))

func (m invitationMail) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\n%s vous invite à utiliser Atelier, comme %s", m.Prenom, m.Auteur, m.Role)
	if m.Structures != "" {
		fmt.Fprintf(&b, ", pour %s", m.Structures)
	}
	fmt.Fprintf(&b, ".\n\nChoisissez votre mot de passe avec ce lien :\n%s\n\n", m.Lien)
	fmt.Fprintf(&b, "Ce lien marche 7 jours, jusqu'au %s.\nEnsuite, demandez une nouvelle invitation à %s.\n\n", m.Expire, m.Auteur)
	b.WriteString("Vous ne vous attendiez pas à ce message ? Ne faites rien : aucun compte ne sera ouvert.\n\nBonne journée,\nAtelier\n")
	return b.String()
}

// sendInvitation e-mails the link (from the Application URL). The message
// is recorded in envois like every other, for a retry after a failure:
// the hidden copy of its body holds the link until it is accepted,
// resent or withdrawn, as the personal links of registrations.
func sendInvitation(app core.App, auth, account *core.Record, token string) error {
	structures, err := structuresByID(app)
	if err != nil {
		return err
	}
	var names []string
	for _, id := range account.GetStringSlice("structures") {
		if s := structures[id]; s != nil {
			names = append(names, s.GetString("nom"))
		}
	}
	m := invitationMail{Prenom: account.GetString("prenom"),
		Auteur: strings.TrimSpace(auth.GetString("prenom") + " " + auth.GetString("nom")),
		Role:   strings.ToLower(referentiel.Roles.Label(account.GetString("role"))), Structures: strings.Join(names, ", "),
		Lien:   envois.InstanceURL(app) + InvitationPath + token,
		Expire: frfmt.DateHeure(frfmt.In(account.GetDateTime("invitation_expire").Time(), zoneOf(structures, account)))}
	var html bytes.Buffer
	if err := invitationEmail.Execute(&html, m); err != nil {
		return fmt.Errorf("render the invitation: %w", err)
	}
	structure := ""
	if ids := account.GetStringSlice("structures"); len(ids) > 0 {
		structure = ids[0]
	}
	n := envois.Notification{Structure: structure, Evenement: "invitation_compte", Cible: account.Id,
		Destinataire: account.Email(), Objet: envois.Objet("Invitation à Atelier de la part de ", m.Auteur, ""),
		HTML: html.String(), Texte: m.text()}
	if err := envois.SendEmail(app, n); err != nil {
		app.Logger().Warn("invitation e-mail", "compte", account.Id, "error", err)
		return err
	}
	return nil
}
