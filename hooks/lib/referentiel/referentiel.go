// Package referentiel holds the reference values shared with La Coop de la
// médiation numérique: the stored value and its French label, in
// display order. Migrations build select fields from these lists and pages
// print the labels, so both always agree.
package referentiel

// Option is one value of a closed list with its French label.
type Option struct {
	Value string
	Label string
}

// List is an ordered closed list of options.
type List []Option

// Values returns the stored values in display order.
func (l List) Values() []string {
	values := make([]string, len(l))
	for i, o := range l {
		values[i] = o.Value
	}
	return values
}

// Label returns the French label of value, or value itself when unknown so
// that a page never prints an empty cell.
func (l List) Label(value string) string {
	for _, o := range l {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

// Labels returns the labels of values, in their order (never nil).
func (l List) Labels(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		out[i] = l.Label(v)
	}
	return out
}

// Has reports whether value belongs to the list.
func (l List) Has(value string) bool {
	for _, o := range l {
		if o.Value == value {
			return true
		}
	}
	return false
}

// HasAll tells whether every one of values is in the list (none is fine).
func (l List) HasAll(values []string) bool {
	for _, v := range values {
		if !l.Has(v) {
			return false
		}
	}
	return true
}

// Besoins are the "Je veux…" entries a beneficiary browses by.
var Besoins = List{
	{"debuter", "Je veux débuter avec le numérique"},
	{"echanger", "Je veux échanger avec mes proches"},
	{"emploi", "Je veux trouver un emploi ou une formation"},
	{"enfant", "Je veux accompagner mon enfant"},
	{"opportunites", "Je veux utiliser les opportunités du numérique"},
	{"territoire", "Je veux découvrir les opportunités de mon territoire"},
	{"connaitre", "Je veux connaître le numérique"},
	{"professionnel", "Je suis un professionnel (TPE, PME)"},
}

// Thematiques are La Coop's themes of mediation.
var Thematiques = List{
	{"diagnostic_numerique", "Diagnostic numérique"},
	{"prendre_en_main_du_materiel", "Prendre en main du matériel"},
	{"maintenance_de_materiel", "Maintenance de matériel"},
	{"gere_ses_contenus_numeriques", "Gérer ses contenus numériques"},
	{"navigation_sur_internet", "Navigation sur internet"},
	{"email", "E-mail"},
	{"bureautique", "Bureautique"},
	{"reseaux_sociaux", "Réseaux sociaux communication"},
	{"sante", "Santé"},
	{"banque_et_achats_en_ligne", "Banque et achats en ligne"},
	{"entrepreneuriat", "Accompagner un professionnel"},
	{"insertion_professionnelle", "Insertion professionnelle"},
	{"securite_numerique", "Prévention en sécurité numérique"},
	{"parentalite", "Parentalité"},
	{"scolarite_et_numerique", "Scolarité et numérique"},
	{"creer_avec_le_numerique", "Créer avec le numérique"},
	{"culture_numerique", "Culture numérique"},
	{"intelligence_artificielle", "Intelligence artificielle (IA)"},
	{"aide_aux_demarches_administratives", "Aide aux démarches administratives"},
}

// Niveaux of a workshop.
var Niveaux = List{
	{"debutant", "Débutant"},
	{"intermediaire", "Intermédiaire"},
	{"avance", "Avancé"},
}

// Materiels a workshop or a one-to-one help uses.
var Materiels = List{
	{"ordinateur", "Ordinateur"},
	{"telephone", "Téléphone"},
	{"tablette", "Tablette"},
	{"autre", "Autre matériel"},
	{"aucun", "Pas de matériel"},
}

// TypesLieu of a one-to-one help.
var TypesLieu = List{
	{"lieu_activite", "Lieu d'activité"},
	{"domicile", "À domicile"},
	{"a_distance", "À distance"},
	{"autre", "Autre lieu"},
}

// Autonomies of a beneficiary during a one-to-one help.
var Autonomies = List{
	{"entierement_accompagne", "Avec guidage"},
	{"partiellement_autonome", "Autonome avec guidage en cas de besoin"},
	{"autonome", "Autonome"},
}

// Genres as declared by the beneficiary.
var Genres = List{
	{"masculin", "Masculin"},
	{"feminin", "Féminin"},
	{"non_communique", "Non communiqué"},
}

// TranchesAge used in statistics; computed from annee_naissance when known.
var TranchesAge = List{
	{"moins_12", "Moins de 12 ans"},
	{"12_17", "12 - 17 ans"},
	{"18_24", "18 - 24 ans"},
	{"25_39", "25 - 39 ans"},
	{"40_59", "40 - 59 ans"},
	{"60_69", "60 - 69 ans"},
	{"70_plus", "70 ans et plus"},
	{"non_communique", "Non communiqué"},
}

// StatutsSociaux of a beneficiary.
var StatutsSociaux = List{
	{"scolarise", "Scolarisé"},
	{"sans_emploi", "Sans emploi"},
	{"en_emploi", "En emploi"},
	{"retraite", "Retraité"},
	{"non_communique", "Non communiqué ou hétérogène"},
}

// StructuresRedirection a beneficiary can be sent on to.
var StructuresRedirection = List{
	{"administration", "Administration (mairie, préfecture…)"},
	{"mediation_numerique", "Autre structure de médiation numérique"},
	{"operateur_demarche", "Opérateur ou organisme en charge de la démarche administrative"},
	{"aide_sociale", "Structure d'aide sociale"},
	{"insertion_professionnelle", "Structure d'insertion professionnelle"},
	{"aide_demarches", "Structure d'aide aux démarches administratives (France Services…)"},
	{"autre", "Autre"},
}

// Roles of staff accounts.
var Roles = List{
	{"conseiller", "Conseiller numérique"},
	{"referent", "Référent de structure"},
	{"coordinateur", "Coordinateur"},
}

// StatutsSeance of a workshop session.
var StatutsSeance = List{
	{"planifiee", "Planifiée"},
	{"annulee", "Annulée"},
	{"realisee", "Réalisée"},
}

// StatutsInscription of a registration.
var StatutsInscription = List{
	{"inscrit", "Inscrit"},
	{"liste_attente", "Liste d'attente"},
	{"annule", "Annulé"},
	{"present", "Présent"},
	{"absent", "Absent"},
}

// SourcesInscription tell who created a registration.
var SourcesInscription = List{
	{"public", "Page publique"},
	{"conseiller", "Conseiller"},
	{"sur_place", "Sur place"},
}

// Typologies of host structures, codes of the national schéma des lieux de
// médiation numérique (the subset that hosts conseillers numériques).
var Typologies = List{
	{"MUNI", "Mairie"},
	{"BIB", "Bibliothèque, médiathèque"},
	{"RFS", "France Services"},
	{"CCAS", "Centre communal d'action sociale"},
	{"CIAS", "Centre intercommunal d'action sociale"},
	{"ASSO", "Association"},
	{"TIERS_LIEUX", "Tiers-lieu"},
	{"EPN", "Espace public numérique"},
	{"CSC", "Centre social"},
	{"MJC", "Maison des jeunes et de la culture"},
	{"ML", "Mission locale"},
	{"EPCI", "Intercommunalité"},
	{"DEPT", "Département"},
	{"PIMMS", "Point information médiation multi services"},
	{"Autre", "Autre"},
}

// CanauxEnvoi are the channels a message goes through.
var CanauxEnvoi = List{
	{"email", "E-mail"},
	{"sms", "SMS"},
	// Nothing could be sent: staff phone the person (the « à appeler » list).
	{"telephone", "Téléphone"},
}

// StatutsEnvoi of a recorded message.
var StatutsEnvoi = List{
	{"en_attente", "En attente"},
	{"envoye", "Envoyé"},
	{"echec", "Échec"},
	{"a_appeler", "À appeler"},
}

// EvenementsEnvoi name why a message was sent.
var EvenementsEnvoi = List{
	{"confirmation", "Confirmation d'inscription"},
	{"liste_attente", "Inscription sur liste d'attente"},
	{"promotion", "Place libérée"},
	{"rappel", "Rappel"},
	{"annulation_inscription", "Annulation d'inscription"},
	{"annulation_seance", "Annulation de séance"},
	{"changement", "Changement d'horaire ou de lieu"},
	{"rapport", "Rapport mensuel"},
	{"relance_emargement", "Relance émargement"},
	{"droits_compte", "Droits d'un compte du personnel"},
	{"offre_place", "Place proposée (à confirmer)"},
	{"invitation_compte", "Invitation d'un compte du personnel"},
	{"autre", "Autre"},
}

// ThematiquesDemarche are La Coop's administrative sub-thématiques (2025
// model, after the « démarche administrative » activity type was merged
// into the individual one in April 2025): what the procedure was about.
// They are only given with « Aide aux démarches administratives »
// (ThematiqueDemarche). Values and labels are La Coop's, copied from
// inclusion-numerique/coop-mediation-numerique, apps/web/src/features/
// activites/use-cases/cra/fields/thematique.ts at 64aa8ed2868d
// (thematiquesAdministrativesLabels and thematiquesAdministrativesApiValues;
// its export writes these labels), the prisma enum Thematique in
// apps/web/prisma/schema.prisma at 00b754122237.
var ThematiquesDemarche = List{
	{"papiers_elections_citoyennete", "Papiers - Élections Citoyenneté"},
	{"famille_scolarite", "Famille - Scolarité"},
	{"social_sante", "Social - Santé"},
	{"travail_formation", "Travail - Formation - Entreprise"},
	{"logement", "Logement"},
	{"transports_mobilite", "Transports - Mobilité"},
	{"argent_impots", "Argent - Impôts"},
	{"justice", "Justice"},
	{"etrangers_europe", "Étrangers - Europe"},
	{"loisirs_sports_culture", "Loisirs - Sports Culture"},
	{"associations", "Associations"},
}

// ThematiqueDemarche is the theme that opens the administrative
// sub-thématiques.
const ThematiqueDemarche = "aide_aux_demarches_administratives"
