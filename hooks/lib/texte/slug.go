package texte

import "strings"

// Slug is the part of an address made from a name: folded (Plier), every
// run of other characters than letters and digits as one hyphen, at most
// max bytes, cut at a hyphen when it can. « Médiathèque de l'Île » gives
// « mediatheque-de-l-ile ». A name without a letter or digit gives "".
func Slug(s string, max int) string {
	var b strings.Builder
	hyphen := false
	for _, r := range Plier(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	slug := b.String()
	if len(slug) > max {
		slug = slug[:max]
		if i := strings.LastIndexByte(slug, '-'); i > 0 {
			slug = slug[:i]
		}
		slug = strings.TrimRight(slug, "-")
	}
	return slug
}
