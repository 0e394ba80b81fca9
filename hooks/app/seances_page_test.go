package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Planning, editing and cancelling sessions in the workspace.

var paris, _ = time.LoadLocation("Europe/Paris")

// inTwoWeeks is a future day, as a date field sends it.
func inTwoWeeks() string { return testkit.Now().In(paris).AddDate(0, 0, 14).Format("2006-01-02") }

func planForm(extra map[string]string) url.Values {
	form := url.Values{
		"atelier": {testkit.ID(testkit.AtelierA)}, "lieu": {testkit.ID(testkit.LieuA)}, "date": {inTwoWeeks()},
		"heure": {"14:00"}, "duree": {"90"}, "capacite": {"10"}, "publique": {"1"}, "inscriptions_ouvertes": {"1"},
		"animateurs": {testkit.ID(testkit.ConseillerA), testkit.ID(testkit.ConseillerA2)},
		// the tests run on any day: public holidays have their own test
		"confirme_ferie": {"1"}, "jours_feries": {"garder"},
		"confirme_chevauchement": {"1"}, // overlaps have their own test
	}
	for k, v := range extra {
		form.Set(k, v)
	}
	return form
}

func seancesOfSeries(t *testing.T, app core.App, serie string) []*core.Record {
	t.Helper()
	records, err := app.FindRecordsByFilter("seances", "serie = {:serie}", "debut", 0, 0, dbx.Params{"serie": serie})
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func countSeances(t *testing.T, app core.App) int {
	t.Helper()
	n, err := app.CountRecords("seances")
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestPlanningPagesByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	conseiller := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(conseiller, "/espace/seances/nouvelle"), http.StatusOK,
		[]string{"Étape 1 sur 2", "Atelier propre à Alpha", `name="atelier"`}, []string{"Atelier propre à Bêta", "Atelier archivé"})
	expectBody(t, s.getAs(conseiller, "/espace/seances/nouvelle?atelier="+testkit.ID(testkit.AtelierA)), http.StatusOK,
		[]string{"Atelier propre à Alpha", `name="duree" type="number" value="120"`, `name="capacite" type="number" value="8"`,
			"Salle Alpha", "Annexe Alpha", "Prénom conseillera2", "Chaque semaine", "Toutes les deux semaines"},
		[]string{"Salle Bêta", "Prénom conseillerb"})
	// another structure's workshop, an archived one: not found
	for _, id := range []string{testkit.AtelierB, testkit.AtelierAArchive} {
		if rec := s.getAs(conseiller, "/espace/seances/nouvelle?atelier="+testkit.ID(id)); rec.Code != http.StatusNotFound {
			t.Errorf("workshop %s: status %d", id, rec.Code)
		}
	}
	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.getAs(referent, "/espace/seances/nouvelle"), http.StatusForbidden, []string{"Action refusée"}, nil)
	expectBody(t, s.getAs(referent, "/espace/seances"), http.StatusOK, []string{"Atelier propre à Alpha"},
		[]string{"Planifier une séance", "Salle Bêta"})
	coordinateur := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coordinateur, "/espace/seances/nouvelle"), http.StatusOK,
		[]string{"Atelier propre à Alpha", "Atelier propre à Bêta"}, nil)
	expectBody(t, s.getAs(coordinateur, "/espace/seances"), http.StatusOK, []string{"Salle Alpha", "Salle Bêta"}, nil)
	if rec := s.get("/espace/seances/nouvelle"); rec.Code != http.StatusSeeOther {
		t.Errorf("anonymous: %d", rec.Code)
	}
}

