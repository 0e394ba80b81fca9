package demodata

// PrenomsEtNoms lists the demo first and last names (mainland and La
// Réunion), for synthetic people in benchmarks.
func PrenomsEtNoms() (prenoms, noms []string) {
	for _, p := range append(append([]prenom{}, prenomsMetropole...), prenomsReunion...) {
		prenoms = append(prenoms, p.value)
	}
	return prenoms, append(append([]string{}, nomsMetropole...), nomsReunion...)
}
