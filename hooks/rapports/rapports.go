package rapports

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/envois"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/rapportdoc"
	"atelier/hooks/model"
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

// monthStart is the value used for a month: its 1st at 00:00 UTC.
func monthStart(year int, month time.Month) time.Time {
	return time.Date(year, month, 1, 0, 0, 0, 0, time.UTC)
}

// MoisCle is the month's key in rapports.mois: "2026-10".
func MoisCle(month time.Time) string { return month.Format("2006-01") }

// ParseMois reads "2026-10".
func ParseMois(cle string) (time.Time, error) {
	if !MoisPattern.MatchString(cle) {
		return time.Time{}, fmt.Errorf("mois %q : attendu sous la forme 2026-10", cle)
	}
	return time.Parse("2006-01", cle)
}

// DueMonth is the latest month whose report is due at now in loc: the
// previous month once the 1st, 06:00 local has come, else the one before.
func DueMonth(now time.Time, loc *time.Location) time.Time {
	local := now.In(loc)
	current := monthStart(local.Year(), local.Month())
	release := time.Date(local.Year(), local.Month(), 1, reportHour, 0, 0, 0, loc)
	if local.Before(release) {
		return current.AddDate(0, -2, 0)
	}
	return current.AddDate(0, -1, 0)
}

// MonthEnded tells whether month is over at now in loc (a report of a
// month still running would be wrong and never redone).
func MonthEnded(month, now time.Time, loc *time.Location) bool {
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
	Dernier string         `db:"dernier"` // latest final report's month, "" if none
}

func (s reportStructure) Location() *time.Location { return frfmt.Location(s.Fuseau) }

// ReportStructures lists the structures (all, or those of the given ids)
// with their latest report.
func ReportStructures(app core.App, where dbx.Expression) ([]reportStructure, error) {
	var rows []reportStructure
	q := app.DB().Select("s.id", "s.nom", "s.slug", "s.fuseau", "s.created",
		"coalesce((SELECT max(r.mois) FROM rapports r WHERE r.structure = s.id AND r.provisoire = FALSE), '') AS dernier").
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
	loc := s.Location()
	due := DueMonth(now, loc)
	created := s.Created.Time().In(loc)
	first := monthStart(created.Year(), created.Month())
	if oldest := due.AddDate(0, -(reportCatchUpMonths - 1), 0); first.Before(oldest) {
		first = oldest
	}
	if last, err := ParseMois(s.Dernier); err == nil && !last.Before(first) {
		first = last.AddDate(0, 1, 0)
	}
	var months []time.Time
	for m := first; !m.After(due); m = m.AddDate(0, 1, 0) {
		months = append(months, m)
	}
	return months
}

type ReportOutcome struct {
	Generes, Echecs, Emails int
}

