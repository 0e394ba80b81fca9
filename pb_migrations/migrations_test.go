package pb_migrations

import (
	"slices"
	"strings"
	"testing"

	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

func newApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app, err := tests.NewTestApp(t.TempDir())
	if err != nil {
		t.Fatalf("new test app: %v", err)
	}
	t.Cleanup(app.Cleanup)
	return app
}

// expectedFields is the data model, field by field.
var expectedFields = map[string][]string{
	"utilisateurs": {"email", "password", "nom", "prenom", "role", "structures", "telephone", "actif", "confirme_pour"},
	"structures": {"nom", "slug", "typologie", "siret", "adresse", "code_postal", "commune", "code_insee",
		"telephone", "courriel", "site_web", "horaires", "presentation", "logo", "fuseau"},
	"lieux": {"structure", "nom", "adresse", "code_postal", "commune", "code_insee", "accessibilite", "latitude", "longitude"},
	"ateliers": {"titre", "besoin", "thematiques", "resume", "description", "objectifs", "prerequis", "niveau",
		"duree_minutes", "capacite_defaut", "materiel", "a_apporter", "structure", "actif"},
	"seances": {"atelier", "structure", "lieu", "animateurs", "debut", "fin", "capacite", "statut", "publique",
		"inscriptions_ouvertes", "serie", "participants_anonymes", "motif_annulation", "notes_internes", "sequence"},
	"beneficiaires": {"structure", "prenom", "nom", "telephone", "email", "annee_naissance", "genre", "statut_social",
		"commune", "code_postal", "code_insee", "notes", "consentement_le", "consentement_version",
		"derniere_activite", "anonymise", "fusionne_vers"},
	"inscriptions": {"seance", "beneficiaire", "statut", "rang_attente", "source", "inscrit_par", "jeton", "rappel_envoye_le", "code"},
	"accompagnements": {"conseiller", "structure", "date", "duree_minutes", "type_lieu", "commune", "code_insee",
		"thematiques", "materiel", "autonomie", "demarche", "oriente", "structure_redirection", "beneficiaire",
		"tranche_age", "genre", "statut_social", "notes", "thematiques_demarche", "premier_accompagnement", "etiquettes"},
	"etiquettes":   {"nom", "structure", "conseiller"},
	"attestations": {"beneficiaire", "seances", "code", "pdf", "emise_le", "emise_par", "revoquee_le", "motif_revocation", "contenu"},
	"rapports":     {"structure", "mois", "pdf", "xlsx", "statistiques", "genere_le", "envoye_le"},
	"envois":       {"canal", "destinataire", "objet", "evenement", "cible", "statut", "erreur", "envoye_le"},
}

func TestEveryCollectionAndFieldExists(t *testing.T) {
	app := newApp(t)
	for name, fields := range expectedFields {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Errorf("collection %s missing: %v", name, err)
			continue
		}
		for _, f := range append(fields, "created", "updated") {
			if c.Fields.GetByName(f) == nil {
				t.Errorf("%s.%s missing", name, f)
			}
		}
	}
	if c, _ := app.FindCollectionByNameOrId("utilisateurs"); c == nil || !c.IsAuth() {
		t.Error("utilisateurs must be an auth collection")
	}
}

func TestRequiredFields(t *testing.T) {
	app := newApp(t)
	required := map[string][]string{
		"structures":      {"nom", "slug", "fuseau"},
		"utilisateurs":    {"nom", "prenom", "role"},
		"lieux":           {"structure", "nom"},
		"ateliers":        {"titre", "besoin", "thematiques", "resume", "niveau", "duree_minutes", "capacite_defaut"},
		"seances":         {"atelier", "structure", "lieu", "debut", "fin", "capacite", "statut"},
		"beneficiaires":   {"structure"},
		"inscriptions":    {"seance", "beneficiaire", "statut", "source"},
		"accompagnements": {"conseiller", "structure", "date", "duree_minutes", "type_lieu", "thematiques"},
		"attestations":    {"beneficiaire", "code", "emise_le"},
		"rapports":        {"structure", "mois"},
		"envois":          {"canal", "destinataire", "evenement", "statut"},
	}
	for name, fields := range required {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fields {
			field := c.Fields.GetByName(f)
			if field == nil {
				t.Errorf("%s.%s missing", name, f)
				continue
			}
			if r, ok := field.(interface{ GetRequired() bool }); ok && !r.GetRequired() {
				t.Errorf("%s.%s should be required", name, f)
			} else if !ok && !reflectRequired(field) {
				t.Errorf("%s.%s should be required", name, f)
			}
		}
	}
}

