package seances

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"atelier/hooks/access"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/horaires"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// A structure's own settings: the public information its référent or a
// coordinateur keeps up to date from the workspace (the structure's update
// rule decides who may), without opening PocketBase's admin.

// Limits of the fields, as the collection holds them (pb_migrations/schema.go).
const (
	MaxNomStructure   = 200
	MaxSlug           = 80
	MaxPresentation   = 280
	MaxHoraires       = 1000
	MaxLogoOctets     = 1 << 20
	maxAdresse        = 200
	maxCommune        = 200
	logoTailleLisible = "1 Mo"
)

// LogoTypes are the images a logo may be: what attestations can draw.
var LogoTypes = []string{"image/png", "image/jpeg", "image/webp"}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// StructureForm holds the settings as typed, so that a refused form shows
// them back unchanged.
type StructureForm struct {
	Nom, Slug, Siret                        string
	Adresse, CodePostal, Commune, CodeInsee string
	Typologie                               []string
	Telephone, Courriel, SiteWeb            string
	Horaires, Presentation, Fuseau          string
	Logo                                    *filesystem.File // a new logo, or nil
	SupprimerLogo                           bool
	// Set by Validate.
	siret, codePostal, codeInsee, telephone string
	courriel, horaires                      string
	horairesInchanges                       bool
}

// StructureFormOf fills the form with a stored structure.
func StructureFormOf(r *core.Record) StructureForm {
	return StructureForm{Nom: r.GetString("nom"), Slug: r.GetString("slug"), Siret: r.GetString("siret"),
		Adresse: r.GetString("adresse"), CodePostal: r.GetString("code_postal"), Commune: r.GetString("commune"),
		CodeInsee: r.GetString("code_insee"), Typologie: r.GetStringSlice("typologie"),
		Telephone: contact.FormaterTelephone(r.GetString("telephone")), Courriel: r.GetString("courriel"),
		SiteWeb: r.GetString("site_web"), Horaires: r.GetString("horaires"), Presentation: r.GetString("presentation"),
		Fuseau: r.GetString("fuseau")}
}

// Validate checks the typed settings of structure; slugs are compared with
// every other structure's.
func (f *StructureForm) Validate(app core.App, structure *core.Record) (formulaire.Erreurs, error) {
	errs := formulaire.Erreurs{}
	switch n := utf8.RuneCountInString(f.Nom); {
	case n == 0:
		errs["nom"] = "Indiquez le nom de la structure, tel que le public le connaît."
	case n > MaxNomStructure:
		errs["nom"] = fmt.Sprintf("Le nom est trop long : %d caractères au plus.", MaxNomStructure)
	}
	switch {
	case f.Slug == "":
		errs["slug"] = "Indiquez l'adresse de la page publique, par exemple « mediatheque-poitiers »."
	case len(f.Slug) > MaxSlug:
		errs["slug"] = fmt.Sprintf("L'adresse est trop longue : %d caractères au plus.", MaxSlug)
	case !slugPattern.MatchString(f.Slug):
		errs["slug"] = "L'adresse s'écrit en minuscules sans accent, avec des chiffres et des tirets entre les mots, par exemple « mediatheque-poitiers »."
	default:
		taken, err := slugTaken(app, f.Slug, structure.Id)
		if err != nil {
			return nil, err
		}
		if taken {
			errs["slug"] = "Cette adresse est déjà celle d'une autre structure : choisissez-en une autre, par exemple en ajoutant le nom de la commune."
		}
	}
	var err error
	if f.siret, err = contact.NormaliserSiret(f.Siret); err != nil {
		errs["siret"] = err.Error()
	}
	if utf8.RuneCountInString(f.Adresse) > maxAdresse {
		errs["adresse"] = fmt.Sprintf("L'adresse est trop longue : %d caractères au plus.", maxAdresse)
	}
	if f.codePostal, err = contact.NormaliserCodePostal(f.CodePostal); err != nil {
		errs["code_postal"] = err.Error()
	}
	if utf8.RuneCountInString(f.Commune) > maxCommune {
		errs["commune"] = fmt.Sprintf("Le nom de la commune est trop long : %d caractères au plus.", maxCommune)
	}
	if f.codeInsee, err = contact.NormaliserCodeInsee(f.CodeInsee); err != nil {
		errs["code_insee"] = err.Error()
	}
	for _, t := range f.Typologie {
		if !referentiel.Typologies.Has(t) {
			errs["typologie"] = "Choisissez le type de structure dans la liste."
		}
	}
	f.telephone = ""
	if f.Telephone != "" {
		if f.telephone, err = contact.NormaliserTelephone(f.Telephone); err != nil {
			errs["telephone"] = err.Error()
		}
	}
	f.courriel = ""
	if f.Courriel != "" {
		if f.courriel, err = contact.NormaliserEmail(f.Courriel); err != nil {
			errs["courriel"] = err.Error()
		}
	}
	if f.SiteWeb != "" && !siteValide(f.SiteWeb) {
		errs["site_web"] = "L'adresse du site commence par https:// ou http://, par exemple https://www.mairie-exemple.fr."
	}
	if msg := f.checkHoraires(structure.GetString("horaires")); msg != "" {
		errs["horaires"] = msg
	}
	if n := utf8.RuneCountInString(f.Presentation); n > MaxPresentation {
		errs["presentation"] = fmt.Sprintf("La présentation est trop longue : %d caractères au plus (elle en a %d). Elle doit tenir en deux ou trois phrases.", MaxPresentation, n)
	}
	if !slices.Contains(Fuseaux(structure), f.Fuseau) {
		errs["fuseau"] = "Choisissez le fuseau horaire dans la liste."
	}
	if msg := checkLogo(f.Logo); msg != "" {
		errs["logo"] = msg
	}
	return errs, nil
}

