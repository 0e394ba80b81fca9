package attestations

import (
	"fmt"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// LoadAttestationsProfil reads the person's attestations (newest first)
// and the sessions they attended, for the profile of r.
func LoadAttestationsProfil(app core.App, staff *model.StaffView, r *core.Record, loc *time.Location) (*AttestationsProfil, error) {
	p := &AttestationsProfil{BeneficiaireID: r.Id, Errors: formulaire.Erreurs{}, Aucune: formulaire.Erreurs{}}
	records, err := app.FindRecordsByFilter("attestations", "beneficiaire = {:b}", "-emise_le,-created", 0, 0, dbx.Params{"b": r.Id})
	if err != nil {
		return nil, fmt.Errorf("attestations of %s: %w", r.Id, err)
	}
	for _, a := range records {
		c, err := ContenuOf(app, a)
		if err != nil {
			return nil, err
		}
		ligne := attestationLigne{ID: a.Id, Code: a.GetString("code"), Periode: AttestationPeriod(c, loc), Emetteur: c.Emetteur,
			Motif: a.GetString("motif_revocation"), Seances: len(c.Seances), Minutes: c.MinutesTotal(),
			EmiseLe: a.GetDateTime("emise_le").Time().In(loc)}
		if t := a.GetDateTime("revoquee_le"); !t.IsZero() {
			ligne.RevoqueeLe = t.Time().In(loc)
		}
		p.Liste = append(p.Liste, ligne)
	}
	attended, err := AttendedSeances(app, staff, r.Id, nil)
	if err != nil {
		return nil, err
	}
	for i := len(attended) - 1; i >= 0; i-- {
		s := attended[i]
		p.Seances = append(p.Seances, formulaire.Option{Value: s.ID, Label: s.Titre + " – " + frfmt.Date(s.Debut.In(loc))})
	}
	if n := len(attended); n > 0 {
		p.Form.Du = attended[0].Debut.In(loc).Format(time.DateOnly)
		p.Form.Au = attended[n-1].Debut.In(loc).Format(time.DateOnly)
	}
	return p, nil
}

// AttestationsProfil is the « Attestations » section of a profile: the
// issued ones and the forms to issue one or to revoke one.
type AttestationsProfil struct {
	BeneficiaireID string
	Liste          []attestationLigne
	Seances        []formulaire.Option // attended sessions, newest first
	Form           AttestationForm
	Errors         formulaire.Erreurs
	Revoquer       string             // the attestation whose revoke form is shown again
	Motif          string             // as typed in that form
	Aucune         formulaire.Erreurs // no error: for the other revoke forms
}

type attestationLigne struct {
	ID, Code, Periode, Emetteur, Motif string
	Seances, Minutes                   int
	EmiseLe, RevoqueeLe                time.Time
}

// PresentPeople are the session's present participants who can still get
// an attestation (not anonymised), by name.
func PresentPeople(app core.App, s *seances.StaffSeance) ([]*core.Record, error) {
	people, err := inscriptions.LoadParticipants(app, s.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, p := range people {
		if p.Statut == "present" && !p.Anonymise {
			ids = append(ids, p.Beneficiaire)
		}
	}
	records, err := app.FindRecordsByIds("beneficiaires", ids)
	if err != nil {
		return nil, fmt.Errorf("present people of %s: %w", s.ID, err)
	}
	slices.SortFunc(records, func(a, b *core.Record) int {
		return slices.Index(ids, a.Id) - slices.Index(ids, b.Id)
	})
	return records, nil
}

const NotPresent = "Cette personne n'est pas notée présente à cette séance : notez d'abord sa présence."

// ChosenSeances reads the profile form: one attended session, or every
// session attended over a period (dates in the structure's zone). Any
// other session (not attended, another person's, another structure's)
// is refused next to its field.
func ChosenSeances(app core.App, staff *model.StaffView, record *core.Record, kind string, form AttestationForm,
	loc *time.Location) ([]ContenuSeance, formulaire.Erreurs, error) {
	errs := formulaire.Erreurs{}
	switch kind {
	case "seance":
		if form.Seance == "" {
			errs["seance"] = "Choisissez la séance."
			return nil, errs, nil
		}
		seances, err := AttendedSeances(app, staff, record.Id, dbx.HashExp{"s.id": form.Seance})
		if err == nil && len(seances) == 0 {
			errs["seance"] = "Choisissez une séance à laquelle la personne était présente."
		}
		return seances, errs, err
	case "periode":
		du, errDu := time.ParseInLocation(time.DateOnly, form.Du, loc)
		au, errAu := time.ParseInLocation(time.DateOnly, form.Au, loc)
		if errDu != nil {
			errs["du"] = "Indiquez la date de début, par exemple 2026-09-01."
		}
		if errAu != nil {
			errs["au"] = "Indiquez la date de fin, par exemple 2026-12-31."
		}
		if len(errs) == 0 && au.Before(du) {
			errs["au"] = "La date de fin doit suivre la date de début."
		}
		if len(errs) > 0 {
			return nil, errs, nil
		}
		seances, err := AttendedSeances(app, staff, record.Id, dbx.NewExp("s.debut >= {:du} AND s.debut < {:au}",
			dbx.Params{"du": model.DBDate(du), "au": model.DBDate(au.AddDate(0, 0, 1))}))
		if err == nil && len(seances) == 0 {
			errs["du"] = fmt.Sprintf("La personne n'a été présente à aucune séance entre le %s et le %s : changez les dates.",
				frfmt.DateCourte(du), frfmt.DateCourte(au))
		}
		return seances, errs, err
	}
	errs[""] = "Choisissez une séance ou une période."
	return nil, errs, nil
}

// AttestationRefusal says why a session gives no attestation (yet), or "".
func AttestationRefusal(s *seances.StaffSeance) string {
	switch {
	case s.Statut == "annulee":
		return "Cette séance est annulée : elle ne donne pas lieu à une attestation."
	case !s.Passee():
		return "La séance n'a pas encore eu lieu : les attestations se délivrent après, aux personnes notées présentes."
	}
	return ""
}

type AttestationForm struct{ Seance, Du, Au string }

// Revoquee tells whether the attestation was cancelled.
func (l attestationLigne) Revoquee() bool { return !l.RevoqueeLe.IsZero() }
