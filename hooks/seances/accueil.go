package seances

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

func LoadHome(app core.App, filter HomeFilter, now time.Time) (*homeData, error) {
	// "d'ici le 4 avril" includes the whole of 4 April (in Paris, like the
	// page's dates), whatever the hour the page is read.
	last := now.In(frfmt.Location("")).AddDate(0, 0, 7*filter.Semaines)
	to := time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, last.Location())
	params := dbx.Params{"from": model.DBDate(now), "to": model.DBDate(to)}
	where := filter.where(params)

	joins := "" // only what the filter needs: counting is the slow part of the page
	if strings.HasPrefix(filter.Ou, "c:") {
		joins = " JOIN lieux l ON l.id = s.lieu"
	} else if strings.HasPrefix(filter.Ou, "s:") {
		joins = " JOIN structures st ON st.id = s.structure"
	}
	var total int
	err := app.DB().NewQuery(`SELECT count(*) FROM seances s JOIN ateliers a ON a.id = s.atelier` + joins +
		` WHERE ` + where).Bind(params).Row(&total)
	if err != nil {
		return nil, fmt.Errorf("count upcoming sessions: %w", err)
	}

	pages := pagination.New(filter.Page, total, homePerPage, "/", filter.values())
	pages.Libelle = "Pages de résultats"
	pages.Ancre = "titre-seances"
	filter.Page = pages.Page
	params["limit"] = homePerPage
	params["offset"] = pages.Offset()
	cards, err := UpcomingCards(app, where, params)
	if err != nil {
		return nil, err
	}

	data := &homeData{Filter: filter, Total: total, Pagination: pages, Jusquau: last,
		Days: GroupByDay(cards)}
	if data.Cycles, err = homeCycles(app, filter, now); err != nil {
		return nil, err
	}
	if data.Lieux, err = lieuOptions(app, filter, now); err != nil {
		return nil, err
	}
	for _, p := range Periodes {
		data.Periodes = append(data.Periodes, periodeOption{p.Semaines, p.Label, p.Semaines == filter.Semaines})
	}
	if filter.Besoin != "" {
		data.BesoinLabel = referentiel.Besoins.Label(filter.Besoin)
		if total == 0 {
			if err := data.loadAlternatives(app, now); err != nil {
				return nil, err
			}
		}
	}
	for _, b := range referentiel.Besoins {
		link := filter
		link.Besoin = b.Value
		if b.Value == filter.Besoin {
			link.Besoin = "" // a second click on the active need shows every need again
		}
		data.Besoins = append(data.Besoins, besoinLink{Value: b.Value, Label: b.Label,
			URL: link.Url(1), Active: b.Value == filter.Besoin})
	}
	return data, nil
}

// lieuOptions lists the communes and structures that have upcoming public
// sessions, for the "Où ?" filter.
func lieuOptions(app core.App, filter HomeFilter, now time.Time) ([]lieuOption, error) {
	params := dbx.Params{"from": model.DBDate(now), "to": model.DBDate(now.AddDate(0, 0, 7*HomeWeeks))}
	var rows []struct {
		Kind  string `db:"kind"`
		Value string `db:"value"`
		Label string `db:"label"`
	}
	// One pass over the upcoming public sessions (an index range), then the
	// places and structures they use. An EXISTS per place or structure looked
	// good with few sessions but read every upcoming session once per place:
	// about a second for a region's 1,000 places and 10,000 sessions.
	err := app.DB().NewQuery(`WITH up AS (SELECT DISTINCT s.lieu, s.structure
			FROM seances s JOIN ateliers a ON a.id = s.atelier WHERE ` + PublicUpcomingWhere + `)
		SELECT DISTINCT 'c' AS kind, l.commune AS value, l.commune AS label FROM lieux l
			WHERE l.commune != '' AND l.id IN (SELECT lieu FROM up)
		UNION SELECT 's' AS kind, st.slug AS value, st.nom AS label FROM structures st
			WHERE st.id IN (SELECT structure FROM up)
		ORDER BY kind, label`).Bind(params).All(&rows)
	if err != nil {
		return nil, fmt.Errorf("list communes and structures: %w", err)
	}
	options := make([]lieuOption, 0, len(rows))
	for _, r := range rows {
		value := r.Kind + ":" + r.Value
		label := r.Label
		if r.Kind == "s" {
			label = "Structure : " + r.Label
		}
		options = append(options, lieuOption{Value: value, Label: label, Selected: value == filter.Ou})
	}
	return options, nil
}

