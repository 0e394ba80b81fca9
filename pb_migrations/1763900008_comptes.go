package pb_migrations

import (
	"fmt"

	"atelier/hooks/lib/referentiel"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Accounts and tokens:
//   - PocketBase's default "users" collection is not Atelier's (staff sign
//     in as utilisateurs): it was open to sign-up with an image field, a
//     door for strangers. It goes, on a fresh install and on an upgrade.
//   - utilisateurs.confirme_pour lists the structures whose people the
//     account may read, confirmed by the structure's référent or an
//     administrator (hooks/comptes). Accounts already there are confirmed
//     for their structures: nothing changes for them.
//   - Only administrators manage accounts' passwords and e-mail addresses
//     (no manage rule), and every rule checks that the account is active
//     (currentRules).
//   - The journal and the messages gain the grants of staff accounts.
func init() {
	m.Register(upAccounts, downAccounts)
}

const confirmeField = "confirme_pour"

func upAccounts(app core.App) error {
	if users, err := app.FindCollectionByNameOrId("users"); err == nil {
		if err := app.Delete(users); err != nil {
			return fmt.Errorf("drop the users collection: %w", err)
		}
	}
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	if utilisateurs.Fields.GetByName(confirmeField) == nil {
		field := relations(confirmeField, structures, 50)
		field.Help = "Structures dont ce compte voit les personnes, confirmé par leur référent ou un administrateur"
		utilisateurs.Fields.Add(field)
		utilisateurs.ManageRule = nil
		if err := app.Save(utilisateurs); err != nil {
			return fmt.Errorf("add %s: %w", confirmeField, err)
		}
		if _, err := app.DB().NewQuery("UPDATE utilisateurs SET " + confirmeField + " = structures").Execute(); err != nil {
			return fmt.Errorf("confirm the existing accounts: %w", err)
		}
	}
	if err := setSelectValues(app, "journal", "action", referentiel.ActionsJournal); err != nil {
		return err
	}
	if err := setSelectValues(app, "envois", "evenement", referentiel.EvenementsEnvoi); err != nil {
		return err
	}
	rules := currentRules()
	for name, r := range privacyRules() {
		rules[name] = r
	}
	return saveRules(app, rules)
}

func downAccounts(app core.App) error {
	rules := rulesByCollection()
	for name, r := range privacyRules() {
		rules[name] = r
	}
	if err := saveRules(app, rules); err != nil {
		return err
	}
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("accounts: %w", err)
	}
	utilisateurs.Fields.RemoveByName(confirmeField)
	utilisateurs.ManageRule = rule(isCoordinateur)
	if err := app.Save(utilisateurs); err != nil {
		return fmt.Errorf("remove %s: %w", confirmeField, err)
	}
	return nil
}

// setSelectValues makes a select field offer the values of list (new
// values only: stored rows keep theirs).
func setSelectValues(app core.App, collection, name string, list referentiel.List) error {
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		return fmt.Errorf("values of %s.%s: %w", collection, name, err)
	}
	field, ok := c.Fields.GetByName(name).(*core.SelectField)
	if !ok {
		return fmt.Errorf("values of %s.%s: not a select field", collection, name)
	}
	field.Values = list.Values()
	if err := app.Save(c); err != nil {
		return fmt.Errorf("values of %s.%s: %w", collection, name, err)
	}
	return nil
}

func saveRules(app core.App, rules map[string]collectionRules) error {
	for name, r := range rules {
		c, err := app.FindCollectionByNameOrId(name)
		if err != nil {
			return fmt.Errorf("apply rules: %w", err)
		}
		applyRules(c, r)
		if err := app.Save(c); err != nil {
			return fmt.Errorf("apply rules of %s: %w", name, err)
		}
	}
	return nil
}
