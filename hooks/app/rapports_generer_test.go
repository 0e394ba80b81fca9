package app_test

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pdfdoc/pdftest"
	"atelier/hooks/lib/rapportdoc"
	"atelier/hooks/rapports"
	"atelier/hooks/testkit"
)

// « Générer maintenant » on the reports page.

const generatePath = "/espace/rapports/generer"

// monthOf is the month key of t in the zone of structure A (Paris), shifted
// by delta months.
func monthOf(t time.Time, delta int) string {
	local := t.In(frfmt.Location("Europe/Paris"))
	return time.Date(local.Year(), local.Month()+time.Month(delta), 1, 12, 0, 0, 0, time.UTC).Format("2006-01")
}

func findReportOf(t testing.TB, app core.App, structure, mois string) *core.Record {
	t.Helper()
	r, err := rapports.FindReport(app, testkit.ID(structure), mois)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func reportJournal(t testing.TB, app core.App, structure string) []*core.Record {
	t.Helper()
	entries, err := app.FindRecordsByFilter("journal", "action = 'rapport' && structure = {:s}", "created", 0, 0,
		dbx.Params{"s": testkit.ID(structure)})
	if err != nil {
		t.Fatal(err)
	}
	return entries
}

func generateAs(s *site, cookie, structure, mois string) *httpResult {
	form := url.Values{"rapport_structure": {testkit.ID(structure)}, "rapport_mois": {mois}}
	rec := s.do(http.MethodPost, generatePath, form, map[string]string{"Cookie": cookie, "Origin": origin})
	return &httpResult{rec.Code, rec.Header().Get("Location"), rec.Body.String(), followFlash(rec)}
}

type httpResult struct {
	Code                  int
	Location, Body, Flash string
}

func TestGenerateReportNowForEachRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	current := monthOf(clock.Now(s.app), 0)
	before := count(t, s.app, "rapports")
	// Neither signed-in staff nor conseillers make reports.
	refused := []struct {
		who, cookie string
		status      int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusForbidden},
	}
	for _, c := range refused {
		r := generateAs(s, c.cookie, testkit.StructureA, current)
		if r.Code != c.status || (c.status == http.StatusSeeOther && !strings.HasPrefix(r.Location, "/connexion")) {
			t.Errorf("%s: %d %s", c.who, r.Code, r.Location)
		}
	}
	if n := count(t, s.app, "rapports"); n != before {
		t.Fatalf("a refused request made a report: %d → %d", before, n)
	}
	// The conseiller reads the reports but is not offered the button.
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), "/espace/rapports"), http.StatusOK, []string{"Rapports mensuels"},
		[]string{"Générer maintenant", generatePath})

	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.getAs(referent, "/espace/rapports"), http.StatusOK,
		[]string{"Générer maintenant", `action="` + generatePath + `"`, `name="rapport_structure" value="` + testkit.ID(testkit.StructureA) + `"`,
			`value="` + current + `" selected`, "(en cours : rapport provisoire)"}, []string{"France Services Bêta"})
	// Another structure's id reads as a wrong choice, and makes nothing.
	r := generateAs(s, referent, testkit.StructureB, current)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choisissez une structure dans la liste.") {
		t.Errorf("référent A for B: %d\n%s", r.Code, r.Body)
	}
	if findReportOf(t, s.app, testkit.StructureB, current) != nil {
		t.Fatal("the référent of A made a report of B")
	}
	r = generateAs(s, referent, testkit.StructureA, current)
	made := findReportOf(t, s.app, testkit.StructureA, current)
	if r.Code != http.StatusSeeOther || made == nil || r.Location != "/espace/rapports/"+made.Id || !strings.Contains(r.Flash, "provisoire") {
		t.Fatalf("référent A: %d %s %q", r.Code, r.Location, r.Flash)
	}

	coordinateur := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coordinateur, "/espace/rapports"), http.StatusOK,
		[]string{`name="rapport_structure"`, "Médiathèque Alpha", "France Services Bêta", "Tiers-lieu Gamma"}, nil)
	// La Réunion's month may already be the next one: the list offers
	// Paris's, the domain checks the structure's own zone.
	localB := clock.Now(s.app).In(frfmt.Location("Indian/Reunion"))
	mois := time.Date(localB.Year(), localB.Month(), 1, 0, 0, 0, 0, time.UTC).Format("2006-01")
	if r := generateAs(s, coordinateur, testkit.StructureB, mois); r.Code != http.StatusSeeOther || findReportOf(t, s.app, testkit.StructureB, mois) == nil {
		t.Fatalf("coordinateur for B: %d %s", r.Code, r.Body)
	}
	if got := len(reportJournal(t, s.app, testkit.StructureB)); got != 1 {
		t.Errorf("journal entries of B: %d", got)
	}
}

