package accompagnements

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

// Tags (étiquettes) as La Coop has them (prisma Tag: a médiateur's own, or
// shared): a conseiller's own, or their structure's, shared by its staff.
// Who reads and writes which is the collection's rules (migration
// 1763900028); this file holds what the rules cannot say.

// Etiquette is a tag as the pages list it.
type Etiquette struct {
	ID, Nom   string
	Structure string // the structure's id, empty for a conseiller's own tag
	Proprio   string // the conseiller's id, empty for a structure's tag
}

// Personnelle tells a conseiller's own tag.
func (t Etiquette) Personnelle() bool { return t.Proprio != "" }

// EtiquettesOf lists the tags a staff member may use on the help of the
// given structures: their own, then each structure's, by name.
func EtiquettesOf(app core.App, staff string, structures []string) ([]Etiquette, error) {
	where := dbx.Or(dbx.HashExp{"conseiller": staff})
	if len(structures) > 0 {
		ids := make([]any, len(structures))
		for i, s := range structures {
			ids[i] = s
		}
		where = dbx.Or(dbx.HashExp{"conseiller": staff}, dbx.And(dbx.NewExp("structure != ''"), dbx.In("structure", ids...)))
	}
	var rows []struct {
		ID         string `db:"id"`
		Nom        string `db:"nom"`
		Structure  string `db:"structure"`
		Conseiller string `db:"conseiller"`
	}
	if err := app.DB().Select("id", "nom", "structure", "conseiller").From("etiquettes").Where(where).All(&rows); err != nil {
		return nil, fmt.Errorf("tags of %s: %w", staff, err)
	}
	out := make([]Etiquette, len(rows))
	for i, r := range rows {
		out[i] = Etiquette{ID: r.ID, Nom: r.Nom, Structure: r.Structure, Proprio: r.Conseiller}
	}
	slices.SortFunc(out, func(a, b Etiquette) int {
		if a.Personnelle() != b.Personnelle() {
			if a.Personnelle() {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(texte.Plier(a.Nom), texte.Plier(b.Nom)); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out, nil
}

// EtiquetteMax is the longest name of a tag (the schema's).
const EtiquetteMax = 80

// NormaliserEtiquette checks the name of a tag typed by staff: trimmed, not
// empty, not too long. It returns the name to store or the French message.
func NormaliserEtiquette(nom string) (string, string) {
	nom = strings.Join(strings.Fields(nom), " ")
	switch {
	case nom == "":
		return "", "Indiquez le nom de l'étiquette."
	case len([]rune(nom)) > EtiquetteMax:
		return nom, fmt.Sprintf("Le nom est trop long (%d caractères au plus).", EtiquetteMax)
	}
	return nom, ""
}

// UsagesEtiquette counts the helps that carry a tag: deleting it takes it
// off them.
func UsagesEtiquette(app core.App, id string) (int, error) {
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM accompagnements a, json_each(a.etiquettes) t WHERE t.value = {:id}").
		Bind(dbx.Params{"id": id}).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("uses of tag %s: %w", id, err)
	}
	return n, nil
}

// registerEtiquettes: a tag belongs to a conseiller or to a structure,
// never both nor neither; its name is not twice in the same place (folded:
// « Retraités » and « retraites » are one tag).
func registerEtiquettes(app core.App) {
	app.OnRecordValidate("etiquettes").BindFunc(func(e *core.RecordEvent) error {
		r := e.Record
		structure, proprio := r.GetString("structure"), r.GetString("conseiller")
		if (structure == "") == (proprio == "") {
			return validation.Errors{"structure": model.FrenchError("etiquette_portee",
				"Une étiquette est à vous seul ou à toute une structure : choisissez l'un des deux.")}
		}
		nom, msg := NormaliserEtiquette(r.GetString("nom"))
		if msg != "" {
			return validation.Errors{"nom": model.FrenchError("etiquette_nom", msg)}
		}
		r.Set("nom", nom)
		var others []string
		err := e.App.DB().Select("nom").From("etiquettes").
			Where(dbx.And(dbx.HashExp{"structure": structure, "conseiller": proprio}, dbx.Not(dbx.HashExp{"id": r.Id}))).
			Column(&others)
		if err != nil {
			return fmt.Errorf("tags beside %s: %w", r.Id, err)
		}
		for _, o := range others {
			if texte.Plier(o) == texte.Plier(nom) {
				return validation.Errors{"nom": model.FrenchError("etiquette_doublon", "Cette étiquette existe déjà : « "+o+" ».")}
			}
		}
		return e.Next()
	})
}
