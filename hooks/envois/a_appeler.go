package envois

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// The « à appeler » list: the people a message about a session could not
// reach (no e-mail nor mobile, a landline, no SMS provider, a message that
// failed for good), until staff tick « prévenu ». It is read from envois:
// rows recorded a_appeler, and failed rows that will not be sent again.
// Once the session is over, phoning is pointless: it leaves the list.

// aAppelerWhere is the one definition of a message still to be phoned
// about, on envois e joined with its session s.
func aAppelerWhere(now time.Time) dbx.Expression {
	return dbx.NewExp(`coalesce(e.prevenu_le, '') = '' AND s.fin > {:now} AND b.anonymise = FALSE
		AND (e.statut = 'a_appeler' OR (e.statut = 'echec' AND (e.tentatives >= {:max} OR e.created < {:horizon}
			OR e.erreur IN ({:nosms}, {:notmobile}))))`, dbx.Params{
		"now": model.DBDate(now), "max": MaxTentatives, "horizon": model.DBDate(now.Add(-retryHorizon)),
		"nosms": ErrNoSMSProvider.Error(), "notmobile": ErrNotMobile.Error(),
	})
}

// APrevenir is one person to phone about one session, with every message
// that did not reach them.
type APrevenir struct {
	Inscription, Seance, Prenom, Nom, Telephone, Statut string
	Raisons                                             []string // labels of the events, oldest first
	Depuis                                              time.Time
}

func (p APrevenir) NomComplet() string { return strings.TrimSpace(p.Prenom + " " + p.Nom) }

type aAppelerRow struct {
	Inscription string         `db:"inscription"`
	Seance      string         `db:"seance"`
	Prenom      string         `db:"prenom"`
	Nom         string         `db:"nom"`
	Telephone   string         `db:"telephone"`
	Statut      string         `db:"statut"`
	Evenement   string         `db:"evenement"`
	Created     types.DateTime `db:"created"`
}

func aAppelerQuery(app core.App, now time.Time) *dbx.SelectQuery {
	return app.DB().Select("i.id AS inscription", "s.id AS seance", "b.prenom", "b.nom", "b.telephone", "i.statut",
		"e.evenement", "e.created").
		From("envois e").
		InnerJoin("inscriptions i", dbx.NewExp("i.id = e.cible")).
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
		Where(aAppelerWhere(now))
}

// AAppelerDe lists the people to phone about a session, by name.
func AAppelerDe(app core.App, seanceID string, now time.Time) ([]APrevenir, error) {
	var rows []aAppelerRow
	err := aAppelerQuery(app, now).AndWhere(dbx.HashExp{"s.id": seanceID}).
		OrderBy("b.nom", "b.prenom", "i.id", "e.created").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("people to phone about %s: %w", seanceID, err)
	}
	return groupAAppeler(rows), nil
}

// AAppelerPour lists the people to phone in the structures whose people
// reader reads, by session then name.
func AAppelerPour(app core.App, reader *model.StaffView, now time.Time) ([]APrevenir, error) {
	var rows []aAppelerRow
	err := aAppelerQuery(app, now).AndWhere(reader.Scope("s.structure")).
		OrderBy("s.debut", "s.id", "b.nom", "b.prenom", "i.id", "e.created").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("people to phone: %w", err)
	}
	return groupAAppeler(rows), nil
}

// CountAAppeler is how many people reader must phone.
func CountAAppeler(app core.App, reader *model.StaffView, now time.Time) (int, error) {
	var n int
	err := app.DB().Select("count(DISTINCT i.id)").From("envois e").
		InnerJoin("inscriptions i", dbx.NewExp("i.id = e.cible")).
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
		Where(aAppelerWhere(now)).AndWhere(reader.Scope("s.structure")).Row(&n)
	if err != nil {
		return 0, fmt.Errorf("count people to phone: %w", err)
	}
	return n, nil
}

// groupAAppeler makes one line per registration of rows sorted by it.
func groupAAppeler(rows []aAppelerRow) []APrevenir {
	var out []APrevenir
	for _, r := range rows {
		if len(out) == 0 || out[len(out)-1].Inscription != r.Inscription {
			out = append(out, APrevenir{Inscription: r.Inscription, Seance: r.Seance, Prenom: r.Prenom, Nom: r.Nom,
				Telephone: r.Telephone, Statut: r.Statut, Depuis: r.Created.Time()})
		}
		p := &out[len(out)-1]
		if raison := strings.ToLower(referentiel.EvenementsEnvoi.Label(r.Evenement)); !slices.Contains(p.Raisons, raison) {
			p.Raisons = append(p.Raisons, raison)
		}
	}
	return out
}

// EnvoisAAppeler are the ids of the messages still to phone about for one
// registration.
func EnvoisAAppeler(app core.App, inscriptionID string, now time.Time) ([]string, error) {
	var ids []string
	err := app.DB().Select("e.id").From("envois e").
		InnerJoin("inscriptions i", dbx.NewExp("i.id = e.cible")).
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
		Where(aAppelerWhere(now)).AndWhere(dbx.HashExp{"i.id": inscriptionID}).Column(&ids)
	if err != nil {
		return nil, fmt.Errorf("messages to phone about for %s: %w", inscriptionID, err)
	}
	return ids, nil
}

// RaisonsTexte is why the person must be phoned, for the list.
func (p APrevenir) RaisonsTexte() string { return strings.Join(p.Raisons, ", ") }
