package web

import (
	"net/http"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/stats"
	"atelier/hooks/model"
	"atelier/hooks/statistiques"
)

// RegisterSharedFiguresPages: référents and coordinateurs make read-only
// links to a structure's figures for elected officials and funders
// (/espace/statistiques/partages); the link opens /chiffres/{jeton}, a
// public page with no person in it, until it is revoked.
func RegisterSharedFiguresPages(se *core.ServeEvent, espace *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	espace.GET("/statistiques/partages", pe.Page(sharesHandler(pe)))
	espace.POST("/statistiques/partages", pe.Page(sharesHandler(pe)))
	espace.POST("/statistiques/partages/{id}/revoquer", pe.Page(revokeShareHandler))
	// The token is a secret: never in the request log (caviardage masks it
	// in the failures that are).
	se.Router.GET("/chiffres/{jeton}", pe.Page(sharedFiguresHandler(pe))).Bind(apis.SkipSuccessActivityLog())
}

const sharesPath = "/espace/statistiques/partages"

type partageLigne struct {
	statistiques.Partage
	Lien, Intitule, CreeLe string
}

type partagesPage struct {
	Form       statistiques.PartageForm
	Errors     formulaire.Erreurs
	Structures []formulaire.Option // the choice, when the person has several structures
	Liens      []partageLigne
}

func sharesHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !statistiques.MayShare(staff) {
			return access.ErrForbidden
		}
		now := clock.Now(e.App)
		page := &partagesPage{Errors: formulaire.Erreurs{}}
		structures, err := statistiques.StaffStatsStructures(e.App, staff)
		if err != nil {
			return err
		}
		if len(structures) > 1 {
			for _, s := range structures {
				page.Structures = append(page.Structures, formulaire.Option{Value: s.ID, Label: s.Nom})
			}
		}
		status := http.StatusOK
		if e.Request.Method == http.MethodPost {
			page.Form = statistiques.PartageForm{Structure: formText(e, "structure"), Libelle: formText(e, "libelle"),
				Du: formText(e, "du"), Au: formText(e, "au")}
			r, errs, err := statistiques.CreatePartage(e.App, e.Auth, page.Form, now)
			if err != nil {
				return err
			}
			if len(errs) == 0 {
				return redirectWithFlash(e, sharesPath+"#partage-"+r.Id,
					"Lien créé pour « "+r.GetString("libelle")+" ». Copiez-le et envoyez-le.")
			}
			page.Errors, status = errs, http.StatusUnprocessableEntity
		} else {
			// The year so far: what an elected official asks for most.
			today := stats.DateDe(now.In(frfmt.Location("")))
			page.Form.Du, page.Form.Au = stats.Date{Annee: today.Annee, Mois: 1, Jour: 1}.String(), today.String()
		}
		partages, err := statistiques.PartagesOf(e.App, staff)
		if err != nil {
			return err
		}
		base := envois.InstanceURL(e.App)
		for _, p := range partages {
			page.Liens = append(page.Liens, partageLigne{Partage: p, Lien: base + "/chiffres/" + p.Jeton,
				Intitule: intitulePeriode(p.Periode), CreeLe: frfmt.Date(p.CreeLe.In(p.Structure.Loc))})
		}
		// The page shows the links themselves: like a personal link, they
		// never leave in a Referer.
		e.Response.Header().Set("Referrer-Policy", "no-referrer")
		privatePage(e)
		return pe.render(e, status, "partages", "Partager les chiffres", page)
	}
}

func revokeShareHandler(e *core.RequestEvent) error {
	if !statistiques.MayShare(model.NewStaffView(e.Auth)) {
		return access.ErrForbidden
	}
	r, err := statistiques.RevokePartage(e.App, e.Auth, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	return redirectWithFlash(e, sharesPath, "Lien « "+r.GetString("libelle")+" » révoqué : il ne montre plus rien.")
}

// chiffresPage is the public page of shared figures: the statistics page's
// figures and charts, without exports, communes or the reminders' table.
type chiffresPage struct {
	*statsPage
	Libelle, Structure string
}

func sharedFiguresHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		e.Response.Header().Set("Referrer-Policy", "no-referrer")
		privatePage(e)
		p, err := statistiques.FindPartage(e.App, e.Request.PathValue("jeton"))
		if err != nil {
			return err
		}
		q := &statsQuery{Filtre: stats.Filtre{Periode: p.Periode}, Choix: []statistiques.StatsStructure{p.Structure},
			Comptees: []statistiques.StatsStructure{p.Structure}}
		r, err := statistiques.ComputeResultat(e.App, q.ids(), q.Filtre)
		if err != nil {
			return err
		}
		page := &statsPage{}
		page.fill(q, r)
		page.Exports, page.Rappels = nil, nil
		page.Graphiques = withoutCommunes(page.Graphiques)
		return pe.render(e, http.StatusOK, "chiffres", "Chiffres : "+p.Structure.Nom,
			chiffresPage{statsPage: page, Libelle: p.Libelle, Structure: p.Structure.Nom})
	}
}

// withoutCommunes drops the breakdown by commune: on a public page, a
// small commune's count could point at a person.
func withoutCommunes(charts []statsChart) []statsChart {
	out := charts[:0:0]
	for _, c := range charts {
		if c.ID != "graphique-"+stats.RepCommunes {
			out = append(out, c)
		}
	}
	return out
}
