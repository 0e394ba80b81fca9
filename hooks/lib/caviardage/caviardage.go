// Package caviardage removes personal data and secrets from what the
// server writes to its logs (request log, SQL in dev mode): personal
// links hold a token that cancels a registration, searches hold people's
// names, SQL holds every value it binds. Standard library only.
package caviardage

import (
	"net/url"
	"regexp"
	"strings"
)

// Masque replaces what was removed.
const Masque = "MASQUE"

// secretPaths are the path prefixes whose next segment is a secret: the
// personal link of a registration and its short code, an attestation's
// verification code, the secret of the SMS providers' delivery reports,
// the links of the staff account e-mails, the links to shared figures.
var secretPaths = []string{"/inscription/", "/verifier/", "/i/", "/sms/retours/brevo/", "/sms/retours/ovh/",
	"/connexion/nouveau-mot-de-passe/", "/connexion/verifier/", "/connexion/changer-email/",
	"/chiffres/", "/connexion/invitation/"}

// keptParams are the query parameters whose values say nothing about a
// person (pages, dates, the shape of an API answer); every other value
// (searches, filters, tokens, e-mails) is masked.
var keptParams = map[string]bool{
	"page": true, "perPage": true, "skipTotal": true, "sort": true, "fields": true, "expand": true,
	"du": true, "au": true, "mois": true, "periode": true, "quand": true, "semaines": true,
	"archives": true, "confirmation": true, "v": true, "thumb": true, "download": true,
}

// URL returns a request URI or an absolute URL with its secrets masked:
// the segment after a secret path and the values of the query parameters
// not in keptParams. A value it cannot parse is masked whole.
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return Masque
	}
	for _, prefix := range secretPaths {
		rest, ok := strings.CutPrefix(u.Path, prefix)
		if !ok || rest == "" {
			continue
		}
		_, after, found := strings.Cut(rest, "/")
		u.Path = prefix + Masque
		if found {
			u.Path += "/" + after
		}
		u.RawPath = ""
	}
	if u.RawQuery != "" {
		q, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			u.RawQuery = Masque
		} else {
			for key, values := range q {
				if keptParams[key] {
					continue
				}
				for i := range values {
					values[i] = Masque
				}
			}
			u.RawQuery = q.Encode()
		}
	}
	u.Fragment, u.RawFragment, u.User = "", "", nil
	return u.String()
}

// quoted is an SQL string or blob literal, doubled quotes included.
var quoted = regexp.MustCompile(`[xX]?'(?:[^']|'')*'`)

// SQL masks the literals of a statement as dbx prints it (bound values
// written in place): the statement's shape stays, its data goes.
func SQL(stmt string) string {
	return quoted.ReplaceAllString(stmt, "'"+Masque+"'")
}
