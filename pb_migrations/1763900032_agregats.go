package pb_migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Monthly aggregates of the statistics (hooks/statistiques/agregats.go):
// agregats holds, per structure and month of its time zone, what the
// month adds to any period holding it; version counts the changes marked
// on the month and calcule the version its donnees were computed at, so a
// month is stale while they differ, or while empreinte (the fingerprint
// of the counting code that computed it) is not the running code's.
//
// Triggers mark changes in the write's own transaction, whoever writes
// (records, raw SQL, bulk loads): each writes the structure and the
// instant of the activity touched into agregats_marques (an empty instant
// marks every month of the structure). SQLite cannot say which month an
// instant is in a structure's zone, so the reader turns the marks into
// stale months before counting. A registration adds one small row.
//
// A later migration that drops or renames a column these triggers read
// (seances: structure, debut, fin, statut, participants_anonymes, atelier;
// inscriptions: seance, statut, beneficiaire; envois: cible, evenement,
// statut, canal; beneficiaires: annee_naissance, genre, statut_social,
// commune; ateliers: besoin, thematiques; structures: fuseau) drops and
// recreates them around the change.
func init() {
	m.Register(func(app core.App) error {
		return execAll(app, agregatsUp)
	}, func(app core.App) error {
		return execAll(app, agregatsDown)
	})
}

// agregatsEnvois are the messages the statistics read: a waiting-list
// trace and the reminder's channel.
const agregatsEnvois = `('liste_attente', 'promotion', 'offre_place', 'rappel')`

func agregatsMarqueSeance(seance string) string {
	return `INSERT INTO agregats_marques (structure, instant) SELECT structure, debut FROM seances WHERE id = ` + seance + `;`
}

func agregatsMarqueInscription(inscription string) string {
	return `INSERT INTO agregats_marques (structure, instant)
		SELECT s.structure, s.debut FROM inscriptions i JOIN seances s ON s.id = i.seance WHERE i.id = ` + inscription + `;`
}

func agregatsMarquePersonne(personne string) string {
	return `INSERT INTO agregats_marques (structure, instant)
		SELECT s.structure, s.debut FROM inscriptions i JOIN seances s ON s.id = i.seance WHERE i.beneficiaire = ` + personne + `
		UNION ALL SELECT structure, date FROM accompagnements WHERE beneficiaire = ` + personne + `;`
}

