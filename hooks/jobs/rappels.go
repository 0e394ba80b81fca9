package jobs

import (
	"context"
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/envois"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
	"atelier/hooks/seances"
)

// Reminders: 48 hours before a session (or the structure's own delay,
// structures.delai_rappel_heures), each registered person (statut inscrit)
// gets a reminder with the session's details and their personal cancel
// link, by their channel (envois.CanalPour): e-mail, SMS, or a row on the
// « à appeler » list when nothing can be sent.
//
// A reminder goes out once: the run that sets inscriptions.rappel_envoye_le
// (a conditional update: only if still empty) records the message in envois
// in the same transaction, and only that run sends it. Two overlapping runs
// (a slow one and the next quarter hour, or two servers on one database)
// never both claim the same registration. A failed send stays in envois for
// the retry job.

const ReminderLead = seances.DelaiRappelDefaut

// ReminderOutcome counts what a run did, by channel.
type ReminderOutcome struct {
	Emails  int // e-mails sent
	SMS     int // SMS sent
	SansSMS int // no e-mail nor mobile, or no SMS provider: on the « à appeler » list
	Echecs  int // sending failed (retried later)
}

func (o ReminderOutcome) Total() int { return o.Emails + o.SMS + o.SansSMS + o.Echecs }

// dueReminder is a registration whose reminder is due.
type dueReminder struct {
	Inscription string         `db:"inscription"`
	Jeton       string         `db:"jeton"`
	Code        string         `db:"code"`
	Inscrit     types.DateTime `db:"inscrit"`
	Seance      string         `db:"seance"`
	Debut       types.DateTime `db:"debut"`
	Prenom      string         `db:"prenom"`
	Email       string         `db:"email"`
	Telephone   string         `db:"telephone"`
	PrefereSMS  bool           `db:"prefere_sms"`
	DelaiHeures int            `db:"delai"`
}

// SendReminders sends the reminders due at now.
func SendReminders(ctx context.Context, app core.App, sms envois.SMSSender, now time.Time) (ReminderOutcome, error) {
	var out ReminderOutcome
	due, err := dueReminders(app, now)
	if err != nil {
		return out, err
	}
	views := map[string]*seances.SeanceView{}
	base := envois.InstanceURL(app)
	for _, r := range due {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		view, ok := views[r.Seance]
		if !ok {
			seance, err := app.FindRecordById("seances", r.Seance)
			if err == nil {
				view, err = seances.BuildSeanceView(app, seance)
			}
			if err != nil {
				app.Logger().Error("reminder: load session", "seance", r.Seance, "error", err)
			}
			views[r.Seance] = view
		}
		if view == nil {
			continue
		}
		sendReminder(app, sms, base, view, r, now, &out)
	}
	return out, nil
}

// dueReminders lists the registrations of planned sessions starting within
// their structure's reminder delay whose reminder has not gone. People who
// registered inside that window are left out: their confirmation, a moment
// ago, said it all.
func dueReminders(app core.App, now time.Time) ([]dueReminder, error) {
	var rows []dueReminder
	err := app.DB().Select("i.id AS inscription", "i.jeton", "i.code", "i.created AS inscrit", "s.id AS seance", "s.debut",
		"b.prenom", "b.email", "b.telephone", "b.prefere_sms", "coalesce(st.delai_rappel_heures, 0) AS delai").
		From("inscriptions i").
		InnerJoin("seances s", dbx.NewExp("s.id = i.seance")).
		InnerJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
		LeftJoin("structures st", dbx.NewExp("st.id = s.structure")).
		Where(dbx.NewExp(`s.statut = 'planifiee' AND s.debut > {:now} AND s.debut <= {:limit}
			AND i.statut = 'inscrit' AND coalesce(i.rappel_envoye_le, '') = ''
			AND coalesce(i.offre_expire, '') = ''`, // an offered place not yet confirmed: the offer said it all
			dbx.Params{"now": model.DBDate(now), "limit": model.DBDate(now.Add(seances.MaxDelaiRappelHeures * time.Hour))})).
		OrderBy("s.debut", "i.id").All(&rows)
	if err != nil {
		return nil, fmt.Errorf("due reminders: %w", err)
	}
	due := rows[:0]
	for _, r := range rows {
		lead := seances.DelaiRappel(r.DelaiHeures)
		if !r.Debut.Time().After(now.Add(lead)) && r.Inscrit.Time().Before(r.Debut.Time().Add(-lead)) {
			due = append(due, r)
		}
	}
	return due, nil
}

