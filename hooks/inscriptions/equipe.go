package inscriptions

import (
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/journal"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// StaffRefusalOf returns the French message of a refusal, or "".
func StaffRefusalOf(err error) string {
	var r staffRefusal
	if errors.As(err, &r) {
		return string(r)
	}
	return ""
}

func ParticipantName(p *core.Record) string {
	if p == nil {
		return ""
	}
	if p.GetBool("anonymise") {
		return "Personne anonymisée"
	}
	return p.GetString("prenom") + " " + p.GetString("nom")
}

// seancePerson is a beneficiary the conseiller reads (API rule) and that
// belongs to the session's own structure: a person of another structure,
// even one the conseiller also works in, is a 404 like a missing one.
func seancePerson(app core.App, auth, seance *core.Record, id string) (*core.Record, error) {
	person, err := access.WorkspaceRecord(app, auth, "beneficiaires", id)
	if err != nil {
		return nil, err
	}
	if person.GetString("structure") != seance.GetString("structure") ||
		person.GetBool("anonymise") || person.GetString("fusionne_vers") != "" {
		return nil, model.ErrNotFound
	}
	return person, nil
}

// seanceInscription is a registration the conseiller reads (API rule) and
// that belongs to this session; any other id is a 404.
func seanceInscription(app core.App, auth, seance *core.Record, id string) (*core.Record, error) {
	inscription, err := access.Readable(app, auth, "inscriptions", id)
	if err != nil {
		return nil, err
	}
	if inscription.GetString("seance") != seance.Id {
		return nil, model.ErrNotFound
	}
	return inscription, nil
}

// registrationOf returns the person's registration for the session, or nil.
func inscriptionOf(app core.App, seanceID, personID string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter("inscriptions", "seance = {:seance} && beneficiaire = {:person}",
		dbx.Params{"seance": seanceID, "person": personID})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find registration of %s: %w", personID, err)
	}
	return r, nil
}

// seanceInTx reads the session again inside the transaction: the page the
// conseiller clicked on may be minutes old (capacity, status).
func seanceInTx(tx core.App, id string) (*core.Record, error) {
	seance, err := tx.FindRecordById("seances", id)
	if err != nil {
		return nil, fmt.Errorf("session %s: %w", id, err)
	}
	return seance, nil
}

// RegistrationRefusal says why staff may not register anyone now, or ""
// (seances.InscriptionFermee, for a conseiller). Once the session has
// started, people are added on the attendance sheet.
func InscriptionRefusal(seance *core.Record, now time.Time) string {
	return seances.InscriptionFermee(seance.GetString("statut"), seance.GetBool("publique"),
		seance.GetBool("inscriptions_ouvertes"), seance.GetDateTime("debut").Time(), now, seances.ParEquipe)
}

// alreadyRegistered is the refusal for a person with a live registration.
func alreadyRegistered(tx core.App, person, inscription *core.Record) error {
	where := "à cette séance"
	if inscription.GetString("statut") == "liste_attente" {
		rang, err := seances.RangAttente(tx, inscription)
		if err != nil {
			return err
		}
		where = fmt.Sprintf("à cette séance, sur la liste d'attente (rang %d)", rang)
	}
	return staffRefusal(fmt.Sprintf("Cette personne (%s) est déjà inscrite %s.", ParticipantName(person), where))
}

// nextPlace decides, inside the transaction, whether a new registration is
// confirmed or goes to the end of the waiting list.
func nextPlace(tx core.App, seance *core.Record) (statut string, rang, taken int, err error) {
	taken, _, err = seances.CountPlaces(tx, seance.Id)
	if err != nil {
		return "", 0, 0, err
	}
	if seances.PlacesRestantes(seance.GetInt("capacite"), taken) > 0 {
		return model.StatutInscrit, 0, taken + 1, nil
	}
	rang, err = seances.NextRang(tx, seance.Id)
	if err != nil {
		return "", 0, 0, err
	}
	return model.StatutListeAttente, rang, taken, nil
}