var agregatsUp = []string{
	`CREATE TABLE agregats (structure TEXT NOT NULL, mois TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,
		calcule INTEGER NOT NULL DEFAULT 0, empreinte TEXT NOT NULL DEFAULT '', donnees TEXT NOT NULL DEFAULT '', personnes TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (structure, mois)) WITHOUT ROWID`,
	`CREATE TABLE agregats_marques (n INTEGER PRIMARY KEY, structure TEXT NOT NULL, instant TEXT NOT NULL)`,

	`CREATE TRIGGER agregats_seances_ai AFTER INSERT ON seances BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (new.structure, new.debut);
	END`,
	`CREATE TRIGGER agregats_seances_au AFTER UPDATE ON seances
		WHEN old.structure IS NOT new.structure OR old.debut IS NOT new.debut OR old.fin IS NOT new.fin
			OR old.statut IS NOT new.statut OR old.participants_anonymes IS NOT new.participants_anonymes
			OR old.atelier IS NOT new.atelier BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (old.structure, old.debut), (new.structure, new.debut);
	END`,
	`CREATE TRIGGER agregats_seances_ad AFTER DELETE ON seances BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (old.structure, old.debut);
	END`,

	`CREATE TRIGGER agregats_inscriptions_ai AFTER INSERT ON inscriptions BEGIN ` + agregatsMarqueSeance("new.seance") + ` END`,
	`CREATE TRIGGER agregats_inscriptions_au AFTER UPDATE ON inscriptions
		WHEN old.seance IS NOT new.seance OR old.statut IS NOT new.statut OR old.beneficiaire IS NOT new.beneficiaire BEGIN ` +
		agregatsMarqueSeance("old.seance") + agregatsMarqueSeance("new.seance") + ` END`,
	`CREATE TRIGGER agregats_inscriptions_ad AFTER DELETE ON inscriptions BEGIN ` + agregatsMarqueSeance("old.seance") + ` END`,

	`CREATE TRIGGER agregats_envois_ai AFTER INSERT ON envois WHEN new.evenement IN ` + agregatsEnvois + ` BEGIN ` +
		agregatsMarqueInscription("new.cible") + ` END`,
	`CREATE TRIGGER agregats_envois_au AFTER UPDATE ON envois
		WHEN (old.evenement IN ` + agregatsEnvois + ` OR new.evenement IN ` + agregatsEnvois + `)
			AND (old.cible IS NOT new.cible OR old.evenement IS NOT new.evenement OR old.statut IS NOT new.statut
			OR old.canal IS NOT new.canal) BEGIN ` +
		agregatsMarqueInscription("old.cible") + agregatsMarqueInscription("new.cible") + ` END`,
	`CREATE TRIGGER agregats_envois_ad AFTER DELETE ON envois WHEN old.evenement IN ` + agregatsEnvois + ` BEGIN ` +
		agregatsMarqueInscription("old.cible") + ` END`,

	// One-to-one help is rarely edited: any change marks its months.
	`CREATE TRIGGER agregats_accompagnements_ai AFTER INSERT ON accompagnements BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (new.structure, new.date);
	END`,
	`CREATE TRIGGER agregats_accompagnements_au AFTER UPDATE ON accompagnements BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (old.structure, old.date), (new.structure, new.date);
	END`,
	`CREATE TRIGGER agregats_accompagnements_ad AFTER DELETE ON accompagnements BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (old.structure, old.date);
	END`,

	// A person's attributes count in every month they were seen
	// (anonymisation blanks them).
	`CREATE TRIGGER agregats_beneficiaires_au AFTER UPDATE ON beneficiaires
		WHEN old.annee_naissance IS NOT new.annee_naissance OR old.genre IS NOT new.genre
			OR old.statut_social IS NOT new.statut_social OR old.commune IS NOT new.commune BEGIN ` +
		agregatsMarquePersonne("new.id") + ` END`,
	`CREATE TRIGGER agregats_beneficiaires_ad AFTER DELETE ON beneficiaires BEGIN ` + agregatsMarquePersonne("old.id") + ` END`,

	`CREATE TRIGGER agregats_ateliers_au AFTER UPDATE ON ateliers
		WHEN old.besoin IS NOT new.besoin OR old.thematiques IS NOT new.thematiques BEGIN
		INSERT INTO agregats_marques (structure, instant) SELECT structure, debut FROM seances WHERE atelier = new.id;
	END`,

	// Another time zone moves activities across months: every month of
	// the structure is counted again.
	`CREATE TRIGGER agregats_structures_au AFTER UPDATE ON structures WHEN old.fuseau IS NOT new.fuseau BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (new.id, '');
	END`,
	`CREATE TRIGGER agregats_structures_ad AFTER DELETE ON structures BEGIN
		INSERT INTO agregats_marques (structure, instant) VALUES (old.id, '');
	END`,
}

var agregatsDown = []string{
	`DROP TRIGGER IF EXISTS agregats_structures_ad`,
	`DROP TRIGGER IF EXISTS agregats_structures_au`,
	`DROP TRIGGER IF EXISTS agregats_ateliers_au`,
	`DROP TRIGGER IF EXISTS agregats_beneficiaires_ad`,
	`DROP TRIGGER IF EXISTS agregats_beneficiaires_au`,
	`DROP TRIGGER IF EXISTS agregats_accompagnements_ad`,
	`DROP TRIGGER IF EXISTS agregats_accompagnements_au`,
	`DROP TRIGGER IF EXISTS agregats_accompagnements_ai`,
	`DROP TRIGGER IF EXISTS agregats_envois_ad`,
	`DROP TRIGGER IF EXISTS agregats_envois_au`,
	`DROP TRIGGER IF EXISTS agregats_envois_ai`,
	`DROP TRIGGER IF EXISTS agregats_inscriptions_ad`,
	`DROP TRIGGER IF EXISTS agregats_inscriptions_au`,
	`DROP TRIGGER IF EXISTS agregats_inscriptions_ai`,
	`DROP TRIGGER IF EXISTS agregats_seances_ad`,
	`DROP TRIGGER IF EXISTS agregats_seances_au`,
	`DROP TRIGGER IF EXISTS agregats_seances_ai`,
	`DROP TABLE IF EXISTS agregats_marques`,
	`DROP TABLE IF EXISTS agregats`,
}
