package app

import "testing"

// The demo data set shows the 2025 model: procedures with their subjects,
// the structure's « Partenaire CAF » tag, first accompaniments and people
// already followed.
func TestDemoHasHelpCraFields(t *testing.T) {
	t.Parallel()
	app, _, _ := loadedDemo(t)
	var subjects, tagged, firsts, others int
	for _, r := range demoAll(t, app, "accompagnements") {
		if len(r.GetStringSlice("thematiques_demarche")) > 0 {
			subjects++
		}
		if len(r.GetStringSlice("etiquettes")) > 0 {
			tagged++
		}
		if r.GetBool("premier_accompagnement") {
			firsts++
		} else {
			others++
		}
	}
	if subjects == 0 || tagged == 0 || firsts == 0 || others == 0 {
		t.Errorf("demo helps: %d with subjects, %d tagged, %d firsts, %d others", subjects, tagged, firsts, others)
	}
	if n, err := app.CountRecords("etiquettes"); err != nil || n == 0 {
		t.Error("the demo has no tag")
	}
}
