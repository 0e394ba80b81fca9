package seances

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// StaffSeance is a session as the workspace shows it: the records it joins,
// its times in the structure's zone, its counts, and what the signed-in
// staff member may do with it. Loaded through workspaceRecord, so a session
// of another structure is a 404.
type StaffSeance struct {
	Record    *core.Record
	Atelier   *core.Record
	Lieu      *core.Record
	Structure *core.Record
	Loc       *time.Location

	ID, Titre, Statut, Serie, MotifAnnulation string
	Debut, Fin                                time.Time // in the structure's zone
	DureeMinutes                              int
	Capacite, Anonymes                        int
	Inscrits, EnAttente, Presents, Absents    int // counts, shown to every role
	Publique, InscriptionsOuvertes            bool
	Animateurs                                []string // full names of the animators

	PeutModifier  bool // may update the session (conseiller of the structure, coordinateur)
	VoitPersonnes bool // may read its registrations (conseiller of the structure)

	now time.Time // when it was loaded, from the app's clock
}

// PlacesPrises: places taken by confirmed people (registered or present).
func (s *StaffSeance) PlacesPrises() int {
	return Effectifs{Inscrits: s.Inscrits, Presents: s.Presents}.Prises()
}

// Places left for confirmed registrations.
func (s *StaffSeance) PlacesRestantes() int { return PlacesRestantes(s.Capacite, s.PlacesPrises()) }

// Passee: the session has started (attendance can be taken).
func (s *StaffSeance) Passee() bool { return !s.now.Before(s.Debut) }

func LoadStaffSeance(app core.App, auth *core.Record, id string) (*StaffSeance, error) {
	record, err := access.WorkspaceRecord(app, auth, "seances", id)
	if err != nil {
		return nil, err
	}
	s := &StaffSeance{Record: record, ID: record.Id, Statut: record.GetString("statut"), Serie: record.GetString("serie"),
		MotifAnnulation: record.GetString("motif_annulation"), Capacite: record.GetInt("capacite"),
		Anonymes: record.GetInt("participants_anonymes"), Publique: record.GetBool("publique"),
		InscriptionsOuvertes: record.GetBool("inscriptions_ouvertes"), now: clock.Now(app)}
	if s.Atelier, err = app.FindRecordById("ateliers", record.GetString("atelier")); err != nil {
		return nil, fmt.Errorf("session %s workshop: %w", id, err)
	}
	if s.Lieu, err = app.FindRecordById("lieux", record.GetString("lieu")); err != nil {
		return nil, fmt.Errorf("session %s place: %w", id, err)
	}
	if s.Structure, err = app.FindRecordById("structures", record.GetString("structure")); err != nil {
		return nil, fmt.Errorf("session %s structure: %w", id, err)
	}
	s.Titre = s.Atelier.GetString("titre")
	s.Loc = frfmt.Location(s.Structure.GetString("fuseau"))
	s.Debut = record.GetDateTime("debut").Time().In(s.Loc)
	s.Fin = record.GetDateTime("fin").Time().In(s.Loc)
	s.DureeMinutes = int(s.Fin.Sub(s.Debut).Minutes())
	if err := s.count(app); err != nil {
		return nil, err
	}
	if animateurs, err := app.FindRecordsByIds("utilisateurs", record.GetStringSlice("animateurs")); err == nil {
		for _, a := range animateurs {
			s.Animateurs = append(s.Animateurs, a.GetString("prenom")+" "+a.GetString("nom"))
		}
	}
	s.PeutModifier = access.MayUpdate(app, auth, record, nil)
	staff := model.NewStaffView(auth)
	s.VoitPersonnes = staff != nil && staff.LitPersonnesDe(s.Structure.Id)
	return s, nil
}

func (s *StaffSeance) count(app core.App) error {
	e, err := CountEffectifs(app, s.ID)
	if err != nil {
		return err
	}
	s.Inscrits, s.EnAttente, s.Presents, s.Absents = e.Inscrits, e.EnAttente, e.Presents, e.Absents
	return nil
}