func reflectRequired(f core.Field) bool {
	switch v := f.(type) {
	case *core.TextField:
		return v.Required
	case *core.NumberField:
		return v.Required
	case *core.SelectField:
		return v.Required
	case *core.RelationField:
		return v.Required
	case *core.DateField:
		return v.Required
	}
	return false
}

func TestSelectValuesFollowTheReference(t *testing.T) {
	app := newApp(t)
	selects := []struct {
		collection, field string
		list              referentiel.List
		multiple          bool
	}{
		{"ateliers", "besoin", referentiel.Besoins, false},
		{"ateliers", "thematiques", referentiel.Thematiques, true},
		{"ateliers", "niveau", referentiel.Niveaux, false},
		{"ateliers", "materiel", referentiel.Materiels, true},
		{"utilisateurs", "role", referentiel.Roles, false},
		{"seances", "statut", referentiel.StatutsSeance, false},
		{"inscriptions", "statut", referentiel.StatutsInscription, false},
		{"inscriptions", "source", referentiel.SourcesInscription, false},
		{"beneficiaires", "genre", referentiel.Genres, false},
		{"beneficiaires", "statut_social", referentiel.StatutsSociaux, false},
		{"accompagnements", "type_lieu", referentiel.TypesLieu, false},
		{"accompagnements", "thematiques", referentiel.Thematiques, true},
		{"accompagnements", "autonomie", referentiel.Autonomies, false},
		{"accompagnements", "structure_redirection", referentiel.StructuresRedirection, false},
		{"accompagnements", "tranche_age", referentiel.TranchesAge, false},
		{"envois", "canal", referentiel.CanauxEnvoi, false},
		{"envois", "statut", referentiel.StatutsEnvoi, false},
		{"envois", "evenement", referentiel.EvenementsEnvoi, false},
		{"journal", "action", referentiel.ActionsJournal, false},
	}
	for _, s := range selects {
		c, err := app.FindCollectionByNameOrId(s.collection)
		if err != nil {
			t.Fatal(err)
		}
		field, ok := c.Fields.GetByName(s.field).(*core.SelectField)
		if !ok {
			t.Errorf("%s.%s is not a select", s.collection, s.field)
			continue
		}
		if !slices.Equal(field.Values, s.list.Values()) {
			t.Errorf("%s.%s values = %v, want %v", s.collection, s.field, field.Values, s.list.Values())
		}
		if field.IsMultiple() != s.multiple {
			t.Errorf("%s.%s multiple = %v, want %v", s.collection, s.field, field.IsMultiple(), s.multiple)
		}
	}
	// The labels users see are the ones of La Coop.
	if got := referentiel.Besoins.Label("emploi"); got != "Je veux trouver un emploi ou une formation" {
		t.Errorf("besoin label = %q", got)
	}
	if len(referentiel.Thematiques) != 19 || len(referentiel.Besoins) != 8 || len(referentiel.TranchesAge) != 8 {
		t.Error("reference lists do not match La Coop's labels")
	}
}

func TestHiddenFields(t *testing.T) {
	app := newApp(t)
	for _, f := range []struct{ collection, field string }{
		{"inscriptions", "jeton"}, {"seances", "notes_internes"}, {"inscriptions", "code"},
		{"utilisateurs", "invitation_empreinte"},
	} {
		c, err := app.FindCollectionByNameOrId(f.collection)
		if err != nil {
			t.Fatal(err)
		}
		if field := c.Fields.GetByName(f.field); field == nil || !field.GetHidden() {
			t.Errorf("%s.%s must be hidden", f.collection, f.field)
		}
	}
}

