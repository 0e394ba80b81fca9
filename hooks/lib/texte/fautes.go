package texte

import "strings"

// UneFaute returns SQL LIKE patterns (with « % » around) that match a text
// containing word typed with one mistake: a wrong letter, a missing one,
// an extra one or two letters swapped (« guerim », « gerin », « guerrin »,
// « geurin » for « guerin »). One pattern per position covers the first
// three: « gu%rim » is « guerim » with any letter, none or one more at the
// third place. Only patterns with three letters in a row are kept: a
// trigram index can look them up. Words under five letters get none (too
// many false friends). word is folded (Plier) and has no « % » or « _ ».
func UneFaute(word string) []string {
	w := []rune(word)
	if len(w) < 5 {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	add := func(p []rune) {
		s := "%" + string(p) + "%"
		if !seen[s] && hasRun(p, 3) {
			seen[s] = true
			out = append(out, s)
		}
	}
	join := func(parts ...[]rune) []rune {
		var r []rune
		for _, p := range parts {
			r = append(r, p...)
		}
		return r
	}
	for i := range w {
		add(join(w[:i], []rune("%"), w[i+1:])) // a wrong, missing or extra letter at i
	}
	for i := 0; i+1 < len(w); i++ {
		if w[i] != w[i+1] {
			add(join(w[:i], []rune{w[i+1], w[i]}, w[i+2:])) // two letters swapped
		}
	}
	return out
}

// hasRun tells whether p has n letters in a row without a wildcard.
func hasRun(p []rune, n int) bool {
	run := 0
	for _, r := range p {
		if r == '_' || r == '%' {
			run = 0
			continue
		}
		if run++; run >= n {
			return true
		}
	}
	return false
}

// MotsRecherche splits a search into folded words (Plier), at most max of
// them, without the LIKE wildcards a person may type.
func MotsRecherche(q string, max int) []string {
	words := strings.Fields(strings.NewReplacer("%", " ", "_", " ").Replace(Plier(q)))
	if len(words) > max {
		words = words[:max]
	}
	return words
}

// Fiche is the folded text a person is searched by: first name, last
// name, e-mail and phone, as Plier folds a search.
func Fiche(prenom, nom, email, telephone string) string {
	return strings.TrimSpace(Plier(prenom) + " " + Plier(nom) + " " + strings.ToLower(email) + " " + telephone)
}
