package contact

import "errors"

var errSIRET = errors.New("Ce numéro SIRET n'existe pas : vérifiez les 14 chiffres, sur une facture ou l'avis de situation de l'Insee.")

// laPosteSIREN is the SIREN of La Poste, whose establishments' SIRET do
// not follow the Luhn key (INSEE gives them a sum of digits divisible
// by 5).
const laPosteSIREN = "356000000"

// NormaliserSIRET removes the spaces (« 218 601 942 00019 ») and checks
// the 14 digits and their key (Luhn, or La Poste's rule). The field is
// optional, so "" is accepted.
func NormaliserSIRET(s string) (string, error) {
	s = sansEspaces(s)
	if s == "" {
		return "", nil
	}
	if !SIRETValide(s) {
		return "", errSIRET
	}
	return s, nil
}

// SIRETValide tells whether s is 14 digits whose key is right: a typo of
// one digit or two swapped neighbours is caught.
func SIRETValide(s string) bool {
	if len(s) != 14 || !chiffresSeulement(s) {
		return false
	}
	if s[:9] == laPosteSIREN && s != laPosteSIREN+"00048" {
		somme := 0
		for _, r := range s {
			somme += int(r - '0')
		}
		return somme%5 == 0
	}
	somme := 0
	for i := range len(s) {
		d := int(s[len(s)-1-i] - '0')
		if i%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		somme += d
	}
	return somme%10 == 0
}