func TestPlanOneSession(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	rec := s.postAs(s.signIn(testkit.ConseillerA), "/espace/seances/nouvelle", planForm(nil))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/espace/seances/") {
		t.Fatalf("plan: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	if flash := followFlash(rec); !strings.HasPrefix(flash, "Séance planifiée le ") || !strings.Contains(flash, "14\u00a0h") {
		t.Errorf("flash %q", flash)
	}
	seance, err := s.app.FindRecordById("seances", strings.TrimPrefix(rec.Header().Get("Location"), "/espace/seances/"))
	if err != nil {
		t.Fatal(err)
	}
	debut := seance.GetDateTime("debut").Time().In(paris)
	if debut.Format("2006-01-02 15:04") != inTwoWeeks()+" 14:00" || seance.GetDateTime("fin").Time().Sub(debut) != 90*time.Minute {
		t.Errorf("times %v – %v", debut, seance.GetDateTime("fin"))
	}
	if seance.GetString("structure") != testkit.ID(testkit.StructureA) || seance.GetInt("capacite") != 10 ||
		seance.GetString("statut") != "planifiee" || !seance.GetBool("publique") || seance.GetString("serie") != "" ||
		len(seance.GetStringSlice("animateurs")) != 2 {
		t.Errorf("session %v", seance.FieldsData())
	}
	expectBody(t, s.get("/"), http.StatusOK, []string{"Atelier propre à Alpha"}, nil)
}

func TestPlanRecurringSeries(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.postAs(cookie, "/espace/seances/nouvelle", planForm(map[string]string{"repetition": "1", "fin_repetition": "nombre", "occurrences": "4"}))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(followFlash(rec), "Série de 4 séances planifiée") {
		t.Fatalf("weekly series: %d %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	first, _ := s.app.FindRecordById("seances", strings.TrimPrefix(rec.Header().Get("Location"), "/espace/seances/"))
	weekly := seancesOfSeries(t, s.app, first.GetString("serie"))
	if len(weekly) != 4 {
		t.Fatalf("%d sessions in the series", len(weekly))
	}
	for i, w := range weekly {
		local := w.GetDateTime("debut").Time().In(paris)
		want := first.GetDateTime("debut").Time().In(paris).AddDate(0, 0, 7*i)
		if local.Format("2006-01-02 15:04") != want.Format("2006-01-02")+" 14:00" {
			t.Errorf("occurrence %d at %v", i, local)
		}
	}
	// every two weeks until a date: 0, 14, 28 days (42 is after the end)
	until := testkit.Now().In(paris).AddDate(0, 0, 14+30).Format("02/01/2006")
	rec = s.postAs(cookie, "/espace/seances/nouvelle", planForm(map[string]string{"repetition": "2", "fin_repetition": "date", "jusquau": until}))
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(followFlash(rec), "Série de 3 séances") {
		t.Errorf("fortnightly series: %d %q", rec.Code, followFlash(rec))
	}
}

// nextDecember is the first 18 December (or the day given) at least two
// days ahead of the tests' now, in Paris.
func nextDecember(day int) time.Time {
	now := testkit.Now().In(paris)
	d := time.Date(now.Year(), time.December, day, 0, 0, 0, 0, paris)
	if d.Before(now.AddDate(0, 0, 2)) {
		d = d.AddDate(1, 0, 0)
	}
	return d
}

func TestSeriesSkipPublicHolidays(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	start := nextDecember(18)
	plan := func(extra map[string]string) (*httptest.ResponseRecorder, []time.Time) {
		t.Helper()
		extra["date"] = start.Format("2006-01-02")
		form := planForm(extra)
		form.Del("confirme_ferie")
		if _, ok := extra["jours_feries"]; !ok {
			form.Del("jours_feries") // the form's default
		}
		rec := s.postAs(cookie, "/espace/seances/nouvelle", form)
		if rec.Code != http.StatusSeeOther {
			return rec, nil
		}
		first, err := s.app.FindRecordById("seances", strings.TrimPrefix(rec.Header().Get("Location"), "/espace/seances/"))
		if err != nil {
			t.Fatal(err)
		}
		var days []time.Time
		for _, r := range seancesOfSeries(t, s.app, first.GetString("serie")) {
			days = append(days, r.GetDateTime("debut").Time().In(paris))
		}
		return rec, days
	}
	dates := func(days []time.Time) string {
		var out []string
		for _, d := range days {
			out = append(out, d.Format("01-02"))
		}
		return strings.Join(out, " ")
	}
	// Three weekly sessions from 18 December: Christmas and New Year's Day
	// are skipped and made up for, and the flash lists them.
	rec, days := plan(map[string]string{"repetition": "1", "fin_repetition": "nombre", "occurrences": "3"})
	if got := dates(days); got != "12-18 01-08 01-15" {
		t.Errorf("series in Poitiers: %s", got)
	}
	flash := followFlash(rec)
	for _, want := range []string{"Série de 3 séances", "Jours fériés sautés", "25 décembre", "(Noël)", "1er janvier", "(Jour de l'an)"} {
		if !strings.Contains(flash, want) {
			t.Errorf("flash lacks %q: %q", want, flash)
		}
	}
	// Kept when staff say so.
	if _, days := plan(map[string]string{"repetition": "1", "fin_repetition": "nombre", "occurrences": "3", "jours_feries": "garder"}); dates(days) != "12-18 12-25 01-01" {
		t.Errorf("holidays kept: %s", dates(days))
	}
	// In Strasbourg, 26 December is a public holiday too.
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"code_postal": "67000"})
	start = nextDecember(19)
	if _, days := plan(map[string]string{"repetition": "1", "fin_repetition": "nombre", "occurrences": "2"}); dates(days) != "12-19 01-02" {
		t.Errorf("series in Strasbourg: %s", dates(days))
	}
	// At La Réunion, 20 December is.
	setFields(t, s.app, "lieux", testkit.LieuA, map[string]any{"code_postal": "97400"})
	start = nextDecember(13)
	if _, days := plan(map[string]string{"repetition": "1", "fin_repetition": "nombre", "occurrences": "2"}); dates(days) != "12-13 12-27" {
		t.Errorf("series at La Réunion: %s", dates(days))
	}
}