// saveInscription creates the person's registration, or reuses their
// cancelled one (one registration per person and session), with fields.
func saveInscription(tx core.App, auth, seance, person, existing *core.Record, fields map[string]any) (*core.Record, error) {
	if existing != nil {
		if err := access.UpdateChecked(tx, auth, existing, fields); err != nil {
			return nil, fmt.Errorf("update registration %s: %w", existing.Id, err)
		}
		return existing, nil
	}
	collection, err := tx.FindCachedCollectionByNameOrId("inscriptions")
	if err != nil {
		return nil, err
	}
	inscription := core.NewRecord(collection)
	inscription.Set("seance", seance.Id)
	inscription.Set("beneficiaire", person.Id)
	for field, value := range fields {
		inscription.Set(field, value)
	}
	if err := access.CreateChecked(tx, auth, inscription); err != nil {
		return nil, fmt.Errorf("create registration of %s: %w", person.Id, err)
	}
	return inscription, nil
}

// noteActivity records that the person took part in something today: the
// anonymisation of inactive people counts from it.
func noteActivity(tx core.App, auth, person *core.Record, now time.Time) error {
	at, err := types.ParseDateTime(now)
	if err != nil {
		return err
	}
	if err := access.UpdateChecked(tx, auth, person, map[string]any{"derniere_activite": at}); err != nil {
		return fmt.Errorf("last activity of %s: %w", person.Id, err)
	}
	return nil
}

// createSeancePerson saves a new beneficiary of the structure from a validated
// form, and journals it with details (where it was typed); consent is the
// one the conseiller confirmed with the person.
func createSeancePerson(tx core.App, auth *core.Record, structureID string, f *beneficiaires.BeneficiaireForm, now time.Time, details string) (*core.Record, error) {
	collection, err := tx.FindCachedCollectionByNameOrId("beneficiaires")
	if err != nil {
		return nil, err
	}
	at, err := types.ParseDateTime(now)
	if err != nil {
		return nil, err
	}
	person := core.NewRecord(collection)
	person.Set("structure", structureID)
	f.Apply(person)
	beneficiaires.RecordConsent(person, now)
	person.Set("derniere_activite", at)
	if err := access.CreateChecked(tx, auth, person); err != nil {
		return nil, fmt.Errorf("create beneficiary: %w", err)
	}
	if err := journal.LogAccess(tx, auth, journal.Creation, person, details); err != nil {
		return nil, err
	}
	return person, nil
}

// RegisterByStaff registers a person of the session's structure: a new
// one (form) or an existing one (personID). A full session puts them on
// the waiting list; the e-mail is the caller's job, after the commit.
func RegisterByStaff(app core.App, auth *core.Record, seanceID, personID string, form *beneficiaires.BeneficiaireForm, inscritPar string, now time.Time) (StaffInscription, error) {
	return RegisterByStaffAnswering(app, auth, seanceID, personID, form, inscritPar, nil, now)
}

// RegisterByStaffAnswering is RegisterByStaff with the person's answers to
// the session's questions, checked before by seances.CheckReponses.
func RegisterByStaffAnswering(app core.App, auth *core.Record, seanceID, personID string, form *beneficiaires.BeneficiaireForm,
	inscritPar string, reponses []seances.Reponse, now time.Time) (StaffInscription, error) {
	var result StaffInscription
	err := app.RunInTransaction(func(tx core.App) error {
		seance, err := seanceInTx(tx, seanceID)
		if err != nil {
			return err
		}
		if form == nil { // an id from the form: another structure's person is a 404 first
			if result.Person, err = seancePerson(tx, auth, seance, personID); err != nil {
				return err
			}
		}
		if why := InscriptionRefusal(seance, now); why != "" {
			return staffRefusal(why)
		}
		var existing *core.Record
		if form != nil {
			if result.Person, err = createSeancePerson(tx, auth, seance.GetString("structure"), form, now,
				"Inscrite depuis la page de la séance "+seance.Id); err != nil {
				return err
			}
		} else {
			if existing, err = inscriptionOf(tx, seance.Id, personID); err != nil {
				return err
			}
			if existing != nil && existing.GetString("statut") != "annule" {
				return alreadyRegistered(tx, result.Person, existing)
			}
			if err := noteActivity(tx, auth, result.Person, now); err != nil {
				return err
			}
		}
		statut, rang, taken, err := nextPlace(tx, seance)
		if err != nil {
			return err
		}
		result.Taken = taken
		fields := map[string]any{
			"statut": statut, "rang_attente": rang, "source": "conseiller", "inscrit_par": inscritPar, "jeton": NewToken(),
		}
		if reponses != nil {
			fields["reponses"] = reponses
		}
		result.Inscription, err = saveInscription(tx, auth, seance, result.Person, existing, fields)
		if err != nil {
			return err
		}
		result.Rang, err = seances.RangAttente(tx, result.Inscription)
		return err
	})
	if err != nil {
		return StaffInscription{}, fmt.Errorf("staff registration for session %s: %w", seanceID, err)
	}
	return result, nil
}

