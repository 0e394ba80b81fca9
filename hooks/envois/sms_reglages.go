package envois

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/sms"
	"atelier/hooks/model"
)

// Who sets what on the SMS page: coordinateurs choose the provider and its
// keys for the whole instance; a structure's budget is changed by whoever
// may update the structure (its référents, coordinateurs).

// FournisseursSMS are the providers a coordinateur chooses from.
var FournisseursSMS = []formulaire.Option{
	{Value: "", Label: "Aucun : pas de SMS, l'équipe téléphone"},
	{Value: "brevo", Label: "Brevo"},
	{Value: "ovh", Label: "OVHcloud"},
	{Value: "http", Label: "HTTP générique (une passerelle à vous)"},
}

// MayConfigureSMS tells whether the staff member chooses the provider.
func MayConfigureSMS(staff *model.StaffView) bool { return staff != nil && staff.Coordinateur() }

// MaySeeSMS tells whether the staff member may open the SMS page: the
// coordinateurs, and référents for their structures' budgets.
func MaySeeSMS(staff *model.StaffView) bool {
	return staff != nil && (staff.Coordinateur() || staff.RoleValue == model.RoleReferent)
}

// FormulaireSMS is the provider part of the SMS page as typed. A secret
// left empty keeps the stored one; Supprimer removes it.
type FormulaireSMS struct {
	Fournisseur, Expediteur, OVHService string
	Secrets                             map[string]string
	Supprimer                           map[string]bool
}

// SaveReglagesSMS checks and saves the provider settings. Bad input gives
// French messages by field and changes nothing.
func SaveReglagesSMS(app core.App, staff *model.StaffView, f FormulaireSMS) (formulaire.Erreurs, error) {
	if !MayConfigureSMS(staff) {
		return nil, access.ErrForbidden
	}
	if SMSFromEnvironment() {
		return formulaire.Erreurs{"": "Le fournisseur SMS est configuré par l'environnement du serveur : il ne se change pas ici."}, nil
	}
	p, err := Parametres(app)
	if err != nil {
		return nil, err
	}
	errs := formulaire.Erreurs{}
	if !formulaire.Contient(FournisseursSMS, f.Fournisseur) {
		errs["sms_fournisseur"] = "Choisissez un fournisseur dans la liste."
	}
	if f.Expediteur != "" && !sms.ExpediteurValide(f.Expediteur) {
		errs["sms_expediteur"] = "De 3 à 11 lettres ou chiffres, sans espace ni accent, avec au moins une lettre. Par exemple : Mediatheque."
	}
	if f.OVHService != "" && !validService(f.OVHService) {
		errs["sms_ovh_service"] = "Le nom du compte SMS ressemble à sms-ab12345-1."
	}
	value := func(field string) string {
		if f.Supprimer[field] {
			return ""
		}
		if v := strings.TrimSpace(f.Secrets[field]); v != "" {
			return v
		}
		return p.GetString(field)
	}
	if u := strings.TrimSpace(f.Secrets["sms_http_url"]); u != "" {
		if parsed, err := url.Parse(u); err != nil || (parsed.Scheme != "https" && parsed.Scheme != "http") || parsed.Host == "" {
			errs["sms_http_url"] = "Une adresse complète, qui commence par https://."
		}
	}
	requis := map[string]string{}
	switch f.Fournisseur {
	case "brevo":
		requis = map[string]string{"sms_brevo_cle": "Collez la clé d'API de Brevo."}
		if f.Expediteur == "" {
			errs["sms_expediteur"] = "Brevo demande un nom d'expéditeur : de 3 à 11 lettres ou chiffres."
		}
	case "ovh":
		requis = map[string]string{"sms_ovh_cle_application": "Collez la clé d'application (Application Key).",
			"sms_ovh_secret_application": "Collez le secret d'application (Application Secret).",
			"sms_ovh_cle_consommateur":   "Collez la clé du consommateur (Consumer Key)."}
		if f.OVHService == "" {
			errs["sms_ovh_service"] = "Indiquez le nom du compte SMS, par exemple sms-ab12345-1."
		}
	case "http":
		requis = map[string]string{"sms_http_url": "Indiquez l'adresse de la passerelle.", "sms_http_jeton": "Collez le jeton de la passerelle."}
	}
	for field, message := range requis {
		if value(field) == "" && errs[field] == "" {
			errs[field] = message
		}
	}
	if len(errs) > 0 {
		return errs, nil
	}
	p.Set("sms_fournisseur", f.Fournisseur)
	p.Set("sms_expediteur", f.Expediteur)
	p.Set("sms_ovh_service", f.OVHService)
	for _, field := range SecretsSMS {
		p.Set(field, value(field))
	}
	if err := app.Save(p); err != nil {
		return nil, fmt.Errorf("save sms settings: %w", err)
	}
	return nil, nil
}

