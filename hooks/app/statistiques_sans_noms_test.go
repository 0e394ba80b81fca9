package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"atelier/hooks/testkit"
)

// The référents' activity export: the conseillers' rows, for their
// structures only, with no name and no contact, journaled as an export.
func TestReferentActivityExportHasNoName(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	const demarche = "Dossier CAF de Fixturenom-Alpha"
	setFields(t, s.app, "accompagnements", testkit.AccompagnementA, map[string]any{"demarche": demarche})
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"email": "camille.alpha@example.org"})
	period := statsPeriod()
	xlsx := "/espace/statistiques/activites.xlsx?" + period
	csv := "/espace/statistiques/activites.csv?" + period

	conseiller := s.getAs(s.signIn(testkit.ConseillerA), xlsx)
	referent := s.signIn(testkit.ReferentA)
	rec := s.getAs(referent, xlsx)
	if rec.Code != http.StatusOK || conseiller.Code != http.StatusOK {
		t.Fatalf("référent %d, conseiller %d\n%s", rec.Code, conseiller.Code, rec.Body.String())
	}
	rows, err := readXLSX(t, rec.Body.Bytes()).GetRows("Activités")
	if err != nil {
		t.Fatal(err)
	}
	theirs, _ := readXLSX(t, conseiller.Body.Bytes()).GetRows("Activités")
	// The same columns and rows as the conseiller's export: only the
	// names are blank.
	if len(rows) != len(theirs) || len(rows) < 2 || strings.Join(rows[0], "|") != strings.Join(theirs[0], "|") {
		t.Fatalf("référent's rows %q\nconseiller's %q", rows, theirs)
	}
	flat := flatten(rows)
	if !strings.Contains(flat, communeA) || !strings.Contains(flat, "Atelier propre à Alpha") {
		t.Errorf("the export lost the activities: %q", rows)
	}
	if !strings.Contains(flatten(theirs), "Prénom conseillera") || !strings.Contains(flatten(theirs), demarche) {
		t.Fatalf("the conseiller's export should name the advisor and the procedure: %q", theirs)
	}
	csvBody := s.getAs(referent, csv)
	if csvBody.Code != http.StatusOK {
		t.Fatalf("CSV: %d", csvBody.Code)
	}
	for _, bad := range []string{"Fixturenom", "Camille", "camille", "+336", "+262", "Prénom conseillera", "Nom conseillera",
		"Prénom conseillera2", communeB, "France Services Bêta"} {
		if strings.Contains(flat, bad) || strings.Contains(csvBody.Body.String(), bad) {
			t.Errorf("the référent's export holds %q", bad)
		}
	}
	// Two downloads, two journal entries about A, by the référent.
	entries, err := s.app.FindRecordsByFilter("journal", "action = 'export' && structure = {:s} && auteur = {:a}", "created", 0, 0,
		dbx.Params{"s": testkit.ID(testkit.StructureA), "a": testkit.ID(testkit.ReferentA)})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].GetString("beneficiaire") != "" || !strings.Contains(entries[0].GetString("details"), "Export des activités sans nom") {
		t.Errorf("journal: %d entries", len(entries))
	}
}

func TestActivityExportAccessPerRole(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	period := statsPeriod()
	for _, ext := range []string{"xlsx", "csv"} {
		path := "/espace/statistiques/activites." + ext + "?" + period
		cases := []struct {
			who, cookie string
			status      int
		}{
			{"anonyme", "", http.StatusSeeOther},
			{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
			{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
			{"conseiller", s.signIn(testkit.ConseillerA), http.StatusOK},
			{"référent", s.signIn(testkit.ReferentA), http.StatusOK},
			{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusForbidden},
		}
		for _, c := range cases {
			rec := s.getAs(c.cookie, path)
			if rec.Code != c.status || (c.status == http.StatusSeeOther && !strings.HasPrefix(rec.Header().Get("Location"), "/connexion")) {
				t.Errorf("%s %s: %d %s", c.who, ext, rec.Code, rec.Header().Get("Location"))
			}
		}
		// Another structure's activities: 404, as for any record of it.
		rec := s.getAs(s.signIn(testkit.ReferentA), path+"&structure="+testkit.ID(testkit.StructureB))
		if rec.Code != http.StatusNotFound || strings.Contains(rec.Body.String(), communeB) {
			t.Errorf("référent A asking for B's %s: %d", ext, rec.Code)
		}
	}
}
