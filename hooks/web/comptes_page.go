package web

import (
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/comptes"
)

// RegisterAccountPages: a structure's référent confirms the accounts that
// may read its people (comptes).
func RegisterAccountPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/comptes", pe.Page(accountsHandler(pe)))
	g.POST("/comptes/confirmer", pe.Page(confirmAccountHandler))
}

type comptesData struct {
	EnAttente []comptes.EnAttente
	Confirme  bool // the référent was confirmed for a structure at least
}

func accountsHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		if !comptes.MayConfirm(e.Auth) {
			return access.ErrForbidden
		}
		pending, err := comptes.PendingFor(e.App, e.Auth)
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "comptes", "Comptes à confirmer", comptesData{EnAttente: pending, Confirme: comptes.Confirmed(e.Auth)})
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
