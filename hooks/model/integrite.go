package model

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/frfmt"
)

// Integrity rules that API rules cannot express: cross-record consistency
// (a session's place belongs to its structure…) and defaults. They run on
// every save, whatever the caller: REST API, pages, commands or the admin UI.
// Messages are in French because staff read them in forms and the admin UI.

func RegisterDefaults(app core.App) {
	app.OnRecordValidate("structures").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("fuseau") == "" {
			e.Record.Set("fuseau", "Europe/Paris")
		}
		return e.Next()
	})
	app.OnRecordValidate("seances").BindFunc(func(e *core.RecordEvent) error {
		if e.Record.GetString("statut") == "" {
			e.Record.Set("statut", "planifiee")
		}
		return e.Next()
	})
	// A new account is active unless said otherwise: the coordinateur who
	// creates it expects the person to be able to sign in.
	app.OnRecordCreateRequest("utilisateurs").BindFunc(func(e *core.RecordRequestEvent) error {
		body, err := e.RequestInfo()
		if err == nil {
			if _, given := body.Body["actif"]; !given {
				e.Record.Set("actif", true)
			}
		}
		return e.Next()
	})
}

func RegisterIntegrity(app core.App) {
	// Names are cleaned on every write, whatever the way in (API, admin
	// UI, pages), so a name pasted with invisible characters is stored as
	// the forms would store it.
	for collection, fields := range nameFields {
		normalize := func(e *core.RecordEvent) error {
			for _, f := range fields {
				e.Record.Set(f, contact.NormaliserNom(e.Record.GetString(f)))
			}
			return e.Next()
		}
		app.OnRecordCreate(collection).BindFunc(normalize)
		app.OnRecordUpdate(collection).BindFunc(normalize)
	}
	app.OnRecordValidate().BindFunc(func(e *core.RecordEvent) error {
		if err := checkImages(e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate("structures").BindFunc(func(e *core.RecordEvent) error {
		if _, err := time.LoadLocation(e.Record.GetString("fuseau")); err != nil {
			return validation.Errors{"fuseau": FrenchError("fuseau",
				"Fuseau horaire inconnu : utilisez un nom comme Europe/Paris ou Indian/Reunion.")}
		}
		return e.Next()
	})
	app.OnRecordValidate("seances").BindFunc(func(e *core.RecordEvent) error {
		if err := checkSeance(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate("ateliers").BindFunc(func(e *core.RecordEvent) error {
		if err := checkAtelierMove(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate("beneficiaires").BindFunc(func(e *core.RecordEvent) error {
		if err := checkBeneficiaire(e.App, e.Record); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate("inscriptions").BindFunc(func(e *core.RecordEvent) error {
		if err := checkSameStructure(e.App, e.Record, "beneficiaire", "beneficiaires",
			e.Record.GetString("seance"), "seances"); err != nil {
			return err
		}
		return e.Next()
	})
	app.OnRecordValidate("accompagnements").BindFunc(func(e *core.RecordEvent) error {
		if errs := checkDates(e.Record, "date"); len(errs) > 0 {
			return errs
		}
		if e.Record.GetString("beneficiaire") != "" {
			if err := checkBelongs(e.App, "beneficiaire", "beneficiaires", e.Record.GetString("beneficiaire"),
				e.Record.GetString("structure")); err != nil {
				return err
			}
		}
		return e.Next()
	})
}

// nameFields are the free-text fields that name a person, by collection.
var nameFields = map[string][]string{
	"beneficiaires": {"prenom", "nom"},
	"inscriptions":  {"inscrit_par"},
	"utilisateurs":  {"prenom", "nom"},
}

// FrenchError is a validation error whose message is meant for staff as is
// (PocketBase's own messages are English): forms show it next to the field.
func FrenchError(code, message string) validation.Error {
	return validation.NewError(FrenchErrorPrefix+code, message)
}

const FrenchErrorPrefix = "atelier_"

// checkAtelierMove keeps sessions consistent (a session's workshop is
// shared or of the session's structure): a workshop given to a structure
// must not have sessions in another one.
func checkAtelierMove(app core.App, atelier *core.Record) error {
	to := atelier.GetString("structure")
	if to == "" || atelier.IsNew() || to == atelier.Original().GetString("structure") {
		return nil
	}
	var elsewhere int
	err := app.DB().Select("count(*)").From("seances").
		Where(dbx.NewExp("atelier = {:atelier} AND structure != {:to}", dbx.Params{"atelier": atelier.Id, "to": to})).
		Row(&elsewhere)
	if err != nil {
		return fmt.Errorf("sessions of workshop %s elsewhere: %w", atelier.Id, err)
	}
	if elsewhere > 0 {
		return validation.Errors{"structure": FrenchError("structure_seances", fmt.Sprintf(
			"Cet atelier a déjà %d %s dans une autre structure : il ne peut pas changer de structure. "+
				"Copiez-le plutôt dans le catalogue de cette structure.", elsewhere, frfmt.Pluriel(elsewhere, "séance", "séances")))}
	}
	return nil
}

func checkSeance(app core.App, seance *core.Record) error {
	errs := checkDates(seance, "debut", "fin")
	debut, fin := seance.GetDateTime("debut"), seance.GetDateTime("fin")
	if !debut.IsZero() && !fin.IsZero() && !fin.Time().After(debut.Time()) {
		errs["fin"] = FrenchError("fin", "La fin doit être après le début de la séance.")
	}
	structure := seance.GetString("structure")
	if lieu := seance.GetString("lieu"); lieu != "" {
		if err := checkBelongs(app, "lieu", "lieux", lieu, structure); err != nil {
			errs["lieu"] = FrenchError("lieu", "Ce lieu n'appartient pas à la structure de la séance.")
		}
	}
	if atelierID := seance.GetString("atelier"); atelierID != "" {
		atelier, err := app.FindRecordById("ateliers", atelierID)
		if err == nil && atelier.GetString("structure") != "" && atelier.GetString("structure") != structure {
			errs["atelier"] = FrenchError("atelier", "Cet atelier appartient au catalogue d'une autre structure.")
		}
	}
	if err := checkAnimateurs(app, seance); err != nil {
		return err
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Activity dates (sessions, one-to-one help, consent) fall between these
// years: a date typed as 0001 or 9999 would break every count and listing.
const (
	AnneeMin = 2000
	AnneeMax = 2100
)

// checkDates refuses the record's date fields outside AnneeMin..AnneeMax.
func checkDates(r *core.Record, fields ...string) validation.Errors {
	errs := validation.Errors{}
	for _, field := range fields {
		dt := r.GetDateTime(field)
		if dt.IsZero() {
			continue
		}
		if year := dt.Time().Year(); year < AnneeMin || year > AnneeMax {
			errs[field] = FrenchError("annee", fmt.Sprintf("Cette date n'est pas plausible : indiquez une année entre %d et %d.", AnneeMin, AnneeMax))
		}
	}
	return errs
}

// checkAnimateurs: the animateurs of a session are staff of its structure.
// Only the ones added are checked, so that a session whose animateur has
// since left the structure can still be closed or cancelled.
func checkAnimateurs(app core.App, seance *core.Record) error {
	structure := seance.GetString("structure")
	before := map[string]bool{}
	if !seance.IsNew() && seance.Original().GetString("structure") == structure {
		for _, id := range seance.Original().GetStringSlice("animateurs") {
			before[id] = true
		}
	}
	for _, id := range seance.GetStringSlice("animateurs") {
		if before[id] {
			continue
		}
		u, err := app.FindRecordById("utilisateurs", id)
		if err != nil {
			return nil // the relation field's own validation reports it
		}
		if !slices.Contains(u.GetStringSlice("structures"), structure) {
			return validation.Errors{"animateurs": FrenchError("animateurs",
				"Choisissez les animateurs parmi l'équipe de la structure de la séance.")}
		}
	}
	return nil
}

// champsEffaces are the fields an anonymised person no longer has
// (rgpd.AnonymiseBeneficiaire clears them).
var champsEffaces = []string{"prenom", "nom", "telephone", "email", "notes"}

func checkBeneficiaire(app core.App, b *core.Record) error {
	errs := checkDates(b, "consentement_le", "derniere_activite")
	if err := checkFusion(app, b); err != nil {
		errs["fusionne_vers"] = err
	}
	if b.GetBool("anonymise") {
		for _, field := range champsEffaces {
			if b.GetString(field) != "" {
				errs[field] = FrenchError("anonymise",
					"Une personne anonymisée n'a plus de nom, de coordonnées ni de notes : ce champ doit rester vide.")
			}
		}
		if len(errs) > 0 {
			return errs
		}
		return nil
	}
	if b.GetString("prenom") == "" {
		errs["prenom"] = FrenchError("required", "Indiquez le prénom.")
	}
	if b.GetString("nom") == "" {
		errs["nom"] = FrenchError("required", "Indiquez le nom.")
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// checkFusion: a record is merged into another person of its structure,
// neither itself nor a record merged or anonymised already (merging is
// beneficiaires.MergeBeneficiaires; this holds on every path).
func checkFusion(app core.App, b *core.Record) error {
	target := b.GetString("fusionne_vers")
	if target == "" || (!b.IsNew() && target == b.Original().GetString("fusionne_vers")) {
		return nil
	}
	if target == b.Id {
		return FrenchError("fusion", "Une fiche ne peut pas être fusionnée avec elle-même.")
	}
	into, err := app.FindRecordById("beneficiaires", target)
	switch {
	case err != nil:
		return FrenchError("missing", "Cet enregistrement n'existe pas.")
	case into.GetString("structure") != b.GetString("structure"):
		return FrenchError("structure", "Les deux fiches doivent appartenir à la même structure.")
	case into.GetString("fusionne_vers") != "" || into.GetBool("anonymise"):
		return FrenchError("fusion", "Cette fiche a déjà été fusionnée ou anonymisée : choisissez la fiche gardée.")
	}
	return nil
}

// checkBelongs verifies that record id of collection belongs to structure.
func checkBelongs(app core.App, field, collection, id, structure string) error {
	record, err := app.FindRecordById(collection, id)
	if err != nil {
		return validation.Errors{field: FrenchError("missing", "Cet enregistrement n'existe pas.")}
	}
	if record.GetString("structure") != structure {
		return validation.Errors{field: FrenchError("structure",
			"Cet enregistrement appartient à une autre structure.")}
	}
	return nil
}

// checkSameStructure verifies that the record referenced by field belongs to
// the same structure as the record ownerID of ownerCollection.
func checkSameStructure(app core.App, r *core.Record, field, collection, ownerID, ownerCollection string) error {
	owner, err := app.FindRecordById(ownerCollection, ownerID)
	if err != nil {
		return nil // the relation field's own validation reports it
	}
	id := r.GetString(field)
	if id == "" {
		return nil
	}
	if err := checkBelongs(app, field, collection, id, owner.GetString("structure")); err != nil {
		var verrs validation.Errors
		if errors.As(err, &verrs) {
			return verrs
		}
		return fmt.Errorf("check %s structure: %w", field, err)
	}
	return nil
}
