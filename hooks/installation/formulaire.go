package installation

import (
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/comptes"
	"atelier/hooks/envois"
	"atelier/hooks/lib/contact"
	"atelier/hooks/lib/formulaire"
	"atelier/hooks/lib/frfmt"
)

// Fields of the installation form. The password fields and the SMS fields
// are those of the other staff pages, so that their checks answer for the
// right field.
const (
	ChampNomInstance      = "instance_nom"
	ChampAdresseInstance  = "instance_url"
	ChampStructure        = "structure_nom"
	ChampAdresse          = "structure_adresse"
	ChampCodePostal       = "structure_code_postal"
	ChampCommune          = "structure_commune"
	ChampSIRET            = "siret"
	ChampFuseau           = "fuseau"
	ChampPrenom           = "prenom"
	ChampNom              = "nom"
	ChampEmail            = "email"
	ChampMotDePasse       = comptes.ChampNouveau
	ChampConfirmation     = comptes.ChampConfirmation
	ChampSMTPHote         = "smtp_hote"
	ChampSMTPPort         = "smtp_port"
	ChampSMTPUtilisateur  = "smtp_utilisateur"
	ChampSMTPMotDePasse   = "smtp_mot_de_passe"
	ChampSMTPTLS          = "smtp_tls"
	ChampSMTPExpediteur   = "smtp_expediteur"
	ChampEssai            = "essai" // where the test e-mail's result is told
	maxNom                = 200
	defaultSMTPPort       = "587"
	defaultStructureSlug  = "structure"
	maxSlug               = 80
	maxInstanceName       = 100
	smtpPasswordMaxLength = 255
)

// Formulaire is the installation page as typed. Secrets (passwords, SMS
// keys) are never drawn back into the page.
type Formulaire struct {
	NomInstance, AdresseInstance                         string
	Structure, Adresse, CodePostal, Commune, SIRET, Zone string
	Prenom, Nom, Email, MotDePasse, Confirmation         string
	SMTPHote, SMTPPort, SMTPUtilisateur, SMTPMotDePasse  string
	SMTPTLS                                              bool
	SMTPExpediteur                                       string
	SMS                                                  envois.FormulaireSMS
}

// Blank is the form as first shown: the stored address if an
// administrator set one, the usual port, mainland France.
func Blank(app core.App) Formulaire {
	f := Formulaire{SMTPPort: defaultSMTPPort, Zone: frfmt.DefaultZone}
	if envois.InstanceURLConfigured(app) {
		f.AdresseInstance = envois.InstanceURL(app)
	}
	if s := app.Settings().SMTP; s.Enabled { // PocketBase's placeholder server (smtp.example.com) is not shown
		f.SMTPHote, f.SMTPPort, f.SMTPUtilisateur, f.SMTPTLS = s.Host, strconv.Itoa(s.Port), s.Username, s.TLS
		f.SMTPExpediteur = app.Settings().Meta.SenderAddress
	}
	return f
}

// checked is the form once its values are cleaned.
type checked struct {
	Formulaire
	port int
}

func (f Formulaire) check(app core.App) (checked, formulaire.Erreurs) {
	errs := formulaire.Erreurs{}
	c := checked{Formulaire: f}
	switch n := utf8.RuneCountInString(f.NomInstance); {
	case n == 0:
		errs[ChampNomInstance] = "Indiquez le nom du site, par exemple « Ateliers numériques de Poitiers »."
	case n > maxInstanceName:
		errs[ChampNomInstance] = "Ce nom est trop long : 100 caractères au plus."
	}
	if u, msg := checkAddress(f.AdresseInstance); msg != "" {
		errs[ChampAdresseInstance] = msg
	} else {
		c.AdresseInstance = u
	}
	switch n := utf8.RuneCountInString(f.Structure); {
	case n == 0:
		errs[ChampStructure] = "Indiquez le nom de la structure."
	case n > maxNom:
		errs[ChampStructure] = "Ce nom est trop long : 200 caractères au plus."
	}
	if utf8.RuneCountInString(f.Adresse) > maxNom {
		errs[ChampAdresse] = "Cette adresse est trop longue : 200 caractères au plus."
	}
	if utf8.RuneCountInString(f.Commune) > maxNom {
		errs[ChampCommune] = "Ce nom est trop long : 200 caractères au plus."
	}
	var err error
	if c.CodePostal, err = contact.NormaliserCodePostal(f.CodePostal); err != nil {
		errs[ChampCodePostal] = err.Error()
	}
	if c.SIRET, err = contact.NormaliserSiret(f.SIRET); err != nil {
		errs[ChampSIRET] = err.Error()
	}
	if !frfmt.FuseauConnu(f.Zone) {
		errs[ChampFuseau] = "Choisissez le fuseau horaire dans la liste."
	}
	if msg := contact.MessageNom(f.Prenom, "Indiquez votre prénom."); msg != "" {
		errs[ChampPrenom] = msg
	}
	if msg := contact.MessageNom(f.Nom, "Indiquez votre nom."); msg != "" {
		errs[ChampNom] = msg
	}
	if email, msg := checkEmail(f.Email, "Indiquez votre adresse e-mail : elle sert à vous connecter."); msg != "" {
		errs[ChampEmail] = msg
	} else {
		c.Email = email
	}
	for k, v := range comptes.CheckNewPassword(app, f.MotDePasse, f.Confirmation) {
		errs[k] = v
	}
	c.port = c.checkSMTP(app, errs)
	return c, errs
}

