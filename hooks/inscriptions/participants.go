package inscriptions

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/seances"
)

// SeanceParticipant is one registration with its person, as conseillers see it.
type SeanceParticipant struct {
	ID           string `db:"id"`
	Beneficiaire string `db:"beneficiaire"`
	Prenom       string `db:"prenom"`
	Nom          string `db:"nom"`
	Telephone    string `db:"telephone"`
	Email        string `db:"email"`
	Anonymise    bool   `db:"anonymise"`
	Statut       string `db:"statut"`
	Rang         int    `db:"rang_attente"` // position on the waiting list (1, 2, 3…) once loaded
	Source       string `db:"source"`
	InscritPar   string `db:"inscrit_par"`
	Created      string `db:"created"`
	Choix        string `db:"-"` // present or absent on the sheet, as stored or as posted
	// OffreExpire: the deadline of a place offered and not yet confirmed;
	// OffreExpiree: an offer lapsed (the person waits again).
	OffreExpire  types.DateTime `db:"offre_expire"`
	OffreExpiree bool           `db:"offre_expiree"`
	// ReponsesJSON: the answers to the session's questions, as stored.
	ReponsesJSON string `db:"reponses"`
}

// Reponses are the person's answers to the session's questions.
func (p SeanceParticipant) Reponses() []seances.Reponse { return seances.ParseReponses(p.ReponsesJSON) }

// OffreEnCours tells a place offered and not yet confirmed.
func (p SeanceParticipant) OffreEnCours() bool {
	return p.Statut == "inscrit" && !p.OffreExpire.IsZero()
}

// OffreA is the offer's deadline in the session's time zone.
func (p SeanceParticipant) OffreA(loc *time.Location) time.Time { return p.OffreExpire.Time().In(loc) }

// LoadParticipants reads the session's registrations that are not
// cancelled: people with a place by name, then the waiting list by rank.
// Callers check first that the staff member reads people (VoitPersonnes).
func LoadParticipants(app core.App, seanceID string) ([]SeanceParticipant, error) {
	return loadParticipants(app, seanceID, false)
}

// LoadCancelled reads the session's cancelled registrations, the latest
// first: staff may restore one cancelled by mistake.
func LoadCancelled(app core.App, seanceID string) ([]SeanceParticipant, error) {
	return loadParticipants(app, seanceID, true)
}

func loadParticipants(app core.App, seanceID string, cancelled bool) ([]SeanceParticipant, error) {
	where, order := dbx.NewExp("i.statut != 'annule'"),
		// Written out: dbx would quote "b.nom COLLATE NOCASE" as a column name.
		"(i.statut = 'liste_attente'), i.rang_attente, b.nom COLLATE NOCASE, b.prenom COLLATE NOCASE"
	if cancelled {
		where, order = dbx.NewExp("i.statut = 'annule'"), "i.updated DESC"
	}
	var rows []SeanceParticipant
	err := app.DB().Select("i.id", "i.beneficiaire", "b.prenom", "b.nom", "b.telephone", "b.email", "b.anonymise",
		"i.statut", "i.rang_attente", "i.source", "i.inscrit_par", "i.created", "i.offre_expire", "i.offre_expiree",
		"coalesce(i.reponses, '') AS reponses").
		From("inscriptions i").
		InnerJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
		Where(dbx.And(dbx.HashExp{"i.seance": seanceID}, where)).
		AndOrderBy(order).Limit(200).
		All(&rows)
	if err != nil {
		return nil, fmt.Errorf("participants of session %s: %w", seanceID, err)
	}
	// Sorted by stored rank: the position on the waiting list is the row's
	// place among the waiting ones (stored ranks may have gaps).
	waiting := 0
	for i := range rows {
		switch rows[i].Statut {
		case "present", "absent":
			rows[i].Choix = rows[i].Statut
		case "liste_attente":
			waiting++
			rows[i].Rang = waiting
		}
	}
	return rows, nil
}

// NomComplet is the person's name as lists show it (family name first).
func (p SeanceParticipant) NomComplet() string {
	if p.Anonymise {
		return "Personne anonymisée"
	}
	return p.Nom + " " + p.Prenom
}
