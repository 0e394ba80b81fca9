package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/horaires"
	"atelier/hooks/seances"
)

// RegisterStructurePages: the settings of a structure, for its référent
// or a coordinateur (the structure's update rule decides), and the preview
// of its public page with the typed values.
func RegisterStructurePages(g *router.RouterGroup[*core.RequestEvent], pe *pageEngine) {
	g.GET("/structures", pe.Page(structuresListHandler(pe)))
	g.GET("/structures/{id}", pe.Page(structureSettingsHandler(pe)))
	g.POST("/structures/{id}", pe.Page(structureSettingsHandler(pe)))
	g.POST("/structures/{id}/apercu", pe.Page(structurePreviewHandler(pe)))
}

type structuresListPage struct {
	Structures []*core.Record
}

func structuresListHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		records, err := seances.EditableStructures(e.App, e.Auth)
		if err != nil {
			return err
		}
		if len(records) == 0 {
			return access.ErrForbidden // conseillers do not change their structure
		}
		return pe.render(e, http.StatusOK, "structures", "Structures", structuresListPage{Structures: records})
	}
}

// The buttons of the settings form: save, or show the hours without saving.
const (
	actionGrille   = "grille"   // write the hours from the week's grid
	actionHoraires = "horaires" // preview the hours as typed
)

type structureSettingsPage struct {
	Structure *core.Record
	Form      seances.StructureForm
	Errors    formulaire.Erreurs
	Fuseaux   []formulaire.Option
	Grille    []jourGrille
	// FeriesFermes is the grid's public holidays box.
	FeriesFermes bool
	// GrilleIncomplete: the stored hours do not fit in the grid.
	GrilleIncomplete bool
	// Apercu are the hours said in French; AvertissementHoraires says why
	// they cannot be; Apercu is shown after a preview button.
	Apercu                []horaires.Ligne
	AvertissementHoraires string
	ApercuDemande         bool
	GrilleVide            bool // the grid was sent empty: the hours are left as they were
	AdressePublique       string
	LogoURL               string
}

// jourGrille is one day of the grid, its ranges as form fields.
type jourGrille struct {
	Jour   string
	Index  int
	Plages []plageGrille
}

type plageGrille struct {
	Debut, Fin *formulaire.Champ
}

func newStructureSettingsPage(e *core.RequestEvent, structure *core.Record, form seances.StructureForm) *structureSettingsPage {
	page := &structureSettingsPage{Structure: structure, Form: form, Errors: formulaire.Erreurs{},
		Fuseaux:         seances.FuseauOptions(structure),
		AdressePublique: envois.InstanceURL(e.App) + "/s/" + structure.GetString("slug")}
	if logo := structure.GetString("logo"); logo != "" {
		page.LogoURL = "/api/files/structures/" + structure.Id + "/" + url.PathEscape(logo) + "?thumb=0x120"
	}
	return page
}

// setGrille fills the grid, from the hours or from what was typed in it.
func (p *structureSettingsPage) setGrille(g horaires.Grille) {
	p.FeriesFermes = g.FeriesFermes
	p.Grille = make([]jourGrille, len(g.Jours))
	for i, jour := range g.Jours {
		p.Grille[i] = jourGrille{Jour: horaires.Jours[i], Index: i}
		for n, c := range jour {
			suffixe := ""
			if n > 0 {
				suffixe = " (2ᵉ plage)"
			}
			debut := newField(horaires.Champ(i, n, "debut"), "Ouverture"+suffixe, p.Errors, []string{"autocomplete=off"})
			fin := newField(horaires.Champ(i, n, "fin"), "Fermeture"+suffixe, p.Errors, []string{"autocomplete=off"})
			debut.Value, fin.Value = c.Debut, c.Fin
			p.Grille[i].Plages = append(p.Grille[i].Plages, plageGrille{Debut: debut, Fin: fin})
		}
	}
}

// setApercu says the typed hours in French, or why they cannot be.
func (p *structureSettingsPage) setApercu() {
	p.Apercu, p.AvertissementHoraires = nil, ""
	h, err := horaires.Lire(p.Form.Horaires)
	switch {
	case err != nil && p.horairesLibres():
		p.AvertissementHoraires = "Vos horaires actuels sont écrits librement : la page publique les montre tels quels. " +
			"Remplissez la grille pour les écrire dans le format commun."
	case err != nil && p.Errors["horaires"] == "": // else said next to the field
		p.AvertissementHoraires = err.Error()
	case err != nil:
	case !h.Vide():
		p.Apercu = horaires.Apercu(h)
	}
}

// horairesLibres: the hours typed are the stored ones, written as free
// text before the syntax was asked for; they stay until changed.
func (p *structureSettingsPage) horairesLibres() bool {
	return strings.TrimSpace(p.Form.Horaires) == strings.TrimSpace(p.Structure.GetString("horaires"))
}

func parseGrille(e *core.RequestEvent) horaires.Grille {
	var g horaires.Grille
	for i := range g.Jours {
		for n := range g.Jours[i] {
			g.Jours[i][n] = horaires.CaseGrille{Debut: formText(e, horaires.Champ(i, n, "debut")),
				Fin: formText(e, horaires.Champ(i, n, "fin"))}
		}
	}
	g.FeriesFermes = formText(e, "feries_fermes") != ""
	return g
}

