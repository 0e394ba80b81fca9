package pb_migrations

import (
	"slices"
	"strings"
	"testing"

	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/pocketbase/core"
)

func TestPrivacyCollections(t *testing.T) {
	app := newApp(t)
	want := map[string][]string{
		"parametres": {"responsable_traitement", "adresse_postale", "contact_courriel", "dpo_nom", "dpo_courriel",
			"duree_inactivite_mois", "duree_envois_mois", "created", "updated"},
		"journal": {"auteur", "auteur_nom", "action", "beneficiaire", "structure", "details", "created", "updated"},
	}
	for name, fields := range want {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatalf("collection %s missing: %v", name, err)
		}
		for _, f := range fields {
			if c.Fields.GetByName(f) == nil {
				t.Errorf("%s.%s missing", name, f)
			}
		}
	}
	journal, _ := app.FindCollectionByNameOrId("journal")
	action, ok := journal.Fields.GetByName("action").(*core.SelectField)
	if !ok || !slices.Equal(action.Values, referentiel.ActionsJournal.Values()) {
		t.Errorf("journal.action values = %v", action)
	}
	// Coordinateurs read the log; nobody writes it through the API.
	if journal.ListRule == nil || !strings.Contains(*journal.ListRule, `"coordinateur"`) || journal.ViewRule == nil {
		t.Errorf("journal read rules = %v %v", journal.ListRule, journal.ViewRule)
	}
	if journal.CreateRule != nil || journal.UpdateRule != nil || journal.DeleteRule != nil {
		t.Error("journal must not be writable through the API")
	}
	parametres, _ := app.FindCollectionByNameOrId("parametres")
	if parametres.ListRule != nil || parametres.ViewRule != nil || parametres.CreateRule != nil ||
		parametres.UpdateRule != nil || parametres.DeleteRule != nil {
		t.Error("parametres must be for administrators only")
	}
}

func TestPrivacySettingsAreSeeded(t *testing.T) {
	app := newApp(t)
	records, err := app.FindAllRecords("parametres")
	if err != nil || len(records) != 1 {
		t.Fatalf("parametres: %d records (%v), want 1", len(records), err)
	}
	r := records[0]
	if r.Id != ParametresID || r.GetInt("duree_inactivite_mois") != 12 || r.GetInt("duree_envois_mois") != 12 {
		t.Errorf("seeded settings = %v", r.FieldsData())
	}
}

func TestDailyBackupsAreOnByDefault(t *testing.T) {
	app := newApp(t)
	backups := app.Settings().Backups
	if backups.Cron != defaultBackupCron || backups.CronMaxKeep < 7 {
		t.Fatalf("backups = %+v", backups)
	}
}

// An administrator's own schedule, set before an upgrade, is kept.
func TestBackupScheduleOfTheAdministratorIsKept(t *testing.T) {
	app := newApp(t)
	if err := dropPrivacy(app); err != nil {
		t.Fatal(err)
	}
	if app.Settings().Backups.Cron != "" {
		t.Fatalf("down left cron %q", app.Settings().Backups.Cron)
	}
	settings := app.Settings()
	settings.Backups.Cron = "30 22 * * 0"
	settings.Backups.CronMaxKeep = 2
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	if err := createPrivacy(app); err != nil {
		t.Fatal(err)
	}
	if b := app.Settings().Backups; b.Cron != "30 22 * * 0" || b.CronMaxKeep != 2 {
		t.Fatalf("administrator's choice overridden: %+v", b)
	}
	if _, err := app.FindRecordById("parametres", ParametresID); err != nil {
		t.Fatalf("settings record after up again: %v", err)
	}
}
