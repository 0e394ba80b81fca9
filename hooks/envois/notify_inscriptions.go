package envois

import (
	"bytes"
	"fmt"
	"html/template"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/seances"
)

// E-mails about a registration: confirmation (or waiting list) right after
// registering, and the promotion when a place frees up. They carry the same
// content as the registration's page and its personal link.

var InscriptionEmail = template.Must(template.New("email").Parse(`<!doctype html>
<html lang="fr"><body style="font-family: system-ui, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #1b1b1b">
<p>Bonjour {{.Prenom}},</p>
{{range .Intro}}<p>{{.}}</p>{{end}}
{{if .LienOffre}}<p><a href="{{.LienOffre}}" style="font-weight: bold">Je confirme ma place</a><br>{{.LienOffre}}</p>{{end}}
<table role="presentation" style="border-collapse: collapse">
{{range .Recap}}<tr><th style="text-align: left; padding: 4px 12px 4px 0; vertical-align: top">{{index . 0}}</th><td style="padding: 4px 0">{{index . 1}}</td></tr>
{{end}}</table>
{{if .Lien}}<p>Vous ne pouvez plus venir ? Annulez votre inscription avec ce lien personnel, la place sera proposée à une autre personne :<br>
<a href="{{.Lien}}">{{.Lien}}</a></p>{{end}}
<p>À bientôt,<br>{{.Structure}}</p>
</body></html>`))

type InscriptionMail struct {
	Prenom, Lien, Structure string
	Intro                   []string
	LienOffre               string // the page where the person confirms an offered place
	Recap                   [][2]string
}

func NotifyInscription(app core.App, base string, inscription, person *core.Record) {
	s, err := describeSeanceOf(app, inscription)
	if err != nil {
		app.Logger().Error("registration message: load", "inscription", inscription.Id, "error", err)
		return
	}
	m, ok, err := inscriptionMessage(app, base, inscription, person, s)
	if err != nil {
		app.Logger().Error("registration message", "inscription", inscription.Id, "error", err)
		return
	}
	if !ok {
		return
	}
	logRemise(app, inscription, SendToPerson(app, PersonneDe(person), m))
}

// RecordInscription records the message of a registration just decided
// with the registration itself (app is its transaction), s describing its
// session; hand what it returns to Envoyer once committed.
func RecordInscription(app core.App, base string, inscription, person *core.Record, s *seances.SeanceView) (*Depart, error) {
	m, ok, err := inscriptionMessage(app, base, inscription, person, s)
	if err != nil || !ok {
		return nil, err
	}
	d, err := Prepare(app, PersonneDe(person), m)
	if err != nil {
		return nil, fmt.Errorf("registration message of %s: %w", inscription.Id, err)
	}
	return d, nil
}

// inscriptionMessage tells the person their registration: confirmed, or
// their rank on the waiting list; ok is false when nobody needs it.
func inscriptionMessage(app core.App, base string, inscription, person *core.Record, s *seances.SeanceView) (Message, bool, error) {
	event, subject := "confirmation", "Inscription confirmée : "
	intro := "Votre inscription est confirmée. Voici le récapitulatif."
	rang := 0
	if inscription.GetString("statut") == "liste_attente" {
		var err error
		if rang, err = seances.RangAttente(app, inscription); err != nil {
			return Message{}, false, fmt.Errorf("waiting position: %w", err)
		}
		event, subject = "liste_attente", "Liste d'attente : "
		intro = fmt.Sprintf("L'atelier est complet : vous êtes sur liste d'attente (rang %d). Si une place se libère, elle vous sera proposée et vous recevrez un message.",
			rang)
	}
	if inscription.GetString("source") != "public" && CanalPour(PersonneDe(person)) == CanalTelephone {
		return Message{}, false, nil // registered by staff, who were talking with the person: nobody needs to phone them
	}
	return buildInscriptionMessage(base, inscription, person, s, event, subject, []string{intro}, func(s *seances.SeanceView, lien string) string {
		if event == "liste_attente" {
			return SMSListeAttente(s, rang, lien)
		}
		return SMSConfirmation(s, lien)
	}), true, nil
}

func NotifyPromotion(app core.App, base string, inscription *core.Record) {
	person, err := app.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		app.Logger().Error("promotion message: find person", "inscription", inscription.Id, "error", err)
		return
	}
	if seances.OffreEnCours(inscription) {
		notifyOffre(app, base, inscription, person)
		return
	}
	sendInscriptionMessage(app, base, inscription, person, "promotion", "Une place s'est libérée : ",
		[]string{"Bonne nouvelle : une place s'est libérée et elle est pour vous. Votre inscription est confirmée."}, SMSPromotion)
}

