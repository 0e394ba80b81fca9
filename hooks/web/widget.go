package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/seances"
)

// frameAncestorsKey holds, for the widget only, the frame-ancestors
// sources write sends instead of 'none'.
const frameAncestorsKey = "atelier.frameAncestors"

// RegisterWidgetPages: the agenda widget a town hall's site shows in a
// frame, its sessions as JSON, and the page where staff list the sites.
func RegisterWidgetPages(se *core.ServeEvent, espace *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	se.Router.GET("/s/{slug}/widget", pe.Page(structureWidgetHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	se.Router.GET("/s/{slug}/seances.json", pe.Page(structureSeancesJSONHandler(pe))).Bind(apis.SkipSuccessActivityLog())
	espace.GET("/structures/{id}/widget", pe.Page(widgetSettingsHandler(pe)))
	espace.POST("/structures/{id}/widget", pe.Page(widgetSettingsHandler(pe)))
}

func structureWidgetHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		structure, err := seances.FindStructureBySlug(e.App, e.Request.PathValue("slug"))
		if err != nil {
			return err
		}
		// The frame policy is read at each request, the page may come from
		// the cache: a site struck off the list loses the widget at once.
		e.Set(frameAncestorsKey, strings.Join(append([]string{"'self'"}, seances.WidgetOrigines(structure)...), " "))
		slug := structure.GetString("slug")
		return pe.renderCachedTitle(e, "/s/"+slug+"/widget", "widget", func() (string, any, error) {
			data, err := seances.LoadWidget(e.App, structure, clock.Now(e.App))
			if err != nil {
				return "", nil, err
			}
			return "Ateliers de " + data.Structure.Nom, data, nil
		})
	}
}

// seancesJSON is the structure's agenda for other sites: public data only,
// never anything about the people registered but their number.
type seancesJSON struct {
	Structure struct {
		Nom  string `json:"nom"`
		Lien string `json:"lien"`
	} `json:"structure"`
	Seances []seanceJSON `json:"seances"`
}

type seanceJSON struct {
	ID     string `json:"id"`
	Titre  string `json:"titre"`
	Besoin struct {
		Code    string `json:"code"`
		Libelle string `json:"libelle"`
	} `json:"besoin"`
	Debut  string `json:"debut"`
	Fin    string `json:"fin"`
	Fuseau string `json:"fuseau"`
	Lieu   struct {
		Nom        string `json:"nom"`
		Adresse    string `json:"adresse"`
		CodePostal string `json:"code_postal"`
		Commune    string `json:"commune"`
	} `json:"lieu"`
	PlacesRestantes int    `json:"places_restantes"`
	Complet         bool   `json:"complet"`
	ListeAttente    bool   `json:"liste_attente_ouverte"`
	Lien            string `json:"lien"`
}

func structureSeancesJSONHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		structure, err := seances.FindStructureBySlug(e.App, e.Request.PathValue("slug"))
		if err != nil {
			return err
		}
		base := envois.InstanceURL(e.App)
		slug := structure.GetString("slug")
		key := "/s/" + slug + "/seances.json@" + base // links depend on the address
		return sendPublicData(e, pe, key, download{Name: slug + "-seances.json", ContentType: "application/json; charset=utf-8", Inline: true},
			func() ([]byte, error) {
				w, err := seances.LoadWidget(e.App, structure, clock.Now(e.App))
				if err != nil {
					return nil, err
				}
				var out seancesJSON
				out.Structure.Nom, out.Structure.Lien = w.Structure.Nom, base+"/s/"+slug
				out.Seances = make([]seanceJSON, 0, len(w.Seances))
				for _, s := range w.Seances {
					j := seanceJSON{ID: s.ID, Titre: s.Titre, Debut: s.Debut.Format(timeRFC3339), Fin: s.Fin.Format(timeRFC3339),
						Fuseau: frfmt.Location(s.Fuseau).String(), PlacesRestantes: s.PlacesRestantes(), Complet: s.Complet(),
						ListeAttente: s.ListeAttente, Lien: base + "/ateliers/" + s.ID}
					j.Besoin.Code, j.Besoin.Libelle = s.Besoin, s.BesoinLabel
					j.Lieu.Nom, j.Lieu.Adresse, j.Lieu.CodePostal, j.Lieu.Commune = s.Lieu, s.LieuAdresse, s.CodePostal, s.Commune
					out.Seances = append(out.Seances, j)
				}
				body, err := json.MarshalIndent(out, "", "  ")
				if err != nil {
					return nil, fmt.Errorf("encode sessions of %s: %w", slug, err)
				}
				return body, nil
			})
	}
}

// timeRFC3339 keeps the structure's offset (+04:00 at La Réunion).
const timeRFC3339 = "2006-01-02T15:04:05Z07:00"

type widgetSettingsPage struct {
	Structure *core.Record
	Base      string
	Origines  string
	Errors    formulaire.Erreurs
}

// IFrame is the code to paste on the structure's site.
func (p widgetSettingsPage) IFrame() string {
	return `<iframe src="` + p.Base + `/s/` + p.Structure.GetString("slug") + `/widget" title="Prochains ateliers numériques de ` +
		strings.ReplaceAll(p.Structure.GetString("nom"), `"`, "&quot;") + `" width="100%" height="600" style="border:0"></iframe>`
}

// widgetSettingsHandler shows the widget's code and saves the sites
// allowed to show it, for a structure's référent or a coordinateur.
func widgetSettingsHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		structure, err := access.EditableRecord(e.App, e.Auth, "structures", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		page := widgetSettingsPage{Structure: structure, Base: envois.InstanceURL(e.App),
			Origines: strings.Join(seances.WidgetOrigines(structure), "\n"), Errors: formulaire.Erreurs{}}
		title := "Agenda sur votre site : " + structure.GetString("nom")
		if e.Request.Method != http.MethodPost {
			return pe.render(e, http.StatusOK, "structure_widget", title, page)
		}
		page.Origines = formText(e, "origines")
		err = seances.SetWidgetOrigines(e.App, e.Auth, structure, page.Origines)
		if seances.IsOriginesError(err) {
			page.Errors["origines"] = err.Error()
			return pe.render(e, http.StatusUnprocessableEntity, "structure_widget", title, page)
		}
		if err != nil {
			return err
		}
		return redirectWithFlash(e, "/espace/structures/"+structure.Id+"/widget", "Sites enregistrés.")
	}
}
