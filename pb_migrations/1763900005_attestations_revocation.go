package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Attestations can be revoked (a mistake, a person marked present by
// error): the verification page then says the document was cancelled. Each
// attestation also keeps what it states (names, workshops, dates, issuer)
// as it was printed, so that verifying it or drawing it again does not
// depend on records edited or deleted since.
func init() {
	m.Register(func(app core.App) error {
		return setAttestationFields(app, true)
	}, func(app core.App) error {
		return setAttestationFields(app, false)
	})
}

func setAttestationFields(app core.App, present bool) error {
	c, err := app.FindCollectionByNameOrId("attestations")
	if err != nil {
		return fmt.Errorf("attestation fields: %w", err)
	}
	if present {
		c.Fields.Add(
			date("revoquee_le", false),
			text("motif_revocation", false, 500),
			&core.JSONField{Name: "contenu", MaxSize: 256 << 10,
				Help: "Ce que l'attestation déclare, tel qu'imprimé (personne, ateliers, dates, conseiller)"},
		)
	} else {
		for _, name := range []string{"revoquee_le", "motif_revocation", "contenu"} {
			c.Fields.RemoveByName(name)
		}
	}
	if err := app.Save(c); err != nil {
		return fmt.Errorf("attestation fields: %w", err)
	}
	return nil
}
