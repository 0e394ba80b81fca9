// Package comptes holds the rules of staff accounts: who grants access to
// people (a structure's référent or an administrator confirms an account
// for it, never the account itself nor a coordinateur), the record of every
// grant (journal, e-mail to the structure's référents), ending every session
// of an account at once, password checks that do not tell which accounts
// exist, and a limit on password-reset e-mails.
package comptes

import (
	"slices"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
)

// Confirmations is the field listing the structures whose people the
// account reads (pb_migrations 1763900008).
const Confirmations = "confirme_pour"

// RegisterAccountHooks binds the account rules to every path that saves an
// account (REST API, administrators' UI, pages, commands).
func RegisterAccountHooks(app core.App) {
	app.OnRecordCreate("utilisateurs").BindFunc(func(e *core.RecordEvent) error {
		keepConfirmations(e.Record)
		return e.Next()
	})
	app.OnRecordUpdate("utilisateurs").BindFunc(func(e *core.RecordEvent) error {
		keepConfirmations(e.Record)
		// A deactivated account is signed out everywhere at once: every
		// token is signed with the token key.
		if e.Record.Original().GetBool("actif") && !e.Record.GetBool("actif") {
			e.Record.RefreshTokenKey()
		}
		return e.Next()
	})

	app.OnRecordCreateRequest("utilisateurs").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := guardConfirmations(e); err != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		recordGrants(e.App, app, e.Auth, nil, e.Record)
		return nil
	})
	app.OnRecordUpdateRequest("utilisateurs").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := guardConfirmations(e); err != nil {
			return err
		}
		if err := guardRights(e); err != nil {
			return err
		}
		before := e.Record.Original().Clone()
		if err := e.Next(); err != nil {
			return err
		}
		recordGrants(e.App, app, e.Auth, before, e.Record)
		return nil
	})

	app.OnRecordDeleteRequest("utilisateurs").BindFunc(func(e *core.RecordRequestEvent) error {
		if last, err := lastCoordinateur(e.App, e.Record, nil); err != nil {
			return err
		} else if last {
			return apis.NewBadRequestError("C'est le dernier coordinateur actif : nommez-en un autre d'abord.", nil)
		}
		return e.Next()
	})

	app.OnRecordRequestPasswordResetRequest("utilisateurs").BindFunc(func(e *core.RecordRequestPasswordResetRequestEvent) error {
		// The same answer as a sent e-mail: nobody learns whether the
		// account exists, is active, or just got one.
		if !e.Record.GetBool("actif") || !allowReset(e.App, e.Record.Id) {
			return e.NoContent(204)
		}
		return e.Next()
	})
}

// keepConfirmations keeps the confirmations that still mean something:
// only for the account's structures, and none carried over a change of
// role (a référent made conseiller is confirmed again before reading
// people). A confirmation set in the same save (an administrator's) stays.
func keepConfirmations(r *core.Record) {
	structures := r.GetStringSlice("structures")
	var carried []string
	roleChanged := false
	if !r.IsNew() {
		carried = r.Original().GetStringSlice(Confirmations)
		roleChanged = r.Original().GetString("role") != r.GetString("role")
	}
	kept := []string{}
	for _, id := range r.GetStringSlice(Confirmations) {
		if !slices.Contains(structures, id) || (roleChanged && slices.Contains(carried, id)) {
			continue
		}
		kept = append(kept, id)
	}
	r.Set(Confirmations, kept)
}

// guardConfirmations refuses, through the API, a confirmation set by
// anyone but an administrator (the rules say the same; this also covers
// a rule an operator would loosen in /_/).
func guardConfirmations(e *core.RecordRequestEvent) error {
	if e.HasSuperuserAuth() {
		return nil
	}
	var before []string
	if !e.Record.IsNew() {
		before = e.Record.Original().GetStringSlice(Confirmations)
	}
	if !sameSet(before, e.Record.GetStringSlice(Confirmations)) {
		return apis.NewForbiddenError("Seul un référent de la structure ou un administrateur confirme un compte.", nil)
	}
	return nil
}

func sameSet(a, b []string) bool {
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			return false
		}
	}
	return true
}

// guardRights keeps, through the API, the rules of the « Comptes » pages
// that the API rules cannot say: nobody but an administrator changes
// their own role, structures or status; an invitation is accepted only by
// its link; the last active coordinateur stays one.
func guardRights(e *core.RecordRequestEvent) error {
	before, after := e.Record.Original(), e.Record
	if !e.HasSuperuserAuth() {
		if e.Auth != nil && e.Auth.Id == after.Id && (before.GetString("role") != after.GetString("role") ||
			before.GetBool("actif") != after.GetBool("actif") || !sameSet(before.GetStringSlice("structures"), after.GetStringSlice("structures"))) {
			return apis.NewForbiddenError("Vous ne changez pas votre propre rôle, vos structures ni l'état de votre compte.", nil)
		}
		if invited(before) && after.GetBool("actif") {
			return apis.NewBadRequestError("Cette personne n'a pas encore accepté son invitation.", nil)
		}
	}
	if last, err := lastCoordinateur(e.App, before, after); err != nil {
		return err
	} else if last {
		return apis.NewBadRequestError("C'est le dernier coordinateur actif : nommez-en un autre d'abord.", nil)
	}
	return nil
}
