package journal

import (
	"fmt"
	"strings"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
)

// LogAccess records that auth did action on person's data. Call it with
// the transaction that makes the change, so that both are kept or neither.
func LogAccess(app core.App, auth *core.Record, action string, person *core.Record, details string) error {
	author, name := journalAuthor(auth)
	return logPerson(app, author, name, action, person, details)
}

// PublicForm is the author of what a person does on a public page, with
// no account: their own registration creates their record.
const PublicForm = "Formulaire public"

// LogPublic records that a public form did action on person's data; like
// LogAccess, call it with the transaction that makes the change.
func LogPublic(app core.App, action string, person *core.Record, details string) error {
	return logPerson(app, "", PublicForm, action, person, details)
}

// CommandLine is the author of what an operator does with a command of
// the server (an import): no account, the server's own shell.
const CommandLine = "Ligne de commande"

// LogCommand records that a command of the server did action on person's
// data; like LogAccess, call it with the transaction that makes the change.
func LogCommand(app core.App, action string, person *core.Record, details string) error {
	return logPerson(app, "", CommandLine, action, person, details)
}

func logPerson(app core.App, author, name, action string, person *core.Record, details string) error {
	collection, err := app.FindCachedCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal %s: %w", action, err)
	}
	entry := core.NewRecord(collection)
	entry.Load(map[string]any{"auteur": author, "auteur_nom": name, "action": action, "details": envois.Truncate(details, 1000)})
	if person != nil {
		entry.Set("beneficiaire", person.Id)
		entry.Set("structure", person.GetString("structure"))
	}
	if err := app.Save(entry); err != nil {
		return fmt.Errorf("journal %s: %w", action, err)
	}
	return nil
}

// journalAuthor is the staff account and its name at the time; an
// administrator is named by their e-mail, the server by journalSystemName.
func journalAuthor(auth *core.Record) (id, name string) {
	switch {
	case auth == nil:
		return "", journalSystemName
	case auth.IsSuperuser():
		return "", "Administrateur " + auth.Email()
	case auth.Collection().Name == "utilisateurs":
		return auth.Id, strings.TrimSpace(auth.GetString("prenom") + " " + auth.GetString("nom"))
	default:
		return "", auth.Collection().Name + " " + auth.Id
	}
}

// RegisterJournalHooks keeps the log out of reach of the API's writers and
// records the accesses to beneficiaries made through the REST API (the
// pages log their own): records opened one by one, and every list or
// expand that returns people (listes.go).
func RegisterJournalHooks(app core.App) {
	refuse := func(e *core.RecordRequestEvent) error {
		return apis.NewForbiddenError("Le journal est écrit par le serveur seulement.", nil)
	}
	app.OnRecordCreateRequest("journal").BindFunc(refuse)
	app.OnRecordUpdateRequest("journal").BindFunc(refuse)
	app.OnRecordDeleteRequest("journal").BindFunc(refuse)

	app.OnRecordViewRequest("beneficiaires").BindFunc(func(e *core.RecordRequestEvent) error {
		if err := LogAccess(e.App, e.Auth, Consultation, e.Record, "Par l'API"); err != nil {
			return err
		}
		return e.Next()
	})
	logAfter := func(action string) func(e *core.RecordRequestEvent) error {
		return func(e *core.RecordRequestEvent) error {
			if err := e.Next(); err != nil {
				return err
			}
			if err := LogAccess(e.App, e.Auth, action, e.Record, "Par l'API"); err != nil {
				e.App.Logger().Error("journal", "action", action, "beneficiaire", e.Record.Id, "error", err)
			}
			return nil
		}
	}
	app.OnRecordCreateRequest("beneficiaires").BindFunc(logAfter(Creation))
	app.OnRecordUpdateRequest("beneficiaires").BindFunc(logAfter(Modification))
	app.OnRecordDeleteRequest("beneficiaires").BindFunc(logAfter(Effacement))
	registerBulkReadHooks(app)
}

// journalSystemName is the author of what the server does on its own
// (the retention job).
const journalSystemName = "Atelier (conservation automatique)"

// Actions of the log (referentiel.ActionsJournal).
const (
	Consultation = "consultation"
	Export       = "export"
	Modification = "modification"
	Fusion       = "fusion"
	Effacement   = "effacement"
	Creation     = "creation"
)
