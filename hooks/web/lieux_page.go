package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"atelier/hooks/lieux"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/model"
)

func RegisterLieuxPages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/lieux", pe.Page(lieuxListHandler(pe)))
	g.GET("/lieux/nouveau", pe.Page(lieuNewHandler(pe)))
	g.POST("/lieux/nouveau", pe.Page(lieuCreateHandler(pe)))
	g.GET("/lieux/{id}/modifier", pe.Page(lieuEditHandler(pe)))
	g.POST("/lieux/{id}/modifier", pe.Page(lieuUpdateHandler(pe)))
}

func lieuxListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		data, err := lieux.LoadLieux(e.App, e.Auth, clock.Now(e.App))
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "lieux", "Lieux", data)
	}
}

func parseLieuForm(values url.Values) lieux.LieuForm {
	get := func(name string) string { return strings.TrimSpace(values.Get(name)) }
	return lieux.LieuForm{Structure: get("structure"), Nom: contact.NormaliserNom(values.Get("nom")),
		Adresse: get("adresse"), CodePostal: get("code_postal"), Commune: get("commune"),
		CodeInsee: strings.ToUpper(get("code_insee")),
		// Browsers send a textarea's line breaks as CRLF: stored as LF.
		Accessibilite: strings.ReplaceAll(get("accessibilite"), "\r\n", "\n"),
		Latitude:      get("latitude"), Longitude: get("longitude")}
}

type lieuFormData struct {
	Form       lieux.LieuForm
	Errors     formulaire.Erreurs
	Structures []formulaire.Option // the structures the place may belong to
	Action     string
	Modifier   bool
}

func newLieuFormData(app core.App, staff *model.StaffView, form lieux.LieuForm) (*lieuFormData, error) {
	structures, err := model.StructureOptions(app, staff)
	if err != nil {
		return nil, err
	}
	return &lieuFormData{Form: form, Errors: formulaire.Erreurs{}, Structures: structures}, nil
}

func lieuNewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutCreerLieux() {
			return access.ErrForbidden
		}
		data, err := newLieuFormData(e.App, staff, lieux.LieuForm{})
		if err != nil {
			return err
		}
		if len(data.Structures) == 1 {
			data.Form.Structure = data.Structures[0].Value
		}
		return renderLieuForm(pe, e, http.StatusOK, data, "")
	}
}

func lieuCreateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutCreerLieux() {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read place form: %w", err)
		}
		data, err := newLieuFormData(e.App, staff, parseLieuForm(e.Request.PostForm))
		if err != nil {
			return err
		}
		return submission{errors: &data.Errors, check: data.Form.Validate,
			save: func() error {
				_, err := createRecord(e, "lieux", data.Form.Changes())
				return err
			},
			render: func(status int) error { return renderLieuForm(pe, e, status, data, "") },
			done: func() (string, string) {
				return "/espace/lieux", "Le lieu « " + data.Form.Nom + " » est enregistré."
			},
		}.run(e)
	}
}

func lieuEditHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.EditableRecord(e.App, e.Auth, "lieux", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		data, err := newLieuFormData(e.App, model.NewStaffView(e.Auth), lieux.LieuFormOf(record))
		if err != nil {
			return err
		}
		return renderLieuForm(pe, e, http.StatusOK, data, record.Id)
	}
}

func lieuUpdateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.EditableRecord(e.App, e.Auth, "lieux", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read place form: %w", err)
		}
		data, err := newLieuFormData(e.App, model.NewStaffView(e.Auth), parseLieuForm(e.Request.PostForm))
		if err != nil {
			return err
		}
		// A structure the rules refuse is tampering, not a typing mistake:
		// refused before any message about the values.
		if data.Form.Structure != "" && !access.MayUpdate(e.App, e.Auth, record, map[string]any{"structure": data.Form.Structure}) {
			return access.ErrForbidden
		}
		return submission{errors: &data.Errors, check: data.Form.Validate,
			save: func() error {
				if err := access.UpdateChecked(e.App, e.Auth, record, data.Form.Changes()); err != nil {
					return fmt.Errorf("update place %s: %w", record.Id, err)
				}
				return nil
			},
			render: func(status int) error { return renderLieuForm(pe, e, status, data, record.Id) },
			done: func() (string, string) {
				return "/espace/lieux", "Les modifications du lieu « " + data.Form.Nom + " » sont enregistrées."
			},
		}.run(e)
	}
}

func renderLieuForm(pe *pageEngine, e *core.RequestEvent, status int, data *lieuFormData, id string) error {
	title := "Nouveau lieu"
	data.Action = "/espace/lieux/nouveau"
	if id != "" {
		title, data.Action, data.Modifier = "Modifier le lieu", "/espace/lieux/"+id+"/modifier", true
	}
	return pe.render(e, status, "lieux_formulaire", title, data)
}