func validService(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return len(s) <= 100
}

// BudgetSMS is one structure's line of the SMS page.
type BudgetSMS struct {
	ID, Nom string
	Usage   UsageSMS
}

// BudgetsSMS are the structures whose budget the staff member may change:
// every one for a coordinateur, their own for a référent.
func BudgetsSMS(app core.App, staff *model.StaffView) ([]BudgetSMS, error) {
	if !MaySeeSMS(staff) {
		return nil, access.ErrForbidden
	}
	structures, err := model.StructuresOf(app, staff)
	if err != nil {
		return nil, err
	}
	var out []BudgetSMS
	for _, s := range structures {
		u, err := SMSUsage(app, s)
		if err != nil {
			return nil, err
		}
		out = append(out, BudgetSMS{ID: s.Id, Nom: s.GetString("nom"), Usage: u})
	}
	return out, nil
}

// SaveBudgetsSMS sets the budgets typed for each structure id (empty: no
// limit). A structure the staff member may not change is refused by its
// API rule; bad numbers give French messages and change nothing.
func SaveBudgetsSMS(app core.App, auth *core.Record, budgets map[string]string) (formulaire.Erreurs, error) {
	staff := model.NewStaffView(auth)
	if !MaySeeSMS(staff) {
		return nil, access.ErrForbidden
	}
	errs := formulaire.Erreurs{}
	values := map[string]int{}
	for id, typed := range budgets {
		typed = strings.ReplaceAll(strings.TrimSpace(typed), " ", "")
		if typed == "" {
			values[id] = 0
			continue
		}
		n, err := strconv.Atoi(typed)
		if err != nil || n < 0 || n > 1000000 {
			errs["budget-"+id] = "Un nombre entier de SMS par mois, par exemple 300, ou rien pour ne pas limiter."
			continue
		}
		values[id] = n
	}
	if len(errs) > 0 {
		return errs, nil
	}
	for id, n := range values {
		structure, err := access.EditableRecord(app, auth, "structures", id)
		if err != nil {
			return nil, err
		}
		if structure.GetInt("sms_budget_mensuel") == n {
			continue
		}
		if err := access.UpdateChecked(app, auth, structure, map[string]any{"sms_budget_mensuel": n}); err != nil {
			return nil, fmt.Errorf("sms budget of %s: %w", id, err)
		}
	}
	return nil, nil
}

// ErrNumeroEssai is a test number that cannot receive an SMS.
var ErrNumeroEssai = errors.New("numéro d'essai invalide")

// SendTestSMS sends the test SMS of the settings page to a mobile typed
// there. It is not recorded in envois (no person, no structure) and does
// not count in a budget.
func SendTestSMS(app core.App, staff *model.StaffView, numero string) (string, error) {
	if !MayConfigureSMS(staff) {
		return "", access.ErrForbidden
	}
	e164, err := contact.NormaliserTelephone(numero)
	if err != nil || e164 == "" || !contact.EstMobile(e164) {
		return "", ErrNumeroEssai
	}
	sender := SMSOf(app)
	if !smsConfigured(sender) {
		return "", ErrNoSMSProvider
	}
	texte := "Ceci est un SMS d'essai d'Atelier. Si vous le lisez, les SMS partent bien."
	if t, ok := sender.(SMSSuivi); ok {
		_, err = t.SendTracked(e164, texte, "")
	} else {
		err = sender.Send(e164, texte)
	}
	return e164, err
}
