package app

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"atelier/hooks/rapports"

	"atelier/hooks/model"

	"atelier/hooks/lib/pdfdoc/pdftest"
	"atelier/hooks/lib/rapportdoc"
	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/xuri/excelize/v2"
)

// The content of a monthly report, read back from the stored files: the
// PDF with pdftotext, the XLSX with excelize, the JSON snapshot. October
// 2026 of structure A (Paris), counted by hand:
//
//   - held on 6 October 11:00 Paris: « Atelier propre à Alpha » (2 h),
//     person A present, person A2 absent, 1 walk-in → 2 participants;
//   - held on 31 October 23:30 UTC = 1 November 00:30 in Paris: November,
//     not in the report;
//   - cancelled on 20 October;
//   - one-to-one help: 45 min with person A on 10 October, 30 min
//     anonymous on 15 October;
//   - September: one session held with 4 walk-ins (2 h).
//
// Key figures of October: 1 session held (September 1: =), 2 participants
// (4: −2), 2 one-to-one helps (0: +2), 4 accompagnements in all (4: =),
// 1 cancelled, attendance rate 50 %, 1 absence, hours of mediation 45 + 30
// + 120 × 2 = 315 min = 5 h 15 (September 120 × 4 = 8 h: −2 h 45).
func octoberOfA(t testing.TB, app core.App) {
	t.Helper()
	create := func(collection string, fields map[string]any) *core.Record {
		t.Helper()
		c, err := app.FindCachedCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Load(fields)
		if err := app.Save(r); err != nil {
			t.Fatalf("%s: %v", collection, err)
		}
		return r
	}
	seance := func(debut string, minutes int, statut string, anonymes int) *core.Record {
		d := utcTime(t, debut)
		return create("seances", map[string]any{
			"atelier": testkit.ID(testkit.AtelierA), "structure": testkit.ID(testkit.StructureA), "lieu": testkit.ID(testkit.LieuA),
			"debut": d, "fin": d.Add(time.Duration(minutes) * time.Minute), "capacite": 8, "statut": statut,
			"participants_anonymes": anonymes, "animateurs": []string{testkit.ID(testkit.ConseillerA)},
		})
	}
	held := seance("2026-10-06T09:00:00Z", 120, "realisee", 1)
	for person, statut := range map[string]string{testkit.BeneficiaireA: "present", testkit.BeneficiaireA2: "absent"} {
		create("inscriptions", map[string]any{"seance": held.Id, "beneficiaire": testkit.ID(person), "statut": statut, "source": "conseiller"})
	}
	seance("2026-10-31T23:30:00Z", 120, "realisee", 3)
	seance("2026-10-20T09:00:00Z", 120, "annulee", 0)
	seance("2026-09-15T09:00:00Z", 120, "realisee", 4)
	help := func(date string, minutes int, person string) {
		fields := map[string]any{"conseiller": testkit.ID(testkit.ConseillerA), "structure": testkit.ID(testkit.StructureA),
			"date": utcTime(t, date), "duree_minutes": minutes, "type_lieu": "lieu_activite", "thematiques": []string{"email"}}
		if person != "" {
			fields["beneficiaire"] = testkit.ID(person)
		} else {
			fields["tranche_age"], fields["genre"] = "60_69", "feminin"
		}
		create("accompagnements", fields)
	}
	help("2026-10-10T08:00:00Z", 45, testkit.BeneficiaireA)
	help("2026-10-15T08:00:00Z", 30, "")
}

