package web

import (
	"net/url"
	"strings"

	"atelier/hooks/beneficiaires"
)

func parseBeneficiaireForm(values url.Values) beneficiaires.BeneficiaireForm {
	get := func(name string) string { return strings.TrimSpace(values.Get(name)) }
	return beneficiaires.BeneficiaireForm{
		Prenom: get("prenom"), Nom: get("nom"), Telephone: get("telephone"), Email: get("email"),
		AnneeNaissance: get("annee_naissance"), Genre: get("genre"), StatutSocial: get("statut_social"),
		Commune: get("commune"), CodePostal: get("code_postal"), Notes: get("notes"),
		Consentement: formList(values, "consentement"), PrefereSMS: get("prefere_sms") != "",
	}
}
