package web

import (
	"net/url"
	"strings"

	"atelier/hooks/accompagnements"
)

func parseAccompagnementForm(values url.Values) accompagnements.AccompagnementForm {
	get := func(name string) string { return strings.TrimSpace(values.Get(name)) }
	return accompagnements.AccompagnementForm{
		Structure: get("structure"), Beneficiaire: get("beneficiaire"), Date: get("date"),
		Duree: get("duree"), DureeAutre: get("duree_autre"), TypeLieu: get("type_lieu"),
		Commune: get("commune"), CodePostal: get("code_postal"), CodeInsee: strings.ToUpper(get("code_insee")),
		Thematiques: formList(values, "thematiques"), Materiel: formList(values, "materiel"),
		Autonomie: get("autonomie"), Demarche: get("demarche"), Oriente: get("oriente") != "",
		StructureRedirection: get("structure_redirection"), Notes: get("notes"),
		TrancheAge: get("tranche_age"), Genre: get("genre"), StatutSocial: get("statut_social"),
		ThematiquesDemarche: formList(values, "thematiques_demarche"), Etiquettes: formList(values, "etiquettes"),
		DejaAccompagne: get("deja_accompagne") != "",
	}
}
