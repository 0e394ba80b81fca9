package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/clock"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/graphique"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/statistiques"
)

func RegisterStatisticsPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/statistiques", pe.Page(statsPageHandler(pe)))
	g.GET("/statistiques/activites.xlsx", pe.Page(statsExportHandler(pe, exportActivitiesXLSX)))
	g.GET("/statistiques/activites.csv", pe.Page(statsExportHandler(pe, exportActivitiesCSV)))
	g.GET("/statistiques/synthese.xlsx", pe.Page(statsExportHandler(pe, exportSummaryXLSX)))
	g.GET("/statistiques/synthese.csv", pe.Page(statsExportHandler(pe, exportSummaryCSV)))
	g.GET("/statistiques/structures", pe.Page(statsOverviewHandler(pe)))
}

// Periods of the filter form.
const (
	periodeMois      = "mois"
	periodePrecedent = "precedent"
	periodeAnnee     = "annee"
	periodeAutre     = "autre"
)

var statsPeriodes = []formulaire.Option{
	{Value: periodeMois, Label: "Ce mois-ci"},
	{Value: periodePrecedent, Label: "Le mois dernier"},
	{Value: periodeAnnee, Label: "Les 12 derniers mois"},
	{Value: periodeAutre, Label: "Autre période"},
}

// statsForm is the filter as typed (GET query).
type statsForm struct {
	Periode, Du, Au, Structure string
}

func parseStatsForm(q url.Values) statsForm {
	f := statsForm{Periode: strings.TrimSpace(q.Get("periode")), Du: strings.TrimSpace(q.Get("du")),
		Au: strings.TrimSpace(q.Get("au")), Structure: strings.TrimSpace(q.Get("structure"))}
	if f.Periode == "" {
		f.Periode = periodeMois
		if f.Du != "" || f.Au != "" {
			f.Periode = periodeAutre
		}
	}
	return f
}

// statsQuery is a checked filter: what to count and for whom.
type statsQuery struct {
	Form     statsForm
	Errors   formulaire.Erreurs
	Filtre   stats.Filtre
	Choix    []statistiques.StatsStructure // the structures the person may count
	Comptees []statistiques.StatsStructure // the ones counted (all of Choix, or the chosen one)
	Staff    *model.StaffView              // who asks (the activity export says who exported)
	Now      time.Time                     // when they ask
}

// resolveStatsQuery checks the filter of the request. A structure that is
// not one of the person's answers 404, like any record of another
// structure in a URL; a wrong date is a form error (422).
func resolveStatsQuery(e *core.RequestEvent, staff *model.StaffView, now time.Time) (*statsQuery, error) {
	choix, err := statistiques.StaffStatsStructures(e.App, staff)
	if err != nil {
		return nil, err
	}
	q := &statsQuery{Form: parseStatsForm(e.Request.URL.Query()), Errors: formulaire.Erreurs{}, Choix: choix, Comptees: choix}
	q.Staff, q.Now = staff, now
	if id := q.Form.Structure; id != "" {
		q.Comptees = nil
		for _, s := range choix {
			if s.ID == id {
				q.Comptees = []statistiques.StatsStructure{s}
			}
		}
		if q.Comptees == nil {
			return nil, model.ErrNotFound
		}
	}
	loc := frfmt.Location("") // the day of several structures is the mainland's
	if len(q.Comptees) == 1 {
		loc = q.Comptees[0].Loc
	}
	q.Filtre.Periode = q.Form.periode(stats.DateDe(now.In(loc)), q.Errors)
	return q, nil
}

// periode turns the form into days, with French messages next to the
// fields for a wrong custom period.
func (f statsForm) periode(today stats.Date, errs formulaire.Erreurs) stats.Periode {
	switch f.Periode {
	case periodeMois:
		return stats.Mois(today.Annee, today.Mois)
	case periodePrecedent:
		prev := today.AjouterMois(-1)
		return stats.Mois(prev.Annee, prev.Mois)
	case periodeAnnee:
		return stats.Periode{Du: today.AjouterMois(-(stats.NombreMois - 1)), Au: today.DernierDuMois()}
	case periodeAutre:
		return f.periodeAutre(today, errs)
	}
	errs["periode"] = "Choisissez une période dans la liste."
	return stats.Mois(today.Annee, today.Mois)
}

func (f statsForm) periodeAutre(today stats.Date, errs formulaire.Erreurs) stats.Periode {
	return statistiques.ParsePeriode(f.Du, f.Au, today, errs)
}

// ids of the counted structures.
func (q *statsQuery) ids() []string {
	ids := make([]string, len(q.Comptees))
	for i, s := range q.Comptees {
		ids[i] = s.ID
	}
	return ids
}

// query is the URL query of the same figures, for the export links: the
// days themselves, so a download made at midnight matches the page.
func (q *statsQuery) query() string {
	v := url.Values{"periode": {periodeAutre}, "du": {q.Filtre.Du.String()}, "au": {q.Filtre.Au.String()}}
	if q.Form.Structure != "" {
		v.Set("structure", q.Form.Structure)
	}
	return v.Encode()
}

