package comptes

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/formulaire"
	"atelier/hooks/model"
)

// CheckNewPassword says, next to the fields ChampNouveau and
// ChampConfirmation, what is wrong with a password typed twice: the same
// rules as every staff password.
func CheckNewPassword(app core.App, password, confirmation string) formulaire.Erreurs {
	return checkNewPassword(app, password, confirmation)
}

// NewFirstCoordinateur is the first account of an instance, made on the
// installation page: a coordinateur of every structure, active, whose
// address is taken as verified (the person typed it while installing the
// server). Coordinateurs read no person, so there is nothing to confirm.
func NewFirstCoordinateur(app core.App, structure, prenom, nom, email, password string) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId("utilisateurs")
	if err != nil {
		return nil, fmt.Errorf("first coordinateur: %w", err)
	}
	account := core.NewRecord(c)
	account.Load(map[string]any{"prenom": prenom, "nom": nom, "role": model.RoleCoordinateur,
		"structures": []string{structure}, "actif": true})
	account.SetEmail(email)
	account.SetVerified(true)
	account.SetPassword(password)
	return account, nil
}
