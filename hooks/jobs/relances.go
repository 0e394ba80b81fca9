package jobs

import (
	"bytes"
	"context"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/envois"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Each morning, from 07:30 in the structure's time zone, the animators of
// past sessions whose attendance is still empty (the dashboard's « À
// renseigner ») get one e-mail listing them, with a link to each sheet.
//
// One message per animator and structure per local day: a session appears
// at most once a day in someone's mailbox, and a person animating five
// sessions gets one e-mail, not five. The envois row (evenement
// relance_emargement, cible = the animator's account) is the record of the
// day: it is checked and written in one transaction, so two overlapping
// runs send one message. Sessions that ended more than 30 days ago are no
// longer nudged (the dashboard still lists them): after a month, a daily
// e-mail is noise.

const (
	nudgeAt       = 7*time.Hour + 30*time.Minute
	nudgeLookback = 30 * 24 * time.Hour
)

// nudgeSeance is one session to fill for one animator.
type nudgeSeance struct {
	Seance     string         `db:"seance"`
	Titre      string         `db:"titre"`
	Lieu       string         `db:"lieu"`
	Debut      types.DateTime `db:"debut"`
	Fin        types.DateTime `db:"fin"`
	Structure  string         `db:"structure"`
	NomStruct  string         `db:"structure_nom"`
	Fuseau     string         `db:"fuseau"`
	Animateur  string         `db:"animateur"`
	Email      string         `db:"email"`
	PrenomAnim string         `db:"prenom"`
}

type nudgeOutcome struct {
	Envoyes, Echecs int
}

// NudgeAttendance sends the morning nudges due at now.
func NudgeAttendance(ctx context.Context, app core.App, now time.Time) (nudgeOutcome, error) {
	var out nudgeOutcome
	rows, err := seancesToNudge(app, now)
	if err != nil {
		return out, err
	}
	base := envois.InstanceURL(app)
	for _, group := range groupNudges(rows) {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		first := group[0]
		loc := frfmt.Location(first.Fuseau)
		dayStart, due := NudgeDay(now, loc)
		if !due {
			continue
		}
		n, err := nudgeMessage(base, group, loc)
		if err != nil {
			return out, err
		}
		envoi, err := claimNudge(app, first.Animateur, first.Structure, dayStart, n)
		if err != nil {
			return out, err
		}
		if envoi == nil {
			continue // already nudged today
		}
		if err := envois.Deliver(app, envoi, n); err != nil {
			app.Logger().Warn("attendance nudge: send", "animateur", first.Animateur, "error", err)
			out.Echecs++
			continue
		}
		out.Envoyes++
	}
	return out, nil
}

// NudgeDay returns the start of now's local day and whether the nudge
// hour has come in that zone.
func NudgeDay(now time.Time, loc *time.Location) (time.Time, bool) {
	local := now.In(loc)
	start := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	at := time.Date(local.Year(), local.Month(), local.Day(), 7, 30, 0, 0, loc)
	return start, !local.Before(at)
}

// seancesToNudge lists, per active animator with an e-mail, the recent
// sessions whose attendance is empty.
func seancesToNudge(app core.App, now time.Time) ([]nudgeSeance, error) {
	var rows []nudgeSeance
	err := app.DB().Select("s.id AS seance", "a.titre", "l.nom AS lieu", "s.debut", "s.fin", "s.structure",
		"st.nom AS structure_nom", "st.fuseau", "u.id AS animateur", "u.email", "u.prenom").
		From("seances s").
		InnerJoin("ateliers a", dbx.NewExp("a.id = s.atelier")).
		InnerJoin("lieux l", dbx.NewExp("l.id = s.lieu")).
		InnerJoin("structures st", dbx.NewExp("st.id = s.structure")).
		InnerJoin("utilisateurs u", dbx.NewExp("u.id IN (SELECT value FROM json_each(s.animateurs))")).
		Where(dbx.And(seances.AttendanceToFill(now),
			dbx.NewExp("s.fin >= {:since} AND u.actif = TRUE AND u.email != ''", dbx.Params{"since": model.DBDate(now.Add(-nudgeLookback))}))).
		OrderBy("s.structure", "u.id", "s.debut").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("sessions to nudge: %w", err)
	}
	return rows, nil
}