// PromoteByStaff confirms a waiting person's registration, even when the
// session is full (the conseiller decides: one more chair).
func PromoteByStaff(app core.App, auth *core.Record, seanceID, inscriptionID string, now time.Time) (StaffInscription, error) {
	return onInscription(app, auth, seanceID, inscriptionID, "promote", func(tx core.App, seance, inscription *core.Record, result *StaffInscription) error {
		if why := InscriptionRefusal(seance, now); why != "" {
			return staffRefusal(why)
		}
		if inscription.GetString("statut") != "liste_attente" {
			return staffRefusal("Cette personne n'est plus sur la liste d'attente : la page a changé depuis votre affichage.")
		}
		if err := access.UpdateChecked(tx, auth, inscription, map[string]any{"statut": "inscrit", "rang_attente": 0}); err != nil {
			return fmt.Errorf("promote registration %s: %w", inscription.Id, err)
		}
		var err error
		result.Taken, _, err = seances.CountPlaces(tx, seance.Id)
		return err
	})
}

// CancelByStaff cancels a registration (confirmed or waiting) of a session
// still ahead; the freed place goes at once to the next waiting person,
// like a cancellation by the person themselves.
func CancelByStaff(app core.App, auth *core.Record, seanceID, inscriptionID string, now time.Time) (StaffInscription, error) {
	return onInscription(app, auth, seanceID, inscriptionID, "cancel", func(tx core.App, seance, inscription *core.Record, result *StaffInscription) error {
		switch {
		case seance.GetString("statut") != "planifiee":
			return staffRefusal("Cette séance n'est plus prévue : ses inscriptions ne changent plus.")
		case !now.Before(seance.GetDateTime("debut").Time()):
			// After the start, not coming is an absence, which statistics count.
			return staffRefusal("La séance a commencé : notez plutôt la personne absente sur la feuille de présence.")
		case inscription.GetString("statut") == "annule":
			return staffRefusal("Cette inscription est déjà annulée.")
		case inscription.GetString("statut") != "inscrit" && inscription.GetString("statut") != "liste_attente":
			return staffRefusal("La présence de cette personne est déjà notée : corrigez-la plutôt sur la feuille de présence.")
		}
		if err := access.UpdateChecked(tx, auth, inscription, map[string]any{"statut": "annule", "rang_attente": 0}); err != nil {
			return fmt.Errorf("cancel registration %s: %w", inscription.Id, err)
		}
		var err error
		result.Promoted, err = seances.PromoteNext(tx, seance) // the session is still ahead: checked above
		return err
	})
}

// onInscription runs one staff action on a registration of a session, in
// one transaction: the session and the registration are found (another
// session's or structure's is not found), act checks and writes, then the
// person is read for the page's message. what names the action in errors.
func onInscription(app core.App, auth *core.Record, seanceID, inscriptionID, what string,
	act func(tx core.App, seance, inscription *core.Record, result *StaffInscription) error) (StaffInscription, error) {
	var result StaffInscription
	err := app.RunInTransaction(func(tx core.App) error {
		seance, err := seanceInTx(tx, seanceID)
		if err != nil {
			return err
		}
		inscription, err := seanceInscription(tx, auth, seance, inscriptionID)
		if err != nil {
			return err
		}
		if err := act(tx, seance, inscription, &result); err != nil {
			return err
		}
		result.Inscription = inscription
		result.Person, err = tx.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
		return err
	})
	if err != nil {
		return StaffInscription{}, fmt.Errorf("staff %s in session %s: %w", what, seanceID, err)
	}
	return result, nil
}

// staffRefusal is an action the conseiller may do in general but not now (a
// person already registered, a session already started…): the page says
// why, in French, and nothing is changed.
type staffRefusal string

// StaffRegistration is what a staff action did to one registration.
type StaffInscription struct {
	Inscription *core.Record
	Person      *core.Record
	Promoted    *core.Record // a waiting person who got the freed place
	Taken       int          // confirmed places after the action
	Rang        int          // position on the waiting list of a waiting registration
}

func (r staffRefusal) Error() string { return string(r) }

// Name of the person, as the flash messages say it.
func (r StaffInscription) Name() string { return ParticipantName(r.Person) }
