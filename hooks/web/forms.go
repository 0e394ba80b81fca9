package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

func newField(name, label string, errs formulaire.Erreurs, opts []string) *formulaire.Champ {
	f := &formulaire.Champ{Name: name, ID: name, Label: label, Type: "text", Error: errs[name]}
	for _, o := range opts {
		key, value, _ := strings.Cut(o, "=")
		switch key {
		case "obligatoire":
			f.Required = true
		case "boutons":
			f.Buttons = true
		case "aide":
			f.Help = value
		case "type":
			f.Type = value
		case "id":
			f.ID = value
		case "autocomplete":
			f.Autocomplete = value
		case "inputmode":
			f.Inputmode = value
		case "min":
			f.Min = value
		case "max":
			f.Max = value
		case "step":
			f.Step = value
		case "placeholder":
			f.Placeholder = value
		case "vide":
			f.EmptyLabel = value
		}
	}
	return f
}

// referenceLists are the closed lists templates may name in choix and cases.
var referenceLists = map[string]referentiel.List{
	"besoin": referentiel.Besoins, "thematique": referentiel.Thematiques, "niveau": referentiel.Niveaux,
	"materiel": referentiel.Materiels, "type_lieu": referentiel.TypesLieu, "autonomie": referentiel.Autonomies,
	"genre": referentiel.Genres, "statut_social": referentiel.StatutsSociaux, "role": referentiel.Roles,
	"statut_seance": referentiel.StatutsSeance, "statut_inscription": referentiel.StatutsInscription,
	"tranche_age": referentiel.TranchesAge, "structure_redirection": referentiel.StructuresRedirection,
	"source_inscription": referentiel.SourcesInscription, "typologie": referentiel.Typologies,
	"thematique_demarche": referentiel.ThematiquesDemarche,
}

// optionsOf turns a list name, a referentiel.List or []option into options
// with the selected values marked.
func optionsOf(list any, selected map[string]bool) ([]formulaire.Option, error) {
	var opts []formulaire.Option
	switch l := list.(type) {
	case string:
		ref, ok := referenceLists[l]
		if !ok {
			return nil, fmt.Errorf("unknown list %q", l)
		}
		for _, o := range ref {
			opts = append(opts, formulaire.Option{Value: o.Value, Label: o.Label})
		}
	case referentiel.List:
		for _, o := range l {
			opts = append(opts, formulaire.Option{Value: o.Value, Label: o.Label})
		}
	case []formulaire.Option:
		opts = append(opts, l...)
	default:
		return nil, fmt.Errorf("unknown options %T", list)
	}
	for i := range opts {
		opts[i].Selected = selected[opts[i].Value]
	}
	return opts, nil
}

func formFuncs() map[string]any {
	return map[string]any{
		"champ": func(name, label string, value any, errs formulaire.Erreurs, opts ...string) *formulaire.Champ {
			f := newField(name, label, errs, opts)
			f.Value = fmt.Sprint(value)
			return f
		},
		"choix": func(name, label, value string, errs formulaire.Erreurs, list any, opts ...string) (*formulaire.Champ, error) {
			f := newField(name, label, errs, opts)
			f.Value = value
			var err error
			f.Options, err = optionsOf(list, map[string]bool{value: true})
			return f, err
		},
		"cases": func(name, label string, values []string, errs formulaire.Erreurs, list any, opts ...string) (*formulaire.Champ, error) {
			f := newField(name, label, errs, opts)
			selected := map[string]bool{}
			for _, v := range values {
				selected[v] = true
			}
			var err error
			f.Options, err = optionsOf(list, selected)
			return f, err
		},
	}
}

// formText is a trimmed form value.
func formText(e *core.RequestEvent, name string) string {
	return strings.TrimSpace(e.Request.PostFormValue(name))
}

// formList is every value of a multi-valued field, trimmed, without empties.
func formList(values url.Values, name string) []string {
	var out []string
	for _, v := range values[name] {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

// Flash messages confirm an action after its redirect (POST-redirect-GET):
// a short-lived cookie read, and cleared, by the next page.
const flashCookie = "atelier_flash"

func setFlash(e *core.RequestEvent, message string) {
	e.SetCookie(&http.Cookie{Name: flashCookie, Value: url.QueryEscape(message), Path: "/espace",
		HttpOnly: true, Secure: e.IsTLS(), SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func takeFlash(e *core.RequestEvent) string {
	cookie, err := e.Request.Cookie(flashCookie)
	if err != nil || cookie.Value == "" {
		return ""
	}
	e.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/espace", HttpOnly: true, Secure: e.IsTLS(),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
	message, err := url.QueryUnescape(cookie.Value)
	if err != nil {
		return ""
	}
	return message
}

// redirectWithFlash ends a successful POST: the message shows on the next page.
func redirectWithFlash(e *core.RequestEvent, to, message string) error {
	setFlash(e, message)
	return e.Redirect(http.StatusSeeOther, to)
}

// validationMessages turns the field errors of a failed save into form
// errors: the integrity hooks' French messages as they are, a plain French
// sentence for PocketBase's own (English) ones; ok is false for any other
// error.
func validationMessages(err error) (formulaire.Erreurs, bool) {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return nil, false
	}
	errs := formulaire.Erreurs{}
	for name, ferr := range verrs {
		var verr validation.Error
		if errors.As(ferr, &verr) && strings.HasPrefix(verr.Code(), model.FrenchErrorPrefix) {
			errs[name] = verr.Message()
			continue
		}
		errs[name] = "Cette valeur n'est pas acceptée : vérifiez ce champ."
	}
	return errs, true
}

// submission is the one flow of a form that writes: the form's own checks,
// a 422 page with a French message next to each field and what was typed,
// the save (whose refusals by the integrity hooks become messages too),
// then a redirect with a confirmation. Nothing is written when a check
// fails.
type submission struct {
	errors *formulaire.Erreurs       // the page's messages, read by render
	check  func() formulaire.Erreurs // the form's own checks
	save   func() error              // the write, through the access checks
	render func(status int) error    // draws the form
	done   func() (to, flash string) // where to go once saved, and what to say
}

func (s submission) run(e *core.RequestEvent) error {
	if errs := s.check(); len(errs) > 0 {
		*s.errors = errs
		return s.render(http.StatusUnprocessableEntity)
	}
	if err := s.save(); err != nil {
		if errs, ok := validationMessages(err); ok {
			*s.errors = errs
			return s.render(http.StatusUnprocessableEntity)
		}
		return err
	}
	to, flash := s.done()
	return redirectWithFlash(e, to, flash)
}

// createRecord saves a new record of collection with fields, if the
// collection's create rule lets the signed-in person do it; a refusal
// (another structure's id in a form field) is the 403 page.
func createRecord(e *core.RequestEvent, collection string, fields map[string]any) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, fmt.Errorf("%s collection: %w", collection, err)
	}
	record := core.NewRecord(c)
	record.Load(fields)
	if err := access.CreateChecked(e.App, e.Auth, record); err != nil {
		if errors.Is(err, model.ErrNotFound) {
			return nil, access.ErrForbidden
		}
		return nil, err
	}
	return record, nil
}
