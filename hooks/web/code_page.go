package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/codeperso"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/model"
)

// RegisterCodePages binds /i, where a person types the short code of a
// registration (read on a card, written down at the desk, heard on the
// phone), and /i/{code}, which opens the personal page. Both are public and
// rate-limited per IP address by the "/i/" rule (migration 1763900015);
// successes are not logged, and the request log masks the code.
func RegisterCodePages(se *core.ServeEvent, pe *pageEngine) {
	h := &codePages{pe: pe}
	se.Router.GET("/i", pe.Page(h.form)).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/i/{code}", pe.Page(h.open)).Bind(apis.SkipSuccessActivityLog())
}

type codePages struct{ pe *pageEngine }

// codePage is the form, with what was typed and why it was refused.
type codePage struct {
	Saisie string
	Errors formulaire.Erreurs
}

const codeTitle = "Vous avez un code ?"

// codeSaisieMax keeps an absurd input out of the page shown back.
const codeSaisieMax = 40

// form shows the form (a GET form: no JavaScript) and sends a well-formed
// code on to /i/{code}.
func (h *codePages) form(e *core.RequestEvent) error {
	privatePage(e)
	page := &codePage{Errors: formulaire.Erreurs{}}
	query := e.Request.URL.Query()
	if !query.Has("code") {
		return h.pe.render(e, http.StatusOK, "code", codeTitle, page)
	}
	page.Saisie = codeTyped(query.Get("code"))
	if page.Saisie == "" {
		page.Errors["code"] = "Saisissez votre code : 8 lettres et chiffres, par exemple 7K3M-Q9PX."
		return h.pe.render(e, http.StatusUnprocessableEntity, "code", codeTitle, page)
	}
	code, ok := codeperso.Normaliser(page.Saisie)
	if !ok {
		return h.unknown(e, page)
	}
	return e.Redirect(http.StatusSeeOther, "/i/"+url.PathEscape(code))
}

// open sends the holder of a code to the personal page. A redirect rather
// than the page itself: the personal page keeps one address, the one its
// forms (cancel, register again) post to and e-mails link to.
func (h *codePages) open(e *core.RequestEvent) error {
	privatePage(e)
	page := &codePage{Errors: formulaire.Erreurs{}, Saisie: codeTyped(e.Request.PathValue("code"))}
	inscription, err := model.FindByCode(e.App, page.Saisie)
	if model.IsNotFound(err) {
		return h.unknown(e, page)
	}
	if err != nil {
		return err
	}
	return e.Redirect(http.StatusSeeOther, "/inscription/"+inscription.GetString("jeton"))
}

// unknown answers 404 with the form, what was typed kept next to the
// message.
func (h *codePages) unknown(e *core.RequestEvent, page *codePage) error {
	page.Errors["code"] = "Aucune inscription ne correspond à ce code. Vérifiez chaque lettre et chaque chiffre : le code a 8 caractères, par exemple 7K3M-Q9PX."
	return h.pe.render(e, http.StatusNotFound, "code", "Code inconnu", page)
}

func codeTyped(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > codeSaisieMax {
		s = s[:codeSaisieMax]
	}
	return strings.ToValidUTF8(s, "")
}
