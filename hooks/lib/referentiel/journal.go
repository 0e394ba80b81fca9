package referentiel

// ActionsJournal name what a staff member did with a beneficiary's data, or
// with the rights of a staff account (who may read whom), in
// the audit log (journal).
var ActionsJournal = List{
	{"consultation", "Consultation de la fiche"},
	{"export", "Export des données"},
	{"modification", "Modification"},
	{"fusion", "Fusion de doublons"},
	{"effacement", "Effacement (anonymisation)"},
	{"creation", "Création de la fiche"},
	{"liste", "Lecture de plusieurs personnes (liste, recherche, export)"},
	{"droits", "Droits d'un compte du personnel"},
	{"compte", "Mot de passe ou adresse e-mail d'un compte du personnel"},
	{"rapport", "Rapport mensuel généré à la demande"},
}