// The running month's report says it is provisional everywhere, a double
// click changes nothing, and the monthly job replaces it with the final
// report once the month is over.
func TestProvisionalReportIsMarkedThenReplacedByTheFinalOne(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	current := monthOf(clock.Now(s.app), 0)
	if r := generateAs(s, referent, testkit.StructureA, current); r.Code != http.StatusSeeOther {
		t.Fatalf("generate: %d\n%s", r.Code, r.Body)
	}
	record := findReportOf(t, s.app, testkit.StructureA, current)
	if !record.GetBool("provisoire") {
		t.Fatal("the running month's report is not provisional")
	}
	pdf := s.getAs(referent, "/espace/rapports/"+record.Id+"/pdf")
	if text := pdftest.Text(t, pdf.Body.Bytes()); !strings.Contains(text, "Rapport provisoire") || !strings.Contains(text, "(provisoire)") {
		t.Errorf("the PDF does not say it is provisional:\n%s", text)
	}
	if sheets := workbookText(t, s.getAs(referent, "/espace/rapports/"+record.Id+"/xlsx").Body.Bytes()); !strings.Contains(sheets, "provisoire, chiffres au") {
		t.Errorf("the workbook does not say it is provisional")
	}
	expectBody(t, s.getAs(referent, "/espace/rapports"), http.StatusOK, []string{`<span class="etiquette">Provisoire</span>`}, nil)
	expectBody(t, s.getAs(referent, "/espace/rapports/"+record.Id), http.StatusOK, []string{"Rapport provisoire : le mois n'était pas terminé"}, nil)

	// A double click: the second request finds the report up to date.
	r := generateAs(s, referent, testkit.StructureA, current)
	if r.Code != http.StatusConflict || !strings.Contains(r.Body, "Rien n&#39;a changé depuis le rapport") {
		t.Errorf("second click: %d\n%s", r.Code, r.Body)
	}
	if n := len(reportJournal(t, s.app, testkit.StructureA)); n != 1 {
		t.Errorf("journal entries after a double click: %d", n)
	}

	// The month ends; the job's run of the 1st replaces the same record.
	month, _ := rapports.ParseMois(current)
	paris := frfmt.Location("Europe/Paris")
	after := time.Date(month.Year(), month.Month()+1, 1, 7, 0, 0, 0, paris)
	if _, err := rapports.RunMonthlyReports(context.Background(), s.app, after); err != nil {
		t.Fatal(err)
	}
	final := findReportOf(t, s.app, testkit.StructureA, current)
	if final.Id != record.Id || final.GetBool("provisoire") || final.GetDateTime("envoye_le").IsZero() {
		t.Fatalf("final report: id %s (was %s), provisoire %v, announced %v", final.Id, record.Id,
			final.GetBool("provisoire"), final.GetString("envoye_le"))
	}
	var snap rapportdoc.Snapshot
	if err := final.UnmarshalJSONField("statistiques", &snap); err != nil || snap.Provisoire {
		t.Errorf("final snapshot: %v %v", snap.Provisoire, err)
	}
	if text := pdftest.Text(t, s.getAs(referent, "/espace/rapports/"+final.Id+"/pdf").Body.Bytes()); strings.Contains(text, "provisoire") {
		t.Errorf("the final PDF still says provisional:\n%s", text)
	}
}

