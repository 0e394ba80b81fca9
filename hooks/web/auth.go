package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"atelier/hooks/comptes"
)

const SessionCookie = "atelier_session"

type connexionData struct {
	Email  string
	Suite  string
	Erreur string
	Envoye bool
	Succes string // what a page opened from an account e-mail just did
}

func RegisterAuthPages(se *core.ServeEvent, pe *pageEngine) {
	se.Router.GET("/connexion", pe.Page(func(e *core.RequestEvent) error {
		if staff := currentStaff(e); staff != nil {
			return e.Redirect(http.StatusSeeOther, "/espace")
		}
		privatePage(e)
		return pe.render(e, http.StatusOK, "connexion", "Connexion", connexionData{Suite: safeNext(e.Request.URL.Query().Get("suite")),
			Succes: doneMessages[e.Request.URL.Query().Get("fait")]})
	}))
	se.Router.POST("/connexion", pe.Page(signInHandler(pe))).Bind(SameOrigin(pe))
	se.Router.POST("/deconnexion", pe.Page(func(e *core.RequestEvent) error {
		// Signing out ends the session everywhere: a copy of the token
		// (another browser, the REST API) stops working too.
		if staff := currentStaff(e); staff != nil {
			if err := comptes.EndSessions(e.App, staff); err != nil {
				return err
			}
		}
		clearSessionCookie(e)
		return e.Redirect(http.StatusSeeOther, "/connexion")
	})).Bind(SameOrigin(pe))
	se.Router.GET("/mot-de-passe-oublie", pe.Page(func(e *core.RequestEvent) error {
		return pe.render(e, http.StatusOK, "mot_de_passe", "Mot de passe oublié", connexionData{})
	}))
	se.Router.POST("/mot-de-passe-oublie", pe.Page(passwordResetHandler(pe))).Bind(SameOrigin(pe))
	registerAccountLinkPages(se, pe)
}

func signInHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		email := strings.TrimSpace(strings.ToLower(e.Request.FormValue("email")))
		data := connexionData{Email: email, Suite: safeNext(e.Request.FormValue("suite"))}
		staff, ok := comptes.SignIn(e.App, email, e.Request.FormValue("mot_de_passe"))
		if !ok {
			data.Erreur = "Adresse e-mail ou mot de passe incorrect."
			return pe.render(e, http.StatusUnauthorized, "connexion", "Connexion", data)
		}
		if !staff.GetBool("actif") {
			data.Erreur = "Ce compte est désactivé. Demandez à votre coordinateur de le réactiver."
			return pe.render(e, http.StatusForbidden, "connexion", "Connexion", data)
		}
		if err := setSessionCookie(e, staff); err != nil {
			return err
		}
		return e.Redirect(http.StatusSeeOther, data.Suite)
	}
}

// setSessionCookie signs staff in on this browser with a new token.
func setSessionCookie(e *core.RequestEvent, staff *core.Record) error {
	token, err := staff.NewAuthToken()
	if err != nil {
		return fmt.Errorf("session of %s: %w", staff.Id, err)
	}
	e.SetCookie(&http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: secureCookies(e),
		SameSite: http.SameSiteLaxMode,
		MaxAge:   int(staff.Collection().AuthToken.Duration), // seconds, as the token
	})
	return nil
}

// passwordResetHandler sends PocketBase's reset e-mail (within the limit
// per account); the answer is the same whether the account exists or not,
// so nobody learns who has one.
func passwordResetHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		email := strings.TrimSpace(strings.ToLower(e.Request.FormValue("email")))
		comptes.SendPasswordReset(e.App, email)
		return pe.render(e, http.StatusOK, "mot_de_passe", "Mot de passe oublié", connexionData{Email: email, Envoye: true})
	}
}

// currentStaff returns the signed-in, active staff member of the cookie,
// or nil (no cookie, expired or forged token, inactive account).
func currentStaff(e *core.RequestEvent) *core.Record {
	cookie, err := e.Request.Cookie(SessionCookie)
	if err != nil || cookie.Value == "" {
		return nil
	}
	staff, err := e.App.FindAuthRecordByToken(cookie.Value, core.TokenTypeAuth)
	if err != nil || staff.Collection().Name != "utilisateurs" || !staff.GetBool("actif") {
		return nil
	}
	return staff
}

// InactiveIsAnonymous runs right after PocketBase reads the token of a
// request: a deactivated account's token gets what an anonymous visitor
// gets, on every route (REST API, realtime, files, pages), even when it
// was made before the account was deactivated.
func InactiveIsAnonymous() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id:       "atelierInactiveIsAnonymous",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority + 1,
		Func: func(e *core.RequestEvent) error {
			if e.Auth != nil && e.Auth.Collection().Name == "utilisateurs" && !e.Auth.GetBool("actif") {
				e.Auth = nil
			}
			return e.Next()
		},
	}
}

// RequireStaff guards the workspace: without a valid session, back to the
// sign-in page, which then brings the person back where they were going.
func RequireStaff() *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "atelierRequireStaff",
		Func: func(e *core.RequestEvent) error {
			staff := currentStaff(e)
			if staff == nil {
				clearSessionCookie(e)
				return e.Redirect(http.StatusSeeOther, "/connexion?suite="+url.QueryEscape(e.Request.URL.RequestURI()))
			}
			e.Auth = staff // the same identity the API rules see
			privatePage(e)
			return e.Next()
		},
	}
}

// SameOrigin refuses a state-changing request sent from another site.
func SameOrigin(pe *pageEngine) *hook.Handler[*core.RequestEvent] {
	return &hook.Handler[*core.RequestEvent]{
		Id: "atelierSameOrigin",
		Func: func(e *core.RequestEvent) error {
			if e.Request.Method == http.MethodGet || e.Request.Method == http.MethodHead || fromThisSite(e) {
				return e.Next()
			}
			return pe.ErrorPage(e, http.StatusForbidden)
		},
	}
}

func fromThisSite(e *core.RequestEvent) bool {
	source := e.Request.Header.Get("Origin")
	if source == "" || source == "null" {
		source = e.Request.Header.Get("Referer")
	}
	u, err := url.Parse(source)
	if source == "" || err != nil {
		return false
	}
	return u.Host == e.Request.Host
}

func clearSessionCookie(e *core.RequestEvent) {
	e.SetCookie(&http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: secureCookies(e),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// safeNext keeps a redirection inside the workspace: a path of this site,
// never another host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/espace") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return "/espace"
	}
	return next
}
