package statistiques

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
)

// CollectionPartages holds the read-only links to a structure's figures
// (pb_migrations 1763900027).
const CollectionPartages = "partages_statistiques"

// Partage is a read-only link to a structure's figures for a period.
type Partage struct {
	ID, Libelle, Jeton string
	Structure          StatsStructure
	Periode            stats.Periode
	CreeLe             time.Time
}

// PartageForm is the creation form as typed.
type PartageForm struct {
	Structure, Libelle, Du, Au string
}

// MayShare tells whether the staff member makes and revokes links: a
// référent for their structures, a coordinateur for all. Conseillers ask
// them; the rules of partages_statistiques say the same.
func MayShare(staff *model.StaffView) bool {
	return staff != nil && (staff.Coordinateur() || staff.RoleValue == model.RoleReferent)
}

// PartagesOf lists the links the staff member reads, newest first.
func PartagesOf(app core.App, staff *model.StaffView) ([]Partage, error) {
	if !MayShare(staff) {
		return nil, nil
	}
	structures, err := StaffStatsStructures(app, staff)
	if err != nil {
		return nil, err
	}
	byID := map[string]StatsStructure{}
	ids := make([]any, 0, len(structures))
	for _, s := range structures {
		byID[s.ID] = s
		ids = append(ids, s.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	records, err := app.FindRecordsByFilter(CollectionPartages, "", "-created", 0, 0)
	if err != nil {
		return nil, fmt.Errorf("shared figures: %w", err)
	}
	var out []Partage
	for _, r := range records {
		if s, ok := byID[r.GetString("structure")]; ok {
			out = append(out, partageOf(r, s))
		}
	}
	return out, nil
}

func partageOf(r *core.Record, s StatsStructure) Partage {
	return Partage{ID: r.Id, Libelle: r.GetString("libelle"), Jeton: r.GetString("jeton"), Structure: s,
		Periode: stats.Periode{Du: jour(r.GetString("du")), Au: jour(r.GetString("au"))},
		CreeLe:  r.GetDateTime("created").Time()}
}

// jour reads a stored day (2026-10-31); the collection's pattern keeps
// anything else out.
func jour(s string) stats.Date {
	t, _ := time.Parse("2006-01-02", s)
	return stats.DateDe(t)
}

// CreatePartage checks the form and makes a link; errs holds the French
// messages next to the fields (nothing is written then). The create rule
// is the read rule: who reads a structure's links makes them.
func CreatePartage(app core.App, auth *core.Record, f PartageForm, now time.Time) (*core.Record, formulaire.Erreurs, error) {
	errs := formulaire.Erreurs{}
	staff := model.NewStaffView(auth)
	if !MayShare(staff) {
		return nil, nil, access.ErrForbidden
	}
	structures, err := StaffStatsStructures(app, staff)
	if err != nil {
		return nil, nil, err
	}
	var structure *StatsStructure
	for i := range structures {
		if structures[i].ID == f.Structure || (f.Structure == "" && len(structures) == 1) {
			structure = &structures[i]
		}
	}
	if structure == nil {
		errs["structure"] = "Choisissez la structure dont les chiffres sont partagés."
	}
	libelle := strings.TrimSpace(f.Libelle)
	switch n := len([]rune(libelle)); {
	case n == 0:
		errs["libelle"] = "Écrivez pour qui est le lien, par exemple « Conseil municipal »."
	case n > 120:
		errs["libelle"] = "Écrivez 120 caractères au plus."
	}
	today := stats.DateDe(now.In(frfmt.Location("")))
	if structure != nil {
		today = stats.DateDe(now.In(structure.Loc))
	}
	p := ParsePeriode(f.Du, f.Au, today, errs)
	du, au := p.Du, p.Au
	if len(errs) > 0 {
		return nil, errs, nil
	}
	collection, err := app.FindCollectionByNameOrId(CollectionPartages)
	if err != nil {
		return nil, nil, fmt.Errorf("shared figures: %w", err)
	}
	r := core.NewRecord(collection)
	r.Set("structure", structure.ID)
	r.Set("libelle", libelle)
	r.Set("du", du.String())
	r.Set("au", au.String())
	r.Set("jeton", model.NewToken())
	r.Set("cree_par", auth.Id)
	if err := access.CreateReadable(app, auth, r); err != nil {
		return nil, nil, fmt.Errorf("create shared figures of %s: %w", structure.ID, err)
	}
	return r, nil, nil
}

// maxPeriodeDays bounds a custom period (three years): beyond, a page
// would read a lot for a chart nobody reads.
const maxPeriodeDays = 3*366 + 1

// ParsePeriode reads a period typed as two days (fields du and au), with
// French messages in errs next to the fields.
func ParsePeriode(du, au string, today stats.Date, errs formulaire.Erreurs) stats.Periode {
	d, okDu := ParseJour(du, "du", "Indiquez le premier jour de la période.", today, errs)
	a, okAu := ParseJour(au, "au", "Indiquez le dernier jour de la période.", today, errs)
	if okDu && okAu {
		switch days := int(a.Time().Sub(d.Time()).Hours() / 24); {
		case days < 0:
			errs["au"] = "La fin de la période doit venir après son début."
		case days >= maxPeriodeDays:
			errs["au"] = "La période ne peut pas dépasser 3 ans."
		}
	}
	return stats.Periode{Du: d, Au: a}
}

// ParseJour reads a day typed in a date field (2026-10-31, or 31/10/2026
// where the browser shows a plain text box), with a French message in errs
// under name when it is missing or wrong.
func ParseJour(value, name, missing string, today stats.Date, errs formulaire.Erreurs) (stats.Date, bool) {
	if value == "" {
		errs[name] = missing
		return today, false
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.Parse(layout, value); err == nil {
			if t.Year() < 2000 || t.Year() > today.Annee+5 {
				break
			}
			return stats.DateDe(t), true
		}
	}
	errs[name] = "Indiquez une date valide, par exemple " + today.Time().Format("02/01/2006") + "."
	return today, false
}

// RevokePartage deletes a link: it stops working at once.
func RevokePartage(app core.App, auth *core.Record, id string) (*core.Record, error) {
	r, err := access.Readable(app, auth, CollectionPartages, id)
	if err != nil {
		return nil, err
	}
	if err := access.DeleteChecked(app, auth, r); err != nil {
		return nil, fmt.Errorf("revoke shared figures %s: %w", id, err)
	}
	return r, nil
}

// FindPartage is the link of a token, with its structure; a malformed,
// unknown or revoked token is model.ErrNotFound.
func FindPartage(app core.App, jeton string) (*Partage, error) {
	if !model.WellFormedToken(jeton) {
		return nil, model.ErrNotFound
	}
	r, err := app.FindFirstRecordByFilter(CollectionPartages, "jeton = {:jeton}", dbx.Params{"jeton": jeton})
	if err != nil {
		return nil, model.ErrNotFound
	}
	s, err := app.FindRecordById("structures", r.GetString("structure"))
	if err != nil {
		return nil, model.ErrNotFound
	}
	p := partageOf(r, StatsStructure{ID: s.Id, Nom: s.GetString("nom"), Loc: frfmt.Location(s.GetString("fuseau"))})
	return &p, nil
}