// NotifyInscriptionCancelled tells the person that staff cancelled their
// registration; their personal page lets them register again.
func NotifyInscriptionCancelled(app core.App, base string, inscription *core.Record) {
	person, err := app.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		app.Logger().Error("cancellation message: find person", "inscription", inscription.Id, "error", err)
		return
	}
	intro := []string{"Votre inscription à l'atelier ci-dessous est annulée.",
		"Si c'est une erreur, ou pour vous réinscrire, ouvrez votre page d'inscription : " + LienPersonnel(base, inscription.GetString("jeton"))}
	sendInscriptionMessage(app, "", inscription, person, "annulation_inscription", "Inscription annulée : ", intro,
		func(s *seances.SeanceView, _ string) string {
			return SMSAnnulationInscription(s, LienCourt(base, inscription.GetString("code"), inscription.GetString("jeton")))
		})
}

// sendInscriptionMessage writes to the person by their channel; a failure
// is recorded in envois (for the retry job, or the « à appeler » list) and
// logged, never shown to the person, whose registration is done anyway.
// Without base, the e-mail has no cancel link.
func sendInscriptionMessage(app core.App, base string, inscription, person *core.Record, event, subject string, intro []string,
	text func(s *seances.SeanceView, lien string) string) {
	s, err := describeSeanceOf(app, inscription)
	if err != nil {
		app.Logger().Error("registration message: load", "inscription", inscription.Id, "error", err)
		return
	}
	m := buildInscriptionMessage(base, inscription, person, s, event, subject, intro, text)
	logRemise(app, inscription, SendToPerson(app, PersonneDe(person), m))
}

func logRemise(app core.App, inscription *core.Record, r Remise) {
	if r.Err != nil && !r.AAppeler() {
		app.Logger().Error("registration message", "inscription", inscription.Id, "canal", r.Canal, "error", r.Err)
	}
}

// buildInscriptionMessage is a message about a registration, with the
// personal link (none without base) and the session's summary.
func buildInscriptionMessage(base string, inscription, person *core.Record, s *seances.SeanceView, event, subject string, intro []string,
	text func(s *seances.SeanceView, lien string) string) Message {
	jeton, code := inscription.GetString("jeton"), inscription.GetString("code")
	lien, smsLien := "", ""
	if base != "" {
		lien, smsLien = LienPersonnel(base, jeton), LienCourt(base, code, jeton)
	}
	return Message{
		Structure: s.Structure.ID, Evenement: event, Cible: inscription.Id, Objet: Objet(subject, s.Titre, ""),
		Mail: InscriptionMail{Prenom: person.GetString("prenom"), Lien: lien, Structure: s.Structure.Nom, Intro: intro, Recap: SeanceRecap(s)},
		SMS:  text(s, smsLien),
	}
}

// describeSeanceOf is the session of a registration as messages tell it.
func describeSeanceOf(app core.App, inscription *core.Record) (*seances.SeanceView, error) {
	seance, err := app.FindRecordById("seances", inscription.GetString("seance"))
	if err != nil {
		return nil, fmt.Errorf("session of registration %s: %w", inscription.Id, err)
	}
	return seances.DescribeSeance(app, seance)
}

// SeanceRecap is the summary of a session every e-mail to a person carries.
func SeanceRecap(s *seances.SeanceView) [][2]string {
	recap := [][2]string{
		{"Atelier", s.Titre},
		{"Date", frfmt.Date(s.Debut)},
		{"Heure", frfmt.Plage(s.Debut, s.Fin) + " (" + frfmt.Duree(s.DureeMinutes) + ")"},
		{"Lieu", s.Lieu.Nom + ", " + s.Lieu.AdresseComplete()},
	}
	if s.Lieu.Accessibilite != "" {
		recap = append(recap, [2]string{"Accès", s.Lieu.Accessibilite})
	}
	if s.AApporter != "" {
		recap = append(recap, [2]string{"À apporter", s.AApporter})
	}
	return recap
}

// renderMail is the HTML of a message to a beneficiary.
func renderMail(mail InscriptionMail) (string, error) {
	var html bytes.Buffer
	if err := InscriptionEmail.Execute(&html, mail); err != nil {
		return "", err
	}
	return html.String(), nil
}

func PlainText(m InscriptionMail) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\n", m.Prenom)
	for _, p := range m.Intro {
		b.WriteString(p + "\n\n")
	}
	if m.LienOffre != "" {
		fmt.Fprintf(&b, "Je confirme ma place :\n%s\n\n", m.LienOffre)
	}
	for _, r := range m.Recap {
		fmt.Fprintf(&b, "%s : %s\n", r[0], r[1])
	}
	if m.Lien != "" {
		fmt.Fprintf(&b, "\nVous ne pouvez plus venir ? Annulez votre inscription avec ce lien personnel :\n%s\n", m.Lien)
	}
	fmt.Fprintf(&b, "\nÀ bientôt,\n%s\n", m.Structure)
	return b.String()
}
