package demodata

// Fictional but plausible French data. Names mix common French names,
// names with accents, apostrophes and compound first names, names of
// families who came from elsewhere, and, for La Réunion, names common on
// the island. No row describes a real person.

type prenom struct {
	value string
	genre string // masculin or feminin
}

var prenomsMetropole = []prenom{
	{"Marie-Thérèse", "feminin"}, {"Josiane", "feminin"}, {"Françoise", "feminin"}, {"Hélène", "feminin"},
	{"Chantal", "feminin"}, {"Ghislaine", "feminin"}, {"Yvette", "feminin"}, {"Nadia", "feminin"},
	{"Fatima", "feminin"}, {"Aïcha", "feminin"}, {"Chloé", "feminin"}, {"Léa", "feminin"},
	{"Inès", "feminin"}, {"Océane", "feminin"}, {"Sandrine", "feminin"}, {"Nathalie", "feminin"},
	{"Mélissa", "feminin"}, {"Anaïs", "feminin"}, {"Agnès", "feminin"}, {"Monique", "feminin"},
	{"Jeanne", "feminin"}, {"Geneviève", "feminin"}, {"Odette", "feminin"}, {"Awa", "feminin"},
	{"Anne-Sophie", "feminin"}, {"Bernadette", "feminin"}, {"Élodie", "feminin"}, {"Maëlys", "feminin"},
	{"Jean-Pierre", "masculin"}, {"François", "masculin"}, {"Gérard", "masculin"}, {"Raymond", "masculin"},
	{"Michel", "masculin"}, {"Bernard", "masculin"}, {"André", "masculin"}, {"Mohamed", "masculin"},
	{"Karim", "masculin"}, {"Yannick", "masculin"}, {"Loïc", "masculin"}, {"Jérôme", "masculin"},
	{"Théo", "masculin"}, {"Noé", "masculin"}, {"Mathéo", "masculin"}, {"Stéphane", "masculin"},
	{"Hervé", "masculin"}, {"Rémi", "masculin"}, {"Mamadou", "masculin"}, {"Gaël", "masculin"},
	{"Jean-Luc", "masculin"}, {"Marcel", "masculin"}, {"Thierry", "masculin"}, {"Ibrahim", "masculin"},
}

var nomsMetropole = []string{
	"Martin", "Bernard", "Dubois", "Moreau", "Lefèvre", "Girard", "Bonnet", "Mercier", "Lévêque",
	"Rousseau", "Fontaine", "Chevalier", "Bénard", "Guérin", "Morin", "Gauthier", "Perrin", "Roussel",
	"Le Goff", "Le Bihan", "N'Diaye", "D'Almeida", "Da Silva", "Ferreira", "Nguyen", "Benali",
	"Haddad", "Diallo", "Kowalski", "Boucher", "Brunet", "Texier", "Aubineau", "Chauvet", "Pineau",
	"Marchadier", "Thibault", "Rivière", "Billaud", "De la Fontaine", "Saint-Martin", "Ouédraogo",
	"Traoré", "Morel", "Faure", "Lemaire", "Giraud", "Coulon", "Arnaud", "Boutin",
}

var prenomsReunion = []prenom{
	{"Marie-Josée", "feminin"}, {"Marie-Paule", "feminin"}, {"Ginette", "feminin"}, {"Gilberte", "feminin"},
	{"Rosemay", "feminin"}, {"Jessica", "feminin"}, {"Noémie", "feminin"}, {"Lucette", "feminin"},
	{"Murielle", "feminin"}, {"Sabrina", "feminin"}, {"Annabelle", "feminin"}, {"Louisette", "feminin"},
	{"Marie-Annick", "feminin"}, {"Fabiola", "feminin"}, {"Soizic", "feminin"}, {"Zaïnab", "feminin"},
	{"Maëva", "feminin"}, {"Laëtitia", "feminin"}, {"Héléna", "feminin"}, {"Yolaine", "feminin"},
	{"Jean-Claude", "masculin"}, {"Jean-Marc", "masculin"}, {"Clency", "masculin"}, {"Kévin", "masculin"},
	{"Mickaël", "masculin"}, {"Sully", "masculin"}, {"Dorisse", "masculin"}, {"Jean-Hugues", "masculin"},
	{"Wilfrid", "masculin"}, {"Gaëtan", "masculin"}, {"Aurélien", "masculin"}, {"Teddy", "masculin"},
	{"Ludovic", "masculin"}, {"Loïc", "masculin"}, {"Ismaël", "masculin"}, {"Daniel", "masculin"},
	{"Jean-Bernard", "masculin"}, {"Freddy", "masculin"}, {"Éric", "masculin"}, {"Yohan", "masculin"},
}