// groupNudges splits the rows (sorted by structure and animator) into one
// group per message.
func groupNudges(rows []nudgeSeance) [][]nudgeSeance {
	var groups [][]nudgeSeance
	for i, r := range rows {
		if i == 0 || r.Structure != rows[i-1].Structure || r.Animateur != rows[i-1].Animateur {
			groups = append(groups, nil)
		}
		groups[len(groups)-1] = append(groups[len(groups)-1], r)
	}
	return groups
}

// claimNudge records today's message unless one already went to this
// animator for this structure since the local day began.
func claimNudge(app core.App, animateur, structure string, dayStart time.Time, n envois.Notification) (*core.Record, error) {
	var envoi *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		var already int
		err := tx.DB().Select("count(*)").From("envois").
			Where(dbx.NewExp(`evenement = 'relance_emargement' AND cible = {:animateur} AND structure = {:structure}
				AND created >= {:since}`, dbx.Params{"animateur": animateur, "structure": structure, "since": model.DBDate(dayStart)})).
			Row(&already)
		if err != nil {
			return fmt.Errorf("nudge of %s already sent: %w", animateur, err)
		}
		if already > 0 {
			return nil
		}
		envoi, err = envois.RecordMessage(tx, "email", n)
		return err
	})
	return envoi, err
}

var nudgeEmail = template.Must(template.New("relance").Parse(`<!doctype html>
<html lang="fr"><body style="font-family: system-ui, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1b1b1b">
<p>Bonjour {{.Prenom}},</p>
<p>{{.Intro}}</p>
<ul>
{{range .Seances}}<li><a href="{{.Lien}}">{{.Libelle}}</a></li>
{{end}}</ul>
<p>Sans émargement, ces ateliers ne comptent pas dans les statistiques ni dans le rapport mensuel de {{.Structure}}.</p>
<p>Bonne journée,<br>Atelier</p>
</body></html>`))

type nudgeMail struct {
	Prenom, Intro, Structure string
	Seances                  []nudgeLine
}

type nudgeLine struct{ Libelle, Lien string }

// nudgeMessage writes the e-mail to one animator about their sessions of
// one structure, dates in that structure's zone.
func nudgeMessage(base string, group []nudgeSeance, loc *time.Location) (envois.Notification, error) {
	first := group[0]
	mail := nudgeMail{Prenom: first.PrenomAnim, Structure: first.NomStruct,
		Intro: fmt.Sprintf("L'émargement %s pas encore rempli. Indiquez qui était présent, en quelques secondes :",
			frfmt.Pluriel(len(group), "de cet atelier n'est", "de ces ateliers n'est"))}
	for _, s := range group {
		debut := s.Debut.Time().In(loc)
		mail.Seances = append(mail.Seances, nudgeLine{
			Libelle: fmt.Sprintf("%s, %s à %s, %s", s.Titre, frfmt.DateSansAnnee(debut), frfmt.Heure(debut), s.Lieu),
			Lien:    base + "/espace/seances/" + s.Seance + "/presences",
		})
	}
	var html bytes.Buffer
	if err := nudgeEmail.Execute(&html, mail); err != nil {
		return envois.Notification{}, fmt.Errorf("render attendance nudge: %w", err)
	}
	var text strings.Builder
	fmt.Fprintf(&text, "Bonjour %s,\n\n%s\n\n", mail.Prenom, mail.Intro)
	for _, l := range mail.Seances {
		fmt.Fprintf(&text, "- %s\n  %s\n", l.Libelle, l.Lien)
	}
	fmt.Fprintf(&text, "\nSans émargement, ces ateliers ne comptent pas dans les statistiques ni dans le rapport mensuel de %s.\n\nBonne journée,\nAtelier\n", mail.Structure)
	return envois.Notification{
		Structure: first.Structure, Evenement: "relance_emargement", Cible: first.Animateur, Destinataire: first.Email,
		Objet: fmt.Sprintf("Émargement à remplir : %d %s", len(group), frfmt.Pluriel(len(group), "atelier", "ateliers")),
		HTML:  html.String(),
		Texte: text.String(),
	}, nil
}
