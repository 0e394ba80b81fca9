package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/comptes"
	"atelier/hooks/lib/formulaire"
)

// compteData is « Mon compte »: the account's address, the forms to
// change the password and the address, and what went wrong in them.
type compteData struct {
	Email       string
	Min         int
	Formulaire  string // the form the errors are about: "mot_de_passe" or "email"
	Errors      formulaire.Erreurs
	NouvelEmail string // typed in the e-mail form, kept after an error
}

// RegisterOwnAccountPages: every staff member changes their own password
// and e-mail address on « Mon compte ».
func RegisterOwnAccountPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/compte", pe.Page(func(e *core.RequestEvent) error {
		return pe.renderOwnAccount(e, http.StatusOK, compteData{})
	}))
	g.POST("/compte/mot-de-passe", pe.Page(changePasswordHandler(pe)))
	g.POST("/compte/email", pe.Page(changeEmailHandler(pe)))
}

func (pe *pageEngine) renderOwnAccount(e *core.RequestEvent, status int, data compteData) error {
	data.Email = e.Auth.Email()
	data.Min = comptes.PasswordMin(e.App)
	return pe.render(e, status, "compte", "Mon compte", data)
}

func changePasswordHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := e.Auth
		errs, err := comptes.ChangePassword(e.App, staff, e.Request.PostFormValue(comptes.ChampActuel),
			e.Request.PostFormValue(comptes.ChampNouveau), e.Request.PostFormValue(comptes.ChampConfirmation))
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return pe.renderOwnAccount(e, http.StatusUnprocessableEntity, compteData{Formulaire: "mot_de_passe", Errors: errs})
		}
		// The new token key ended every session; this one goes on.
		if err := setSessionCookie(e, staff); err != nil {
			return err
		}
		return redirectWithFlash(e, "/espace/compte", "Mot de passe changé. Vos autres connexions (autres navigateurs, applications) sont fermées.")
	}
}

func changeEmailHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		email := formText(e, comptes.ChampEmail)
		errs, err := comptes.RequestEmailChange(e.App, e.Auth, email)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			return pe.renderOwnAccount(e, http.StatusUnprocessableEntity, compteData{Formulaire: "email", Errors: errs, NouvelEmail: email})
		}
		return redirectWithFlash(e, "/espace/compte", "Un e-mail vient d'être envoyé à "+strings.ToLower(email)+
			". Ouvrez le lien qu'il contient pour confirmer la nouvelle adresse. D'ici là, rien ne change.")
	}
}

// lienData is a page opened from a link of an account e-mail.
type lienData struct {
	Action  string // where the form posts: the page itself
	Email   string // the new address, on the e-mail change page
	Min     int
	Errors  formulaire.Erreurs
	Invalid bool // the link no longer works
	Done    bool
}

