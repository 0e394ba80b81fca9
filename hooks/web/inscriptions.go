package web

import (
	"net/url"

	"atelier/hooks/inscriptions"
)

func parseInscriptionForm(values url.Values) inscriptions.InscriptionForm {
	return inscriptions.InscriptionForm{
		Prenom: values.Get("prenom"), Nom: values.Get("nom"), Telephone: values.Get("telephone"),
		Email: values.Get("email"), CodePostal: values.Get("code_postal"), InscritPar: values.Get("inscrit_par"),
		Consentement: values.Get("consentement") != "", Piege: values.Get("site_web"),
	}
}
