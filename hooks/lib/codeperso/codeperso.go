// Package codeperso draws and reads the short personal code of a
// registration (« 7K3M-Q9PX »): what a person can read out on the phone,
// copy from a printed card or type on a basic phone, instead of the
// 43-character link.
//
// Eight characters of Crockford's base32 (no I, L, O, U: nothing to
// confuse when read aloud or handwritten) drawn by crypto/rand: 40 random
// bits. Guessing is made useless by the per-IP rate limit of /i/, not by
// the length alone.
package codeperso

import (
	"crypto/rand"
	"fmt"
	"strings"
)

// Alphabet is Crockford's base32: digits, then letters without I, L, O, U.
const Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// Longueur is the number of characters drawn; the stored code has a dash
// in the middle (Longueur+1 characters).
const Longueur = 8

// Motif is the stored form, for the collection's field pattern.
const Motif = `^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`

// Nouveau draws a code. Each byte gives 5 bits (a 32-letter alphabet: no
// modulo bias).
func Nouveau() string {
	var raw [Longueur]byte
	if _, err := rand.Read(raw[:]); err != nil {
		panic(fmt.Errorf("random personal code: %w", err)) // the system's randomness is broken
	}
	var b strings.Builder
	b.Grow(Longueur + 1)
	for i, r := range raw {
		if i == Longueur/2 {
			b.WriteByte('-')
		}
		b.WriteByte(Alphabet[r&31])
	}
	return b.String()
}

// Normaliser reads a code as it is typed: lower case, without the dash or
// with another dash, with spaces, O for 0, I or L for 1. It answers the
// stored form and whether the input is a code at all.
func Normaliser(saisie string) (string, bool) {
	var b strings.Builder
	for _, r := range strings.ToUpper(saisie) {
		switch {
		case r == ' ' || r == '-' || r == '.' || r == '\u00a0' || r == '\u2010' || r == '\u2011' || r == '\u2013' || r == '\u2014' || r == '\t':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		case !strings.ContainsRune(Alphabet, r):
			return "", false
		}
		if b.Len() == Longueur {
			return "", false
		}
		b.WriteRune(r)
	}
	if b.Len() != Longueur {
		return "", false
	}
	s := b.String()
	return s[:Longueur/2] + "-" + s[Longueur/2:], true
}
