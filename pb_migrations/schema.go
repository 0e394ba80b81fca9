package pb_migrations

import (
	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/pocketbase/core"
)

// Small field constructors keep the collection definitions readable as a
// list of "name: kind, constraints", close to the data model.

func text(name string, required bool, max int) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max}
}

func pattern(name string, required bool, max int, re string) *core.TextField {
	return &core.TextField{Name: name, Required: required, Max: max, Pattern: re}
}

func number(name string, required bool, min, max float64) *core.NumberField {
	return &core.NumberField{Name: name, Required: required, Min: &min, Max: &max, OnlyInt: true}
}

func decimal(name string, min, max float64) *core.NumberField {
	return &core.NumberField{Name: name, Min: &min, Max: &max}
}

func choice(name string, required bool, list referentiel.List) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, Values: list.Values(), MaxSelect: 1}
}

func choices(name string, required bool, list referentiel.List) *core.SelectField {
	return &core.SelectField{Name: name, Required: required, Values: list.Values(), MaxSelect: len(list)}
}

func relation(name string, required bool, target *core.Collection, cascade bool) *core.RelationField {
	return &core.RelationField{Name: name, Required: required, CollectionId: target.Id, CascadeDelete: cascade, MaxSelect: 1}
}

func relations(name string, target *core.Collection, max int) *core.RelationField {
	return &core.RelationField{Name: name, CollectionId: target.Id, MaxSelect: max}
}

func date(name string, required bool) *core.DateField {
	return &core.DateField{Name: name, Required: required}
}

func flag(name string) *core.BoolField {
	return &core.BoolField{Name: name}
}

func timestamps(c *core.Collection) {
	c.Fields.Add(
		&core.AutodateField{Name: "created", OnCreate: true},
		&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
	)
}

// Patterns shared by several collections.
const (
	patternCodePostal = `^(?:[0-9]{5})?$`
	patternCodeInsee  = `^(?:[0-9][0-9AB][0-9]{3})?$`
	patternTelephone  = `^(?:\+[1-9][0-9]{6,14})?$` // E.164, normalised by the forms
	patternMois       = `^[0-9]{4}-(?:0[1-9]|1[0-2])$`
	patternSlug       = `^[a-z0-9]+(?:-[a-z0-9]+)*$`
)

// Max sizes of free texts: generous for people, bounded for the database.
const (
	maxCourt = 200
	maxLong  = 5000
)

func newStructures() *core.Collection {
	c := core.NewBaseCollection("structures")
	c.Fields.Add(
		&core.TextField{Name: "nom", Required: true, Max: maxCourt, Presentable: true},
		pattern("slug", true, 80, patternSlug),
		choices("typologie", false, referentiel.Typologies),
		pattern("siret", false, 14, `^(?:[0-9]{14})?$`),
		text("adresse", false, maxCourt),
		pattern("code_postal", false, 5, patternCodePostal),
		text("commune", false, maxCourt),
		pattern("code_insee", false, 5, patternCodeInsee),
		pattern("telephone", false, 16, patternTelephone),
		&core.EmailField{Name: "courriel"},
		&core.URLField{Name: "site_web"},
		text("horaires", false, 1000),
		text("presentation", false, 280),
		&core.FileField{Name: "logo", MaxSelect: 1, MaxSize: 1 << 20,
			MimeTypes: []string{"image/png", "image/jpeg", "image/webp", "image/svg+xml"}, Thumbs: []string{"0x120"}},
		&core.TextField{Name: "fuseau", Required: true, Max: 64,
			Help: "Fuseau horaire IANA, par exemple Europe/Paris ou Indian/Reunion"},
	)
	timestamps(c)
	c.AddIndex("idx_structures_slug", true, "slug", "")
	return c
}

func newUtilisateurs(structures *core.Collection) *core.Collection {
	c := core.NewAuthCollection("utilisateurs")
	c.Fields.Add(
		&core.TextField{Name: "nom", Required: true, Max: maxCourt, Presentable: true},
		&core.TextField{Name: "prenom", Required: true, Max: maxCourt, Presentable: true},
		choice("role", true, referentiel.Roles),
		relations("structures", structures, 50),
		pattern("telephone", false, 16, patternTelephone),
		flag("actif"),
	)
	timestamps(c)
	return c
}

