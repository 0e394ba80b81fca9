package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The monthly aggregates (1763900032) also count what came with the same
// release: a referral's latest answer (suivis_orientation, 1763900031)
// marks the month of its help, and renaming a structure's tag
// (etiquettes, 1763900028), whose name the breakdown shows, marks every
// month of the structure (an empty instant). A deleted tag is taken off
// its helps first, which their own triggers mark.
func init() {
	m.Register(func(app core.App) error {
		return execAll(app, agregatsSuivisUp)
	}, func(app core.App) error {
		return execAll(app, agregatsSuivisDown)
	})
}

var agregatsSuivisUp = []string{
	`CREATE TRIGGER agregats_suivis_ai AFTER INSERT ON suivis_orientation BEGIN
		INSERT INTO agregats_marques (structure, instant) SELECT structure, date FROM accompagnements WHERE id = new.accompagnement;
	END`,
	`CREATE TRIGGER agregats_suivis_au AFTER UPDATE ON suivis_orientation BEGIN
		INSERT INTO agregats_marques (structure, instant) SELECT structure, date FROM accompagnements WHERE id IN (old.accompagnement, new.accompagnement);
	END`,
	`CREATE TRIGGER agregats_suivis_ad AFTER DELETE ON suivis_orientation BEGIN
		INSERT INTO agregats_marques (structure, instant) SELECT structure, date FROM accompagnements WHERE id = old.accompagnement;
	END`,
	`CREATE TRIGGER agregats_etiquettes_au AFTER UPDATE OF nom, structure ON etiquettes BEGIN
		INSERT INTO agregats_marques (structure, instant) SELECT old.structure, '' WHERE old.structure != ''
			UNION ALL SELECT new.structure, '' WHERE new.structure != '';
	END`,
}

var agregatsSuivisDown = []string{
	`DROP TRIGGER IF EXISTS agregats_etiquettes_au`,
	`DROP TRIGGER IF EXISTS agregats_suivis_ad`,
	`DROP TRIGGER IF EXISTS agregats_suivis_au`,
	`DROP TRIGGER IF EXISTS agregats_suivis_ai`,
}
