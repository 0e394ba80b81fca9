package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/referentiel"
)

// Staff invitations (hooks/comptes/invitations.go): an invited account
// waits, inactive, until the person chooses a password from the link of a
// French e-mail. The account keeps the SHA-256 of the link's token
// (invitation_empreinte, hidden: the API never gives it back) and when the
// link stops working (invitation_expire). Only the server writes either:
// the rules keep both out of every API write but an administrator's.
// The messages gain the invitation e-mail.
func init() {
	m.Register(func(app core.App) error {
		return setInvitations(app, true)
	}, func(app core.App) error {
		return setInvitations(app, false)
	})
}

var invitationFields = []string{"invitation_empreinte", "invitation_expire"}

func setInvitations(app core.App, present bool) error {
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("invitations: %w", err)
	}
	rules := accountRules()
	if present {
		utilisateurs.Fields.Add(
			&core.TextField{Name: "invitation_empreinte", Max: 64, Hidden: true},
			&core.DateField{Name: "invitation_expire",
				Help: "Fin de validité du lien d'invitation ; vide quand la personne a choisi son mot de passe"},
		)
		utilisateurs.AddIndex("idx_utilisateurs_invitation", true, "invitation_empreinte", "invitation_empreinte != ''")
		rules = invitationRules()
	} else {
		utilisateurs.RemoveIndex("idx_utilisateurs_invitation")
		for _, name := range invitationFields {
			utilisateurs.Fields.RemoveByName(name)
		}
	}
	applyRules(utilisateurs, rules)
	if err := app.Save(utilisateurs); err != nil {
		return fmt.Errorf("invitations: %w", err)
	}
	return setSelectValues(app, "envois", "evenement", referentiel.EvenementsEnvoi)
}

// invitationRules are accountRules with the invitation fields kept out of
// every write through the API: an invitation is made, resent, withdrawn
// and accepted by the server (pages of /espace/comptes and /connexion/).
func invitationRules() collectionRules {
	r := accountRules()
	create := and(*r.create, unset(invitationFields...))
	update := and(*r.update, unset(invitationFields...))
	r.create, r.update = &create, &update
	return r
}
