package envois

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/sms"
	"atelier/hooks/model"
)

// The instance's SMS provider is built from the settings record (chosen by
// coordinateurs on /espace/sms), or from the environment, which wins: an
// operator who scripts deployments sets ATELIER_SMS_URL and
// ATELIER_SMS_TOKEN (the generic HTTP gateway).
const (
	EnvSMSURL   = "ATELIER_SMS_URL"
	EnvSMSToken = "ATELIER_SMS_TOKEN"
)

// ErrBudgetSMS is the recorded reason of an SMS past its structure's
// monthly budget: not sent, not retried; staff phone the person.
var ErrBudgetSMS = errors.New("budget SMS du mois atteint pour la structure : le SMS n'est pas parti, prévenez la personne par téléphone")

// SMSSuivi is a provider that gives its id of each message, so that its
// delivery reports find the envois row. SMSSender implementations without
// it still work; their messages get no delivery report.
type SMSSuivi interface {
	SendTracked(to, text, reference string) (string, error)
}

// Fournisseur is a provider of lib/sms as an SMSSender.
type Fournisseur struct {
	Envoi sms.Fournisseur
}

func (f Fournisseur) Send(to, text string) error {
	_, err := f.SendTracked(to, text, "")
	return err
}

func (f Fournisseur) SendTracked(to, text, reference string) (string, error) {
	return f.Envoi.Envoyer(context.Background(), sms.Message{To: to, Text: text, Reference: reference})
}

// ReglagesSMS are the SMS settings as the settings page shows them: which
// secrets are stored, never their values.
type ReglagesSMS struct {
	Fournisseur   string // "", brevo, ovh, http
	Expediteur    string
	OVHService    string
	Enregistres   map[string]bool // secret fields that hold a value
	Environnement bool            // ATELIER_SMS_URL and ATELIER_SMS_TOKEN are set: they win
	RetoursSecret string          // for the delivery report URLs shown to coordinateurs
}

// SecretsSMS are the settings fields that hold secrets.
var SecretsSMS = []string{"sms_brevo_cle", "sms_ovh_cle_application", "sms_ovh_secret_application",
	"sms_ovh_cle_consommateur", "sms_http_url", "sms_http_jeton"}

// SMSFromEnvironment tells whether the environment sets the provider.
func SMSFromEnvironment() bool {
	return os.Getenv(EnvSMSURL) != "" && os.Getenv(EnvSMSToken) != ""
}

// DefaultBudgetSMS is the monthly budget of a new structure, in SMS
// segments (about 15 € at 2026 prices): enough for the reminders of a busy
// month, small enough that a mistake costs little. Migration 1763900013
// gave it to the structures that existed.
const DefaultBudgetSMS = 300

// Parametres is the settings record (the oldest one, as everywhere).
func Parametres(app core.App) (*core.Record, error) {
	records, err := app.FindRecordsByFilter("parametres", "id != ''", "created", 1, 0)
	if err != nil {
		return nil, fmt.Errorf("settings record: %w", err)
	}
	if len(records) == 0 {
		return nil, errors.New("settings record: none")
	}
	return records[0], nil
}

// LoadReglagesSMS reads the SMS settings for the settings page.
func LoadReglagesSMS(app core.App) (ReglagesSMS, error) {
	p, err := Parametres(app)
	if err != nil {
		return ReglagesSMS{}, err
	}
	r := ReglagesSMS{Fournisseur: p.GetString("sms_fournisseur"), Expediteur: p.GetString("sms_expediteur"),
		OVHService: p.GetString("sms_ovh_service"), Enregistres: map[string]bool{}, Environnement: SMSFromEnvironment()}
	for _, f := range SecretsSMS {
		r.Enregistres[f] = p.GetString(f) != ""
	}
	r.RetoursSecret, err = retoursSecret(app, p)
	return r, err
}

const smsAutoKey = "atelier.sms.auto"

// RegisterSMS forgets the provider built from the settings whenever they
// change, and gives new structures the default monthly budget.
func RegisterSMS(app core.App) {
	forget := func(e *core.ModelEvent) error {
		app.Store().Remove(smsAutoKey)
		return e.Next()
	}
	app.OnModelAfterCreateSuccess("parametres").BindFunc(forget)
	app.OnModelAfterUpdateSuccess("parametres").BindFunc(forget)
	app.OnModelAfterDeleteSuccess("parametres").BindFunc(forget)
	app.OnRecordCreate("structures").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetInt("sms_budget_mensuel") == 0 {
			e.Record.Set("sms_budget_mensuel", DefaultBudgetSMS)
		}
		return e.Next()
	})
}