// A closed month is made again only after its data changed: here, an
// attendance taken late.
func TestClosedMonthReportIsMadeAgainOnlyWhenItsDataChanged(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	paris := frfmt.Location("Europe/Paris")
	previous := monthOf(clock.Now(s.app), -1)
	month, _ := rapports.ParseMois(previous)
	debut := time.Date(month.Year(), month.Month(), 10, 10, 0, 0, 0, paris)
	seances, _ := s.app.FindCollectionByNameOrId("seances")
	seance := core.NewRecord(seances)
	seance.Load(map[string]any{"atelier": testkit.ID(testkit.AtelierA), "structure": testkit.ID(testkit.StructureA),
		"lieu": testkit.ID(testkit.LieuA), "debut": debut, "fin": debut.Add(2 * time.Hour), "capacite": 8, "statut": "planifiee"})
	if err := s.app.Save(seance); err != nil {
		t.Fatal(err)
	}
	inscriptions, _ := s.app.FindCollectionByNameOrId("inscriptions")
	inscription := core.NewRecord(inscriptions)
	inscription.Load(map[string]any{"seance": seance.Id, "beneficiaire": testkit.ID(testkit.BeneficiaireA), "statut": "inscrit", "source": "conseiller"})
	if err := s.app.Save(inscription); err != nil {
		t.Fatal(err)
	}
	coordinateur := s.signIn(testkit.Coordinateur)
	if r := generateAs(s, coordinateur, testkit.StructureA, previous); r.Code != http.StatusSeeOther {
		t.Fatalf("first report: %d\n%s", r.Code, r.Body)
	}
	first := findReportOf(t, s.app, testkit.StructureA, previous)
	if first.GetBool("provisoire") {
		t.Fatal("a closed month's report is provisional")
	}
	journaled := len(reportJournal(t, s.app, testkit.StructureA))

	r := generateAs(s, coordinateur, testkit.StructureA, previous)
	if r.Code != http.StatusConflict || !strings.Contains(r.Body, "Rien n&#39;a changé depuis le rapport") ||
		!strings.Contains(r.Body, "il est déjà à jour") || !strings.Contains(r.Body, `value="`+previous+`" selected`) {
		t.Errorf("nothing changed: %d\n%s", r.Code, r.Body)
	}
	if again := findReportOf(t, s.app, testkit.StructureA, previous); again.GetString("genere_le") != first.GetString("genere_le") ||
		again.GetString("pdf") != first.GetString("pdf") {
		t.Error("a refused regeneration changed the report")
	}

	// The attendance is taken late: the month's figures change.
	seance.Set("statut", "realisee")
	inscription.Set("statut", "present")
	if err := s.app.Save(seance); err != nil {
		t.Fatal(err)
	}
	if err := s.app.Save(inscription); err != nil {
		t.Fatal(err)
	}
	r = generateAs(s, coordinateur, testkit.StructureA, previous)
	if r.Code != http.StatusSeeOther || !strings.Contains(r.Flash, "refait avec les chiffres à jour") {
		t.Fatalf("after a late attendance: %d %q\n%s", r.Code, r.Flash, r.Body)
	}
	remade := findReportOf(t, s.app, testkit.StructureA, previous)
	var snap rapportdoc.Snapshot
	if err := remade.UnmarshalJSONField("statistiques", &snap); err != nil || len(snap.Seances) != 1 || snap.Seances[0].Participants != 1 {
		t.Errorf("remade report: %+v %v", snap.Seances, err)
	}
	if remade.Id != first.Id || remade.GetString("pdf") == first.GetString("pdf") {
		t.Error("the report was not replaced in place")
	}
	entries := reportJournal(t, s.app, testkit.StructureA)
	if len(entries) != journaled+1 || !strings.Contains(entries[len(entries)-1].GetString("details"), "refait : les chiffres ont changé") ||
		entries[len(entries)-1].GetString("auteur") != testkit.ID(testkit.Coordinateur) {
		t.Errorf("journal: %d entries (was %d)", len(entries), journaled)
	}
}

func TestGenerateReportRefusesMonthsOutOfReach(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	before := count(t, s.app, "rapports")
	for _, mois := range []string{monthOf(clock.Now(s.app), 1), monthOf(clock.Now(s.app), -13), "octobre", ""} {
		r := generateAs(s, referent, testkit.StructureA, mois)
		if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "Choisissez un mois dans la liste") {
			t.Errorf("mois %q: %d\n%s", mois, r.Code, r.Body)
		}
	}
	if n := count(t, s.app, "rapports"); n != before {
		t.Errorf("a refused month made a report: %d → %d", before, n)
	}
}

// workbookText is every XML part of an XLSX, for looking for a text.
func workbookText(t testing.TB, body []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	var text strings.Builder
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		text.Write(b)
	}
	return text.String()
}
