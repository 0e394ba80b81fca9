package app_test

import (
	"archive/zip"
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"atelier/hooks/cli"

	"atelier/hooks/lib/pdfdoc/pdftest"
	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
)

// The reports page and its downloads, for every role, over HTTP.

// attachReportFiles gives a fixture report a PDF and an XLSX.
func attachReportFiles(t *testing.T, s *site, name, pdfText string) {
	t.Helper()
	var xlsx bytes.Buffer
	w := zip.NewWriter(&xlsx)
	f, _ := w.Create("xl/workbook.xml")
	f.Write([]byte("<workbook/>"))
	w.Close()
	r := mustFind(t, s.app, "rapports", name)
	pdf, err := filesystem.NewFileFromBytes([]byte("%PDF-1.4\n"+pdfText+"\n%%EOF"), "rapport.pdf")
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := filesystem.NewFileFromBytes(xlsx.Bytes(), "rapport.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	r.Set("pdf", pdf)
	r.Set("xlsx", sheet)
	r.Set("genere_le", "2026-11-01 05:00:00.000Z")
	if err := s.app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func TestReportsPageForEachRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	attachReportFiles(t, s, testkit.RapportA, "rapport A")
	attachReportFiles(t, s, testkit.RapportB, "rapport B")
	a, b := testkit.ID(testkit.RapportA), testkit.ID(testkit.RapportB)

	if rec := s.get("/espace/rapports"); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
		t.Fatalf("anonymous: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	if rec := s.get("/espace/rapports/" + a + "/pdf"); rec.Code != http.StatusSeeOther {
		t.Fatalf("anonymous download: %d", rec.Code)
	}
	cases := []struct {
		who       string
		sees      []string
		hidden    []string
		structure bool // the structure filter and column
	}{
		{testkit.ConseillerA, []string{a}, []string{b}, false},
		{testkit.ReferentA, []string{a}, []string{b}, false},
		{testkit.ConseillerB, []string{b}, []string{a}, false},
		{testkit.Coordinateur, []string{a, b}, nil, true},
	}
	for _, c := range cases {
		cookie := s.signIn(c.who)
		want := []string{"Rapports mensuels", "Octobre 2026", `href="/espace/rapports" aria-current="page"`}
		for _, id := range c.sees {
			want = append(want, "/espace/rapports/"+id+"/pdf", "/espace/rapports/"+id+"/xlsx")
		}
		absent := append([]string{}, c.hidden...)
		if c.structure {
			want = append(want, `name="structure"`, "Médiathèque Alpha", "France Services Bêta")
		} else {
			absent = append(absent, `name="structure"`)
		}
		expectBody(t, s.getAs(cookie, "/espace/rapports"), http.StatusOK, want, absent)
		for _, id := range c.sees {
			rec := s.getAs(cookie, "/espace/rapports/"+id+"/pdf")
			if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "%PDF") ||
				!strings.Contains(rec.Header().Get("Content-Disposition"), `attachment; filename="rapport-`) ||
				rec.Header().Get("Cache-Control") != "private, no-store" {
				t.Errorf("%s: PDF of %s: %d %v", c.who, id, rec.Code, rec.Header())
			}
			if rec := s.getAs(cookie, "/espace/rapports/"+id+"/xlsx"); rec.Code != http.StatusOK || !strings.HasPrefix(rec.Body.String(), "PK") {
				t.Errorf("%s: XLSX of %s: %d", c.who, id, rec.Code)
			}
		}
		// Another structure's report by its id in the address: 404, as missing.
		for _, id := range c.hidden {
			for _, format := range []string{"pdf", "xlsx"} {
				expectBody(t, s.getAs(cookie, "/espace/rapports/"+id+"/"+format), http.StatusNotFound, []string{"Page introuvable"}, []string{"%PDF"})
			}
		}
		expectBody(t, s.getAs(cookie, "/espace/rapports/"+c.sees[0]+"/docx"), http.StatusNotFound, nil, nil)
		expectBody(t, s.getAs(cookie, "/espace/rapports/inexistant00000/pdf"), http.StatusNotFound, nil, nil)
	}
}

