package journal

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
)

// Compte is the action of a change of a staff account's own password or
// e-mail address: who could sign in with it.
const Compte = "compte"

// LogAccount records that auth changed how account signs in. details
// never holds the password, a link or the addresses.
func LogAccount(app core.App, auth, account *core.Record, details string) error {
	collection, err := app.FindCachedCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal %s: %w", Compte, err)
	}
	entry := core.NewRecord(collection)
	author, name := journalAuthor(auth)
	structure := ""
	if s := account.GetStringSlice("structures"); len(s) > 0 {
		structure = s[0]
	}
	entry.Load(map[string]any{"auteur": author, "auteur_nom": name, "action": Compte, "structure": structure,
		"details": envois.Truncate("Compte "+account.Id+" : "+details, 1000)})
	if err := app.Save(entry); err != nil {
		return fmt.Errorf("journal %s: %w", Compte, err)
	}
	return nil
}