// checkSMTP checks the e-mail server part; it is also all the test e-mail
// needs.
func (c *checked) checkSMTP(app core.App, errs formulaire.Erreurs) int {
	if c.SMTPHote == "" {
		errs[ChampSMTPHote] = "Indiquez le serveur d'envoi, par exemple smtp-relay.brevo.com ou ssl0.ovh.net."
	} else if len(c.SMTPHote) > 255 || strings.ContainsAny(c.SMTPHote, " /:@") {
		errs[ChampSMTPHote] = "Le nom du serveur seul, sans « https:// » ni port, par exemple ssl0.ovh.net."
	}
	port, err := strconv.Atoi(c.SMTPPort)
	if err != nil || port < 1 || port > 65535 {
		errs[ChampSMTPPort] = "Un numéro de port, souvent 587 (ou 465 avec « TLS dès la connexion »)."
	}
	if c.SMTPMotDePasse == "" {
		c.SMTPMotDePasse = app.Settings().SMTP.Password // saved by a test e-mail: never drawn back
	}
	if len(c.SMTPUtilisateur) > 255 || len(c.SMTPMotDePasse) > smtpPasswordMaxLength {
		errs[ChampSMTPUtilisateur] = "L'identifiant ou le mot de passe est trop long : 255 caractères au plus."
	}
	if email, msg := checkEmail(c.SMTPExpediteur, "Indiquez l'adresse qui envoie les e-mails, par exemple ne-pas-repondre@mairie.fr."); msg != "" {
		errs[ChampSMTPExpediteur] = msg
	} else {
		c.SMTPExpediteur = email
	}
	return port
}

func (c checked) serveur() envois.ServeurSMTP {
	name := c.NomInstance
	if name == "" {
		name = "Atelier"
	}
	return envois.ServeurSMTP{Hote: c.SMTPHote, Port: c.port, Utilisateur: c.SMTPUtilisateur,
		MotDePasse: c.SMTPMotDePasse, TLS: c.SMTPTLS, Expediteur: mail.Address{Name: name, Address: c.SMTPExpediteur}}
}

func checkEmail(typed, empty string) (string, string) {
	if typed == "" {
		return "", empty
	}
	email, err := contact.NormaliserEmail(typed)
	switch {
	case err != nil:
		return "", err.Error()
	case contact.SuggestionEmail(email) != "":
		return "", "Vérifiez l'adresse e-mail : vouliez-vous écrire " + contact.SuggestionEmail(email) + " ?"
	}
	return email, ""
}

// checkAddress is the public address of the instance (Application URL):
// every link of every message starts with it.
func checkAddress(typed string) (string, string) {
	typed = strings.TrimRight(strings.TrimSpace(typed), "/")
	if typed == "" {
		return "", "Indiquez l'adresse du site, par exemple https://ateliers.mairie.fr."
	}
	u, err := url.Parse(typed)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
		return "", "Une adresse complète, qui commence par https://, par exemple https://ateliers.mairie.fr."
	}
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		return "", "L'adresse du site seule, sans rien après le nom : par exemple https://ateliers.mairie.fr."
	}
	return u.Scheme + "://" + strings.ToLower(u.Host), ""
}
