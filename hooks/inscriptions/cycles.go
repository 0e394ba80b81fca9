package inscriptions

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/journal"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Registration for a cycle: one decision for the whole cycle, taken in one
// write transaction (SQLite writes one at a time, so concurrent forms are
// decided one after the other on exact counts): a place in every session
// still to come when the cycle has one (seances.CountCyclePlaces), else
// the end of the cycle's waiting list, the same rank on every row. The
// rows are tied by inscriptions.cycle; a session of the cycle where the
// person already has a live registration (staff put them there) keeps it.

// CycleResult is what a cycle registration did.
type CycleResult struct {
	Cycle    *core.Record
	Rows     []*core.Record // the person's registrations, one per session still to come
	Person   *core.Record
	Existing bool // the person was already registered for the cycle
}

// Statut is the cycle registration's status: inscrit or liste_attente.
func (r CycleResult) Statut() string {
	if len(r.Rows) == 0 {
		return ""
	}
	return r.Rows[0].GetString("statut")
}

// ErrCycleVide: the cycle has no session still to come.
var ErrCycleVide = errors.New("cycle without sessions to come")

// CycleRefusal says in French why nobody may be registered for the cycle
// now, or "": the rule of its first session still to come
// (seances.InscriptionFermee), online with the cycle's public flag.
func CycleRefusal(cycle *core.Record, sessions []*core.Record, now time.Time, parEquipe bool) string {
	if len(sessions) == 0 {
		return "Ce cycle n'a plus de séance à venir."
	}
	first := sessions[0]
	return seances.InscriptionFermee(first.GetString("statut"), cycle.GetBool("publique"), first.GetBool("inscriptions_ouvertes"),
		first.GetDateTime("debut").Time(), now, parEquipe)
}

// RegisterCycle registers the person of the public form for the cycle.
// Refusals are those of a session's form: not found (not public),
// ErrInscriptionClosed, the limits per IP address and per contact (counted
// on the cycle's first session to come, which every cycle registration
// holds).
func RegisterCycle(app core.App, cycleID string, f InscriptionForm, now time.Time) (CycleResult, error) {
	var result CycleResult
	err := app.RunInTransaction(func(txApp core.App) error {
		tx := newInscriptionTx(txApp)
		defer tx.close()
		cycle, sessions, err := loadCycle(txApp, cycleID, now)
		if err != nil {
			return err
		}
		if !cycle.GetBool("publique") {
			return model.ErrNotFound
		}
		if CycleRefusal(cycle, sessions, now, seances.EnLigne) != "" {
			return ErrInscriptionClosed
		}
		result.Cycle = cycle
		person, err := matchBeneficiaire(tx, cycle.GetString("structure"), f)
		if err != nil {
			return err
		}
		if person != nil {
			rows, err := liveCycleRows(txApp, cycle.Id, person.Id, now)
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				result.Rows, result.Person, result.Existing = rows, person, true
				return nil
			}
		}
		state, err := loadSeanceState(tx, sessions[0].Id)
		if err != nil {
			return err
		}
		if err := checkLimites(tx, state, f); err != nil {
			return err
		}
		if person == nil {
			if person, err = createBeneficiaire(tx, cycle.GetString("structure"), f, now); err != nil {
				return err
			}
			if err := journal.LogPublic(txApp, journal.Creation, person, "Inscription en ligne au cycle "+cycle.Id); err != nil {
				return err
			}
		}
		result.Person = person
		result.Rows, err = placeCycle(txApp, nil, cycle, sessions, person, now, map[string]any{
			"source": "public", "inscrit_par": f.InscritPar, "empreinte_ip": f.EmpreinteIP, "empreinte_formulaire": f.EmpreinteFormulaire,
			"reponses": f.Reponses,
		})
		return err
	})
	if err != nil {
		return CycleResult{}, fmt.Errorf("register for cycle %s: %w", cycleID, err)
	}
	return result, nil
}

// RegisterCycleByStaff registers an existing person of the cycle's
// structure for the whole cycle, with the rights of any registration
// (access.CreateChecked): a full cycle puts them on its waiting list. The
// message is the caller's job, after the commit.
func RegisterCycleByStaff(app core.App, auth *core.Record, cycleID, personID, inscritPar string, now time.Time) (CycleResult, error) {
	var result CycleResult
	err := app.RunInTransaction(func(tx core.App) error {
		cycle, err := access.WorkspaceRecord(tx, auth, "cycles", cycleID)
		if err != nil {
			return err
		}
		sessions, err := seances.CycleSeances(tx, cycle.Id, now)
		if err != nil {
			return err
		}
		person, err := access.WorkspaceRecord(tx, auth, "beneficiaires", personID)
		if err != nil {
			return err
		}
		if person.GetString("structure") != cycle.GetString("structure") || person.GetBool("anonymise") || person.GetString("fusionne_vers") != "" {
			return model.ErrNotFound
		}
		if why := CycleRefusal(cycle, sessions, now, seances.ParEquipe); why != "" {
			return staffRefusal(why)
		}
		rows, err := liveCycleRows(tx, cycle.Id, person.Id, now)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			return staffRefusal(fmt.Sprintf("Cette personne (%s) est déjà inscrite à ce cycle.", ParticipantName(person)))
		}
		if err := noteActivity(tx, auth, person, now); err != nil {
			return err
		}
		result.Cycle, result.Person = cycle, person
		result.Rows, err = placeCycle(tx, auth, cycle, sessions, person, now, map[string]any{"source": "conseiller", "inscrit_par": inscritPar})
		return err
	})
	if err != nil {
		return CycleResult{}, fmt.Errorf("staff registration for cycle %s: %w", cycleID, err)
	}
	return result, nil
}

