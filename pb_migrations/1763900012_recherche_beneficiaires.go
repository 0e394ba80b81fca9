package pb_migrations

import (
	"fmt"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"

	"atelier/hooks/lib/texte"
)

// People are searched accent-, case- and typo-blind, and fast with 100,000
// of them. Each person keeps a folded text of their names, e-mail and phone
// (beneficiaires.recherche, written on every save by model.RegisterRecherche,
// hidden from the API), and an FTS5 trigram index of it answers « LIKE
// '%mot%' » without reading every row. Triggers keep the index in step with
// beneficiaires in the same transaction, whatever writes. The index's rowids
// come from a table with an INTEGER PRIMARY KEY (beneficiaires_recherche_cles):
// a VACUUM may renumber the rowids of PocketBase's tables, not these.
func init() {
	m.Register(func(app core.App) error {
		beneficiaires, err := app.FindCollectionByNameOrId("beneficiaires")
		if err != nil {
			return fmt.Errorf("people search: %w", err)
		}
		beneficiaires.Fields.Add(&core.TextField{Name: "recherche", Max: 2000, Hidden: true})
		if err := app.Save(beneficiaires); err != nil {
			return fmt.Errorf("people search field: %w", err)
		}
		if err := fillRecherche(app); err != nil {
			return err
		}
		return execAll(app, rechercheUp)
	}, func(app core.App) error {
		if err := execAll(app, rechercheDown); err != nil {
			return err
		}
		beneficiaires, err := app.FindCollectionByNameOrId("beneficiaires")
		if err != nil {
			return fmt.Errorf("people search: %w", err)
		}
		beneficiaires.Fields.RemoveByName("recherche")
		return app.Save(beneficiaires)
	})
}

// fillRecherche writes the folded text of the people recorded before.
func fillRecherche(app core.App) error {
	var rows []struct {
		ID        string `db:"id"`
		Prenom    string `db:"prenom"`
		Nom       string `db:"nom"`
		Email     string `db:"email"`
		Telephone string `db:"telephone"`
	}
	if err := app.DB().Select("id", "prenom", "nom", "email", "telephone").From("beneficiaires").All(&rows); err != nil {
		return fmt.Errorf("people search: %w", err)
	}
	for _, r := range rows {
		_, err := app.DB().Update("beneficiaires", dbx.Params{"recherche": texte.Fiche(r.Prenom, r.Nom, r.Email, r.Telephone)},
			dbx.HashExp{"id": r.ID}).Execute()
		if err != nil {
			return fmt.Errorf("people search of %s: %w", r.ID, err)
		}
	}
	return nil
}

// rechercheTexte is what the index holds: the folded text, or, for a row
// written without the application's hooks (raw SQL by an operator), its
// names and contacts as they are (still found, case-blind).
const rechercheTexte = `coalesce(nullif(new.recherche, ''), new.prenom || ' ' || new.nom || ' ' || coalesce(new.email, '') || ' ' || coalesce(new.telephone, ''))`

var rechercheUp = []string{
	`CREATE TABLE beneficiaires_recherche_cles (n INTEGER PRIMARY KEY, beneficiaire TEXT NOT NULL UNIQUE)`,
	`CREATE VIRTUAL TABLE beneficiaires_recherche USING fts5(texte, tokenize = 'trigram')`,
	`CREATE TRIGGER beneficiaires_recherche_ai AFTER INSERT ON beneficiaires BEGIN
		INSERT INTO beneficiaires_recherche_cles (beneficiaire) VALUES (new.id);
		INSERT INTO beneficiaires_recherche (rowid, texte) VALUES (last_insert_rowid(), ` + rechercheTexte + `);
	END`,
	`CREATE TRIGGER beneficiaires_recherche_au AFTER UPDATE OF recherche, prenom, nom, email, telephone ON beneficiaires BEGIN
		UPDATE beneficiaires_recherche SET texte = ` + rechercheTexte + `
			WHERE rowid = (SELECT n FROM beneficiaires_recherche_cles WHERE beneficiaire = new.id);
	END`,
	`CREATE TRIGGER beneficiaires_recherche_ad AFTER DELETE ON beneficiaires BEGIN
		DELETE FROM beneficiaires_recherche WHERE rowid = (SELECT n FROM beneficiaires_recherche_cles WHERE beneficiaire = old.id);
		DELETE FROM beneficiaires_recherche_cles WHERE beneficiaire = old.id;
	END`,
	`INSERT INTO beneficiaires_recherche_cles (beneficiaire) SELECT id FROM beneficiaires ORDER BY created`,
	`INSERT INTO beneficiaires_recherche (rowid, texte)
		SELECT c.n, b.recherche FROM beneficiaires_recherche_cles c JOIN beneficiaires b ON b.id = c.beneficiaire`,
}

var rechercheDown = []string{
	`DROP TRIGGER IF EXISTS beneficiaires_recherche_ai`,
	`DROP TRIGGER IF EXISTS beneficiaires_recherche_au`,
	`DROP TRIGGER IF EXISTS beneficiaires_recherche_ad`,
	`DROP TABLE IF EXISTS beneficiaires_recherche`,
	`DROP TABLE IF EXISTS beneficiaires_recherche_cles`,
}

func execAll(app core.App, statements []string) error {
	for _, sql := range statements {
		if _, err := app.DB().NewQuery(sql).Execute(); err != nil {
			return fmt.Errorf("people search index: %w", err)
		}
	}
	return nil
}
