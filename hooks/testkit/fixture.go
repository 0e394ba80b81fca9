package testkit

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Fixture names. Structure A is in mainland France, B in La Réunion, C is
// empty. Records named "...A" belong to A, "...B" to B.
const (
	StructureA = "structurea"
	StructureB = "structureb"
	StructureC = "structurec"

	ConseillerA   = "conseillera"
	ConseillerA2  = "conseillera2"
	ConseillerA3  = "conseillera3" // owns nothing: can be deleted
	ConseillerB   = "conseillerb"
	ReferentA     = "referenta"
	Coordinateur  = "coordinateur"
	InactifA      = "inactifa"    // deactivated after its token was made
	DeconnecteA   = "deconnectea" // signed out after its token was made
	StaffPassword = "mot-de-passe-test"

	LieuA  = "lieua"
	LieuA2 = "lieua2" // no session: can be deleted
	LieuB  = "lieub"

	AtelierA        = "ateliera"
	AtelierAArchive = "atelieraarch" // archived, no session
	AtelierB        = "atelierb"

	SeancePubliqueA = "seancepubla"
	SeancePriveeA   = "seanceprivea"
	SeancePubliqueB = "seancepublb"

	BeneficiaireA  = "benefa"
	BeneficiaireA2 = "benefa2" // no history: can be deleted
	BeneficiaireB  = "benefb"

	InscriptionA = "inscra"
	InscriptionB = "inscrb"

	AccompagnementA  = "accompa"  // by ConseillerA
	AccompagnementA2 = "accompa2" // by ConseillerA2
	AccompagnementB  = "accompb"

	AttestationA = "attesta"
	AttestationB = "attestb"
	RapportA     = "rapporta"
	RapportB     = "rapportb"
	EnvoiA       = "envoia"
	EnvoiB       = "envoib"
	JournalA     = "journala"   // an audit log entry about BeneficiaireA
	Parametres   = "parametres" // the privacy settings made by the migration
)

// Secret values that must never appear in an API response or a page.
const (
	SecretJeton      = "JetonSecretDeFixture0123456789abcdefghijkl"
	SecretCode       = "FXTR-C0DE" // InscriptionA's short personal code
	SecretNoteSeance = "NoteInterneSecreteDeFixture"
	NomBeneficiaireA = "Fixturenom-Alpha"
	NomBeneficiaireB = "Fixturenom-Beta"
)

// Staff lists the fixture accounts that have tokens.
var Staff = []string{ConseillerA, ConseillerA2, ConseillerA3, ConseillerB, ReferentA, Coordinateur}

// Email of a fixture staff member.
func Email(name string) string { return name + "@fixture.test" }

// SharedAtelierID returns the id of a workshop of the seeded, shared catalogue.
func SharedAtelierID(app core.App) (string, error) {
	var id string
	err := app.DB().Select("id").From("ateliers").
		Where(dbx.NewExp("structure = ''")).OrderBy("titre").Limit(1).Row(&id)
	return id, err
}

type row struct {
	collection string
	name       string
	fields     map[string]any
}

