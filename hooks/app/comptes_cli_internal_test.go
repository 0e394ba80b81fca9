package app

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/cli"
	"atelier/hooks/comptes"
	"atelier/hooks/journal"
	"atelier/hooks/testkit"
)

// `atelier comptes confirmer`: the administrator's confirmation of a
// structure's first référent, without /_/; journaled as the command line.
// Only an active account waiting for that structure is confirmed.
func TestComptesConfirmerCommand(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	a := testkit.ID(testkit.StructureA)
	users, err := app.FindCollectionByNameOrId("utilisateurs")
	if err != nil {
		t.Fatal(err)
	}
	newAccount := func(email string, active bool) *core.Record {
		r := core.NewRecord(users)
		r.Load(map[string]any{"email": email, "prenom": "Rose", "nom": "Première", "role": "referent",
			"structures": []string{a}, "actif": active, "verified": true})
		r.SetPassword(testkit.StaffPassword)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	referent := newAccount("rose.premiere@example.org", true)
	newAccount("invitee.pas.encore@example.org", false)

	out := runCommand(t, cli.NewComptesCommand(app), "confirmer", "--structure", "mediatheque-alpha", "rose.premiere@example.org")
	if !strings.Contains(out, "Compte confirmé : Rose Première voit maintenant les personnes de la structure mediatheque-alpha.") {
		t.Errorf("output:\n%s", out)
	}
	referent, err = app.FindRecordById("utilisateurs", referent.Id)
	if err != nil || !slices.Contains(referent.GetStringSlice(comptes.Confirmations), a) {
		t.Fatalf("not confirmed for A: %v %v", referent.GetStringSlice(comptes.Confirmations), err)
	}
	entries, err := app.FindAllRecords("journal", dbx.HashExp{"action": journal.Droits, "auteur_nom": journal.CommandLine, "structure": a})
	if err != nil || len(entries) != 1 || !strings.Contains(entries[0].GetString("details"), referent.Id) {
		t.Errorf("journal: %v %v", entries, err)
	}
	if !comptes.Confirmed(referent) {
		t.Error("the confirmed référent may not confirm the others")
	}

	for _, c := range []struct{ args []string }{
		{[]string{"confirmer", "--structure", "mediatheque-alpha", "rose.premiere@example.org"}}, // already confirmed
		{[]string{"confirmer", "--structure", "mediatheque-alpha", "invitee.pas.encore@example.org"}},
		{[]string{"confirmer", "--structure", "mediatheque-alpha", "personne@example.org"}},
		{[]string{"confirmer", "--structure", "inconnue", "rose.premiere@example.org"}},
		{[]string{"confirmer", "--structure", "mediatheque-alpha", testkit.Email(testkit.Coordinateur)}},
	} {
		cmd := cli.NewComptesCommand(app)
		var buf bytes.Buffer
		cmd.SetOut(&buf)
		cmd.SetErr(&buf)
		cmd.SetArgs(c.args)
		if err := cmd.Execute(); err == nil {
			t.Errorf("%v: accepted\n%s", c.args, buf.String())
		}
	}
	if n, _ := app.CountRecords("journal", dbx.HashExp{"auteur_nom": journal.CommandLine}); n != 1 {
		t.Errorf("%d journal entries from the command line, want 1", n)
	}
}
