package envois

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/seances"
)

// The offer of a freed place (see seances/offres.go): the person confirms
// on their personal page before the deadline, said in the structure's time
// zone. OffreMessage is the one content of that message, whatever channel
// carries it.

// Offre is the content of an offer message.
type Offre struct {
	Objet       string
	Paragraphes []string // the e-mail's intro, one idea each
	SMS         string   // one SMS when it can be (SMSOffre), the short link whole
	Lien        string   // the person's page, where they confirm
	Echeance    time.Time
	Page        *seances.SeanceView
	Prenom      string
}

// OffreMessage is the offer's content for the registration (an offer in
// progress), with links from base (InstanceURL).
func OffreMessage(app core.App, base string, inscription *core.Record) (Offre, error) {
	data, err := seances.LoadInscriptionPage(app, inscription.GetString("jeton"))
	if err != nil {
		return Offre{}, fmt.Errorf("offer message of %s: %w", inscription.Id, err)
	}
	s := data.Seance
	echeance := frfmt.In(inscription.GetDateTime("offre_expire").Time(), s.Structure.Fuseau)
	lien := base + "/inscription/" + data.Jeton
	o := Offre{
		Objet: Objet("Une place s'est libérée : ", s.Titre, " (à confirmer)"),
		Paragraphes: []string{
			"Une place s'est libérée pour vous.",
			"Confirmez avant le " + frfmt.DateSansAnnee(echeance) + " à " + frfmt.Heure(echeance) + ".",
			"Pour confirmer, ouvrez votre lien personnel ci-dessous et appuyez sur « Je confirme ma place ».",
			"Sans réponse avant cette heure, la place sera proposée à la personne suivante.",
			"Vous ne pouvez pas venir ? Sur la même page, appuyez sur « Je ne peux pas venir ».",
		},
		Lien: lien, Echeance: echeance, Page: s, Prenom: data.Prenom,
	}
	o.SMS = SMSOffre(s, echeance, LienCourt(base, data.Code, data.Jeton))
	return o, nil
}

// notifyOffre sends the offer by the person's channel (CanalPour); a
// failure is recorded in envois and logged.
func notifyOffre(app core.App, base string, inscription, person *core.Record) {
	o, err := OffreMessage(app, base, inscription)
	if err != nil {
		app.Logger().Error("offer message", "inscription", inscription.Id, "error", err)
		return
	}
	r := SendToPerson(app, PersonneDe(person), Message{
		Structure: o.Page.Structure.ID, Evenement: "offre_place", Cible: inscription.Id, Objet: o.Objet,
		Mail: InscriptionMail{Prenom: o.Prenom, Structure: o.Page.Structure.Nom, Intro: o.Paragraphes, LienOffre: o.Lien,
			Recap: SeanceRecap(o.Page)},
		SMS: o.SMS,
	})
	if r.Err != nil && !r.AAppeler() {
		app.Logger().Error("offer message", "inscription", inscription.Id, "canal", r.Canal, "error", r.Err)
	}
}
