package lieux

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/envois"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/mednum"
	"atelier/hooks/model"
)

// OpenDataLieux builds the export: every place of every structure, and the
// structure's own address when none of its places is there; places missing
// a required field of the schema (address, postal code, commune) are left
// out.
func OpenDataLieux(app core.App, base string, now time.Time) ([]mednum.Lieu, error) {
	var structures []openStructure
	if err := app.DB().Select("id", "nom", "slug", "siret", "typologie", "adresse", "code_postal", "commune", "code_insee",
		"telephone", "courriel", "site_web", "horaires", "presentation", "updated").From("structures").OrderBy("nom", "id").
		All(&structures); err != nil {
		return nil, fmt.Errorf("open data structures: %w", err)
	}
	var lieux []openLieu
	if err := app.DB().Select("id", "structure", "nom", "adresse", "code_postal", "commune", "code_insee", "accessibilite",
		"latitude", "longitude", "updated").From("lieux").OrderBy("nom", "id").All(&lieux); err != nil {
		return nil, fmt.Errorf("open data places: %w", err)
	}
	offers, err := structureOffers(app, now.AddDate(-1, 0, 0))
	if err != nil {
		return nil, err
	}
	byStructure := map[string][]openLieu{}
	for _, l := range lieux {
		byStructure[l.Structure] = append(byStructure[l.Structure], l)
	}
	out := []mednum.Lieu{}
	for _, s := range structures {
		common := structureFields(s, offers[s.ID], base)
		own := byStructure[s.ID]
		for _, l := range own {
			if row := lieuRow(common, s, l); row.Complete() {
				out = append(out, row)
			}
		}
		if !addressAmong(s.Adresse, s.CodePostal, own) {
			if row := structureRow(common, s); row.Complete() {
				out = append(out, row)
			}
		}
	}
	return out, nil
}

// structureOffers gathers per structure the thématiques and besoins of the
// public workshops held or planned since since, and the kinds of one-to-one
// help.
func structureOffers(app core.App, since time.Time) (map[string]*structureOffer, error) {
	offers := map[string]*structureOffer{}
	offer := func(id string) *structureOffer {
		if offers[id] == nil {
			offers[id] = &structureOffer{}
		}
		return offers[id]
	}
	params := dbx.Params{"since": model.DBDate(since)}
	var workshops []struct {
		Structure  string `db:"structure"`
		Besoin     string `db:"besoin"`
		Thematique string `db:"thematique"`
	}
	err := app.DB().NewQuery(`SELECT DISTINCT s.structure, a.besoin, coalesce(j.value, '') AS thematique
		FROM seances s JOIN ateliers a ON a.id = s.atelier LEFT JOIN json_each(a.thematiques) j
		WHERE s.publique = TRUE AND s.statut != 'annulee' AND s.debut >= {:since}`).Bind(params).All(&workshops)
	if err != nil {
		return nil, fmt.Errorf("open data workshops: %w", err)
	}
	for _, w := range workshops {
		o := offer(w.Structure)
		o.ateliers = true
		o.besoins = append(o.besoins, w.Besoin)
		o.thematiques = append(o.thematiques, w.Thematique)
	}
	var helps []struct {
		Structure  string `db:"structure"`
		TypeLieu   string `db:"type_lieu"`
		Thematique string `db:"thematique"`
	}
	err = app.DB().NewQuery(`SELECT DISTINCT h.structure, h.type_lieu, coalesce(j.value, '') AS thematique
		FROM accompagnements h LEFT JOIN json_each(h.thematiques) j WHERE h.date >= {:since}`).Bind(params).All(&helps)
	if err != nil {
		return nil, fmt.Errorf("open data help: %w", err)
	}
	for _, h := range helps {
		o := offer(h.Structure)
		o.thematiques = append(o.thematiques, h.Thematique)
		if h.TypeLieu == "a_distance" {
			o.aDistance = true
		} else {
			o.individuels = true
		}
	}
	return offers, nil
}

// structureFields are the fields every row of a structure shares.
func structureFields(s openStructure, offer *structureOffer, base string) mednum.Lieu {
	var typologies []string
	_ = json.Unmarshal([]byte(s.Typologie), &typologies)
	row := mednum.Lieu{Pivot: mednum.Pivot(s.Siret), Typologie: mednum.Join(typologies...),
		Telephone: mednum.Telephone(s.Telephone), Courriels: s.Courriel, SiteWeb: s.SiteWeb,
		PresentationResume: envois.Truncate(strings.TrimSpace(s.Presentation), 280), Source: "Atelier",
		FraisACharge: mednum.FraisGratuit, DispositifProgrammesNationaux: mednum.DispositifCnfs, PriseRdv: base + "/s/" + s.Slug}
	for _, t := range typologies {
		if t == "RFS" {
			row.DispositifProgrammesNationaux = mednum.Join(mednum.DispositifCnfs, mednum.DispositifFranceSvc)
		}
	}
	if mednum.OpeningHours(s.Horaires) {
		row.Horaires = strings.TrimSpace(s.Horaires)
	}
	var acces []string
	if row.Telephone != "" {
		acces = append(acces, mednum.AccesTelephoner)
	}
	if row.Courriels != "" {
		acces = append(acces, mednum.AccesMail)
	}
	row.ModalitesAcces = mednum.Join(acces...)
	if offer != nil {
		row.Services = mednum.Join(mednum.Services(offer.thematiques, offer.besoins)...)
		var modalites []string
		if offer.ateliers {
			modalites = append(modalites, mednum.ModaliteAtelier)
		}
		if offer.individuels {
			modalites = append(modalites, mednum.ModaliteIndividuel)
		}
		if offer.aDistance {
			modalites = append(modalites, mednum.ModaliteADistance)
		}
		row.ModalitesAccompagnement = mednum.Join(modalites...)
	}
	return row
}

