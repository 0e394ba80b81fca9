package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/referentiel"
)

// A place freed for the waiting list is offered before it is given (see
// hooks/seances/offres.go):
//   - inscriptions.offre_expire is the deadline of a pending offer (the
//     registration is inscrit and holds the place meanwhile), and
//     offre_expiree marks a person whose offer lapsed (back at the end of
//     the waiting list); the server alone writes them;
//   - structures.delai_offre_heures is the time a person has to confirm
//     (24 hours when empty);
//   - envois.evenement gains offre_place, the offer's message.
func init() {
	m.Register(func(app core.App) error {
		return setOffres(app, true)
	}, func(app core.App) error {
		return setOffres(app, false)
	})
}

func setOffres(app core.App, present bool) error {
	inscriptions, err := app.FindCollectionByNameOrId("inscriptions")
	if err != nil {
		return fmt.Errorf("offers: %w", err)
	}
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return fmt.Errorf("offers: %w", err)
	}
	if present {
		inscriptions.Fields.Add(
			date("offre_expire", false),
			flag("offre_expiree"),
		)
		// The expiry job seeks pending offers only.
		inscriptions.AddIndex("idx_inscriptions_offre_expire", false, "offre_expire", "offre_expire != ''")
		structures.Fields.Add(&core.NumberField{Name: "delai_offre_heures", Min: floatPtr(1), Max: floatPtr(168), OnlyInt: true,
			Help: "Combien d'heures une personne de la liste d'attente a pour confirmer une place libérée (24 si vide ; moins quand la séance est proche)"})
	} else {
		inscriptions.RemoveIndex("idx_inscriptions_offre_expire")
		inscriptions.Fields.RemoveByName("offre_expire")
		inscriptions.Fields.RemoveByName("offre_expiree")
		structures.Fields.RemoveByName("delai_offre_heures")
	}
	if err := app.Save(inscriptions); err != nil {
		return fmt.Errorf("offers of inscriptions: %w", err)
	}
	if err := app.Save(structures); err != nil {
		return fmt.Errorf("offers of structures: %w", err)
	}
	if present {
		return setSelectValues(app, "envois", "evenement", referentiel.EvenementsEnvoi)
	}
	return nil
}
