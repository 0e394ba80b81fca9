package seances

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/horaires"
	"atelier/hooks/lib/texte"
	"atelier/hooks/model"
)

// SeanceView is a session as the public sees it: its workshop, place and
// structure, times in the structure's time zone, and the places taken. The
// session page, the registration page, e-mails and calendars share it.
type SeanceView struct {
	ID                   string
	Titre, Resume        string
	Description          string
	Objectifs            []string
	Prerequis, AApporter string
	Niveau               string
	Debut, Fin           time.Time // in the structure's zone
	Modifie              time.Time // last change, for calendars
	Sequence             int       // calendar version: date, time, place or cancellation changes
	DureeMinutes         int
	Capacite, Occupees   int
	EnAttente            int
	Statut               string
	MotifAnnulation      string
	Publique             bool
	InscriptionsOuvertes bool
	Animateurs           []string // first names only
	Lieu                 LieuView
	Structure            StructureView
	Questions            []Question // asked at registration
	Cycle                string     // the session's cycle: people register for the cycle (cycles.go)
}

type LieuView struct {
	Nom, Adresse, CodePostal, Commune, Accessibilite string
	Latitude, Longitude                              float64
}

// OSM is a link to the place on OpenStreetMap: a link, never an embed.
func (l LieuView) OSM() string {
	if l.Latitude != 0 || l.Longitude != 0 {
		return fmt.Sprintf("https://www.openstreetmap.org/?mlat=%.6f&mlon=%.6f#map=18/%.6f/%.6f",
			l.Latitude, l.Longitude, l.Latitude, l.Longitude)
	}
	query := strings.TrimSpace(strings.Join([]string{l.Adresse, l.CodePostal, l.Commune}, " "))
	if query == "" {
		return ""
	}
	return "https://www.openstreetmap.org/search?query=" + url.QueryEscape(query)
}

// AdresseComplete is the address on one line.
func (l LieuView) AdresseComplete() string {
	var parts []string
	if l.Adresse != "" {
		parts = append(parts, l.Adresse)
	}
	if town := strings.TrimSpace(l.CodePostal + " " + l.Commune); town != "" {
		parts = append(parts, town)
	}
	return strings.Join(parts, ", ")
}

type StructureView struct {
	ID, Nom, Slug, Fuseau        string
	Adresse, CodePostal, Commune string
	Telephone, Courriel, SiteWeb string
	Horaires, Presentation       string
}

// HorairesSemaine are the opening hours said in French, a line per day,
// when they are written in the OpenStreetMap syntax; nil for free text,
// which pages show as typed.
func (s StructureView) HorairesSemaine() []horaires.Ligne {
	h, err := horaires.Lire(s.Horaires)
	if err != nil || h.Vide() {
		return nil
	}
	return horaires.Apercu(h)
}

func (s SeanceView) PlacesRestantes() int { return PlacesRestantes(s.Capacite, s.Occupees) }

func (s SeanceView) Complet() bool { return s.PlacesRestantes() == 0 }

func (s SeanceView) Annulee() bool { return s.Statut == model.SeanceAnnulee }

// RegistrationClosedReason says in French why nobody can register online
// now, or "" when registration is open (see InscriptionFermee).
func (s SeanceView) InscriptionClosedReason(now time.Time) string {
	return InscriptionFermee(s.Statut, s.Publique, s.InscriptionsOuvertes, s.Debut, now, EnLigne)
}

// LoadPublicSeance reads a session that the anonymous API may read: a
// public session of an active workshop. Anything else is "not found".
func LoadPublicSeance(app core.App, id string) (*SeanceView, error) {
	seance, err := app.FindRecordById("seances", id)
	if err != nil {
		return nil, err
	}
	if !seance.GetBool("publique") {
		return nil, fmt.Errorf("session %s is not public: %w", id, model.ErrNotFound)
	}
	return BuildSeanceView(app, seance)
}

