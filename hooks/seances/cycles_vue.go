package seances

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// CycleView is a cycle as its pages show it: its sessions still to come
// (public) or all of them (staff), the dates said in French and its places.
type CycleView struct {
	ID, Titre, Description string
	Capacite               int
	Publique               bool
	Structure              StructureView
	Seances                []*SeanceView
	Dates                  string // « 4 séances : lundi 7, 14, 21 et 28 décembre, de 14 h à 16 h »
	Places                 CyclePlaces
	Records                []*core.Record // the sessions shown, in order
}

// Questions are what the cycle's form asks: the questions of its first
// session still to come (planning a series copies them to each session).
// Each registration of the cycle keeps the answers its session asks
// (ReponsesPour).
func (c CycleView) Questions() []Question {
	if len(c.Records) == 0 {
		return nil
	}
	return QuestionsOf(c.Records[0])
}

// Complet tells a cycle whose registration goes to the waiting list.
func (c CycleView) Complet() bool { return c.Places.Restantes == 0 }

// TotalMinutes is the time of all the sessions shown.
func (c CycleView) TotalMinutes() int {
	total := 0
	for _, s := range c.Seances {
		total += s.DureeMinutes
	}
	return total
}

// LoadPublicCycle reads a public cycle with its sessions still to come;
// anything else is « not found ».
func LoadPublicCycle(app core.App, id string, now time.Time) (*CycleView, error) {
	cycle, err := app.FindRecordById("cycles", id)
	if err != nil {
		return nil, err
	}
	if !cycle.GetBool("publique") {
		return nil, fmt.Errorf("cycle %s is not public: %w", id, model.ErrNotFound)
	}
	sessions, err := CycleSeances(app, cycle.Id, now)
	if err != nil {
		return nil, err
	}
	return buildCycleView(app, cycle, sessions, now)
}

// LoadStaffCycle reads a cycle of the staff member's structures with all
// its sessions (a coordinateur reads every structure's).
func LoadStaffCycle(app core.App, auth *core.Record, id string, now time.Time) (*CycleView, error) {
	cycle, err := access.WorkspaceRecord(app, auth, "cycles", id)
	if err != nil {
		return nil, err
	}
	sessions, err := AllCycleSeances(app, cycle.Id)
	if err != nil {
		return nil, err
	}
	return buildCycleView(app, cycle, sessions, now)
}

func buildCycleView(app core.App, cycle *core.Record, sessions []*core.Record, now time.Time) (*CycleView, error) {
	structure, err := app.FindRecordById("structures", cycle.GetString("structure"))
	if err != nil {
		return nil, fmt.Errorf("structure of cycle %s: %w", cycle.Id, err)
	}
	v := &CycleView{ID: cycle.Id, Titre: cycle.GetString("titre"), Description: cycle.GetString("description"),
		Capacite: cycle.GetInt("capacite"), Publique: cycle.GetBool("publique"), Structure: NewStructureView(structure), Records: sessions}
	for _, s := range sessions {
		sv, err := DescribeSeance(app, s)
		if err != nil {
			return nil, err
		}
		v.Seances = append(v.Seances, sv)
	}
	v.Dates = DescribeCycleDates(v.Seances)
	if v.Places, err = CountCyclePlaces(app, cycle, now); err != nil {
		return nil, err
	}
	return v, nil
}

