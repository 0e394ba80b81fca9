package pb_migrations

import (
	"fmt"

	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Privacy (RGPD) and operations: the instance's privacy settings (one
// record, edited by administrators in /_/), the audit log of accesses to
// beneficiaries' data, and daily automatic backups.
func init() {
	m.Register(createPrivacy, dropPrivacy)
}

// ParametresID is the id of the one privacy settings record created here.
const ParametresID = "parametres00000"

// Default retention periods, in months (12 months, configurable).
const (
	defaultInactiviteMois = 12
	defaultEnvoisMois     = 12
)

// Daily backups at 3 a.m. (UTC, the scheduler's clock), the last seven kept.
const (
	defaultBackupCron    = "0 3 * * *"
	defaultBackupMaxKeep = 7
)

func newParametres() *core.Collection {
	c := core.NewBaseCollection("parametres")
	c.Fields.Add(
		&core.TextField{Name: "responsable_traitement", Max: maxCourt, Presentable: true,
			Help: "L'organisme responsable des données des bénéficiaires (la structure ou la collectivité qui héberge Atelier)"},
		&core.TextField{Name: "adresse_postale", Max: 500,
			Help: "Adresse où écrire pour exercer ses droits"},
		&core.EmailField{Name: "contact_courriel",
			Help: "Adresse e-mail où écrire pour exercer ses droits"},
		&core.TextField{Name: "dpo_nom", Max: maxCourt, Help: "Délégué à la protection des données (facultatif)"},
		&core.EmailField{Name: "dpo_courriel", Help: "E-mail du délégué à la protection des données (facultatif)"},
		&core.NumberField{Name: "duree_inactivite_mois", Required: true, Min: floatPtr(1), Max: floatPtr(120), OnlyInt: true,
			Help: "Après combien de mois sans activité le nom et les coordonnées d'une personne sont effacés"},
		&core.NumberField{Name: "duree_envois_mois", Required: true, Min: floatPtr(1), Max: floatPtr(120), OnlyInt: true,
			Help: "Combien de mois la liste des messages envoyés est gardée"},
	)
	timestamps(c)
	return c
}

func newJournal(utilisateurs, structures *core.Collection) *core.Collection {
	c := core.NewBaseCollection("journal")
	c.Fields.Add(
		// The staff member, and their name at the time: the account may be
		// renamed or deleted, the log must still tell who it was.
		relation("auteur", false, utilisateurs, false),
		text("auteur_nom", true, 400),
		choice("action", true, referentiel.ActionsJournal),
		// An id, not a relation: the entry outlives the record it is about.
		pattern("beneficiaire", false, 15, `^[a-z0-9]*$`),
		relation("structure", false, structures, false),
		text("details", false, 1000),
	)
	timestamps(c)
	c.AddIndex("idx_journal_created", false, "created", "")
	c.AddIndex("idx_journal_structure", false, "structure, created", "")
	c.AddIndex("idx_journal_beneficiaire", false, "beneficiaire", "beneficiaire != ''")
	return c
}

// privacyRules: nobody but administrators reads or writes the settings
// through the API (the public page reads them on the server); the log is
// written by the server only and read by coordinateurs.
func privacyRules() map[string]collectionRules {
	return map[string]collectionRules{
		"parametres": {},
		"journal": {
			list: rule(isCoordinateur),
			view: rule(isCoordinateur),
		},
	}
}

func createPrivacy(app core.App) error {
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("privacy: %w", err)
	}
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return fmt.Errorf("privacy: %w", err)
	}
	rules := privacyRules()
	for _, c := range []*core.Collection{newParametres(), newJournal(utilisateurs, structures)} {
		applyRules(c, rules[c.Name])
		if err := app.Save(c); err != nil {
			return fmt.Errorf("create collection %s: %w", c.Name, err)
		}
	}
	if err := seedParametres(app); err != nil {
		return err
	}
	return enableBackups(app)
}

// seedParametres creates the one settings record with the default periods.
func seedParametres(app core.App) error {
	c, err := app.FindCollectionByNameOrId("parametres")
	if err != nil {
		return fmt.Errorf("seed settings: %w", err)
	}
	r := core.NewRecord(c)
	r.Id = ParametresID
	r.Set("duree_inactivite_mois", defaultInactiviteMois)
	r.Set("duree_envois_mois", defaultEnvoisMois)
	if err := app.Save(r); err != nil {
		return fmt.Errorf("seed settings: %w", err)
	}
	return nil
}

// enableBackups turns PocketBase's daily backups on, unless an
// administrator already chose a schedule (which is then kept).
func enableBackups(app core.App) error {
	settings := app.Settings()
	if settings.Backups.Cron != "" {
		return nil
	}
	settings.Backups.Cron = defaultBackupCron
	settings.Backups.CronMaxKeep = max(settings.Backups.CronMaxKeep, defaultBackupMaxKeep)
	if err := app.Save(settings); err != nil {
		return fmt.Errorf("enable backups: %w", err)
	}
	return nil
}

func dropPrivacy(app core.App) error {
	for _, name := range []string{"journal", "parametres"} {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			continue // already gone
		}
		if err := app.Delete(c); err != nil {
			return fmt.Errorf("drop collection %s: %w", name, err)
		}
	}
	settings := app.Settings()
	if settings.Backups.Cron == defaultBackupCron {
		settings.Backups.Cron = ""
		if err := app.Save(settings); err != nil {
			return fmt.Errorf("disable backups: %w", err)
		}
	}
	return nil
}

func floatPtr(f float64) *float64 { return &f }
