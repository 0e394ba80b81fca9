package hooks

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"atelier/hooks/frfmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Monthly activity reports. On the 1st of each month at 06:00 in each
// structure's time zone, the previous month's report of the structure is
// computed (statistics snapshot, PDF, XLSX), stored in rapports and
// announced by e-mail to the structure's référents.
//
// The job is a sweep: every run looks, for every structure, at the months
// whose report is due and missing, from the month after its latest report
// (or the month it was created) up to the last month due, at most a year
// back. The same sweep therefore makes the report of the month that just
// ended and catches up the months missed while the server was down.
//
// Never two reports for one structure and month: the record is written in
// a transaction that first looks for it, and the unique index (structure,
// mois) refuses a second one written by another process meanwhile; the run
// that did not write it sends nothing.

const (
	reportHour = 6 // local time, on the 1st
	// reportCatchUpMonths bounds the catch-up: after a year down, older
	// months are left to `atelier rapports generer`.
	reportCatchUpMonths = 12
)

// errReportExists: the report of this structure and month is already there
// (made by an earlier or overlapping run).
var errReportExists = errors.New("report already exists")

// monthStart is the value used for a month: its 1st at 00:00 UTC.
func monthStart(year int, month time.Month) time.Time {
	return time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
}

// moisCle is the month's key in rapports.mois: "2026-10".
func moisCle(month time.Time) string { return month.Format("2006-01") }

// parseMois reads "2026-10".
func parseMois(cle string) (time.Time, error) {
	if !moisPattern.MatchString(cle) {
		return time.Time{}, fmt.Errorf("mois %q : attendu sous la forme 2026-10", cle)
	}
	return time.Parse("2006-01", cle)
}

// dueMonth is the latest month whose report is due at now in loc: the
// previous month once the 1st, 06:00 local has come, else the one before.
func dueMonth(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	current := monthStart(local.Year(), local.Month())
	release := time.Date(local.Year(), local.Month(), 1, reportHour, 0, 0, 0, loc)
	if local.Before(release) {
		return current.AddDate(0, -2, 0)
	}
	return current.AddDate(0, -1, 0)
}

// monthEnded tells whether month is over at now in loc (a report of a
// month still running would be wrong and never redone).
func monthEnded(month, now time.Time, loc *time.Location) bool {
	end := time.Date(month.Year(), month.Month()+1, 1, 0, 0, 0, 0, loc)
	return !now.Before(end)
}

// reportStructure is a structure with what the monthly job needs.
type reportStructure struct {
	ID      string         `db:"id"`
	Nom     string         `db:"nom"`
	Slug    string         `db:"slug"`
	Fuseau  string         `db:"fuseau"`
	Created types.DateTime `db:"created"`
	Dernier string         `db:"dernier"` // latest report's month, "" if none
}

func (s reportStructure) location() *time.Location { return frfmt.Location(s.Fuseau) }

// reportStructures lists the structures (all, or those of the given ids)
// with their latest report.
func reportStructures(app core.App, where dbx.Expression) ([]reportStructure, error) {
	var rows []reportStructure
	q := app.DB().Select("s.id", "s.nom", "s.slug", "s.fuseau", "s.created",
		"coalesce((SELECT max(r.mois) FROM rapports r WHERE r.structure = s.id), '') AS dernier").
		From("structures s").OrderBy("s.nom", "s.id")
	if where != nil {
		q = q.Where(where)
	}
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("structures for reports: %w", err)
	}
	return rows, nil
}

// monthsDue lists the months of the structure whose report is due at now
// and not made yet, oldest first.
func monthsDue(s reportStructure, now time.Time) []time.Time {
	loc := s.location()
	due := dueMonth(now, loc)
	created := s.Created.Time().In(loc)
	first := monthStart(created.Year(), created.Month())
	if oldest := due.AddDate(0, -(reportCatchUpMonths - 1), 0); first.Before(oldest) {
		first = oldest
	}
	if last, err := parseMois(s.Dernier); err == nil && !last.Before(first) {
		first = last.AddDate(0, 1, 0)
	}
	var months []time.Time
	for m := first; !m.After(due); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	return months
}

