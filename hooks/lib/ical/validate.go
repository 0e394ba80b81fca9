package ical

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Validate checks that data is a well-formed RFC 5545 calendar as Atelier
// writes them: CRLF line endings, lines of at most 75 octets that never cut
// a character, balanced BEGIN/END, the required properties of VCALENDAR
// and VEVENT, and a VTIMEZONE for every TZID used. Tests use it on what
// the server really sends.
func Validate(data []byte) error {
	if !bytes.HasSuffix(data, []byte("\r\n")) {
		return errors.New("the calendar does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(string(data), "\r\n"), "\r\n")
	var lines []string // unfolded
	for i, l := range physical {
		switch {
		case strings.ContainsAny(l, "\r\n"):
			return fmt.Errorf("line %d: bare CR or LF", i+1)
		case len(l) > 75:
			return fmt.Errorf("line %d: %d octets, more than 75", i+1, len(l))
		case !utf8.ValidString(l):
			return fmt.Errorf("line %d: invalid UTF-8 (a character cut by folding?)", i+1)
		}
		if strings.HasPrefix(l, " ") {
			if len(lines) == 0 {
				return errors.New("the calendar starts with a continuation line")
			}
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	type component struct {
		name  string
		props map[string]int
	}
	var stack []*component
	var method string
	var events []*component
	tzids, usedTZIDs := map[string]bool{}, map[string]bool{}
	for i, l := range lines {
		name, value, ok := cutName(l)
		if !ok {
			return fmt.Errorf("line %d: no colon in %q", i+1, l)
		}
		key, params, _ := strings.Cut(name, ";")
		switch key {
		case "BEGIN":
			stack = append(stack, &component{name: value, props: map[string]int{}})
			continue
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].name != value {
				return fmt.Errorf("line %d: END:%s does not close the open component", i+1, value)
			}
			c := stack[len(stack)-1]
			if err := requireProps(c.name, c.props); err != nil {
				return err
			}
			if c.name == "VEVENT" {
				events = append(events, c)
			}
			stack = stack[:len(stack)-1]
			continue
		}
		if len(stack) == 0 {
			return fmt.Errorf("line %d: property outside any component", i+1)
		}
		stack[len(stack)-1].props[key]++
		if key == "METHOD" {
			method = value
		}
		if key == "TZID" && stack[len(stack)-1].name == "VTIMEZONE" {
			tzids[value] = true
		}
		for _, p := range strings.Split(params, ";") {
			if tz, ok := strings.CutPrefix(p, "TZID="); ok {
				usedTZIDs[tz] = true
			}
		}
	}
	if len(stack) != 0 {
		return fmt.Errorf("component %s is never closed", stack[len(stack)-1].name)
	}
	// RFC 5546 §3.2.5: a cancellation names its organizer and sequence.
	if method == "CANCEL" {
		for _, e := range events {
			if e.props["ORGANIZER"] != 1 || e.props["SEQUENCE"] != 1 {
				return errors.New("METHOD:CANCEL needs ORGANIZER and SEQUENCE in every VEVENT")
			}
		}
	}
	for tz := range usedTZIDs {
		if !tzids[tz] {
			return fmt.Errorf("TZID %s is used without its VTIMEZONE", tz)
		}
	}
	return nil
}

// cutName splits a content line at the colon that ends its name and
// parameters: a colon inside a quoted parameter value (CN="a: b") is not it.
func cutName(l string) (name, value string, ok bool) {
	quoted := false
	for i, r := range l {
		switch {
		case r == '"':
			quoted = !quoted
		case r == ':' && !quoted:
			return l[:i], l[i+1:], true
		}
	}
	return l, "", false
}

var requiredOnce = map[string][]string{
	"VCALENDAR": {"VERSION", "PRODID"},
	"VEVENT":    {"UID", "DTSTAMP", "DTSTART"},
	"VTIMEZONE": {"TZID"},
	"STANDARD":  {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
	"DAYLIGHT":  {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
}

func requireProps(component string, props map[string]int) error {
	for _, p := range requiredOnce[component] {
		if props[p] != 1 {
			return fmt.Errorf("%s has %s %d times, want exactly once", component, p, props[p])
		}
	}
	return nil
}