// BuildSeanceView gathers what a session's public view needs.
func BuildSeanceView(app core.App, seance *core.Record) (*SeanceView, error) {
	v, err := DescribeSeance(app, seance)
	if err != nil {
		return nil, err
	}
	if v.Occupees, v.EnAttente, err = CountPlaces(app, seance.Id); err != nil {
		return nil, err
	}
	if v.Animateurs, err = firstNames(app, seance.GetStringSlice("animateurs")); err != nil {
		return nil, err
	}
	return v, nil
}

// DescribeSeance is what a session is (workshop, dates, place, structure),
// without its places taken or its animators: what a message to a person
// says, read once per message instead of a whole page's worth.
func DescribeSeance(app core.App, seance *core.Record) (*SeanceView, error) {
	atelier, err := app.FindRecordById("ateliers", seance.GetString("atelier"))
	if err != nil {
		return nil, fmt.Errorf("workshop of session %s: %w", seance.Id, err)
	}
	if !atelier.GetBool("actif") {
		return nil, fmt.Errorf("workshop of session %s is archived: %w", seance.Id, model.ErrNotFound)
	}
	lieu, err := app.FindRecordById("lieux", seance.GetString("lieu"))
	if err != nil {
		return nil, fmt.Errorf("place of session %s: %w", seance.Id, err)
	}
	structure, err := app.FindRecordById("structures", seance.GetString("structure"))
	if err != nil {
		return nil, fmt.Errorf("structure of session %s: %w", seance.Id, err)
	}
	st := NewStructureView(structure)
	loc := frfmt.Location(st.Fuseau)
	debut := seance.GetDateTime("debut").Time().In(loc)
	fin := seance.GetDateTime("fin").Time().In(loc)
	v := &SeanceView{
		ID: seance.Id, Titre: atelier.GetString("titre"), Resume: atelier.GetString("resume"),
		Description: atelier.GetString("description"), Objectifs: texte.Phrases(atelier.GetString("objectifs")),
		Prerequis: atelier.GetString("prerequis"), AApporter: atelier.GetString("a_apporter"),
		Niveau: atelier.GetString("niveau"), Debut: debut, Fin: fin,
		DureeMinutes: int(fin.Sub(debut).Minutes()), Capacite: seance.GetInt("capacite"),
		Modifie: seance.GetDateTime("updated").Time(), Sequence: seance.GetInt("sequence"),
		Statut: seance.GetString("statut"), MotifAnnulation: seance.GetString("motif_annulation"),
		Publique: seance.GetBool("publique"), InscriptionsOuvertes: seance.GetBool("inscriptions_ouvertes"),
		Lieu: LieuView{
			Nom: lieu.GetString("nom"), Adresse: lieu.GetString("adresse"), CodePostal: lieu.GetString("code_postal"),
			Commune: lieu.GetString("commune"), Accessibilite: lieu.GetString("accessibilite"),
			Latitude: lieu.GetFloat("latitude"), Longitude: lieu.GetFloat("longitude"),
		},
		Structure: st,
		Questions: QuestionsOf(seance),
		Cycle:     seance.GetString("cycle"),
	}
	return v, nil
}

func NewStructureView(r *core.Record) StructureView {
	return StructureView{
		ID: r.Id, Nom: r.GetString("nom"), Slug: r.GetString("slug"), Fuseau: r.GetString("fuseau"),
		Adresse: r.GetString("adresse"), CodePostal: r.GetString("code_postal"), Commune: r.GetString("commune"),
		Telephone: r.GetString("telephone"), Courriel: r.GetString("courriel"), SiteWeb: r.GetString("site_web"),
		Horaires: r.GetString("horaires"), Presentation: r.GetString("presentation"),
	}
}

// firstNames of the animators: the public sees who leads the workshop,
// never a surname or a contact.
func firstNames(app core.App, ids []string) ([]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	users, err := app.FindRecordsByIds("utilisateurs", ids)
	if err != nil {
		return nil, fmt.Errorf("animators: %w", err)
	}
	names := make([]string, 0, len(users))
	for _, u := range users {
		if p := u.GetString("prenom"); p != "" {
			names = append(names, p)
		}
	}
	return names, nil
}