// placeCycle writes the person's registration for each session still to
// come: a place in each if the cycle has one, else the cycle's next
// waiting rank on each. auth nil is the public form (the server writes);
// otherwise each row is checked against the API rules.
func placeCycle(tx core.App, auth, cycle *core.Record, sessions []*core.Record, person *core.Record, now time.Time, fields map[string]any) ([]*core.Record, error) {
	places, err := seances.CountCyclePlaces(tx, cycle, now)
	if err != nil {
		return nil, err
	}
	statut, rang := model.StatutInscrit, 0
	if places.Restantes == 0 {
		statut = model.StatutListeAttente
		if rang, err = seances.NextCycleRang(tx, cycle.Id); err != nil {
			return nil, err
		}
	}
	collection, err := tx.FindCachedCollectionByNameOrId("inscriptions")
	if err != nil {
		return nil, err
	}
	var rows []*core.Record
	for _, s := range sessions {
		existing, err := inscriptionOf(tx, s.Id, person.Id)
		if err != nil {
			return nil, err
		}
		if existing != nil && live(existing.GetString("statut")) {
			continue // registered for this session on its own: that place stays
		}
		changes := map[string]any{"cycle": cycle.Id, "statut": statut, "rang_attente": rang, "jeton": NewToken()}
		for k, v := range fields {
			changes[k] = v
		}
		if rs, ok := changes["reponses"].([]seances.Reponse); ok {
			changes["reponses"] = seances.ReponsesPour(seances.QuestionsOf(s), rs)
		}
		r := existing
		switch {
		case r != nil && auth != nil:
			err = access.UpdateChecked(tx, auth, r, changes)
		default:
			if r == nil {
				r = core.NewRecord(collection)
				r.Set("seance", s.Id)
				r.Set("beneficiaire", person.Id)
			}
			for k, v := range changes {
				r.Set(k, v)
			}
			if auth == nil {
				err = tx.Save(r)
			} else {
				err = access.CreateChecked(tx, auth, r)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("registration for session %s of cycle %s: %w", s.Id, cycle.Id, err)
		}
		rows = append(rows, r)
	}
	if len(rows) == 0 {
		return nil, staffRefusal("Cette personne est déjà inscrite à chaque séance à venir de ce cycle.")
	}
	return rows, nil
}

// liveCycleRows are the person's registrations of the cycle that hold a
// place or wait, for sessions still to come.
func liveCycleRows(tx core.App, cycleID, personID string, now time.Time) ([]*core.Record, error) {
	rows, err := seances.CycleRows(tx, cycleID, personID, now)
	if err != nil {
		return nil, err
	}
	var out []*core.Record
	for _, r := range rows {
		if s := r.GetString("statut"); s == model.StatutInscrit || s == model.StatutListeAttente {
			out = append(out, r)
		}
	}
	return out, nil
}

// loadCycle reads the cycle and its sessions still to come; a cycle whose
// sessions are all past is ErrInscriptionClosed for the public.
func loadCycle(tx core.App, cycleID string, now time.Time) (*core.Record, []*core.Record, error) {
	cycle, err := tx.FindRecordById("cycles", cycleID)
	if err != nil {
		return nil, nil, fmt.Errorf("cycle %s: %w", cycleID, err)
	}
	sessions, err := seances.CycleSeances(tx, cycle.Id, now)
	if err != nil {
		return nil, nil, err
	}
	return cycle, sessions, nil
}

// cancelCycle cancels every registration of the person for the sessions
// still to come of the cycle of inscription (the one of the personal
// link), then gives the freed place of the cycle to the next person. It
// returns that person's first registration, to notify.
func cancelCycle(tx core.App, inscription *core.Record, now time.Time) (*core.Record, error) {
	cycleID := inscription.GetString("cycle")
	rows, err := liveCycleRows(tx, cycleID, inscription.GetString("beneficiaire"), now)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		r.Set("statut", model.StatutAnnule)
		r.Set("rang_attente", 0)
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("cancel registration %s: %w", r.Id, err)
		}
	}
	cycle, err := tx.FindRecordById("cycles", cycleID)
	if err != nil {
		return nil, fmt.Errorf("cycle %s: %w", cycleID, err)
	}
	return seances.PromoteInCycle(tx, cycle, "", now)
}

