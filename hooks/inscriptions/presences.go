package inscriptions

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// AttendanceRefusal says why attendance cannot be taken now, or ""
// (seances.PresencesFermees). A closed session (realisee) can still be
// corrected.
func AttendanceRefusal(seance *core.Record, loc *time.Location, now time.Time) string {
	return seances.PresencesFermees(seance.GetString("statut"), seance.GetDateTime("debut").Time().In(loc), now)
}

// SaveAttendance records the sheet in one transaction and returns how many
// lines changed. Lines are read again inside the transaction; people newly
// present get their last activity updated.
func SaveAttendance(app core.App, auth *core.Record, s *seances.StaffSeance, in AttendanceInput, now time.Time) (int, error) {
	changed := 0
	err := app.RunInTransaction(func(tx core.App) error {
		changed = 0
		seance, err := seanceInTx(tx, s.ID)
		if err != nil {
			return err
		}
		if why := AttendanceRefusal(seance, s.Loc, now); why != "" {
			return staffRefusal(why)
		}
		lines, err := tx.FindAllRecords("inscriptions", sheetFilter(seance.Id))
		if err != nil {
			return fmt.Errorf("attendance lines: %w", err)
		}
		for _, line := range lines {
			want := in.Statuts[line.Id]
			if want == "" || want == line.GetString("statut") {
				continue
			}
			if err := access.UpdateChecked(tx, auth, line, map[string]any{"statut": want}); err != nil {
				return fmt.Errorf("attendance of %s: %w", line.Id, err)
			}
			changed++
			if want == "present" {
				if err := noteActivityOf(tx, auth, line, now); err != nil {
					return err
				}
			}
		}
		if in.anonymes != seance.GetInt("participants_anonymes") {
			if err := access.UpdateChecked(tx, auth, seance, map[string]any{"participants_anonymes": in.anonymes}); err != nil {
				return fmt.Errorf("anonymous walk-ins: %w", err)
			}
			changed++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save attendance of session %s: %w", s.ID, err)
	}
	return changed, nil
}

// sheetFilter selects the lines of the attendance sheet: people with a
// place (registered, present or absent), not the waiting list.
func sheetFilter(seanceID string) dbx.Expression {
	return dbx.And(dbx.HashExp{"seance": seanceID}, dbx.In("statut", "inscrit", "present", "absent"))
}

func noteActivityOf(tx core.App, auth, inscription *core.Record, now time.Time) error {
	person, err := tx.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		return fmt.Errorf("person of registration %s: %w", inscription.Id, err)
	}
	return noteActivity(tx, auth, person, now)
}

// WalkInByStaff notes a person who came without a confirmed place as
// present: a known person (personID) or a new one (form). Their
// registration, whatever its state, becomes present (a waiting person
// leaves the list and the ranks close up); a person never registered, or
// whose registration was cancelled, counts as registered on the spot.
// Capacity does not apply: they are in the room.
func WalkInByStaff(app core.App, auth *core.Record, s *seances.StaffSeance, personID string, form *beneficiaires.BeneficiaireForm, now time.Time) (StaffInscription, error) {
	var result StaffInscription
	err := app.RunInTransaction(func(tx core.App) error {
		seance, err := seanceInTx(tx, s.ID)
		if err != nil {
			return err
		}
		if form == nil { // an id from the form: another structure's person is a 404 first
			if result.Person, err = seancePerson(tx, auth, seance, personID); err != nil {
				return err
			}
		}
		if why := AttendanceRefusal(seance, s.Loc, now); why != "" {
			return staffRefusal(why)
		}
		var existing *core.Record
		if form != nil {
			if result.Person, err = createSeancePerson(tx, auth, seance.GetString("structure"), form, now,
				"Notée présente sur la feuille de présence de la séance "+seance.Id); err != nil {
				return err
			}
		} else {
			if existing, err = inscriptionOf(tx, seance.Id, result.Person.Id); err != nil {
				return err
			}
			if existing != nil && existing.GetString("statut") == "present" {
				return staffRefusal(fmt.Sprintf("Cette personne (%s) est déjà notée présente.", ParticipantName(result.Person)))
			}
			if err := noteActivity(tx, auth, result.Person, now); err != nil {
				return err
			}
		}
		fields := map[string]any{"statut": "present", "rang_attente": 0}
		if existing == nil || existing.GetString("statut") == "annule" {
			fields["source"] = "sur_place"
		}
		if existing == nil {
			fields["jeton"] = NewToken()
		}
		result.Inscription, err = saveInscription(tx, auth, seance, result.Person, existing, fields)
		return err
	})
	if err != nil {
		return StaffInscription{}, fmt.Errorf("walk-in for session %s: %w", s.ID, err)
	}
	return result, nil
}

// CloseByStaff marks the session as done (realisee): people still only
// registered did not come and become absent. It returns how many did.
func CloseByStaff(app core.App, auth *core.Record, s *seances.StaffSeance, now time.Time) (absents int, err error) {
	err = app.RunInTransaction(func(tx core.App) error {
		absents = 0
		seance, err := seanceInTx(tx, s.ID)
		if err != nil {
			return err
		}
		switch {
		case seance.GetString("statut") == "annulee":
			return staffRefusal("Cette séance est annulée : elle ne peut pas être close.")
		case seance.GetString("statut") == "realisee":
			return staffRefusal("Cette séance est déjà close. Vous pouvez toujours corriger ses présences.")
		case now.Before(seance.GetDateTime("debut").Time()):
			return staffRefusal("La séance n'a pas encore commencé : vous pourrez la clore à partir du " +
				frfmt.DateHeure(seance.GetDateTime("debut").Time().In(s.Loc)) + ".")
		}
		registered, err := tx.FindAllRecords("inscriptions", dbx.HashExp{"seance": seance.Id, "statut": "inscrit"})
		if err != nil {
			return fmt.Errorf("registered people: %w", err)
		}
		for _, r := range registered {
			if err := access.UpdateChecked(tx, auth, r, map[string]any{"statut": "absent"}); err != nil {
				return fmt.Errorf("mark %s absent: %w", r.Id, err)
			}
			absents++
		}
		if err := access.UpdateChecked(tx, auth, seance, map[string]any{"statut": "realisee"}); err != nil {
			return fmt.Errorf("close session: %w", err)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("close session %s: %w", s.ID, err)
	}
	return absents, nil
}

// AttendanceInput is the posted sheet, kept as typed to show it again.
type AttendanceInput struct {
	Statuts  map[string]string // registration id → "present" or "absent"
	Anonymes string
	anonymes int
}

// maxAnonymes mirrors the schema's bound on participants_anonymes.
const maxAnonymes = 1000

// KeepSheet drops the ids that are not lines of this session's sheet (a
// registration of another session, a waiting person): they change nothing.
func (in *AttendanceInput) KeepSheet(lines []SeanceParticipant) {
	onSheet := map[string]bool{}
	for _, l := range lines {
		onSheet[l.ID] = true
	}
	for id := range in.Statuts {
		if !onSheet[id] {
			delete(in.Statuts, id)
		}
	}
}

// AllPresent marks every line of the sheet present: « Tous présents ».
func (in *AttendanceInput) AllPresent(lines []SeanceParticipant) {
	for _, l := range lines {
		in.Statuts[l.ID] = model.StatutPresent
	}
}

func (in *AttendanceInput) Validate() formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	if in.Anonymes != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(in.Anonymes, " ", ""))
		if err != nil || n < 0 || n > maxAnonymes {
			errs["participants_anonymes"] = "Indiquez un nombre entier de personnes, entre 0 et 1 000 (0 s'il n'y en a pas)."
		}
		in.anonymes = n
	}
	for id, v := range in.Statuts {
		if v != "present" && v != "absent" && v != "" {
			errs["presence_"+id] = "Choisissez « Présent » ou « Absent »."
		}
	}
	return errs
}