type reportOutcome struct {
	Generes, Deja, Echecs, Emails int
}

// runMonthlyReports makes the reports due at now and e-mails them.
func runMonthlyReports(ctx context.Context, app core.App, now time.Time) (reportOutcome, error) {
	var out reportOutcome
	structures, err := reportStructures(app, nil)
	if err != nil {
		return out, err
	}
	base := instanceURL(app)
	for _, s := range structures {
		var made []*madeReport
		for _, month := range monthsDue(s, now) {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			r, err := generateReport(app, s, month, now, false)
			switch {
			case errors.Is(err, errReportExists):
				out.Deja++
			case err != nil:
				// One structure's failure must not stop the others; the
				// next run tries again.
				app.Logger().Error("monthly report", "structure", s.ID, "mois", moisCle(month), "error", err)
				out.Echecs++
			default:
				out.Generes++
				made = append(made, r)
			}
		}
		if len(made) > 0 {
			out.Emails += announceReports(app, base, s, made, now)
		}
	}
	return out, nil
}

// madeReport is a report just written, with the summary its e-mail gives.
type madeReport struct {
	Record *core.Record
	Month  time.Time
	Resume [][2]string
}

// generateReport computes and stores the report of one structure and
// month. With replace, an existing report gets the new files (the command
// line's regeneration); without, errReportExists is returned and nothing
// changes.
func generateReport(app core.App, s reportStructure, month, now time.Time, replace bool) (*madeReport, error) {
	files, err := buildReportFiles(app, s, month)
	if err != nil {
		return nil, err
	}
	pdf, err := filesystem.NewFileFromBytes(files.PDF, "rapport-"+s.Slug+"-"+moisCle(month)+".pdf")
	if err != nil {
		return nil, fmt.Errorf("report PDF file: %w", err)
	}
	xlsx, err := filesystem.NewFileFromBytes(files.XLSX, "rapport-"+s.Slug+"-"+moisCle(month)+".xlsx")
	if err != nil {
		return nil, fmt.Errorf("report XLSX file: %w", err)
	}
	generated, _ := types.ParseDateTime(now)
	var record *core.Record
	err = app.RunInTransaction(func(tx core.App) error {
		existing, err := findReport(tx, s.ID, moisCle(month))
		if err != nil {
			return err
		}
		if existing != nil && !replace {
			return errReportExists
		}
		record = existing
		if record == nil {
			collection, err := tx.FindCachedCollectionByNameOrId("rapports")
			if err != nil {
				return fmt.Errorf("rapports collection: %w", err)
			}
			record = core.NewRecord(collection)
			record.Set("structure", s.ID)
			record.Set("mois", moisCle(month))
		}
		record.Set("pdf", pdf)
		record.Set("xlsx", xlsx)
		record.Set("statistiques", files.Statistiques)
		record.Set("genere_le", generated)
		return tx.Save(record)
	})
	if err != nil && !errors.Is(err, errReportExists) && !replace {
		// Another process may have written it between our look and our
		// insert: the unique index refused ours.
		if existing, findErr := findReport(app, s.ID, moisCle(month)); findErr == nil && existing != nil {
			return nil, errReportExists
		}
	}
	if err != nil {
		return nil, fmt.Errorf("save report %s %s: %w", s.Slug, moisCle(month), err)
	}
	return &madeReport{Record: record, Month: month, Resume: files.Resume}, nil
}

// findReport returns the report of a structure and month, or nil.
func findReport(app core.App, structure, mois string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter("rapports", "structure = {:s} && mois = {:m}", dbx.Params{"s": structure, "m": mois})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find report %s %s: %w", structure, mois, err)
	}
	return r, nil
}

// referent is a recipient of the monthly report.
type referent struct {
	ID     string `db:"id"`
	Email  string `db:"email"`
	Prenom string `db:"prenom"`
}

func referentsOf(app core.App, structure string) ([]referent, error) {
	var people []referent
	err := app.DB().Select("u.id", "u.email", "u.prenom").From("utilisateurs u").
		Where(dbx.NewExp(`u.role = 'referent' AND u.actif = TRUE AND u.email != ''
			AND EXISTS (SELECT 1 FROM json_each(u.structures) WHERE json_each.value = {:s})`, dbx.Params{"s": structure})).
		OrderBy("u.email").All(&people)
	if err != nil {
		return nil, fmt.Errorf("référents of %s: %w", structure, err)
	}
	return people, nil
}

