package ical

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// prop and comp are what the strict parser below reads back.
type prop struct {
	name   string
	params map[string]string
	value  string
}

type comp struct {
	name  string
	props []prop
	subs  []*comp
}

func (c *comp) all(name string) []prop {
	var ps []prop
	for _, p := range c.props {
		if p.name == name {
			ps = append(ps, p)
		}
	}
	return ps
}

func (c *comp) one(t *testing.T, name string) prop {
	t.Helper()
	ps := c.all(name)
	if len(ps) != 1 {
		t.Fatalf("%s: %d %s properties, want 1", c.name, len(ps), name)
	}
	return ps[0]
}

func (c *comp) children(name string) []*comp {
	var cs []*comp
	for _, s := range c.subs {
		if s.name == name {
			cs = append(cs, s)
		}
	}
	return cs
}

// required lists the properties each component must carry exactly once.
var required = map[string][]string{
	"VCALENDAR": {"VERSION", "PRODID"},
	"VTIMEZONE": {"TZID"},
	"STANDARD":  {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
	"DAYLIGHT":  {"DTSTART", "TZOFFSETFROM", "TZOFFSETTO"},
	"VEVENT":    {"UID", "DTSTAMP", "DTSTART"},
}

// parse reads an iCalendar stream strictly: CRLF everywhere, physical lines
// of at most 75 octets that are valid UTF-8 on their own (so folding never
// split a rune), balanced BEGIN/END, required properties present once and
// no property repeated (everything this package writes is single-valued).
func parse(t *testing.T, data []byte) *comp {
	t.Helper()
	s := string(data)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("stream does not end with CRLF")
	}
	var logical []string
	for i, l := range strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n") {
		switch {
		case strings.ContainsAny(l, "\r\n"):
			t.Fatalf("line %d: bare CR or LF in %q", i+1, l)
		case len(l) > 75:
			t.Fatalf("line %d: %d octets: %q", i+1, len(l), l)
		case !utf8.ValidString(l):
			t.Fatalf("line %d: invalid UTF-8 (split rune?): %q", i+1, l)
		case l == "":
			t.Fatalf("line %d: empty", i+1)
		case l[0] == ' ' || l[0] == '\t':
			if len(logical) == 0 {
				t.Fatal("stream starts with a continuation line")
			}
			logical[len(logical)-1] += l[1:]
		default:
			logical = append(logical, l)
		}
	}

	var root *comp
	var stack []*comp
	for _, l := range logical {
		p := parseLine(t, l)
		switch p.name {
		case "BEGIN":
			c := &comp{name: p.value}
			if len(stack) == 0 {
				if root != nil {
					t.Fatal("more than one top-level component")
				}
				root = c
			} else {
				top := stack[len(stack)-1]
				top.subs = append(top.subs, c)
			}
			stack = append(stack, c)
		case "END":
			if len(stack) == 0 || stack[len(stack)-1].name != p.value {
				t.Fatalf("unbalanced END:%s", p.value)
			}
			stack = stack[:len(stack)-1]
		default:
			if len(stack) == 0 {
				t.Fatalf("property outside any component: %q", l)
			}
			top := stack[len(stack)-1]
			top.props = append(top.props, p)
		}
	}
	if len(stack) != 0 || root == nil || root.name != "VCALENDAR" {
		t.Fatal("stream is not one balanced VCALENDAR")
	}
	check(t, root)
	if len(root.subs) == 0 {
		t.Fatal("VCALENDAR without components")
	}
	for _, ev := range root.children("VEVENT") {
		for _, name := range []string{"DTSTART", "DTEND"} {
			for _, p := range ev.all(name) {
				if tz := tzFor(root, p.params["TZID"]); tz == nil {
					t.Fatalf("%s refers to TZID %q without VTIMEZONE", name, p.params["TZID"])
				}
			}
		}
	}
	return root
}

