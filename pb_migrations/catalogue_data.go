package pb_migrations

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"atelier/hooks/lib/referentiel"
)

// catalogueEntry is one shared workshop of the default catalogue.
type catalogueEntry struct {
	Titre          string
	Besoin         string
	Thematiques    []string
	Resume         string // one plain-French sentence shown on the public cards
	Description    string
	Objectifs      string
	Prerequis      string
	Niveau         string
	DureeMinutes   int
	CapaciteDefaut int
	Materiel       []string
	AApporter      string
}

// defaultCatalogue follows the list of La Coop. Résumés are written for
// people far from digital: short words, no jargon, « vous ».
var defaultCatalogue = []catalogueEntry{
	{
		Titre:          "Créer et utiliser une boîte e-mail",
		Besoin:         "debuter",
		Thematiques:    []string{"email", "navigation_sur_internet"},
		Resume:         "Vous créez votre adresse e-mail et vous apprenez à lire, écrire et envoyer un message.",
		Description:    "Un atelier pas à pas pour avoir sa propre adresse e-mail et s'en servir au quotidien : recevoir un message, répondre, joindre un document, trier sa boîte.",
		Objectifs:      "Créer une adresse e-mail. Lire et écrire un message. Envoyer une pièce jointe. Reconnaître un message indésirable.",
		Prerequis:      "Savoir allumer un ordinateur ou un téléphone.",
		Niveau:         "debutant",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Votre téléphone portable (pour recevoir un code) et, si vous en avez une, votre adresse e-mail actuelle.",
	},
	{
		Titre:          "Envoyer des photos et parler en visio avec sa famille",
		Besoin:         "echanger",
		Thematiques:    []string{"reseaux_sociaux", "prendre_en_main_du_materiel"},
		Resume:         "Vous apprenez à envoyer des photos et à appeler vos proches en vidéo avec WhatsApp.",
		Description:    "Garder le lien avec ses proches, même loin : installer WhatsApp, envoyer une photo, créer un groupe familial, passer un appel vidéo.",
		Objectifs:      "Installer et régler WhatsApp. Envoyer une photo ou un message vocal. Passer un appel vidéo.",
		Prerequis:      "Avoir un smartphone.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone"},
		AApporter:      "Votre smartphone chargé et son code de déverrouillage.",
	},
	{
		Titre:          "Découvrir les réseaux sociaux",
		Besoin:         "echanger",
		Thematiques:    []string{"reseaux_sociaux", "culture_numerique"},
		Resume:         "Vous découvrez Facebook, Instagram et les autres, et vous apprenez à bien régler ce que vous partagez.",
		Description:    "À quoi servent les réseaux sociaux, comment créer un compte, suivre une page, publier, et surtout choisir qui voit quoi.",
		Objectifs:      "Comprendre le fonctionnement d'un réseau social. Créer un compte. Régler la confidentialité.",
		Prerequis:      "Avoir une adresse e-mail.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone", "ordinateur"},
		AApporter:      "Votre smartphone et votre adresse e-mail avec son mot de passe.",
	},
	{
		Titre:          "Faire son CV et le mettre en ligne",
		Besoin:         "emploi",
		Thematiques:    []string{"insertion_professionnelle", "bureautique"},
		Resume:         "Vous faites un CV clair sur l'ordinateur et vous le déposez en ligne pour les employeurs.",
		Description:    "Rédiger un CV simple et lisible à partir d'un modèle, l'enregistrer en PDF, puis le déposer sur les sites d'emploi.",
		Objectifs:      "Remplir un modèle de CV. Enregistrer en PDF. Déposer son CV sur un site d'emploi.",
		Prerequis:      "Savoir utiliser la souris et le clavier.",
		Niveau:         "intermediaire",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Vos dates d'emplois et de formations, et une clé USB si vous en avez une.",
	},
	{
		Titre:          "Chercher un emploi sur internet",
		Besoin:         "emploi",
		Thematiques:    []string{"insertion_professionnelle", "navigation_sur_internet"},
		Resume:         "Vous apprenez à trouver des offres d'emploi en ligne et à y répondre.",
		Description:    "Les bons sites pour chercher un emploi, les filtres utiles, les alertes par e-mail et la réponse à une offre.",
		Objectifs:      "Chercher des offres près de chez soi. Créer une alerte. Répondre à une offre en ligne.",
		Prerequis:      "Avoir une adresse e-mail.",
		Niveau:         "intermediaire",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Votre adresse e-mail et son mot de passe, votre CV si vous en avez un.",
	},
	{
		Titre:          "Faire ses démarches sur France Travail",
		Besoin:         "emploi",
		Thematiques:    []string{"insertion_professionnelle", "aide_aux_demarches_administratives"},
		Resume:         "Vous apprenez à vous actualiser, lire vos messages et envoyer vos documents sur France Travail.",
		Description:    "L'espace personnel France Travail : actualisation mensuelle, messagerie avec son conseiller, dépôt de justificatifs, suivi des paiements.",
		Objectifs:      "Se connecter à son espace. S'actualiser. Envoyer un justificatif. Lire ses courriers.",
		Prerequis:      "Être inscrit à France Travail ou vouloir s'inscrire.",
		Niveau:         "debutant",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur", "telephone"},
		AApporter:      "Votre identifiant France Travail et votre mot de passe, votre téléphone.",
	},
	{
		Titre:          "Utiliser FranceConnect et les espaces personnels (impots.gouv, ameli, CAF)",
		Besoin:         "opportunites",
		Thematiques:    []string{"aide_aux_demarches_administratives", "navigation_sur_internet"},
		Resume:         "Vous apprenez à vous connecter avec FranceConnect pour faire vos démarches sur les impôts, ameli et la CAF.",
		Description:    "Un seul identifiant pour de nombreux services publics : se connecter avec FranceConnect, retrouver ses documents, faire une déclaration ou une demande simple.",
		Objectifs:      "Comprendre FranceConnect. Se connecter à impots.gouv, ameli et la CAF. Télécharger une attestation.",
		Prerequis:      "Avoir une adresse e-mail et un téléphone.",
		Niveau:         "intermediaire",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur", "telephone"},
		AApporter:      "Votre numéro fiscal, votre carte Vitale, votre numéro d'allocataire CAF et votre téléphone.",
	},
	{
		Titre:          "Se protéger des arnaques et sécuriser ses comptes",
		Besoin:         "connaitre",
		Thematiques:    []string{"securite_numerique"},
		Resume:         "Vous apprenez à reconnaître les faux messages et à protéger vos comptes avec de bons mots de passe.",
		Description:    "Faux SMS, faux colis, faux conseiller bancaire : reconnaître les arnaques, savoir quoi faire, choisir des mots de passe solides et activer la double vérification.",
		Objectifs:      "Reconnaître une arnaque. Créer un mot de passe solide. Activer la double authentification. Savoir où signaler.",
		Prerequis:      "Aucun.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone", "ordinateur"},
		AApporter:      "Votre smartphone si vous en avez un.",
	},
	{
		Titre:          "Gérer et protéger ses données personnelles",
		Besoin:         "connaitre",
		Thematiques:    []string{"securite_numerique", "culture_numerique"},
		Resume:         "Vous comprenez quelles informations vous laissez en ligne et comment garder la main dessus.",
		Description:    "Cookies, autorisations des applications, comptes oubliés : faire le point sur ses traces et régler ses appareils et ses comptes.",
		Objectifs:      "Comprendre ce qu'est une donnée personnelle. Régler les autorisations d'une application. Refuser les cookies.",
		Prerequis:      "Savoir naviguer sur internet.",
		Niveau:         "intermediaire",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone", "ordinateur"},
		AApporter:      "Votre smartphone.",
	},
	{
		Titre:          "Vérifier une information (fausses nouvelles)",
		Besoin:         "connaitre",
		Thematiques:    []string{"culture_numerique", "navigation_sur_internet"},
		Resume:         "Vous apprenez à vérifier une information avant d'y croire ou de la partager.",
		Description:    "Fausses nouvelles, photos truquées, rumeurs : les bons réflexes pour trouver la source et vérifier une information.",
		Objectifs:      "Trouver la source d'une information. Repérer une image détournée. Savoir où vérifier.",
		Prerequis:      "Savoir naviguer sur internet.",
		Niveau:         "intermediaire",
		DureeMinutes:   90,
		CapaciteDefaut: 12,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Rien.",
	},
	{
		Titre:          "Prendre en main son smartphone et installer les applis utiles",
		Besoin:         "debuter",
		Thematiques:    []string{"prendre_en_main_du_materiel"},
		Resume:         "Vous apprenez à vous servir de votre téléphone et à installer les applications dont vous avez besoin.",
		Description:    "Les gestes de base, les réglages utiles (taille du texte, sonnerie), le magasin d'applications et les applications pratiques du quotidien.",
		Objectifs:      "Maîtriser les gestes de base. Régler son téléphone. Installer et supprimer une application.",
		Prerequis:      "Aucun.",
		Niveau:         "debutant",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"telephone"},
		AApporter:      "Votre smartphone chargé, son code et le mot de passe de votre compte Google ou Apple.",
	},
	{
		Titre:          "Premiers pas sur l'ordinateur (souris, clavier, fichiers)",
		Besoin:         "debuter",
		Thematiques:    []string{"prendre_en_main_du_materiel", "gere_ses_contenus_numeriques"},
		Resume:         "Vous apprenez à utiliser la souris et le clavier et à ranger vos fichiers.",
		Description:    "Allumer l'ordinateur, se servir de la souris et du clavier, ouvrir un programme, enregistrer et retrouver un fichier.",
		Objectifs:      "Utiliser la souris et le clavier. Ouvrir et fermer un programme. Enregistrer un fichier dans un dossier.",
		Prerequis:      "Aucun.",
		Niveau:         "debutant",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Rien : les ordinateurs sont prêtés.",
	},
	{
		Titre:          "Naviguer sur internet",
		Besoin:         "debuter",
		Thematiques:    []string{"navigation_sur_internet"},
		Resume:         "Vous apprenez à faire une recherche sur internet et à trouver un site de confiance.",
		Description:    "Le navigateur, la barre d'adresse, le moteur de recherche, les onglets et les favoris ; repérer la publicité et les sites officiels.",
		Objectifs:      "Faire une recherche. Ouvrir un site. Ajouter un favori. Reconnaître un site officiel.",
		Prerequis:      "Savoir utiliser la souris ou l'écran tactile.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"ordinateur", "tablette"},
		AApporter:      "Rien.",
	},
	{
		Titre:          "Les bases du traitement de texte",
		Besoin:         "opportunites",
		Thematiques:    []string{"bureautique"},
		Resume:         "Vous apprenez à écrire, mettre en forme et imprimer une lettre sur l'ordinateur.",
		Description:    "Écrire un texte, le mettre en forme, ajouter une image, l'enregistrer, l'imprimer ou l'envoyer en PDF.",
		Objectifs:      "Saisir et corriger un texte. Mettre en forme. Enregistrer en PDF et imprimer.",
		Prerequis:      "Savoir utiliser la souris et le clavier.",
		Niveau:         "intermediaire",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Une clé USB si vous en avez une.",
	},
	{
		Titre:          "Ranger et sauvegarder ses photos et documents",
		Besoin:         "opportunites",
		Thematiques:    []string{"gere_ses_contenus_numeriques"},
		Resume:         "Vous apprenez à classer vos photos et vos papiers numériques et à ne pas les perdre.",
		Description:    "Transférer ses photos du téléphone, créer des dossiers, scanner un document avec son téléphone, sauvegarder dans un espace en ligne.",
		Objectifs:      "Créer des dossiers. Scanner un document. Sauvegarder ses photos.",
		Prerequis:      "Savoir utiliser son téléphone ou un ordinateur.",
		Niveau:         "intermediaire",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone", "ordinateur"},
		AApporter:      "Votre smartphone et son câble.",
	},
	{
		Titre:          "Suivre la scolarité de son enfant en ligne (ENT, Pronote)",
		Besoin:         "enfant",
		Thematiques:    []string{"scolarite_et_numerique", "parentalite"},
		Resume:         "Vous apprenez à suivre les notes, les devoirs et les messages de l'école sur internet.",
		Description:    "Se connecter à l'espace numérique de travail et à Pronote avec EduConnect, lire le cahier de textes, les notes, les absences et écrire aux professeurs.",
		Objectifs:      "Se connecter avec EduConnect. Lire les notes et les devoirs. Envoyer un message à l'école.",
		Prerequis:      "Avoir un enfant scolarisé.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone", "ordinateur"},
		AApporter:      "Vos identifiants EduConnect (courrier de l'école) et votre téléphone.",
	},
	{
		Titre:          "Les écrans et les usages numériques des enfants et des ados",
		Besoin:         "enfant",
		Thematiques:    []string{"parentalite", "securite_numerique"},
		Resume:         "Vous échangez sur le temps d'écran, les jeux et les réseaux de vos enfants, et découvrez le contrôle parental.",
		Description:    "Un temps d'échange entre parents : repères par âge, jeux vidéo, réseaux sociaux, cyberharcèlement et réglages du contrôle parental.",
		Objectifs:      "Connaître les repères par âge. Installer un contrôle parental. Savoir à qui s'adresser en cas de problème.",
		Prerequis:      "Aucun.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 12,
		Materiel:       []string{"telephone", "tablette"},
		AApporter:      "Le téléphone ou la tablette de votre enfant si vous voulez le régler.",
	},
	{
		Titre:          "Payer et acheter en ligne en toute sécurité",
		Besoin:         "opportunites",
		Thematiques:    []string{"banque_et_achats_en_ligne", "securite_numerique"},
		Resume:         "Vous apprenez à acheter sur internet et à utiliser votre banque en ligne sans risque.",
		Description:    "L'application de sa banque, le paiement sécurisé, la validation par téléphone, les sites de confiance et les recours en cas de problème.",
		Objectifs:      "Utiliser l'application de sa banque. Reconnaître un site de vente sûr. Valider un paiement.",
		Prerequis:      "Avoir un compte bancaire.",
		Niveau:         "intermediaire",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone", "ordinateur"},
		AApporter:      "Votre smartphone avec l'application de votre banque si vous l'avez.",
	},
	{
		Titre:          "Publier une petite annonce",
		Besoin:         "opportunites",
		Thematiques:    []string{"banque_et_achats_en_ligne", "navigation_sur_internet"},
		Resume:         "Vous apprenez à vendre ou donner un objet en publiant une annonce avec des photos.",
		Description:    "Prendre de bonnes photos, rédiger l'annonce, fixer un prix, échanger avec les acheteurs et éviter les arnaques.",
		Objectifs:      "Créer un compte. Publier une annonce avec photos. Repérer un faux acheteur.",
		Prerequis:      "Avoir une adresse e-mail et un smartphone.",
		Niveau:         "intermediaire",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone"},
		AApporter:      "Votre smartphone et un objet à photographier si vous voulez.",
	},
	{
		Titre:          "Trouver un logement sur internet",
		Besoin:         "territoire",
		Thematiques:    []string{"aide_aux_demarches_administratives", "navigation_sur_internet"},
		Resume:         "Vous apprenez à chercher un logement en ligne et à faire une demande de logement social.",
		Description:    "Les sites d'annonces, les alertes, le dossier de location numérique et la demande de logement social en ligne.",
		Objectifs:      "Chercher des annonces. Préparer un dossier numérique. Faire ou renouveler une demande de logement social.",
		Prerequis:      "Avoir une adresse e-mail.",
		Niveau:         "intermediaire",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Votre pièce d'identité, votre avis d'imposition et votre numéro unique de demande si vous en avez un.",
	},
	{
		Titre:          "Prendre rendez-vous chez le médecin et utiliser Mon espace santé",
		Besoin:         "opportunites",
		Thematiques:    []string{"sante", "aide_aux_demarches_administratives"},
		Resume:         "Vous apprenez à prendre un rendez-vous médical en ligne et à retrouver vos documents de santé.",
		Description:    "Prendre, déplacer ou annuler un rendez-vous en ligne, activer Mon espace santé, consulter ses ordonnances et ses remboursements sur ameli.",
		Objectifs:      "Prendre un rendez-vous en ligne. Activer Mon espace santé. Consulter ses remboursements.",
		Prerequis:      "Avoir une adresse e-mail.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone", "ordinateur"},
		AApporter:      "Votre carte Vitale et votre smartphone.",
	},
	{
		Titre:          "Se déplacer avec les applis de transport et de mobilité",
		Besoin:         "territoire",
		Thematiques:    []string{"navigation_sur_internet", "prendre_en_main_du_materiel"},
		Resume:         "Vous apprenez à trouver un itinéraire, les horaires de bus et à acheter un billet sur votre téléphone.",
		Description:    "Les applications de transport de votre territoire, le calcul d'itinéraire, les horaires en temps réel, l'achat de billets et le covoiturage.",
		Objectifs:      "Calculer un itinéraire. Consulter les horaires. Acheter un titre de transport.",
		Prerequis:      "Avoir un smartphone.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 10,
		Materiel:       []string{"telephone"},
		AApporter:      "Votre smartphone chargé.",
	},
	{
		Titre:          "Choisir son matériel et son abonnement internet",
		Besoin:         "connaitre",
		Thematiques:    []string{"maintenance_de_materiel", "diagnostic_numerique"},
		Resume:         "Vous apprenez à choisir un téléphone, un ordinateur ou un abonnement adapté à vos besoins et à votre budget.",
		Description:    "Neuf ou reconditionné, forfait ou box, aides existantes : comparer les offres et éviter les options inutiles.",
		Objectifs:      "Définir ses besoins. Comparer des offres. Connaître le reconditionné et les aides.",
		Prerequis:      "Aucun.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 12,
		Materiel:       []string{"aucun"},
		AApporter:      "Votre facture de téléphone ou d'internet si vous en avez une.",
	},
	{
		Titre:          "Sobriété numérique : économiser l'énergie et faire durer ses appareils",
		Besoin:         "connaitre",
		Thematiques:    []string{"culture_numerique", "maintenance_de_materiel"},
		Resume:         "Vous découvrez les gestes simples pour consommer moins et garder vos appareils plus longtemps.",
		Description:    "L'impact du numérique, les réglages qui économisent la batterie et les données, le nettoyage de son téléphone et la réparation.",
		Objectifs:      "Comprendre l'impact du numérique. Faire de la place sur son téléphone. Prolonger la vie de ses appareils.",
		Prerequis:      "Aucun.",
		Niveau:         "debutant",
		DureeMinutes:   90,
		CapaciteDefaut: 12,
		Materiel:       []string{"telephone"},
		AApporter:      "Votre smartphone.",
	},
	{
		Titre:          "Découvrir les outils d'intelligence artificielle",
		Besoin:         "connaitre",
		Thematiques:    []string{"intelligence_artificielle", "culture_numerique"},
		Resume:         "Vous découvrez ce que sont les outils d'IA comme ChatGPT, à quoi ils servent et leurs limites.",
		Description:    "Essayer un assistant conversationnel, comprendre comment il fonctionne, repérer ses erreurs et protéger ses données.",
		Objectifs:      "Comprendre ce qu'est une IA. Poser une question à un assistant. Vérifier une réponse.",
		Prerequis:      "Savoir naviguer sur internet.",
		Niveau:         "intermediaire",
		DureeMinutes:   90,
		CapaciteDefaut: 12,
		Materiel:       []string{"ordinateur"},
		AApporter:      "Rien.",
	},
	{
		Titre:          "Rendre sa petite entreprise visible en ligne",
		Besoin:         "professionnel",
		Thematiques:    []string{"entrepreneuriat", "reseaux_sociaux"},
		Resume:         "Vous apprenez à présenter votre activité sur internet pour que vos clients vous trouvent.",
		Description:    "La fiche d'établissement sur les cartes en ligne, une page sur les réseaux sociaux, les avis clients et un site simple.",
		Objectifs:      "Créer sa fiche d'établissement. Publier sur une page professionnelle. Répondre aux avis.",
		Prerequis:      "Avoir une activité professionnelle (TPE, artisan, commerce, association).",
		Niveau:         "intermediaire",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"ordinateur", "telephone"},
		AApporter:      "Votre numéro SIRET, des photos de votre activité et votre smartphone.",
	},
	{
		Titre:          "Faire le point sur ses usages numériques",
		Besoin:         "debuter",
		Thematiques:    []string{"diagnostic_numerique"},
		Resume:         "Vous faites le point avec un conseiller sur ce que vous savez faire et ce que vous voulez apprendre.",
		Description:    "Un temps en petit groupe pour évaluer ses compétences numériques et choisir les ateliers qui vous seront utiles.",
		Objectifs:      "Connaître son niveau. Choisir ses prochains ateliers.",
		Prerequis:      "Aucun.",
		Niveau:         "debutant",
		DureeMinutes:   60,
		CapaciteDefaut: 6,
		Materiel:       []string{"aucun"},
		AApporter:      "Votre téléphone si vous en avez un.",
	},
	{
		Titre:          "Créer avec le numérique : montage photo et vidéo",
		Besoin:         "opportunites",
		Thematiques:    []string{"creer_avec_le_numerique", "gere_ses_contenus_numeriques"},
		Resume:         "Vous apprenez à faire un petit film ou un album avec vos photos, sur votre téléphone.",
		Description:    "Retoucher une photo, faire un diaporama ou une courte vidéo avec musique, et la partager avec vos proches.",
		Objectifs:      "Retoucher une photo. Monter une courte vidéo. La partager.",
		Prerequis:      "Avoir un smartphone avec des photos.",
		Niveau:         "intermediaire",
		DureeMinutes:   120,
		CapaciteDefaut: 8,
		Materiel:       []string{"telephone", "tablette"},
		AApporter:      "Votre smartphone chargé avec quelques photos.",
	},
}

