package seances

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

func LoadInscriptionPage(app core.App, jeton string) (*inscriptionPageData, error) {
	inscription, err := model.FindByToken(app, jeton)
	if err != nil {
		return nil, err
	}
	seance, err := app.FindRecordById("seances", inscription.GetString("seance"))
	if err != nil {
		return nil, err
	}
	view, err := BuildSeanceView(app, seance)
	if err != nil {
		return nil, err
	}
	person, err := app.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		return nil, err
	}
	rang, err := RangAttente(app, inscription)
	if err != nil {
		return nil, err
	}
	var cycle *CycleView
	if id := inscription.GetString("cycle"); id != "" {
		// A cycle's registration: its page shows every session of the cycle.
		record, err := app.FindRecordById("cycles", id)
		if err != nil {
			return nil, fmt.Errorf("cycle of registration %s: %w", inscription.Id, err)
		}
		sessions, err := AllCycleSeances(app, id)
		if err != nil {
			return nil, err
		}
		if cycle, err = buildCycleView(app, record, sessions, clock.Now(app)); err != nil {
			return nil, err
		}
	}
	return &inscriptionPageData{Cycle: cycle,
		Seance: view, Jeton: jeton, Code: inscription.GetString("code"), Statut: inscription.GetString("statut"),
		Rang: rang, Prenom: person.GetString("prenom"), Nom: person.GetString("nom"),
		InscritPar: inscription.GetString("inscrit_par"), Passee: !clock.Now(app).Before(view.Debut),
		OffreEnCours: OffreEnCours(inscription), OffreExpiree: inscription.GetBool("offre_expiree"),
		OffreExpire: frfmt.In(inscription.GetDateTime("offre_expire").Time(), view.Structure.Fuseau),
		Modifie:     inscription.GetDateTime("updated").Time(),
	}, nil
}

type inscriptionPageData struct {
	Seance       *SeanceView
	Cycle        *CycleView // the cycle of a cycle registration, else nil
	Jeton        string
	Code         string // the short personal code, to read out or type on /i
	Lien         string // the full personal link, to write down or print
	Statut       string
	Rang         int
	Prenom, Nom  string
	InscritPar   string
	Confirmation bool // just registered
	Annulation   bool // just cancelled
	Passee       bool
	Modifie      time.Time // the registration's last change, for its calendar file
	// Reinscription: just registered again; PeutReinscrire: cancelled, and
	// the session still takes registrations.
	Reinscription, PeutReinscrire bool
	// OffreEnCours: a place is offered until OffreExpire (the structure's
	// time); OffreExpiree: an offer lapsed, the person waits again.
	OffreEnCours, OffreExpiree bool
	OffreExpire                time.Time
	OffreConfirmee             bool // just confirmed
}
