package pb_migrations

import (
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/lib/stats"
	"atelier/hooks/statistiques"
)

// The 2025 CRA migration moves no figure of a past month: an instance of
// the release before it, with one-to-one help in the old shape (a
// procedure is the theme « Aide aux démarches administratives » and its
// name), counts the same before and after; only the new breakdowns (first
// accompaniments) appear, and every old column keeps its values.
func TestCraMigrationKeepsPastFigures(t *testing.T) {
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: t.TempDir()})
	if err := app.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	defer app.ResetBootstrapState()
	if err := migrateUpTo(app, "1763900027"); err != nil {
		t.Fatalf("migrations before the 2025 CRA: %v", err)
	}
	ids := fillOldCra(t, app)
	oldColumns := []string{"id", "conseiller", "structure", "date", "duree_minutes", "type_lieu", "commune", "code_postal",
		"code_insee", "thematiques", "materiel", "autonomie", "demarche", "oriente", "structure_redirection", "beneficiaire",
		"tranche_age", "genre", "statut_social", "notes"}
	before := snapshot(t, app, "accompagnements", oldColumns)

	// The new fields, empty: what the previous release counted.
	if err := addCraFields(app); err != nil {
		t.Fatal(err)
	}
	months := []stats.Filtre{{Periode: stats.Mois(2026, time.September)}, {Periode: stats.Mois(2026, time.October)}}
	figures := func() []*stats.Resultat {
		var out []*stats.Resultat
		for _, f := range months {
			d, err := statistiques.LoadStatsData(app, []string{ids["structure"]}, f.Etendue())
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, stats.Calculer(d, f))
		}
		return out
	}
	old := figures()
	if err := migrateCraData(app); err != nil {
		t.Fatal(err)
	}
	migrated := figures()

	newKeys := []string{stats.RepDemarches, stats.RepPremiers, stats.RepEtiquettes}
	for i := range months {
		o, m := old[i], migrated[i]
		if !reflect.DeepEqual(o.Chiffres, m.Chiffres) || !reflect.DeepEqual(o.ParMois, m.ParMois) || !reflect.DeepEqual(o.Rappels, m.Rappels) {
			t.Errorf("%s: figures changed by the migration\nbefore %+v\nafter  %+v", months[i].Du, o.Chiffres, m.Chiffres)
		}
		for _, rep := range o.Repartitions {
			if slices.Contains(newKeys, rep.Cle) {
				continue
			}
			if after := m.Repartition(rep.Cle); after == nil || !reflect.DeepEqual(rep, *after) {
				t.Errorf("%s: breakdown %s changed by the migration\nbefore %+v\nafter  %+v", months[i].Du, rep.Cle, rep, after)
			}
		}
		d, err := statistiques.LoadStatsData(app, []string{ids["structure"]}, months[i].Etendue())
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range statistiques.ActivityRows(d, months[i]) {
			if row.Thematiques == "" {
				t.Errorf("%s: an exported help lost its themes", months[i].Du)
			}
		}
	}
	if got := migrated[1].Chiffres.Individuels; got != 3 {
		t.Fatalf("October counts %d one-to-one helps, want 3", got)
	}

	// The first accompaniments: p1's first help is in September, p2 came to
	// a session before their help, the anonymous person counts as new.
	premiers := map[string]bool{"septembre": true, "octobre": false, "anonyme": true, "apres_seance": false}
	for name, want := range premiers {
		r, err := app.FindRecordById("accompagnements", ids[name])
		if err != nil {
			t.Fatal(err)
		}
		if got := r.GetBool("premier_accompagnement"); got != want {
			t.Errorf("help %s: premier_accompagnement = %v, want %v", name, got, want)
		}
	}
	rep := migrated[1].Repartition(stats.RepPremiers)
	if rep == nil || len(rep.Lignes) != 2 || rep.Lignes[0].Nombre != 1 || rep.Lignes[1].Nombre != 2 {
		t.Errorf("October's first accompaniments = %+v, want 1 first and 2 already followed", rep)
	}
	r, err := app.FindRecordById("accompagnements", ids["anonyme"])
	if err != nil {
		t.Fatal(err)
	}
	if r.GetString("demarche") != "Déclaration de revenus" || len(r.GetStringSlice("thematiques_demarche")) != 0 {
		t.Errorf("the procedure's name must stay as typed, no subject guessed: %q %v",
			r.GetString("demarche"), r.GetStringSlice("thematiques_demarche"))
	}
	if after := snapshot(t, app, "accompagnements", oldColumns); after.rows != before.rows || after.hash != before.hash {
		t.Errorf("old columns of accompagnements changed: %d rows → %d", before.rows, after.rows)
	}
}