// CancelCycleByStaff cancels the person's registration for the whole
// cycle (sessions still to come), with the rights of any change to a
// registration; it returns the registration of the person who got the
// freed place, to notify.
func CancelCycleByStaff(app core.App, auth *core.Record, cycleID, personID string, now time.Time) (*core.Record, error) {
	var promoted *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		cycle, err := access.WorkspaceRecord(tx, auth, "cycles", cycleID)
		if err != nil {
			return err
		}
		rows, err := liveCycleRows(tx, cycle.Id, personID, now)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return staffRefusal("Cette personne n'est plus inscrite aux séances à venir de ce cycle.")
		}
		for _, r := range rows {
			if _, err := access.Readable(tx, auth, "inscriptions", r.Id); err != nil {
				return err
			}
			if err := access.UpdateChecked(tx, auth, r, map[string]any{"statut": model.StatutAnnule, "rang_attente": 0}); err != nil {
				return fmt.Errorf("cancel registration %s: %w", r.Id, err)
			}
		}
		promoted, err = seances.PromoteInCycle(tx, cycle, "", now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("staff cancel in cycle %s: %w", cycleID, err)
	}
	return promoted, nil
}

// confirmCycleOffer confirms the place offered in every session of the
// cycle at once: one offer, one answer.
func confirmCycleOffer(tx core.App, inscription *core.Record, now time.Time, save func(*core.Record) error) error {
	rows, err := seances.CycleRows(tx, inscription.GetString("cycle"), inscription.GetString("beneficiaire"), now)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.Id == inscription.Id || !seances.OffreEnCours(r) {
			continue
		}
		r.Set("offre_expire", "")
		if err := save(r); err != nil {
			return fmt.Errorf("confirm offered place %s: %w", r.Id, err)
		}
	}
	return nil
}

// CycleParticipant is one person registered for a session of the cycle,
// with their status in each session (attendance included), as conseillers
// see it.
type CycleParticipant struct {
	Beneficiaire string
	Nom          string
	Cycle        bool     // registered for the cycle (else for some sessions only, by staff)
	Statuts      []string // per session of the cycle, in order; "" when not registered
	Rang         int      // position on the cycle's waiting list
	Presences    int      // sessions attended
}

// LoadCycleParticipants reads the registrations of the cycle's sessions
// that are not cancelled, one line per person, for sessions (in order).
// Callers check first that the staff member reads people.
func LoadCycleParticipants(app core.App, cycleID string, sessions []*core.Record) ([]CycleParticipant, error) {
	index := map[string]int{}
	for i, s := range sessions {
		index[s.Id] = i
	}
	var rows []struct {
		ID           string `db:"id"`
		Seance       string `db:"seance"`
		Beneficiaire string `db:"beneficiaire"`
		Cycle        string `db:"cycle"`
		Statut       string `db:"statut"`
	}
	err := app.DB().NewQuery(`SELECT i.id, i.seance, i.beneficiaire, i.cycle, i.statut FROM inscriptions i
		JOIN seances s ON s.id = i.seance WHERE s.cycle = {:cycle} AND i.statut != 'annule' ORDER BY s.debut`).
		Bind(dbx.Params{"cycle": cycleID}).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("participants of cycle %s: %w", cycleID, err)
	}
	byPerson := map[string]*CycleParticipant{}
	var order []string
	for _, r := range rows {
		p, ok := byPerson[r.Beneficiaire]
		if !ok {
			p = &CycleParticipant{Beneficiaire: r.Beneficiaire, Statuts: make([]string, len(sessions))}
			byPerson[r.Beneficiaire] = p
			order = append(order, r.Beneficiaire)
			person, err := app.FindRecordById("beneficiaires", r.Beneficiaire)
			if err != nil {
				return nil, fmt.Errorf("person of registration %s: %w", r.ID, err)
			}
			p.Nom = ParticipantName(person)
		}
		if i, ok := index[r.Seance]; ok {
			p.Statuts[i] = r.Statut
		}
		if r.Cycle != "" {
			p.Cycle = true
			if r.Statut == model.StatutListeAttente && p.Rang == 0 {
				record, err := app.FindRecordById("inscriptions", r.ID)
				if err != nil {
					return nil, fmt.Errorf("registration %s: %w", r.ID, err)
				}
				if p.Rang, err = seances.RangAttente(app, record); err != nil {
					return nil, err
				}
			}
		}
		if r.Statut == model.StatutPresent {
			p.Presences++
		}
	}
	out := make([]CycleParticipant, 0, len(order))
	for _, id := range order {
		out = append(out, *byPerson[id])
	}
	slices.SortStableFunc(out, func(a, b CycleParticipant) int {
		if (a.Rang > 0) != (b.Rang > 0) {
			return map[bool]int{true: 1, false: -1}[a.Rang > 0]
		}
		if a.Rang != b.Rang {
			return a.Rang - b.Rang
		}
		return strings.Compare(strings.ToLower(a.Nom), strings.ToLower(b.Nom))
	})
	return out, nil
}
