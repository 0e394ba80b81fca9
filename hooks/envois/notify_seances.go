package envois

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/seances"
)

// Messages to everybody registered for a session when staff cancel it or
// move it: confirmed people and the waiting list alike, each by their
// channel. People nobody could reach are on the session's « à appeler »
// list, for staff to phone.

// WarnOutcome tells staff how the registrants were told.
type WarnOutcome struct {
	Emailed  int
	Texted   int
	AAppeler int
	Failed   int
}

func (w *WarnOutcome) Add(o WarnOutcome) {
	w.Emailed += o.Emailed
	w.Texted += o.Texted
	w.AAppeler += o.AAppeler
	w.Failed += o.Failed
}

func (w *WarnOutcome) count(r Remise) {
	switch {
	case r.AAppeler():
		w.AAppeler++
	case r.Err != nil:
		w.Failed++
	case r.Canal == CanalSMS:
		w.Texted++
	default:
		w.Emailed++
	}
}

// Summary is the sentence of the flash message; the page it leads to shows
// the « à appeler » list.
func (w WarnOutcome) Summary() string {
	if w.Emailed+w.Texted+w.AAppeler+w.Failed == 0 {
		return "Personne n'était inscrit."
	}
	var parts []string
	if w.Emailed > 0 {
		parts = append(parts, fmt.Sprintf("%d %s par e-mail", w.Emailed, frfmt.Pluriel(w.Emailed, "personne prévenue", "personnes prévenues")))
	}
	if w.Texted > 0 {
		parts = append(parts, fmt.Sprintf("%d %s par SMS", w.Texted, frfmt.Pluriel(w.Texted, "personne prévenue", "personnes prévenues")))
	}
	s := ""
	if len(parts) > 0 {
		s = strings.Join(parts, ", ") + "."
	}
	if w.AAppeler > 0 {
		s += fmt.Sprintf(" %d %s par téléphone : voir la liste « À appeler » de la séance.", w.AAppeler,
			frfmt.Pluriel(w.AAppeler, "personne à prévenir", "personnes à prévenir"))
	}
	if w.Failed > 0 {
		s += fmt.Sprintf(" %d %s (nouvel essai automatique).", w.Failed, frfmt.Pluriel(w.Failed, "envoi a échoué", "envois ont échoué"))
	}
	return strings.TrimSpace(s)
}

// Registrant is a person to warn about a session.
type Registrant struct {
	Inscription string `db:"inscription"`
	Jeton       string `db:"jeton"`
	Code        string `db:"code"`
	Prenom      string `db:"prenom"`
	Nom         string `db:"nom"`
	Telephone   string `db:"telephone"`
	Email       string `db:"email"`
	PrefereSMS  bool   `db:"prefere_sms"`
	Statut      string `db:"statut"`
}

// Personne is the registrant as a message's recipient.
func (r Registrant) Personne() Personne {
	return Personne{Prenom: r.Prenom, Email: r.Email, Telephone: r.Telephone, PrefereSMS: r.PrefereSMS}
}

// Canal is how the registrant will be told.
func (r Registrant) Canal() string { return CanalPour(r.Personne()) }

// RegistrantsOf lists the people still expected at a session (registered
// or waiting), with their contacts.
func RegistrantsOf(app core.App, seanceID string) ([]Registrant, error) {
	var people []Registrant
	err := app.DB().Select("i.id AS inscription", "i.jeton", "i.code", "b.prenom", "b.nom", "b.telephone", "b.email", "b.prefere_sms", "i.statut").
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
	return warnRegistrants(app, "", seance, "annulation_seance", "Atelier annulé : ", intro,
		func(s *seances.SeanceView, _ string) string { return SMSAnnulationSeance(s, reason) })
}

// NotifySeanceChanged tells every registrant the new date, time or place.
func NotifySeanceChanged(app core.App, base string, seance *core.Record) (WarnOutcome, error) {
	intro := []string{"Attention : l'atelier pour lequel vous êtes inscrit change de date, d'heure ou de lieu. Voici les nouvelles informations."}
	return warnRegistrants(app, base, seance, "changement", "Changement d'horaire ou de lieu : ", intro, SMSChangement)
}

// warnRegistrants tells every registrant; without base, messages carry no
// personal link.
func warnRegistrants(app core.App, base string, seance *core.Record, event, subject string, intro []string,
	text func(s *seances.SeanceView, lien string) string) (WarnOutcome, error) {
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
		lien, smsLien := "", ""
		if base != "" {
			lien, smsLien = LienPersonnel(base, p.Jeton), LienCourt(base, p.Code, p.Jeton)
		}
		out.count(SendToPerson(app, p.Personne(), Message{
			Structure: view.Structure.ID, Evenement: event, Cible: p.Inscription, Objet: Objet(subject, view.Titre, ""),
			Mail: InscriptionMail{Prenom: p.Prenom, Lien: lien, Structure: view.Structure.Nom, Intro: intro, Recap: SeanceRecap(view)},
			SMS:  text(view, smsLien),
		}))
	}
	return out, nil
}
