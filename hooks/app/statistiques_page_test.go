package app_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"
)

// The statistics page over real HTTP for every role: each sees the
// figures of their structures only, never a person's name; charts are SVG
// images each followed by its data table.

const (
	communeA = "Poitiers-Alpha-Test"
	communeB = "Saint-Paul-Beta-Test"
)

// statsSite turns the fixture's public sessions of A and B into held
// sessions two days ago (A: the registered person present and 2 walk-ins;
// B: the registered person present) and gives each structure's person a
// commune that only its own statistics can show.
func statsSite(t *testing.T) *site {
	s := newSite(t)
	day := testkit.Now().UTC().AddDate(0, 0, -2).Truncate(24 * time.Hour)
	for _, c := range []struct{ seance, inscription, beneficiaire, commune string }{
		{testkit.SeancePubliqueA, testkit.InscriptionA, testkit.BeneficiaireA, communeA},
		{testkit.SeancePubliqueB, testkit.InscriptionB, testkit.BeneficiaireB, communeB},
	} {
		setFields(t, s.app, "seances", c.seance, map[string]any{"debut": day.Add(9 * time.Hour), "fin": day.Add(11 * time.Hour)})
		setFields(t, s.app, "inscriptions", c.inscription, map[string]any{"statut": "present"})
		setFields(t, s.app, "seances", c.seance, map[string]any{"statut": "realisee"})
		setFields(t, s.app, "beneficiaires", c.beneficiaire, map[string]any{"commune": c.commune, "annee_naissance": 1950})
	}
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"participants_anonymes": 2})
	return s
}

// statsPeriod covers the fixture's activity in every time zone.
func statsPeriod() string {
	now := testkit.Now().UTC()
	return url.Values{"du": {now.AddDate(0, 0, -20).Format("2006-01-02")}, "au": {now.AddDate(0, 0, 1).Format("2006-01-02")}}.Encode()
}

// figure is how a key figure reads in the page.
func figure(value, label string) string {
	return `<span class="valeur">` + value + `</span> <span class="libelle">` + label + `</span>`
}

func TestStatisticsPageForEachRole(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	period := "/espace/statistiques?" + statsPeriod()
	names := []string{testkit.NomBeneficiaireA, testkit.NomBeneficiaireB, "Fixturenom"}

	// Conseiller A: A's figures (1 present + 2 walk-ins, 2 one-to-one help).
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), period), http.StatusOK,
		[]string{"Médiathèque Alpha", communeA, figure("3", "Participants aux ateliers"), figure("2", "Accompagnements individuels"),
			figure("5", "Accompagnements au total"), figure("1", "Ateliers réalisés"), "activites.xlsx?", "synthese.csv?",
			`aria-current="page">Statistiques</a>`},
		append([]string{communeB, "France Services Bêta", `name="structure"`}, names...))

	// Conseiller B: B's figures only.
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), period), http.StatusOK,
		[]string{"France Services Bêta", communeB, figure("1", "Participants aux ateliers"), figure("1", "Accompagnements individuels")},
		append([]string{communeA, "Médiathèque Alpha"}, names...))

	// Référent A: A's counts, no person, the row-by-row export without names.
	expectBody(t, s.getAs(s.signIn(testkit.ReferentA), period), http.StatusOK,
		[]string{"Médiathèque Alpha", communeA, figure("5", "Accompagnements au total"), "synthese.xlsx?",
			"activites.xlsx?", "activites.csv?", "sans aucun nom : ni bénéficiaire, ni conseiller"},
		append([]string{communeB, "réservé aux conseillers", "/espace/statistiques/structures"}, names...))

	// Coordinateur: every structure, with a filter among them.
	coord := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coord, period), http.StatusOK,
		[]string{communeA, communeB, figure("7", "Accompagnements au total"), `name="structure"`,
			">Médiathèque Alpha</option>", ">France Services Bêta</option>", ">Tiers-lieu Gamma</option>", "Toutes vos structures"},
		append([]string{"activites.xlsx"}, names...))
	expectBody(t, s.getAs(coord, period+"&structure="+testkit.ID(testkit.StructureB)), http.StatusOK,
		[]string{communeB, figure("2", "Accompagnements au total"), "France Services Bêta :"},
		[]string{communeA})
}

