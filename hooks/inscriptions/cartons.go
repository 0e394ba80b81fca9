package inscriptions

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/pdfdoc"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Appointment cards (« cartons de rendez-vous »): what a person without
// e-mail or mobile leaves the desk with. The person prints their own from
// the personal page; staff print one or all of a session's from its page,
// after the page checked that they read its people.

// ErrPasDeCarton: the session is cancelled or has begun, or the registration
// cancelled: a card would announce an appointment that does not exist.
var ErrPasDeCarton = errors.New("no appointment card")

// CartonPersonnel draws the card of the registration holding jeton.
func CartonPersonnel(app core.App, jeton string, now time.Time) ([]byte, error) {
	inscription, err := model.FindByToken(app, jeton)
	if err != nil {
		return nil, err
	}
	if inscription.GetString("statut") == model.StatutAnnule {
		return nil, ErrPasDeCarton
	}
	data, err := cartonsBase(app, inscription.GetString("seance"), now)
	if err != nil {
		return nil, err
	}
	person, err := app.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		return nil, fmt.Errorf("person of registration %s: %w", inscription.Id, err)
	}
	rang, err := seances.RangAttente(app, inscription)
	if err != nil {
		return nil, err
	}
	data.Cartons = []pdfdoc.Carton{carton(app, nomImprime(person.GetString("prenom"), person.GetString("nom"), person.GetBool("anonymise")),
		inscription.GetString("code"), jeton, inscription.GetString("statut"), rang)}
	return pdfdoc.Cartons(data)
}

// CartonsSeance draws the cards of a session: of one registration when
// inscriptionID is given, else of everyone registered or waiting (people
// with a place by name, then the waiting list by rank). It answers how
// many cards it drew. Callers check first that the staff member reads the
// session's people (VoitPersonnes).
func CartonsSeance(app core.App, seanceID, inscriptionID string, now time.Time) ([]byte, int, error) {
	data, err := cartonsBase(app, seanceID, now)
	if err != nil {
		return nil, 0, err
	}
	people, err := LoadParticipants(app, seanceID)
	if err != nil {
		return nil, 0, err
	}
	var secrets []struct {
		ID    string `db:"id"`
		Code  string `db:"code"`
		Jeton string `db:"jeton"`
	}
	if err := app.DB().Select("id", "code", "jeton").From("inscriptions").
		Where(dbx.HashExp{"seance": seanceID}).All(&secrets); err != nil {
		return nil, 0, fmt.Errorf("codes of session %s: %w", seanceID, err)
	}
	byID := make(map[string]int, len(secrets))
	for i, s := range secrets {
		byID[s.ID] = i
	}
	for _, p := range people {
		if inscriptionID != "" && p.ID != inscriptionID {
			continue
		}
		s := secrets[byID[p.ID]]
		data.Cartons = append(data.Cartons, carton(app, nomImprime(p.Prenom, p.Nom, p.Anonymise), s.Code, s.Jeton, p.Statut, p.Rang))
	}
	if len(data.Cartons) == 0 {
		if inscriptionID != "" {
			return nil, 0, model.ErrNotFound // not a live registration of this session
		}
		return nil, 0, ErrPasDeCarton
	}
	pdf, err := pdfdoc.Cartons(data)
	return pdf, len(data.Cartons), err
}

// cartonsBase is what every card of the session repeats.
func cartonsBase(app core.App, seanceID string, now time.Time) (pdfdoc.CartonsData, error) {
	record, err := app.FindRecordById("seances", seanceID)
	if err != nil {
		return pdfdoc.CartonsData{}, err
	}
	s, err := seances.BuildSeanceView(app, record)
	if err != nil {
		return pdfdoc.CartonsData{}, err
	}
	if s.Annulee() || !now.Before(s.Debut) {
		return pdfdoc.CartonsData{}, ErrPasDeCarton
	}
	base := envois.InstanceURL(app)
	return pdfdoc.CartonsData{
		Structure: s.Structure.Nom, Telephone: contact.FormaterTelephone(s.Structure.Telephone),
		Titre: s.Titre, Debut: s.Debut, Fin: s.Fin, Zone: s.Structure.Fuseau,
		Lieu: s.Lieu.Nom, Adresse: s.Lieu.AdresseComplete(), Accessibilite: s.Lieu.Accessibilite, AApporter: s.AApporter,
		AdresseCode: strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://") + "/i",
		Imprime:     now,
	}, nil
}

// carton is one person's card; the QR code leads to the personal page,
// built on the Application URL (never the request's Host).
func carton(app core.App, nom, code, jeton, statut string, rang int) pdfdoc.Carton {
	c := pdfdoc.Carton{Personne: nom, Code: code, Attente: statut == model.StatutListeAttente, Rang: rang}
	if jeton != "" {
		c.URL = envois.InstanceURL(app) + "/inscription/" + jeton
	}
	return c
}

// nomImprime is the name on the card, first name first; none for an
// anonymised person.
func nomImprime(prenom, nom string, anonymise bool) string {
	if anonymise {
		return ""
	}
	return strings.TrimSpace(prenom + " " + nom)
}
