package web

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/seances"
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
		message += freedPlaceSentence(app, r.Promoted)
	}
	return message + " Une erreur ? « Rétablir » dans « Inscriptions annulées », plus bas."
}

// freedPlaceSentence says who a freed place went to: offered until a
// deadline, or given directly; someone without e-mail nor mobile is to be
// phoned, nothing else reaches them.
func freedPlaceSentence(app core.App, promoted *core.Record) string {
	next, err := app.FindRecordById("beneficiaires", promoted.GetString("beneficiaire"))
	if err != nil {
		return ""
	}
	name := inscriptions.ParticipantName(next)
	par := " (prévenue par SMS)"
	if next.GetString("email") != "" {
		par = " (prévenue par e-mail)"
	}
	if seances.OffreEnCours(promoted) {
		echeance := promoted.GetDateTime("offre_expire").Time().In(seanceLocation(app, promoted.GetString("seance")))
		return " La place libérée est proposée à la personne suivante de la liste d'attente : " + name +
			", jusqu'au " + frfmt.DateSansAnnee(echeance) + " à " + frfmt.Heure(echeance) + par + "."
	}
	message := " La place libérée est donnée à la personne suivante de la liste d'attente : " + name
	switch {
	case !seances.Joignable(app, next):
		return message + ". Ni e-mail ni SMS ne peut la prévenir : appelez-la."
	case next.GetString("email") != "":
		return message + par + "."
	}
	return message + "."
}

// promotedSentence counts the places added for the waiting list: offered
// until a deadline, or given directly; the people given a place that
// nothing reaches are named, to be phoned.
func promotedSentence(app core.App, promoted []*core.Record) string {
	var offered, direct int
	var toCall []string
	for _, p := range promoted {
		if seances.OffreEnCours(p) {
			offered++
			continue
		}
		direct++
		if next, err := app.FindRecordById("beneficiaires", p.GetString("beneficiaire")); err == nil && !seances.Joignable(app, next) {
			toCall = append(toCall, inscriptions.ParticipantName(next))
		}
	}
	var message string
	if offered > 0 {
		message += fmt.Sprintf(" %d %s à la liste d'attente.", offered, frfmt.Pluriel(offered, "place proposée", "places proposées"))
	}
	if direct > 0 {
		message += fmt.Sprintf(" %d %s de la liste d'attente.", direct, frfmt.Pluriel(direct, "personne inscrite", "personnes inscrites"))
	}
	if len(toCall) > 0 {
		message += " Sans e-mail ni mobile, à appeler pour les prévenir : " + strings.Join(toCall, ", ") + "."
	}
	return message
}

// seanceLocation is the time zone of the session's structure.
func seanceLocation(app core.App, seanceID string) *time.Location {
	seance, err := app.FindRecordById("seances", seanceID)
	if err != nil {
		return frfmt.Location("")
	}
	structure, err := app.FindRecordById("structures", seance.GetString("structure"))
	if err != nil {
		return frfmt.Location("")
	}
	return frfmt.Location(structure.GetString("fuseau"))
}

// offerConfirmedFlash: staff confirmed a place offered to a person.
func offerConfirmedFlash(r inscriptions.StaffInscription) string {
	return r.Name() + " : place confirmée. Elle est inscrite."
}
