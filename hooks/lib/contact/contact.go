// Package contact cleans up the contact details typed into the public
// registration form and the workspace's forms (telephone, e-mail, postal
// and INSEE codes, names). The people filling them in are often far from
// digital: they write numbers with dots, spaces or « +33 (0) », so we
// accept every usual writing, store one canonical form, and answer
// mistakes with a plain French sentence that can be shown as is next to
// the field. Standard library only, so it can be
// tested and reused without PocketBase.
package contact

import (
	"errors"
	"net/mail"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Messages are plain errors: every error returned here is a user input
// problem meant to be displayed, so callers need no type to tell them apart.
var (
	errTelVide      = errors.New("Veuillez indiquer un numéro de téléphone.")
	errTelLettres   = errors.New("Le numéro de téléphone ne doit contenir que des chiffres (les espaces, points et tirets sont acceptés).")
	errTelLongueur  = errors.New("Le numéro de téléphone doit comporter 10 chiffres, par exemple 06 12 34 56 78.")
	errTelDebut     = errors.New("Le numéro de téléphone doit commencer par 0 (par exemple 06 12 34 56 78) ou par l'indicatif du pays (par exemple +33).")
	errTelInvalide  = errors.New("Ce numéro de téléphone n'existe pas : après le 0, le deuxième chiffre doit être entre 1 et 9, par exemple 06 12 34 56 78.")
	errTelOutreMer  = errors.New("Le numéro de téléphone doit comporter 9 chiffres après l'indicatif, par exemple +262 692 12 34 56.")
	errTelIntl      = errors.New("Le numéro international doit comporter entre 8 et 15 chiffres après le +, par exemple +32 470 12 34 56.")
	errEmailVide    = errors.New("Veuillez indiquer une adresse e-mail.")
	errEmailEspace  = errors.New("L'adresse e-mail ne doit pas contenir d'espace.")
	errEmailArobase = errors.New("L'adresse e-mail doit contenir un seul signe @, par exemple nom@exemple.fr.")
	errEmail        = errors.New("L'adresse e-mail n'est pas valide : vérifiez qu'elle ressemble à nom@exemple.fr.")
	errCodePostal   = errors.New("Le code postal s'écrit avec 5 chiffres, par exemple 86000.")
	errCodeInsee    = errors.New("Le code INSEE s'écrit avec 5 caractères, par exemple 86194 ou 2A004.")
	errNomVide      = errors.New("Le nom ne peut pas être vide.")
	errNomLong      = errors.New("Le nom ne doit pas dépasser 100 caractères.")
	errNomLettre    = errors.New("Le nom doit contenir au moins une lettre.")
)

// outreMer maps the national prefixes of overseas departments to their own
// country codes: dialled from abroad (or by an SMS gateway) they are not
// reachable through +33, so storing +33 would make them unusable.
var outreMer = map[string]string{
	"0262": "262", "0263": "262", "0692": "262", "0693": "262", // La Réunion
	"0269": "262", "0639": "262", // Mayotte
	"0590": "590", "0690": "590", "0691": "590", // Guadeloupe
	"0596": "596", "0696": "596", "0697": "596", // Martinique
	"0594": "594", "0694": "594", // Guyane
	"0508": "508", // Saint-Pierre-et-Miquelon
}

// indicatifsFrancais are the country codes whose numbers follow the French
// 0 + 9 digits plan; they get strict checks instead of the generic ones.
var indicatifsFrancais = []string{"33", "262", "590", "594", "596", "508"}

// separateur reports the characters people put between digit groups,
// including the non-breaking spaces and hyphens word processors insert.
func separateur(r rune) bool {
	switch r {
	case '.', '-', '/', '_', '\u2010', '\u2011', '\u2012', '\u2013', '\u2014':
		return true
	}
	return unicode.IsSpace(r) // covers U+00A0 and U+202F
}

// NormaliserTelephone turns a French (including overseas) or international
// phone number written in any usual way into E.164, e.g. « 06 12 34 56 78 »
// → « +33612345678 », « 0692 12 34 56 » → « +262692123456 ».
func NormaliserTelephone(s string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if separateur(r) {
			return -1
		}
		return r
	}, s)
	// « +33 (0)6 … » is a common way to show the optional national 0; it is
	// only meaningful after an international prefix.
	if t := strings.TrimLeft(s, "("); strings.HasPrefix(t, "+") || strings.HasPrefix(t, "00") {
		s = strings.ReplaceAll(s, "(0)", "")
	}
	s = strings.NewReplacer("(", "", ")", "").Replace(s)
	if s == "" {
		return "", errTelVide
	}
	intl := strings.HasPrefix(s, "+")
	chiffres := strings.TrimPrefix(s, "+")
	if chiffres == "" {
		return "", errTelVide
	}
	if !chiffresSeulement(chiffres) {
		return "", errTelLettres
	}
	if !intl && strings.HasPrefix(chiffres, "00") {
		intl, chiffres = true, chiffres[2:]
	}
	if !intl {
		return telephoneNational(chiffres)
	}
	for _, cc := range indicatifsFrancais {
		reste, ok := strings.CutPrefix(chiffres, cc)
		if !ok {
			continue
		}
		// « +33 06 … »: the national 0 kept by mistake after the code.
		if len(reste) == 10 && reste[0] == '0' {
			reste = reste[1:]
		}
		if cc == "33" {
			if len(reste) != 9 {
				return "", errTelLongueur
			}
			// Through the national form so « +33 6 92 … » lands on +262
			// like « 06 92 … » does.
			return telephoneNational("0" + reste)
		}
		if len(reste) != 9 || reste[0] == '0' {
			return "", errTelOutreMer
		}
		return "+" + cc + reste, nil
	}
	if len(chiffres) < 8 || len(chiffres) > 15 || chiffres[0] == '0' {
		return "", errTelIntl
	}
	return "+" + chiffres, nil
}

