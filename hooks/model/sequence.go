package model

import (
	"github.com/pocketbase/pocketbase/core"
)

// sequenceFields are the fields of a session whose change a calendar
// application must see (RFC 5545 SEQUENCE): a title typo fix is not one.
var sequenceFields = []string{"debut", "fin", "lieu", "statut"}

// RegisterSequence keeps seances.sequence: it starts at 0 and rises by one
// at each save that changes the date, time, place or cancellation, on every
// path (pages, series edits, REST API). The stored value always derives from
// the original record, so a client cannot set it by hand.
func RegisterSequence(app core.App) {
	app.OnRecordCreate("seances").BindFunc(func(e *core.RecordEvent) error {
		e.Record.Set("sequence", 0)
		return e.Next()
	})
	app.OnRecordUpdate("seances").BindFunc(func(e *core.RecordEvent) error {
		SetSequence(e.Record)
		return e.Next()
	})
}

// SetSequence sets the session's sequence from its original record.
func SetSequence(r *core.Record) {
	original := r.Original()
	next := original.GetInt("sequence")
	for _, name := range sequenceFields {
		if sequenceValue(r, name) != sequenceValue(original, name) {
			next++
			break
		}
	}
	r.Set("sequence", next)
}

// sequenceValue compares dates by instant, so that the same date written
// in another layout is no change.
func sequenceValue(r *core.Record, name string) string {
	if name == "debut" || name == "fin" {
		return DBDate(r.GetDateTime(name).Time())
	}
	return r.GetString(name)
}