func insertFixture(app core.App) error {
	now := Now().UTC()
	inDays := func(d int, hour int) types.DateTime {
		t := time.Date(now.Year(), now.Month(), now.Day(), hour, 0, 0, 0, time.UTC).AddDate(0, 0, d)
		dt, _ := types.ParseDateTime(t)
		return dt
	}
	shared, err := SharedAtelierID(app)
	if err != nil {
		return fmt.Errorf("fixture: shared workshop: %w", err)
	}

	structure := func(name, nom, slug, fuseau, commune string) row {
		return row{"structures", name, map[string]any{"nom": nom, "slug": slug, "fuseau": fuseau, "commune": commune}}
	}
	staff := func(name, role string, structures ...string) row {
		ids := make([]string, len(structures))
		for i, s := range structures {
			ids[i] = ID(s)
		}
		return row{"utilisateurs", name, map[string]any{
			"email": Email(name), "password": StaffPassword, "verified": true,
			"nom": "Nom " + name, "prenom": "Prénom " + name, "role": role, "structures": ids, "actif": true,
			"confirme_pour": ids,
		}}
	}
	seance := func(name, structure, lieu, atelier string, publique bool, day int) row {
		return row{"seances", name, map[string]any{
			"atelier": atelier, "structure": ID(structure), "lieu": ID(lieu),
			"debut": inDays(day, 9), "fin": inDays(day, 11), "capacite": 8, "statut": "planifiee",
			"publique": publique, "inscriptions_ouvertes": publique, "notes_internes": SecretNoteSeance,
			"animateurs": []string{ID(ConseillerA)},
		}}
	}
	beneficiaire := func(name, structure, nom, tel string) row {
		return row{"beneficiaires", name, map[string]any{
			"structure": ID(structure), "prenom": "Camille", "nom": nom, "telephone": tel,
			"consentement_le": inDays(-1, 8), "consentement_version": "2026-01",
		}}
	}
	accompagnement := func(name, structure, conseiller, beneficiaire string) row {
		fields := map[string]any{
			"conseiller": ID(conseiller), "structure": ID(structure), "date": inDays(-2, 10),
			"duree_minutes": 30, "type_lieu": "lieu_activite", "thematiques": []string{"email"},
		}
		if beneficiaire != "" {
			fields["beneficiaire"] = ID(beneficiaire)
		}
		return row{"accompagnements", name, fields}
	}

	atelierA := ID(AtelierA)
	rows := []row{
		structure(StructureA, "Médiathèque Alpha", "mediatheque-alpha", "Europe/Paris", "Poitiers"),
		structure(StructureB, "France Services Bêta", "france-services-beta", "Indian/Reunion", "Saint-Denis"),
		structure(StructureC, "Tiers-lieu Gamma", "tiers-lieu-gamma", "Europe/Paris", "Niort"),
		staff(ConseillerA, "conseiller", StructureA),
		staff(ConseillerA2, "conseiller", StructureA),
		staff(ConseillerA3, "conseiller", StructureA),
		staff(ConseillerB, "conseiller", StructureB),
		staff(ReferentA, "referent", StructureA),
		staff(Coordinateur, "coordinateur", StructureA, StructureB),
		staff(InactifA, "conseiller", StructureA),
		staff(DeconnecteA, "conseiller", StructureA),
		{"lieux", LieuA, map[string]any{"structure": ID(StructureA), "nom": "Salle Alpha", "commune": "Poitiers"}},
		{"lieux", LieuA2, map[string]any{"structure": ID(StructureA), "nom": "Annexe Alpha", "commune": "Poitiers"}},
		{"lieux", LieuB, map[string]any{"structure": ID(StructureB), "nom": "Salle Bêta", "commune": "Saint-Denis"}},
		{"ateliers", AtelierA, map[string]any{"titre": "Atelier propre à Alpha", "besoin": "debuter",
			"thematiques": []string{"email"}, "resume": "Un atelier d'Alpha.", "niveau": "debutant",
			"duree_minutes": 120, "capacite_defaut": 8, "structure": ID(StructureA), "actif": true}},
		{"ateliers", AtelierAArchive, map[string]any{"titre": "Atelier archivé d'Alpha", "besoin": "debuter",
			"thematiques": []string{"email"}, "resume": "Un atelier archivé.", "niveau": "debutant",
			"duree_minutes": 60, "capacite_defaut": 8, "structure": ID(StructureA), "actif": false}},
		{"ateliers", AtelierB, map[string]any{"titre": "Atelier propre à Bêta", "besoin": "emploi",
			"thematiques": []string{"insertion_professionnelle"}, "resume": "Un atelier de Bêta.", "niveau": "debutant",
			"duree_minutes": 90, "capacite_defaut": 6, "structure": ID(StructureB), "actif": true}},
		seance(SeancePubliqueA, StructureA, LieuA, atelierA, true, 7),
		seance(SeancePriveeA, StructureA, LieuA, shared, false, 8),
		seance(SeancePubliqueB, StructureB, LieuB, shared, true, 9),
		beneficiaire(BeneficiaireA, StructureA, NomBeneficiaireA, "+33612345678"),
		beneficiaire(BeneficiaireA2, StructureA, "Fixturenom-Alpha-Deux", "+33612345679"),
		beneficiaire(BeneficiaireB, StructureB, NomBeneficiaireB, "+262692123456"),
		{"inscriptions", InscriptionA, map[string]any{"seance": ID(SeancePubliqueA), "beneficiaire": ID(BeneficiaireA),
			"statut": "inscrit", "source": "public", "jeton": SecretJeton, "code": SecretCode}},
		{"inscriptions", InscriptionB, map[string]any{"seance": ID(SeancePubliqueB), "beneficiaire": ID(BeneficiaireB),
			"statut": "inscrit", "source": "conseiller", "jeton": SecretJeton + "B"}},
		accompagnement(AccompagnementA, StructureA, ConseillerA, BeneficiaireA),
		accompagnement(AccompagnementA2, StructureA, ConseillerA2, ""),
		accompagnement(AccompagnementB, StructureB, ConseillerB, BeneficiaireB),
		{"attestations", AttestationA, map[string]any{"beneficiaire": ID(BeneficiaireA), "code": "FIXTURE-CODE-A",
			"emise_le": inDays(-1, 12), "emise_par": ID(ConseillerA)}},
		{"attestations", AttestationB, map[string]any{"beneficiaire": ID(BeneficiaireB), "code": "FIXTURE-CODE-B",
			"emise_le": inDays(-1, 12), "emise_par": ID(ConseillerB)}},
		{"rapports", RapportA, map[string]any{"structure": ID(StructureA), "mois": "2026-10", "statistiques": map[string]any{"seances": 3}}},
		{"rapports", RapportB, map[string]any{"structure": ID(StructureB), "mois": "2026-10", "statistiques": map[string]any{"seances": 2}}},
		{"envois", EnvoiA, map[string]any{"structure": ID(StructureA), "canal": "email", "destinataire": "camille@example.org",
			"objet": "Confirmation", "evenement": "confirmation", "cible": ID(InscriptionA), "statut": "envoye"}},
		{"envois", EnvoiB, map[string]any{"structure": ID(StructureB), "canal": "email", "destinataire": "camille.b@example.org",
			"objet": "Confirmation", "evenement": "confirmation", "cible": ID(InscriptionB), "statut": "envoye"}},
		{"journal", JournalA, map[string]any{"auteur": ID(ConseillerA), "auteur_nom": "Prénom conseillera Nom conseillera",
			"action": "consultation", "beneficiaire": ID(BeneficiaireA), "structure": ID(StructureA)}},
	}
	for _, r := range rows {
		if err := insert(app, r); err != nil {
			return err
		}
	}
	return nil
}

