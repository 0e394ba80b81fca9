package seances

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
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
	return &inscriptionPageData{
		Seance: view, Jeton: jeton, Statut: inscription.GetString("statut"),
		Rang: rang, Prenom: person.GetString("prenom"), Nom: person.GetString("nom"),
		InscritPar: inscription.GetString("inscrit_par"), Passee: !clock.Now(app).Before(view.Debut),
		Modifie: inscription.GetDateTime("updated").Time(),
	}, nil
}

type inscriptionPageData struct {
	Seance       *SeanceView
	Jeton        string
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
}
