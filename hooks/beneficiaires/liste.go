package beneficiaires

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/pagination"
	"atelier/hooks/model"
)

// RecentBeneficiaires fills the page asked (pagination.Demandee) of the
// people of the staff member's structures, the most recently active first
// (then the newest records).
func RecentBeneficiaires(app core.App, staff *model.StaffView, page int, data *BeneficiairesData) error {
	where := dbx.And(staff.LecteurDePersonnes().Scope("structure"), dbx.NewExp("anonymise = false AND fusionne_vers = ''"))
	if err := app.DB().Select("count(*)").From("beneficiaires").Where(where).Row(&data.Total); err != nil {
		return fmt.Errorf("count beneficiaries: %w", err)
	}
	data.Pagination = pagination.New(page, data.Total, beneficiairesPerPage, "/espace/beneficiaires", nil)
	data.Hits = []BeneficiaireHit{}
	err := app.DB().Select("id", "prenom", "nom", "telephone", "email", "commune", "annee_naissance", "structure").
		From("beneficiaires").Where(where).OrderBy("derniere_activite DESC", "created DESC").
		Limit(beneficiairesPerPage).Offset(int64(data.Pagination.Offset())).All(&data.Hits)
	if err != nil {
		return fmt.Errorf("list beneficiaries: %w", err)
	}
	return nil
}

const beneficiairesPerPage = 25

type BeneficiairesData struct {
	Q          string
	Recherche  bool // a search was made
	Hits       []BeneficiaireHit
	Tronque    bool // more matches than shown
	Limite     int
	Pagination pagination.Pagination
	Total      int
	Structures map[string]string // id → name, shown when the person works in several
}

func NewFusionFiche(n int, r *core.Record, counts MergeCounts, loc *time.Location) fusionFiche {
	f := fusionFiche{Numero: n, Record: r, ID: r.Id, Annee: r.GetInt("annee_naissance"), MergeCounts: counts,
		Cree: r.GetDateTime("created").Time().In(loc)}
	if t := r.GetDateTime("consentement_le"); !t.IsZero() {
		f.Consentement = t.Time().In(loc)
	}
	return f
}

// fusionFiche is one of the two records side by side.
type fusionFiche struct {
	Numero int
	Record *core.Record
	ID     string
	Annee  int
	MergeCounts
	Consentement time.Time
	Cree         time.Time
}

type FusionConfirmData struct {
	A, B     fusionFiche
	Garder   string
	Options  []formulaire.Option
	Doublons []MergeConflict
	Errors   formulaire.Erreurs
	Action   string
}

// BeneficiaireChanges are the fields a validated form sets, as the update
// rule wants them (the record itself is only changed once allowed).
func BeneficiaireChanges(record *core.Record, f *BeneficiaireForm) map[string]any {
	draft := record.Clone()
	f.Apply(draft)
	changes := map[string]any{}
	for _, name := range []string{"prenom", "nom", "telephone", "email", "annee_naissance", "genre",
		"statut_social", "commune", "code_postal", "notes", "prefere_sms"} {
		changes[name] = draft.Get(name)
	}
	return changes
}

func (d *BeneficiairesData) Plusieurs() bool { return len(d.Structures) > 1 }

func (f fusionFiche) Nom() string { return model.PersonName(f.Record) }

// Fiches are both records, for the rows of the side-by-side table.
func (d *FusionConfirmData) Fiches() []fusionFiche { return []fusionFiche{d.A, d.B} }

// InscriptionRow is one registration of a person with its session.
type InscriptionRow struct {
	Seance string `db:"seance"`
	Titre  string `db:"titre"`
	Statut string `db:"statut"`
	Debut  string `db:"debut"`
	Fin    string `db:"fin"`
}

// InscriptionsOf reads a person's registrations in the sessions that scope
// selects (alias s), newest session first.
func InscriptionsOf(app core.App, personID string, scope dbx.Expression) ([]InscriptionRow, error) {
	var rows []InscriptionRow
	err := app.DB().Select("s.id AS seance", "a.titre", "i.statut", "s.debut", "s.fin").
		From("inscriptions i").
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		Where(dbx.And(dbx.HashExp{"i.beneficiaire": personID}, scope)).
		OrderBy("s.debut DESC").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("registrations of %s: %w", personID, err)
	}
	return rows, nil
}
