package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/dbx"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/cli"
	"atelier/hooks/clock"
	"atelier/hooks/journal"
	"atelier/hooks/testkit"
)

// `atelier beneficiaires importer`: a trial writes nothing, the import
// shows its progress, skips duplicates, journals each person as created
// by the command line, and an invalid row stops everything.
func TestImportCommand(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	clock.Set(app, clockwork.NewFakeClockAt(testkit.Now()))
	dir := t.TempDir()
	file := filepath.Join(dir, "liste.csv")
	var rows strings.Builder
	rows.WriteString("Nom;Prénom;Téléphone\n")
	for _, name := range []string{"Un", "Deux", "Trois", "Quatre", "Cinq", "Six", "Sept", "Huit", "Neuf", "Dix"} {
		rows.WriteString("Commande;" + name + ";\n")
	}
	rows.WriteString(testkit.NomBeneficiaireA + ";Camille;06 12 34 56 78\n")
	if err := os.WriteFile(file, []byte(rows.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	a := testkit.ID(testkit.StructureA)
	imported := dbx.HashExp{"structure": a, "nom": "Commande"}
	count := func(where dbx.Expression) int {
		n, err := app.CountRecords("beneficiaires", where)
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}

	out := runCommand(t, cli.NewBeneficiairesCommand(app), "importer", "--structure", "mediatheque-alpha", "--essai", file)
	for _, want := range []string{"Colonne « Prénom » : Prénom", "Vérification des lignes : 11 / 11",
		"Ligne 12 : doublon probable d'une personne déjà suivie (même téléphone, même nom)",
		"11 lignes lues : 10 à créer, 1 doublon probable, 0 ligne invalide.", "Essai : rien n'a été enregistré."} {
		if !strings.Contains(out, want) {
			t.Errorf("trial: missing %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, "Camille") {
		t.Error("the command prints a person's name")
	}
	if count(imported) != 0 {
		t.Fatal("the trial wrote")
	}

	out = runCommand(t, cli.NewBeneficiairesCommand(app), "importer", "--structure", "mediatheque-alpha", file)
	for _, want := range []string{"Création des personnes : 10 / 10 terminé", "10 personnes importées dans Médiathèque Alpha."} {
		if !strings.Contains(out, want) {
			t.Errorf("import: missing %q in\n%s", want, out)
		}
	}
	if n := count(dbx.And(imported, dbx.HashExp{"consentement_source": beneficiaires.ConsentementDeclare})); n != 10 {
		t.Errorf("%d people imported with a declared consent, want 10", n)
	}
	n, err := app.CountRecords("journal", dbx.HashExp{"auteur_nom": journal.CommandLine, "action": journal.Creation, "structure": a})
	if err != nil || n != 10 {
		t.Errorf("%d creations journaled by the command line (%v)", n, err)
	}

	bad := filepath.Join(dir, "mauvais.csv")
	if err := os.WriteFile(bad, []byte("nom,prenom,email\nBon,Jean,\nMauvais,Paul,paul@\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := cli.NewBeneficiairesCommand(app)
	cmd.SetArgs([]string{"importer", "--structure", "mediatheque-alpha", bad})
	cmd.SetOut(&strings.Builder{})
	cmd.SetErr(&strings.Builder{})
	if err := cmd.Execute(); err == nil || !strings.Contains(err.Error(), "rien n'a été importé") {
		t.Errorf("an invalid row: %v", err)
	}
	if count(dbx.HashExp{"structure": a, "nom": "Bon"}) != 0 {
		t.Error("an import with an invalid row wrote")
	}
}
