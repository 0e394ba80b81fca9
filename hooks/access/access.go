// Package access is the one place where access is decided. Pages obey the
// same API rules as the REST API (pb_migrations/rules.go): a record is read
// with the collection's view rule and written with its create, update or
// delete rule, evaluated by PocketBase for the signed-in staff member. A
// record the person may not read answers exactly like a missing one (404),
// so a record id of another structure reveals nothing.
package access

import (
	"errors"
	"fmt"
	"net/http"

	"atelier/hooks/model"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// ErrForbidden is an action the person may not do on a record they can
// see (a référent on a session's attendance…): the French 403 page.
var ErrForbidden = errors.New("forbidden")

// Forbidden reports whether err is an access refusal that should answer
// with the 403 page.
func Forbidden(err error) bool {
	if errors.Is(err, ErrForbidden) {
		return true
	}
	var apiErr *router.ApiError
	return errors.As(err, &apiErr) && apiErr.Status == http.StatusForbidden
}

// ruleRequest is the request PocketBase evaluates a rule against: the
// staff member's identity and the fields being written.
func ruleRequest(auth *core.Record, method string, body map[string]any) *core.RequestInfo {
	if body == nil {
		body = map[string]any{}
	}
	return &core.RequestInfo{Auth: auth, Method: method, Body: body, Context: core.RequestInfoContextDefault}
}

// Readable finds a record that auth may read through the API, or errNotFound.
func Readable(app core.App, auth *core.Record, collection, id string) (*core.Record, error) {
	if id == "" {
		return nil, model.ErrNotFound
	}
	record, err := app.FindRecordById(collection, id)
	if err != nil {
		return nil, model.ErrNotFound
	}
	ok, err := app.CanAccessRecord(record, ruleRequest(auth, http.MethodGet, nil), record.Collection().ViewRule)
	if err != nil {
		return nil, fmt.Errorf("check view rule of %s: %w", collection, err)
	}
	if !ok {
		return nil, model.ErrNotFound
	}
	return record, nil
}

// WorkspaceRecord is readable for the workspace: readable through the API
// and, for a record with a structure, of one of the staff member's
// structures. A public session of another structure is readable through the
// API, but it is not part of this person's workspace: 404, like a missing one.
func WorkspaceRecord(app core.App, auth *core.Record, collection, id string) (*core.Record, error) {
	record, err := Readable(app, auth, collection, id)
	if err != nil {
		return nil, err
	}
	staff := model.NewStaffView(auth)
	if staff == nil {
		return nil, model.ErrNotFound
	}
	if structure := record.GetString("structure"); structure != "" && !staff.Member(structure) {
		return nil, model.ErrNotFound
	}
	return record, nil
}

// EditableRecord is a workspace record the staff member may update: another
// structure's is a 404 (workspaceRecord), a read-only one a 403.
func EditableRecord(app core.App, auth *core.Record, collection, id string) (*core.Record, error) {
	record, err := WorkspaceRecord(app, auth, collection, id)
	if err != nil {
		return nil, err
	}
	if !MayUpdate(app, auth, record, nil) {
		return nil, ErrForbidden
	}
	return record, nil
}

// PeopleReader is the signed-in staff member if they may read people
// (conseillers), narrowed to the structures they are confirmed for;
// référents, coordinateurs and a conseiller confirmed for no structure yet
// get the 403 page: they see counts, never a person.
func PeopleReader(e *core.RequestEvent) (*model.StaffView, error) {
	staff := model.NewStaffView(e.Auth)
	if staff == nil || !staff.VoitPersonnes() {
		return nil, ErrForbidden
	}
	reader := staff.LecteurDePersonnes()
	if len(reader.Structures) == 0 {
		return nil, ErrForbidden
	}
	return reader, nil
}

// mayRead tells whether auth may read record (e.g. to show a link to it).
func mayRead(app core.App, auth *core.Record, record *core.Record) bool {
	ok, err := app.CanAccessRecord(record, ruleRequest(auth, http.MethodGet, nil), record.Collection().ViewRule)
	return err == nil && ok
}

// MayUpdate tells whether auth may change the given fields of a stored record.
func MayUpdate(app core.App, auth *core.Record, record *core.Record, changes map[string]any) bool {
	ok, err := app.CanAccessRecord(record, ruleRequest(auth, http.MethodPatch, changes), record.Collection().UpdateRule)
	return err == nil && ok
}

// MayDelete tells whether auth may delete a stored record.
func MayDelete(app core.App, auth *core.Record, record *core.Record) bool {
	ok, err := app.CanAccessRecord(record, ruleRequest(auth, http.MethodDelete, nil), record.Collection().DeleteRule)
	return err == nil && ok
}

// CreateChecked saves a new record if auth may create it. The create rule
// reads the submitted fields (@request.body.structure…), so the record is
// saved first inside a transaction and the rule is evaluated on the saved
// row; a refusal rolls the save back (with everything else of the
// transaction when app is already one: several records go together).
func CreateChecked(app core.App, auth *core.Record, record *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(record); err != nil {
			return err
		}
		ok, err := tx.CanAccessRecord(record, ruleRequest(auth, http.MethodPost, record.FieldsData()), record.Collection().CreateRule)
		if err != nil {
			return fmt.Errorf("check create rule of %s: %w", record.Collection().Name, err)
		}
		if !ok {
			return model.ErrNotFound
		}
		return nil
	})
}

