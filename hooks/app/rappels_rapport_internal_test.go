package app

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/pdfdoc/pdftest"
	"atelier/hooks/lib/rapportdoc"
	"atelier/hooks/model"
	"atelier/hooks/rapports"
	"atelier/hooks/testkit"
)

// The monthly report of the month before testkit.Now() tells no-shows by
// reminder channel, in its snapshot and its PDF. Two sessions of A held
// that month:
//   - the 10th: person A present, reminded by e-mail; person A2 absent,
//     whose e-mail reminder failed (no reminder);
//   - the 12th: person A absent, reminded by SMS; person A2 present,
//     never reminded.
//
// E-mail 1 registration, 0 absent; SMS 1, 1 (100 %); none 2, 1 (50 %).
func TestReportShowsNoShowsByReminder(t *testing.T) {
	t.Parallel()
	paris := frfmt.Location("Europe/Paris")
	now := testkit.Now().In(paris)
	month := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, paris).AddDate(0, -1, 0)
	app := reportApp(t, model.DBDate(month))
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
	session := func(day int, regs map[string]string) map[string]string {
		debut := month.AddDate(0, 0, day-1).Add(10 * time.Hour)
		s := create("seances", map[string]any{
			"atelier": testkit.ID(testkit.AtelierA), "structure": testkit.ID(testkit.StructureA), "lieu": testkit.ID(testkit.LieuA),
			"debut": debut, "fin": debut.Add(2 * time.Hour), "capacite": 8, "statut": "realisee",
		})
		ids := map[string]string{}
		for person, statut := range regs {
			ids[person] = create("inscriptions", map[string]any{"seance": s.Id, "beneficiaire": testkit.ID(person),
				"statut": statut, "source": "conseiller"}).Id
		}
		return ids
	}
	reminder := func(inscription, canal, statut string) {
		create("envois", map[string]any{"structure": testkit.ID(testkit.StructureA), "canal": canal, "destinataire": "x@example.org",
			"evenement": "rappel", "cible": inscription, "statut": statut})
	}
	first := session(10, map[string]string{testkit.BeneficiaireA: "present", testkit.BeneficiaireA2: "absent"})
	reminder(first[testkit.BeneficiaireA], "email", "envoye")
	reminder(first[testkit.BeneficiaireA2], "email", "echec")
	second := session(12, map[string]string{testkit.BeneficiaireA: "absent", testkit.BeneficiaireA2: "present"})
	reminder(second[testkit.BeneficiaireA], "sms", "envoye")

	if _, err := rapports.RunMonthlyReports(t.Context(), app, month.AddDate(0, 1, 5)); err != nil {
		t.Fatal(err)
	}
	key := month.Format("2006-01")
	r, err := rapports.FindReport(app, testkit.ID(testkit.StructureA), key)
	if err != nil || r == nil {
		t.Fatalf("no report of %s: %v %v", key, reportKeys(t, app), err)
	}
	var snapshot rapportdoc.Snapshot
	if err := json.Unmarshal([]byte(r.GetString("statistiques")), &snapshot); err != nil {
		t.Fatal(err)
	}
	got := map[string][2]int{}
	for _, l := range snapshot.Rappels {
		got[l.Canal] = [2]int{l.Inscriptions, l.Absents}
	}
	if want := map[string][2]int{"email": {1, 0}, "sms": {1, 1}, "": {2, 1}}; len(got) != len(want) ||
		got["email"] != want["email"] || got["sms"] != want["sms"] || got[""] != want[""] {
		t.Errorf("snapshot: %+v", snapshot.Rappels)
	}
	pdf, err := model.ReadStoredFile(app, r, r.GetString("pdf"))
	if err != nil {
		t.Fatal(err)
	}
	text := flat(pdftest.Text(t, pdf))
	for _, want := range []string{
		"Absences selon le rappel envoyé",
		"Rappel Inscrits à l'émargement Absents Taux d'absence",
		"Rappel par e-mail 1 0 0 %",
		"Rappel par SMS 1 1 100 %",
		"Aucun rappel 2 1 50 %",
	} {
		if !strings.Contains(text, flat(want)) {
			t.Errorf("missing %q in\n%s", want, text)
		}
	}
	for _, name := range []string{testkit.NomBeneficiaireA, "x@example.org"} {
		if strings.Contains(text, flat(name)) {
			t.Errorf("the report shows %q", name)
		}
	}
}