// sendReminder claims one registration's reminder, then sends it.
func sendReminder(app core.App, sms envois.SMSSender, base string, view *seances.SeanceView, r dueReminder, now time.Time, out *ReminderOutcome) {
	canal, n, err := reminderMessage(base, view, r)
	if err != nil {
		app.Logger().Error("reminder: render", "inscription", r.Inscription, "error", err)
		return
	}
	envoi, err := claimReminder(app, r.Inscription, canal, n, now)
	if err != nil {
		app.Logger().Error("reminder: claim", "inscription", r.Inscription, "error", err)
		return
	}
	if envoi == nil {
		return // another run claimed it
	}
	err = envois.Dispatch(app, sms, envoi, canal, n)
	switch {
	case (envois.Remise{Canal: canal, Err: err}).AAppeler():
		out.SansSMS++
	case err != nil:
		app.Logger().Warn("reminder: send", "inscription", r.Inscription, "canal", canal, "error", err)
		out.Echecs++
	case canal == "sms":
		out.SMS++
	default:
		out.Emails++
	}
}

// claimReminder sets rappel_envoye_le if nobody did, and records the
// message in the same transaction. It returns nil when another run had
// already claimed the reminder.
func claimReminder(app core.App, inscription, canal string, n envois.Notification, now time.Time) (*core.Record, error) {
	var envoi *core.Record
	err := app.RunInTransaction(func(tx core.App) error {
		res, err := tx.DB().NewQuery(`UPDATE inscriptions SET rappel_envoye_le = {:now}, updated = {:now}
			WHERE id = {:id} AND statut = 'inscrit' AND coalesce(rappel_envoye_le, '') = ''`).
			Bind(dbx.Params{"now": model.DBDate(now), "id": inscription}).Execute()
		if err != nil {
			return fmt.Errorf("claim reminder of %s: %w", inscription, err)
		}
		if claimed, err := res.RowsAffected(); err != nil || claimed == 0 {
			return err
		}
		envoi, err = envois.RecordMessage(tx, canal, n)
		return err
	})
	if err != nil {
		return nil, err
	}
	return envoi, nil
}

// reminderMessage writes the reminder for the person's channel.
func reminderMessage(base string, view *seances.SeanceView, r dueReminder) (string, envois.Notification, error) {
	lien := envois.LienPersonnel(base, r.Jeton)
	return envois.Compose(envois.Personne{Prenom: r.Prenom, Email: r.Email, Telephone: r.Telephone, PrefereSMS: r.PrefereSMS},
		envois.Message{
			Structure: view.Structure.ID, Evenement: "rappel", Cible: r.Inscription,
			Objet: envois.Objet("Rappel : ", view.Titre, ", "+frfmt.DateSansAnnee(view.Debut)),
			Mail: envois.InscriptionMail{
				Prenom: r.Prenom, Lien: lien, Structure: view.Structure.Nom, Recap: envois.SeanceRecap(view),
				Intro: []string{fmt.Sprintf("Petit rappel : vous êtes inscrit à l'atelier « %s », %s à %s. Nous vous attendons !",
					view.Titre, frfmt.Date(view.Debut), frfmt.Heure(view.Debut))},
			},
			SMS: envois.SMSRappel(view, envois.LienCourt(base, r.Code, r.Jeton)),
		})
}

// registerReminderReset lets a moved session remind its registrants again
// before its new date: the reminder they got was for the old one.
func registerReminderReset(app core.App) {
	app.OnRecordUpdate("seances").BindFunc(func(e *core.RecordEvent) error {
		moved := !e.Record.GetDateTime("debut").Equal(e.Record.Original().GetDateTime("debut"))
		if err := e.Next(); err != nil || !moved {
			return err
		}
		_, err := e.App.DB().NewQuery("UPDATE inscriptions SET rappel_envoye_le = '' WHERE seance = {:seance}").
			Bind(dbx.Params{"seance": e.Record.Id}).Execute()
		if err != nil {
			return fmt.Errorf("reset reminders of moved session %s: %w", e.Record.Id, err)
		}
		return nil
	})
}
