// Package ical writes RFC 5545 iCalendar feeds of workshop sessions so that
// learners and mediators can subscribe from any calendar application. It only
// serialises: callers build Calendar values from their records, which keeps
// this package free of PocketBase and easy to test.
//
// Times are written as local times of the structure's zone (DTSTART;TZID=…)
// with a VTIMEZONE derived from Go's time zone database, because overseas
// structures (La Réunion, Antilles, Guyane, Mayotte, Nouvelle-Calédonie)
// must see their own wall-clock hours, and clients show TZID times better
// than UTC ones. Output is deterministic so feeds can be cached and diffed.
package ical

import (
	"bytes"
	"cmp"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the overseas zones must exist whatever the host has
	"unicode/utf8"
)

// DefaultZone is used when Calendar.Zone is empty or unknown.
const DefaultZone = "Europe/Paris"

// DefaultProdID is written when Calendar.ProdID is empty: PRODID is mandatory.
const DefaultProdID = "-//Atelier//Ateliers numériques//FR"

const (
	localLayout = "20060102T150405"
	utcLayout   = "20060102T150405Z"
	maxLine     = 75 // octets per content line, CRLF excluded (RFC 5545 §3.1)
)

// Event is one workshop session.
type Event struct {
	UID         string    // stable across edits, e.g. "seance-<id>@<host>"; events without one are skipped
	Start, End  time.Time // any location; written in the calendar's zone
	Summary     string
	Description string
	Location    string
	URL         string
	Status      string // "CONFIRMED" (default), "CANCELLED" or "TENTATIVE"
	Sequence    int    // bump on each significant change so clients update
	Modified    time.Time
	Organizer   Organizer // written when it has an e-mail address
}

// Organizer is who runs the event (ORGANIZER): clients show it and
// METHOD:CANCEL requires it (RFC 5546 §3.2.5).
type Organizer struct {
	Name  string // CN parameter, e.g. the structure's name
	Email string // the mailto: address
}

// Calendar is one feed.
type Calendar struct {
	ProdID string // defaults to DefaultProdID
	Name   string // X-WR-CALNAME
	Zone   string // IANA name; empty or unknown means DefaultZone
	Method string // optional, e.g. "PUBLISH"
	Events []Event
}

// Bytes returns the calendar as an iCalendar stream.
func (c Calendar) Bytes() []byte {
	var b bytes.Buffer
	c.write(&b)
	return b.Bytes()
}

// WriteTo writes the calendar to w; it implements io.WriterTo.
func (c Calendar) WriteTo(w io.Writer) (int64, error) {
	n, err := w.Write(c.Bytes())
	return int64(n), err
}

func (c Calendar) write(b *bytes.Buffer) {
	zone, loc := location(c.Zone)
	events := make([]Event, 0, len(c.Events))
	for _, e := range c.Events {
		// A zero Start is an unscheduled session; without a UID clients
		// could never update or cancel the event.
		if !e.Start.IsZero() && e.UID != "" {
			events = append(events, e)
		}
	}

	line(b, "BEGIN:VCALENDAR")
	line(b, "VERSION:2.0")
	line(b, "PRODID:"+text(cmp.Or(c.ProdID, DefaultProdID)))
	line(b, "CALSCALE:GREGORIAN")
	if m := strings.ToUpper(strings.TrimSpace(c.Method)); m != "" {
		line(b, "METHOD:"+text(m))
	}
	if c.Name != "" {
		line(b, "X-WR-CALNAME:"+text(c.Name))
	}
	line(b, "X-WR-TIMEZONE:"+zone)
	// Always written, even for an empty feed: a VCALENDAR needs at least
	// one component.
	writeTimezone(b, zone, loc, events)
	for _, e := range events {
		writeEvent(b, zone, loc, e)
	}
	line(b, "END:VCALENDAR")
}

// location resolves the zone name, falling back to DefaultZone. "Local" is
// refused because the feed would then depend on the host.
func location(name string) (string, *time.Location) {
	if name != "" && name != "Local" {
		if loc, err := time.LoadLocation(name); err == nil {
			return name, loc
		}
	}
	loc, _ := time.LoadLocation(DefaultZone) // embedded tzdata: cannot fail
	return DefaultZone, loc
}

func writeEvent(b *bytes.Buffer, zone string, loc *time.Location, e Event) {
	tzid := ";TZID=" + zone + ":"
	// DTSTAMP is mandatory; falling back to Start rather than the clock
	// keeps the output deterministic.
	stamp := e.Modified
	if stamp.IsZero() {
		stamp = e.Start
	}
	line(b, "BEGIN:VEVENT")
	line(b, "UID:"+text(e.UID))
	line(b, "DTSTAMP:"+stamp.UTC().Format(utcLayout))
	line(b, "DTSTART"+tzid+e.Start.In(loc).Format(localLayout))
	// RFC 5545 requires DTEND after DTSTART; without it the event simply
	// has no duration.
	if e.End.After(e.Start) {
		line(b, "DTEND"+tzid+e.End.In(loc).Format(localLayout))
	}
	line(b, "SUMMARY:"+text(e.Summary))
	if e.Description != "" {
		line(b, "DESCRIPTION:"+text(e.Description))
	}
	if e.Location != "" {
		line(b, "LOCATION:"+text(e.Location))
	}
	if u := clean(e.URL); u != "" {
		line(b, "URL:"+u) // a URI, not TEXT: no escaping
	}
	if email := clean(strings.TrimSpace(e.Organizer.Email)); email != "" {
		cn := ""
		if name := param(e.Organizer.Name); name != "" {
			cn = `;CN="` + name + `"`
		}
		line(b, "ORGANIZER"+cn+":mailto:"+email)
	}
	line(b, "STATUS:"+status(e.Status))
	line(b, "SEQUENCE:"+strconv.Itoa(max(e.Sequence, 0)))
	if !e.Modified.IsZero() {
		line(b, "LAST-MODIFIED:"+e.Modified.UTC().Format(utcLayout))
	}
	line(b, "END:VEVENT")
}