// validateCatalogue refuses a catalogue that would seed bad data: unknown
// reference values, duplicate titles, a résumé too long for a card, or a
// besoin with no workshop (the public page browses by besoin).
func validateCatalogue(entries []catalogueEntry) error {
	var errs []error
	titles := map[string]bool{}
	besoins := map[string]bool{}
	for _, e := range entries {
		bad := func(format string, args ...any) {
			errs = append(errs, fmt.Errorf("%q: %s", e.Titre, fmt.Sprintf(format, args...)))
		}
		if e.Titre == "" {
			bad("titre vide")
		}
		if titles[e.Titre] {
			bad("titre en double")
		}
		titles[e.Titre] = true
		if !referentiel.Besoins.Has(e.Besoin) {
			bad("besoin inconnu %q", e.Besoin)
		}
		besoins[e.Besoin] = true
		if n := len(e.Thematiques); n < 1 || n > 3 {
			bad("%d thématiques, il en faut de 1 à 3", n)
		}
		for _, t := range e.Thematiques {
			if !referentiel.Thematiques.Has(t) {
				bad("thématique inconnue %q", t)
			}
		}
		for _, m := range e.Materiel {
			if !referentiel.Materiels.Has(m) {
				bad("matériel inconnu %q", m)
			}
		}
		if !referentiel.Niveaux.Has(e.Niveau) {
			bad("niveau inconnu %q", e.Niveau)
		}
		if n := utf8.RuneCountInString(e.Resume); n == 0 || n > 160 {
			bad("résumé de %d caractères, il en faut de 1 à 160", n)
		}
		if e.DureeMinutes < 30 || e.DureeMinutes > 240 {
			bad("durée de %d min hors de 30 à 240", e.DureeMinutes)
		}
		if e.CapaciteDefaut < 1 || e.CapaciteDefaut > 30 {
			bad("capacité de %d hors de 1 à 30", e.CapaciteDefaut)
		}
	}
	for _, b := range referentiel.Besoins.Values() {
		if !besoins[b] {
			errs = append(errs, fmt.Errorf("aucun atelier pour le besoin %q", b))
		}
	}
	return errors.Join(errs...)
}
