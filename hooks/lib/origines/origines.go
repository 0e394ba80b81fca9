// Package origines reads the list of web sites allowed to show a page of
// Atelier in a frame: one https origin per line (scheme and host, an
// optional port, nothing else), as the frame-ancestors directive of a
// Content-Security-Policy wants them.
package origines

import (
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// Max is how many sites a structure may list: a town hall, a library, a
// few partners.
const Max = 10

// Erreur is a refused line, with the French sentence shown next to the field.
type Erreur struct{ Message string }

func (e *Erreur) Error() string { return e.Message }

// Parse reads the typed list (one origin per line, blank lines ignored)
// and gives the origins, normalised (lower case, without a final slash),
// each once.
func Parse(text string) ([]string, error) {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		origin, err := parseOne(line)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	if len(out) > Max {
		return nil, &Erreur{fmt.Sprintf("Indiquez %d sites au plus.", Max)}
	}
	return out, nil
}

// Keep gives the valid origins of a saved list, leaving out any other
// line: the field may be written through the API or the admin UI, past
// Parse, and a header must never receive what it did not check.
func Keep(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if origin, err := parseOne(strings.TrimSpace(line)); err == nil && !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	if len(out) > Max {
		out = out[:Max]
	}
	return out
}

func parseOne(line string) (string, error) {
	refuse := func(why string) error { return &Erreur{fmt.Sprintf("« %s » : %s", line, why)} }
	u, err := url.Parse(strings.TrimSuffix(line, "/"))
	if err != nil || u.Host == "" {
		return "", refuse("écrivez l'adresse complète du site, par exemple https://www.mairie-exemple.fr.")
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "", refuse("l'adresse doit commencer par https://.")
	}
	if u.User != nil || u.Path != "" || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(line, "?") {
		return "", refuse("gardez seulement le début de l'adresse, sans chemin après le nom du site.")
	}
	host := strings.ToLower(u.Hostname())
	if !validHost(host) {
		return "", refuse("ce nom de site n'est pas valide.")
	}
	origin := "https://" + host
	if port := u.Port(); port != "" {
		origin += ":" + port
	}
	return origin, nil
}

// validHost accepts a domain name with a dot (letters, digits, hyphens)
// or an IP address: no wildcard, nothing a browser would not match.
func validHost(host string) bool {
	if net.ParseIP(strings.Trim(host, "[]")) != nil {
		return true
	}
	if len(host) > 253 || !strings.Contains(host, ".") {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 || strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-") {
			return false
		}
		if strings.Trim(label, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}