// CreateReadable saves a new record of a collection the API never writes
// (a server-made token…) if auth may then read it: the read rule decides
// who creates. A refusal rolls the save back, as in CreateChecked.
func CreateReadable(app core.App, auth *core.Record, record *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(record); err != nil {
			return err
		}
		ok, err := tx.CanAccessRecord(record, ruleRequest(auth, http.MethodGet, nil), record.Collection().ViewRule)
		if err != nil {
			return fmt.Errorf("check view rule of %s: %w", record.Collection().Name, err)
		}
		if !ok {
			return ErrForbidden
		}
		return nil
	})
}

// UpdateChecked applies changes to a stored record and saves it if auth
// may make them; the record is left untouched when refused.
func UpdateChecked(app core.App, auth *core.Record, record *core.Record, changes map[string]any) error {
	if !MayUpdate(app, auth, record, changes) {
		return ErrForbidden
	}
	for field, value := range changes {
		record.Set(field, value)
	}
	return app.Save(record)
}

// DeleteChecked deletes a stored record if auth may.
func DeleteChecked(app core.App, auth *core.Record, record *core.Record) error {
	if !MayDelete(app, auth, record) {
		return ErrForbidden
	}
	return app.Delete(record)
}

// RegisterInternalNotes: a session's internal notes (a hidden field) are for
// the team that runs it: the REST API returns them to the people who may
// change the session, as the workspace's edit page shows them, and to
// nobody else, even when the session is public.
//
// PocketBase drops hidden fields from the API writes of everyone but
// administrators: the notes sent by the team would be lost without a word.
// The create and update rules have let the writer in by then (the same
// people who read the notes), so the notes are taken from the request body.
func RegisterInternalNotes(app core.App) {
	app.OnRecordEnrich("seances").BindFunc(func(e *core.RecordEnrichEvent) error {
		if e.RequestInfo != nil && e.RequestInfo.Auth != nil && MayUpdate(e.App, e.RequestInfo.Auth, e.Record, nil) {
			e.Record.Unhide("notes_internes")
		}
		return e.Next()
	})
	keepNotes := func(e *core.RecordRequestEvent) error {
		var body map[string]any
		if err := e.BindBody(&body); err != nil {
			return e.BadRequestError("Le contenu de la requête n'a pas pu être lu.", err)
		}
		if notes, sent := body["notes_internes"]; sent {
			e.Record.Set("notes_internes", notes)
		}
		return e.Next()
	}
	app.OnRecordCreateRequest("seances").BindFunc(keepNotes)
	app.OnRecordUpdateRequest("seances").BindFunc(keepNotes)
}
