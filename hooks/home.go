package hooks

import (
	"fmt"
	"net/url"
	"strconv"
	"time"

	"atelier/hooks/frfmt"
	"atelier/hooks/referentiel"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// The public home page: upcoming public sessions, browsed by besoin. It
// shows only what an anonymous visitor may read through the REST API
// (public sessions, their active workshop, place and structure) plus the
// number of places left, never a person.

const (
	homeWeeks   = 8
	homePerPage = 20
)

type homeFilter struct {
	Besoin string
	Page   int
}

func parseHomeFilter(q url.Values) homeFilter {
	f := homeFilter{Besoin: q.Get("besoin"), Page: 1}
	if !referentiel.Besoins.Has(f.Besoin) {
		f.Besoin = ""
	}
	if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
		f.Page = p
	}
	return f
}

func (f homeFilter) url(page int) string {
	q := url.Values{}
	if f.Besoin != "" {
		q.Set("besoin", f.Besoin)
	}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if len(q) == 0 {
		return "/"
	}
	return "/?" + q.Encode()
}

// seanceCard is one upcoming session as the public sees it; Debut and Fin
// are in the structure's time zone.
type seanceCard struct {
	ID, Titre, Resume, Niveau, AApporter string
	Besoin                               string
	Debut, Fin                           time.Time
	DureeMinutes                         int
	Lieu, Commune                        string
	Structure, StructureSlug             string
	Capacite, Occupees                   int
	InscriptionsOuvertes                 bool
}

func (c seanceCard) PlacesRestantes() int {
	if left := c.Capacite - c.Occupees; left > 0 {
		return left
	}
	return 0
}

func (c seanceCard) Complet() bool { return c.PlacesRestantes() == 0 }

type dayGroup struct {
	Jour  time.Time
	Cards []seanceCard
}

type besoinLink struct {
	Value, Label, URL string
	Active            bool
}

type homeData struct {
	Filter           homeFilter
	Besoins          []besoinLink
	BesoinLabel      string
	Days             []dayGroup
	Total            int
	Page, Pages      int
	PrevURL, NextURL string
	Jusquau          time.Time
}

func homeHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		filter := parseHomeFilter(e.Request.URL.Query())
		return pe.renderCached(e, filter.url(filter.Page), "home", "Ateliers numériques près de chez vous",
			func() (any, error) { return loadHome(e.App, filter, time.Now()) })
	}
}

// publicUpcomingWhere selects what the anonymous API rules let through:
// public sessions (seances list rule) of active workshops (ateliers rule).
const publicUpcomingWhere = `s.publique = TRUE AND s.statut = 'planifiee' AND a.actif = TRUE
	AND s.debut >= {:from} AND s.debut < {:to}`

func loadHome(app core.App, filter homeFilter, now time.Time) (*homeData, error) {
	to := now.AddDate(0, 0, 7*homeWeeks)
	params := dbx.Params{"from": dbDate(now), "to": dbDate(to)}
	where := publicUpcomingWhere
	if filter.Besoin != "" {
		where += " AND a.besoin = {:besoin}"
		params["besoin"] = filter.Besoin
	}

	var total int
	err := app.DB().NewQuery(`SELECT count(*) FROM seances s JOIN ateliers a ON a.id = s.atelier WHERE ` + where).
		Bind(params).Row(&total)
	if err != nil {
		return nil, fmt.Errorf("count upcoming sessions: %w", err)
	}

	pages := max(1, (total+homePerPage-1)/homePerPage)
	filter.Page = min(filter.Page, pages)
	params["limit"] = homePerPage
	params["offset"] = (filter.Page - 1) * homePerPage
	cards, err := upcomingCards(app, where, params)
	if err != nil {
		return nil, err
	}

	data := &homeData{Filter: filter, Total: total, Page: filter.Page, Pages: pages, Jusquau: to,
		Days: groupByDay(cards)}
	if filter.Besoin != "" {
		data.BesoinLabel = referentiel.Besoins.Label(filter.Besoin)
	}
	for _, b := range referentiel.Besoins {
		link := homeFilter{Besoin: b.Value}
		if b.Value == filter.Besoin {
			link = homeFilter{} // a second click on the active need shows everything again
		}
		data.Besoins = append(data.Besoins, besoinLink{Value: b.Value, Label: b.Label,
			URL: link.url(1), Active: b.Value == filter.Besoin})
	}
	if filter.Page > 1 {
		data.PrevURL = filter.url(filter.Page - 1)
	}
	if filter.Page < pages {
		data.NextURL = filter.url(filter.Page + 1)
	}
	return data, nil
}

