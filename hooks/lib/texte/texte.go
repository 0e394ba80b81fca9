// Package texte holds the text rules shared by every page and package:
// how two names or titles are compared whatever their accents, case,
// hyphens and apostrophes (Plier), and how accents are dropped
// (SansAccents). Standard library only.
package texte

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Plier makes a text comparable: lower case, no accents (« Œ » and « Æ »
// become « oe » and « ae »), hyphens and apostrophes (straight or curly)
// as spaces, and single spaces with none at either end.
// « Éloïse  Le-Dû » and « eloise le du » fold alike; punctuation other
// than hyphens and apostrophes is kept (« Sécuriser ses COMPTES, éviter »
// gives « securiser ses comptes, eviter »).
func Plier(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending: written before the next letter
	for _, r := range strings.ToLower(s) {
		if r == '-' || r == '\'' || r == '’' || unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if folded, ok := accents[r]; ok {
			b.WriteString(folded)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// SansAccents removes the accents of s and nothing else: case, spaces and
// punctuation stay (« Éloïse Le-Dû » → « Eloise Le-Du », « Œuvre » →
// « OEuvre »). For an ASCII rendering of a name, a file name for instance.
func SansAccents(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		lower := unicode.ToLower(r)
		folded, ok := accents[lower]
		switch {
		case !ok:
			b.WriteRune(r)
		case lower != r:
			b.WriteString(strings.ToUpper(folded))
		default:
			b.WriteString(folded)
		}
	}
	return b.String()
}

// accents covers the letters of French and of the names usually met in
// French structures (Spanish, Portuguese, Nordic, German letters).
var accents = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ä': "a", 'ã': "a", 'å': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e",
	'ì': "i", 'í': "i", 'î': "i", 'ï': "i", 'ñ': "n",
	'ò': "o", 'ó': "o", 'ô': "o", 'ö': "o", 'õ': "o", 'ø': "o", 'œ': "oe",
	'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ý': "y", 'ÿ': "y",
}

// RechercheMax is the longest search kept, in characters: longer than any
// name or title, short enough that a pasted page never reaches the
// database as a pattern (SQLite refuses LIKE patterns over 50 000 bytes).
const RechercheMax = 200

// Recherche is what a search box typed means: trimmed, inner spaces
// collapsed, cut at RechercheMax characters.
func Recherche(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= RechercheMax {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:RechercheMax]))
}

// Phrases splits a text written as sentences (a workshop's objectives) into
// one sentence each, each ending with a full stop. Only ". " ends a
// sentence: « impots.gouv » stays whole.
func Phrases(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ". ") {
		if part = strings.TrimSuffix(strings.TrimSpace(part), "."); part != "" {
			out = append(out, part+".")
		}
	}
	return out
}
