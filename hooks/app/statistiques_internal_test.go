package app

import (
	"testing"

	"atelier/hooks/statistiques"

	"atelier/hooks/lib/stats"
	"atelier/hooks/testkit"

	"github.com/pocketbase/pocketbase/core"
)

// The loader reads exactly the structures asked for, with the people's
// attributes but never their names, the advisors' names, and tells a
// registration that went through the waiting list by the message the
// server sent about it.
func TestLoadStatsData(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	envois, err := app.FindCollectionByNameOrId("envois")
	if err != nil {
		t.Fatal(err)
	}
	promotion := core.NewRecord(envois)
	promotion.Load(map[string]any{"structure": testkit.ID(testkit.StructureA), "canal": "email", "destinataire": "x@example.org",
		"evenement": "promotion", "cible": testkit.ID(testkit.InscriptionA), "statut": "envoye"})
	if err := app.Save(promotion); err != nil {
		t.Fatal(err)
	}
	person, err := app.FindRecordById("beneficiaires", testkit.ID(testkit.BeneficiaireA))
	if err != nil {
		t.Fatal(err)
	}
	person.Load(map[string]any{"annee_naissance": 1961, "genre": "feminin", "commune": "Poitiers", "code_insee": "86194"})
	if err := app.Save(person); err != nil {
		t.Fatal(err)
	}

	today := stats.DateDe(testkit.Now().UTC())
	period := stats.Periode{Du: today.AjouterJours(-10), Au: today.AjouterJours(10)}
	d, err := statistiques.LoadStatsData(app, []string{testkit.ID(testkit.StructureA)}, period)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Structures) != 1 || d.Structures[testkit.ID(testkit.StructureA)].Fuseau.String() != "Europe/Paris" {
		t.Errorf("structures %+v", d.Structures)
	}
	if len(d.Seances) != 2 || len(d.Accompagnements) != 2 {
		t.Fatalf("%d sessions and %d help, want A's 2 and 2", len(d.Seances), len(d.Accompagnements))
	}
	for _, s := range d.Seances {
		if s.Structure != testkit.ID(testkit.StructureA) || s.Lieu.Nom != "Salle Alpha" || s.DureeMinutes() != 120 {
			t.Errorf("session %+v", s)
		}
		if s.ID != testkit.ID(testkit.SeancePubliqueA) {
			continue
		}
		if s.Atelier != "Atelier propre à Alpha" || s.Besoin != "debuter" || len(s.Thematiques) != 1 ||
			len(s.Animateurs) != 1 || s.Animateurs[0] != "Prénom conseillera Nom conseillera" {
			t.Errorf("public session of A %+v", s)
		}
		if len(s.Inscriptions) != 1 {
			t.Fatalf("registrations %+v", s.Inscriptions)
		}
		i := s.Inscriptions[0]
		want := stats.Personne{ID: testkit.ID(testkit.BeneficiaireA), AnneeNaissance: 1961, Genre: "feminin",
			Commune: "Poitiers", CodeInsee: "86194"}
		if i.Statut != "inscrit" || !i.EtaitEnAttente || i.Personne != want {
			t.Errorf("registration %+v", i)
		}
	}
	linked := 0
	for _, a := range d.Accompagnements {
		if a.DureeMinutes != 30 || a.TypeLieu != "lieu_activite" || len(a.Thematiques) != 1 || a.Thematiques[0] != "email" {
			t.Errorf("help %+v", a)
		}
		if a.Personne != nil {
			linked++
			if a.Personne.ID != testkit.ID(testkit.BeneficiaireA) || a.Conseiller != "Prénom conseillera Nom conseillera" {
				t.Errorf("help with a person %+v %+v", a, a.Personne)
			}
		}
	}
	if linked != 1 {
		t.Errorf("%d help with a person, want 1", linked)
	}

	// Nothing outside the period, nothing for no structure.
	far := stats.Periode{Du: today.AjouterJours(-400), Au: today.AjouterJours(-300)}
	if d, err := statistiques.LoadStatsData(app, []string{testkit.ID(testkit.StructureA)}, far); err != nil || len(d.Seances)+len(d.Accompagnements) != 0 {
		t.Errorf("a year ago: %v %+v", err, d)
	}
	if d, err := statistiques.LoadStatsData(app, nil, period); err != nil || len(d.Seances)+len(d.Accompagnements)+len(d.Structures) != 0 {
		t.Errorf("no structure: %v %+v", err, d)
	}
}
