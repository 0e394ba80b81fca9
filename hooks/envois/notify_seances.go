package envois

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/seances"
)

// Messages to everybody registered for a session when staff cancel it or
// move it: confirmed people and the waiting list alike. People without an
// e-mail are counted, and listed on the staff's page, to be phoned.

// WarnOutcome tells staff how the registrants were told.
type WarnOutcome struct {
	Emailed      int
	WithoutEmail int
	Failed       int
}

func (w *WarnOutcome) Add(o WarnOutcome) {
	w.Emailed += o.Emailed
	w.WithoutEmail += o.WithoutEmail
	w.Failed += o.Failed
}

// Summary is the sentence of the flash message.
func (w WarnOutcome) Summary() string {
	s := "Personne n'était inscrit."
	if total := w.Emailed + w.WithoutEmail + w.Failed; total > 0 {
		s = fmt.Sprintf("%d %s par e-mail.", w.Emailed, frfmt.Pluriel(w.Emailed, "personne prévenue", "personnes prévenues"))
		if w.WithoutEmail > 0 {
			s += fmt.Sprintf(" %d sans adresse e-mail, à prévenir par téléphone.", w.WithoutEmail)
		}
		if w.Failed > 0 {
			s += fmt.Sprintf(" %d %s (nouvel essai automatique).", w.Failed, frfmt.Pluriel(w.Failed, "envoi a échoué", "envois ont échoué"))
		}
	}
	return s
}

// Registrant is a person to warn about a session.
type Registrant struct {
	Inscription string `db:"inscription"`
	Jeton       string `db:"jeton"`
	Prenom      string `db:"prenom"`
	Nom         string `db:"nom"`
	Telephone   string `db:"telephone"`
	Email       string `db:"email"`
	Statut      string `db:"statut"`
}

// RegistrantsOf lists the people still expected at a session (registered
// or waiting), with their contacts.
func RegistrantsOf(app core.App, seanceID string) ([]Registrant, error) {
	var people []Registrant
	err := app.DB().Select("i.id AS inscription", "i.jeton", "b.prenom", "b.nom", "b.telephone", "b.email", "i.statut").
		From("inscriptions i").InnerJoin("beneficiaires b", dbx.NewExp("b.id = i.beneficiaire")).
		Where(dbx.NewExp("i.seance = {:seance} AND i.statut IN ('inscrit', 'liste_attente')", dbx.Params{"seance": seanceID})).
		OrderBy("b.nom", "b.prenom").All(&people)
	if err != nil {
		return nil, fmt.Errorf("registrants of session %s: %w", seanceID, err)
	}
	return people, nil
}

// NotifySeanceCancelled tells every registrant that the session will not
// take place, with the reason given by staff.
func NotifySeanceCancelled(app core.App, seance *core.Record) (WarnOutcome, error) {
	reason := seance.GetString("motif_annulation")
	intro := []string{"Nous sommes désolés : l'atelier ci-dessous est annulé. Vous n'avez rien à faire."}
	if reason != "" {
		intro = append(intro, "Raison : "+reason)
	}
	intro = append(intro, "Retrouvez les autres ateliers sur notre page, ou appelez-nous pour vous réinscrire.")
	return warnRegistrants(app, "", seance, "annulation_seance", "Atelier annulé : ", intro, false)
}

// NotifySeanceChanged tells every registrant the new date, time or place.
func NotifySeanceChanged(app core.App, base string, seance *core.Record) (WarnOutcome, error) {
	intro := []string{"Attention : l'atelier pour lequel vous êtes inscrit change de date, d'heure ou de lieu. Voici les nouvelles informations."}
	return warnRegistrants(app, base, seance, "autre", "Changement d'horaire ou de lieu : ", intro, true)
}

func warnRegistrants(app core.App, base string, seance *core.Record, event, subject string, intro []string, withLink bool) (WarnOutcome, error) {
	var out WarnOutcome
	view, err := seances.BuildSeanceView(app, seance)
	if err != nil {
		return out, fmt.Errorf("warn registrants of %s: %w", seance.Id, err)
	}
	people, err := RegistrantsOf(app, seance.Id)
	if err != nil {
		return out, err
	}
	for _, p := range people {
		if p.Email == "" {
			out.WithoutEmail++
			continue
		}
		mail := InscriptionMail{Prenom: p.Prenom, Structure: view.Structure.Nom, Intro: intro, Recap: SeanceRecap(view)}
		if withLink && p.Jeton != "" {
			mail.Lien = base + "/inscription/" + p.Jeton
		}
		err := sendPersonMail(app, mail, Notification{Structure: view.Structure.ID, Evenement: event,
			Cible: p.Inscription, Destinataire: p.Email, Objet: Objet(subject, view.Titre, "")})
		if err != nil {
			app.Logger().Error("warn registrant", "inscription", p.Inscription, "error", err)
			out.Failed++
			continue
		}
		out.Emailed++
	}
	return out, nil
}