// configuredSMS builds the provider of the environment or of the settings,
// NoSMS when there is none.
func configuredSMS(app core.App) SMSSender {
	if s, ok := app.Store().Get(smsAutoKey).(SMSSender); ok {
		return s
	}
	s, err := buildSMS(app)
	if err != nil {
		app.Logger().Warn("sms provider", "error", err)
		return NoSMS{} // not kept: the next message tries again
	}
	app.Store().Set(smsAutoKey, s)
	return s
}

func buildSMS(app core.App) (SMSSender, error) {
	if SMSFromEnvironment() {
		return Fournisseur{Envoi: sms.HTTP{URL: os.Getenv(EnvSMSURL), Jeton: os.Getenv(EnvSMSToken)}}, nil
	}
	p, err := Parametres(app)
	if err != nil {
		return nil, err
	}
	secret, err := retoursSecret(app, p)
	if err != nil {
		return nil, err
	}
	base := InstanceURL(app)
	retours := func(nom string) string {
		if !InstanceURLConfigured(app) {
			return "" // a provider could not reach localhost anyway
		}
		return base + RetoursPath(nom, secret)
	}
	switch p.GetString("sms_fournisseur") {
	case "brevo":
		if p.GetString("sms_brevo_cle") == "" {
			return NoSMS{}, nil
		}
		return Fournisseur{Envoi: sms.Brevo{Cle: p.GetString("sms_brevo_cle"),
			Expediteur: p.GetString("sms_expediteur"), Retours: retours("brevo")}}, nil
	case "ovh":
		if p.GetString("sms_ovh_secret_application") == "" || p.GetString("sms_ovh_service") == "" {
			return NoSMS{}, nil
		}
		return Fournisseur{Envoi: sms.OVH{CleApplication: p.GetString("sms_ovh_cle_application"),
			SecretApplication: p.GetString("sms_ovh_secret_application"), CleConsommateur: p.GetString("sms_ovh_cle_consommateur"),
			Service: p.GetString("sms_ovh_service"), Expediteur: p.GetString("sms_expediteur"), Retours: retours("ovh"),
			Endpoint: os.Getenv("ATELIER_SMS_OVH_ENDPOINT")}}, nil
	case "http":
		if p.GetString("sms_http_url") == "" {
			return NoSMS{}, nil
		}
		return Fournisseur{Envoi: sms.HTTP{URL: p.GetString("sms_http_url"), Jeton: p.GetString("sms_http_jeton")}}, nil
	}
	return NoSMS{}, nil
}

// RetoursPath is the path where a provider posts its delivery reports.
func RetoursPath(fournisseur, secret string) string {
	return "/sms/retours/" + fournisseur + "/" + secret
}

// retoursSecret is the secret of the delivery report URLs, made at
// install; made here if an administrator emptied it.
func retoursSecret(app core.App, p *core.Record) (string, error) {
	if s := p.GetString("sms_retours_secret"); s != "" {
		return s, nil
	}
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("sms reports secret: %w", err)
	}
	p.Set("sms_retours_secret", hex.EncodeToString(b))
	if err := app.Save(p); err != nil {
		return "", fmt.Errorf("sms reports secret: %w", err)
	}
	return p.GetString("sms_retours_secret"), nil
}

// MoisLocal is the month that contains t in the structure's time zone.
func MoisLocal(t time.Time, fuseau string) (debut, fin time.Time) {
	local := t.In(frfmt.Location(fuseau))
	debut = time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, local.Location())
	return debut, debut.AddDate(0, 1, 0)
}

// claimBudget counts the segments of the message against its structure's
// budget of the current local month, in one write transaction: two sends
// at once never both take the last segments.
func claimBudget(app core.App, envoi *core.Record, segments int) error {
	structure := envoi.GetString("structure")
	now := clock.Now(app)
	if structure == "" {
		envoi.Set("sms_segments", segments)
		envoi.Set("sms_compte_le", now)
		return nil
	}
	return app.RunInTransaction(func(tx core.App) error {
		var s struct {
			Budget int    `db:"sms_budget_mensuel"`
			Fuseau string `db:"fuseau"`
		}
		err := tx.DB().Select("sms_budget_mensuel", "fuseau").From("structures").
			Where(dbx.HashExp{"id": structure}).One(&s)
		if err != nil {
			return fmt.Errorf("sms budget of %s: %w", structure, err)
		}
		if s.Budget > 0 {
			debut, fin := MoisLocal(now, s.Fuseau)
			var used int
			err := tx.DB().Select("COALESCE(SUM(sms_segments), 0)").From("envois").
				Where(dbx.NewExp(`structure = {:s} AND sms_segments > 0 AND sms_compte_le >= {:debut}
					AND sms_compte_le < {:fin} AND id != {:id}`, dbx.Params{"s": structure,
					"debut": model.DBDate(debut), "fin": model.DBDate(fin), "id": envoi.Id})).Row(&used)
			if err != nil {
				return fmt.Errorf("sms used by %s: %w", structure, err)
			}
			if used+segments > s.Budget {
				return ErrBudgetSMS
			}
		}
		_, err = tx.DB().Update("envois", dbx.Params{"sms_segments": segments, "sms_compte_le": model.DBDate(now)},
			dbx.HashExp{"id": envoi.Id}).Execute()
		if err != nil {
			return fmt.Errorf("claim sms budget: %w", err)
		}
		envoi.Set("sms_segments", segments)
		envoi.Set("sms_compte_le", now)
		return nil
	})
}