func TestOneSessionOnAPublicHolidayIsConfirmed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	form := planForm(map[string]string{"date": nextDecember(25).Format("2006-01-02")})
	form.Del("confirme_ferie")
	before := s.count("seances")
	rec := s.postAs(cookie, "/espace/seances/nouvelle", form)
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"est un jour férié", "(Noël)", `name="confirme_ferie"`}, nil)
	if s.count("seances") != before {
		t.Fatal("planned without confirmation")
	}
	form.Set("confirme_ferie", "1")
	if rec := s.postAs(cookie, "/espace/seances/nouvelle", form); rec.Code != http.StatusSeeOther {
		t.Errorf("confirmed: %d\n%s", rec.Code, rec.Body.String())
	}
}

func TestOverlappingSessionsAreConfirmed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	plan := func(extra map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		form := planForm(extra)
		if extra["confirme_chevauchement"] == "" {
			form.Del("confirme_chevauchement")
		}
		return s.postAs(cookie, "/espace/seances/nouvelle", form)
	}
	first := plan(map[string]string{"heure": "14:00", "animateurs": testkit.ID(testkit.ConseillerA), "confirme_chevauchement": "1"})
	if first.Code != http.StatusSeeOther {
		t.Fatalf("first: %d\n%s", first.Code, first.Body.String())
	}
	firstID := strings.TrimPrefix(first.Header().Get("Location"), "/espace/seances/")
	before := s.count("seances")
	for name, c := range map[string]struct {
		extra  map[string]string
		raison string
	}{
		"same animateur": {map[string]string{"heure": "15:00", "lieu": testkit.ID(testkit.LieuA2), "animateurs": testkit.ID(testkit.ConseillerA)}, "(même animateur)"},
		"same place":     {map[string]string{"heure": "14:30", "animateurs": testkit.ID(testkit.ConseillerA2)}, "(même lieu)"},
	} {
		rec := plan(c.extra)
		expectBody(t, rec, http.StatusUnprocessableEntity, []string{"en même temps", "/espace/seances/" + firstID, c.raison,
			`name="confirme_chevauchement"`}, nil)
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: planned without a warning", name)
		}
	}
	if s.count("seances") != before {
		t.Fatal("an overlapping session was planned without confirmation")
	}
	// After the first ends (90 minutes), or confirmed, it is planned.
	later := plan(map[string]string{"heure": "15:30", "animateurs": testkit.ID(testkit.ConseillerA)})
	if later.Code != http.StatusSeeOther {
		t.Fatalf("back to back: %d\n%s", later.Code, later.Body.String())
	}
	// Moving a session onto another one warns too; its own time does not.
	edit := planForm(map[string]string{"heure": "14:45", "animateurs": testkit.ID(testkit.ConseillerA), "portee": "seance"})
	edit.Del("confirme_chevauchement")
	path := later.Header().Get("Location") + "/modifier"
	expectBody(t, s.postAs(cookie, path, edit), http.StatusUnprocessableEntity, []string{"/espace/seances/" + firstID}, nil)
	edit.Set("heure", "15:30")
	edit.Set("capacite", "12")
	if rec := s.postAs(cookie, path, edit); rec.Code != http.StatusSeeOther {
		t.Errorf("editing in place: %d\n%s", rec.Code, rec.Body.String())
	}
	if rec := plan(map[string]string{"heure": "14:30", "confirme_chevauchement": "1"}); rec.Code != http.StatusSeeOther {
		t.Errorf("confirmed: %d", rec.Code)
	}
}

