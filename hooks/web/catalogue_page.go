package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"

	"atelier/hooks/lib/texte"

	"atelier/hooks/ateliers"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

func RegisterCataloguePages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/catalogue", pe.Page(catalogueListHandler(pe)))
	g.GET("/catalogue/nouveau", pe.Page(atelierNewHandler(pe)))
	g.POST("/catalogue/nouveau", pe.Page(atelierCreateHandler(pe)))
	g.GET("/catalogue/{id}", pe.Page(atelierDetailHandler(pe)))
	g.GET("/catalogue/{id}/modifier", pe.Page(atelierEditHandler(pe)))
	g.POST("/catalogue/{id}/modifier", pe.Page(atelierUpdateHandler(pe)))
	g.POST("/catalogue/{id}/archiver", pe.Page(atelierActifHandler(false)))
	g.POST("/catalogue/{id}/reactiver", pe.Page(atelierActifHandler(true)))
}

func parseCatalogueFilter(q url.Values, structures []formulaire.Option) ateliers.CatalogueFilter {
	f := ateliers.CatalogueFilter{Besoin: q.Get("besoin"), Q: texte.Recherche(q.Get("q")),
		Structure: q.Get("structure"), Archives: q.Get("archives") == "1"}
	if !referentiel.Besoins.Has(f.Besoin) {
		f.Besoin = ""
	}
	if utf8.RuneCountInString(f.Q) > 100 {
		f.Q = string([]rune(f.Q)[:100])
	}
	if !slices.ContainsFunc(structures, func(o formulaire.Option) bool { return o.Value == f.Structure }) {
		f.Structure = ""
	}
	return f
}

func catalogueListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		options, err := ateliers.StructureFilterOptions(e.App, staff)
		if err != nil {
			return err
		}
		filter := parseCatalogueFilter(e.Request.URL.Query(), options)
		data, err := ateliers.LoadCatalogue(e.App, e.Auth, staff, filter, clock.Now(e.App))
		if err != nil {
			return err
		}
		data.Structures = options
		return pe.render(e, http.StatusOK, "catalogue", "Catalogue des ateliers", data)
	}
}

func atelierDetailHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.WorkspaceRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		detail, err := ateliers.LoadAtelierDetail(e.App, e.Auth, record, clock.Now(e.App))
		if err != nil {
			return err
		}
		return pe.render(e, http.StatusOK, "catalogue_atelier", detail.Titre, detail)
	}
}

func parseAtelierForm(values url.Values) ateliers.AtelierForm {
	// Browsers send a textarea's line breaks as CRLF: stored as LF.
	get := func(name string) string { return strings.TrimSpace(strings.ReplaceAll(values.Get(name), "\r\n", "\n")) }
	return ateliers.AtelierForm{
		Titre: get("titre"), Besoin: get("besoin"), Description: get("description"), Objectifs: get("objectifs"),
		// The summary is one sentence: line breaks typed in the box are dropped.
		Resume:    strings.Join(strings.Fields(values.Get("resume")), " "),
		Prerequis: get("prerequis"), Niveau: get("niveau"), DureeMinutes: get("duree_minutes"),
		CapaciteDefaut: get("capacite_defaut"), AApporter: get("a_apporter"), Structure: get("structure"),
		Thematiques: formList(values, "thematiques"), Materiel: formList(values, "materiel"),
		Actif: values.Get("actif") == "1",
	}
}

type atelierFormData struct {
	Form       ateliers.AtelierForm
	Errors     formulaire.Erreurs
	Structures []formulaire.Option // the structures the workshop may belong to
	Partage    bool                // the « Catalogue partagé » choice is offered (coordinateur)
	Action     string
	Annuler    string
	Copie      string // title of the entry being copied
	Modifier   bool
}

// newAtelierFormData prepares the form's choices for the signed-in person.
func newAtelierFormData(app core.App, staff *model.StaffView, form ateliers.AtelierForm) (*atelierFormData, error) {
	structures, err := model.StructureOptions(app, staff)
	if err != nil {
		return nil, err
	}
	return &atelierFormData{Form: form, Errors: formulaire.Erreurs{}, Structures: structures,
		Partage: staff.Coordinateur()}, nil
}

// defaultStructure is where a new workshop goes unless the person chooses:
// their first structure; the shared catalogue for a coordinateur.
func defaultStructure(staff *model.StaffView, structures []formulaire.Option) string {
	if staff.Coordinateur() || len(structures) == 0 {
		return ""
	}
	return structures[0].Value
}

func atelierNewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutCreerAteliers() {
			return access.ErrForbidden
		}
		form := ateliers.AtelierForm{Actif: true, Niveau: "debutant", DureeMinutes: "120", CapaciteDefaut: "8"}
		var copied string
		if id := e.Request.URL.Query().Get("copie"); id != "" {
			source, err := access.Readable(e.App, e.Auth, "ateliers", id)
			if err != nil {
				return err
			}
			form, copied = ateliers.AtelierFormOf(source), source.GetString("titre")
			form.Actif = true
		}
		data, err := newAtelierFormData(e.App, staff, form)
		if err != nil {
			return err
		}
		data.Form.Structure = defaultStructure(staff, data.Structures)
		data.Copie = copied
		return renderAtelierForm(pe, e, http.StatusOK, data, "")
	}
}

func atelierCreateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		staff := model.NewStaffView(e.Auth)
		if !staff.PeutCreerAteliers() {
			return access.ErrForbidden
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read workshop form: %w", err)
		}
		data, err := newAtelierFormData(e.App, staff, parseAtelierForm(e.Request.PostForm))
		if err != nil {
			return err
		}
		data.Copie = e.Request.PostForm.Get("copie")
		var record *core.Record
		return submission{errors: &data.Errors, check: data.Form.Validate,
			save: func() (err error) {
				record, err = createRecord(e, "ateliers", data.Form.Changes())
				return err
			},
			render: func(status int) error { return renderAtelierForm(pe, e, status, data, "") },
			done: func() (string, string) {
				return "/espace/catalogue/" + record.Id, "L'atelier « " + data.Form.Titre + " » est enregistré."
			},
		}.run(e)
	}
}

func atelierEditHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.EditableRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		data, err := newAtelierFormData(e.App, model.NewStaffView(e.Auth), ateliers.AtelierFormOf(record))
		if err != nil {
			return err
		}
		return renderAtelierForm(pe, e, http.StatusOK, data, record.Id)
	}
}

func atelierUpdateHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.EditableRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		if err := e.Request.ParseForm(); err != nil {
			return fmt.Errorf("read workshop form: %w", err)
		}
		data, err := newAtelierFormData(e.App, model.NewStaffView(e.Auth), parseAtelierForm(e.Request.PostForm))
		if err != nil {
			return err
		}
		// A structure the rules refuse is tampering, not a typing mistake:
		// refused before any message about the values.
		if !access.MayUpdate(e.App, e.Auth, record, map[string]any{"structure": data.Form.Structure}) {
			return access.ErrForbidden
		}
		return submission{errors: &data.Errors, check: data.Form.Validate,
			save: func() error {
				if err := access.UpdateChecked(e.App, e.Auth, record, data.Form.Changes()); err != nil {
					return fmt.Errorf("update workshop %s: %w", record.Id, err)
				}
				return nil
			},
			render: func(status int) error { return renderAtelierForm(pe, e, status, data, record.Id) },
			done: func() (string, string) {
				return "/espace/catalogue/" + record.Id, "Les modifications de « " + data.Form.Titre + " » sont enregistrées."
			},
		}.run(e)
	}
}

func renderAtelierForm(pe *pageEngine, e *core.RequestEvent, status int, data *atelierFormData, id string) error {
	title := "Nouvel atelier"
	data.Action, data.Annuler = "/espace/catalogue/nouveau", "/espace/catalogue"
	switch {
	case id != "":
		title = "Modifier l'atelier"
		data.Action, data.Annuler, data.Modifier = "/espace/catalogue/"+id+"/modifier", "/espace/catalogue/"+id, true
	case data.Copie != "":
		title = "Copier un atelier dans mon catalogue"
	}
	return pe.render(e, status, "catalogue_formulaire", title, data)
}

func atelierActifHandler(actif bool) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		record, err := access.WorkspaceRecord(e.App, e.Auth, "ateliers", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		if err := access.UpdateChecked(e.App, e.Auth, record, map[string]any{"actif": actif}); err != nil {
			return fmt.Errorf("set workshop %s active=%t: %w", record.Id, actif, err)
		}
		message := "« " + record.GetString("titre") + " » est archivé : il n'apparaît plus sur les pages publiques, " +
			"ni ses séances."
		if actif {
			message = "« " + record.GetString("titre") + " » est de nouveau proposé."
		}
		return redirectWithFlash(e, catalogueNext(e.Request.PostFormValue("suite"), "/espace/catalogue/"+record.Id), message)
	}
}

// catalogueNext is where an action leads back to: a catalogue page only.
func catalogueNext(next, fallback string) string {
	if next != "/espace/catalogue" && !strings.HasPrefix(next, "/espace/catalogue/") && !strings.HasPrefix(next, "/espace/catalogue?") {
		return fallback
	}
	if safeNext(next) != next {
		return fallback
	}
	return next
}
