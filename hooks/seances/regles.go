package seances

import (
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/model"
)

// Who registers someone: the last argument of InscriptionFermee.
const (
	EnLigne   = false // the person themselves, on the public form
	ParEquipe = true  // a conseiller, in the workspace
)

// InscriptionFermee says in French why nobody may be registered for the
// session now, or "" when one may. It is the only statement of the rule;
// debut is the session's start, now the app's clock.
//
// Only a planned session that has not started takes registrations. Online
// (EnLigne), the session must also be public with online registration
// open, and registration closes RegistrationDeadline() before the start.
// A conseiller (ParEquipe) may register until the start, into a session
// that is not public or not open online; after the start, people are added
// on the attendance sheet. The wording differs: the public is told to
// contact the structure, the conseiller what to do instead.
func InscriptionFermee(statut string, publique, ouvertes bool, debut, now time.Time, parEquipe bool) string {
	if parEquipe {
		switch {
		case statut == model.SeanceAnnulee:
			return "Cette séance est annulée : on ne peut plus y inscrire personne."
		case statut != model.SeancePlanifiee: // realisee
			return "Cette séance est close : ajoutez plutôt la personne sur la feuille de présence."
		case !now.Before(debut):
			return "La séance a commencé : ajoutez plutôt la personne sur la feuille de présence, comme présente."
		}
		return ""
	}
	switch {
	case statut == model.SeanceAnnulee:
		return "Cette séance est annulée : il n'est plus possible de s'y inscrire."
	case statut != model.SeancePlanifiee || !now.Before(debut): // realisee, or started
		return "Cette séance a déjà eu lieu : il n'est plus possible de s'y inscrire."
	case !now.Before(debut.Add(-InscriptionDeadline())):
		return "Les inscriptions en ligne sont closes pour cette séance. Contactez la structure pour savoir s'il reste de la place."
	case !publique || !ouvertes:
		return "Les inscriptions en ligne ne sont pas ouvertes pour cette séance. Contactez la structure pour vous inscrire."
	}
	return ""
}

// PresencesFermees says in French why attendance cannot be taken now, or
// "" when it can: from the start of the session, unless it was cancelled.
// A closed session (realisee) can still be corrected. debut is the start in
// the structure's time zone, as the message shows it.
func PresencesFermees(statut string, debut, now time.Time) string {
	switch {
	case statut == model.SeanceAnnulee:
		return "Cette séance est annulée : il n'y a pas de présence à noter."
	case now.Before(debut):
		return "La séance n'a pas encore commencé : la feuille de présence s'ouvre à son début, le " +
			frfmt.DateHeure(debut) + "."
	}
	return ""
}

// RegistrationDeadline is how long before the start online registration
// closes: ATELIER_DELAI_INSCRIPTION (a Go duration such as "2h" or a number
// of minutes), 0 by default (open until the start).
func InscriptionDeadline() time.Duration {
	raw := strings.TrimSpace(os.Getenv("ATELIER_DELAI_INSCRIPTION"))
	if raw == "" {
		return 0
	}
	if minutes, err := strconv.Atoi(raw); err == nil && minutes >= 0 {
		return time.Duration(minutes) * time.Minute
	}
	if d, err := time.ParseDuration(raw); err == nil && d >= 0 {
		return d
	}
	return 0
}

// AttendanceToFill selects (alias s) the past sessions still planned with
// no attendance at all: nobody marked present or absent, no walk-in. The
// dashboard and the morning nudge share this definition.
func AttendanceToFill(now time.Time) dbx.Expression {
	return dbx.NewExp(`s.statut = 'planifiee' AND s.fin < {:now}
		AND s.participants_anonymes = 0
		AND NOT EXISTS (SELECT 1 FROM inscriptions i WHERE i.seance = s.id AND i.statut IN ('present', 'absent'))`,
		dbx.Params{"now": model.DBDate(now)})
}
