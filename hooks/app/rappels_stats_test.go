package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/testkit"
)

// addReminder records a reminder of the registration as the reminder job
// does: its channel and whether it left.
func addReminder(t testing.TB, app core.App, structure, inscription, canal, statut string) {
	t.Helper()
	c, err := app.FindCachedCollectionByNameOrId("envois")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(map[string]any{"structure": testkit.ID(structure), "canal": canal, "destinataire": "rappel@example.org",
		"evenement": "rappel", "cible": testkit.ID(inscription), "statut": statut, "envoye_le": testkit.Now()})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

// The statistics page shows, for the held sessions of the period, how
// many attended registrations each reminder channel had and their
// absences: counts and rate, in a table, nothing personal; each structure
// sees its own.
func TestStatisticsPageShowsNoShowsByReminder(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	// A: the registered person was present, reminded by e-mail. B: present,
	// its SMS reminder failed, so no reminder.
	addReminder(t, s.app, testkit.StructureA, testkit.InscriptionA, "email", "envoye")
	addReminder(t, s.app, testkit.StructureB, testkit.InscriptionB, "sms", "echec")
	row := func(libelle, inscrits, absents, taux string) string {
		return `<tr><th scope="row">` + libelle + `</th><td>` + inscrits + `</td><td>` + absents + `</td><td>` + taux + `</td></tr>`
	}
	period := "/espace/statistiques?" + statsPeriod()
	page := s.getAs(s.signIn(testkit.ConseillerA), period)
	expectBody(t, page, http.StatusOK, []string{"Absences selon le rappel envoyé", `<caption id="legende-rappels">`,
		row("Rappel par e-mail", "1", "0", "0\u202f%"), row("Rappel par SMS", "0", "0", "—"), row("Aucun rappel", "0", "0", "—")},
		[]string{testkit.NomBeneficiaireA, "rappel@example.org"})

	coord := s.getAs(s.signIn(testkit.Coordinateur), period)
	expectBody(t, coord, http.StatusOK, []string{row("Rappel par e-mail", "1", "0", "0\u202f%"), row("Aucun rappel", "1", "0", "0\u202f%")}, nil)

	// The person of A did not come after all.
	setFields(t, s.app, "inscriptions", testkit.InscriptionA, map[string]any{"statut": "absent"})
	page = s.getAs(s.signIn(testkit.ConseillerA), period)
	expectBody(t, page, http.StatusOK, []string{row("Rappel par e-mail", "1", "1", "100\u202f%")}, nil)

	csv := s.getAs(s.signIn(testkit.ConseillerA), "/espace/statistiques/synthese.csv?"+statsPeriod())
	if body := csv.Body.String(); !strings.Contains(body, "Absences selon le rappel envoyé – Absents;Rappel par e-mail;1") ||
		!strings.Contains(body, "Absences selon le rappel envoyé – Taux d'absence (%);Rappel par e-mail;100") {
		t.Errorf("summary CSV:\n%s", body)
	}
}
