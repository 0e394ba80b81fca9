package app_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/stats"
	"atelier/hooks/statistiques"
	"atelier/hooks/testkit"
)

// The help form in La Coop's 2025 model: the procedure's subjects only with
// « Aide aux démarches administratives » (refused next to the field, what
// was typed kept, nothing saved), « déjà accompagnée » for an anonymous
// person, and the tags one may use, saved with the help.
func TestHelpFormCraFields(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	today := todayIn(t, "Europe/Paris")
	perso := addEtiquette(t, s.app, "Projet seniors", "", testkit.ID(testkit.ConseillerA))
	deA := addEtiquette(t, s.app, "Partenaire CAF", testkit.ID(testkit.StructureA), "")
	addEtiquette(t, s.app, "Quartier nord", testkit.ID(testkit.StructureB), "")
	addEtiquette(t, s.app, "À une collègue", "", testkit.ID(testkit.ConseillerA2))
	expectBody(t, s.getAs(cookie, accompagnementNew), http.StatusOK,
		[]string{`name="thematiques_demarche" value="papiers_elections_citoyennete"`, "Papiers - Élections Citoyenneté",
			"Loisirs - Sports Culture", `name="etiquettes" value="` + perso.Id + `"`, "Projet seniors (à vous)",
			`name="etiquettes" value="` + deA.Id + `"`, "Partenaire CAF (Médiathèque Alpha)", `name="deja_accompagne"`,
			`href="/espace/etiquettes"`},
		[]string{"Quartier nord", "À une collègue"})

	before := accompagnementCount(t, s.app)
	form := quickHelp(testkit.StructureA, today, "30", "email")
	form["thematiques_demarche"] = []string{"logement"}
	form["demarche"] = []string{"Demande de logement social"}
	expectBody(t, s.postAs(cookie, accompagnementNew, form), http.StatusUnprocessableEntity,
		[]string{`id="erreur-thematiques_demarche"`, "Aide aux démarches administratives » pour préciser le sujet",
			`value="logement" checked`, `value="Demande de logement social"`}, nil)
	if n := accompagnementCount(t, s.app); n != before {
		t.Fatalf("a refused help was saved: %d helps, want %d", n, before)
	}

	form = quickHelp(testkit.StructureA, today, "30", "aide_aux_demarches_administratives")
	form["thematiques_demarche"] = []string{"logement", "argent_impots"}
	form["etiquettes"] = []string{perso.Id, deA.Id}
	form["deja_accompagne"] = []string{"1"}
	if rec := s.postAs(cookie, accompagnementNew, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d\n%s", rec.Code, rec.Body.String())
	}
	help := newestHelp(t, s.app)
	if got := help.GetStringSlice("thematiques_demarche"); !slices.Equal(got, []string{"logement", "argent_impots"}) {
		t.Errorf("thematiques_demarche = %v", got)
	}
	if got := help.GetStringSlice("etiquettes"); !slices.Equal(got, []string{perso.Id, deA.Id}) {
		t.Errorf("etiquettes = %v", got)
	}
	if help.GetBool("premier_accompagnement") {
		t.Error("an anonymous person marked « déjà accompagnée » counted as a first accompaniment")
	}
	form["deja_accompagne"] = nil
	if rec := s.postAs(cookie, accompagnementNew, form); rec.Code != http.StatusSeeOther {
		t.Fatalf("create: %d", rec.Code)
	}
	if !newestHelp(t, s.app).GetBool("premier_accompagnement") {
		t.Error("an anonymous person not marked « déjà accompagnée » is not counted as new")
	}
}

