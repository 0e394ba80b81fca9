package model

// Statuses of a registration (inscriptions.statut), as stored; the labels
// are in referentiel.StatutsInscription.
const (
	StatutInscrit      = "inscrit"       // confirmed: holds a place
	StatutListeAttente = "liste_attente" // waiting for a place (rang_attente 1, 2, 3…)
	StatutPresent      = "present"       // came: holds a place
	StatutAbsent       = "absent"        // registered but did not come
	StatutAnnule       = "annule"        // cancelled
)

// Statuses of a session (seances.statut), as stored; the labels are in
// referentiel.StatutsSeance.
const (
	SeancePlanifiee = "planifiee"
	SeanceAnnulee   = "annulee"
	SeanceRealisee  = "realisee"
)