// UsageSMS is a structure's SMS of its current local month.
type UsageSMS struct {
	Segments, Budget int // Budget 0: no limit
	Mois             time.Time
}

// SMSUsage is the segments counted this month for the structure.
func SMSUsage(app core.App, structure *core.Record) (UsageSMS, error) {
	debut, fin := MoisLocal(clock.Now(app), structure.GetString("fuseau"))
	u := UsageSMS{Budget: structure.GetInt("sms_budget_mensuel"), Mois: debut}
	err := app.DB().Select("COALESCE(SUM(sms_segments), 0)").From("envois").
		Where(dbx.NewExp(`structure = {:s} AND sms_segments > 0 AND sms_compte_le >= {:debut} AND sms_compte_le < {:fin}`,
			dbx.Params{"s": structure.Id, "debut": model.DBDate(debut), "fin": model.DBDate(fin)})).Row(&u.Segments)
	if err != nil {
		return u, fmt.Errorf("sms used by %s: %w", structure.Id, err)
	}
	return u, nil
}

// sendCounted sends one SMS whose budget is claimed, and keeps the
// provider's id; a message that did not leave gives its segments back.
func sendCounted(sender SMSSender, envoi *core.Record, n Notification) error {
	var id string
	var err error
	if t, ok := sender.(SMSSuivi); ok {
		id, err = t.SendTracked(n.Destinataire, n.Texte, envoi.Id)
	} else {
		err = sender.Send(n.Destinataire, n.Texte)
	}
	if err != nil {
		envoi.Set("sms_segments", 0)
		if sms.Definitif(err) {
			envoi.Set("tentatives", MaxTentatives-1) // a refusal: never retried
		}
		return err
	}
	envoi.Set("fournisseur_id", strings.TrimSpace(id))
	if id != "" {
		envoi.Set("livraison", string(sms.EtatEnCours))
	}
	return nil
}

// ErrRetoursRefuses is a delivery report with a wrong secret or provider.
var ErrRetoursRefuses = errors.New("sms delivery report refused")

// CheckRetoursSecret tells whether the secret of a delivery report URL is
// the instance's, for a provider that sends reports.
func CheckRetoursSecret(app core.App, fournisseur, secret string) error {
	if fournisseur != "brevo" && fournisseur != "ovh" {
		return ErrRetoursRefuses
	}
	p, err := Parametres(app)
	if err != nil {
		return err
	}
	stored := p.GetString("sms_retours_secret")
	if stored == "" || subtle.ConstantTimeCompare([]byte(stored), []byte(secret)) != 1 {
		return ErrRetoursRefuses
	}
	return nil
}

// RecordDelivery keeps a delivery report on the message it is about; a
// report about no message of ours is ignored. An SMS the operator gave up
// on becomes a failure, so that staff see whom to phone; a late « on its
// way » never hides a final state.
func RecordDelivery(app core.App, r sms.Retour) error {
	le := r.Le
	if le.IsZero() {
		le = clock.Now(app)
	}
	params := dbx.Params{"livraison": string(r.Etat), "le": model.DBDate(le), "id": r.ID,
		"now": model.DBDate(clock.Now(app))}
	set := "livraison = {:livraison}, livraison_le = {:le}, updated = {:now}"
	if r.Etat == sms.EtatNonLivre {
		set += ", statut = 'echec', tentatives = {:max}, erreur = {:erreur}"
		params["max"] = MaxTentatives
		params["erreur"] = ErrNonLivre.Error()
	}
	where := "fournisseur_id = {:id} AND canal = 'sms'"
	if r.Etat == sms.EtatEnCours {
		where += " AND livraison NOT IN ('livre', 'non_livre')"
	}
	if _, err := app.DB().NewQuery("UPDATE envois SET " + set + " WHERE " + where).Bind(params).Execute(); err != nil {
		return fmt.Errorf("record sms delivery: %w", err)
	}
	return nil
}

// ErrNonLivre is the recorded reason of an SMS that never reached the phone.
var ErrNonLivre = errors.New("SMS non reçu : le téléphone est éteint depuis longtemps ou le numéro n'existe plus, prévenez la personne par téléphone")
