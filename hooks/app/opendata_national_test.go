package app_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"atelier/hooks/testkit"
)

// The places export goes through the very library the national map imports
// it with (@gouvfr-anct/lieux-de-mediation-numerique, pinned in
// hooks/e2e/package.json): a place it refuses would silently be missing
// from the map. Addresses and communes are typed by staff, with whatever
// punctuation they like.
func TestOpenDataAcceptedByTheNationalLibrary(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fillOpenDataFixture(t, s)
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"adresse": `12 place du "Marché" (bâtiment « B »)`,
		"commune": "Poitiers (Vienne)"})
	setFields(t, s.app, "structures", testkit.StructureB, map[string]any{"adresse": "1 rue de Paris, entrée n°2 !",
		"commune": "Saint-Denis"})

	rec, body := fetch(t, s, "/donnees/lieux.json", false)
	if rec.Code != http.StatusOK {
		t.Fatalf("export: %d", rec.Code)
	}
	for _, kept := range []string{`"adresse": "12 place du Marché (bâtiment B)"`, `"commune": "Poitiers Vienne"`,
		`"adresse": "1 rue de Paris, entrée n°2"`} {
		if !strings.Contains(body, kept) {
			t.Errorf("the export lacks %s: %s", kept, body)
		}
	}
	file := filepath.Join(t.TempDir(), "lieux.json")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	e2e, err := filepath.Abs(filepath.Join("..", "e2e"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(e2e, "node_modules", "@gouvfr-anct", "lieux-de-mediation-numerique")); err != nil {
		t.Fatalf("the national library is missing (run: make hooks/e2e/node_modules): %v", err)
	}
	cmd := exec.Command("node", "valider-lieux.cjs", file)
	cmd.Dir = e2e
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the national library refuses the export: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "3 accepted, 0 refused") {
		t.Errorf("node said: %s", out)
	}
}
