// Package stats computes the activity statistics of host structures: the
// figures a structure gives its funders every month and that La Coop de la
// médiation numérique asks for. It knows nothing of PocketBase: the caller
// loads plain structs (Donnees) and gets plain figures (Resultat), so the
// same engine serves the statistics page, the exports and the monthly
// report, and is tested on hand-computed fixtures.
//
// # What is counted
//
// A period is a range of civil days, read in each structure's own time
// zone: a session that starts at 00:30 on 1 November in Paris belongs to
// November in Paris, even though it is still 31 October in UTC.
//
//   - Séances réalisées: sessions of the period whose status is realisee
//     (closed by the advisor). Séances annulées: status annulee. Séances
//     planifiées: status planifiee (to come, or past but not closed yet);
//     their registrations count, their attendance does not.
//   - Inscriptions: registrations holding a place (inscrit, present, absent)
//     in sessions of the period that were not cancelled.
//   - Présents, absents (no-shows): registrations marked present or absent
//     in held sessions. Taux de présence = présents / (présents + absents).
//   - Demande en liste d'attente: registrations of sessions not cancelled
//     that are on the waiting list (liste_attente), plus those known to have
//     been on it before being promoted or cancelled (EtaitEnAttente: the
//     server recorded a waiting-list or promotion message for them). A
//     person promoted without an e-mail address leaves no such trace and is
//     not told apart from a direct registration.
//   - Participants: present registrations plus anonymous walk-ins
//     (participants_anonymes) of held sessions.
//   - Accompagnements (the national rule): one per one-to-one
//     help, plus one per participant of a held session (a workshop of 8
//     participants counts 8 accompagnements).
//   - Heures de médiation: the duration of every accompagnement, so one-to-
//     one help minutes plus, for each held session, its duration × its
//     participants (a 2-hour workshop with 8 participants counts 16 hours).
//     Temps des conseillers: the time the advisors spent, one-to-one help
//     minutes plus each held session's duration once.
//   - Bénéficiaires uniques: registered people (beneficiaires) present at a
//     held session or helped one to one in the period, each counted once.
//     Personnes accompagnées: the unique beneficiaries, plus each anonymous
//     one-to-one help and each anonymous walk-in (anonymous people cannot be
//     told apart, so each counts once per activity).
//
// # Breakdowns
//
// By thématique, besoin, type of place (canal) and duration bucket, the unit
// is the accompagnement: a workshop counts its participants under its
// workshop's besoin and each of its thématiques, at a « Lieu d'activité »,
// in the bucket of its duration. An accompagnement with several thématiques
// counts under each of them, so that breakdown may add up to more than the
// total. By age bracket, gender, social status and commune, the unit is
// the person (Personnes accompagnées): a beneficiary's attributes come from
// their record (age bracket from the birth year, as of the year of their
// last activity in the period), an anonymous help's from the help, and
// walk-ins are « Non communiqué ». The commune is the beneficiary's
// commune of residence.
//
// Duration buckets are half-open: under 30 min; 30 min up to
// but not including 1 h; 1 h up to but not including 2 h; 2 h and more.
//
// No-shows by reminder channel: registrations marked present or absent in
// held sessions, grouped by the channel of the reminder they were sent
// (none when no reminder left), with their absences (Resultat.Rappels).
//
// Month by month: the 12 calendar months that end with the month of the
// period's last day, whatever the period.
package stats

import (
	"time"
)

// Structure is a host structure: its name and time zone, and its address
// (the place of a one-to-one help « at the place of activity »).
type Structure struct {
	ID, Nom string
	Fuseau  *time.Location // nil reads as UTC
	Adresse Lieu
}

// Lieu is where an activity happened, as the exports print it.
type Lieu struct {
	Nom, Adresse, CodePostal, Commune, CodeInsee string
}

// Personne holds the attributes of a registered beneficiary that
// statistics use; never a name.
type Personne struct {
	ID             string // counts unique beneficiaries
	AnneeNaissance int    // 0 when unknown
	Genre          string // referentiel.Genres value, "" when unknown
	StatutSocial   string // referentiel.StatutsSociaux value, "" when unknown
	Commune        string
	CodePostal     string // exports only
	CodeInsee      string // exports only
}