func TestPlanRefusesBadInputAndOtherStructures(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	before := countSeances(t, s.app)
	for name, c := range map[string]struct {
		form map[string]string
		want []string
	}{
		"bad date":          {map[string]string{"date": "31/02/2027"}, []string{"Indiquez la date sous la forme jj/mm/aaaa", `value="31/02/2027"`}},
		"past date":         {map[string]string{"date": "2020-01-06"}, []string{"Cette date est passée"}},
		"bad time":          {map[string]string{"heure": "midi"}, []string{"Indiquez l&#39;heure sous la forme", `value="midi"`}},
		"duration":          {map[string]string{"duree": "5"}, []string{"entre 15 et 600"}},
		"capacity":          {map[string]string{"capacite": "0"}, []string{"entre 1 et 500"}},
		"place of B":        {map[string]string{"lieu": testkit.ID(testkit.LieuB)}, []string{"Choisissez le lieu de la séance"}},
		"animator of B":     {map[string]string{"animateurs": testkit.ID(testkit.ConseillerB)}, []string{"parmi les conseillers de la structure"}},
		"series of 60":      {map[string]string{"repetition": "1", "occurrences": "60"}, []string{"entre 2 et 52"}},
		"series end before": {map[string]string{"repetition": "1", "fin_repetition": "date", "jusquau": inTwoWeeks()}, []string{"après la première séance"}},
	} {
		rec := s.postAs(cookie, "/espace/seances/nouvelle", planForm(c.form))
		if rec.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d\n%s", name, rec.Code, rec.Body.String())
		}
		for _, w := range append(c.want, "Rien n'a été enregistré") {
			if !strings.Contains(rec.Body.String(), w) {
				t.Errorf("%s: missing %q\n%s", name, w, rec.Body.String())
			}
		}
	}
	// a workshop of another structure, by form field
	rec := s.postAs(cookie, "/espace/seances/nouvelle", planForm(map[string]string{"atelier": testkit.ID(testkit.AtelierB)}))
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"Choisissez un atelier du catalogue."}, nil)
	// B's conseiller planning at A's place with A's workshop
	rec = s.postAs(s.signIn(testkit.ConseillerB), "/espace/seances/nouvelle", planForm(map[string]string{"animateurs": ""}))
	if rec.Code == http.StatusSeeOther {
		t.Errorf("conseiller B planned at A")
	}
	// the référent cannot plan, even by posting
	if rec := s.postAs(s.signIn(testkit.ReferentA), "/espace/seances/nouvelle", planForm(nil)); rec.Code != http.StatusForbidden {
		t.Errorf("référent plans: %d", rec.Code)
	}
	// a cross-site post
	rec = s.do(http.MethodPost, "/espace/seances/nouvelle", planForm(nil), map[string]string{"Cookie": cookie, "Origin": "https://evil.example"})
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site plan: %d", rec.Code)
	}
	if after := countSeances(t, s.app); after != before {
		t.Errorf("%d sessions created by refused posts", after-before)
	}
}

