package contact

import "errors"

// MessageNom is the French message next to a name field: the message for
// an empty field (vide, such as « Indiquez votre prénom. »), or what is
// wrong with what was typed; "" when the name is valid.
func MessageNom(s, vide string) string {
	switch err := NomValide(s); {
	case err == nil:
		return ""
	case errors.Is(err, errNomLong):
		return "Ce nom est trop long : 100 caractères au plus."
	case errors.Is(err, errNomLettre):
		return "Écrivez le nom en lettres."
	default:
		return vide
	}
}