func parseStructureForm(e *core.RequestEvent) (seances.StructureForm, error) {
	if err := e.Request.ParseMultipartForm(router.DefaultMaxMemory); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return seances.StructureForm{}, fmt.Errorf("read structure form: %w", err)
	}
	f := seances.StructureForm{Nom: formText(e, "nom"), Slug: formText(e, "slug"), Siret: formText(e, "siret"),
		Adresse: formText(e, "adresse"), CodePostal: formText(e, "code_postal"), Commune: formText(e, "commune"),
		CodeInsee: formText(e, "code_insee"), Typologie: formList(e.Request.PostForm, "typologie"),
		Telephone: formText(e, "telephone"), Courriel: formText(e, "courriel"), SiteWeb: formText(e, "site_web"),
		// Browsers send a textarea's line breaks as CRLF: kept as LF.
		Horaires:     strings.ReplaceAll(formText(e, "horaires"), "\r\n", "\n"),
		Presentation: strings.ReplaceAll(formText(e, "presentation"), "\r\n", "\n"),
		Fuseau:       formText(e, "fuseau"), SupprimerLogo: formText(e, "supprimer_logo") != ""}
	files, err := e.FindUploadedFiles("logo")
	switch {
	case err == nil && len(files) > 0:
		f.Logo = files[0]
	case err != nil && !errors.Is(err, http.ErrMissingFile) && !errors.Is(err, http.ErrNotMultipart):
		return f, fmt.Errorf("read logo: %w", err)
	}
	return f, nil
}

// structureSettingsHandler shows and saves a structure's settings. The two
// hours buttons show the hours in French without saving anything.
func structureSettingsHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		structure, err := access.EditableRecord(e.App, e.Auth, "structures", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		title := "Réglages : " + structure.GetString("nom")
		if e.Request.Method != http.MethodPost {
			page := newStructureSettingsPage(e, structure, seances.StructureFormOf(structure))
			h, err := horaires.Lire(page.Form.Horaires)
			g, fits := horaires.VersGrille(h)
			page.GrilleIncomplete = err != nil || !fits
			page.setGrille(g)
			page.setApercu()
			return pe.render(e, http.StatusOK, "structure_reglages", title, page)
		}
		form, err := parseStructureForm(e)
		if err != nil {
			return err
		}
		page := newStructureSettingsPage(e, structure, form)
		grille := parseGrille(e)
		switch formText(e, "action") {
		case actionGrille:
			h, errs := horaires.DeGrille(grille)
			page.Errors = errs
			switch {
			case len(errs) > 0:
			case h.Vide():
				// An empty grid does not wipe hours it could not show.
				page.GrilleVide = true
			default:
				page.Form.Horaires = horaires.Ecrire(h)
			}
			return renderStructurePreview(pe, e, page, grille, title)
		case actionHoraires:
			if _, err := horaires.Lire(form.Horaires); err != nil && !page.horairesLibres() {
				page.Errors["horaires"] = err.Error()
			}
			return renderStructurePreview(pe, e, page, grille, title)
		}
		return submission{errors: &page.Errors,
			check: func() formulaire.Erreurs {
				errs, err := page.Form.Validate(e.App, structure)
				if err != nil {
					return formulaire.Erreurs{"": "La vérification n'a pas pu se faire : réessayez dans un instant."}
				}
				return errs
			},
			save: func() error { return seances.SaveStructure(e.App, e.Auth, structure, &page.Form) },
			render: func(status int) error {
				page.setGrille(grille)
				page.setApercu()
				return pe.render(e, status, "structure_reglages", title, page)
			},
			done: func() (string, string) {
				return "/espace/structures/" + structure.Id, "Les réglages de « " + structure.GetString("nom") + " » sont enregistrés."
			},
		}.run(e)
	}
}

// renderStructurePreview shows the page again with the hours said in
// French: nothing is saved, a logo chosen must be chosen again.
func renderStructurePreview(pe *pageEngine, e *core.RequestEvent, page *structureSettingsPage, grille horaires.Grille, title string) error {
	page.ApercuDemande = true
	page.setGrille(grille)
	page.setApercu()
	status := http.StatusOK
	if len(page.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return pe.render(e, status, "structure_reglages", title, page)
}

type structurePreviewPage struct {
	Retour string
	Page   any
}

// structurePreviewHandler draws the public page of the structure with the
// typed values, its real places and sessions, and saves nothing.
func structurePreviewHandler(pe *pageEngine) func(*core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		structure, err := access.EditableRecord(e.App, e.Auth, "structures", e.Request.PathValue("id"))
		if err != nil {
			return err
		}
		form, err := parseStructureForm(e)
		if err != nil {
			return err
		}
		data, err := seances.LoadStructurePageOf(e.App, structure, clock.Now(e.App))
		if err != nil {
			return err
		}
		data.Structure = form.Apercu(structure)
		return pe.render(e, http.StatusOK, "structure_apercu", "Aperçu de la page publique : "+data.Structure.Nom,
			structurePreviewPage{Retour: "/espace/structures/" + structure.Id, Page: data})
	}
}
