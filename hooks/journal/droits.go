package journal

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
)

// Droits is the action of a change of who may read whom: an account
// created, its role, structures, confirmation or status changed.
const Droits = "droits"

// LogGrant records that auth changed the rights of a staff account in
// structure (empty: none). details names the account by its id, never by
// its name.
func LogGrant(app core.App, auth *core.Record, structure, details string) error {
	collection, err := app.FindCachedCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal %s: %w", Droits, err)
	}
	entry := core.NewRecord(collection)
	author, name := journalAuthor(auth)
	entry.Load(map[string]any{"auteur": author, "auteur_nom": name, "action": Droits, "structure": structure,
		"details": envois.Truncate(details, 1000)})
	if err := app.Save(entry); err != nil {
		return fmt.Errorf("journal %s: %w", Droits, err)
	}
	return nil
}

// LogGrantCommand records that the server's operator changed the rights of
// a staff account from the command line (CommandLine), in structure.
func LogGrantCommand(app core.App, structure, details string) error {
	collection, err := app.FindCachedCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal %s: %w", Droits, err)
	}
	entry := core.NewRecord(collection)
	entry.Load(map[string]any{"auteur_nom": CommandLine, "action": Droits, "structure": structure,
		"details": envois.Truncate(details, 1000)})
	if err := app.Save(entry); err != nil {
		return fmt.Errorf("journal %s: %w", Droits, err)
	}
	return nil
}