type cardRow struct {
	ID                   string `db:"id"`
	Titre                string `db:"titre"`
	Resume               string `db:"resume"`
	Niveau               string `db:"niveau"`
	AApporter            string `db:"a_apporter"`
	Besoin               string `db:"besoin"`
	Debut                string `db:"debut"`
	Fin                  string `db:"fin"`
	Lieu                 string `db:"lieu"`
	Commune              string `db:"commune"`
	Structure            string `db:"structure"`
	Slug                 string `db:"slug"`
	Fuseau               string `db:"fuseau"`
	Capacite             int    `db:"capacite"`
	Occupees             int    `db:"occupees"`
	InscriptionsOuvertes bool   `db:"inscriptions_ouvertes"`
}

// upcomingCards reads one page of sessions with their workshop, place,
// structure and taken places in a single query.
func upcomingCards(app core.App, where string, params dbx.Params) ([]seanceCard, error) {
	var rows []cardRow
	err := app.DB().NewQuery(`SELECT s.id, a.titre, a.resume, a.niveau, a.a_apporter, a.besoin,
			s.debut, s.fin, s.capacite, s.inscriptions_ouvertes,
			l.nom AS lieu, l.commune, st.nom AS structure, st.slug, st.fuseau,
			(SELECT count(*) FROM inscriptions i WHERE i.seance = s.id AND i.statut IN ('inscrit', 'present')) AS occupees
		FROM seances s
		JOIN ateliers a ON a.id = s.atelier
		JOIN lieux l ON l.id = s.lieu
		JOIN structures st ON st.id = s.structure
		WHERE ` + where + `
		ORDER BY s.debut, s.rowid
		LIMIT {:limit} OFFSET {:offset}`).Bind(params).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("list upcoming sessions: %w", err)
	}
	cards := make([]seanceCard, 0, len(rows))
	for _, r := range rows {
		debut, err := types.ParseDateTime(r.Debut)
		if err != nil {
			return nil, fmt.Errorf("session %s start: %w", r.ID, err)
		}
		fin, err := types.ParseDateTime(r.Fin)
		if err != nil {
			return nil, fmt.Errorf("session %s end: %w", r.ID, err)
		}
		loc := frfmt.Location(r.Fuseau)
		cards = append(cards, seanceCard{
			ID: r.ID, Titre: r.Titre, Resume: r.Resume, Niveau: r.Niveau, AApporter: r.AApporter, Besoin: r.Besoin,
			Debut: debut.Time().In(loc), Fin: fin.Time().In(loc),
			DureeMinutes: int(fin.Time().Sub(debut.Time()).Minutes()),
			Lieu:         r.Lieu, Commune: r.Commune, Structure: r.Structure, StructureSlug: r.Slug,
			Capacite: r.Capacite, Occupees: r.Occupees, InscriptionsOuvertes: r.InscriptionsOuvertes,
		})
	}
	return cards, nil
}

// groupByDay puts consecutive cards of the same local day under one heading.
func groupByDay(cards []seanceCard) []dayGroup {
	var days []dayGroup
	for _, c := range cards {
		n := len(days)
		if n > 0 && sameDay(days[n-1].Jour, c.Debut) {
			days[n-1].Cards = append(days[n-1].Cards, c)
			continue
		}
		days = append(days, dayGroup{Jour: c.Debut, Cards: []seanceCard{c}})
	}
	return days
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// dbDate writes t the way PocketBase stores dates, so that text comparison
// in SQL orders them correctly.
func dbDate(t time.Time) string {
	return t.UTC().Format(types.DefaultDateLayout)
}
