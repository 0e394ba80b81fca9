package texte

import (
	"regexp"
	"strings"
	"testing"
)

// like turns a LIKE pattern into a regexp, to check what it matches.
func like(p string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range p {
		switch r {
		case '%':
			b.WriteString(".*")
		case '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func matchesOne(patterns []string, text string) bool {
	for _, p := range patterns {
		if like(p).MatchString(text) {
			return true
		}
	}
	return false
}

func TestUneFaute(t *testing.T) {
	stored := "camille guerin +33612345678"
	for _, typed := range []string{"guerim", "gerin", "guerrin", "geurin", "guerin", "uerin"} {
		if !matchesOne(UneFaute(typed), stored) {
			t.Errorf("%q does not find %q", typed, stored)
		}
	}
	for _, typed := range []string{"gaston", "durand", "guarrim"} { // two mistakes or another name
		if matchesOne(UneFaute(typed), stored) {
			t.Errorf("%q finds %q", typed, stored)
		}
	}
	if p := UneFaute("theo"); p != nil {
		t.Errorf("short words get no patterns: %v", p)
	}
	for _, p := range UneFaute("oceane") {
		if !hasRun([]rune(strings.Trim(p, "%")), 3) {
			t.Errorf("%q has no trigram to look up", p)
		}
	}
}

func TestMotsRecherche(t *testing.T) {
	got := MotsRecherche("  Océane  LE-DÛ 100% _x ", 3)
	if strings.Join(got, "|") != "oceane|le|du" {
		t.Errorf("%q", got)
	}
}
