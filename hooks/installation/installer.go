package installation

import (
	"errors"
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/comptes"
	"atelier/hooks/envois"
	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

// TestEmail sends the test e-mail to the address typed for the
// coordinateur, through the server typed on the page. Once it left, the
// server's settings are saved (the password too, never shown again) so
// that the person does not type the password twice; until the
// installation ends, nothing else is. It answers the field messages of
// the server part, or what went wrong with the sending.
func TestEmail(app core.App, token string, f Formulaire) (sent string, errs formulaire.Erreurs, err error) {
	if !ValidToken(app, token) {
		return "", nil, ErrTerminee
	}
	errs = formulaire.Erreurs{}
	c := checked{Formulaire: f}
	c.port = c.checkSMTP(app, errs)
	to, msg := checkEmail(f.Email, "Indiquez votre adresse e-mail : l'e-mail d'essai y sera envoyé.")
	if msg != "" {
		errs[ChampEmail] = msg
	}
	if len(errs) > 0 {
		return "", errs, nil
	}
	if err := envois.SendTestEmail(c.serveur(), c.serveur().Expediteur.Name, to); err != nil {
		return "", formulaire.Erreurs{ChampEssai: envois.MessageErreurSMTP(err)}, nil
	}
	settings, err := app.Settings().Clone()
	if err != nil {
		return "", nil, fmt.Errorf("installation settings: %w", err)
	}
	setSMTP(settings, c)
	if err := app.Save(settings); err != nil {
		return "", nil, fmt.Errorf("save the e-mail server: %w", err)
	}
	return to, nil, nil
}

// errRefused rolls the installation back when a check inside the
// transaction (the SMS provider's) refuses what was typed.
var errRefused = errors.New("installation refused")

// Install makes the instance: its name and address, the first structure,
// the first coordinateur (returned, to be signed in), the e-mail server
// and the SMS provider if one is chosen, in one transaction; then the
// token stops working for good. Bad input gives French messages by field
// and changes nothing.
func Install(app core.App, token string, f Formulaire) (*core.Record, formulaire.Erreurs, error) {
	if !ValidToken(app, token) {
		return nil, nil, ErrTerminee
	}
	c, errs := f.check(app)
	if len(errs) > 0 {
		return nil, errs, nil
	}
	var account *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		// Checked again inside the write: two forms sent at once make
		// one coordinateur.
		if !ValidToken(tx, token) {
			return ErrTerminee
		}
		structure, err := newStructure(tx, c)
		if err != nil {
			return err
		}
		account, err = comptes.NewFirstCoordinateur(tx, structure.Id, c.Prenom, c.Nom, c.Email, c.MotDePasse)
		if err != nil {
			return err
		}
		if err := tx.Save(account); err != nil {
			return fmt.Errorf("save the first coordinateur: %w", err)
		}
		if err := journal.LogGrant(tx, account, structure.Id,
			"Compte "+account.Id+" : créé à l'installation, rôle coordinateur"); err != nil {
			return err
		}
		if c.SMS.Fournisseur != "" && !envois.SMSFromEnvironment() {
			smsErrs, err := envois.SaveReglagesSMS(tx, model.NewStaffView(account), c.SMS)
			if err != nil {
				return err
			}
			if len(smsErrs) > 0 {
				errs = smsErrs
				return errRefused
			}
		}
		settings, err := tx.Settings().Clone()
		if err != nil {
			return fmt.Errorf("installation settings: %w", err)
		}
		settings.Meta.AppName = c.NomInstance
		settings.Meta.AppURL = c.AdresseInstance
		setSMTP(settings, c)
		if err := tx.Save(settings); err != nil {
			return fmt.Errorf("save the instance settings: %w", err)
		}
		p, err := envois.Parametres(tx)
		if err != nil {
			return err
		}
		p.Set(champJeton, "")
		if err := tx.Save(p); err != nil {
			return fmt.Errorf("close the installation: %w", err)
		}
		return nil
	})
	switch {
	case errors.Is(err, errRefused):
		return nil, errs, nil
	case err != nil:
		return nil, nil, err
	}
	return account, nil, nil
}

func newStructure(tx core.App, c checked) (*core.Record, error) {
	collection, err := tx.FindCachedCollectionByNameOrId("structures")
	if err != nil {
		return nil, fmt.Errorf("first structure: %w", err)
	}
	slug := texte.Slug(c.Structure, maxSlug)
	if slug == "" {
		slug = defaultStructureSlug
	}
	structure := core.NewRecord(collection)
	structure.Load(map[string]any{"nom": c.Structure, "slug": slug, "adresse": c.Adresse, "code_postal": c.CodePostal,
		"commune": c.Commune, "siret": c.SIRET, "fuseau": c.Zone})
	if err := tx.Save(structure); err != nil {
		return nil, fmt.Errorf("save the first structure: %w", err)
	}
	return structure, nil
}

func setSMTP(settings *core.Settings, c checked) {
	settings.SMTP.Enabled = true
	settings.SMTP.Host = c.SMTPHote
	settings.SMTP.Port = c.port
	settings.SMTP.Username = c.SMTPUtilisateur
	settings.SMTP.Password = c.SMTPMotDePasse
	settings.SMTP.TLS = c.SMTPTLS
	settings.Meta.SenderAddress = c.SMTPExpediteur
	if c.NomInstance != "" {
		settings.Meta.SenderName = c.NomInstance
	}
}
