package rgpd

import (
	"fmt"
	"io"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// DueForAnonymisation is the retention rule: nothing since limit and
// nothing ahead.
func DueForAnonymisation(p PersonActivity, limit time.Time) bool {
	return !p.AVenir && p.lastActivity().Before(limit)
}

// RetentionLimits are the two dates before which data goes.
func RetentionLimits(s PrivacySettings, now time.Time) (activite, envois time.Time) {
	return now.AddDate(0, -s.InactiviteMois, 0), now.AddDate(0, -s.EnvoisMois, 0)
}

// RunRetention applies the retention rules at now; with dryRun it only
// counts. It is what the daily job calls.
func RunRetention(app core.App, now time.Time, dryRun bool) (RetentionReport, error) {
	return RunRetentionProgress(app, now, dryRun, nil)
}

// RunRetentionProgress is RunRetention telling progress (when not nil)
// how many of the people due are anonymised, before the first batch and
// after each one: the command shows it, a long run is not silent.
func RunRetentionProgress(app core.App, now time.Time, dryRun bool, progress func(done, total int)) (RetentionReport, error) {
	settings, err := LoadPrivacySettings(app)
	if err != nil {
		return RetentionReport{}, err
	}
	r := RetentionReport{Essai: dryRun, Maintenant: now, InactiviteMois: settings.InactiviteMois, EnvoisMois: settings.EnvoisMois}
	r.LimiteActivite, r.LimiteEnvois = RetentionLimits(settings, now)
	// Tokens first: the count is then the same in a dry run and for real
	// (anonymising a person also blanks their tokens).
	if r.JetonsEffaces, err = eraseExpiredTokens(app, now, dryRun); err != nil {
		return r, err
	}
	if r.Anonymises, err = anonymiseInactive(app, r.LimiteActivite, now, dryRun, progress); err != nil {
		return r, err
	}
	if r.EnvoisSupprimes, err = purgeOldMessages(app, r.LimiteEnvois, dryRun); err != nil {
		return r, err
	}
	return r, nil
}

// inactivePeople lists the people due for anonymisation among those
// matching where (on beneficiaires b).
func inactivePeople(app core.App, where dbx.Expression, limit, now time.Time) ([]string, error) {
	var rows []struct {
		ID                    string `db:"id"`
		DerniereActivite      string `db:"derniere_activite"`
		Creation              string `db:"created"`
		DerniereSeance        string `db:"derniere_seance"`
		DernierAccompagnement string `db:"dernier_accompagnement"`
		AVenir                bool   `db:"a_venir"`
	}
	err := app.DB().Select("b.id", "b.derniere_activite", "b.created",
		"coalesce((SELECT max(s.debut) FROM inscriptions i JOIN seances s ON s.id = i.seance WHERE i.beneficiaire = b.id AND i.statut != 'annule'), '') AS derniere_seance",
		"coalesce((SELECT max(a.date) FROM accompagnements a WHERE a.beneficiaire = b.id), '') AS dernier_accompagnement",
		"EXISTS (SELECT 1 FROM inscriptions i JOIN seances s ON s.id = i.seance WHERE i.beneficiaire = b.id "+
			"AND i.statut IN ('inscrit', 'liste_attente') AND s.statut = 'planifiee' AND s.fin >= {:now}) AS a_venir").
		From("beneficiaires b").
		Where(dbx.And(where, dbx.NewExp("b.anonymise = FALSE"),
			// the index on derniere_activite narrows the scan; the rule is checked below
			dbx.NewExp("(CASE WHEN b.derniere_activite != '' THEN b.derniere_activite ELSE b.created END) < {:limit}"))).
		Bind(dbx.Params{"now": model.DBDate(now), "limit": model.DBDate(limit)}).
		OrderBy("b.id").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("inactive beneficiaries: %w", err)
	}
	var due []string
	for _, row := range rows {
		p := PersonActivity{ID: row.ID, DerniereActivite: model.ParseDBDate(row.DerniereActivite), Creation: model.ParseDBDate(row.Creation),
			DerniereSeance: model.ParseDBDate(row.DerniereSeance), DernierAccompagnement: model.ParseDBDate(row.DernierAccompagnement), AVenir: row.AVenir}
		if DueForAnonymisation(p, limit) {
			due = append(due, p.ID)
		}
	}
	return due, nil
}

// anonymiseInactive anonymises the inactive people, a batch per
// transaction; each batch checks the rule again inside its transaction, so
// that a person who registered meanwhile is left alone.
func anonymiseInactive(app core.App, limit, now time.Time, dryRun bool, progress func(done, total int)) (int, error) {
	due, err := inactivePeople(app, dbx.NewExp("1 = 1"), limit, now)
	if err != nil || dryRun {
		return len(due), err
	}
	if progress == nil {
		progress = func(int, int) {}
	}
	if len(due) > 0 {
		progress(0, len(due))
	}
	reason := fmt.Sprintf("Aucune activité depuis le %s", frfmt.Date(limit.In(frfmt.Location(""))))
	done := 0
	for start := 0; start < len(due); start += retentionBatch {
		batch := due[start:min(start+retentionBatch, len(due))]
		err := app.RunInTransaction(func(tx core.App) error {
			ids := make([]any, len(batch))
			for i, id := range batch {
				ids[i] = id
			}
			still, err := inactivePeople(tx, dbx.In("b.id", ids...), limit, now)
			if err != nil {
				return err
			}
			for _, id := range still {
				person, err := tx.FindRecordById("beneficiaires", id)
				if err != nil {
					return fmt.Errorf("beneficiary %s: %w", id, err)
				}
				if person.GetBool("anonymise") {
					continue // a duplicate anonymised with the record it was merged into
				}
				result, err := AnonymiseBeneficiaire(tx, nil, person, reason, now)
				if err != nil {
					return err
				}
				done += result.Personnes
			}
			return nil
		})
		if err != nil {
			return done, fmt.Errorf("anonymise inactive beneficiaries: %w", err)
		}
		progress(start+len(batch), len(due))
	}
	return done, nil
}

