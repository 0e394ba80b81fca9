package app

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"atelier/hooks/cli"
	"atelier/hooks/clock"
	"atelier/hooks/testkit"
)

// Long commands show their progress. Through the cobra commands, into a
// buffer (not a terminal): plain lines at each tenth, then a summary,
// never a \r. The clocks are stopped, so the rate is not known yet and
// the lines are exact.

func runCommand(t *testing.T, cmd interface {
	SetOut(w io.Writer)
	SetErr(w io.Writer)
	SetArgs(a []string)
	Execute() error
}, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	if err := cmd.Execute(); err != nil {
		t.Fatalf("%v: %v\n%s", args, err, out.String())
	}
	if strings.Contains(out.String(), "\r") {
		t.Errorf("%v: a \\r in a plain output:\n%q", args, out.String())
	}
	return strings.ReplaceAll(out.String(), "\u202f", " ")
}

func TestReportsCommandShowsProgress(t *testing.T) {
	t.Parallel()
	app := reportApp(t, "2027-01-10 10:00:00.000Z")
	clock.Set(app, clockwork.NewFakeClockAt(utcTime(t, "2027-03-02T10:00:00Z")))
	out := runCommand(t, cli.NewReportsCommand(app), "generer", "--mois", "2027-02")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	want := []string{
		"", "Rapports de février 2027 : 1 / 3 (33 %), reste : calcul en cours",
		"", "Rapports de février 2027 : 2 / 3 (66 %), reste : calcul en cours",
		"", "Rapports de février 2027 : 3 / 3 (100 %), reste : calcul en cours",
		"Rapports de février 2027 : 3 / 3 terminé en 0 s",
	}
	if len(lines) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(lines), len(want), out)
	}
	for i, w := range want {
		if w == "" { // a structure's own line, before its progress
			if !strings.HasSuffix(lines[i], ", février 2027 : rapport créé") {
				t.Errorf("line %d: %q, want a structure's report", i, lines[i])
			}
		} else if lines[i] != w {
			t.Errorf("line %d: %q, want %q", i, lines[i], w)
		}
	}
}

func TestRetentionCommandShowsProgress(t *testing.T) {
	t.Parallel()
	app := jobApp(t)
	now := testkit.Now()
	clock.Set(app, clockwork.NewFakeClockAt(now))
	collection, err := app.FindCollectionByNameOrId("beneficiaires")
	if err != nil {
		t.Fatal(err)
	}
	longAgo, _ := types.ParseDateTime(now.AddDate(-3, 0, 0))
	const inactive = 250 // two batches of the retention
	err = app.RunInTransaction(func(tx core.App) error {
		for i := range inactive {
			r := core.NewRecord(collection)
			r.Load(map[string]any{"structure": testkit.ID(testkit.StructureA), "prenom": "Ancien", "nom": strings.Repeat("x", i%5+1),
				"derniere_activite": longAgo})
			r.SetRaw("created", longAgo)
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// A dry run changes nothing, so it shows no progress.
	out := runCommand(t, cli.NewRGPDCommand(app), "retention", "--dry-run")
	if strings.Contains(out, "Anonymisation") || !strings.Contains(out, "Personnes à anonymiser") {
		t.Errorf("dry run:\n%s", out)
	}

	out = runCommand(t, cli.NewRGPDCommand(app), "retention")
	lines := strings.Split(out, "\n")
	if len(lines) < 3 {
		t.Fatalf("output:\n%s", out)
	}
	// The fixture may hold inactive people too: the total is read back.
	var total int
	if _, err := fmt.Sscanf(strings.TrimPrefix(lines[2], "Anonymisation des personnes inactives : "), "%d / %d terminé", &total, &total); err != nil || total < inactive {
		t.Fatalf("summary %q (%v), want at least %d people:\n%s", lines[2], err, inactive, out)
	}
	for i, want := range []string{
		fmt.Sprintf("Anonymisation des personnes inactives : 200 / %d (%d %%), reste : calcul en cours", total, 200*100/total),
		fmt.Sprintf("Anonymisation des personnes inactives : %d / %d (100 %%), reste : calcul en cours", total, total),
		fmt.Sprintf("Anonymisation des personnes inactives : %d / %d terminé en 0 s", total, total),
	} {
		if lines[i] != want {
			t.Errorf("line %d: %q, want %q", i, lines[i], want)
		}
	}
	if !strings.Contains(out, fmt.Sprintf("Personnes anonymisées (sans activité depuis 12 mois, avant le ")) ||
		!strings.Contains(out, fmt.Sprintf(") : %d\n", total)) {
		t.Errorf("report:\n%s", out)
	}
}

// The demo load counts every record it saves; a refused load shows
// nothing (TestDemoRefusesANonEmptyInstance).
func TestDemoCommandShowsProgress(t *testing.T) {
	t.Parallel()
	app := newDemoTestApp(t)
	clock.Set(app, clockwork.NewFakeClockAt(testkit.Now()))
	out := runCommand(t, cli.NewDemoCommand(app))
	var total int
	for _, c := range []string{"structures", "lieux", "utilisateurs", "seances", "beneficiaires", "inscriptions", "accompagnements"} {
		n, err := app.CountRecords(c)
		if err != nil {
			t.Fatal(err)
		}
		total += int(n)
	}
	progress := 0
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "Données de démonstration : ") && strings.HasSuffix(line, ", reste : calcul en cours") {
			progress++
		}
	}
	if progress != 10 || !strings.Contains(out, fmt.Sprintf("Données de démonstration : %s / %s (100 %%)", frNombre(total), frNombre(total))) ||
		!strings.Contains(out, fmt.Sprintf("Données de démonstration : %s / %s terminé en 0 s\n", frNombre(total), frNombre(total))) ||
		!strings.Contains(out, "Données de démonstration chargées") {
		t.Errorf("%d progress lines, want 10, over %d records:\n%s", progress, total, out)
	}
}

// frNombre groups digits as the output does, with plain spaces.
func frNombre(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}