// perimetre names what is counted: « Médiathèque Alpha » or « 3 structures ».
func (q *statsQuery) perimetre() string {
	switch len(q.Comptees) {
	case 0:
		return "aucune structure"
	case 1:
		return q.Comptees[0].Nom
	}
	names := make([]string, len(q.Comptees))
	for i, s := range q.Comptees {
		names[i] = s.Nom
	}
	if len(names) <= 3 {
		return strings.Join(names, ", ")
	}
	return fmt.Sprintf("%d structures", len(names))
}

// intitule names the period: « octobre 2026 » or « du 1er octobre 2026
// au 15 novembre 2026 ».
func intitulePeriode(p stats.Periode) string {
	if p.Du.Jour == 1 && p.Au == p.Du.DernierDuMois() {
		return frfmt.Mois(p.Du.Time())
	}
	return "du " + dateSansJour(p.Du) + " au " + dateSansJour(p.Au)
}

func dateSansJour(d stats.Date) string {
	t := d.Time()
	return strings.TrimPrefix(frfmt.Date(t), frfmt.JourSemaine(t)+" ")
}

type statsFigure struct {
	Libelle, Valeur, Aide string
}

type statsRow struct {
	Libelle, Nombre, Part string
}

// statsChart is a chart and its data table.
type statsChart struct {
	ID, Titre, Colonne, Unite, Note, Total string
	SVG                                    template.HTML
	Lignes                                 []statsRow
	Vide                                   bool
}

type statsMonth struct {
	Mois                                                       string
	Seances, Participants, Individuels, Accompagnements, Heure string
}

// statsRappel is one reminder channel: attended registrations, absences
// and their rate, counts first.
type statsRappel struct {
	Libelle, Inscriptions, Absents, Taux string
}

type statsPage struct {
	Form       statsForm
	Errors     formulaire.Erreurs
	Periodes   []formulaire.Option
	Structures []formulaire.Option // the filter, when the person has several structures
	Aucune     bool                // attached to no structure
	Intitule   string
	Perimetre  string
	Chiffres   []statsFigure
	Mois       statsChart
	ParMois    []statsMonth
	Graphiques []statsChart
	Rappels    []statsRappel     // no-shows by reminder channel
	Exports    map[string]string // export name (activites.xlsx…) → link with the page's filters
	Detail     bool              // may download the activities one by one (conseillers)
	Partage    bool              // may share the figures by a link (référents, coordinateurs)
	SansNoms   bool              // the activities without any name (référents)
	Apercu     bool              // the table of every structure (coordinateurs)

	Orientations *stats.Orientations // referrals by their follow-up (counts only)
}

func newStatsPage(q *statsQuery, staff *model.StaffView) *statsPage {
	p := &statsPage{Form: q.Form, Errors: q.Errors, Periodes: statsPeriodes, Aucune: len(q.Choix) == 0,
		Detail: staff.VoitPersonnes() || staff.ExporteActivitesSansNoms(), SansNoms: staff.ExporteActivitesSansNoms(),
		Apercu: staff.Coordinateur(), Partage: statistiques.MayShare(staff)}
	if len(q.Choix) > 1 {
		for _, s := range q.Choix {
			p.Structures = append(p.Structures, formulaire.Option{Value: s.ID, Label: s.Nom})
		}
	}
	if p.Form.Periode == periodeAutre && len(q.Errors) == 0 {
		// The custom fields show the days counted, in the date fields' form.
		p.Form.Du, p.Form.Au = q.Filtre.Du.String(), q.Filtre.Au.String()
	}
	return p
}

func statsPageHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		q, err := resolveStatsQuery(e, staff, clock.Now(e.App))
		if err != nil {
			return err
		}
		p := newStatsPage(q, staff)
		if len(q.Errors) > 0 {
			return pe.render(e, http.StatusUnprocessableEntity, "statistiques", "Statistiques", p)
		}
		r, err := statistiques.ComputeResultat(e.App, q.ids(), q.Filtre)
		if err != nil {
			return err
		}
		p.fill(q, r)
		return pe.render(e, http.StatusOK, "statistiques", "Statistiques", p)
	}
}

func (p *statsPage) fill(q *statsQuery, r *stats.Resultat) {
	p.Intitule = intitulePeriode(q.Filtre.Periode)
	p.Perimetre = q.perimetre()
	p.Exports = map[string]string{}
	for _, name := range []string{"activites.xlsx", "activites.csv", "synthese.xlsx", "synthese.csv"} {
		p.Exports[name] = "/espace/statistiques/" + name + "?" + q.query()
	}
	for _, c := range r.Chiffres.Cles() {
		p.Chiffres = append(p.Chiffres, statsFigure{Libelle: c.Libelle, Valeur: formatCle(c), Aide: c.Aide})
	}
	p.Mois, p.ParMois = monthChart(r)
	for _, rep := range r.Repartitions {
		p.Graphiques = append(p.Graphiques, breakdownChart(rep))
	}
	p.Orientations = &r.Orientations
	for _, l := range r.Rappels {
		taux, ok := l.TauxAbsence()
		p.Rappels = append(p.Rappels, statsRappel{Libelle: l.Libelle, Inscriptions: frfmt.Nombre(l.Inscriptions),
			Absents: frfmt.Nombre(l.Absents), Taux: formatCle(stats.ChiffreCle{Sorte: stats.SorteTaux, Valeur: taux, Connu: ok})})
	}
}