// eraseExpiredTokens blanks the cancel tokens, and the short codes that lead
// to them, of the sessions that are over: the personal link has nothing
// left to cancel.
func eraseExpiredTokens(app core.App, now time.Time, dryRun bool) (int, error) {
	const expired = `jeton != '' AND seance IN (SELECT id FROM seances WHERE fin < {:now})`
	params := dbx.Params{"now": model.DBDate(now)}
	if dryRun {
		var n int
		err := app.DB().Select("count(*)").From("inscriptions").Where(dbx.NewExp(expired, params)).Row(&n)
		return n, err
	}
	return inBatches(app, "UPDATE inscriptions SET jeton = '', code = '' WHERE id IN (SELECT id FROM inscriptions WHERE "+expired+" LIMIT {:batch})", params)
}

// purgeOldMessages deletes the messages recorded before limit.
func purgeOldMessages(app core.App, limit time.Time, dryRun bool) (int, error) {
	params := dbx.Params{"limit": model.DBDate(limit)}
	if dryRun {
		var n int
		err := app.DB().Select("count(*)").From("envois").Where(dbx.NewExp("created < {:limit}", params)).Row(&n)
		return n, err
	}
	return inBatches(app, "DELETE FROM envois WHERE id IN (SELECT id FROM envois WHERE created < {:limit} LIMIT {:batch})", params)
}

// inBatches runs statement (which handles at most {:batch} rows) in one
// transaction per batch until it changes nothing, and counts the rows.
func inBatches(app core.App, statement string, params dbx.Params) (int, error) {
	params["batch"] = retentionBatch
	total := 0
	for {
		var n int64
		err := app.RunInTransaction(func(tx core.App) error {
			res, err := tx.DB().NewQuery(statement).Bind(params).Execute()
			if err != nil {
				return err
			}
			n, err = res.RowsAffected()
			return err
		})
		if err != nil {
			return total, fmt.Errorf("retention batch: %w", err)
		}
		total += int(n)
		if n == 0 {
			return total, nil
		}
	}
}

// retentionBatch is how many records one transaction handles.
const retentionBatch = 200

// RetentionReport counts what the retention did (or would do, in a dry run).
type RetentionReport struct {
	Essai                      bool // dry run: nothing was changed
	Maintenant                 time.Time
	InactiviteMois, EnvoisMois int
	LimiteActivite             time.Time // people inactive since before this are anonymised
	LimiteEnvois               time.Time // messages recorded before this are deleted
	Anonymises                 int
	JetonsEffaces              int
	EnvoisSupprimes            int
}

// PersonActivity is what the retention rule looks at for one person.
type PersonActivity struct {
	ID                    string
	DerniereActivite      time.Time // as recorded (registration, help, staff)
	Creation              time.Time
	DerniereSeance        time.Time // start of the latest session they were registered to (not cancelled)
	DernierAccompagnement time.Time
	AVenir                bool // registered (or waiting) for a session still ahead
}

// Print writes the report in French, as the command shows it.
func (r RetentionReport) Print(out io.Writer) {
	loc := frfmt.Location("")
	fmt.Fprintf(out, "Conservation des données au %s\n", frfmt.DateHeure(r.Maintenant.In(loc)))
	if r.Essai {
		fmt.Fprintln(out, "Essai (--dry-run) : rien n'a été modifié. Voici ce qui serait fait.")
	}
	people, tokens, messages := "Personnes anonymisées", "Liens d'annulation effacés", "Messages supprimés"
	if r.Essai {
		people, tokens, messages = "Personnes à anonymiser", "Liens d'annulation à effacer", "Messages à supprimer"
	}
	fmt.Fprintf(out, "- %s (sans activité depuis %d mois, avant le %s) : %d\n",
		people, r.InactiviteMois, frfmt.Date(r.LimiteActivite.In(loc)), r.Anonymises)
	fmt.Fprintf(out, "- %s (séances passées) : %d\n", tokens, r.JetonsEffaces)
	fmt.Fprintf(out, "- %s (enregistrés il y a plus de %d mois, avant le %s) : %d\n",
		messages, r.EnvoisMois, frfmt.Date(r.LimiteEnvois.In(loc)), r.EnvoisSupprimes)
}

// lastActivity is the latest trace of the person: the recorded last
// activity, falling back to the record's creation, and never earlier than a
// session or a help of theirs (a date typed late must not erase anybody).
func (p PersonActivity) lastActivity() time.Time {
	last := p.DerniereActivite
	if last.IsZero() {
		last = p.Creation
	}
	for _, t := range []time.Time{p.DerniereSeance, p.DernierAccompagnement} {
		if t.After(last) {
			last = t
		}
	}
	return last
}