// UpcomingCards reads one page of sessions with their workshop, place,
// structure and taken places in a single query.
func UpcomingCards(app core.App, where string, params dbx.Params) ([]seanceCard, error) {
	var rows []cardRow
	err := app.DB().NewQuery(`SELECT s.id, a.titre, a.resume, a.niveau, a.a_apporter, a.besoin,
			s.debut, s.fin, s.capacite, s.inscriptions_ouvertes,
			l.nom AS lieu, l.adresse AS lieu_adresse, l.commune, l.code_postal, st.nom AS structure, st.slug, st.fuseau,
			` + PlacesPrisesSQL("s.id") + ` AS occupees
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
			Lieu:         r.Lieu, LieuAdresse: r.LieuAdresse, Commune: r.Commune, CodePostal: r.CodePostal, Fuseau: r.Fuseau, Structure: r.Structure, StructureSlug: r.Slug,
			Capacite: r.Capacite, Occupees: r.Occupees, InscriptionsOuvertes: r.InscriptionsOuvertes,
		})
	}
	return cards, nil
}

// GroupByDay puts consecutive cards of the same local day under one heading.
func GroupByDay(cards []seanceCard) []DayGroup {
	var days []DayGroup
	for _, c := range cards {
		n := len(days)
		if n > 0 && sameDay(days[n-1].Jour, c.Debut) {
			days[n-1].Cards = append(days[n-1].Cards, c)
			continue
		}
		days = append(days, DayGroup{Jour: c.Debut, Cards: []seanceCard{c}})
	}
	return days
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

// HomeFilter is what the visitor chose; url() writes it back canonically,
// which also makes it the page cache key.
type HomeFilter struct {
	Besoin    string
	Ou        string // "c:<commune>" or "s:<structure slug>", "" for everywhere
	Semaines  int    // how far ahead, in weeks
	AvecPlace bool   // only sessions with a place left (off by default: full ones show their waiting list)
	Page      int
}

// Periodes are the choices of the "Quand ?" filter, in weeks.
var Periodes = []struct {
	Semaines int
	Label    string
}{{1, "Cette semaine et la suivante"}, {2, "Dans les 2 semaines"}, {4, "Dans le mois"}, {HomeWeeks, "Dans les 2 mois"}}

// seanceCard is one upcoming session as the public sees it; Debut and Fin
// are in the structure's time zone.
type seanceCard struct {
	ID, Titre, Resume, Niveau, AApporter   string
	Besoin                                 string
	Debut, Fin                             time.Time
	DureeMinutes                           int
	Lieu, LieuAdresse, Commune, CodePostal string
	Fuseau                                 string // the structure's time zone: the times are its local times
	Structure, StructureSlug               string
	Capacite, Occupees                     int
	InscriptionsOuvertes                   bool
}

type DayGroup struct {
	Jour  time.Time
	Cards []seanceCard
}

type besoinLink struct {
	Value, Label, URL string
	Active            bool
}

type homeData struct {
	Filter      HomeFilter
	Besoins     []besoinLink
	BesoinLabel string
	Days        []DayGroup
	Lieux       []lieuOption
	Periodes    []periodeOption
	Total       int
	Pagination  pagination.Pagination
	Jusquau     time.Time
	// For a need with no session: other sessions, and whom to call.
	Autres   []seanceCard
	Contacts []structureContact
	Cycles   []*CycleView // public cycles, each one offer (first page only)
}

// PublicUpcomingWhere selects what the anonymous API rules let through:
// public sessions (seances list rule) of active workshops (ateliers rule).
// A session of a cycle is not listed on its own: its cycle is one offer
// (PublicCycles).
const PublicUpcomingWhere = `s.publique = TRUE AND s.statut = 'planifiee' AND a.actif = TRUE
	AND s.debut >= {:from} AND s.debut < {:to} AND s.cycle = ''`

// structureContact is a structure a visitor may call.
type structureContact struct {
	Nom       string `db:"nom"`
	Slug      string `db:"slug"`
	Telephone string `db:"telephone"`
	Commune   string `db:"commune"`
}

// loadAlternatives fills the page of a need with no session: the next
// sessions of other needs, and the structures to call about it.
func (d *homeData) loadAlternatives(app core.App, now time.Time) error {
	params := dbx.Params{"from": model.DBDate(now), "to": model.DBDate(now.AddDate(0, 3, 0)), "limit": 4, "offset": 0}
	cards, err := UpcomingCards(app, PublicUpcomingWhere, params)
	if err != nil {
		return err
	}
	d.Autres = cards
	err = app.DB().NewQuery(`SELECT nom, slug, telephone, commune FROM structures
		WHERE telephone != '' ORDER BY nom LIMIT 20`).All(&d.Contacts)
	if err != nil {
		return fmt.Errorf("structures to call: %w", err)
	}
	return nil
}

type lieuOption struct {
	Value, Label string
	Selected     bool
}

type periodeOption struct {
	Semaines int
	Label    string
	Selected bool
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
	LieuAdresse          string `db:"lieu_adresse"`
	Commune              string `db:"commune"`
	CodePostal           string `db:"code_postal"`
	Structure            string `db:"structure"`
	Slug                 string `db:"slug"`
	Fuseau               string `db:"fuseau"`
	Capacite             int    `db:"capacite"`
	Occupees             int    `db:"occupees"`
	InscriptionsOuvertes bool   `db:"inscriptions_ouvertes"`
}

const (
	HomeWeeks   = 8
	homePerPage = 20
)

// Url is the home page's address with these filters, on page n (also the
// page cache's key).
func (f HomeFilter) Url(page int) string { return pagination.Lien("/", f.values(), page) }

// values writes the filters that differ from the defaults.
func (f HomeFilter) values() url.Values {
	q := url.Values{"besoin": {f.Besoin}, "ou": {f.Ou}}
	if f.Semaines != HomeWeeks && f.Semaines != 0 {
		q.Set("semaines", strconv.Itoa(f.Semaines))
	}
	if f.AvecPlace {
		q.Set("places", "1")
	}
	return q
}

// where adds the filter's conditions, with bound values only.
func (f HomeFilter) where(params dbx.Params) string {
	where := PublicUpcomingWhere
	if f.Besoin != "" {
		where += " AND a.besoin = {:besoin}"
		params["besoin"] = f.Besoin
	}
	if commune, ok := strings.CutPrefix(f.Ou, "c:"); ok {
		where += " AND l.commune = {:commune}"
		params["commune"] = commune
	}
	if slug, ok := strings.CutPrefix(f.Ou, "s:"); ok {
		where += " AND st.slug = {:slug}"
		params["slug"] = slug
	}
	if f.AvecPlace {
		where += ` AND ` + PlacesPrisesSQL("s.id") + ` < s.capacite` // PlacesRestantes > 0
	}
	return where
}

func (c seanceCard) PlacesRestantes() int { return PlacesRestantes(c.Capacite, c.Occupees) }

func (c seanceCard) Complet() bool { return c.PlacesRestantes() == 0 }

// Ailleurs names where a session outside mainland France takes place, so
// that its times are read as local times (« La Réunion »), or "".
func (c seanceCard) Ailleurs() string { return frfmt.Territoire(c.Fuseau) }