// formatCle writes a key figure in French.
func formatCle(c stats.ChiffreCle) string {
	switch {
	case !c.Connu:
		return "—"
	case c.Sorte == stats.SorteMinutes:
		return heures(int(c.Valeur))
	case c.Sorte == stats.SorteTaux:
		return frfmt.Pourcent(float64(int(c.Valeur*1000+0.5)) / 1000)
	}
	return frfmt.Nombre(int(c.Valeur))
}

// heures writes a long duration: « 1 234 h 05 » (frfmt.Duree does not
// group thousands, which totals of a year need).
func heures(minutes int) string {
	if minutes < 60 {
		return frfmt.Duree(minutes)
	}
	s := frfmt.Nombre(minutes/60) + "\u00a0h"
	if m := minutes % 60; m > 0 {
		s += fmt.Sprintf("\u00a0%02d", m)
	}
	return s
}

var moisCourts = [...]string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."}

// monthChart is the 12-month series: accompagnements per month in the
// chart, the other figures in the table.
func monthChart(r *stats.Resultat) (statsChart, []statsMonth) {
	c := statsChart{ID: "graphique-mois", Titre: "Accompagnements mois par mois",
		Colonne: "Mois", Unite: "accompagnements", Vide: true}
	barres := make([]graphique.Barre, 0, len(r.ParMois))
	rows := make([]statsMonth, 0, len(r.ParMois))
	for _, m := range r.ParMois {
		ch := m.Chiffres
		if ch.Accompagnements > 0 || ch.SeancesRealisees > 0 {
			c.Vide = false
		}
		barres = append(barres, graphique.Barre{Libelle: moisCourts[m.Mois.Mois-1], Valeur: float64(ch.Accompagnements),
			Texte: frfmt.Nombre(ch.Accompagnements)})
		rows = append(rows, statsMonth{Mois: frfmt.Mois(m.Mois.Time()), Seances: frfmt.Nombre(ch.SeancesRealisees),
			Participants: frfmt.Nombre(ch.Participants), Individuels: frfmt.Nombre(ch.Individuels),
			Accompagnements: frfmt.Nombre(ch.Accompagnements), Heure: heures(ch.MinMediation)})
	}
	first, last := r.ParMois[0].Mois, r.ParMois[len(r.ParMois)-1].Mois
	c.Titre += ", de " + frfmt.Mois(first.Time()) + " à " + frfmt.Mois(last.Time())
	c.SVG = template.HTML(graphique.Colonnes(c.ID, c.Titre, barres)) // graphique escapes every text
	return c, rows
}

// maxCommunes is how many communes the page lists before « Autres ».
const maxCommunes = 10

// breakdownChart draws a breakdown and prepares its table.
func breakdownChart(rep stats.Repartition) statsChart {
	c := statsChart{ID: "graphique-" + rep.Cle, Titre: rep.Titre, Colonne: rep.Colonne, Unite: rep.Unite, Note: rep.Note,
		Total: frfmt.Nombre(rep.Base), Vide: rep.Total() == 0}
	lignes := rep.Lignes
	if rep.Cle == stats.RepCommunes {
		lignes = topCommunes(lignes)
	}
	barres := make([]graphique.Barre, 0, len(lignes))
	for _, l := range lignes {
		part := "—"
		if rep.Base > 0 {
			part = frfmt.Pourcent(float64(int(float64(l.Nombre)/float64(rep.Base)*1000+0.5)) / 1000)
		}
		c.Lignes = append(c.Lignes, statsRow{Libelle: l.Libelle, Nombre: frfmt.Nombre(l.Nombre), Part: part})
		barres = append(barres, graphique.Barre{Libelle: l.Libelle, Valeur: float64(l.Nombre), Texte: frfmt.Nombre(l.Nombre)})
	}
	c.SVG = template.HTML(graphique.Barres(c.ID, c.Titre, barres)) // graphique escapes every text
	return c
}

// topCommunes keeps the first communes and adds the others up, the
// unknown commune staying last on its own.
func topCommunes(lignes []stats.Ligne) []stats.Ligne {
	var named []stats.Ligne
	var unknown *stats.Ligne
	for i := range lignes {
		if lignes[i].Valeur == "" {
			unknown = &lignes[i]
			continue
		}
		named = append(named, lignes[i])
	}
	if len(named) > maxCommunes {
		autres := stats.Ligne{Libelle: fmt.Sprintf("Autres communes (%d)", len(named)-maxCommunes)}
		for _, l := range named[maxCommunes:] {
			autres.Nombre += l.Nombre
		}
		named = append(named[:maxCommunes:maxCommunes], autres)
	}
	if unknown != nil {
		named = append(named, *unknown)
	}
	return named
}