func TestEditOneOccurrenceOrTheRestOfTheSeries(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.postAs(cookie, "/espace/seances/nouvelle", planForm(map[string]string{"repetition": "1", "occurrences": "4"}))
	first, _ := s.app.FindRecordById("seances", strings.TrimPrefix(rec.Header().Get("Location"), "/espace/seances/"))
	series := seancesOfSeries(t, s.app, first.GetString("serie"))
	second := series[1]
	local := func(r *core.Record) string {
		fresh, _ := s.app.FindRecordById("seances", r.Id)
		return fresh.GetDateTime("debut").Time().In(paris).Format("2006-01-02 15:04")
	}
	before := []string{local(series[0]), local(series[1]), local(series[2]), local(series[3])}

	expectBody(t, s.getAs(cookie, "/espace/seances/"+second.Id+"/modifier"), http.StatusOK,
		[]string{"Modifier la séance", "Cette séance et les 2 suivantes de la série", `value="14:00"`}, nil)
	form := planForm(map[string]string{"date": second.GetDateTime("debut").Time().In(paris).Format("2006-01-02"),
		"heure": "15:30", "portee": "seance"})
	if rec := s.postAs(cookie, "/espace/seances/"+second.Id+"/modifier", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("edit one: %d\n%s", rec.Code, rec.Body.String())
	}
	if local(second) != before[1][:11]+"15:30" || local(series[2]) != before[2] {
		t.Errorf("edit one changed %s / %s", local(second), local(series[2]))
	}

	// the rest of the series: one day later, at 10:00, 12 places
	nextDay := second.GetDateTime("debut").Time().In(paris).AddDate(0, 0, 1).Format("2006-01-02")
	form = planForm(map[string]string{"date": nextDay, "heure": "10:00", "capacite": "12", "portee": "suivantes"})
	rec = s.postAs(cookie, "/espace/seances/"+second.Id+"/modifier", form)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(followFlash(rec), "3 séances de la série modifiées") {
		t.Fatalf("edit rest: %d %q", rec.Code, followFlash(rec))
	}
	if local(series[0]) != before[0] {
		t.Errorf("the first occurrence moved: %s", local(series[0]))
	}
	for i := 1; i < 4; i++ {
		day, _ := time.ParseInLocation("2006-01-02 15:04", before[i], paris)
		want := day.AddDate(0, 0, 1).Format("2006-01-02") + " 10:00"
		fresh, _ := s.app.FindRecordById("seances", series[i].Id)
		if local(series[i]) != want || fresh.GetInt("capacite") != 12 {
			t.Errorf("occurrence %d: %s (want %s), capacity %d", i, local(series[i]), want, fresh.GetInt("capacite"))
		}
	}
}

func TestEditCapacityPromotesAndCannotDropBelowTaken(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	waiting := addRegistration(t, s.app, testkit.SeancePubliqueA, testkit.BeneficiaireA2, "liste_attente", 1)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA2, map[string]any{"email": "attente@example.org"})
	debut := seance.GetDateTime("debut").Time().In(paris)
	form := planForm(map[string]string{"date": debut.Format("2006-01-02"), "heure": debut.Format("15:04"), "duree": "120",
		"capacite": "0"})
	expectBody(t, s.postAs(cookie, "/espace/seances/"+seance.Id+"/modifier", form), http.StatusUnprocessableEntity,
		[]string{"entre 1 et 500"}, nil)
	form.Set("capacite", "2")
	rec := s.postAs(cookie, "/espace/seances/"+seance.Id+"/modifier", form)
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "1 place proposée à la liste d'attente.") {
		t.Fatalf("grow: %d %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	if fresh, _ := s.app.FindRecordById("inscriptions", waiting.Id); fresh.GetString("statut") != "inscrit" {
		t.Errorf("waiting person not promoted: %s", fresh.GetString("statut"))
	}
	if !mailSentTo(s, "attente@example.org", "Une place s'est libérée") {
		t.Error("no promotion e-mail")
	}
	form.Set("capacite", "1")
	expectBody(t, s.postAs(cookie, "/espace/seances/"+seance.Id+"/modifier", form), http.StatusUnprocessableEntity,
		[]string{"2 personnes ont déjà une place"}, nil)
}

