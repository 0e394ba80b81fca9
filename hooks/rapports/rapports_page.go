package rapports

import (
	"regexp"
	"time"
	"unicode"
	"unicode/utf8"

	"atelier/hooks/lib/frfmt"
)

// MoisLabel writes "2026-10" as « Octobre 2026 ».
func MoisLabel(cle string) string {
	t, err := time.Parse("2006-01", cle)
	if err != nil {
		return cle
	}
	label := frfmt.Mois(t)
	r, size := utf8.DecodeRuneInString(label)
	return string(unicode.ToUpper(r)) + label[size:]
}

var MoisPattern = regexp.MustCompile(`^[0-9]{4}-(0[1-9]|1[0-2])$`)