func check(t *testing.T, c *comp) {
	t.Helper()
	seen := map[string]bool{}
	for _, p := range c.props {
		if seen[p.name] {
			t.Errorf("%s: %s repeated", c.name, p.name)
		}
		seen[p.name] = true
	}
	for _, name := range required[c.name] {
		if !seen[name] {
			t.Errorf("%s: %s missing", c.name, name)
		}
	}
	if c.name == "VTIMEZONE" && len(c.subs) == 0 {
		t.Error("VTIMEZONE without STANDARD or DAYLIGHT")
	}
	for _, s := range c.subs {
		check(t, s)
	}
}

// parseLine splits name;param=value:value, honouring quoted parameters.
func parseLine(t *testing.T, l string) prop {
	t.Helper()
	quoted, colon := false, -1
	for i := 0; i < len(l) && colon < 0; i++ {
		switch l[i] {
		case '"':
			quoted = !quoted
		case ':':
			if !quoted {
				colon = i
			}
		}
	}
	if colon < 0 {
		t.Fatalf("no colon in %q", l)
	}
	parts := strings.Split(l[:colon], ";")
	p := prop{name: parts[0], params: map[string]string{}, value: l[colon+1:]}
	if p.name == "" || strings.Trim(p.name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		t.Fatalf("bad property name in %q", l)
	}
	for _, kv := range parts[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			t.Fatalf("bad parameter in %q", l)
		}
		p.params[k] = v
	}
	return p
}

// unescape decodes a TEXT value, failing on unescaped ';' or ',' and on
// unknown escapes.
func unescape(t *testing.T, s string) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case ';', ',':
			t.Fatalf("unescaped %q in %q", c, s)
		case '\\':
			i++
			if i == len(s) {
				t.Fatalf("dangling backslash in %q", s)
			}
			switch s[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			case '\\', ';', ',':
				b.WriteByte(s[i])
			default:
				t.Fatalf("unknown escape \\%c in %q", s[i], s)
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func tzFor(cal *comp, tzid string) *comp {
	for _, tz := range cal.children("VTIMEZONE") {
		if tz.all("TZID")[0].value == tzid {
			return tz
		}
	}
	return nil
}

func parseOffset(t *testing.T, s string) time.Duration {
	t.Helper()
	v, err := time.Parse("-0700", s)
	if err != nil || (s[0] != '+' && s[0] != '-') {
		t.Fatalf("bad offset %q", s)
	}
	_, off := v.Zone()
	return time.Duration(off) * time.Second
}

// resolve turns DTSTART;TZID=… back into an instant the way a client does:
// with the VTIMEZONE observance of latest onset that precedes it.
func resolve(t *testing.T, cal *comp, p prop) time.Time {
	t.Helper()
	local, err := time.Parse(localLayout, p.value)
	if err != nil {
		t.Fatalf("%s: %v", p.name, err)
	}
	var best time.Time
	var to time.Duration
	found := false
	for _, o := range tzFor(cal, p.params["TZID"]).subs {
		onset, err := time.Parse(localLayout, o.one(t, "DTSTART").value)
		if err != nil {
			t.Fatalf("observance DTSTART: %v", err)
		}
		at := onset.Add(-parseOffset(t, o.one(t, "TZOFFSETFROM").value))
		o2 := parseOffset(t, o.one(t, "TZOFFSETTO").value)
		if inst := local.Add(-o2); !inst.Before(at) && (!found || at.After(best)) {
			best, to, found = at, o2, true
		}
	}
	if !found {
		t.Fatalf("no observance covers %s", p.value)
	}
	return local.Add(-to)
}

// checkEvents verifies that every written time reads back as the instant
// given, through the VTIMEZONE as a client would.
func checkEvents(t *testing.T, cal *comp, events []Event) {
	t.Helper()
	vevents := cal.children("VEVENT")
	if len(vevents) != len(events) {
		t.Fatalf("%d VEVENT, want %d", len(vevents), len(events))
	}
	for i, e := range events {
		if got := resolve(t, cal, vevents[i].one(t, "DTSTART")); !got.Equal(e.Start) {
			t.Errorf("event %d starts at %v, want %v", i, got, e.Start)
		}
		if got := resolve(t, cal, vevents[i].one(t, "DTEND")); !got.Equal(e.End) {
			t.Errorf("event %d ends at %v, want %v", i, got, e.End)
		}
	}
}

func utc(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, time.UTC) }

