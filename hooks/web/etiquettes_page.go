package web

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/accompagnements"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// The tags' page (« Étiquettes »): a conseiller's own tags and their
// structures' tags, created, renamed and deleted here, chosen on the
// one-to-one help form. Who may do what is the collection's rules
// (migration 1763900028), checked by access for every write.

// RegisterEtiquettePages adds the tags' page to the workspace.
func RegisterEtiquettePages(espace *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	espace.GET("/etiquettes", pe.Page(etiquettesHandler(pe)))
	espace.POST("/etiquettes", pe.Page(etiquettesHandler(pe)))
	espace.POST("/etiquettes/{id}/renommer", pe.Page(renameEtiquetteHandler(pe)))
	espace.POST("/etiquettes/{id}/supprimer", pe.Page(deleteEtiquetteHandler))
}

const etiquettesPath = "/espace/etiquettes"

type etiquettesGroupe struct {
	Titre      string
	Etiquettes []etiquetteLigne
}

type etiquetteLigne struct {
	accompagnements.Etiquette
	Nom    string // as typed again after a refused rename
	Erreur string
}

type etiquettesPage struct {
	Nom, Portee string
	Errors      formulaire.Erreurs
	Portees     []formulaire.Option // « à moi seul » (conseillers), then the structures
	Groupes     []etiquettesGroupe
}

// porteeMoi is the choice of a conseiller's own tag.
const porteeMoi = "moi"

func etiquettesHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		page := &etiquettesPage{Errors: formulaire.Erreurs{}}
		if e.Request.Method != http.MethodPost {
			return pe.renderEtiquettes(e, http.StatusOK, page, "", "")
		}
		page.Nom, page.Portee = formText(e, "nom"), formText(e, "portee")
		collection, err := e.App.FindCachedCollectionByNameOrId("etiquettes")
		if err != nil {
			return fmt.Errorf("tags collection: %w", err)
		}
		r := core.NewRecord(collection)
		r.Set("nom", page.Nom)
		switch page.Portee {
		case "":
			page.Errors["portee"] = "Choisissez à qui est l'étiquette."
		case porteeMoi:
			r.Set("conseiller", e.Auth.Id)
		default:
			r.Set("structure", page.Portee)
		}
		if _, msg := accompagnements.NormaliserEtiquette(page.Nom); msg != "" {
			page.Errors["nom"] = msg
		}
		if len(page.Errors) == 0 {
			err = access.CreateChecked(e.App, e.Auth, r)
			if errs, ok := validationMessages(err); ok {
				page.Errors = etiquetteErrors(errs)
			} else if errors.Is(err, model.ErrNotFound) {
				page.Errors["portee"] = "Vous ne pouvez pas créer d'étiquette ici : choisissez une de vos structures."
			} else if err != nil {
				return fmt.Errorf("create tag: %w", err)
			}
		}
		if len(page.Errors) > 0 {
			return pe.renderEtiquettes(e, http.StatusUnprocessableEntity, page, "", "")
		}
		return redirectWithFlash(e, etiquettesPath+"#etiquette-"+r.Id, "Étiquette « "+r.GetString("nom")+" » créée.")
	}
}

// etiquetteErrors puts the hooks' messages next to the page's fields.
func etiquetteErrors(errs formulaire.Erreurs) formulaire.Erreurs {
	out := formulaire.Erreurs{}
	for name, msg := range errs {
		switch name {
		case "structure", "conseiller":
			out["portee"] = msg
		default:
			out["nom"] = msg
		}
	}
	return out
}

func renameEtiquetteHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		r, err := access.Readable(e.App, e.Auth, "etiquettes", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		nom := formText(e, "nom")
		msg := ""
		if _, msg = accompagnements.NormaliserEtiquette(nom); msg == "" {
			err = access.UpdateChecked(e.App, e.Auth, r, map[string]any{"nom": nom})
			if errs, ok := validationMessages(err); ok {
				msg = etiquetteErrors(errs)["nom"]
			} else if err != nil {
				return fmt.Errorf("rename tag %s: %w", r.Id, err)
			}
		}
		if msg != "" {
			return pe.renderEtiquettes(e, http.StatusUnprocessableEntity, &etiquettesPage{Errors: formulaire.Erreurs{}}, r.Id, nom, msg)
		}
		return redirectWithFlash(e, etiquettesPath+"#etiquette-"+r.Id, "Étiquette renommée « "+r.GetString("nom")+" ».")
	}
}

func deleteEtiquetteHandler(e *core.RequestEvent) error {
	r, err := access.Readable(e.App, e.Auth, "etiquettes", e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	n, err := accompagnements.UsagesEtiquette(e.App, r.Id)
	if err != nil {
		return err
	}
	if err := access.DeleteChecked(e.App, e.Auth, r); err != nil {
		return fmt.Errorf("delete tag %s: %w", r.Id, err)
	}
	message := "Étiquette « " + r.GetString("nom") + " » supprimée."
	if n > 0 {
		message += " Elle est retirée de " + strconv.Itoa(n) + " " + frfmt.Pluriel(n, "accompagnement", "accompagnements") + "."
	}
	return redirectWithFlash(e, etiquettesPath, message)
}

// renderEtiquettes shows the page; a refused rename (id, as typed, its
// message) shows next to its tag.
func (pe *pageEngine) renderEtiquettes(e *core.RequestEvent, status int, page *etiquettesPage, id, nom string, msg ...string) error {
	staff := model.NewStaffView(e.Auth)
	structures, err := model.StructuresOf(e.App, staff)
	if err != nil {
		return err
	}
	conseiller := staff.RoleValue == model.RoleConseiller
	if conseiller {
		page.Portees = append(page.Portees, formulaire.Option{Value: porteeMoi, Label: "À moi seul"})
	}
	ids := make([]string, len(structures))
	for i, s := range structures {
		ids[i] = s.Id
		page.Portees = append(page.Portees, formulaire.Option{Value: s.Id, Label: "Toute la structure " + s.GetString("nom")})
	}
	if page.Portee == "" && len(page.Portees) == 1 {
		page.Portee = page.Portees[0].Value
	}
	tags, err := accompagnements.EtiquettesOf(e.App, staff.ID, ids)
	if err != nil {
		return err
	}
	line := func(t accompagnements.Etiquette) etiquetteLigne {
		l := etiquetteLigne{Etiquette: t, Nom: t.Nom}
		if t.ID == id {
			l.Nom = nom
			if len(msg) > 0 {
				l.Erreur = msg[0]
			}
		}
		return l
	}
	if conseiller {
		g := etiquettesGroupe{Titre: "Vos étiquettes"}
		for _, t := range tags {
			if t.Personnelle() {
				g.Etiquettes = append(g.Etiquettes, line(t))
			}
		}
		page.Groupes = append(page.Groupes, g)
	}
	for _, s := range structures {
		g := etiquettesGroupe{Titre: "Étiquettes de " + s.GetString("nom")}
		for _, t := range tags {
			if t.Structure == s.Id {
				g.Etiquettes = append(g.Etiquettes, line(t))
			}
		}
		// A coordinateur sees every structure: only those with tags.
		if len(g.Etiquettes) > 0 || !staff.Coordinateur() {
			page.Groupes = append(page.Groupes, g)
		}
	}
	if id != "" && len(msg) > 0 {
		page.Errors["nom-"+id] = msg[0]
	}
	return pe.render(e, status, "etiquettes", "Étiquettes", page)
}
