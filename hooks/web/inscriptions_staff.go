package web

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/frfmt"
)

// notifyStaffRegistration e-mails the person after the commit, if they
// gave an e-mail (sendRegistrationMail skips the others).
func notifyStaffInscription(e *core.RequestEvent, r inscriptions.StaffInscription) {
	if r.Person != nil && r.Inscription != nil {
		envois.NotifyInscription(e.App, envois.InstanceURL(e.App), r.Inscription, r.Person)
	}
}

// inscriptionFlash is the confirmation of a staff registration.
func inscriptionFlash(r inscriptions.StaffInscription) string {
	message := r.Name() + " : inscription confirmée."
	if r.Inscription.GetString("statut") == "liste_attente" {
		message = fmt.Sprintf("La séance est complète : %s est sur la liste d'attente (rang %d).", r.Name(), r.Rang)
	}
	if r.Person.GetString("email") != "" {
		message += " Un e-mail lui a été envoyé."
	}
	return message
}

// promotionFlash confirms a promotion and warns when it exceeds capacity.
func promotionFlash(r inscriptions.StaffInscription, capacite int) string {
	message := r.Name() + " : inscription confirmée (sortie de la liste d'attente)."
	if r.Taken > capacite {
		message += fmt.Sprintf(" La séance compte maintenant %s pour %s.",
			frfmt.Nombre(r.Taken)+" "+frfmt.Pluriel(r.Taken, "seanceParticipant", "participants"),
			frfmt.Nombre(capacite)+" "+frfmt.Pluriel(capacite, "place", "places"))
	}
	if r.Person.GetString("email") != "" {
		message += " Un e-mail lui a été envoyé."
	}
	return message
}

// cancelFlash confirms a cancellation and names who got the freed place.
func cancelFlash(app core.App, r inscriptions.StaffInscription) string {
	message := "Inscription de " + r.Name() + " annulée."
	if r.Promoted != nil {
		if next, err := app.FindRecordById("beneficiaires", r.Promoted.GetString("beneficiaire")); err == nil {
			message += " La place libérée est donnée à la personne suivante de la liste d'attente : " + inscriptions.ParticipantName(next)
			if next.GetString("email") != "" {
				message += " (prévenue par e-mail)"
			}
			message += "."
		}
	}
	return message + " Une erreur ? « Rétablir » dans « Inscriptions annulées », plus bas."
}