func session(start time.Time) Event {
	return Event{
		UID:      "seance-abc@atelier.test",
		Start:    start,
		End:      start.Add(2 * time.Hour),
		Summary:  "Premiers pas sur le smartphone",
		Modified: utc(2026, 1, 5, 9),
	}
}

func TestReunion(t *testing.T) {
	e := session(utc(2026, 3, 10, 10))
	cal := parse(t, Calendar{Zone: "Indian/Reunion", Events: []Event{e}}.Bytes())
	ev := cal.children("VEVENT")[0]
	if p := ev.one(t, "DTSTART"); p.params["TZID"] != "Indian/Reunion" || p.value != "20260310T140000" {
		t.Errorf("DTSTART = %+v", p)
	}
	if got := ev.one(t, "DTEND").value; got != "20260310T160000" {
		t.Errorf("DTEND = %s", got)
	}
	tz := tzFor(cal, "Indian/Reunion")
	std := tz.children("STANDARD")
	if len(std) != 1 || len(tz.children("DAYLIGHT")) != 0 {
		t.Fatalf("Reunion VTIMEZONE: %d STANDARD, %d DAYLIGHT", len(std), len(tz.children("DAYLIGHT")))
	}
	for name, want := range map[string]string{"DTSTART": "19700101T000000", "TZOFFSETFROM": "+0400", "TZOFFSETTO": "+0400"} {
		if got := std[0].one(t, name).value; got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	if got := cal.one(t, "X-WR-TIMEZONE").value; got != "Indian/Reunion" {
		t.Errorf("X-WR-TIMEZONE = %s", got)
	}
	checkEvents(t, cal, []Event{e})
}

func TestOverseasZones(t *testing.T) {
	cases := []struct {
		zone, offset, local string
	}{
		{"America/Guadeloupe", "-0400", "20261115T060000"},
		{"America/Martinique", "-0400", "20261115T060000"},
		{"America/Cayenne", "-0300", "20261115T070000"},
		{"Indian/Mayotte", "+0300", "20261115T130000"},
		{"Pacific/Noumea", "+1100", "20261115T210000"},
		{"Indian/Reunion", "+0400", "20261115T140000"},
	}
	for _, c := range cases {
		e := session(utc(2026, 11, 15, 10))
		cal := parse(t, Calendar{Zone: c.zone, Events: []Event{e}}.Bytes())
		if got := cal.children("VEVENT")[0].one(t, "DTSTART").value; got != c.local {
			t.Errorf("%s: DTSTART %s, want %s", c.zone, got, c.local)
		}
		tz := tzFor(cal, c.zone)
		if std := tz.children("STANDARD"); len(std) != 1 || len(tz.subs) != 1 ||
			std[0].one(t, "TZOFFSETTO").value != c.offset {
			t.Errorf("%s: want a single STANDARD at %s", c.zone, c.offset)
		}
		checkEvents(t, cal, []Event{e})
	}
}

// lastSunday is computed from the calendar alone, independently of the tz
// database, to check the transitions against the EU rule.
func lastSunday(y int, m time.Month) time.Time {
	d := time.Date(y, m+1, 0, 1, 0, 0, 0, time.UTC) // transitions happen at 01:00 UTC
	return d.AddDate(0, 0, -int(d.Weekday()))
}

func TestParisSummer(t *testing.T) {
	e := session(utc(2026, 7, 15, 10))
	cal := parse(t, Calendar{Zone: "Europe/Paris", Events: []Event{e}}.Bytes())
	if got := cal.children("VEVENT")[0].one(t, "DTSTART").value; got != "20260715T120000" {
		t.Errorf("DTSTART = %s", got)
	}

	// Every EU transition within a year of the event, and nothing else.
	lo, hi := e.Start.AddDate(-1, 0, 0), e.End.AddDate(1, 0, 0)
	var want []string
	for y := 2025; y <= 2027; y++ {
		if d := lastSunday(y, time.March); d.After(lo) && !d.After(hi) {
			want = append(want, "DAYLIGHT "+d.Format("20060102")+"T020000 +0100 +0200 CEST")
		}
		if d := lastSunday(y, time.October); d.After(lo) && !d.After(hi) {
			want = append(want, "STANDARD "+d.Format("20060102")+"T030000 +0200 +0100 CET")
		}
	}
	var got []string
	for _, o := range tzFor(cal, "Europe/Paris").subs {
		got = append(got, strings.Join([]string{o.name, o.one(t, "DTSTART").value,
			o.one(t, "TZOFFSETFROM").value, o.one(t, "TZOFFSETTO").value, o.one(t, "TZNAME").value}, " "))
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) || len(want) != 4 {
		t.Errorf("observances:\n got %q\nwant %q", got, want)
	}
	checkEvents(t, cal, []Event{e})
}

func TestParisAcrossChanges(t *testing.T) {
	// Sessions on both sides of several changes, given in other zones.
	reunion, _ := time.LoadLocation("Indian/Reunion")
	events := []Event{
		session(time.Date(2026, 3, 28, 18, 0, 0, 0, reunion)),
		session(utc(2026, 3, 29, 9)),
		session(utc(2026, 10, 24, 9)),
		session(utc(2026, 10, 25, 9)),
		session(utc(2029, 1, 10, 9)),
	}
	cal := parse(t, Calendar{Events: events}.Bytes())
	checkEvents(t, cal, events)
	wantLocal := []string{"20260328T150000", "20260329T110000", "20261024T110000", "20261025T100000", "20290110T100000"}
	for i, ev := range cal.children("VEVENT") {
		if got := ev.one(t, "DTSTART").value; got != wantLocal[i] {
			t.Errorf("event %d: DTSTART %s, want %s", i, got, wantLocal[i])
		}
	}
}

func TestEscaping(t *testing.T) {
	e := session(utc(2026, 5, 4, 8))
	e.Summary = `Atelier; mails, pièces jointes \ dossiers`
	e.Description = "Ligne 1\nLigne 2\r\nLigne 3\rfin\x00"
	e.Location = "Médiathèque, 3 rue des Lilas; salle B"
	e.URL = "https://atelier.test/seances/abc?x=1,2;3"
	data := Calendar{Name: "Ateliers, Saint-Denis; Réunion", Events: []Event{e}}.Bytes()
	cal := parse(t, data)
	ev := cal.children("VEVENT")[0]
	if got := ev.one(t, "SUMMARY").value; got != `Atelier\; mails\, pièces jointes \\ dossiers` {
		t.Errorf("SUMMARY = %s", got)
	}
	if got := ev.one(t, "DESCRIPTION").value; got != `Ligne 1\nLigne 2\nLigne 3\nfin` {
		t.Errorf("DESCRIPTION = %s", got)
	}
	for name, want := range map[string]string{
		"SUMMARY":  e.Summary,
		"LOCATION": e.Location,
	} {
		if got := unescape(t, ev.one(t, name).value); got != want {
			t.Errorf("%s reads back %q, want %q", name, got, want)
		}
	}
	if got := unescape(t, cal.one(t, "X-WR-CALNAME").value); got != "Ateliers, Saint-Denis; Réunion" {
		t.Errorf("X-WR-CALNAME reads back %q", got)
	}
	if got := ev.one(t, "URL").value; got != e.URL {
		t.Errorf("URL = %s (URIs are not TEXT-escaped)", got)
	}
}

func TestFolding(t *testing.T) {
	desc := strings.Repeat("Découvrez l’ordinateur : créer une adresse électronique, "+
		"naviguer sur Internet, déclarer ses impôts en ligne, prendre un rendez-vous "+
		"médical… Accès libre et gratuit — à partir de 16 ans ; café offert ☕. ", 4)
	e := session(utc(2026, 9, 1, 7))
	e.Description = desc
	data := Calendar{Events: []Event{e}}.Bytes()
	cal := parse(t, data) // checks length and rune integrity of every line
	if got := unescape(t, cal.children("VEVENT")[0].one(t, "DESCRIPTION").value); got != desc {
		t.Errorf("description reads back\n%q\nwant\n%q", got, desc)
	}
	if !bytes.Contains(data, []byte("\r\n ")) {
		t.Error("long description was not folded")
	}

	// Every cut position against 2-, 3- and 4-byte runes.
	for pad := 0; pad < 8; pad++ {
		for _, r := range []string{"é", "€", "🙂"} {
			s := "DESCRIPTION:" + strings.Repeat("x", pad) + strings.Repeat(r, 60)
			var b bytes.Buffer
			line(&b, s)
			var joined strings.Builder
			for i, l := range strings.Split(strings.TrimSuffix(b.String(), "\r\n"), "\r\n") {
				if len(l) > 75 || !utf8.ValidString(l) {
					t.Fatalf("pad %d %s: bad line %q", pad, r, l)
				}
				if i > 0 {
					if l[0] != ' ' {
						t.Fatalf("continuation without space: %q", l)
					}
					l = l[1:]
				}
				joined.WriteString(l)
			}
			if joined.String() != s {
				t.Fatalf("pad %d %s: unfolds to %q", pad, r, joined.String())
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	c := Calendar{
		Name:   "Ateliers",
		Zone:   "Pacific/Noumea",
		Method: "publish",
		Events: []Event{session(utc(2026, 2, 2, 2)), session(utc(2027, 6, 6, 6))},
	}
	a, b := c.Bytes(), c.Bytes()
	var w bytes.Buffer
	n, err := c.WriteTo(&w)
	if err != nil || n != int64(len(a)) {
		t.Fatalf("WriteTo = %d, %v", n, err)
	}
	if !bytes.Equal(a, b) || !bytes.Equal(a, w.Bytes()) {
		t.Error("output differs between calls")
	}
	if got := parse(t, a).one(t, "METHOD").value; got != "PUBLISH" {
		t.Errorf("METHOD = %s", got)
	}
}

func TestUnknownZone(t *testing.T) {
	for _, zone := range []string{"", "Mars/Olympus_Mons", "Local"} {
		e := session(utc(2026, 7, 15, 10))
		cal := parse(t, Calendar{Zone: zone, Events: []Event{e}}.Bytes())
		if got := cal.one(t, "X-WR-TIMEZONE").value; got != "Europe/Paris" {
			t.Errorf("%q: X-WR-TIMEZONE = %s", zone, got)
		}
		if tzFor(cal, "Europe/Paris") == nil {
			t.Errorf("%q: no Europe/Paris VTIMEZONE", zone)
		}
		if p := cal.children("VEVENT")[0].one(t, "DTSTART"); p.params["TZID"] != "Europe/Paris" || p.value != "20260715T120000" {
			t.Errorf("%q: DTSTART = %+v", zone, p)
		}
	}
}

func TestEventProperties(t *testing.T) {
	full := session(utc(2026, 4, 1, 12))
	full.Status = "cancelled"
	full.Sequence = 3
	full.Description = "Apporter son téléphone"
	full.Location = "Espace numérique"
	full.URL = "https://atelier.test/s/1"
	bare := Event{UID: "seance-2@atelier.test", Start: utc(2026, 4, 2, 12), Sequence: -1}
	skipped := []Event{{UID: "unscheduled@atelier.test"}, {Start: utc(2026, 4, 3, 12)}}

	cal := parse(t, Calendar{Events: append([]Event{full, bare}, skipped...)}.Bytes())
	evs := cal.children("VEVENT")
	if len(evs) != 2 {
		t.Fatalf("%d VEVENT, want 2 (zero Start and missing UID skipped)", len(evs))
	}
	for name, want := range map[string]string{
		"UID":           "seance-abc@atelier.test",
		"DTSTAMP":       "20260105T090000Z",
		"LAST-MODIFIED": "20260105T090000Z",
		"STATUS":        "CANCELLED",
		"SEQUENCE":      "3",
		"DTEND":         "20260401T160000",
		"URL":           full.URL,
	} {
		if got := evs[0].one(t, name).value; got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	// Without Modified, DTSTAMP falls back to Start; without a valid End,
	// DTEND is left out rather than written before DTSTART.
	for name, want := range map[string]string{"DTSTAMP": "20260402T120000Z", "STATUS": "CONFIRMED", "SEQUENCE": "0"} {
		if got := evs[1].one(t, name).value; got != want {
			t.Errorf("bare %s = %s, want %s", name, got, want)
		}
	}
	for _, name := range []string{"DTEND", "LAST-MODIFIED", "DESCRIPTION", "LOCATION", "URL"} {
		if len(evs[1].all(name)) != 0 {
			t.Errorf("bare event has %s", name)
		}
	}
	if got := cal.one(t, "PRODID").value; got != DefaultProdID {
		t.Errorf("PRODID = %s", got)
	}
	for name, want := range map[string]string{"VERSION": "2.0", "CALSCALE": "GREGORIAN"} {
		if got := cal.one(t, name).value; got != want {
			t.Errorf("%s = %s", name, got)
		}
	}
}

func TestEmptyCalendar(t *testing.T) {
	// Still valid: a VCALENDAR needs a component, so the VTIMEZONE stays.
	cal := parse(t, Calendar{Zone: "America/Cayenne"}.Bytes())
	if tz := tzFor(cal, "America/Cayenne"); tz == nil || len(tz.subs) != 1 {
		t.Fatal("empty feed lacks its VTIMEZONE")
	}
}

func TestOffset(t *testing.T) {
	for sec, want := range map[int]string{0: "+0000", 3600: "+0100", -4 * 3600: "-0400", 19800: "+0530", -(3600 + 1800 + 15): "-013015"} {
		if got := offset(sec); got != want {
			t.Errorf("offset(%d) = %s, want %s", sec, got, want)
		}
	}
}

func TestOrganizer(t *testing.T) {
	e := session(utc(2026, 4, 1, 12))
	e.Organizer = Organizer{Name: `France Services "Bêta": Saint-Denis, Réunion`, Email: " contact@beta.example "}
	bare := session(utc(2026, 4, 2, 12))
	bare.UID = "seance-2@atelier.test"
	bare.Organizer = Organizer{Name: "Sans adresse"}
	data := Calendar{Method: "CANCEL", Events: []Event{e}}.Bytes()
	ev := parse(t, data).children("VEVENT")[0]
	org := ev.one(t, "ORGANIZER")
	if org.value != "mailto:contact@beta.example" {
		t.Errorf("ORGANIZER value = %s", org.value)
	}
	// A DQUOTE cannot appear inside a quoted parameter; ":" and "," can.
	if got := org.params["CN"]; got != `"France Services 'Bêta': Saint-Denis, Réunion"` {
		t.Errorf("CN = %s", got)
	}
	if err := Validate(data); err != nil {
		t.Errorf("cancellation with organizer: %v", err)
	}
	cal := parse(t, Calendar{Events: []Event{bare}}.Bytes())
	if n := len(cal.children("VEVENT")[0].all("ORGANIZER")); n != 0 {
		t.Errorf("organizer without e-mail written %d times", n)
	}
}

func TestValidateCancelNeedsOrganizer(t *testing.T) {
	e := session(utc(2026, 4, 1, 12))
	data := Calendar{Method: "CANCEL", Events: []Event{e}}.Bytes()
	if err := Validate(data); err == nil {
		t.Error("METHOD:CANCEL without ORGANIZER accepted")
	}
}
