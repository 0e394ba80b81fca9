package referentiel

// La Coop's activity export writes a few values with other labels than
// Atelier's pages (its typographic apostrophe, its longer redirection
// labels). The export must read like La Coop's own, the pages keep their
// labels: these lists hold the same values as TypesLieu, Materiels and
// StructuresRedirection with La Coop's labels, copied from
// inclusion-numerique/coop-mediation-numerique (apps/web/src/features/
// activites/use-cases/cra/): fields/type-lieu.ts at 1eb18654f991,
// fields/materiel.ts and individuel/fields/structures-redirection.ts at
// 0bcf4d2ccf34.

// TypesLieuCoop are TypesLieu as La Coop's export writes them.
var TypesLieuCoop = List{
	{"lieu_activite", "Lieu d’activité"},
	{"domicile", "À domicile"},
	{"a_distance", "À distance"},
	{"autre", "Autre lieu"},
}

// MaterielsCoop are Materiels as La Coop's export writes them.
var MaterielsCoop = List{
	{"ordinateur", "Ordinateur"},
	{"telephone", "Téléphone"},
	{"tablette", "Tablette"},
	{"autre", "Autre"},
	{"aucun", "Pas de matériel"},
}

// StructuresRedirectionCoop are StructuresRedirection as La Coop's export
// writes them.
var StructuresRedirectionCoop = List{
	{"administration", "Administration (mairie, préfecture…)"},
	{"mediation_numerique", "Autre structure de médiation numérique"},
	{"operateur_demarche", "Opérateur ou organisme en charge de la démarche administrative"},
	{"aide_sociale", "Structure d’aide sociale (maison des solidarités, centre social…)"},
	{"insertion_professionnelle", "Structure d’insertion professionnelle (France Travail, mission locale, chambre de commerce…)"},
	{"aide_demarches", "Structure d’aide aux démarches administratives (France Services…)"},
	{"autre", "Autre"},
}

// Position is the rank of value in the list, from 1, or 0 when unknown:
// La Coop writes an autonomy or a workshop level as « rank/size » (« 2/3 »),
// its lists being ordered from the least to the most autonomous.
func (l List) Position(value string) int {
	for i, o := range l {
		if o.Value == value {
			return i + 1
		}
	}
	return 0
}
