// Package sms holds what Atelier knows about text messages without
// PocketBase: how many segments a text costs, and the providers' APIs.
package sms

import "strings"

// The GSM 03.38 alphabet: a text written only with it fits 160 characters
// in one SMS (153 per part when split); any other character switches the
// whole message to UCS-2, 70 characters (67 per part). French accents
// outside this table (ç capital, ê, â, î, ô, û, ë, ï) are the usual cause.
const gsm7Basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"

// Characters of the extension table cost two (an escape and the character).
const gsm7Extension = "^{}\\[~]|€\f"

// Limits of one SMS and of each part of a long one.
const (
	MaxGSM7        = 160
	MaxGSM7Part    = 153
	MaxUnicode     = 70
	MaxUnicodePart = 67
)

// EstGSM7 tells whether the text needs no Unicode encoding.
func EstGSM7(text string) bool {
	for _, r := range text {
		if gsm7Cout(r) == 0 {
			return false
		}
	}
	return true
}

// gsm7Couts holds what each GSM-7 character costs, read once from the
// tables: texts are measured again at each shortening (see envois.fitSMS).
var gsm7Couts = func() map[rune]int {
	m := map[rune]int{}
	for _, r := range gsm7Basic {
		m[r] = 1
	}
	for _, r := range gsm7Extension {
		m[r] = 2
	}
	return m
}()

var gsm7ASCII = func() (t [128]int8) {
	for r, n := range gsm7Couts {
		if r < 128 {
			t[r] = int8(n)
		}
	}
	return t
}()

// gsm7Cout is the septets r costs in GSM-7, 0 when it is not in the alphabet.
func gsm7Cout(r rune) int {
	if r >= 0 && r < 128 {
		return int(gsm7ASCII[r])
	}
	return gsm7Couts[r]
}

// Longueur is the text's length in the units of its encoding: GSM-7
// septets (extension characters count two) or UCS-2 code units.
func Longueur(text string) int {
	n, _ := longueurs(text)
	return n
}

// longueurs measures text in one pass: its length in the units of its
// encoding and whether that encoding is GSM-7.
func longueurs(text string) (int, bool) {
	septets, units, gsm7 := 0, 0, true
	for _, r := range text {
		if r > 0xFFFF {
			units += 2 // a surrogate pair
		} else {
			units++
		}
		if gsm7 {
			c := gsm7Cout(r)
			if c == 0 {
				gsm7 = false
			}
			septets += c
		}
	}
	if gsm7 {
		return septets, true
	}
	return units, false
}

// Segments is the number of SMS the text is billed as.
func Segments(text string) int {
	if text == "" {
		return 0
	}
	n, gsm7 := longueurs(text)
	one, part := MaxGSM7, MaxGSM7Part
	if !gsm7 {
		one, part = MaxUnicode, MaxUnicodePart
	}
	if n <= one {
		return 1
	}
	return (n + part - 1) / part
}

// VersGSM7 replaces the characters that have a close GSM-7 equivalent
// (typographic quotes and spaces, the accents a French text uses), so that
// a message stays in the cheaper encoding. Other characters are kept.
func VersGSM7(text string) string {
	return gsm7Remplacements.Replace(text)
}

var gsm7Remplacements = strings.NewReplacer(
	"\u00a0", " ", "\u202f", " ", "\u2009", " ",
	"’", "'", "‘", "'", "«\u00a0", "\"", "\u00a0»", "\"", "« ", "\"", " »", "\"", "«", "\"", "»", "\"",
	"“", "\"", "”", "\"", "–", "-", "—", "-", "…", "...",
	"à", "à", "â", "a", "ä", "ä", "ç", "Ç", "ê", "e", "ë", "e", "î", "i", "ï", "i", "ô", "o", "û", "u", "ü", "ü",
	"À", "A", "Â", "A", "È", "E", "Ê", "E", "Ë", "E", "Î", "I", "Ï", "I", "Ô", "O", "Û", "U", "Ù", "U", "œ", "oe", "Œ", "OE",
)