func TestIndexes(t *testing.T) {
	app := newApp(t)
	wanted := map[string][]string{
		"inscriptions": {"CREATE UNIQUE INDEX `idx_inscriptions_seance_beneficiaire`", "`idx_inscriptions_seance_statut`",
			"CREATE UNIQUE INDEX `idx_inscriptions_jeton`", "CREATE UNIQUE INDEX `idx_inscriptions_code`"},
		"rapports":        {"CREATE UNIQUE INDEX `idx_rapports_structure_mois`"},
		"structures":      {"CREATE UNIQUE INDEX `idx_structures_slug`"},
		"attestations":    {"CREATE UNIQUE INDEX `idx_attestations_code`"},
		"seances":         {"`idx_seances_public_upcoming`", "`idx_seances_structure_debut`"},
		"beneficiaires":   {"`idx_beneficiaires_telephone`", "`idx_beneficiaires_email`"},
		"accompagnements": {"`idx_accompagnements_structure_date`"},
	}
	for name, indexes := range wanted {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(c.Indexes, "\n")
		for _, idx := range indexes {
			if !strings.Contains(all, idx) {
				t.Errorf("%s: index %s missing in\n%s", name, idx, all)
			}
		}
		// the index exists in SQLite, not only in the collection definition
		for _, def := range c.Indexes {
			idxName := strings.Split(strings.Split(def, "`")[1], "`")[0]
			var n int
			if err := app.DB().NewQuery("SELECT count(*) FROM sqlite_master WHERE type='index' AND name={:n}").
				Bind(map[string]any{"n": idxName}).Row(&n); err != nil || n != 1 {
				t.Errorf("index %s not in the database (%v)", idxName, err)
			}
		}
	}
}

func TestUniqueConstraintsHold(t *testing.T) {
	app := newApp(t)
	structures, _ := app.FindCollectionByNameOrId("structures")
	for i := 0; i < 2; i++ {
		r := core.NewRecord(structures)
		r.Load(map[string]any{"nom": "Double", "slug": "meme-slug", "fuseau": "Europe/Paris"})
		err := app.Save(r)
		if i == 1 && err == nil {
			t.Fatal("a second structure with the same slug was accepted")
		}
		if i == 0 && err != nil {
			t.Fatal(err)
		}
	}
}

func TestCatalogueIsSeeded(t *testing.T) {
	app := newApp(t)
	records, err := app.FindAllRecords("ateliers")
	if err != nil {
		t.Fatal(err)
	}
	if len(records) < 25 || len(records) != len(defaultCatalogue) {
		t.Fatalf("catalogue has %d workshops, want %d (≥ 25)", len(records), len(defaultCatalogue))
	}
	besoins := map[string]bool{}
	for _, r := range records {
		besoins[r.GetString("besoin")] = true
		if r.GetString("structure") != "" || !r.GetBool("actif") {
			t.Errorf("%q should be shared and active", r.GetString("titre"))
		}
		if r.GetString("resume") == "" || r.GetInt("duree_minutes") == 0 || r.GetInt("capacite_defaut") == 0 ||
			r.GetString("niveau") == "" || len(r.GetStringSlice("thematiques")) == 0 {
			t.Errorf("%q is incomplete", r.GetString("titre"))
		}
	}
	for _, b := range referentiel.Besoins.Values() {
		if !besoins[b] {
			t.Errorf("no workshop for besoin %s", b)
		}
	}
	if err := validateCatalogue(defaultCatalogue); err != nil {
		t.Fatal(err)
	}
}

func TestMigrationsRunTwiceHarmlessly(t *testing.T) {
	app := newApp(t)
	before, _ := app.FindAllRecords("ateliers")
	if err := app.RunAllMigrations(); err != nil {
		t.Fatalf("second run: %v", err)
	}
	// Even forced, the seeding finds its workshops and adds nothing.
	if err := seedCatalogue(app); err != nil {
		t.Fatalf("seed again: %v", err)
	}
	after, _ := app.FindAllRecords("ateliers")
	if len(after) != len(before) {
		t.Fatalf("catalogue grew from %d to %d", len(before), len(after))
	}
}