func status(s string) string {
	switch s = strings.ToUpper(strings.TrimSpace(s)); s {
	case "CANCELLED", "TENTATIVE":
		return s
	}
	return "CONFIRMED"
}

// observance is one STANDARD or DAYLIGHT sub-component.
type observance struct {
	at       time.Time // instant the offset starts to apply
	onset    string    // DTSTART: wall time just before the change
	from, to int       // seconds east of UTC
	name     string
	daylight bool
}

// writeTimezone describes zone over the span of the events, widened by a
// year on each side so that edits near the edges stay covered. Transitions
// are written as explicit dated observances (no RRULE): simpler, exact even
// when a zone's rules changed, and the span is short.
func writeTimezone(b *bytes.Buffer, zone string, loc *time.Location, events []Event) {
	// An empty feed still needs a deterministic VTIMEZONE: describe the
	// zone around a fixed date.
	first := time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	last := first
	for i, e := range events {
		end := e.Start
		if e.End.After(end) {
			end = e.End
		}
		if i == 0 || e.Start.Before(first) {
			first = e.Start
		}
		if i == 0 || end.After(last) {
			last = end
		}
	}
	lo, hi := first.AddDate(-1, 0, 0).In(loc), last.AddDate(1, 0, 0)

	line(b, "BEGIN:VTIMEZONE")
	line(b, "TZID:"+zone)
	for _, o := range observances(lo, hi, first) {
		kind := "STANDARD"
		if o.daylight {
			kind = "DAYLIGHT"
		}
		line(b, "BEGIN:"+kind)
		line(b, "DTSTART:"+o.onset)
		line(b, "TZOFFSETFROM:"+offset(o.from))
		line(b, "TZOFFSETTO:"+offset(o.to))
		if o.name != "" {
			line(b, "TZNAME:"+text(o.name))
		}
		line(b, "END:"+kind)
	}
	line(b, "END:VTIMEZONE")
}

// observances lists the offset changes of lo's location in (lo, hi], walking
// zone boundaries with ZoneBounds (which also follows the zone's rule past
// the last recorded transition). If nothing covers first, the offset in force
// at lo is prepended as a fixed observance starting in 1970, which is also
// the whole description of zones without DST such as Indian/Reunion.
func observances(lo, hi, first time.Time) []observance {
	name, off := lo.Zone()
	dst := lo.IsDST()
	var obs []observance
	for t := lo; ; {
		_, end := t.ZoneBounds()
		if end.IsZero() || !end.After(t) || end.After(hi) {
			break
		}
		t = end
		n, o := t.Zone()
		if o != off || n != name || t.IsDST() != dst {
			obs = append(obs, observance{
				at:       t,
				onset:    t.In(time.FixedZone("", off)).Format(localLayout),
				from:     off,
				to:       o,
				name:     n,
				daylight: t.IsDST(),
			})
		}
		name, off, dst = n, o, t.IsDST()
	}
	if len(obs) == 0 || obs[0].at.After(first) {
		name, off := lo.Zone()
		// The layout sorts like time, so min keeps the onset before lo
		// for events earlier than 1971.
		onset := min("19700101T000000", lo.Format(localLayout))
		anchor := observance{onset: onset, from: off, to: off, name: name, daylight: lo.IsDST()}
		obs = append([]observance{anchor}, obs...)
	}
	return obs
}

// offset formats seconds east of UTC as ±HHMM[SS]; zero is "+0000" because
// RFC 5545 forbids "-0000".
func offset(sec int) string {
	sign := '+'
	if sec < 0 {
		sign, sec = '-', -sec
	}
	s := fmt.Sprintf("%c%02d%02d", sign, sec/3600, sec/60%60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// The "\r\n" pair comes before "\r" so a CRLF becomes a single \n.
var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`,
	"\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// text escapes a TEXT value (RFC 5545 §3.3.11).
func text(s string) string { return clean(textEscaper.Replace(s)) }

// param makes s a quoted parameter value (RFC 5545 §3.2): no DQUOTE can
// appear inside one, and quoting keeps ":", ";" and "," literal.
func param(s string) string { return strings.TrimSpace(strings.ReplaceAll(clean(s), `"`, "'")) }

// clean makes s valid UTF-8 and drops the control characters that content
// lines may not contain (§3.1); tab is allowed.
func clean(s string) string {
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t') || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}

// line writes one content line, folded at 75 octets: continuation lines
// start with a space, which counts toward their length. Cuts back off to a
// rune start so no UTF-8 sequence is split across lines.
func line(b *bytes.Buffer, s string) {
	limit := maxLine
	for len(s) > limit {
		cut := limit
		for !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = maxLine - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
