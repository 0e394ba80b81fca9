package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/referentiel"
)

// Every message reaches the person, by e-mail, by SMS or by a phone call:
//   - beneficiaires.prefere_sms: the person asked for SMS rather than
//     e-mail (set by a new person's public form, or by staff);
//   - envois may record a message nobody could send (canal telephone,
//     statut a_appeler): staff phone the person, then tick « prévenu »
//     (prevenu_le, prevenu_par) on that row or on a failed one;
//   - structures.delai_rappel_heures: how long before a session its
//     reminder leaves (48 hours when empty).
func init() {
	m.Register(func(app core.App) error {
		return setCanauxFields(app, true)
	}, func(app core.App) error {
		return setCanauxFields(app, false)
	})
}

func setCanauxFields(app core.App, present bool) error {
	beneficiaires, err := app.FindCollectionByNameOrId("beneficiaires")
	if err != nil {
		return fmt.Errorf("channels: %w", err)
	}
	structures, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		return fmt.Errorf("channels: %w", err)
	}
	envois, err := app.FindCollectionByNameOrId("envois")
	if err != nil {
		return fmt.Errorf("channels: %w", err)
	}
	utilisateurs, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		return fmt.Errorf("channels: %w", err)
	}
	canaux, statuts, evenements := referentiel.CanauxEnvoi, referentiel.StatutsEnvoi, referentiel.EvenementsEnvoi
	if present {
		beneficiaires.Fields.Add(flag("prefere_sms"))
		delai := number("delai_rappel_heures", false, 2, 168)
		delai.Help = "Combien d'heures avant une séance part le rappel (48 si vide)"
		structures.Fields.Add(delai)
		envois.Fields.Add(date("prevenu_le", false), relation("prevenu_par", false, utilisateurs, false))
		envois.AddIndex("idx_envois_a_appeler", false, "structure, cible", "statut IN ('a_appeler', 'echec') AND prevenu_le = ''")
	} else {
		beneficiaires.Fields.RemoveByName("prefere_sms")
		structures.Fields.RemoveByName("delai_rappel_heures")
		envois.RemoveIndex("idx_envois_a_appeler")
		envois.Fields.RemoveByName("prevenu_le")
		envois.Fields.RemoveByName("prevenu_par")
		canaux, statuts, evenements = without(canaux, "telephone"), without(statuts, "a_appeler"), without(evenements, "changement")
	}
	for _, c := range []*core.Collection{beneficiaires, structures, envois} {
		if err := app.Save(c); err != nil {
			return fmt.Errorf("channels of %s: %w", c.Name, err)
		}
	}
	for field, list := range map[string]referentiel.List{"canal": canaux, "statut": statuts, "evenement": evenements} {
		if err := setSelectValues(app, "envois", field, list); err != nil {
			return err
		}
	}
	return nil
}

// without is list less one value (a migration's down step).
func without(list referentiel.List, value string) referentiel.List {
	var kept referentiel.List
	for _, item := range list {
		if item.Value != value {
			kept = append(kept, item)
		}
	}
	return kept
}