func TestMigrationsGoDownAndUpAgain(t *testing.T) {
	app := newApp(t)
	runner := core.NewMigrationsRunner(app, core.AppMigrations)
	// Every migration goes down, whoever added the last one.
	if _, err := runner.Down(len(core.AppMigrations.Items())); err != nil {
		t.Fatalf("down: %v", err)
	}
	if _, err := app.FindCollectionByNameOrId("seances"); err == nil {
		t.Fatal("seances still exists after down")
	}
	if err := app.RunAllMigrations(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	if _, err := app.FindCollectionByNameOrId("seances"); err != nil {
		t.Fatal("seances missing after up")
	}
}

// A fresh install has no users collection: staff are utilisateurs, and
// nobody signs up.
func TestNoDefaultUsersCollection(t *testing.T) {
	app := newApp(t)
	if _, err := app.FindCollectionByNameOrId("users"); err == nil {
		t.Fatal("PocketBase's users collection is still there")
	}
	for _, c := range mustCollections(t, app) {
		if c.IsAuth() && c.Name != "utilisateurs" && c.Name != core.CollectionNameSuperusers {
			t.Errorf("unexpected auth collection %s", c.Name)
		}
	}
}

func mustCollections(t *testing.T, app core.App) []*core.Collection {
	t.Helper()
	all, err := app.FindAllCollections()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestStaffAuthConfiguration(t *testing.T) {
	app := newApp(t)
	c, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		t.Fatal(err)
	}
	if c.AuthRule == nil || *c.AuthRule != "actif = true" {
		t.Errorf("authRule = %v, want actif = true", c.AuthRule)
	}
	// Passwords and e-mail addresses are changed by the account itself or
	// an administrator: no staff member manages another's.
	if c.ManageRule != nil {
		t.Errorf("manageRule = %v, want superusers only", *c.ManageRule)
	}
	want := currentRules()
	want["utilisateurs"] = invitationRules() // 1763900023
	for name, r := range want {
		c, _ := app.FindCollectionByNameOrId(name)
		if c == nil || !ptrEqual(c.ListRule, r.list) || !ptrEqual(c.ViewRule, r.view) || !ptrEqual(c.CreateRule, r.create) ||
			!ptrEqual(c.UpdateRule, r.update) || !ptrEqual(c.DeleteRule, r.delete) {
			t.Errorf("rules of %s not applied", name)
		}
	}
}

func ptrEqual(a, b *string) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

func TestValidateCatalogueRefusesBadEntries(t *testing.T) {
	good := defaultCatalogue[0]
	cases := map[string]func(e *catalogueEntry){
		"besoin inconnu":      func(e *catalogueEntry) { e.Besoin = "voler" },
		"thématique inconnue": func(e *catalogueEntry) { e.Thematiques = []string{"cuisine"} },
		"thématiques":         func(e *catalogueEntry) { e.Thematiques = nil },
		"résumé":              func(e *catalogueEntry) { e.Resume = strings.Repeat("é", 161) },
		"durée":               func(e *catalogueEntry) { e.DureeMinutes = 10 },
		"capacité":            func(e *catalogueEntry) { e.CapaciteDefaut = 0 },
		"niveau inconnu":      func(e *catalogueEntry) { e.Niveau = "expert" },
		"matériel inconnu":    func(e *catalogueEntry) { e.Materiel = []string{"fax"} },
	}
	for want, spoil := range cases {
		entries := append([]catalogueEntry(nil), defaultCatalogue...)
		bad := good
		spoil(&bad)
		entries[0] = bad
		err := validateCatalogue(entries)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: got %v", want, err)
		}
	}
	dup := append(append([]catalogueEntry(nil), defaultCatalogue...), good)
	if err := validateCatalogue(dup); err == nil || !strings.Contains(err.Error(), "en double") {
		t.Errorf("duplicate title: got %v", err)
	}
	if err := validateCatalogue(defaultCatalogue[:1]); err == nil || !strings.Contains(err.Error(), "aucun atelier pour le besoin") {
		t.Errorf("missing besoin: got %v", err)
	}
}

func TestPublicFormsAreRateLimited(t *testing.T) {
	app := newApp(t)
	limits := app.Settings().RateLimits
	if !limits.Enabled {
		t.Fatal("rate limiting is off")
	}
	for _, label := range []string{"POST /ateliers/abc/inscription", "POST /inscription/jeton"} {
		rule, ok := limits.FindRateLimitRule([]string{label}, core.RateLimitRuleAudienceAll, core.RateLimitRuleAudienceGuest)
		if !ok || rule.MaxRequests > 20 {
			t.Errorf("%s: rule %+v, found %v", label, rule, ok)
		}
	}
}