// PublicCycles lists the public cycles of a structure that still have a
// session to come, for its public page and the home page.
func PublicCycles(app core.App, structureID string, now time.Time) ([]*CycleView, error) {
	where := "publique = true && structure = {:structure}"
	if structureID == "" {
		where = "publique = true"
	}
	cycles, err := app.FindRecordsByFilter("cycles", where, "titre", 50, 0, dbx.Params{"structure": structureID})
	if err != nil {
		return nil, fmt.Errorf("public cycles: %w", err)
	}
	var out []*CycleView
	for _, c := range cycles {
		sessions, err := CycleSeances(app, c.Id, now)
		if err != nil {
			return nil, err
		}
		if len(sessions) == 0 {
			continue
		}
		v, err := buildCycleView(app, c, sessions, now)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// StaffCycles lists the cycles of the staff member's structures.
func StaffCycles(app core.App, staff *model.StaffView, now time.Time) ([]*CycleView, error) {
	var ids []string
	err := app.DB().Select("id").From("cycles c").Where(staff.Scope("c.structure")).OrderBy("c.created DESC").Limit(100).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("cycles of the staff member: %w", err)
	}
	var out []*CycleView
	for _, id := range ids {
		c, err := app.FindRecordById("cycles", id)
		if err != nil {
			return nil, err
		}
		sessions, err := AllCycleSeances(app, id)
		if err != nil {
			return nil, err
		}
		v, err := buildCycleView(app, c, sessions, now)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// CycleCandidate is a planned session that may join a new cycle.
type CycleCandidate struct {
	ID, Titre, Structure string
	Debut, Fin           time.Time
}

// CycleCandidates lists the planned sessions to come of the staff member's
// structures that belong to no cycle, to group into one.
func CycleCandidates(app core.App, staff *model.StaffView, now time.Time) ([]CycleCandidate, error) {
	var rows []struct {
		ID        string `db:"id"`
		Titre     string `db:"titre"`
		Structure string `db:"structure"`
		Fuseau    string `db:"fuseau"`
		Debut     string `db:"debut"`
		Fin       string `db:"fin"`
	}
	err := app.DB().Select("s.id", "a.titre", "st.nom AS structure", "st.fuseau", "s.debut", "s.fin").From("seances s").
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		InnerJoin("structures st", dbx.NewExp("st.id = s.structure")).
		Where(dbx.And(staff.Scope("s.structure"), dbx.NewExp("s.cycle = '' AND s.statut = 'planifiee' AND s.debut > {:now}",
			dbx.Params{"now": model.DBDate(now)}))).
		OrderBy("s.debut").Limit(200).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("sessions for a cycle: %w", err)
	}
	out := make([]CycleCandidate, 0, len(rows))
	for _, r := range rows {
		c := CycleCandidate{ID: r.ID, Titre: r.Titre, Structure: r.Structure}
		loc := frfmt.Location(r.Fuseau)
		c.Debut, c.Fin = model.ParseDBDate(r.Debut).In(loc), model.ParseDBDate(r.Fin).In(loc)
		out = append(out, c)
	}
	return out, nil
}

// CycleForm is the staff form of a new cycle, as typed.
type CycleForm struct {
	Titre, Description, Capacite string
	Publique                     bool
	Seances                      []string
}

// CreateCycle checks the form and saves the cycle with its sessions, with
// the rights of the API (cycles and seances rules): the sessions must be
// planned, to come, of one structure and in no other cycle.
func CreateCycle(app core.App, auth *core.Record, f CycleForm, now time.Time) (*core.Record, formulaire.Erreurs, error) {
	capacite, errs := checkCycleForm(&f)
	if len(f.Seances) < 2 {
		errs["seances"] = "Cochez au moins deux séances : un cycle en groupe plusieurs."
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	var cycle *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var sessions []*core.Record
		for _, id := range f.Seances {
			s, err := access.WorkspaceRecord(tx, auth, "seances", id)
			if err != nil {
				return err
			}
			if s.GetString("cycle") != "" || s.GetString("statut") != model.SeancePlanifiee || !now.Before(s.GetDateTime("debut").Time()) {
				errs["seances"] = "Une des séances cochées a commencé, est annulée ou fait déjà partie d'un cycle : cochez-en d'autres."
				return nil
			}
			if len(sessions) > 0 && s.GetString("structure") != sessions[0].GetString("structure") {
				errs["seances"] = "Les séances d'un cycle sont d'une même structure."
				return nil
			}
			sessions = append(sessions, s)
		}
		collection, err := tx.FindCachedCollectionByNameOrId("cycles")
		if err != nil {
			return err
		}
		cycle = core.NewRecord(collection)
		cycle.Load(map[string]any{"structure": sessions[0].GetString("structure"), "titre": f.Titre,
			"description": strings.TrimSpace(f.Description), "capacite": capacite, "publique": f.Publique})
		if err := access.CreateChecked(tx, auth, cycle); err != nil {
			return fmt.Errorf("create cycle: %w", err)
		}
		for _, s := range sessions {
			if err := access.UpdateChecked(tx, auth, s, map[string]any{"cycle": cycle.Id}); err != nil {
				return fmt.Errorf("session %s joins cycle: %w", s.Id, err)
			}
		}
		return nil
	})
	if err != nil || len(errs) > 0 {
		return nil, errs, err
	}
	return cycle, nil, nil
}

// homeCycles are the public cycles the home page shows above the
// sessions, on its first page: those of the chosen structure, or of
// every structure when no commune is chosen.
func homeCycles(app core.App, filter HomeFilter, now time.Time) ([]*CycleView, error) {
	if filter.Page > 1 || strings.HasPrefix(filter.Ou, "c:") {
		return nil, nil
	}
	structureID := ""
	if slug, ok := strings.CutPrefix(filter.Ou, "s:"); ok {
		structure, err := FindStructureBySlug(app, slug)
		if model.IsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		structureID = structure.Id
	}
	return PublicCycles(app, structureID, now)
}

// checkCycleForm checks the fields of the cycle itself (not its sessions).
func checkCycleForm(f *CycleForm) (int, formulaire.Erreurs) {
	errs := formulaire.Erreurs{}
	f.Titre = strings.TrimSpace(f.Titre)
	if f.Titre == "" {
		errs["titre"] = "Indiquez le titre du cycle, par exemple « Prendre en main sa tablette »."
	} else if len([]rune(f.Titre)) > 200 {
		errs["titre"] = "Ce titre est trop long (200 caractères au plus)."
	}
	if len([]rune(f.Description)) > 5000 {
		errs["description"] = "Cette présentation est trop longue (5 000 caractères au plus)."
	}
	capacite, err := strconv.Atoi(strings.TrimSpace(f.Capacite))
	if err != nil || capacite < 1 || capacite > 500 {
		errs["capacite"] = "Indiquez un nombre de places entre 1 et 500."
	}
	return capacite, errs
}

// UpdateCycle saves the cycle's title, presentation, places and public
// flag, with the rights of the API; places added go to the cycle's
// waiting list at once (returned, to notify), and places are never lowered
// under the people registered (RegisterCycles).
func UpdateCycle(app core.App, auth *core.Record, id string, f CycleForm) (formulaire.Erreurs, []*core.Record, error) {
	capacite, errs := checkCycleForm(&f)
	if len(errs) > 0 {
		return errs, nil, nil
	}
	var promoted []*core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		cycle, err := access.WorkspaceRecord(tx, auth, "cycles", id)
		if err != nil {
			return err
		}
		before := cycle.GetInt("capacite")
		if err := access.UpdateChecked(tx, auth, cycle, map[string]any{"titre": f.Titre,
			"description": strings.TrimSpace(f.Description), "capacite": capacite, "publique": f.Publique}); err != nil {
			return err
		}
		if capacite > before {
			promoted, err = PromoteAllCycle(tx, cycle)
		}
		return err
	})
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		for field, e := range verrs {
			errs[field] = e.Error()
		}
		return errs, nil, nil
	}
	return nil, promoted, err
}