func newLieux(structures *core.Collection) *core.Collection {
	c := core.NewBaseCollection("lieux")
	c.Fields.Add(
		relation("structure", true, structures, false),
		&core.TextField{Name: "nom", Required: true, Max: maxCourt, Presentable: true},
		text("adresse", false, maxCourt),
		pattern("code_postal", false, 5, patternCodePostal),
		text("commune", false, maxCourt),
		pattern("code_insee", false, 5, patternCodeInsee),
		text("accessibilite", false, 1000),
		decimal("latitude", -90, 90),
		decimal("longitude", -180, 180),
	)
	timestamps(c)
	c.AddIndex("idx_lieux_structure", false, "structure", "")
	return c
}

func newAteliers(structures *core.Collection) *core.Collection {
	c := core.NewBaseCollection("ateliers")
	c.Fields.Add(
		&core.TextField{Name: "titre", Required: true, Max: maxCourt, Presentable: true},
		choice("besoin", true, referentiel.Besoins),
		choices("thematiques", true, referentiel.Thematiques),
		text("resume", true, 300),
		text("description", false, maxLong),
		text("objectifs", false, maxLong),
		text("prerequis", false, 1000),
		choice("niveau", true, referentiel.Niveaux),
		number("duree_minutes", true, 15, 600),
		number("capacite_defaut", true, 1, 500),
		choices("materiel", false, referentiel.Materiels),
		text("a_apporter", false, 1000),
		// Empty structure means the workshop is shared by every structure.
		relation("structure", false, structures, false),
		flag("actif"),
	)
	timestamps(c)
	c.AddIndex("idx_ateliers_structure", false, "structure, actif", "")
	return c
}

func newSeances(ateliers, structures, lieux, utilisateurs *core.Collection) *core.Collection {
	c := core.NewBaseCollection("seances")
	c.Fields.Add(
		relation("atelier", true, ateliers, false),
		relation("structure", true, structures, false),
		relation("lieu", true, lieux, false),
		relations("animateurs", utilisateurs, 10),
		date("debut", true),
		date("fin", true),
		number("capacite", true, 1, 500),
		choice("statut", true, referentiel.StatutsSeance),
		flag("publique"),
		flag("inscriptions_ouvertes"),
		pattern("serie", false, 32, `^[a-z0-9]*$`),
		number("participants_anonymes", false, 0, 1000),
		text("motif_annulation", false, 1000),
		&core.TextField{Name: "notes_internes", Max: maxLong, Hidden: true},
	)
	timestamps(c)
	c.AddIndex("idx_seances_public_upcoming", false, "publique, statut, debut", "")
	c.AddIndex("idx_seances_structure_debut", false, "structure, debut", "")
	c.AddIndex("idx_seances_serie", false, "serie", "serie != ''")
	return c
}

func newBeneficiaires(structures *core.Collection) *core.Collection {
	c := core.NewBaseCollection("beneficiaires")
	c.Fields.Add(
		relation("structure", true, structures, false),
		// Names are required by a hook unless the person was anonymised.
		&core.TextField{Name: "prenom", Max: maxCourt, Presentable: true},
		&core.TextField{Name: "nom", Max: maxCourt, Presentable: true},
		pattern("telephone", false, 16, patternTelephone),
		&core.EmailField{Name: "email"},
		number("annee_naissance", false, 1900, 2100),
		choice("genre", false, referentiel.Genres),
		choice("statut_social", false, referentiel.StatutsSociaux),
		text("commune", false, maxCourt),
		pattern("code_postal", false, 5, patternCodePostal),
		pattern("code_insee", false, 5, patternCodeInsee),
		text("notes", false, maxLong),
		date("consentement_le", false),
		text("consentement_version", false, 32),
		date("derniere_activite", false),
		flag("anonymise"),
	)
	timestamps(c)
	c.AddIndex("idx_beneficiaires_telephone", false, "structure, telephone", "telephone != ''")
	c.AddIndex("idx_beneficiaires_email", false, "structure, email", "email != ''")
	c.AddIndex("idx_beneficiaires_nom", false, "structure, nom, prenom", "")
	c.AddIndex("idx_beneficiaires_activite", false, "derniere_activite", "")
	return c
}

func newInscriptions(seances, beneficiaires *core.Collection) *core.Collection {
	c := core.NewBaseCollection("inscriptions")
	c.Fields.Add(
		// Deleting a session deletes its registrations; a beneficiary with
		// registrations cannot be deleted (anonymise or merge instead).
		relation("seance", true, seances, true),
		relation("beneficiaire", true, beneficiaires, false),
		choice("statut", true, referentiel.StatutsInscription),
		number("rang_attente", false, 0, 100000),
		choice("source", true, referentiel.SourcesInscription),
		text("inscrit_par", false, maxCourt),
		&core.TextField{Name: "jeton", Hidden: true, Max: 64, Pattern: `^[A-Za-z0-9]*$`,
			AutogeneratePattern: `[A-Za-z0-9]{43}`},
		date("rappel_envoye_le", false),
	)
	timestamps(c)
	c.AddIndex("idx_inscriptions_seance_beneficiaire", true, "seance, beneficiaire", "")
	c.AddIndex("idx_inscriptions_seance_statut", false, "seance, statut, rang_attente", "")
	c.AddIndex("idx_inscriptions_beneficiaire", false, "beneficiaire", "")
	c.AddIndex("idx_inscriptions_jeton", true, "jeton", "jeton != ''")
	return c
}

