package comptes

import (
	"fmt"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/access"
	"atelier/hooks/journal"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/model"
)

// PagePath is the référents' page of accounts waiting for confirmation.
const PagePath = "/espace/comptes"

// EnAttente is an account waiting for confirmation in one structure.
type EnAttente struct {
	CompteID, Prenom, Nom, Email, Role string
	StructureID, Structure             string
}

// confirmableBy lists the structures where account may confirm others: an
// active référent's structures they are themselves confirmed for. A
// coordinateur confirms nowhere: they create accounts, someone else lets
// them read people.
func confirmableBy(account *core.Record) []string {
	if account == nil || account.Collection().Name != "utilisateurs" || !account.GetBool("actif") ||
		account.GetString("role") != model.RoleReferent {
		return nil
	}
	var out []string
	for _, id := range account.GetStringSlice("structures") {
		if slices.Contains(account.GetStringSlice(Confirmations), id) {
			out = append(out, id)
		}
	}
	return out
}

// MayConfirm tells whether auth sees the confirmation page.
func MayConfirm(auth *core.Record) bool {
	return auth != nil && auth.GetString("role") == model.RoleReferent
}

// Confirmed tells whether the référent may confirm in one of their
// structures at least (they were confirmed themselves).
func Confirmed(referent *core.Record) bool { return len(confirmableBy(referent)) > 0 }

// PendingFor lists the accounts referent may confirm, by structure then name.
func PendingFor(app core.App, referent *core.Record) ([]EnAttente, error) {
	structures := confirmableBy(referent)
	if len(structures) == 0 {
		return nil, nil
	}
	accounts, err := app.FindRecordsByFilter("utilisateurs", "actif = true && id != {:me}", "nom,prenom", 0, 0,
		dbx.Params{"me": referent.Id})
	if err != nil {
		return nil, fmt.Errorf("accounts to confirm: %w", err)
	}
	names := map[string]string{}
	if records, err := app.FindRecordsByIds("structures", structures); err == nil {
		for _, r := range records {
			names[r.Id] = r.GetString("nom")
		}
	}
	var out []EnAttente
	for _, s := range structures {
		for _, a := range accounts {
			if pending(a, s) {
				out = append(out, EnAttente{CompteID: a.Id, Prenom: a.GetString("prenom"), Nom: a.GetString("nom"),
					Email: a.Email(), Role: referentiel.Roles.Label(a.GetString("role")), StructureID: s, Structure: names[s]})
			}
		}
	}
	return out, nil
}

// Confirm lets account read the people of structure, on behalf of
// referent; the journal and the structure's référents hear of it. An
// account that is not waiting there (already confirmed, another
// structure, the référent themselves) is not found.
func Confirm(app core.App, referent *core.Record, accountID, structure string) (*core.Record, error) {
	if !slices.Contains(confirmableBy(referent), structure) {
		return nil, access.ErrForbidden
	}
	account, err := app.FindRecordById("utilisateurs", accountID)
	if err != nil || account.Id == referent.Id || !pending(account, structure) {
		return nil, model.ErrNotFound
	}
	before := account.Clone()
	account.Set(Confirmations, append(account.GetStringSlice(Confirmations), structure))
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(account); err != nil {
			return fmt.Errorf("confirm account %s: %w", account.Id, err)
		}
		recordGrants(tx, app, referent, before, account)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return account, nil
}

// ConfirmByOperator lets the account with this e-mail read the people of
// the structure with this slug, on the word of the server's operator (the
// command line): the administrator's confirmation, without /_/, that a
// structure's first référent needs before confirming the others. The
// account must be active (its invitation accepted) and waiting there.
func ConfirmByOperator(app core.App, email, slug string) (*core.Record, error) {
	structure, err := app.FindFirstRecordByData("structures", "slug", slug)
	if err != nil {
		return nil, fmt.Errorf("aucune structure n'a l'adresse courte %q", slug)
	}
	account, err := app.FindAuthRecordByEmail("utilisateurs", email)
	if err != nil {
		return nil, fmt.Errorf("aucun compte n'a l'adresse %s", email)
	}
	if !pending(account, structure.Id) {
		return nil, fmt.Errorf("le compte %s n'attend pas de confirmation pour %s : il doit être actif (invitation acceptée), "+
			"conseiller ou référent de cette structure, et pas encore confirmé", email, structure.GetString("nom"))
	}
	before := account.Clone()
	account.Set(Confirmations, append(account.GetStringSlice(Confirmations), structure.Id))
	err = app.RunInTransaction(func(tx core.App) error {
		if err := tx.Save(account); err != nil {
			return fmt.Errorf("confirm account %s: %w", account.Id, err)
		}
		recordGrantsBy(tx, app, func(structure, details string) error {
			return journal.LogGrantCommand(tx, structure, details)
		}, before, account)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return account, nil
}
