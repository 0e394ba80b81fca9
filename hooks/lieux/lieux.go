package lieux

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/ateliers"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

func LoadLieux(app core.App, auth *core.Record, now time.Time) (*lieuxListData, error) {
	staff := model.NewStaffView(auth)
	var records []*core.Record
	err := app.RecordQuery("lieux").Where(staff.Scope("structure")).OrderBy("nom").Limit(lieuxLimit + 1).All(&records)
	if err != nil {
		return nil, fmt.Errorf("list places: %w", err)
	}
	data := &lieuxListData{PeutCreer: staff.PeutCreerLieux(), ToutesStructures: staff.Coordinateur()}
	if len(records) > lieuxLimit {
		records, data.Tronque = records[:lieuxLimit], true
	}
	names, err := seances.StructureNames(app, ateliers.WorkshopStructures(records))
	if err != nil {
		return nil, err
	}
	upcoming, err := upcomingSeancesByPlace(app, staff, now)
	if err != nil {
		return nil, err
	}
	for _, r := range records {
		data.Lieux = append(data.Lieux, lieuEntry{ID: r.Id, Nom: r.GetString("nom"),
			Structure: names[r.GetString("structure")], Adresse: lieuAdresse(r),
			Accessibilite: r.GetString("accessibilite"), AVenir: upcoming[r.Id],
			PeutModifier: access.MayUpdate(app, auth, r, nil)})
	}
	slices.SortStableFunc(data.Lieux, func(a, b lieuEntry) int {
		return strings.Compare(texte.Plier(a.Nom), texte.Plier(b.Nom))
	})
	return data, nil
}

// lieuAdresse is the address on one line: street, postcode and town.
func lieuAdresse(r *core.Record) string {
	ville := strings.TrimSpace(r.GetString("code_postal") + " " + r.GetString("commune"))
	parts := []string{}
	for _, p := range []string{r.GetString("adresse"), ville} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// upcomingSeancesByPlace counts the planned sessions to come of each place,
// among the sessions of the person's structures.
func upcomingSeancesByPlace(app core.App, staff *model.StaffView, now time.Time) (map[string]int, error) {
	var rows []struct {
		Lieu string `db:"lieu"`
		N    int    `db:"n"`
	}
	err := app.DB().Select("lieu", "count(*) AS n").From("seances").
		Where(dbx.And(staff.Scope("structure"),
			dbx.NewExp("statut = 'planifiee' AND debut >= {:now}", dbx.Params{"now": model.DBDate(now)}))).
		GroupBy("lieu").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("count upcoming sessions by place: %w", err)
	}
	counts := make(map[string]int, len(rows))
	for _, r := range rows {
		counts[r.Lieu] = r.N
	}
	return counts, nil
}

// lieuxLimit bounds the list; a structure has a handful of places.
const lieuxLimit = 500

type lieuEntry struct {
	ID, Nom, Structure, Adresse, Accessibilite string
	AVenir                                     int
	PeutModifier                               bool
}

type lieuxListData struct {
	Lieux            []lieuEntry
	Tronque          bool
	PeutCreer        bool
	ToutesStructures bool
}

// LieuForm holds the fields as typed, so that a form with errors shows them
// back unchanged.
type LieuForm struct {
	Structure, Nom, Adresse, CodePostal, Commune, CodeInsee, Accessibilite string
	Latitude, Longitude                                                    string
	// Set by validate.
	codePostalNormalise string
	codeInseeNormalise  string
	latitude, longitude float64
}

// coordinate reads an optional decimal number between -limit and limit,
// with a comma or a dot as decimal separator (French keyboards type a comma).
func coordinate(s string, limit float64) (float64, bool) {
	if s == "" {
		return 0, true
	}
	v, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	return v, err == nil && v >= -limit && v <= limit
}

// LieuFormOf fills the form with a stored place. No coordinates are stored
// as 0, 0 (a number field has no empty value): shown as empty boxes.
func LieuFormOf(r *core.Record) LieuForm {
	f := LieuForm{Structure: r.GetString("structure"), Nom: r.GetString("nom"), Adresse: r.GetString("adresse"),
		CodePostal: r.GetString("code_postal"), Commune: r.GetString("commune"), CodeInsee: r.GetString("code_insee"),
		Accessibilite: r.GetString("accessibilite")}
	if lat, lon := r.GetFloat("latitude"), r.GetFloat("longitude"); lat != 0 || lon != 0 {
		f.Latitude = strconv.FormatFloat(lat, 'f', -1, 64)
		f.Longitude = strconv.FormatFloat(lon, 'f', -1, 64)
	}
	return f
}

func (f *LieuForm) Validate() formulaire.Erreurs {
	errs := formulaire.Erreurs{}
	if f.Structure == "" {
		errs["structure"] = "Choisissez la structure du lieu."
	}
	switch n := utf8.RuneCountInString(f.Nom); {
	case n == 0:
		errs["nom"] = "Indiquez le nom du lieu, par exemple « Salle du conseil »."
	case n > 200:
		errs["nom"] = "Le nom est trop long : 200 caractères au plus."
	}
	if utf8.RuneCountInString(f.Adresse) > 200 {
		errs["adresse"] = "L'adresse est trop longue : 200 caractères au plus."
	}
	if utf8.RuneCountInString(f.Commune) > 200 {
		errs["commune"] = "Le nom de la commune est trop long : 200 caractères au plus."
	}
	var err error
	if f.codePostalNormalise, err = contact.NormaliserCodePostal(f.CodePostal); err != nil {
		errs["code_postal"] = err.Error()
	}
	if f.codeInseeNormalise, err = contact.NormaliserCodeInsee(f.CodeInsee); err != nil {
		errs["code_insee"] = err.Error()
	}
	if utf8.RuneCountInString(f.Accessibilite) > 1000 {
		errs["accessibilite"] = "Le texte sur l'accessibilité est trop long : 1 000 caractères au plus."
	}
	var ok bool
	if f.latitude, ok = coordinate(f.Latitude, 90); !ok {
		errs["latitude"] = "La latitude est un nombre entre -90 et 90, par exemple 46,58."
	}
	if f.longitude, ok = coordinate(f.Longitude, 180); !ok {
		errs["longitude"] = "La longitude est un nombre entre -180 et 180, par exemple 0,34."
	}
	return errs
}

// Changes are the fields a validated form writes.
func (f *LieuForm) Changes() map[string]any {
	return map[string]any{"structure": f.Structure, "nom": f.Nom, "adresse": f.Adresse,
		"code_postal": f.codePostalNormalise, "commune": f.Commune, "code_insee": f.codeInseeNormalise,
		"accessibilite": f.Accessibilite, "latitude": f.latitude, "longitude": f.longitude}
}