func TestReportsPageFilters(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.Coordinateur)
	// The rows' structure cells (« Générer maintenant » lists every one).
	a, b := "<td>Médiathèque Alpha</td>", "<td>France Services Bêta</td>"
	expectBody(t, s.getAs(cookie, "/espace/rapports?structure=alpha"), http.StatusOK,
		[]string{"1 rapport", a, `value="alpha"`}, []string{b})
	expectBody(t, s.getAs(cookie, "/espace/rapports?mois=2026-09"), http.StatusOK, []string{"0 rapport", "Aucun rapport"}, []string{a, b})
	// A malformed month is explained next to the field and ignored.
	expectBody(t, s.getAs(cookie, "/espace/rapports?mois=octobre"), http.StatusOK,
		[]string{"Choisissez un mois dans la liste.", "2 rapports", a, b}, nil)
	// A structure name with LIKE wildcards is searched literally.
	expectBody(t, s.getAs(cookie, "/espace/rapports?structure=%25"), http.StatusOK, []string{"0 rapport"}, []string{a, b})
}

// A real report, downloaded by the référent: figures, and no person's name
// in either file, although a named person attended.
func TestReferentDownloadsReportsWithoutNames(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	seances, _ := s.app.FindCollectionByNameOrId("seances")
	seance := core.NewRecord(seances)
	debut := time.Date(2026, 10, 6, 9, 0, 0, 0, time.UTC)
	seance.Load(map[string]any{"atelier": testkit.ID(testkit.AtelierA), "structure": testkit.ID(testkit.StructureA),
		"lieu": testkit.ID(testkit.LieuA), "debut": debut, "fin": debut.Add(2 * time.Hour), "capacite": 8, "statut": "realisee"})
	if err := s.app.Save(seance); err != nil {
		t.Fatal(err)
	}
	inscriptions, _ := s.app.FindCollectionByNameOrId("inscriptions")
	present := core.NewRecord(inscriptions)
	present.Load(map[string]any{"seance": seance.Id, "beneficiaire": testkit.ID(testkit.BeneficiaireA), "statut": "present", "source": "conseiller"})
	if err := s.app.Save(present); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := cli.GenerateReports(s.app, "2026-10", "mediatheque-alpha", time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC), &out); err != nil {
		t.Fatal(err)
	}
	cookie := s.signIn(testkit.ReferentA)
	id := testkit.ID(testkit.RapportA) // the fixture's October report of A, now with files
	pdf := s.getAs(cookie, "/espace/rapports/"+id+"/pdf")
	xlsx := s.getAs(cookie, "/espace/rapports/"+id+"/xlsx")
	if pdf.Code != http.StatusOK || xlsx.Code != http.StatusOK {
		t.Fatalf("downloads: %d %d (%s)", pdf.Code, xlsx.Code, out.String())
	}
	text := pdftest.Text(t, pdf.Body.Bytes())
	if !strings.Contains(text, "Atelier propre à Alpha") {
		t.Errorf("the report does not list the session:\n%s", text)
	}
	zr, err := zip.NewReader(bytes.NewReader(xlsx.Body.Bytes()), int64(xlsx.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var sheets strings.Builder
	for _, f := range zr.File {
		rc, _ := f.Open()
		b, _ := io.ReadAll(rc)
		rc.Close()
		sheets.Write(b)
	}
	page := s.getAs(cookie, "/espace/rapports/"+id)
	expectBody(t, page, http.StatusOK, []string{"Rapport d'activité · Octobre 2026", "Médiathèque Alpha", "Chiffres clés",
		"Septembre 2026", "Atelier propre à Alpha", "06/10/2026", `role="img"`, "/espace/rapports/" + id + "/pdf"}, nil)
	for _, name := range []string{testkit.NomBeneficiaireA, "Camille"} {
		if strings.Contains(text, name) || strings.Contains(sheets.String(), name) || strings.Contains(page.Body.String(), name) {
			t.Errorf("the référent's report holds %q", name)
		}
	}
	// The report's page follows the same access as its files.
	expectBody(t, s.getAs(s.signIn(testkit.Coordinateur), "/espace/rapports/"+id), http.StatusOK, []string{"Chiffres clés"}, nil)
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), "/espace/rapports/"+id), http.StatusNotFound, []string{"Page introuvable"}, []string{"Chiffres clés"})
	if rec := s.get("/espace/rapports/" + id); rec.Code != http.StatusSeeOther {
		t.Fatalf("anonymous report page: %d", rec.Code)
	}
	// A report made before the snapshot's layout says so.
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), "/espace/rapports/"+testkit.ID(testkit.RapportB)), http.StatusOK,
		[]string{"Ce rapport a été fait avant la version actuelle"}, nil)
}
