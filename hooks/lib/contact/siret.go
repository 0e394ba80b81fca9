package contact

import "errors"

var (
	errSiretLongueur = errors.New("Le SIRET a 14 chiffres, par exemple 218 601 944 00018 : vérifiez qu'il n'en manque pas.")
	errSiretCle      = errors.New("Ce SIRET n'existe pas : un chiffre est faux ou deux sont inversés. Recopiez-le depuis un courrier officiel ou annuaire-entreprises.data.gouv.fr.")
)

// sirenLaPoste is the SIREN of La Poste, whose many establishments do not
// fit the Luhn key: their SIRET's digits add up to a multiple of 5 (its
// head office, 356 000 000 00048, follows Luhn).
const sirenLaPoste = "356000000"

// NormaliserSiret removes every space (« 218 601 944 00018 ») and checks
// the 14 digits and their Luhn key, so that a typo is caught before the
// number reaches the national open data. The field is optional, so "" is
// accepted.
func NormaliserSiret(s string) (string, error) {
	s = sansEspaces(s)
	if s == "" {
		return "", nil
	}
	if len(s) != 14 || !chiffresSeulement(s) {
		return "", errSiretLongueur
	}
	if !luhn(s) && !(s[:9] == sirenLaPoste && sommeChiffres(s)%5 == 0) {
		return "", errSiretCle
	}
	return s, nil
}

func sommeChiffres(chiffres string) int {
	somme := 0
	for _, c := range chiffres {
		somme += int(c - '0')
	}
	return somme
}

// luhn checks the key of a string of digits: from the right, every second
// digit is doubled (minus 9 above 9), and the sum is a multiple of 10.
func luhn(chiffres string) bool {
	somme := 0
	for i := range len(chiffres) {
		d := int(chiffres[len(chiffres)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		somme += d
	}
	return somme%10 == 0
}