// telephoneNational converts a 10-digit national number (0 + 9 digits).
func telephoneNational(n string) (string, error) {
	if len(n) != 10 {
		return "", errTelLongueur
	}
	if n[0] != '0' {
		return "", errTelDebut
	}
	if n[1] == '0' {
		return "", errTelInvalide
	}
	if cc, ok := outreMer[n[:4]]; ok {
		return "+" + cc + n[1:], nil
	}
	return "+33" + n[1:], nil
}

// FormaterTelephone prints a stored E.164 number the way French readers
// write it: « 06 12 34 56 78 », overseas « 0692 12 34 56 ». Anything else
// (foreign numbers, unexpected values) is returned unchanged.
func FormaterTelephone(e164 string) string {
	for _, cc := range indicatifsFrancais {
		reste, ok := strings.CutPrefix(e164, "+"+cc)
		if !ok || len(reste) != 9 || !chiffresSeulement(reste) {
			continue
		}
		n := "0" + reste
		if cc == "33" {
			return n[0:2] + " " + n[2:4] + " " + n[4:6] + " " + n[6:8] + " " + n[8:10]
		}
		// Overseas numbers are written with their 4-digit prefix together.
		return n[0:4] + " " + n[4:6] + " " + n[6:8] + " " + n[8:10]
	}
	return e164
}

