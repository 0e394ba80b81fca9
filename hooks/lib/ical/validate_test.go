package ical

import (
	"strings"
	"testing"
	"time"
)

func TestValidateAcceptsWhatWriteProduces(t *testing.T) {
	start := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	cal := Calendar{Name: "Essai", Zone: "Europe/Paris", Events: []Event{{UID: "a@x", Start: start, End: start.Add(time.Hour),
		Summary: "Atelier", Description: strings.Repeat("Une description accentuée, longue ; très longue. ", 10)}}}
	if err := Validate(cal.Bytes()); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRefusesBrokenCalendars(t *testing.T) {
	good := string(Calendar{Zone: "Indian/Reunion", Events: []Event{{UID: "a@x",
		Start: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)}}}.Bytes())
	cases := map[string]string{
		"LF endings":       strings.ReplaceAll(good, "\r\n", "\n"),
		"long line":        strings.Replace(good, "SUMMARY:", "SUMMARY:"+strings.Repeat("x", 80), 1),
		"unbalanced":       strings.Replace(good, "END:VEVENT\r\n", "", 1),
		"missing UID":      strings.Replace(good, "UID:a@x\r\n", "", 1),
		"missing timezone": strings.Replace(good, "TZID:Indian/Reunion\r\n", "TZID:Autre\r\n", 1),
	}
	for name, data := range cases {
		if err := Validate([]byte(data)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
