package seances

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

func LoadDashboard(app core.App, staff *model.StaffView, now time.Time) (*dashboardData, error) {
	data := &dashboardData{Staff: staff, MesSeancesOK: staff.VoitPersonnes()}
	mine := staff.Scope("s.structure")
	if data.MesSeancesOK {
		mine = dbx.And(mine, dbx.NewExp("EXISTS (SELECT 1 FROM json_each(s.animateurs) WHERE json_each.value = {:me})",
			dbx.Params{"me": staff.ID}))
	}
	var err error
	data.Prochaines, err = DashboardSeances(app, dbx.And(mine,
		dbx.NewExp("s.statut = 'planifiee' AND s.debut >= {:now}", dbx.Params{"now": model.DBDate(now)})), "s.debut ASC", 10, 0)
	if err != nil {
		return nil, err
	}
	// Past sessions still "planned" with no attendance at all.
	data.ARenseigner, err = DashboardSeances(app, dbx.And(mine, AttendanceToFill(now)), "s.debut DESC", 20, 0)
	if err != nil {
		return nil, err
	}
	data.Mois, data.Compteurs, err = monthCounters(app, staff, now)
	return data, err
}

func DashboardSeances(app core.App, where dbx.Expression, order string, limit, offset int64) ([]DashboardSeance, error) {
	var rows []struct {
		ID        string `db:"id"`
		Titre     string `db:"titre"`
		Lieu      string `db:"lieu"`
		Structure string `db:"structure"`
		Fuseau    string `db:"fuseau"`
		Debut     string `db:"debut"`
		Fin       string `db:"fin"`
		Publique  bool   `db:"publique"`
		Statut    string `db:"statut"`
		Capacite  int    `db:"capacite"`
		Inscrits  int    `db:"inscrits"`
		EnAttente int    `db:"en_attente"`
	}
	err := app.DB().Select("s.id", "a.titre", "l.nom AS lieu", "st.nom AS structure", "st.fuseau", "s.debut", "s.fin", "s.publique", "s.statut", "s.capacite",
		PlacesPrisesSQL("s.id")+" AS inscrits", EnAttenteSQL("s.id")+" AS en_attente").
		From("seances s").
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		InnerJoin("lieux l", dbx.NewExp("l.id = s.lieu")).
		InnerJoin("structures st", dbx.NewExp("st.id = s.structure")).
		Where(where).OrderBy(order).Limit(limit).Offset(offset).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("dashboard sessions: %w", err)
	}
	out := make([]DashboardSeance, 0, len(rows))
	for _, r := range rows {
		debut, _ := types.ParseDateTime(r.Debut)
		fin, _ := types.ParseDateTime(r.Fin)
		loc := frfmt.Location(r.Fuseau)
		out = append(out, DashboardSeance{ID: r.ID, Titre: r.Titre, Lieu: r.Lieu, Structure: r.Structure,
			Debut: debut.Time().In(loc), Fin: fin.Time().In(loc), Publique: r.Publique, Statut: r.Statut, Capacite: r.Capacite,
			Inscrits: r.Inscrits, EnAttente: r.EnAttente})
	}
	return out, nil
}

// monthCounters counts the current month (in Paris time: counters span
// structures of several zones) for the staff member's structures.
func monthCounters(app core.App, staff *model.StaffView, now time.Time) (time.Time, []compteur, error) {
	local := now.In(frfmt.Location(""))
	start := time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, local.Location())
	end := start.AddDate(0, 1, 0)
	period := dbx.Params{"start": model.DBDate(start), "end": model.DBDate(end)}
	var sessions, participants int
	err := app.DB().Select("count(*)",
		"coalesce(sum(s.participants_anonymes + (SELECT count(*) FROM inscriptions i WHERE i.seance = s.id AND i.statut = 'present')), 0)").
		From("seances s").
		Where(dbx.And(staff.Scope("s.structure"), dbx.NewExp("s.statut = 'realisee' AND s.debut >= {:start} AND s.debut < {:end}", period))).
		Row(&sessions, &participants)
	if err != nil {
		return start, nil, fmt.Errorf("month sessions: %w", err)
	}
	var helps, minutes int
	err = app.DB().Select("count(*)", "coalesce(sum(duree_minutes), 0)").From("accompagnements").
		Where(dbx.And(staff.Scope("structure"), dbx.NewExp("date >= {:start} AND date < {:end}", period))).
		Row(&helps, &minutes)
	if err != nil {
		return start, nil, fmt.Errorf("month help: %w", err)
	}
	return start, []compteur{
		{"Ateliers réalisés", frfmt.Nombre(sessions)},
		{"Participants aux ateliers", frfmt.Nombre(participants)},
		{"Accompagnements individuels", frfmt.Nombre(helps)},
		{"Temps d'accompagnement individuel", frfmt.Duree(minutes)},
	}, nil
}

// StructureNames maps structure ids to their names.
func StructureNames(app core.App, ids []string) (map[string]string, error) {
	names := map[string]string{}
	if len(ids) == 0 {
		return names, nil
	}
	records, err := app.FindRecordsByIds("structures", ids)
	if err != nil {
		return nil, fmt.Errorf("names of structures: %w", err)
	}
	for _, r := range records {
		names[r.Id] = r.GetString("nom")
	}
	return names, nil
}

type DashboardSeance struct {
	ID, Titre, Lieu, Structure string
	Statut                     string
	Capacite                   int
	Debut, Fin                 time.Time
	Inscrits, EnAttente        int
	Publique                   bool
}

type dashboardData struct {
	Staff        *model.StaffView
	Prochaines   []DashboardSeance
	ARenseigner  []DashboardSeance
	Mois         time.Time
	Compteurs    []compteur
	MesSeancesOK bool             // the list is "my" sessions (an animator's), else the structures'
	AAppeler     int              // people to phone (the « à appeler » list), set by the page for people-readers
	Rappels      []DelaiStructure // reminder delays the staff member may change, set by the page
}

type compteur struct {
	Label  string
	Valeur string
}

// CountSeances counts the sessions (alias s) that where selects.
func CountSeances(app core.App, where dbx.Expression) (int, error) {
	var n int
	if err := app.DB().Select("count(*)").From("seances s").Where(where).Row(&n); err != nil {
		return 0, fmt.Errorf("count sessions: %w", err)
	}
	return n, nil
}
