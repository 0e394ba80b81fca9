package rapports

import (
	"errors"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/journal"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/rapportdoc"
)

// « Générer maintenant »: a référent or a coordinateur makes a report
// without waiting for the 1st of the month.
//
//   - The month still running (in the structure's zone) gives a
//     provisional report, flagged in rapports.provisoire and printed as
//     such; the monthly job replaces it with the final report once the
//     month is over (it looks for months after the latest final report).
//   - A closed month is made again only when its figures changed: the new
//     snapshot's fingerprint (rapportdoc.Empreinte: everything the report
//     prints but the time it was made) is compared with the stored one's.
//     The report is replaced, not versioned (one report per structure and
//     month, the unique index), and the journal keeps who made it and why.
//
// The comparison and the write are one transaction: a double click finds
// the first click's report already up to date and changes nothing.

// MoisGenerables is how many months back the button goes (the current
// month and the 12 before it, as far as the monthly job catches up).
const MoisGenerables = 13

// ErrAJour: the report already says what the data says.
type ErrAJour struct {
	Mois     string
	GenereLe time.Time // when the report in place was made, local time
}

func (e *ErrAJour) Error() string {
	msg := "Rien n'a changé depuis le rapport " + rapportdoc.DeMois(mustMonth(e.Mois))
	if !e.GenereLe.IsZero() {
		msg += " du " + frfmt.DateHeure(e.GenereLe)
	}
	return msg + " : il est déjà à jour."
}

func mustMonth(cle string) time.Time {
	t, _ := ParseMois(cle)
	return t
}

// Generation is a report just made on request.
type Generation struct {
	Record     *core.Record
	Provisoire bool
	Remplace   bool // a report of that month was there before
}

// GenerableMonths are the months a report can be asked for at now in loc,
// newest first: the current month, then the closed ones.
func GenerableMonths(now time.Time, loc *time.Location) []formulaire.Option {
	local := now.In(loc)
	current := monthStart(local.Year(), local.Month())
	opts := make([]formulaire.Option, MoisGenerables)
	for i := range opts {
		m := current.AddDate(0, -i, 0)
		label := MoisLabel(MoisCle(m))
		if i == 0 {
			label += " (en cours : rapport provisoire)"
		}
		opts[i] = formulaire.Option{Value: MoisCle(m), Label: label}
	}
	return opts
}

// GenerateNow makes the report of structure for mois (2026-10) at now, on
// auth's request. The caller has checked that auth may
// (model.StaffView.GenereRapports). A month out of reach comes back as a
// message next to its field, nothing made; a report already up to date is
// *ErrAJour.
func GenerateNow(app core.App, auth *core.Record, structure, mois string, now time.Time) (*Generation, formulaire.Erreurs, error) {
	found, err := ReportStructures(app, dbx.HashExp{"s.id": structure})
	if err != nil {
		return nil, nil, err
	}
	if len(found) == 0 {
		return nil, formulaire.Erreurs{"structure": "Choisissez une structure dans la liste."}, nil
	}
	s := found[0]
	month, err := ParseMois(mois)
	if err != nil || !generable(month, now, s.Location()) {
		return nil, formulaire.Erreurs{"mois": "Choisissez un mois dans la liste : le mois en cours ou l'un des 12 précédents."}, nil
	}
	b, err := buildReport(app, s, month, now)
	if err != nil {
		return nil, nil, err
	}
	want, err := b.files.Statistiques.Empreinte()
	if err != nil {
		return nil, nil, err
	}
	out := &Generation{Provisoire: b.provisoire()}
	err = app.RunInTransaction(func(tx core.App) error {
		record, err := FindReport(tx, s.ID, mois)
		if err != nil {
			return err
		}
		details := "Rapport " + rapportdoc.DeMois(month)
		if record != nil {
			if same, err := sameReport(record, want, out.Provisoire); err != nil || same {
				if err != nil {
					return err
				}
				at := record.GetDateTime("genere_le")
				e := &ErrAJour{Mois: mois}
				if !at.IsZero() {
					e.GenereLe = at.Time().In(s.Location())
				}
				return e
			}
			out.Remplace = true
			details += " refait : les chiffres ont changé"
			if at := record.GetDateTime("genere_le"); !at.IsZero() {
				details += " depuis celui du " + frfmt.DateHeure(at.Time().In(s.Location()))
			}
		} else {
			collection, err := tx.FindCachedCollectionByNameOrId("rapports")
			if err != nil {
				return fmt.Errorf("rapports collection: %w", err)
			}
			record = core.NewRecord(collection)
			record.Set("structure", s.ID)
			record.Set("mois", mois)
			details += " fait à la demande"
		}
		if out.Provisoire {
			details += " (provisoire, mois en cours)"
		}
		generated, _ := types.ParseDateTime(now)
		record.Set("pdf", b.pdf)
		record.Set("xlsx", b.xlsx)
		record.Set("statistiques", b.files.Statistiques)
		record.Set("genere_le", generated)
		record.Set("provisoire", out.Provisoire)
		if err := tx.Save(record); err != nil {
			return fmt.Errorf("save report %s %s: %w", s.Slug, mois, err)
		}
		out.Record = record
		return journal.LogStructure(tx, auth, journal.Rapport, s.ID, details+".")
	})
	if err != nil {
		return nil, nil, err
	}
	return out, nil, nil
}

// generable: the month is one of GenerableMonths in the structure's zone.
func generable(month, now time.Time, loc *time.Location) bool {
	for _, o := range GenerableMonths(now, loc) {
		if o.Value == MoisCle(month) {
			return true
		}
	}
	return false
}

// sameReport tells whether the stored report prints what the new snapshot
// (fingerprint want) prints, with the same provisional state. A report
// whose snapshot cannot be read, or of an older layout, is not the same.
func sameReport(record *core.Record, want string, provisoire bool) (bool, error) {
	if record.GetBool("provisoire") != provisoire || record.GetString("pdf") == "" || record.GetString("xlsx") == "" {
		return false, nil
	}
	var stored rapportdoc.Snapshot
	if err := record.UnmarshalJSONField("statistiques", &stored); err != nil || !stored.Complet() {
		return false, nil
	}
	have, err := stored.Empreinte()
	if err != nil {
		return false, err
	}
	return have == want, nil
}

// IsAJour tells whether err says the report is already up to date.
func IsAJour(err error) (*ErrAJour, bool) {
	var e *ErrAJour
	ok := errors.As(err, &e)
	return e, ok
}
