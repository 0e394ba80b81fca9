// Package contact cleans up the contact details typed into the public
// registration form and the workspace's forms (telephone, e-mail, postal
// and INSEE codes, names). The people filling them in are often far from
// digital: they write numbers with dots, spaces or « +33 (0) », so we
// accept every usual writing, store one canonical form, and answer
// mistakes with a plain French sentence that can be shown as is next to
// the field. No PocketBase, so it can be tested and reused on its own; phone
// numbers follow libphonenumber's numbering plans.
package contact

import (
	"errors"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// Messages are plain errors: every error returned here is a user input
// problem meant to be displayed, so callers need no type to tell them apart.
var (
	errTelVide        = errors.New("Veuillez indiquer un numéro de téléphone.")
	errTelLettres     = errors.New("Le numéro de téléphone ne doit contenir que des chiffres (les espaces, points et tirets sont acceptés).")
	errTelLongueur    = errors.New("Le numéro de téléphone doit comporter 10 chiffres, par exemple 06 12 34 56 78.")
	errTelDebut       = errors.New("Le numéro de téléphone doit commencer par 0 (par exemple 06 12 34 56 78) ou par l'indicatif du pays (par exemple +33).")
	errTelInvalide    = errors.New("Ce numéro de téléphone n'existe pas : après le 0, le deuxième chiffre doit être entre 1 et 9, par exemple 06 12 34 56 78.")
	errTelOutreMer    = errors.New("Le numéro de téléphone doit comporter 9 chiffres après l'indicatif, par exemple +262 692 12 34 56.")
	errTelIntl        = errors.New("Le numéro international doit comporter entre 8 et 15 chiffres après le +, par exemple +32 470 12 34 56.")
	errTelInconnu     = errors.New("Ce numéro de téléphone n'existe pas : vérifiez les chiffres, par exemple 06 12 34 56 78.")
	errTelIntlInconnu = errors.New("Ce numéro international n'existe pas : vérifiez l'indicatif du pays et les chiffres, par exemple +32 470 12 34 56.")
	errEmailVide      = errors.New("Veuillez indiquer une adresse e-mail.")
	errEmailEspace    = errors.New("L'adresse e-mail ne doit pas contenir d'espace.")
	errEmailArobase   = errors.New("L'adresse e-mail doit contenir un seul signe @, par exemple nom@exemple.fr.")
	errEmail          = errors.New("L'adresse e-mail n'est pas valide : vérifiez qu'elle ressemble à nom@exemple.fr.")
	errCodePostal     = errors.New("Le code postal s'écrit avec 5 chiffres, par exemple 86000.")
	errCodeInsee      = errors.New("Le code INSEE s'écrit avec 5 caractères, par exemple 86194 ou 2A004.")
	errNomVide        = errors.New("Le nom ne peut pas être vide.")
	errNomLong        = errors.New("Le nom ne doit pas dépasser 100 caractères.")
	errNomLettre      = errors.New("Le nom doit contenir au moins une lettre.")
)

// regionsOutreMer maps the national prefixes of overseas departments to
// their region: the same national number means a different line in each
// (06 39 … is Mayotte, not the mainland), and dialled from abroad (or by an
// SMS gateway) an overseas number is not reachable through +33, so it is
// stored with the department's own country code. Other national numbers
// are mainland France.
var regionsOutreMer = map[string][]string{
	"0262": {"RE"}, "0263": {"RE"}, "0692": {"RE"}, "0693": {"RE"},
	"0269": {"YT"}, "0639": {"YT"},
	"0590": {"GP", "BL", "MF"}, "0690": {"GP", "BL", "MF"}, "0691": {"GP", "BL", "MF"},
	"0596": {"MQ"}, "0696": {"MQ"}, "0697": {"MQ"},
	"0594": {"GF"}, "0694": {"GF"},
}

// indicatifsFrancais are the country codes of mainland France and the
// overseas departments, whose numbers get the French checks and display.
var indicatifsFrancais = map[int]bool{33: true, 262: true, 590: true, 594: true, 596: true}

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
// → « +33612345678 », « 0692 12 34 56 » → « +262692123456 ». The number
// must exist in the numbering plan of its country (libphonenumber), so a
// typo is caught while the person is still there to fix it.
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
	if len(chiffres) < 8 || len(chiffres) > 15 || chiffres[0] == '0' {
		return "", errTelIntl
	}
	n, err := phonenumbers.Parse("+"+chiffres, "")
	if err != nil {
		return "", errTelIntlInconnu
	}
	cc := int(n.GetCountryCode())
	if !indicatifsFrancais[cc] {
		if !phonenumbers.IsValidNumber(n) {
			return "", errTelIntlInconnu
		}
		return phonenumbers.Format(n, phonenumbers.E164), nil
	}
	reste := strings.TrimPrefix(chiffres, strconv.Itoa(cc))
	// « +33 06 … »: the national 0 kept by mistake after the code.
	if len(reste) == 10 && reste[0] == '0' {
		reste = reste[1:]
	}
	if len(reste) != 9 {
		if cc == 33 {
			return "", errTelLongueur
		}
		return "", errTelOutreMer
	}
	if reste[0] == '0' {
		if cc == 33 {
			return "", errTelInvalide
		}
		return "", errTelOutreMer
	}
	if cc == 33 {
		// Through the national form so « +33 6 92 … » lands on +262 like
		// « 06 92 … » does.
		return telephoneNational("0" + reste)
	}
	n, err = phonenumbers.Parse("+"+strconv.Itoa(cc)+reste, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", errTelInconnu
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// telephoneNational converts a 10-digit national number (0 + 9 digits) of
// mainland France or of the overseas department its prefix belongs to.
func telephoneNational(chiffres string) (string, error) {
	if len(chiffres) != 10 {
		return "", errTelLongueur
	}
	if chiffres[0] != '0' {
		return "", errTelDebut
	}
	if chiffres[1] == '0' {
		return "", errTelInvalide
	}
	regions, ok := regionsOutreMer[chiffres[:4]]
	if !ok {
		regions = []string{"FR"}
	}
	for _, region := range regions {
		n, err := phonenumbers.Parse(chiffres, region)
		if err == nil && phonenumbers.IsValidNumberForRegion(n, region) {
			return phonenumbers.Format(n, phonenumbers.E164), nil
		}
	}
	return "", errTelInconnu
}

// FormaterTelephone prints a stored E.164 number the way French readers
// write it: « 06 12 34 56 78 », overseas « 0692 12 34 56 ». Anything else
// (foreign numbers, unexpected values) is returned unchanged.
func FormaterTelephone(e164 string) string {
	n, ok := numeroFrancais(e164)
	if !ok {
		return e164
	}
	return phonenumbers.Format(n, phonenumbers.NATIONAL)
}

// EstMobile tells whether a stored E.164 number is a mobile line, the only
// kind that receives an SMS.
func EstMobile(e164 string) bool {
	n, err := phonenumbers.Parse(e164, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return false
	}
	switch phonenumbers.GetNumberType(n) {
	case phonenumbers.MOBILE, phonenumbers.FIXED_LINE_OR_MOBILE:
		return true
	}
	return false
}

// numeroFrancais parses a stored E.164 number of mainland France or an
// overseas department that exists.
func numeroFrancais(e164 string) (*phonenumbers.PhoneNumber, bool) {
	if !strings.HasPrefix(e164, "+") || !chiffresSeulement(e164[1:]) {
		return nil, false
	}
	n, err := phonenumbers.Parse(e164, "")
	if err != nil || !indicatifsFrancais[int(n.GetCountryCode())] || !phonenumbers.IsValidNumber(n) {
		return nil, false
	}
	return n, true
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
// and drops control characters (pasted tabs, stray NULs) and invisible
// format characters, keeping accents, apostrophes and hyphens exactly as
// typed. The format characters (Unicode Cf: bidi overrides and isolates,
// U+200E/U+200F, U+061C, zero-width spaces and joiners, U+2060, U+FEFF)
// would let a name display differently from what it is (« Martin » written
// backwards with U+202E) or make two identical-looking names differ, so
// duplicates and searches would miss them.
func NormaliserNom(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
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

// MessagePrefereSMS is the message of a person who asks for SMS without a
// mobile number (e164, "" when none), or "" when the wish can be met.
func MessagePrefereSMS(e164 string) string {
	if EstMobile(e164) {
		return ""
	}
	return "Pour recevoir un SMS, indiquez un numéro de téléphone portable (06 ou 07)."
}