// RunMonthlyReports makes the reports due at now and e-mails them.
func RunMonthlyReports(ctx context.Context, app core.App, now time.Time) (ReportOutcome, error) {
	var out ReportOutcome
	structures, err := ReportStructures(app, nil)
	if err != nil {
		return out, err
	}
	base := envois.InstanceURL(app)
	for _, s := range structures {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		months := monthsDue(s, now)
		if len(months) == 0 {
			continue
		}
		made, err := GenerateReports(app, s, months, now, false)
		if err != nil {
			// One structure's failure must not stop the others; the next
			// run starts again from the month that failed.
			app.Logger().Error("monthly report", "structure", s.ID, "error", err)
			out.Echecs++
		}
		out.Generes += len(made)
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

// GenerateReports computes the reports of one structure for the months
// given (oldest first), then stores them in one transaction: a month
// whose report exists meanwhile is left alone (or, with replace, gets the
// new files: the command line's regeneration), unless that report is
// provisional: the final one takes its place. It returns the reports it
// wrote. When a month cannot be computed, the months from it on are not
// stored, so that the next run, which starts after the latest report,
// tries it again.
func GenerateReports(app core.App, s reportStructure, months []time.Time, now time.Time, replace bool) ([]*madeReport, error) {
	var built []*builtReport
	var buildErr error
	for _, month := range months {
		b, err := buildReport(app, s, month, now)
		if err != nil {
			buildErr = err
			break
		}
		built = append(built, b)
	}
	made, err := storeReports(app, s, built, now, replace)
	if err != nil {
		return nil, err
	}
	return made, buildErr
}

// builtReport is a report computed, not stored yet.
type builtReport struct {
	month     time.Time
	files     *reportFiles
	pdf, xlsx *filesystem.File
}

func (b *builtReport) provisoire() bool { return b.files.Statistiques.Provisoire }

func buildReport(app core.App, s reportStructure, month, now time.Time) (*builtReport, error) {
	files, err := buildReportFiles(app, s, month, now)
	if err != nil {
		return nil, err
	}
	name := "rapport-" + s.Slug + "-" + MoisCle(month)
	pdf, err := filesystem.NewFileFromBytes(files.PDF, name+".pdf")
	if err != nil {
		return nil, fmt.Errorf("report PDF file: %w", err)
	}
	xlsx, err := filesystem.NewFileFromBytes(files.XLSX, name+".xlsx")
	if err != nil {
		return nil, fmt.Errorf("report XLSX file: %w", err)
	}
	return &builtReport{month: month, files: files, pdf: pdf, xlsx: xlsx}, nil
}

// storeReports writes the built reports of one structure in one
// transaction. The structure's months are thus claimed by one run: an
// overlapping run finds them all there, writes nothing and sends nothing;
// the unique index (structure, mois) stops a writer of another process.
func storeReports(app core.App, s reportStructure, built []*builtReport, now time.Time, replace bool) ([]*madeReport, error) {
	if len(built) == 0 {
		return nil, nil
	}
	generated, _ := types.ParseDateTime(now)
	var made []*madeReport
	err := app.RunInTransaction(func(tx core.App) error {
		made = made[:0]
		collection, err := tx.FindCachedCollectionByNameOrId("rapports")
		if err != nil {
			return fmt.Errorf("rapports collection: %w", err)
		}
		for _, b := range built {
			record, err := FindReport(tx, s.ID, MoisCle(b.month))
			if err != nil {
				return err
			}
			if record != nil && !replace && !record.GetBool("provisoire") {
				continue
			}
			if record == nil {
				record = core.NewRecord(collection)
				record.Set("structure", s.ID)
				record.Set("mois", MoisCle(b.month))
			}
			record.Set("pdf", b.pdf)
			record.Set("xlsx", b.xlsx)
			record.Set("statistiques", b.files.Statistiques)
			record.Set("genere_le", generated)
			record.Set("provisoire", b.provisoire())
			if err := tx.Save(record); err != nil {
				return fmt.Errorf("save report %s %s: %w", s.Slug, MoisCle(b.month), err)
			}
			made = append(made, &madeReport{Record: record, Month: b.month, Resume: b.files.Statistiques.Resume()})
		}
		return nil
	})
	if err != nil && !replace {
		// Another process wrote one of them between our look and our
		// insert: the unique index refused ours, and that run has them.
		if existing, findErr := FindReport(app, s.ID, MoisCle(built[0].month)); findErr == nil && existing != nil {
			return nil, nil
		}
	}
	if err != nil {
		return nil, err
	}
	return made, nil
}

// FindReport returns the report of a structure and month, or nil.
func FindReport(app core.App, structure, mois string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter("rapports", "structure = {:s} && mois = {:m}", dbx.Params{"s": structure, "m": mois})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("find report %s %s: %w", structure, mois, err)
	}
	return r, nil
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
	people, err := model.ReferentsOf(app, s.ID)
	if err != nil {
		app.Logger().Error("monthly report: référents", "structure", s.ID, "error", err)
		return 0
	}
	latest := made[len(made)-1]
	objet := envois.Objet("Rapport d'activité "+rapportdoc.DeMois(latest.Month)+" : ", s.Nom, "")
	intro := fmt.Sprintf("Le rapport d'activité %s de %s est prêt.", rapportdoc.DeMois(latest.Month), s.Nom)
	if len(made) > 1 {
		names := make([]string, len(made))
		for i, m := range made {
			names[i] = frfmt.Mois(m.Month)
		}
		objet = envois.Objet("Rapports d'activité de ", s.Nom, fmt.Sprintf(" (%d mois)", len(made)))
		intro = fmt.Sprintf("Les rapports d'activité de %s sont prêts pour : %s.", s.Nom, strings.Join(names, ", "))
	}
	sent := 0
	for _, p := range people {
		mail := reportMail{Prenom: p.Prenom, Intro: intro, Periode: MoisLabel(MoisCle(latest.Month)),
			Lien: base + "/espace/rapports", Resume: latest.Resume}
		var html bytes.Buffer
		if err := reportEmail.Execute(&html, mail); err != nil {
			app.Logger().Error("monthly report: render e-mail", "structure", s.ID, "error", err)
			return sent
		}
		n := envois.Notification{Structure: s.ID, Evenement: "rapport", Cible: latest.Record.Id, Destinataire: p.Email,
			Objet: objet, HTML: html.String(), Texte: reportText(mail)}
		if err := envois.SendEmail(app, n); err != nil {
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