// detail is the free text of the row: access notes, and the opening hours
// when they are not in the OpenStreetMap format.
func detail(s openStructure, accessibilite string) string {
	var parts []string
	if a := strings.TrimSpace(accessibilite); a != "" {
		parts = append(parts, "Accès : "+a)
	}
	if h := strings.TrimSpace(s.Horaires); h != "" && !mednum.OpeningHours(h) {
		parts = append(parts, "Horaires : "+h)
	}
	return strings.Join(parts, "\n")
}

func lieuRow(row mednum.Lieu, s openStructure, l openLieu) mednum.Lieu {
	row.ID, row.Nom = l.ID, s.Nom
	if !strings.EqualFold(strings.TrimSpace(l.Nom), strings.TrimSpace(s.Nom)) {
		row.Nom = s.Nom + " – " + l.Nom
	}
	row.Adresse, row.CodePostal, row.Commune = mednum.Voie(l.Adresse), l.CodePostal, mednum.Commune(l.Commune)
	row.CodeInsee = mednum.CodeInsee(l.CodeInsee)
	if l.Latitude != 0 || l.Longitude != 0 {
		lat, lon := l.Latitude, l.Longitude
		row.Latitude, row.Longitude = &lat, &lon
	}
	row.StructureParente = s.Nom
	row.PresentationDetail = detail(s, l.Accessibilite)
	row.DateMaj = dateMaj(s.Updated, l.Updated)
	return row
}

func structureRow(row mednum.Lieu, s openStructure) mednum.Lieu {
	row.ID, row.Nom = s.ID, s.Nom
	row.Adresse, row.CodePostal, row.Commune = mednum.Voie(s.Adresse), s.CodePostal, mednum.Commune(s.Commune)
	row.CodeInsee = mednum.CodeInsee(s.CodeInsee)
	row.PresentationDetail = detail(s, "")
	row.DateMaj = dateMaj(s.Updated)
	return row
}

// addressAmong tells whether one of the places is at this address.
func addressAmong(adresse, codePostal string, lieux []openLieu) bool {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	for _, l := range lieux {
		if norm(l.Adresse) == norm(adresse) && l.CodePostal == codePostal {
			return true
		}
	}
	return false
}

// dateMaj is the latest of the update dates, as the schema wants it
// (YYYY-MM-DD, here in Paris time).
func dateMaj(updated ...string) string {
	var latest time.Time
	for _, u := range updated {
		if d, err := types.ParseDateTime(u); err == nil && d.Time().After(latest) {
			latest = d.Time()
		}
	}
	if latest.IsZero() {
		return ""
	}
	return latest.In(frfmt.Location("")).Format("2006-01-02")
}

type openStructure struct {
	ID           string `db:"id"`
	Nom          string `db:"nom"`
	Slug         string `db:"slug"`
	Siret        string `db:"siret"`
	Typologie    string `db:"typologie"`
	Adresse      string `db:"adresse"`
	CodePostal   string `db:"code_postal"`
	Commune      string `db:"commune"`
	CodeInsee    string `db:"code_insee"`
	Telephone    string `db:"telephone"`
	Courriel     string `db:"courriel"`
	SiteWeb      string `db:"site_web"`
	Horaires     string `db:"horaires"`
	Presentation string `db:"presentation"`
	Updated      string `db:"updated"`
}

type openLieu struct {
	ID            string  `db:"id"`
	Structure     string  `db:"structure"`
	Nom           string  `db:"nom"`
	Adresse       string  `db:"adresse"`
	CodePostal    string  `db:"code_postal"`
	Commune       string  `db:"commune"`
	CodeInsee     string  `db:"code_insee"`
	Accessibilite string  `db:"accessibilite"`
	Latitude      float64 `db:"latitude"`
	Longitude     float64 `db:"longitude"`
	Updated       string  `db:"updated"`
}

// structureOffer is what a structure did in the last twelve months.
type structureOffer struct {
	thematiques, besoins             []string
	ateliers, individuels, aDistance bool
}
