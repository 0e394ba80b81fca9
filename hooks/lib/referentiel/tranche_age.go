package referentiel

// TrancheAgeDeNaissance gives the value of TranchesAge for a person born in
// anneeNaissance, as of the year reference. The birthday is unknown, so the
// age is the difference of the years: the national statistics accept that
// approximation. An unknown year (0) or an impossible one (after reference)
// gives "non_communique".
func TrancheAgeDeNaissance(anneeNaissance, reference int) string {
	if anneeNaissance <= 0 || anneeNaissance > reference {
		return "non_communique"
	}
	age := reference - anneeNaissance
	switch {
	case age < 12:
		return "moins_12"
	case age < 18:
		return "12_17"
	case age < 25:
		return "18_24"
	case age < 40:
		return "25_39"
	case age < 60:
		return "40_59"
	case age < 70:
		return "60_69"
	default:
		return "70_plus"
	}
}
