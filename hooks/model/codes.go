package model

import (
	"errors"
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/codeperso"
)

// RegisterCodeInscription gives every registration with a working personal
// link its short code, whatever the way in: public form, staff, walk-ins,
// REST API, batch, admin UI. At creation always; on an update only while
// the link works, so that a registration whose link was erased (retention,
// anonymisation) never gets a new code. A new link (a cancelled
// registration taken up again by the public form) comes with a new code:
// the old code must not open it, as the old link does not.
func RegisterCodeInscription(app core.App) {
	give := func(e *core.RecordEvent) error {
		r := e.Record
		jeton := r.GetString("jeton")
		if r.IsNew() && r.GetString("code") == "" ||
			!r.IsNew() && jeton != "" && (r.GetString("code") == "" || jeton != r.Original().GetString("jeton")) {
			code, err := freeCode(e.App)
			if err != nil {
				return err
			}
			e.Record.Set("code", code)
		}
		return e.Next()
	}
	app.OnRecordCreate("inscriptions").BindFunc(give)
	app.OnRecordUpdate("inscriptions").BindFunc(give)
}

// freeCode draws a code no registration holds: with 40 bits a collision is
// rare, but the unique index would refuse the whole registration.
func freeCode(app core.App) (string, error) {
	for range 5 {
		code := codeperso.Nouveau()
		var n int
		err := app.DB().Select("count(*)").From("inscriptions").
			Where(ByPersonalKey("code", code)).Row(&n)
		if err != nil {
			return "", fmt.Errorf("check personal code: %w", err)
		}
		if n == 0 {
			return code, nil
		}
	}
	return "", errors.New("no free personal code after 5 draws")
}

// FindByCode finds a registration by its short code as the person typed
// it; a malformed code, or one whose personal link was erased, is simply
// not found.
func FindByCode(app core.App, saisie string) (*core.Record, error) {
	code, ok := codeperso.Normaliser(saisie)
	if !ok {
		return nil, ErrNotFound
	}
	record := &core.Record{}
	if err := app.RecordQuery("inscriptions").AndWhere(ByPersonalKey("code", code)).Limit(1).One(record); err != nil {
		return nil, err
	}
	if record.GetString("jeton") == "" {
		return nil, ErrNotFound
	}
	return record, nil
}

// ByPersonalKey finds a registration by its token or its code (column
// "jeton" or "code"). Their unique indexes only hold the rows that have
// one (partial indexes, WHERE the column is not empty): SQLite uses them
// only when the query repeats that condition; without it, each look-up
// and each new code read every registration (3 million in a region).
func ByPersonalKey(column, value string) dbx.Expression {
	return dbx.And(dbx.HashExp{column: value}, dbx.NewExp(column+" != ''"))
}
