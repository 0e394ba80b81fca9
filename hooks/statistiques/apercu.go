package statistiques

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/stats"
	"atelier/hooks/lib/texte"
	"atelier/hooks/seances"
)

// The coordinateur's overview: one row per structure with the key figures
// of its month and of the previous one, each in the structure's own time
// zone, and the sessions whose attendance is still to fill.
//
// Its cost does not grow with a query per structure: one query for the
// structures, the monthly aggregates of the two months for all of them
// (LoadAgregats: one query, plus a count of the months changed since),
// one grouped count of the attendance to fill; a month's figures are its
// aggregate's, which the statistics page adds up too, so that a row says
// what the structure's statistics page says.

// ChiffresMois are a structure's key figures for one month.
type ChiffresMois struct {
	Mois                                                  stats.Date // the 1st of the month
	Seances, Participants, Accompagnements, Beneficiaires int
	Taux                                                  float64 // attendance rate, 0 to 1
	TauxConnu                                             bool    // false: no attendance taken
}

// LigneApercu is one structure of the overview.
type LigneApercu struct {
	ID, Nom           string
	Courant, Dernier  ChiffresMois // this month and last, in the structure's zone
	PresencesARemplir int          // sessions over, attendance not taken (any month)
}

// LoadApercu computes the overview of every structure at now, by name.
func LoadApercu(app core.App, now time.Time) ([]LigneApercu, error) {
	var structures []struct {
		ID     string `db:"id"`
		Nom    string `db:"nom"`
		Fuseau string `db:"fuseau"`
	}
	if err := app.DB().Select("id", "nom", "fuseau").From("structures").All(&structures); err != nil {
		return nil, fmt.Errorf("overview structures: %w", err)
	}
	if len(structures) == 0 {
		return nil, nil
	}
	rows := make([]LigneApercu, len(structures))
	ids := make([]string, len(structures))
	var span stats.Periode
	for i, s := range structures {
		today := stats.DateDe(now.In(frfmt.Location(s.Fuseau)))
		rows[i] = LigneApercu{ID: s.ID, Nom: s.Nom, Courant: ChiffresMois{Mois: today.PremierDuMois()},
			Dernier: ChiffresMois{Mois: today.AjouterMois(-1)}}
		ids[i] = s.ID
		first, last := rows[i].Dernier.Mois, today.DernierDuMois()
		if i == 0 || first.Avant(span.Du) {
			span.Du = first
		}
		if i == 0 || span.Au.Avant(last) {
			span.Au = last
		}
	}
	aggs, err := LoadAgregats(app, ids, span.Du, span.Au)
	if err != nil {
		return nil, err
	}
	byKey := make(map[stats.CleAgregat]*stats.Agregat, len(aggs))
	for _, a := range aggs {
		byKey[stats.CleAgregat{Structure: a.Structure, Mois: a.Mois}] = a
	}
	month := func(structure string, m stats.Date) ChiffresMois {
		if a := byKey[stats.CleAgregat{Structure: structure, Mois: m}]; a != nil {
			return chiffresMois(m, a.ChiffresMois())
		}
		return chiffresMois(m, stats.Chiffres{})
	}
	for i := range rows {
		r := &rows[i]
		r.Courant, r.Dernier = month(r.ID, r.Courant.Mois), month(r.ID, r.Dernier.Mois)
	}
	toFill, err := attendanceToFill(app, now)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		rows[i].PresencesARemplir = toFill[rows[i].ID]
	}
	SortApercu(rows, "", false)
	return rows, nil
}

func chiffresMois(month stats.Date, c stats.Chiffres) ChiffresMois {
	out := ChiffresMois{Mois: month, Seances: c.SeancesRealisees, Participants: c.Participants,
		Accompagnements: c.Accompagnements, Beneficiaires: c.Beneficiaires}
	out.Taux, out.TauxConnu = c.TauxPresence()
	return out
}

// attendanceToFill counts, per structure, the sessions over whose
// attendance is not taken (seances.AttendanceToFill), in one grouped query.
func attendanceToFill(app core.App, now time.Time) (map[string]int, error) {
	var counts []struct {
		Structure string `db:"structure"`
		N         int    `db:"n"`
	}
	err := app.DB().Select("s.structure", "count(*) AS n").From("seances s").Where(seances.AttendanceToFill(now)).
		GroupBy("s.structure").All(&counts)
	if err != nil {
		return nil, fmt.Errorf("overview attendance to fill: %w", err)
	}
	out := make(map[string]int, len(counts))
	for _, c := range counts {
		out[c.Structure] = c.N
	}
	return out, nil
}

// Columns the overview sorts by (the query's tri).
var TrisApercu = []string{"structure", "seances", "participants", "accompagnements", "beneficiaires", "taux",
	"seances_precedent", "participants_precedent", "accompagnements_precedent", "beneficiaires_precedent", "taux_precedent",
	"a_renseigner"}

// SortApercu sorts the rows by a column of TrisApercu (by name when
// unknown), descending if desc; ties go by name, then id. An unknown rate
// comes after every known one, whatever the direction.
func SortApercu(rows []LigneApercu, column string, desc bool) {
	figure := func(r *LigneApercu) (float64, bool) {
		m := &r.Courant
		name, previous := strings.CutSuffix(column, "_precedent")
		if previous {
			m = &r.Dernier
		}
		switch name {
		case "seances":
			return float64(m.Seances), true
		case "participants":
			return float64(m.Participants), true
		case "accompagnements":
			return float64(m.Accompagnements), true
		case "beneficiaires":
			return float64(m.Beneficiaires), true
		case "taux":
			return m.Taux, m.TauxConnu
		case "a_renseigner":
			return float64(r.PresencesARemplir), true
		}
		return 0, true
	}
	byName := func(a, b *LigneApercu) int {
		return cmp.Or(strings.Compare(texte.Plier(a.Nom), texte.Plier(b.Nom)), strings.Compare(a.ID, b.ID))
	}
	slices.SortStableFunc(rows, func(a, b LigneApercu) int {
		va, oka := figure(&a)
		vb, okb := figure(&b)
		if oka != okb {
			if oka {
				return -1
			}
			return 1
		}
		c := cmp.Compare(va, vb)
		if column == "structure" || column == "" || !slices.Contains(TrisApercu, column) {
			c = byName(&a, &b)
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, byName(&a, &b))
	})
}
