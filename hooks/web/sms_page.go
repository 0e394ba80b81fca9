package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/envois"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/sms"
	"atelier/hooks/model"
)

// RegisterSMSPages: the SMS settings of the workspace (provider, keys,
// budgets, a test SMS) and the public address where providers post their
// delivery reports.
func RegisterSMSPages(se *core.ServeEvent, g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/sms", pe.Page(smsPageHandler(pe)))
	g.POST("/sms/fournisseur", pe.Page(smsProviderPostHandler(pe)))
	g.POST("/sms/budgets", pe.Page(smsBudgetsPostHandler(pe)))
	g.POST("/sms/essai", pe.Page(smsTestPostHandler))
	// The secret of the path never reaches the request log (successes are
	// not logged, failures are masked by MaskRequestLog).
	se.Router.GET("/sms/retours/{fournisseur}/{secret}", smsDeliveryHandler).Bind(apis.SkipSuccessActivityLog())
	se.Router.POST("/sms/retours/{fournisseur}/{secret}", smsDeliveryHandler).Bind(apis.SkipSuccessActivityLog())
}

const smsPagePath = "/espace/sms"

type smsBudgetLine struct {
	ID, Nom, Valeur, Erreur, Mois string
	Utilises, Budget              int
}

type smsPageData struct {
	Configurer   bool // a coordinateur: the provider part is shown
	Reglages     envois.ReglagesSMS
	Form         envois.FormulaireSMS
	Errors       formulaire.Erreurs
	BudgetErrors formulaire.Erreurs
	Fournisseurs []formulaire.Option
	Budgets      []smsBudgetLine
	Secrets      []smsSecret
}

// smsSecret is a secret field as drawn: never its value, only whether one
// is stored.
type smsSecret struct {
	Name, Label, Aide, Fournisseur, Erreur string
	Enregistre, Supprimer                  bool
}

var smsSecretLabels = []smsSecret{
	{Name: "sms_brevo_cle", Label: "Clé d'API Brevo", Fournisseur: "brevo", Aide: "Dans Brevo : menu « SMTP et API », onglet « Clés API »."},
	{Name: "sms_ovh_cle_application", Label: "Application Key (OVHcloud)", Fournisseur: "ovh"},
	{Name: "sms_ovh_secret_application", Label: "Application Secret (OVHcloud)", Fournisseur: "ovh"},
	{Name: "sms_ovh_cle_consommateur", Label: "Consumer Key (OVHcloud)", Fournisseur: "ovh"},
	{Name: "sms_http_url", Label: "Adresse de la passerelle", Fournisseur: "http", Aide: "Par exemple https://sms.example.org/envoyer."},
	{Name: "sms_http_jeton", Label: "Jeton de la passerelle", Fournisseur: "http", Aide: "Envoyé dans l'en-tête Authorization: Bearer."},
}

func smsStaff(e *core.RequestEvent) (*model.StaffView, error) {
	staff := model.NewStaffView(e.Auth)
	if !envois.MaySeeSMS(staff) {
		return nil, access.ErrForbidden
	}
	return staff, nil
}

func loadSMSPage(e *core.RequestEvent, staff *model.StaffView, data *smsPageData, typedBudgets map[string]string) error {
	data.Configurer = envois.MayConfigureSMS(staff)
	if data.Configurer {
		r, err := envois.LoadReglagesSMS(e.App)
		if err != nil {
			return err
		}
		data.Reglages = r
		if data.Form.Secrets == nil { // not a refused form: show what is stored
			data.Form = envois.FormulaireSMS{Fournisseur: r.Fournisseur, Expediteur: r.Expediteur, OVHService: r.OVHService}
		}
		data.Fournisseurs = make([]formulaire.Option, len(envois.FournisseursSMS))
		for i, o := range envois.FournisseursSMS {
			o.Selected = o.Value == data.Form.Fournisseur
			data.Fournisseurs[i] = o
		}
		for _, s := range smsSecretLabels {
			s.Enregistre = r.Enregistres[s.Name]
			s.Supprimer = data.Form.Supprimer[s.Name]
			s.Erreur = data.Errors[s.Name]
			data.Secrets = append(data.Secrets, s)
		}
	}
	budgets, err := envois.BudgetsSMS(e.App, staff)
	if err != nil {
		return err
	}
	for _, b := range budgets {
		line := smsBudgetLine{ID: b.ID, Nom: b.Nom, Utilises: b.Usage.Segments, Budget: b.Usage.Budget,
			Mois: frfmt.Mois(b.Usage.Mois), Erreur: data.BudgetErrors["budget-"+b.ID]}
		if typed, ok := typedBudgets[b.ID]; ok {
			line.Valeur = typed
		} else if b.Usage.Budget > 0 {
			line.Valeur = strconv.Itoa(b.Usage.Budget)
		}
		data.Budgets = append(data.Budgets, line)
	}
	return nil
}

func smsPageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := smsStaff(e)
		if err != nil {
			return err
		}
		var data smsPageData
		if err := loadSMSPage(e, staff, &data, nil); err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "sms", "SMS", data)
	}
}

func smsProviderPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := smsStaff(e)
		if err != nil {
			return err
		}
		if !envois.MayConfigureSMS(staff) {
			return access.ErrForbidden
		}
		f := envois.FormulaireSMS{Fournisseur: formText(e, "sms_fournisseur"), Expediteur: formText(e, "sms_expediteur"),
			OVHService: formText(e, "sms_ovh_service"), Secrets: map[string]string{}, Supprimer: map[string]bool{}}
		for _, name := range envois.SecretsSMS {
			f.Secrets[name] = formText(e, name)
			f.Supprimer[name] = formText(e, "supprimer_"+name) != ""
		}
		errs, err := envois.SaveReglagesSMS(e.App, staff, f)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			data := smsPageData{Form: f, Errors: errs}
			// Typed secrets are not drawn back: the page must never hold one.
			if err := loadSMSPage(e, staff, &data, nil); err != nil {
				return err
			}
			return pe.render(e, http.StatusUnprocessableEntity, "sms", "SMS", data)
		}
		return redirectWithFlash(e, smsPagePath, "Réglages SMS enregistrés.")
	}
}

func smsBudgetsPostHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff, err := smsStaff(e)
		if err != nil {
			return err
		}
		if err := e.Request.ParseForm(); err != nil {
			return e.BadRequestError("", err)
		}
		typed := map[string]string{}
		for key, values := range e.Request.PostForm {
			if id, ok := strings.CutPrefix(key, "budget-"); ok && len(values) > 0 {
				typed[id] = values[0]
			}
		}
		errs, err := envois.SaveBudgetsSMS(e.App, e.Auth, typed)
		if err != nil {
			return err
		}
		if len(errs) > 0 {
			data := smsPageData{BudgetErrors: errs}
			if err := loadSMSPage(e, staff, &data, typed); err != nil {
				return err
			}
			return pe.render(e, http.StatusUnprocessableEntity, "sms", "SMS", data)
		}
		return redirectWithFlash(e, smsPagePath, "Budgets SMS enregistrés.")
	}
}

func smsTestPostHandler(e *core.RequestEvent) error {
	staff, err := smsStaff(e)
	if err != nil {
		return err
	}
	numero, err := envois.SendTestSMS(e.App, staff, formText(e, "numero"))
	var message string
	switch {
	case errors.Is(err, access.ErrForbidden):
		return err
	case errors.Is(err, envois.ErrNumeroEssai):
		message = "SMS d'essai non envoyé : tapez un numéro de portable, par exemple 06 12 34 56 78."
	case errors.Is(err, envois.ErrNoSMSProvider):
		message = "SMS d'essai non envoyé : aucun fournisseur n'est configuré."
	case err != nil:
		message = "SMS d'essai non envoyé : " + err.Error()
	default:
		message = "SMS d'essai envoyé au " + contact.FormaterTelephone(numero) + ". Vérifiez qu'il arrive sur le téléphone."
	}
	return redirectWithFlash(e, smsPagePath, message)
}

// smsDeliveryHandler keeps a provider's delivery report. A wrong secret
// or provider is a 404 that changes nothing; a report about a message we
// do not know is acknowledged and ignored (the provider would retry it).
func smsDeliveryHandler(e *core.RequestEvent) error {
	fournisseur := e.Request.PathValue("fournisseur")
	if err := envois.CheckRetoursSecret(e.App, fournisseur, e.Request.PathValue("secret")); err != nil {
		if errors.Is(err, envois.ErrRetoursRefuses) {
			return e.NotFoundError("", nil)
		}
		return err
	}
	var r sms.Retour
	var err error
	switch fournisseur {
	case "brevo":
		body, rerr := io.ReadAll(io.LimitReader(e.Request.Body, 64<<10))
		if rerr != nil {
			return e.BadRequestError("", nil)
		}
		r, err = sms.LireRetourBrevo(body)
	default:
		if perr := e.Request.ParseForm(); perr != nil {
			return e.BadRequestError("", nil)
		}
		r, err = sms.LireRetourOVH(e.Request.Form)
	}
	if err != nil {
		return e.BadRequestError("", nil)
	}
	if err := envois.RecordDelivery(e.App, r); err != nil {
		return err
	}
	return e.NoContent(http.StatusNoContent)
}
