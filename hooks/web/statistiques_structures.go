package web

import (
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/statistiques"
)

// The coordinateur's overview of every structure (/espace/statistiques/
// structures): this month and last, a link to each structure's
// statistics, sorted by a column through the query (no script).

const apercuPageSize = 50

type apercuColumn struct {
	Cle, Libelle string
	Lien         string // the address sorting by this column (again: the other way)
	Tri          string // aria-sort: "ascending", "descending" or ""
}

type apercuRow struct {
	Nom, Lien         string
	Courant, Dernier  []string
	PresencesARemplir string
	ARemplir          bool
}

type apercuPage struct {
	Courant, Dernier string // « novembre 2026 », from the mainland's clock
	Structure        apercuColumn
	Colonnes         []apercuColumn // of each month, in order
	ColonnesDernier  []apercuColumn
	ARenseigner      apercuColumn
	Lignes           []apercuRow
	Total            int
	Pagination       pagination.Pagination
	TriLibelle       string
}

var apercuFigures = []struct{ cle, libelle string }{
	{"seances", "Ateliers réalisés"}, {"participants", "Participants"}, {"accompagnements", "Accompagnements"},
	{"beneficiaires", "Bénéficiaires différents"}, {"taux", "Taux de présence"},
}

func statsOverviewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if staff == nil || !staff.Coordinateur() {
			return access.ErrForbidden
		}
		q := e.Request.URL.Query()
		tri, desc := q.Get("tri"), q.Get("ordre") == "desc"
		if !slices.Contains(statistiques.TrisApercu, tri) {
			tri, desc = "structure", false
		}
		now := clock.Now(e.App)
		rows, err := statistiques.LoadApercu(e.App, now)
		if err != nil {
			return err
		}
		statistiques.SortApercu(rows, tri, desc)
		p := newApercuPage(rows, tri, desc, now, pagination.Demandee(q))
		return pe.render(e, http.StatusOK, "statistiques_structures", "Toutes les structures", p)
	}
}

func newApercuPage(rows []statistiques.LigneApercu, tri string, desc bool, now time.Time, page int) *apercuPage {
	today := stats.DateDe(now.In(frfmt.Location("")))
	p := &apercuPage{Courant: frfmt.Mois(today.Time()), Dernier: frfmt.Mois(today.AjouterMois(-1).Time()), Total: len(rows)}
	column := func(cle, libelle string) apercuColumn {
		c := apercuColumn{Cle: cle, Libelle: libelle}
		order := "asc"
		if cle == tri {
			c.Tri = "ascending"
			if desc {
				c.Tri = "descending"
			} else {
				order = "desc"
			}
		} else if cle != "structure" {
			order = "desc" // figures: the largest first
		}
		c.Lien = "/espace/statistiques/structures?" + url.Values{"tri": {cle}, "ordre": {order}}.Encode()
		return c
	}
	p.Structure = column("structure", "Structure")
	for _, f := range apercuFigures {
		p.Colonnes = append(p.Colonnes, column(f.cle, f.libelle))
		p.ColonnesDernier = append(p.ColonnesDernier, column(f.cle+"_precedent", f.libelle))
	}
	p.ARenseigner = column("a_renseigner", "Présences à renseigner")
	p.TriLibelle = triLibelle(p, tri, desc)
	query := url.Values{"tri": {tri}}
	if desc {
		query.Set("ordre", "desc")
	}
	p.Pagination = pagination.New(page, len(rows), apercuPageSize, "/espace/statistiques/structures", query)
	p.Pagination.Ancre = "titre-apercu"
	end := min(p.Pagination.Offset()+apercuPageSize, len(rows))
	for _, r := range rows[p.Pagination.Offset():end] {
		p.Lignes = append(p.Lignes, apercuRow{Nom: r.Nom, Lien: "/espace/statistiques?" + url.Values{"structure": {r.ID}}.Encode(),
			Courant: apercuFiguresOf(r.Courant), Dernier: apercuFiguresOf(r.Dernier),
			PresencesARemplir: frfmt.Nombre(r.PresencesARemplir), ARemplir: r.PresencesARemplir > 0})
	}
	return p
}

func apercuFiguresOf(m statistiques.ChiffresMois) []string {
	taux := formatCle(stats.ChiffreCle{Sorte: stats.SorteTaux, Valeur: m.Taux, Connu: m.TauxConnu})
	return []string{frfmt.Nombre(m.Seances), frfmt.Nombre(m.Participants), frfmt.Nombre(m.Accompagnements),
		frfmt.Nombre(m.Beneficiaires), taux}
}

// triLibelle says in words how the table is sorted (the caption).
func triLibelle(p *apercuPage, tri string, desc bool) string {
	name := p.Structure.Libelle
	for i, c := range p.Colonnes {
		if c.Cle == tri {
			name = c.Libelle + " (" + p.Courant + ")"
		}
		if p.ColonnesDernier[i].Cle == tri {
			name = c.Libelle + " (" + p.Dernier + ")"
		}
	}
	if tri == p.ARenseigner.Cle {
		name = p.ARenseigner.Libelle
	}
	if desc {
		return "triées par " + name + ", du plus grand au plus petit"
	}
	if tri == "structure" {
		return "triées par nom"
	}
	return "triées par " + name + ", du plus petit au plus grand"
}
