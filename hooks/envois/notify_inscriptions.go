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
	Recap                   [][2]string
}

func NotifyInscription(app core.App, base string, inscription, person *core.Record) {
	event, subject := "confirmation", "Inscription confirmée : "
	intro := "Votre inscription est confirmée. Voici le récapitulatif."
	if inscription.GetString("statut") == "liste_attente" {
		rang, err := seances.RangAttente(app, inscription)
		if err != nil {
			app.Logger().Error("registration e-mail: waiting position", "inscription", inscription.Id, "error", err)
			return
		}
		event, subject = "liste_attente", "Liste d'attente : "
		intro = fmt.Sprintf("L'atelier est complet : vous êtes sur liste d'attente (rang %d). Si une place se libère, elle vous sera proposée et vous recevrez un message.",
			rang)
	}
	sendInscriptionMail(app, base, inscription, person, event, subject, intro)
}

func NotifyPromotion(app core.App, base string, inscription *core.Record) {
	person, err := app.FindRecordById("beneficiaires", inscription.GetString("beneficiaire"))
	if err != nil {
		app.Logger().Error("promotion e-mail: find person", "inscription", inscription.Id, "error", err)
		return
	}
	sendInscriptionMail(app, base, inscription, person, "promotion", "Une place s'est libérée : ",
		"Bonne nouvelle : une place s'est libérée et elle est pour vous. Votre inscription est confirmée.")
}

// sendRegistrationMail writes to the person if they gave an e-mail; a
// failure is recorded in envois (for the retry job) and logged, never shown
// to the person, whose registration is done anyway.
func sendInscriptionMail(app core.App, base string, inscription, person *core.Record, event, subject, intro string) {
	if person.GetString("email") == "" {
		return // no e-mail given: the confirmation page is all they get
	}
	data, err := seances.LoadInscriptionPage(app, inscription.GetString("jeton"))
	if err != nil {
		app.Logger().Error("registration e-mail: load", "inscription", inscription.Id, "error", err)
		return
	}
	s := data.Seance
	mail := InscriptionMail{
		Prenom: data.Prenom, Lien: base + "/inscription/" + data.Jeton, Structure: s.Structure.Nom,
		Intro: []string{intro}, Recap: SeanceRecap(s),
	}
	if err := sendPersonMail(app, mail, Notification{Structure: s.Structure.ID, Evenement: event, Cible: inscription.Id,
		Destinataire: person.GetString("email"), Objet: Objet(subject, s.Titre, "")}); err != nil {
		app.Logger().Error("registration e-mail", "inscription", inscription.Id, "error", err)
	}
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

// sendPersonMail renders a message to a beneficiary (HTML and plain text)
// and sends it through the one sender, which records it in envois.
func sendPersonMail(app core.App, mail InscriptionMail, n Notification) error {
	var html bytes.Buffer
	if err := InscriptionEmail.Execute(&html, mail); err != nil {
		return fmt.Errorf("render %s e-mail: %w", n.Evenement, err)
	}
	n.HTML, n.Texte = html.String(), PlainText(mail)
	return SendEmail(app, n)
}

func PlainText(m InscriptionMail) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bonjour %s,\n\n", m.Prenom)
	for _, p := range m.Intro {
		b.WriteString(p + "\n\n")
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