// checkHoraires reads the hours in the OpenStreetMap syntax, stored
// written the one way (horaires.Ecrire). Hours typed as free text before
// the syntax was asked for stay as they are while nobody changes them.
func (f *StructureForm) checkHoraires(stored string) string {
	f.horairesInchanges = false
	typed := strings.TrimSpace(f.Horaires)
	if typed == strings.TrimSpace(stored) {
		if _, err := horaires.Lire(typed); err != nil {
			f.horairesInchanges = true
			return ""
		}
	}
	if utf8.RuneCountInString(typed) > MaxHoraires {
		return fmt.Sprintf("Les horaires sont trop longs : %d caractères au plus.", MaxHoraires)
	}
	h, err := horaires.Lire(typed)
	if err != nil {
		return err.Error()
	}
	f.horaires = horaires.Ecrire(h)
	return ""
}

// checkLogo refuses a file that is not a small PNG, JPEG or WebP image,
// read from its content, not its name.
func checkLogo(file *filesystem.File) string {
	if file == nil {
		return ""
	}
	if file.Size > MaxLogoOctets {
		return "Le logo est trop lourd : " + logoTailleLisible + " au plus. Enregistrez-le plus petit, par exemple 400 pixels de large."
	}
	r, err := file.Reader.Open()
	if err != nil {
		return "Le fichier du logo n'a pas pu être lu : choisissez-le à nouveau."
	}
	defer r.Close()
	head := make([]byte, 512)
	n, _ := r.Read(head)
	if !slices.Contains(LogoTypes, http.DetectContentType(head[:n])) {
		return "Le logo doit être une image PNG, JPEG ou WebP."
	}
	return ""
}

func siteValide(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && strings.Contains(u.Host, ".") &&
		!strings.ContainsAny(s, " \t\n")
}

// slugTaken tells whether another structure has the address slug.
func slugTaken(app core.App, slug, id string) (bool, error) {
	var n int
	err := app.DB().Select("count(*)").From("structures").
		Where(dbx.NewExp("slug = {:slug} AND id != {:id}", dbx.Params{"slug": slug, "id": id})).Row(&n)
	if err != nil {
		return false, fmt.Errorf("check slug %s: %w", slug, err)
	}
	return n > 0, nil
}

// Fuseaux are the time zones structure may choose: the French ones, and
// its own when the API set another.
func Fuseaux(structure *core.Record) []string {
	var zones []string
	for _, z := range frfmt.Fuseaux() {
		zones = append(zones, z.Zone)
	}
	if own := structure.GetString("fuseau"); own != "" && !slices.Contains(zones, own) {
		zones = append(zones, own)
	}
	return zones
}

// FuseauOptions are Fuseaux as the choices of a list.
func FuseauOptions(structure *core.Record) []formulaire.Option {
	zones := Fuseaux(structure)
	opts := make([]formulaire.Option, len(zones))
	for i, z := range zones {
		label := "France métropolitaine"
		if t := frfmt.Territoire(z); t != "" {
			label = t
		}
		opts[i] = formulaire.Option{Value: z, Label: label + " (" + z + ")"}
	}
	return opts
}

// Changes are the fields a validated form writes.
func (f *StructureForm) Changes() map[string]any {
	changes := map[string]any{"nom": f.Nom, "slug": f.Slug, "siret": f.siret, "adresse": f.Adresse,
		"code_postal": f.codePostal, "commune": f.Commune, "code_insee": f.codeInsee, "typologie": f.Typologie,
		"telephone": f.telephone, "courriel": f.courriel, "site_web": f.SiteWeb, "presentation": f.Presentation,
		"fuseau": f.Fuseau}
	if !f.horairesInchanges {
		changes["horaires"] = f.horaires
	}
	switch {
	case f.Logo != nil:
		changes["logo"] = f.Logo
	case f.SupprimerLogo:
		changes["logo"] = ""
	}
	return changes
}

// SaveStructure writes validated settings, if auth may update structure.
func SaveStructure(app core.App, auth, structure *core.Record, f *StructureForm) error {
	if err := access.UpdateChecked(app, auth, structure, f.Changes()); err != nil {
		return fmt.Errorf("settings of structure %s: %w", structure.Id, err)
	}
	return nil
}

// Apercu is the structure as the typed settings would show it on its
// public page, without saving them.
func (f *StructureForm) Apercu(structure *core.Record) StructureView {
	v := NewStructureView(structure)
	v.Nom, v.Adresse, v.CodePostal, v.Commune = f.Nom, f.Adresse, f.CodePostal, f.Commune
	v.Telephone, v.Courriel, v.SiteWeb = f.Telephone, f.Courriel, f.SiteWeb
	v.Horaires, v.Presentation = f.Horaires, f.Presentation
	if slugPattern.MatchString(f.Slug) {
		v.Slug = f.Slug
	}
	// A phone typed in a usual way is shown as it will be stored.
	if t, err := contact.NormaliserTelephone(f.Telephone); err == nil {
		v.Telephone = t
	}
	return v
}

// EditableStructures are the structures whose settings auth may change:
// every one for a coordinateur, their own for a référent.
func EditableStructures(app core.App, auth *core.Record) ([]*core.Record, error) {
	records, err := model.StructuresOf(app, model.NewStaffView(auth))
	if err != nil {
		return nil, err
	}
	var out []*core.Record
	for _, r := range records {
		if access.MayUpdate(app, auth, r, nil) {
			out = append(out, r)
		}
	}
	return out, nil
}
