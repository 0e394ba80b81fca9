package web

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/comptes"
	"atelier/hooks/envois"
	"atelier/hooks/installation"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
)

// RegisterInstallationPages binds /installation, the first start of an
// instance: open only with the token `atelier serve` printed, and only
// while there is no staff account; a 404 page otherwise, for good once the
// first coordinateur exists. The token is a secret: never in the request
// log (successes are not logged, failures are masked by MaskRequestLog),
// the page is not kept nor indexed and sends no referrer. Its form needs
// no same-origin check: another site cannot post it without the token.
func RegisterInstallationPages(se *core.ServeEvent, pe *pageEngine) {
	h := &installationPages{pe: pe}
	se.Router.GET(installation.Path, pe.Page(h.form)).Bind(apis.SkipSuccessActivityLog())
	se.Router.POST(installation.Path, pe.Page(h.submit)).Bind(apis.SkipSuccessActivityLog())
}

type installationPages struct{ pe *pageEngine }

type installationData struct {
	Jeton          string
	Form           installation.Formulaire
	Errors         formulaire.Erreurs
	Fuseaux        []formulaire.Option
	Fournisseurs   []formulaire.Option
	Secrets        []smsSecret
	SMSOuvert      bool   // the SMS part is shown open: a provider chosen or refused
	SMSEnv         bool   // the server's environment sets the provider: no SMS part
	SMTPEnregistre bool   // a password of the e-mail server is saved (never shown)
	EssaiEnvoye    string // where the test e-mail went
	Retaper        bool   // the form came back: passwords are never drawn back
	Min            int
}

const installationTitle = "Installation d'Atelier"

func (h *installationPages) form(e *core.RequestEvent) error {
	privateLinkPage(e)
	token := e.Request.URL.Query().Get("jeton")
	if !installation.ValidToken(e.App, token) {
		return h.pe.ErrorPage(e, http.StatusNotFound)
	}
	return h.render(e, http.StatusOK, token, installation.Blank(e.App), nil, "")
}

func (h *installationPages) submit(e *core.RequestEvent) error {
	privateLinkPage(e)
	token := e.Request.PostFormValue("jeton")
	f := installationForm(e)
	if formText(e, "action") == "essai" {
		sent, errs, err := installation.TestEmail(e.App, token, f)
		switch {
		case errors.Is(err, installation.ErrTerminee):
			return h.pe.ErrorPage(e, http.StatusNotFound)
		case err != nil:
			return err
		case len(errs) > 0:
			return h.render(e, http.StatusUnprocessableEntity, token, f, errs, "")
		}
		return h.render(e, http.StatusOK, token, f, nil, sent)
	}
	account, errs, err := installation.Install(e.App, token, f)
	switch {
	case errors.Is(err, installation.ErrTerminee):
		return h.pe.ErrorPage(e, http.StatusNotFound)
	case err != nil:
		return err
	case len(errs) > 0:
		return h.render(e, http.StatusUnprocessableEntity, token, f, errs, "")
	}
	if err := setSessionCookie(e, account); err != nil {
		return err
	}
	return redirectWithFlash(e, "/espace", "Atelier est installé. Vous êtes connecté en tant que coordinateur.")
}

// privateLinkPage: a page whose address holds a secret is not kept, not
// indexed, and sends no referrer.
func privateLinkPage(e *core.RequestEvent) {
	privatePage(e)
	e.Response.Header().Set("Referrer-Policy", "no-referrer")
}

func installationForm(e *core.RequestEvent) installation.Formulaire {
	f := installation.Formulaire{
		NomInstance: formText(e, installation.ChampNomInstance), AdresseInstance: formText(e, installation.ChampAdresseInstance),
		Structure: formText(e, installation.ChampStructure), Adresse: formText(e, installation.ChampAdresse),
		CodePostal: formText(e, installation.ChampCodePostal), Commune: formText(e, installation.ChampCommune),
		SIRET: formText(e, installation.ChampSIRET), Zone: formText(e, installation.ChampFuseau),
		Prenom: formText(e, installation.ChampPrenom), Nom: formText(e, installation.ChampNom),
		Email: formText(e, installation.ChampEmail),
		// passwords as typed: spaces are part of them
		MotDePasse: e.Request.PostFormValue(installation.ChampMotDePasse), Confirmation: e.Request.PostFormValue(installation.ChampConfirmation),
		SMTPHote: formText(e, installation.ChampSMTPHote), SMTPPort: formText(e, installation.ChampSMTPPort),
		SMTPUtilisateur: formText(e, installation.ChampSMTPUtilisateur), SMTPMotDePasse: e.Request.PostFormValue(installation.ChampSMTPMotDePasse),
		SMTPTLS: formText(e, installation.ChampSMTPTLS) != "", SMTPExpediteur: formText(e, installation.ChampSMTPExpediteur),
		SMS: envois.FormulaireSMS{Fournisseur: formText(e, "sms_fournisseur"), Expediteur: formText(e, "sms_expediteur"),
			OVHService: formText(e, "sms_ovh_service"), Secrets: map[string]string{}},
	}
	for _, name := range envois.SecretsSMS {
		f.SMS.Secrets[name] = formText(e, name)
	}
	return f
}

func (h *installationPages) render(e *core.RequestEvent, status int, token string, f installation.Formulaire,
	errs formulaire.Erreurs, sent string) error {
	data := installationData{Jeton: token, Form: f, Errors: errs, SMSEnv: envois.SMSFromEnvironment(),
		SMTPEnregistre: e.App.Settings().SMTP.Password != "", EssaiEnvoye: sent, Retaper: e.Request.Method == http.MethodPost, Min: comptes.PasswordMin(e.App)}
	for _, z := range frfmt.Fuseaux() {
		data.Fuseaux = append(data.Fuseaux, formulaire.Option{Value: z.Zone, Label: z.Nom, Selected: z.Zone == f.Zone})
	}
	for _, o := range envois.FournisseursSMS[1:] { // « none » is the select's empty choice
		o.Selected = o.Value == f.SMS.Fournisseur
		data.Fournisseurs = append(data.Fournisseurs, o)
	}
	for _, s := range smsSecretLabels {
		s.Erreur = errs[s.Name]
		data.SMSOuvert = data.SMSOuvert || s.Erreur != ""
		data.Secrets = append(data.Secrets, s)
	}
	data.SMSOuvert = data.SMSOuvert || f.SMS.Fournisseur != "" || errs["sms_fournisseur"] != "" ||
		errs["sms_expediteur"] != "" || errs["sms_ovh_service"] != ""
	return h.pe.render(e, status, "installation", installationTitle, data)
}
