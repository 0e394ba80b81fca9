package envois

import (
	"html"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"
)

// MaxObjet is the longest subject, in characters: the line length RFC 5322
// recommends, and about what a phone shows in a list of messages.
const MaxObjet = 78

// Objet is a subject of at most MaxObjet characters: prefix and suffix stay
// whole (« Rappel : », the date), the workshop's title is shortened with
// « … » when it is too long.
func Objet(prefix, titre, suffix string) string {
	room := MaxObjet - utf8.RuneCountInString(prefix) - utf8.RuneCountInString(suffix)
	// Line breaks and runs of spaces typed in a title; no-break spaces of
	// French typography stay.
	titre = strings.Join(strings.FieldsFunc(titre, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }), " ")
	if utf8.RuneCountInString(titre) > room {
		r := []rune(titre)
		titre = strings.TrimRight(string(r[:max(room-1, 0)]), " ,;:.") + "…"
	}
	s := prefix + titre + suffix
	if r := []rune(s); len(r) > MaxObjet {
		s = string(r[:MaxObjet-1]) + "…"
	}
	return s
}

var (
	htmlOpening = regexp.MustCompile(`(?i)<html[^>]*>`)
	headOpening = regexp.MustCompile(`(?i)<head[^>]*>`)
	hasTitle    = regexp.MustCompile(`(?i)<title[\s>]`)
	hasLang     = regexp.MustCompile(`(?i)<html[^>]*\slang=`)
)

// RegisterCourriels makes every e-mail that leaves, Atelier's own and
// PocketBase's (password reset, sign-in alert), a document mail programs
// and screen readers read well: a French HTML document with the subject
// as its <title>, a subject of at most MaxObjet characters. The plain-text
// part is each message's own (PocketBase's SMTP client derives one from the
// HTML when a message has none).
func RegisterCourriels(app core.App) {
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error {
		if m := e.Message; m != nil {
			if utf8.RuneCountInString(m.Subject) > MaxObjet {
				m.Subject = Objet("", m.Subject, "")
			}
			if m.HTML != "" {
				m.HTML = DocumentHTML(m.HTML, m.Subject)
			}
		}
		return e.Next()
	})
}

// DocumentHTML completes an HTML message: lang="fr" and a <title> holding
// the subject, added when missing (PocketBase's layout has neither); a
// fragment is wrapped in a document.
func DocumentHTML(body, objet string) string {
	title := "<title>" + html.EscapeString(objet) + "</title>"
	loc := htmlOpening.FindStringIndex(body)
	if loc == nil {
		return "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">" +
			"<meta name=\"viewport\" content=\"width=device-width\">" + title + "</head><body>\n" + body + "\n</body></html>"
	}
	opening := body[loc[0]:loc[1]]
	if !hasLang.MatchString(opening) {
		opening = opening[:len(opening)-1] + ` lang="fr">`
	}
	rest := body[loc[1]:]
	switch head := headOpening.FindStringIndex(rest); {
	case hasTitle.MatchString(rest):
	case head != nil:
		rest = rest[:head[1]] + title + rest[head[1]:]
	default:
		rest = `<head><meta charset="utf-8">` + title + "</head>" + rest
	}
	return body[:loc[0]] + opening + rest
}