func TestMovingASessionTellsTheRegistrants(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"email": "camille@example.org"})
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	debut := seance.GetDateTime("debut").Time().In(paris)
	form := planForm(map[string]string{"date": debut.Format("2006-01-02"), "heure": "16:00", "duree": "120", "capacite": "8",
		"lieu": testkit.ID(testkit.LieuA2)})
	rec := s.postAs(s.signIn(testkit.ConseillerA), "/espace/seances/"+seance.Id+"/modifier", form)
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "1 personne prévenue par e-mail") {
		t.Fatalf("move: %d %q", rec.Code, followFlash(rec))
	}
	if !mailSentTo(s, "camille@example.org", "Changement d'horaire ou de lieu") {
		t.Error("no change e-mail")
	}
}

func TestCancelASessionTellsEveryRegistrant(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"email": "camille@example.org"})
	addRegistration(t, s.app, testkit.SeancePubliqueA, testkit.BeneficiaireA2, "liste_attente", 1) // no e-mail
	path := "/espace/seances/" + testkit.ID(testkit.SeancePubliqueA) + "/annuler"
	expectBody(t, s.getAs(cookie, path), http.StatusOK,
		[]string{"Les 2 personnes inscrites ou en liste d'attente seront prévenues", "1 par e-mail", "Personnes à appeler (1)",
			"Fixturenom-Alpha-Deux", "06 12 34 56 79"}, nil)
	// without a reason: nothing changes
	expectBody(t, s.postAs(cookie, path, url.Values{"motif": {"  "}}), http.StatusUnprocessableEntity,
		[]string{"Indiquez la raison de l&#39;annulation"}, nil)
	if mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetString("statut") != "planifiee" {
		t.Fatal("cancelled without a reason")
	}
	rec := s.postAs(cookie, path, url.Values{"motif": {"La conseillère est malade."}})
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Séance annulée. 1 personne prévenue par e-mail. 1 personne à prévenir par téléphone : voir la liste « À appeler » de la séance." {
		t.Fatalf("cancel: %d %q", rec.Code, followFlash(rec))
	}
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	if seance.GetString("statut") != "annulee" || seance.GetString("motif_annulation") != "La conseillère est malade." {
		t.Errorf("session %s %q", seance.GetString("statut"), seance.GetString("motif_annulation"))
	}
	if !mailSentTo(s, "camille@example.org", "La conseillère est malade.") {
		t.Error("no cancellation e-mail with the reason")
	}
	envoi, err := s.app.FindFirstRecordByFilter("envois", "evenement = 'annulation_seance' && destinataire = 'camille@example.org'")
	if err != nil || envoi.GetString("statut") != "envoye" {
		t.Errorf("cancellation not recorded in envois: %v", err)
	}
	expectBody(t, s.get("/"), http.StatusOK, nil, []string{"Atelier propre à Alpha"})
	expectBody(t, s.get("/ateliers/"+seance.Id), http.StatusOK, []string{"Cette séance est annulée."}, nil)
	// a cancelled session can no longer be edited or cancelled again
	expectBody(t, s.getAs(cookie, "/espace/seances/"+seance.Id+"/modifier"), http.StatusOK, []string{"Cette séance est annulée"}, []string{`name="lieu"`})
	if rec := s.postAs(cookie, path, url.Values{"motif": {"encore"}}); rec.Code != http.StatusConflict {
		t.Errorf("second cancel: %d", rec.Code)
	}
	expectBody(t, s.getAs(cookie, "/espace/seances?quand=annulees"), http.StatusOK, []string{"Atelier propre à Alpha", "Annulée"}, nil)
}