// registerAccountLinkPages are the pages the account e-mails link to. The
// token of their address is a secret: never in the request log, the
// pages are not kept nor indexed, and no link on them sends it further.
// Their forms need no same-origin check: with no referrer, browsers send
// « Origin: null », and another site cannot forge a post without the
// token, which only the e-mail holds.
func registerAccountLinkPages(se *core.ServeEvent, pe *pageEngine) {
	linkPage := func(h func(*core.RequestEvent) error) func(*core.RequestEvent) error {
		return pe.Page(func(e *core.RequestEvent) error {
			privatePage(e)
			e.Response.Header().Set("Referrer-Policy", "no-referrer")
			return h(e)
		})
	}
	skip := apis.SkipSuccessActivityLog()
	se.Router.GET("/connexion/nouveau-mot-de-passe/{jeton}", linkPage(func(e *core.RequestEvent) error {
		data := lienData{Action: e.Request.URL.Path, Min: comptes.PasswordMin(e.App)}
		if _, err := comptes.CheckResetLink(e.App, e.Request.PathValue("jeton")); err != nil {
			data.Invalid = true
			return pe.render(e, http.StatusGone, "nouveau_mot_de_passe", "Lien expiré", data)
		}
		return pe.render(e, http.StatusOK, "nouveau_mot_de_passe", "Nouveau mot de passe", data)
	})).Bind(skip)
	se.Router.POST("/connexion/nouveau-mot-de-passe/{jeton}", linkPage(func(e *core.RequestEvent) error {
		data := lienData{Action: e.Request.URL.Path, Min: comptes.PasswordMin(e.App)}
		_, errs, err := comptes.ResetPassword(e.App, e.Request.PathValue("jeton"),
			e.Request.PostFormValue(comptes.ChampNouveau), e.Request.PostFormValue(comptes.ChampConfirmation))
		switch {
		case errors.Is(err, comptes.ErrJetonInvalide):
			data.Invalid = true
			return pe.render(e, http.StatusGone, "nouveau_mot_de_passe", "Lien expiré", data)
		case err != nil:
			return err
		case len(errs) > 0:
			data.Errors = errs
			return pe.render(e, http.StatusUnprocessableEntity, "nouveau_mot_de_passe", "Nouveau mot de passe", data)
		}
		clearSessionCookie(e)
		return e.Redirect(http.StatusSeeOther, "/connexion?fait="+doneNewPassword)
	})).Bind(skip)
	se.Router.GET("/connexion/verifier/{jeton}", linkPage(func(e *core.RequestEvent) error {
		_, err := comptes.VerifyEmail(e.App, e.Request.PathValue("jeton"))
		switch {
		case errors.Is(err, comptes.ErrJetonInvalide):
			return pe.render(e, http.StatusGone, "verifier_email", "Lien expiré", lienData{Invalid: true})
		case err != nil:
			return err
		}
		return pe.render(e, http.StatusOK, "verifier_email", "Adresse e-mail confirmée", lienData{Done: true})
	})).Bind(skip)
	se.Router.GET("/connexion/changer-email/{jeton}", linkPage(func(e *core.RequestEvent) error {
		data := lienData{Action: e.Request.URL.Path}
		_, email, err := comptes.CheckEmailChangeLink(e.App, e.Request.PathValue("jeton"))
		if err != nil {
			data.Invalid = true
			return pe.render(e, http.StatusGone, "changer_email", "Lien expiré", data)
		}
		data.Email = email
		return pe.render(e, http.StatusOK, "changer_email", "Confirmer la nouvelle adresse e-mail", data)
	})).Bind(skip)
	se.Router.POST("/connexion/changer-email/{jeton}", linkPage(func(e *core.RequestEvent) error {
		data := lienData{Action: e.Request.URL.Path}
		token := e.Request.PathValue("jeton")
		_, errs, err := comptes.ConfirmEmailChange(e.App, token, e.Request.PostFormValue(comptes.ChampMotDePasse))
		switch {
		case errors.Is(err, comptes.ErrJetonInvalide):
			data.Invalid = true
			return pe.render(e, http.StatusGone, "changer_email", "Lien expiré", data)
		case err != nil:
			return err
		case len(errs) > 0:
			_, data.Email, _ = comptes.CheckEmailChangeLink(e.App, token)
			data.Errors = errs
			return pe.render(e, http.StatusUnprocessableEntity, "changer_email", "Confirmer la nouvelle adresse e-mail", data)
		}
		clearSessionCookie(e)
		return e.Redirect(http.StatusSeeOther, "/connexion?fait="+doneNewEmail)
	})).Bind(skip)
	registerInvitationPages(se, pe, linkPage)
}

// The sign-in page confirms what a link page did (fait=…): known words
// only, never a text from the address.
const (
	doneNewPassword = "mot-de-passe"
	doneNewEmail    = "email"
	doneInvitation  = "invitation"
)

var doneMessages = map[string]string{
	doneNewPassword: "Votre nouveau mot de passe est enregistré. Connectez-vous avec lui.",
	doneNewEmail:    "Votre nouvelle adresse e-mail est enregistrée. Connectez-vous avec elle.",
	doneInvitation:  "Votre mot de passe est enregistré. Connectez-vous avec votre adresse e-mail et ce mot de passe.",
}
