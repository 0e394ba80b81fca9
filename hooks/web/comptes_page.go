package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/comptes"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/model"
)

// RegisterAccountPages: « Comptes », where référents (their structures'
// conseillers and référents) and coordinateurs (everyone) invite staff,
// deactivate and reactivate accounts, change roles and structures, and
// where a structure's référent confirms the accounts that may read its
// people (comptes).
func RegisterAccountPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/comptes", pe.Page(accountsHandler(pe)))
	g.POST("/comptes/confirmer", pe.Page(confirmAccountHandler))
	g.POST("/comptes/inviter", pe.Page(inviteHandler(pe)))
	g.GET("/comptes/{id}", pe.Page(accountHandler(pe)))
	g.POST("/comptes/{id}/droits", pe.Page(changeRightsHandler(pe)))
	g.POST("/comptes/{id}/renvoyer", pe.Page(resendInvitationHandler))
	for _, a := range accountActions {
		g.GET("/comptes/{id}/"+a.path, pe.Page(confirmActionHandler(pe, a)))
		g.POST("/comptes/{id}/"+a.path, pe.Page(accountActionHandler(a)))
	}
}

type comptesData struct {
	EnAttente  []comptes.EnAttente
	Referent   bool // the page shows the accounts to confirm
	Confirme   bool // the référent was confirmed for a structure at least
	Comptes    []comptes.Compte
	Form       comptes.Invitation
	Errors     formulaire.Erreurs
	Roles      []formulaire.Option
	Structures []formulaire.Option
}

func (pe *pageEngine) renderAccounts(e *core.RequestEvent, status int, data comptesData) error {
	if !comptes.MayManage(e.Auth) {
		return access.ErrForbidden
	}
	var err error
	if data.Comptes, err = comptes.List(e.App, e.Auth); err != nil {
		return err
	}
	if data.Referent = comptes.MayConfirm(e.Auth); data.Referent {
		if data.EnAttente, err = comptes.PendingFor(e.App, e.Auth); err != nil {
			return err
		}
		data.Confirme = comptes.Confirmed(e.Auth)
	}
	data.Roles = comptes.RoleOptions(e.Auth)
	if data.Structures, err = comptes.StructureOptions(e.App, e.Auth); err != nil {
		return err
	}
	if data.Form.Role == "" {
		data.Form.Role = "conseiller"
	}
	return pe.render(e, status, "comptes", "Comptes", data)
}

func accountsHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return pe.renderAccounts(e, http.StatusOK, comptesData{})
	}
}

func confirmAccountHandler(e *core.RequestEvent) error {
	if !comptes.MayConfirm(e.Auth) {
		return access.ErrForbidden
	}
	account, err := comptes.Confirm(e.App, e.Auth, formText(e, "compte"), formText(e, "structure"))
	if err != nil {
		return err
	}
	name := strings.TrimSpace(account.GetString("prenom") + " " + account.GetString("nom"))
	return redirectWithFlash(e, comptes.PagePath, "Compte confirmé : "+name+" voit maintenant les personnes de la structure.")
}

func inviteHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !comptes.MayManage(e.Auth) {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return apis.NewBadRequestError("", err)
		}
		in := comptes.Invitation{Email: formText(e, comptes.ChampEmailInvite), Prenom: formText(e, comptes.ChampPrenom),
			Nom: formText(e, comptes.ChampNom), Role: formText(e, comptes.ChampRole),
			Structures: formList(e.Request.PostForm, comptes.ChampStructures)}
		account, errs, sendErr, err := comptes.Invite(e.App, e.Auth, in)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return pe.renderAccounts(e, http.StatusUnprocessableEntity, comptesData{Form: in, Errors: errs})
		}
		return redirectWithFlash(e, comptes.PagePath, invitationFlash(account, sendErr))
	}
}