// Inscription is a person's registration to a session.
type Inscription struct {
	Statut         string // inscrit, liste_attente, annule, present, absent
	EtaitEnAttente bool   // known to have been on the waiting list before
	Rappel         string // channel of the reminder sent to them ("email", "sms"), "" for none
	Personne       Personne
}

// Seance is one dated occurrence of a workshop, with its registrations.
type Seance struct {
	ID, Structure        string
	Debut, Fin           time.Time
	Statut               string // planifiee, annulee, realisee
	Atelier              string // the workshop's title (exports)
	Niveau               string // the workshop's referentiel.Niveaux value (exports)
	Besoin               string
	Thematiques          []string
	Materiel             []string // exports
	Capacite             int
	Lieu                 Lieu
	ParticipantsAnonymes int
	Animateurs           []string // advisors' names (exports)
	Inscriptions         []Inscription
	Enregistre, Modifie  time.Time // the record's creation and last change (exports)
}

// DureeMinutes is the session's length.
func (s *Seance) DureeMinutes() int {
	return max(int(s.Fin.Sub(s.Debut)/time.Minute), 0)
}

// Presents counts the registrations marked present.
func (s *Seance) Presents() int {
	n := 0
	for _, i := range s.Inscriptions {
		if i.Statut == "present" {
			n++
		}
	}
	return n
}

// Participants are the present registrations plus the anonymous walk-ins.
func (s *Seance) Participants() int { return s.Presents() + s.ParticipantsAnonymes }

// Accompagnement is one one-to-one help.
type Accompagnement struct {
	ID, Structure        string
	Date                 time.Time
	DureeMinutes         int
	TypeLieu             string
	Thematiques          []string
	Materiel             []string
	Autonomie            string
	Demarche             string
	Oriente              bool
	StructureRedirection string
	// The place, when it is not the structure's place of activity.
	Commune, CodePostal, CodeInsee string
	Conseiller                     string    // the advisor's name (exports)
	Personne                       *Personne // nil when the person stayed anonymous
	// What an anonymous person told about themselves.
	TrancheAge, Genre, StatutSocial string
	Enregistre, Modifie             time.Time // the record's creation and last change (exports)
	// SuiviOrientation is the latest answer to « Êtes-vous allé à … ? » of
	// a referral (Oriente): oui, non, pas_encore, "" when none.
	SuiviOrientation string
	// La Coop's 2025 model: the procedure's subjects, whether it was the
	// person's first accompaniment, the tags' names (sorted).
	ThematiquesDemarche []string
	Premier             bool
	Etiquettes          []string
}

// Donnees is everything the engine reads: structures, sessions and one-to-
// one help. It may hold more than the period asked for (the loader reads
// the 12 months of the monthly series and a margin for time zones).
type Donnees struct {
	Structures      map[string]Structure
	Seances         []Seance
	Accompagnements []Accompagnement
}

// Fuseau is a structure's time zone (UTC when unknown).
func (d *Donnees) Fuseau(structure string) *time.Location {
	if s, ok := d.Structures[structure]; ok && s.Fuseau != nil {
		return s.Fuseau
	}
	return time.UTC
}

// Local is t in the time zone of structure.
func (d *Donnees) Local(structure string, t time.Time) time.Time {
	return t.In(d.Fuseau(structure))
}

// SeanceDans tells whether a session belongs to the filter: its structure
// and its day (in the structure's zone) within the period.
func (d *Donnees) SeanceDans(s *Seance, f Filtre) bool {
	return f.garde(s.Structure) && f.Periode.Contient(DateDe(d.Local(s.Structure, s.Debut)))
}

// AccompagnementDans tells whether a one-to-one help belongs to the filter.
func (d *Donnees) AccompagnementDans(a *Accompagnement, f Filtre) bool {
	return f.garde(a.Structure) && f.Periode.Contient(DateDe(d.Local(a.Structure, a.Date)))
}