func newAccompagnements(utilisateurs, structures, beneficiaires *core.Collection) *core.Collection {
	c := core.NewBaseCollection("accompagnements")
	c.Fields.Add(
		relation("conseiller", true, utilisateurs, false),
		relation("structure", true, structures, false),
		date("date", true),
		number("duree_minutes", true, 1, 1440),
		choice("type_lieu", true, referentiel.TypesLieu),
		text("commune", false, maxCourt),
		pattern("code_postal", false, 5, patternCodePostal),
		pattern("code_insee", false, 5, patternCodeInsee),
		choices("thematiques", true, referentiel.Thematiques),
		choices("materiel", false, referentiel.Materiels),
		choice("autonomie", false, referentiel.Autonomies),
		text("demarche", false, maxCourt),
		flag("oriente"),
		choice("structure_redirection", false, referentiel.StructuresRedirection),
		relation("beneficiaire", false, beneficiaires, false),
		choice("tranche_age", false, referentiel.TranchesAge),
		choice("genre", false, referentiel.Genres),
		choice("statut_social", false, referentiel.StatutsSociaux),
		text("notes", false, maxLong),
	)
	timestamps(c)
	c.AddIndex("idx_accompagnements_structure_date", false, "structure, date", "")
	c.AddIndex("idx_accompagnements_conseiller_date", false, "conseiller, date", "")
	c.AddIndex("idx_accompagnements_beneficiaire", false, "beneficiaire", "beneficiaire != ''")
	return c
}

func newAttestations(beneficiaires, seances, utilisateurs *core.Collection) *core.Collection {
	c := core.NewBaseCollection("attestations")
	c.Fields.Add(
		relation("beneficiaire", true, beneficiaires, true),
		relations("seances", seances, 500),
		&core.TextField{Name: "code", Required: true, Max: 32, Pattern: `^[A-Z0-9-]+$`, Presentable: true},
		&core.FileField{Name: "pdf", MaxSelect: 1, MaxSize: 10 << 20, MimeTypes: []string{"application/pdf"}, Protected: true},
		date("emise_le", true),
		relation("emise_par", false, utilisateurs, false),
	)
	timestamps(c)
	c.AddIndex("idx_attestations_code", true, "code", "")
	c.AddIndex("idx_attestations_beneficiaire", false, "beneficiaire", "")
	return c
}

func newRapports(structures *core.Collection) *core.Collection {
	c := core.NewBaseCollection("rapports")
	c.Fields.Add(
		relation("structure", true, structures, false),
		pattern("mois", true, 7, patternMois),
		&core.FileField{Name: "pdf", MaxSelect: 1, MaxSize: 20 << 20, MimeTypes: []string{"application/pdf"}, Protected: true},
		&core.FileField{Name: "xlsx", MaxSelect: 1, MaxSize: 20 << 20, Protected: true,
			MimeTypes: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"}},
		&core.JSONField{Name: "statistiques", MaxSize: 2 << 20},
		date("genere_le", false),
		date("envoye_le", false),
	)
	timestamps(c)
	c.AddIndex("idx_rapports_structure_mois", true, "structure, mois", "")
	return c
}

func newEnvois(structures *core.Collection) *core.Collection {
	c := core.NewBaseCollection("envois")
	c.Fields.Add(
		// The structure on whose behalf the message went; it scopes access.
		relation("structure", false, structures, false),
		choice("canal", true, referentiel.CanauxEnvoi),
		text("destinataire", true, 320),
		text("objet", false, 300),
		choice("evenement", true, referentiel.EvenementsEnvoi),
		text("cible", false, 32),
		choice("statut", true, referentiel.StatutsEnvoi),
		text("erreur", false, 2000),
		number("tentatives", false, 0, 100),
		date("envoye_le", false),
	)
	timestamps(c)
	c.AddIndex("idx_envois_cible", false, "cible", "")
	c.AddIndex("idx_envois_statut", false, "statut, created", "")
	c.AddIndex("idx_envois_structure", false, "structure, created", "")
	return c
}