// endSessions makes the tokens of InactifA and DeconnecteA, then
// deactivates the first (its token key left as it was: the rules and the
// server must still refuse it) and signs the second out (its token key
// renewed, as the sign-out page does).
func endSessions(app core.App) error {
	ended := map[string]*core.Record{}
	for _, name := range []string{InactifA, DeconnecteA} {
		r, err := app.FindRecordById("utilisateurs", ID(name))
		if err != nil {
			return fmt.Errorf("find %s: %w", name, err)
		}
		if tokens[name], err = r.NewAuthToken(); err != nil {
			return fmt.Errorf("token %s: %w", name, err)
		}
		ended[name] = r
	}
	ended[InactifA].Set("actif", false)
	if err := app.Save(ended[InactifA]); err != nil {
		return err
	}
	signedOut := ended[DeconnecteA]
	signedOut.RefreshTokenKey()
	return app.Save(signedOut)
}

func insert(app core.App, r row) error {
	collection, err := app.FindCachedCollectionByNameOrId(r.collection)
	if err != nil {
		return fmt.Errorf("fixture %s: %w", r.name, err)
	}
	record := core.NewRecord(collection)
	record.Id = ID(r.name)
	for k, v := range r.fields {
		record.Set(k, v)
	}
	if err := app.Save(record); err != nil {
		return fmt.Errorf("fixture %s %s: %w", r.collection, r.name, err)
	}
	return nil
}
