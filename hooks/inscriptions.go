package hooks

import (
	"net/url"

	"atelier/hooks/inscriptions"
)

// Public registration: the form's validation, and the decision (confirmed
// or waiting list) taken inside one write transaction so that confirmations
// never exceed the capacity, ranks stay unique and consecutive, and a
// double submit gives back the same registration.

func parseRegistrationForm(values url.Values) inscriptions.RegistrationForm {
	return inscriptions.RegistrationForm{
		Prenom: values.Get("prenom"), Nom: values.Get("nom"), Telephone: values.Get("telephone"),
		Email: values.Get("email"), CodePostal: values.Get("code_postal"), InscritPar: values.Get("inscrit_par"),
		Consentement: values.Get("consentement") != "", Piege: values.Get("site_web"),
	}
}

// Registrations that arrive together are decided together, one after the
// other in a single write transaction (group commit): the first request
// to find nobody at work takes the pending ones and commits them at once,
// the others wait for their outcome. SQLite writes one transaction at a
// time anyway; this pays the transaction's fixed cost and the hand-over
// of the write lock once per batch instead of once per person.