func chiffresSeulement(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// fautesDomaine lists domain typos seen on sign-up forms; each one is not a
// domain anybody really receives mail at, so rejecting it is safe.
var fautesDomaine = map[string]string{
	"gmail.con":   "gmail.com",
	"gmial.com":   "gmail.com",
	"gmai.com":    "gmail.com",
	"gmal.com":    "gmail.com",
	"gamil.com":   "gmail.com",
	"gmail.om":    "gmail.com",
	"hotmial.fr":  "hotmail.fr",
	"hotmial.com": "hotmail.com",
	"hotmail.con": "hotmail.com",
	"hotmail.fe":  "hotmail.fr",
	"orange.fe":   "orange.fr",
	"wanadoo.fe":  "wanadoo.fr",
	"yahoo.fe":    "yahoo.fr",
	"laposte.ne":  "laposte.net",
	"free.f":      "free.fr",
	"outlook.con": "outlook.com",
}

// SuggestionEmail returns the corrected address when addr uses a known
// misspelt domain (« jean@gmail.con » → « jean@gmail.com »), or "" when
// there is nothing to suggest.
func SuggestionEmail(addr string) string {
	addr = strings.ToLower(strings.TrimSpace(addr))
	i := strings.LastIndex(addr, "@")
	if i < 0 {
		return ""
	}
	if d, ok := fautesDomaine[addr[i+1:]]; ok {
		return addr[:i+1] + d
	}
	return ""
}

// NormaliserEmail trims and lowercases an e-mail address and checks it is
// plausible. Known typos are refused with the corrected address in the
// message, because a wrong address means the person never gets the
// confirmation. An empty input is an error: callers with an optional
// e-mail field check for "" first.
func NormaliserEmail(s string) (string, error) {
	// The whole address is lowercased: no French provider has case-sensitive
	// local parts, and it lets us find duplicates.
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "" {
		return "", errEmailVide
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "", errEmailEspace
	}
	local, domaine, ok := strings.Cut(s, "@")
	if !ok || strings.Contains(domaine, "@") {
		return "", errEmailArobase
	}
	if sugg := SuggestionEmail(s); sugg != "" {
		return "", errors.New("L'adresse e-mail semble contenir une faute de frappe : vouliez-vous écrire " + sugg + " ?")
	}
	if len(s) > 254 || local == "" || len(local) > 64 || !domaineValide(domaine) {
		return "", errEmail
	}
	// net/mail catches what the checks above do not (local part syntax).
	// Requiring Address == s refuses « Jean <j@x.fr> », « <j@x.fr> » and
	// comments, which it would otherwise accept.
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return "", errEmail
	}
	return s, nil
}

// domaineValide checks a lowercased DNS name: at least two labels of
// letters, digits and inner hyphens, ending with an alphabetic TLD.
func domaineValide(d string) bool {
	labels := strings.Split(d, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
				return false
			}
		}
	}
	tld := labels[len(labels)-1]
	if len(tld) < 2 {
		return false
	}
	if strings.HasPrefix(tld, "xn--") {
		return true // punycode TLD (.xn--p1ai = .рф): real, though not letters
	}
	for _, r := range tld {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}

// NormaliserCodePostal removes every space (« 86 000 ») and checks the
// result is 5 digits. The field is optional, so "" is accepted.
func NormaliserCodePostal(s string) (string, error) {
	s = sansEspaces(s)
	if s == "" {
		return "", nil
	}
	if len(s) != 5 || !chiffresSeulement(s) {
		return "", errCodePostal
	}
	return s, nil
}

// NormaliserCodeInsee removes every space and upper-cases (« 2a 004 » →
// « 2A004 »), then checks the result is a commune's INSEE code. The field
// is optional, so "" is accepted. Every form with an INSEE code uses it.
func NormaliserCodeInsee(s string) (string, error) {
	s = strings.ToUpper(sansEspaces(s))
	if s == "" {
		return "", nil
	}
	if !CodeInseeValide(s) {
		return "", errCodeInsee
	}
	return s, nil
}

// codeInsee is how the code officiel géographique of a commune is written:
// its department (01 to 19, 21 to 95, 2A or 2B for Corsica, 97x overseas)
// then 3 digits. The open data schema wants the same.
var codeInsee = regexp.MustCompile(`^(?:[013-9][0-9]|2[1-9AB])[0-9]{3}$`)

// CodeInseeValide tells whether code, as stored (no space, upper case), is
// an INSEE code.
func CodeInseeValide(code string) bool { return codeInsee.MatchString(code) }

// sansEspaces removes every kind of space, non-breaking ones included.
func sansEspaces(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// NormaliserNom trims a name, collapses inner whitespace to single spaces
// and drops control characters (pasted tabs, stray NULs), keeping accents,
// apostrophes and hyphens exactly as typed.
func NormaliserNom(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// NomValide checks a name once normalised: 1 to 100 characters, with at
// least one letter so « - » or « 123 » are refused.
func NomValide(s string) error {
	s = NormaliserNom(s)
	if s == "" {
		return errNomVide
	}
	if utf8.RuneCountInString(s) > 100 {
		return errNomLong
	}
	if strings.IndexFunc(s, unicode.IsLetter) < 0 {
		return errNomLettre
	}
	return nil
}
