package web

import (
	"net/url"
	"strconv"
	"strings"

	"atelier/hooks/inscriptions"
	"atelier/hooks/seances"
)

func parseInscriptionForm(values url.Values) inscriptions.InscriptionForm {
	return inscriptions.InscriptionForm{
		Prenom: values.Get("prenom"), Nom: values.Get("nom"), Telephone: values.Get("telephone"),
		Email: values.Get("email"), CodePostal: values.Get("code_postal"), InscritPar: values.Get("inscrit_par"),
		Consentement: values.Get("consentement") != "", PrefereSMS: values.Get("prefere_sms") != "", Piege: values.Get("site_web"),
		Autres: parseAutres(values), Valeurs: parseValeurs(values),
	}
}

// parseValeurs reads the answers to the questions as posted (reponse_0…),
// however many the session asks: they are checked against its questions.
func parseValeurs(values url.Values) []string {
	valeurs := make([]string, seances.MaxQuestions)
	for i := range valeurs {
		valeurs[i] = strings.TrimSpace(values.Get(seances.ReponseFieldName(i)))
	}
	return valeurs
}

// parseAutres reads the other people of the household: autre_prenom and
// autre_nom, in order, one pair per block of the form. « Retirer » drops
// one block; « J'inscris aussi une autre personne » adds an empty one.
func parseAutres(values url.Values) []inscriptions.Personne {
	prenoms, noms := values["autre_prenom"], values["autre_nom"]
	var autres []inscriptions.Personne
	for i := range max(len(prenoms), len(noms)) {
		var p inscriptions.Personne
		if i < len(prenoms) {
			p.Prenom = prenoms[i]
		}
		if i < len(noms) {
			p.Nom = noms[i]
		}
		autres = append(autres, p)
	}
	if i, err := strconv.Atoi(values.Get("retirer")); err == nil && i >= 0 && i < len(autres) {
		autres = append(autres[:i], autres[i+1:]...)
	}
	if values.Get("action") == "ajouter" && len(autres) < inscriptions.MaxAutres {
		autres = append(autres, inscriptions.Personne{})
	}
	if len(autres) > inscriptions.MaxAutres+1 { // a forged form: no endless list
		autres = autres[:inscriptions.MaxAutres+1]
	}
	return autres
}