// octoberReport makes the October report of A as the scheduler does, on
// 1 November at 06:00 in Paris.
func octoberReport(t testing.TB) (*core.Record, []byte, []byte, *tests.TestApp) {
	t.Helper()
	app := reportApp(t, "2026-10-01 00:00:00.000Z")
	octoberOfA(t, app)
	runReportsAt(t, app, "2026-11-01T05:00:00Z")
	r, err := rapports.FindReport(app, testkit.ID(testkit.StructureA), "2026-10")
	if err != nil || r == nil {
		t.Fatalf("no October report: %v %v", reportKeys(t, app), err)
	}
	pdf, err := model.ReadStoredFile(app, r, r.GetString("pdf"))
	if err != nil {
		t.Fatal(err)
	}
	xlsx, err := model.ReadStoredFile(app, r, r.GetString("xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	return r, pdf, xlsx, app
}

// flat compares texts without their spaces: pdftotext guesses spaces
// from the glyphs' positions, and a no-break space is narrow.
func flat(s string) string { return strings.Join(strings.Fields(s), "") }

func TestReportPDFShowsTheMonthsFigures(t *testing.T) {
	t.Parallel()
	_, pdf, _, _ := octoberReport(t)
	text := flat(pdftest.Text(t, pdf))
	for _, want := range []string{
		"Médiathèque Alpha", "Rapport d'activité", "Octobre 2026",
		"Activité du jeudi 1er octobre au samedi 31 octobre 2026 (heure locale : Paris)",
		"Rapport établi le dimanche 1er novembre 2026",
		"Indicateur Octobre 2026 Septembre 2026 Évolution",
		"Ateliers réalisés 1 1 =",
		"Participants aux ateliers 2 4 −2",
		"Accompagnements individuels 2 0 +2",
		"Accompagnements au total 4 4 =",
		"Heures de médiation 5 h 15 8 h −2 h 45",
		"Taux de présence 50 % — —",
		"Absences 1 0 +1",
		"Séances annulées 1 0 +1",
		"Thématiques", "E-mail 4",
		"Ateliers réalisés Date Atelier Lieu Participants",
		"06/10/2026 11 h Atelier propre à Alpha Salle Alpha 2",
		"Total 1 atelier 2",
	} {
		if !strings.Contains(text, flat(want)) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	// The session of 1 November 00:30 in Paris belongs to November.
	if strings.Contains(text, "31/10/2026") || strings.Contains(text, "01/11/2026") {
		t.Errorf("a November session is listed:\n%s", text)
	}
}

func TestReportXLSXHasTheFiguresAndNoPerson(t *testing.T) {
	t.Parallel()
	r, pdf, xlsx, _ := octoberReport(t)
	book, err := excelize.OpenReader(bytes.NewReader(xlsx))
	if err != nil {
		t.Fatal(err)
	}
	defer book.Close()
	sheets := book.GetSheetList()
	if len(sheets) < 3 || sheets[0] != "Chiffres clés" {
		t.Fatalf("sheets %v", sheets)
	}
	rows, err := book.GetRows("Chiffres clés")
	if err != nil {
		t.Fatal(err)
	}
	values := map[string]string{}
	header := -1
	for i, row := range rows {
		if len(row) >= 2 {
			values[row[0]] = row[1]
		}
		if len(row) >= 2 && row[0] == "Indicateur" && row[1] == "Valeur" {
			header = i
		}
	}
	if header < 0 || values["Structures"] != "Médiathèque Alpha" || values["Période"] != "octobre 2026" {
		t.Fatalf("header of the key figures: %v", rows)
	}
	for label, want := range map[string]string{"Ateliers réalisés": "1", "Participants aux ateliers": "2",
		"Accompagnements individuels": "2", "Accompagnements au total": "4", "Heures de médiation (h)": "5.25",
		"Taux de présence (%)": "50", "Séances annulées": "1"} {
		if values[label] != want {
			t.Errorf("%s = %q, want %q", label, values[label], want)
		}
	}
	months, err := book.GetRows("Mois par mois")
	if err != nil {
		t.Fatal(err)
	}
	last := months[len(months)-1]
	if last[0] != "2026-10" || last[1] != "1" || last[2] != "2" {
		t.Errorf("last month of the series: %v", last)
	}

	// Référents download these files: no person's name anywhere.
	var cells strings.Builder
	for _, sheet := range sheets {
		all, _ := book.GetRows(sheet)
		for _, row := range all {
			cells.WriteString(strings.Join(row, "|") + "\n")
		}
	}
	text := pdftest.Text(t, pdf)
	snapshot, _ := json.Marshal(r.Get("statistiques"))
	for _, name := range []string{testkit.NomBeneficiaireA, "Fixturenom-Alpha-Deux", "Camille", "+33612345678"} {
		for what, content := range map[string]string{"XLSX": cells.String(), "PDF": text, "JSON": string(snapshot)} {
			if strings.Contains(content, name) {
				t.Errorf("%s holds %q", what, name)
			}
		}
	}
}

func TestReportSnapshotAndEmail(t *testing.T) {
	t.Parallel()
	r, _, _, app := octoberReport(t)
	var snap rapportdoc.Snapshot
	raw, _ := json.Marshal(r.Get("statistiques"))
	if err := json.Unmarshal(raw, &snap); err != nil {
		t.Fatal(err)
	}
	figures := map[string]string{}
	for _, c := range snap.Chiffres {
		figures[c.Cle] = c.Texte() + "|" + c.PrecedentTexte() + "|" + c.Evolution()
	}
	if snap.Mois != "2026-10" || snap.Structure != "Médiathèque Alpha" || figures["seances_realisees"] != "1|1|=" ||
		figures["heures_mediation"] != "5\u00a0h\u00a015|8\u00a0h|−2\u00a0h\u00a045" || figures["taux_presence"] != "50\u202f%||" ||
		len(snap.Seances) != 1 || snap.Seances[0].Participants != 2 || len(snap.ParMois) != 12 {
		t.Fatalf("snapshot: %v\n%s", figures, raw)
	}
	// The référent of A is told, with the month's main figures.
	m := app.TestMailer.LastMessage()
	if app.TestMailer.TotalSend() != 1 || m.To[0].Address != testkit.Email(testkit.ReferentA) {
		t.Fatalf("%d e-mails, last to %v", app.TestMailer.TotalSend(), m.To)
	}
	for _, want := range []string{"Le rapport d'activité d'octobre 2026 de Médiathèque Alpha est prêt.",
		"- Ateliers réalisés : 1", "- Participants aux ateliers : 2", "- Heures de médiation : 5 h 15", "/espace/rapports"} {
		if !strings.Contains(strings.ReplaceAll(m.Text, "\u00a0", " "), want) {
			t.Errorf("e-mail lacks %q:\n%s", want, m.Text)
		}
	}
}