// A person's export (right of access) holds the 2025 fields of their help:
// the procedure's subjects, whether it was their first, its tags' names.
func TestPersonExportHoldsHelpCraFields(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	tag := addEtiquette(t, s.app, "Projet seniors", "", testkit.ID(testkit.ConseillerA))
	setFields(t, s.app, "accompagnements", testkit.AccompagnementA, map[string]any{
		"thematiques": []string{"aide_aux_demarches_administratives"}, "thematiques_demarche": []string{"logement"},
		"etiquettes": []string{tag.Id}})
	rec := s.getAs(s.signIn(testkit.ConseillerA), benefPath(testkit.ID(testkit.BeneficiaireA), "/donnees.json"))
	var x struct {
		Accompagnements []struct {
			ThematiquesDemarche []string `json:"thematiques_demarche"`
			Etiquettes          []string `json:"etiquettes"`
			Premier             *bool    `json:"premier_accompagnement"`
		} `json:"accompagnements"`
	}
	if rec.Code != http.StatusOK {
		t.Fatalf("export: %d", rec.Code)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	if len(x.Accompagnements) != 1 || !slices.Equal(x.Accompagnements[0].ThematiquesDemarche, []string{"Logement"}) ||
		!slices.Equal(x.Accompagnements[0].Etiquettes, []string{"Projet seniors"}) || x.Accompagnements[0].Premier == nil {
		t.Errorf("help in the export = %+v", x.Accompagnements)
	}
}

// Two records of one person, each with a first accompaniment: once merged,
// only the earliest help is the person's first.
func TestMergeKeepsOneFirstAccompaniment(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	keep := newPerson(t, app, testkit.StructureA, "Paule", "Premier", "paule@example.org")
	drop := newPerson(t, app, testkit.StructureA, "Paule", "Premier", "paule.bis@example.org")
	help := func(person string, daysAgo int) string {
		c, err := app.FindCollectionByNameOrId("accompagnements")
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Load(map[string]any{"conseiller": testkit.ID(testkit.ConseillerA), "structure": testkit.ID(testkit.StructureA),
			"date": testkit.Now().AddDate(0, 0, -daysAgo).UTC(), "duree_minutes": 30, "type_lieu": "lieu_activite",
			"thematiques": []string{"email"}, "beneficiaire": person})
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if !r.GetBool("premier_accompagnement") {
			t.Fatalf("the only help of a record is not its first")
		}
		return r.Id
	}
	later, earlier := help(keep.Id, 10), help(drop.Id, 40)
	staff, err := app.FindRecordById("utilisateurs", testkit.ID(testkit.ConseillerA))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := beneficiaires.MergeBeneficiaires(app, staff, keep.Id, drop.Id); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]bool{earlier: true, later: false} {
		r, err := app.FindRecordById("accompagnements", id)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.GetBool("premier_accompagnement"); got != want {
			t.Errorf("help %s after the merge: premier_accompagnement = %v, want %v", id, got, want)
		}
	}
}

// Statistics and exports go to référents, coordinateurs and shared links:
// they count the structure's tags, never a conseiller's own.
func TestStatisticsCountStructureTagsOnly(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	perso := addEtiquette(t, app, "Mon suivi perso", "", testkit.ID(testkit.ConseillerA))
	deA := addEtiquette(t, app, "Partenaire CAF", testkit.ID(testkit.StructureA), "")
	setFields(t, app, "accompagnements", testkit.AccompagnementA, map[string]any{"etiquettes": []string{perso.Id, deA.Id}})
	f := stats.Filtre{Periode: stats.Periode{Du: stats.DateDe(testkit.Now()).AjouterJours(-30), Au: stats.DateDe(testkit.Now())}}
	d, err := statistiques.LoadStatsData(app, []string{testkit.ID(testkit.StructureA)}, f.Etendue())
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, a := range d.Accompagnements {
		if a.ID == testkit.ID(testkit.AccompagnementA) {
			found = true
			if !slices.Equal(a.Etiquettes, []string{"Partenaire CAF"}) {
				t.Errorf("tags loaded for the statistics: %v", a.Etiquettes)
			}
		}
	}
	if !found {
		t.Fatal("AccompagnementA not loaded")
	}
	rep := stats.Calculer(d, f).Repartition(stats.RepEtiquettes)
	if rep == nil || len(rep.Lignes) != 1 || rep.Lignes[0].Libelle != "Partenaire CAF" {
		t.Errorf("tags' breakdown = %+v", rep)
	}
}