func invitationFlash(account *core.Record, sendErr error) string {
	if sendErr != nil {
		return "L'invitation est enregistrée, mais l'e-mail n'a pas pu partir. Réessayez plus tard avec « Renvoyer l'invitation »."
	}
	return "Invitation envoyée à " + account.Email() + ". Le lien marche 7 jours."
}

// gestionData is one account's page.
type gestionData struct {
	Compte     comptes.Compte
	Errors     formulaire.Erreurs
	Role       string
	Choisies   []string // structures ticked
	Roles      []formulaire.Option
	Structures []formulaire.Option
	Action     *accountAction // the confirmation step of an action, if any
}

func (pe *pageEngine) renderAccount(e *core.RequestEvent, status int, data gestionData) error {
	c, err := comptes.Find(e.App, e.Auth, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	data.Compte = c
	if data.Role == "" && data.Errors == nil {
		data.Role, data.Choisies = c.RoleValue, c.StructureIDs
	}
	data.Roles = comptes.RoleOptions(e.Auth)
	if data.Structures, err = comptes.StructureOptions(e.App, e.Auth); err != nil {
		return err
	}
	title := "Compte de " + strings.TrimSpace(c.Prenom+" "+c.Nom)
	if data.Action != nil {
		return pe.render(e, status, "compte_action", data.Action.titre, data)
	}
	return pe.render(e, status, "compte_gestion", title, data)
}

func accountHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		return pe.renderAccount(e, http.StatusOK, gestionData{})
	}
}

func changeRightsHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if err := e.Request.ParseForm(); err != nil {
			return apis.NewBadRequestError("", err)
		}
		id := e.Request.PathValue("id")
		role, structures := formText(e, comptes.ChampRole), formList(e.Request.PostForm, comptes.ChampStructures)
		errs, err := comptes.ChangeRights(e.App, e.Auth, id, role, structures)
		if err != nil {
			return accountError(e, err)
		}
		if len(errs) > 0 {
			return pe.renderAccount(e, http.StatusUnprocessableEntity, gestionData{Errors: errs, Role: role, Choisies: structures})
		}
		return redirectWithFlash(e, comptes.PagePath+"/"+id, "Rôle et structures enregistrés.")
	}
}

func resendInvitationHandler(e *core.RequestEvent) error {
	account, sendErr, err := comptes.ResendInvitation(e.App, e.Auth, e.Request.PathValue("id"))
	if err != nil {
		return accountError(e, err)
	}
	return redirectWithFlash(e, comptes.PagePath+"/"+account.Id, invitationFlash(account, sendErr))
}

// accountAction is an action on an account asked for, then confirmed.
type accountAction struct {
	path, titre, Question, Bouton string
	Consequences                  []string
	do                            func(core.App, *core.Record, string) (*core.Record, error)
	fait                          string
	retour                        bool     // back to the list (the account is gone)
	etats                         []string // the states it applies to
}

func (a *accountAction) Path() string { return a.path }

var accountActions = []*accountAction{
	{path: "desactiver", titre: "Désactiver un compte", Question: "Désactiver ce compte ?", Bouton: "Désactiver le compte",
		Consequences: []string{"La personne est déconnectée tout de suite, partout.", "Elle ne peut plus se connecter.",
			"Ce qu'elle a saisi reste enregistré.", "Vous pourrez réactiver le compte plus tard."},
		do: comptes.Deactivate, fait: "Compte désactivé. La personne est déconnectée.",
		etats: []string{comptes.EtatActive, comptes.EtatAConfirmer}},
	{path: "reactiver", titre: "Réactiver un compte", Question: "Réactiver ce compte ?", Bouton: "Réactiver le compte",
		Consequences: []string{"La personne peut se connecter à nouveau avec son mot de passe."},
		do:           comptes.Reactivate, fait: "Compte réactivé."},
	{path: "retirer", titre: "Retirer une invitation", Question: "Retirer cette invitation ?", Bouton: "Retirer l'invitation",
		Consequences: []string{"Le lien envoyé par e-mail ne marche plus.", "Le compte, jamais utilisé, est supprimé.",
			"Vous pourrez inviter cette adresse à nouveau."},
		do: comptes.WithdrawInvitation, fait: "Invitation retirée.", retour: true,
		etats: []string{comptes.EtatInvitee, comptes.EtatInvitationExpiree}},
}