var reportEmail = template.Must(template.New("rapport").Parse(`<!doctype html>
<html lang="fr"><body style="font-family: system-ui, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1b1b1b">
<p>Bonjour {{.Prenom}},</p>
<p>{{.Intro}}</p>
{{with .Resume}}<p>{{$.Periode}} en quelques chiffres :</p>
<table role="presentation" style="border-collapse: collapse">
{{range .}}<tr><th style="text-align: left; padding: 4px 12px 4px 0; font-weight: normal">{{index . 0}}</th><td style="padding: 4px 0; font-weight: bold">{{index . 1}}</td></tr>
{{end}}</table>{{end}}
<p>Le PDF à transmettre et le classeur XLSX sont dans votre espace :<br><a href="{{.Lien}}">{{.Lien}}</a></p>
<p>Bonne journée,<br>Atelier</p>
</body></html>`))

type reportMail struct {
	Prenom, Intro, Periode, Lien string
	Resume                       [][2]string
}

// announceReports e-mails the structure's référents about the reports just
// made (one message for a catch-up of several months) and returns how many
// messages left. The reports' envoye_le is set once one message left.
func announceReports(app core.App, base string, s reportStructure, made []*madeReport, now time.Time) int {
	people, err := referentsOf(app, s.ID)
	if err != nil {
		app.Logger().Error("monthly report: référents", "structure", s.ID, "error", err)
		return 0
	}
	latest := made[len(made)-1]
	objet := "Rapport d'activité de " + frfmt.Mois(latest.Month) + " : " + s.Nom
	intro := fmt.Sprintf("Le rapport d'activité de %s de %s est prêt.", frfmt.Mois(latest.Month), s.Nom)
	if len(made) > 1 {
		names := make([]string, len(made))
		for i, m := range made {
			names[i] = frfmt.Mois(m.Month)
		}
		objet = fmt.Sprintf("Rapports d'activité de %s (%d mois)", s.Nom, len(made))
		intro = fmt.Sprintf("Les rapports d'activité de %s sont prêts pour : %s.", s.Nom, strings.Join(names, ", "))
	}
	sent := 0
	for _, p := range people {
		mail := reportMail{Prenom: p.Prenom, Intro: intro, Periode: moisLabel(moisCle(latest.Month)),
			Lien: base + "/espace/rapports", Resume: latest.Resume}
		var html bytes.Buffer
		if err := reportEmail.Execute(&html, mail); err != nil {
			app.Logger().Error("monthly report: render e-mail", "structure", s.ID, "error", err)
			return sent
		}
		n := notification{Structure: s.ID, Evenement: "rapport", Cible: latest.Record.Id, Destinataire: p.Email,
			Objet: objet, HTML: html.String(), Texte: reportText(mail)}
		if err := sendEmail(app, n); err != nil {
			app.Logger().Warn("monthly report: send", "structure", s.ID, "to", p.ID, "error", err)
			continue
		}
		sent++
	}
	if sent > 0 {
		markSent(app, made, now)
	}
	return sent
}

func reportText(m reportMail) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\n%s\n\n", m.Prenom, m.Intro)
	if len(m.Resume) > 0 {
		fmt.Fprintf(&b, "%s en quelques chiffres :\n", m.Periode)
		for _, r := range m.Resume {
			fmt.Fprintf(&b, "- %s : %s\n", r[0], r[1])
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "Le PDF à transmettre et le classeur XLSX sont dans votre espace :\n%s\n\nBonne journée,\nAtelier\n", m.Lien)
	return b.String()
}

func markSent(app core.App, made []*madeReport, now time.Time) {
	sentAt, _ := types.ParseDateTime(now)
	for _, m := range made {
		m.Record.Set("envoye_le", sentAt)
		if err := app.Save(m.Record); err != nil {
			app.Logger().Error("monthly report: mark sent", "rapport", m.Record.Id, "error", err)
		}
	}
}