func TestStatisticsPageRefusals(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	// Anonymous: to the sign-in page.
	rec := s.get("/espace/statistiques")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
		t.Errorf("anonymous: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	// Another structure's id in the URL is a 404, for conseillers and référents.
	for _, who := range []string{testkit.ConseillerA, testkit.ReferentA} {
		expectBody(t, s.getAs(s.signIn(who), "/espace/statistiques?structure="+testkit.ID(testkit.StructureB)),
			http.StatusNotFound, []string{"Page introuvable"}, []string{communeB})
	}
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, "/espace/statistiques?structure=inexistante"), http.StatusNotFound, nil, nil)

	// A wrong custom period: the message next to the field, what was typed kept, no figures.
	expectBody(t, s.getAs(cookie, "/espace/statistiques?periode=autre&du=2026-10-31&au=2026-10-01"), http.StatusUnprocessableEntity,
		[]string{"La période n'est pas valide", `id="erreur-au"`, "La fin de la période doit venir après son début.", `value="2026-10-31"`},
		[]string{`class="valeur"`, "<svg"})
	expectBody(t, s.getAs(cookie, "/espace/statistiques?periode=autre&du=hier"), http.StatusUnprocessableEntity,
		[]string{"Indiquez une date valide", "Indiquez le dernier jour de la période.", `value="hier"`}, nil)
	expectBody(t, s.getAs(cookie, "/espace/statistiques?periode=autre&du=2020-01-01&au=2026-01-01"), http.StatusUnprocessableEntity,
		[]string{"La période ne peut pas dépasser 3 ans."}, nil)
	expectBody(t, s.getAs(cookie, "/espace/statistiques?periode=siecle"), http.StatusUnprocessableEntity,
		[]string{"Choisissez une période dans la liste."}, nil)
}

func TestStatisticsPeriods(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	cookie := s.signIn(testkit.ReferentA)
	paris, _ := time.LoadLocation("Europe/Paris")
	now := testkit.Now().In(paris)
	month := func(t time.Time) string {
		return []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
			"octobre", "novembre", "décembre"}[t.Month()-1] + " " + t.Format("2006")
	}
	firstOfMonth := time.Date(now.Year(), now.Month(), 1, 12, 0, 0, 0, paris)
	expectBody(t, s.getAs(cookie, "/espace/statistiques"), http.StatusOK,
		[]string{"Médiathèque Alpha : " + month(now), `value="mois" checked`}, nil)
	expectBody(t, s.getAs(cookie, "/espace/statistiques?periode=precedent"), http.StatusOK,
		[]string{"Médiathèque Alpha : " + month(firstOfMonth.AddDate(0, -1, 0))}, nil)
	expectBody(t, s.getAs(cookie, "/espace/statistiques?periode=annee"), http.StatusOK,
		[]string{"Médiathèque Alpha : du 1er " + month(firstOfMonth.AddDate(0, -11, 0))}, nil)
	expectBody(t, s.getAs(cookie, "/espace/statistiques?periode=autre&du=2026-03-02&au=2026-03-20"), http.StatusOK,
		[]string{"Médiathèque Alpha : du 2 mars 2026 au 20 mars 2026", `value="2026-03-02"`,
			"synthese.csv?au=2026-03-20&amp;du=2026-03-02&amp;periode=autre"}, nil)
}

// Every chart is an SVG image named by its title, followed by its table
// (caption, column and row headers) before the next chart.
func TestStatisticsChartsAreImagesFollowedByTables(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	rec := s.getAs(s.signIn(testkit.ConseillerA), "/espace/statistiques?"+statsPeriod())
	body := rec.Body.String()
	svgs := regexp.MustCompile(`<svg [^>]*role="img" aria-labelledby="([a-z-]+)"[^>]*><title id="([a-z-]+)">[^<]+</title>`).
		FindAllStringSubmatchIndex(body, -1)
	// Months, 8 breakdowns and the first accompaniments; no procedure
	// subject nor tag in the fixture: those two breakdowns draw no chart.
	if len(svgs) != 10 {
		t.Fatalf("%d charts, want 10 (months, 8 breakdowns and first accompaniments)\n%s", len(svgs), body)
	}
	if n := strings.Count(body, "<svg"); n != len(svgs) {
		t.Errorf("%d svg elements, %d named images", n, len(svgs))
	}
	for i, m := range svgs {
		if body[m[2]:m[3]] != body[m[4]:m[5]] {
			t.Errorf("chart %d is labelled by %q, its title is %q", i, body[m[2]:m[3]], body[m[4]:m[5]])
		}
		end := len(body)
		if i+1 < len(svgs) {
			end = svgs[i+1][0]
		}
		after := body[m[1]:end]
		table := strings.Index(after, "<table>")
		if table < 0 {
			t.Errorf("chart %s is not followed by a table", body[m[2]:m[3]])
			continue
		}
		for _, want := range []string{"<caption", `<th scope="col">`, `<th scope="row">`} {
			if !strings.Contains(after[table:], want) {
				t.Errorf("the table of chart %s lacks %s", body[m[2]:m[3]], want)
			}
		}
	}
	if strings.Contains(body, "<script") {
		t.Error("the page has a script")
	}
}

// With nothing in the period, the page says so instead of drawing empty
// charts.
func TestStatisticsOfAnEmptyStructure(t *testing.T) {
	t.Parallel()
	s := statsSite(t)
	rec := s.getAs(s.signIn(testkit.Coordinateur), "/espace/statistiques?"+statsPeriod()+"&structure="+testkit.ID(testkit.StructureC))
	expectBody(t, rec, http.StatusOK, []string{"Tiers-lieu Gamma :", figure("0", "Accompagnements au total"), "Aucun chiffre sur cette période.",
		"Aucune activité sur ces douze mois.", figure("—", "Taux de présence")}, []string{"<svg"})
}