func confirmActionHandler(pe *pageEngine, a *accountAction) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		c, err := comptes.Find(e.App, e.Auth, e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		if !c.Gerable {
			return accountError(e, access.ErrForbidden)
		}
		if !slices.Contains(a.etats, c.Etat) {
			return model.ErrNotFound
		}
		return pe.renderAccount(e, http.StatusOK, gestionData{Action: a})
	}
}

func accountActionHandler(a *accountAction) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		account, err := a.do(e.App, e.Auth, e.Request.PathValue("id"))
		if err != nil {
			return accountError(e, err)
		}
		if a.retour {
			return redirectWithFlash(e, comptes.PagePath, a.fait)
		}
		return redirectWithFlash(e, comptes.PagePath+"/"+account.Id, a.fait)
	}
}

// accountError: one's own account, and the last coordinateur, are
// refused like any action the page does not offer.
func accountError(e *core.RequestEvent, err error) error {
	if errors.Is(err, comptes.ErrSoiMeme) || errors.Is(err, comptes.ErrDernierCoordinateur) {
		return access.ErrForbidden
	}
	return err
}

// invitationData is the page an invitation e-mail links to.
type invitationData struct {
	Action, Prenom, Email string
	Min                   int
	Errors                formulaire.Erreurs
	Invalid               bool
}

// registerInvitationPages: the invited person chooses a password on
// /connexion/invitation/{jeton}, a link page like the others (linkPage:
// not kept, not indexed, no referrer, out of the request log).
func registerInvitationPages(se *core.ServeEvent, pe *pageEngine, linkPage func(func(*core.RequestEvent) error) func(*core.RequestEvent) error) {
	skip := apis.SkipSuccessActivityLog()
	path := comptes.InvitationPath + "{jeton}"
	invalid := func(e *core.RequestEvent) error {
		return pe.render(e, http.StatusGone, "invitation", "Invitation expirée", invitationData{Invalid: true})
	}
	se.Router.GET(path, linkPage(func(e *core.RequestEvent) error {
		account, err := comptes.CheckInvitation(e.App, e.Request.PathValue("jeton"))
		if err != nil {
			return invalid(e)
		}
		return pe.render(e, http.StatusOK, "invitation", "Bienvenue dans Atelier", invitationData{Action: e.Request.URL.Path,
			Prenom: account.GetString("prenom"), Email: account.Email(), Min: comptes.PasswordMin(e.App)})
	})).Bind(skip)
	se.Router.POST(path, linkPage(func(e *core.RequestEvent) error {
		token := e.Request.PathValue("jeton")
		_, errs, err := comptes.AcceptInvitation(e.App, token,
			e.Request.PostFormValue(comptes.ChampNouveau), e.Request.PostFormValue(comptes.ChampConfirmation))
		switch {
		case errors.Is(err, comptes.ErrJetonInvalide):
			return invalid(e)
		case err != nil:
			return err
		case len(errs) > 0:
			account, err := comptes.CheckInvitation(e.App, token)
			if err != nil {
				return invalid(e)
			}
			return pe.render(e, http.StatusUnprocessableEntity, "invitation", "Bienvenue dans Atelier", invitationData{
				Action: e.Request.URL.Path, Prenom: account.GetString("prenom"), Email: account.Email(),
				Min: comptes.PasswordMin(e.App), Errors: errs})
		}
		clearSessionCookie(e)
		return e.Redirect(http.StatusSeeOther, "/connexion?fait="+doneInvitation)
	})).Bind(skip)
}