// fillOldCra records, in the shape of the release before the 2025 CRA, a
// structure's September and October: a followed person helped twice, an
// anonymous procedure, and a person who came to a session before a help.
func fillOldCra(t *testing.T, app core.App) map[string]string {
	t.Helper()
	save := func(collection string, fields map[string]any) string {
		c, err := app.FindCollectionByNameOrId(collection)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Load(fields)
		if err := app.Save(r); err != nil {
			t.Fatalf("save %s: %v", collection, err)
		}
		return r.Id
	}
	ids := map[string]string{}
	structure := save("structures", map[string]any{"nom": "Médiathèque d'avant", "slug": "avant-cra", "fuseau": "Europe/Paris",
		"adresse": "1 place de la Mairie", "code_postal": "86000", "commune": "Poitiers"})
	ids["structure"] = structure
	conseiller := save("utilisateurs", map[string]any{"email": "cra@exemple.fr", "password": "mot-de-passe-cra", "nom": "Avant",
		"prenom": "Camille", "role": "conseiller", "structures": []string{structure}, "actif": true})
	p1 := save("beneficiaires", map[string]any{"structure": structure, "prenom": "Dominique", "nom": "Un", "annee_naissance": 1950,
		"genre": "feminin", "commune": "Poitiers"})
	p2 := save("beneficiaires", map[string]any{"structure": structure, "prenom": "Claude", "nom": "Deux", "annee_naissance": 1980,
		"genre": "masculin"})
	lieu := save("lieux", map[string]any{"structure": structure, "nom": "Salle du haut"})
	var atelier string
	if err := app.DB().Select("id").From("ateliers").Limit(1).Row(&atelier); err != nil {
		t.Fatal(err)
	}
	seance := save("seances", map[string]any{"atelier": atelier, "structure": structure, "lieu": lieu,
		"debut": "2026-10-01 08:00:00.000Z", "fin": "2026-10-01 10:00:00.000Z", "capacite": 8, "statut": "realisee"})
	save("inscriptions", map[string]any{"seance": seance, "beneficiaire": p2, "statut": "present", "source": "conseiller"})
	help := func(date, person string, extra map[string]any) string {
		fields := map[string]any{"conseiller": conseiller, "structure": structure, "date": date, "duree_minutes": 30,
			"type_lieu": "lieu_activite", "thematiques": []string{"email"}, "beneficiaire": person}
		for k, v := range extra {
			fields[k] = v
		}
		return save("accompagnements", fields)
	}
	ids["septembre"] = help("2026-09-10 10:00:00.000Z", p1, map[string]any{
		"thematiques": []string{"aide_aux_demarches_administratives"}, "demarche": "Carte grise"})
	ids["octobre"] = help("2026-10-05 10:00:00.000Z", p1, nil)
	ids["anonyme"] = help("2026-10-06 10:00:00.000Z", "", map[string]any{
		"thematiques": []string{"aide_aux_demarches_administratives", "sante"}, "demarche": "Déclaration de revenus",
		"tranche_age": "60_69", "genre": "feminin", "statut_social": "retraite"})
	ids["apres_seance"] = help("2026-10-20 10:00:00.000Z", p2, map[string]any{"duree_minutes": 60})
	return ids
}
