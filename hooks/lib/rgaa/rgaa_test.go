package rgaa

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTauxCountsApplicableCriteriaOnly(t *testing.T) {
	cases := []struct {
		criteres []Resultat
		taux     float64
		arrondi  int
		etat     string
	}{
		{[]Resultat{Conforme, Conforme, NonApplicable}, 100, 100, "totalement conforme"},
		{[]Resultat{Conforme, NonConforme, NonApplicable, NonApplicable}, 50, 50, "partiellement conforme"},
		{[]Resultat{Conforme, NonConforme, NonConforme}, 100.0 / 3, 33, "non conforme"},
		// 199 of 200: 99.5 % is published as 99 %, and is not « totalement ».
		{append(repeat(Conforme, 199), NonConforme), 99.5, 99, "partiellement conforme"},
		{[]Resultat{NonApplicable}, 0, 0, "non conforme"},
	}
	for _, tc := range cases {
		var cr []Critere
		for _, r := range tc.criteres {
			cr = append(cr, Critere{Resultat: r})
		}
		c := Count(cr)
		if c.Taux() != tc.taux || c.TauxArrondi() != tc.arrondi || c.Etat() != tc.etat {
			t.Errorf("%v: taux %v (%d), %q; want %v (%d), %q", tc.criteres, c.Taux(), c.TauxArrondi(), c.Etat(), tc.taux, tc.arrondi, tc.etat)
		}
	}
}

func repeat(r Resultat, n int) []Resultat {
	out := make([]Resultat, n)
	for i := range out {
		out[i] = r
	}
	return out
}

// TestAuditCoversTheReferential checks the audit against the shape of
// RGAA 4.1: 106 criteria, numbered in order within its 13 themes, each
// with a result, a way it was checked, and words for the statement when
// it fails.
func TestAuditCoversTheReferential(t *testing.T) {
	parTheme := map[int]int{1: 9, 2: 2, 3: 3, 4: 13, 5: 8, 6: 2, 7: 5, 8: 10, 9: 4, 10: 14, 11: 13, 12: 11, 13: 12}
	if n := len(Courant.Criteres); n != 106 {
		t.Fatalf("%d criteria, want 106", n)
	}
	pages := map[string]bool{}
	for _, p := range Courant.Echantillon {
		pages[p.Code] = true
	}
	vus := map[int]int{}
	for _, c := range Courant.Criteres {
		theme := ThemeOf(c.Numero)
		vus[theme]++
		if want := fmt.Sprintf("%d.%d", theme, vus[theme]); c.Numero != want {
			t.Errorf("criterion %s out of order, want %s", c.Numero, want)
		}
		if c.Titre == "" || c.Verification == "" {
			t.Errorf("%s: title or verification missing", c.Numero)
		}
		switch c.Resultat {
		case Conforme, NonApplicable:
			if c.Defaut != "" {
				t.Errorf("%s is %s but says what fails", c.Numero, c.Resultat)
			}
		case NonConforme:
			if c.Defaut == "" {
				t.Errorf("%s is non-compliant without saying what fails", c.Numero)
			}
		default:
			t.Errorf("%s: result %q", c.Numero, c.Resultat)
		}
		for _, p := range c.Pages {
			if !pages[p] {
				t.Errorf("%s: page %q is not in the sample", c.Numero, p)
			}
		}
		if !strings.HasPrefix(c.Verification, "automatique : ") && !strings.HasPrefix(c.Verification, "manuel : ") && !strings.HasPrefix(c.Verification, "non vérifié : ") {
			t.Errorf("%s: verification %q says neither how nor that it was not checked", c.Numero, c.Verification)
		}
		if strings.HasPrefix(c.Verification, "non vérifié : ") && c.Resultat != NonConforme {
			t.Errorf("%s was not checked: it must count as non-compliant", c.Numero)
		}
	}
	for theme, n := range parTheme {
		if vus[theme] != n {
			t.Errorf("theme %d: %d criteria, want %d", theme, vus[theme], n)
		}
	}
}

// TestToolVersionsMatchTheBrowserTests keeps the statement's test
// environment the one hooks/e2e installs.
func TestToolVersionsMatchTheBrowserTests(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "e2e", "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	var pkg struct {
		DevDependencies map[string]string `json:"devDependencies"`
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	outils := strings.Join(Courant.Outils, "\n")
	for _, name := range []string{"axe-core", "accessibility-checker-engine"} {
		v := pkg.DevDependencies[name]
		if v == "" || !regexp.MustCompile(regexp.QuoteMeta(name)+" "+regexp.QuoteMeta(v)+`\b`).MatchString(outils) {
			t.Errorf("the audit's tools do not name %s %s of hooks/e2e/package.json: %q", name, v, outils)
		}
	}
}

// TestDocMatchesAudit fails when docs/accessibilite.md and the audit
// differ. ATELIER_RGAA_ECRIRE=1 rewrites the document from the audit.
func TestDocMatchesAudit(t *testing.T) {
	path := filepath.Join("..", "..", "..", "docs", "accessibilite.md")
	want := Markdown(Courant)
	if os.Getenv("ATELIER_RGAA_ECRIRE") == "1" {
		if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("docs/accessibilite.md differs from the audit in hooks/lib/rgaa: run ATELIER_RGAA_ECRIRE=1 go test ./hooks/lib/rgaa/")
	}
}