var nomsReunion = []string{
	"Payet", "Hoarau", "Grondin", "Fontaine", "Técher", "Boyer", "Robert", "Rivière", "Lebon",
	"Nativel", "Maillot", "Dijoux", "Hoareau", "Sautron", "Lauret", "Turpin", "Cadet", "Ethève",
	"Clain", "Damour", "Baret", "Mussard", "Morel", "Ramassamy", "Moutoussamy", "Sinimalé",
	"Abdoul-Carime", "Issop", "Vélia", "Gonthier", "Ah-Hot", "Law-Yen", "Sing-Tao", "Babet",
	"Pothin", "Ango", "Lallemand", "Boyer-Ramassamy", "D'Eurveilher", "Fontaine-Payet",
}

// relatives who register someone on their behalf (inscrit_par).
var liens = []string{"fille", "fils", "petite-fille", "petit-fils", "voisine", "aide à domicile", "nièce", "mari"}

type commune struct {
	nom, codePostal, codeInsee string
}

// Communes around each structure: where beneficiaries live.
var communesMetropole = []commune{
	{"Poitiers", "86000", "86194"}, {"Poitiers", "86000", "86194"}, {"Poitiers", "86000", "86194"},
	{"Buxerolles", "86180", "86041"}, {"Saint-Benoît", "86280", "86214"}, {"Migné-Auxances", "86440", "86158"},
	{"Chasseneuil-du-Poitou", "86360", "86062"}, {"Vouneuil-sous-Biard", "86580", "86297"},
	{"Fontaine-le-Comte", "86240", "86100"}, {"Ligugé", "86240", "86133"}, {"Montamisé", "86360", "86163"},
}

var communesReunion = []commune{
	{"Saint-Denis", "97400", "97411"}, {"Saint-Denis", "97400", "97411"}, {"Saint-Denis", "97490", "97411"},
	{"Sainte-Marie", "97438", "97418"}, {"Sainte-Suzanne", "97441", "97420"}, {"La Possession", "97419", "97408"},
	{"Le Port", "97420", "97407"}, {"Saint-André", "97440", "97409"},
}

// Administrative procedures met in one-to-one help.
var demarches = []string{
	"Déclaration de revenus",
	"Demande de prime d'activité",
	"Pré-demande de carte d'identité",
	"Demande de logement social",
	"Actualisation France Travail",
	"Demande de retraite en ligne (info-retraite.fr)",
	"Certificat d'immatriculation (ANTS)",
	"Demande de complémentaire santé solidaire",
	"Création du compte ameli",
	"Déclaration trimestrielle RSA",
	"Demande d'aide au logement (CAF)",
	"Prise de rendez-vous en préfecture",
	"Chèque énergie",
	"Attestation de droits (CAF)",
}

// sujetsDemarches are La Coop's administrative sub-thématiques of each
// procedure above (referentiel.ThematiquesDemarche).
var sujetsDemarches = map[string][]string{
	"Déclaration de revenus":                          {"argent_impots"},
	"Demande de prime d'activité":                     {"social_sante", "argent_impots"},
	"Pré-demande de carte d'identité":                 {"papiers_elections_citoyennete"},
	"Demande de logement social":                      {"logement"},
	"Actualisation France Travail":                    {"travail_formation"},
	"Demande de retraite en ligne (info-retraite.fr)": {"travail_formation"},
	"Certificat d'immatriculation (ANTS)":             {"transports_mobilite"},
	"Demande de complémentaire santé solidaire":       {"social_sante"},
	"Création du compte ameli":                        {"social_sante"},
	"Déclaration trimestrielle RSA":                   {"social_sante"},
	"Demande d'aide au logement (CAF)":                {"logement", "famille_scolarite"},
	"Prise de rendez-vous en préfecture":              {"etrangers_europe"},
	"Chèque énergie":                                  {"logement"},
	"Attestation de droits (CAF)":                     {"famille_scolarite"},
}

// etiquetteCAF is the tag each demo structure puts on its procedures with
// the CAF.
const etiquetteCAF = "Partenaire CAF"

var notesAccompagnement = []string{
	"Revenir avec le numéro fiscal et le dernier avis d'imposition.",
	"Mot de passe réinitialisé, noté dans son carnet.",
	"Souhaite s'inscrire à un atelier sur le smartphone.",
	"Téléphone trop ancien pour installer l'application : conseils d'achat donnés.",
	"Rendez-vous pris pour la suite de la démarche.",
	"Documents scannés et enregistrés dans un dossier « Papiers ».",
}

var motifsAnnulation = []string{
	"Animatrice absente (arrêt maladie), séance reportée.",
	"Salle indisponible à cause de travaux : séance reportée à une date ultérieure.",
	"Coupure de la connexion internet annoncée par l'opérateur ce jour-là.",
}
