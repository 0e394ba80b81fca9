package journal

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/envois"
)

// Rapport is the action of a monthly report made on request (« Générer
// maintenant »): provisional, or made again because its figures changed.
const Rapport = "rapport"

// LogStructure records that auth did action on a structure's figures,
// about no one person: a report made on request, a name-free export.
func LogStructure(app core.App, auth *core.Record, action, structure, details string) error {
	collection, err := app.FindCachedCollectionByNameOrId("journal")
	if err != nil {
		return fmt.Errorf("journal %s: %w", action, err)
	}
	entry := core.NewRecord(collection)
	author, name := journalAuthor(auth)
	entry.Load(map[string]any{"auteur": author, "auteur_nom": name, "action": action, "structure": structure,
		"details": envois.Truncate(details, 1000)})
	if err := app.Save(entry); err != nil {
		return fmt.Errorf("journal %s: %w", action, err)
	}
	return nil
}