func TestCancelTheRestOfASeries(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.postAs(cookie, "/espace/seances/nouvelle", planForm(map[string]string{"repetition": "2", "occurrences": "5"}))
	first, _ := s.app.FindRecordById("seances", strings.TrimPrefix(rec.Header().Get("Location"), "/espace/seances/"))
	series := seancesOfSeries(t, s.app, first.GetString("serie"))
	expectBody(t, s.getAs(cookie, "/espace/seances/"+series[2].Id+"/annuler"), http.StatusOK,
		[]string{"Cette séance et les 2 suivantes de la série"}, nil)
	rec = s.postAs(cookie, "/espace/seances/"+series[2].Id+"/annuler", url.Values{"motif": {"Fin du projet."}, "portee": {"suivantes"}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(followFlash(rec), "3 séances de la série annulées.") {
		t.Fatalf("cancel rest: %d %q", rec.Code, followFlash(rec))
	}
	for i, r := range seancesOfSeries(t, s.app, first.GetString("serie")) {
		want := "planifiee"
		if i >= 2 {
			want = "annulee"
		}
		if r.GetString("statut") != want {
			t.Errorf("occurrence %d: %s, want %s", i, r.GetString("statut"), want)
		}
	}
	// one occurrence only
	rec = s.postAs(cookie, "/espace/seances/"+series[0].Id+"/annuler", url.Values{"motif": {"Salle prise."}, "portee": {"seance"}})
	if rec.Code != http.StatusSeeOther || mustFindID(t, s.app, "seances", series[1].Id).GetString("statut") != "planifiee" {
		t.Errorf("cancel one: %d", rec.Code)
	}
}

func TestSessionChangesAcrossStructuresAndRoles(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	id := testkit.ID(testkit.SeancePubliqueA)
	conseillerB := s.signIn(testkit.ConseillerB)
	for _, path := range []string{"/modifier", "/annuler"} {
		if rec := s.getAs(conseillerB, "/espace/seances/"+id+path); rec.Code != http.StatusNotFound {
			t.Errorf("conseiller B GET %s: %d", path, rec.Code)
		}
		if rec := s.postAs(conseillerB, "/espace/seances/"+id+path, url.Values{"motif": {"x"}}); rec.Code != http.StatusNotFound {
			t.Errorf("conseiller B POST %s: %d", path, rec.Code)
		}
	}
	referent := s.signIn(testkit.ReferentA)
	if rec := s.postAs(referent, "/espace/seances/"+id+"/annuler", url.Values{"motif": {"x"}}); rec.Code != http.StatusForbidden {
		t.Errorf("référent cancels: %d", rec.Code)
	}
	if mustFind(t, s.app, "seances", testkit.SeancePubliqueA).GetString("statut") != "planifiee" {
		t.Fatal("a refused cancel changed the session")
	}
	// the coordinateur may change any structure's sessions (the API rule)
	expectBody(t, s.getAs(s.signIn(testkit.Coordinateur), "/espace/seances/"+testkit.ID(testkit.SeancePubliqueB)+"/modifier"),
		http.StatusOK, []string{"Salle Bêta"}, []string{"Salle Alpha"})
}

// addRegistration puts a person on a session directly in the database.
func addRegistration(t *testing.T, app core.App, seance, beneficiaire, statut string, rang int) *core.Record {
	t.Helper()
	collection, err := app.FindCollectionByNameOrId("inscriptions")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(collection)
	r.Load(map[string]any{"seance": testkit.ID(seance), "beneficiaire": testkit.ID(beneficiaire), "statut": statut,
		"rang_attente": rang, "source": "conseiller"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

func mustFindID(t *testing.T, app core.App, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mailSentTo tells whether the test mailer sent to address a message whose
// text contains want.
func mailSentTo(s *site, address, want string) bool {
	for _, m := range s.app.TestMailer.Messages() {
		for _, to := range m.To {
			if to.Address == address && (strings.Contains(m.Subject, want) || strings.Contains(m.Text, want) || strings.Contains(m.HTML, want)) {
				return true
			}
		}
	}
	return false
}
