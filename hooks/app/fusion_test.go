package app

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"atelier/hooks/beneficiaires"
	"atelier/hooks/lib/texte"
	"atelier/hooks/seances"

	"atelier/hooks/model"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Merging duplicates: everything of the dropped record moves to the kept
// one in one transaction, same-session registrations keep the strongest,
// waiting lists are renumbered, empty fields are filled, and any refusal
// or failure changes nothing.

func fusionApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testkit.NewApp(t)
	Register(app, os.DirFS("../../pb_public"))
	return app
}

func fusionRecord(t *testing.T, app core.App, collection string, fields map[string]any) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(fields)
	if err := app.Save(r); err != nil {
		t.Fatalf("create %s: %v", collection, err)
	}
	return r
}

func fusionStaff(t *testing.T, app core.App, name string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById("utilisateurs", testkit.ID(name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fusionCount(t *testing.T, app core.App, collection string, where dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(collection, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func fusionDate(t time.Time) types.DateTime {
	d, _ := types.ParseDateTime(t)
	return d
}

// fusionCase is structure A's BeneficiaireA (kept) and a duplicate (dropped)
// with registrations that clash on two sessions, one that does not, help
// by another conseiller, an attestation and richer personal fields.
type fusionCase struct {
	keep, drop          string
	extraSeance         string
	waiting1, waiting2  string // other people on SeancePubliqueA's waiting list
	earlier             string // a record merged into drop before
	consentLe, activite time.Time
}

func setUpFusionCase(t *testing.T, app core.App) fusionCase {
	t.Helper()
	a := testkit.ID(testkit.StructureA)
	now := testkit.Now().UTC().Truncate(time.Second)
	c := fusionCase{keep: testkit.ID(testkit.BeneficiaireA), consentLe: now.Add(-time.Hour), activite: now.Add(-2 * time.Hour)}
	drop := fusionRecord(t, app, "beneficiaires", map[string]any{"structure": a, "prenom": "CAMILLE", "nom": "fixturenom alpha",
		"email": "camille@example.org", "annee_naissance": 1950, "genre": "feminin", "statut_social": "retraite",
		"commune": "Poitiers", "code_postal": "86000", "code_insee": "86194", "notes": "Préfère le matin.",
		"consentement_le": fusionDate(c.consentLe), "consentement_version": "2026-11", "derniere_activite": fusionDate(c.activite)})
	c.drop = drop.Id
	publique, privee := testkit.ID(testkit.SeancePubliqueA), testkit.ID(testkit.SeancePriveeA)
	person := func(nom string) string {
		return fusionRecord(t, app, "beneficiaires", map[string]any{"structure": a, "prenom": "Autre", "nom": nom}).Id
	}
	register := func(seance, beneficiaire, statut string, rang int) {
		fusionRecord(t, app, "inscriptions", map[string]any{"seance": seance, "beneficiaire": beneficiaire,
			"statut": statut, "rang_attente": rang, "source": "conseiller"})
	}
	// SeancePubliqueA: kept is « inscrit » (fixture), dropped first on the
	// waiting list, two more people behind.
	c.waiting1, c.waiting2 = person("Attente-Un"), person("Attente-Deux")
	register(publique, c.drop, "liste_attente", 1)
	register(publique, c.waiting1, "liste_attente", 2)
	register(publique, c.waiting2, "liste_attente", 3)
	// SeancePriveeA: the dropped record's « present » beats « absent ».
	register(privee, c.keep, "absent", 0)
	register(privee, c.drop, "present", 0)
	// A session only the dropped record attended.
	extra := fusionRecord(t, app, "seances", map[string]any{"atelier": testkit.ID(testkit.AtelierA), "structure": a,
		"lieu": testkit.ID(testkit.LieuA), "debut": fusionDate(now.Add(-72 * time.Hour)), "fin": fusionDate(now.Add(-70 * time.Hour)),
		"capacite": 8, "statut": "realisee"})
	c.extraSeance = extra.Id
	register(extra.Id, c.drop, "present", 0)
	fusionRecord(t, app, "accompagnements", map[string]any{"conseiller": testkit.ID(testkit.ConseillerA2), "structure": a,
		"date": fusionDate(now.Add(-24 * time.Hour)), "duree_minutes": 45, "type_lieu": "lieu_activite",
		"thematiques": []string{"sante"}, "beneficiaire": c.drop})
	fusionRecord(t, app, "attestations", map[string]any{"beneficiaire": c.drop, "code": "FUSION-CODE-1",
		"emise_le": fusionDate(now), "emise_par": testkit.ID(testkit.ConseillerA)})
	c.earlier = fusionRecord(t, app, "beneficiaires", map[string]any{"structure": a, "prenom": "Camille",
		"nom": "Ancienne", "fusionne_vers": c.drop}).Id
	return c
}

func TestMergeMovesEverythingAndFillsTheKeptRecord(t *testing.T) {
	t.Parallel()
	app := fusionApp(t)
	c := setUpFusionCase(t, app)
	totalBefore := fusionCount(t, app, "inscriptions", nil)
	keepBefore := fusionCount(t, app, "inscriptions", dbx.HashExp{"beneficiaire": c.keep})
	dropBefore := fusionCount(t, app, "inscriptions", dbx.HashExp{"beneficiaire": c.drop})
	helpsBefore := fusionCount(t, app, "accompagnements", dbx.HashExp{"beneficiaire": c.keep}) +
		fusionCount(t, app, "accompagnements", dbx.HashExp{"beneficiaire": c.drop})
	if keepBefore != 2 || dropBefore != 3 || helpsBefore != 2 {
		t.Fatalf("set-up: %d, %d registrations, %d help", keepBefore, dropBefore, helpsBefore)
	}

	summary, err := beneficiaires.MergeBeneficiaires(app, fusionStaff(t, app, testkit.ConseillerA), c.keep, c.drop)
	if err != nil {
		t.Fatal(err)
	}
	// Two sessions had both: one registration each was deleted, none lost.
	if got := fusionCount(t, app, "inscriptions", nil); got != totalBefore-2 {
		t.Errorf("%d registrations in all, want %d", got, totalBefore-2)
	}
	if got := fusionCount(t, app, "inscriptions", dbx.HashExp{"beneficiaire": c.keep}); got != 3 {
		t.Errorf("kept record has %d registrations, want 3 (one per session)", got)
	}
	for _, collection := range []string{"inscriptions", "accompagnements", "attestations"} {
		if got := fusionCount(t, app, collection, dbx.HashExp{"beneficiaire": c.drop}); got != 0 {
			t.Errorf("%d %s left on the dropped record", got, collection)
		}
	}
	if got := fusionCount(t, app, "accompagnements", dbx.HashExp{"beneficiaire": c.keep}); got != helpsBefore {
		t.Errorf("kept record has %d help records, want %d", got, helpsBefore)
	}
	if got := fusionCount(t, app, "attestations", dbx.HashExp{"beneficiaire": c.keep}); got != 2 {
		t.Errorf("kept record has %d attestations, want 2", got)
	}
	status := func(seance string) string {
		r, err := app.FindFirstRecordByFilter("inscriptions", "seance = {:s} && beneficiaire = {:b}", dbx.Params{"s": seance, "b": c.keep})
		if err != nil {
			t.Fatalf("registration to %s: %v", seance, err)
		}
		return r.GetString("statut")
	}
	if got := status(testkit.ID(testkit.SeancePubliqueA)); got != "inscrit" {
		t.Errorf("public session: %q kept, want inscrit (beats the waiting list)", got)
	}
	if got := status(testkit.ID(testkit.SeancePriveeA)); got != "present" {
		t.Errorf("private session: %q kept, want present (beats absent)", got)
	}
	if got := status(c.extraSeance); got != "present" {
		t.Errorf("extra session: %q", got)
	}
	// The waiting list lost its first person: ranks are 1 and 2 again.
	for id, want := range map[string]int{c.waiting1: 1, c.waiting2: 2} {
		r, err := app.FindFirstRecordByFilter("inscriptions", "beneficiaire = {:b}", dbx.Params{"b": id})
		if err != nil {
			t.Fatal(err)
		}
		if got, err := seances.RangAttente(app, r); err != nil || got != want {
			t.Errorf("waiting rank of %s: %d %v, want %d", id, got, err, want)
		}
	}

	keep, _ := app.FindRecordById("beneficiaires", c.keep)
	for field, want := range map[string]any{"telephone": "+33612345678", "email": "camille@example.org",
		"annee_naissance": 1950, "genre": "feminin", "statut_social": "retraite", "commune": "Poitiers",
		"code_postal": "86000", "code_insee": "86194", "prenom": "Camille", "consentement_version": "2026-11",
		"notes": "Préfère le matin."} {
		if got := keep.Get(field); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("kept %s = %v, want %v", field, got, want)
		}
	}
	if !keep.GetDateTime("consentement_le").Time().Equal(c.consentLe) || !keep.GetDateTime("derniere_activite").Time().Equal(c.activite) {
		t.Errorf("consent %v, activity %v: the latest should win", keep.GetDateTime("consentement_le"), keep.GetDateTime("derniere_activite"))
	}
	drop, _ := app.FindRecordById("beneficiaires", c.drop)
	if drop.GetString("fusionne_vers") != c.keep || drop.GetString("email") != "camille@example.org" {
		t.Errorf("dropped record: fusionne_vers %q, email %q", drop.GetString("fusionne_vers"), drop.GetString("email"))
	}
	if earlier, _ := app.FindRecordById("beneficiaires", c.earlier); earlier.GetString("fusionne_vers") != c.keep {
		t.Errorf("earlier merge points to %q, want the kept record", earlier.GetString("fusionne_vers"))
	}

	if summary.Inscriptions != 2 || summary.Accompagnements != 1 || summary.Attestations != 1 || len(summary.Doublons) != 2 {
		t.Errorf("summary %+v", summary)
	}
	message := summary.Message()
	for _, want := range []string{"Camille Fixturenom-Alpha", "qui reçoit 2 inscriptions, 1 accompagnement et 1 attestation",
		"inscrites à 2 séances en commun", "listes d'attente sont renumérotées", "e-mail", "année de naissance", "consentement"} {
		if !strings.Contains(message, want) {
			t.Errorf("message %q lacks %q", message, want)
		}
	}
	// The dropped record has left searches; the kept one is found by the
	// e-mail it received.
	hits, err := beneficiaires.SearchBeneficiaires(app, model.NewStaffView(fusionStaff(t, app, testkit.ConseillerA)), "", "camille@example", 10)
	if err != nil || len(hits) != 1 || hits[0].ID != c.keep {
		t.Errorf("search after the merge: %v %v", hits, err)
	}
}

// snapshot is everything a refused merge must leave as it was.
func fusionSnapshot(t *testing.T, app core.App) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SELECT group_concat(id || beneficiaire || statut || rang_attente, ',') FROM (SELECT * FROM inscriptions ORDER BY id)",
		"SELECT group_concat(id || coalesce(beneficiaire, ''), ',') FROM (SELECT * FROM accompagnements ORDER BY id)",
		"SELECT group_concat(id || beneficiaire, ',') FROM (SELECT * FROM attestations ORDER BY id)",
		"SELECT group_concat(id || fusionne_vers || email || telephone || notes || updated, ',') FROM (SELECT * FROM beneficiaires ORDER BY id)",
	} {
		var s string
		if err := app.DB().NewQuery(q).Row(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

func TestMergeRefusalsChangeNothing(t *testing.T) {
	t.Parallel()
	app := fusionApp(t)
	c := setUpFusionCase(t, app)
	both := fusionRecord(t, app, "utilisateurs", map[string]any{"email": "deux@fixture.test", "password": "mot-de-passe-test",
		"nom": "Deux", "prenom": "Structures", "role": "conseiller", "actif": true,
		"structures":    []string{testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)},
		"confirme_pour": []string{testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)}})
	merged := fusionRecord(t, app, "beneficiaires", map[string]any{"structure": testkit.ID(testkit.StructureA),
		"prenom": "Déjà", "nom": "Fusionnée", "fusionne_vers": c.keep})
	a, b := testkit.ID(testkit.BeneficiaireA), testkit.ID(testkit.BeneficiaireB)
	before := fusionSnapshot(t, app)
	for _, tc := range []struct {
		name       string
		auth       *core.Record
		keep, drop string
		want       error
	}{
		{"other structure's record", fusionStaff(t, app, testkit.ConseillerA), a, b, model.ErrNotFound},
		{"other structure keeps", fusionStaff(t, app, testkit.ConseillerA), b, a, model.ErrNotFound},
		{"conseiller B on A's people", fusionStaff(t, app, testkit.ConseillerB), c.keep, c.drop, model.ErrNotFound},
		{"référent", fusionStaff(t, app, testkit.ReferentA), c.keep, c.drop, model.ErrNotFound},
		{"coordinateur", fusionStaff(t, app, testkit.Coordinateur), c.keep, c.drop, model.ErrNotFound},
		{"anonymous", nil, c.keep, c.drop, model.ErrNotFound},
		{"two structures", both, a, b, beneficiaires.ErrMergeStructure},
		{"same record", fusionStaff(t, app, testkit.ConseillerA), a, a, beneficiaires.ErrMergeSame},
		{"already merged", fusionStaff(t, app, testkit.ConseillerA), c.keep, merged.Id, beneficiaires.ErrMergeDone},
	} {
		_, err := beneficiaires.MergeBeneficiaires(app, tc.auth, tc.keep, tc.drop)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		if after := fusionSnapshot(t, app); after != before {
			t.Errorf("%s: the refused merge changed data", tc.name)
		}
	}
}

// A failure after the first moves (here the kept record cannot be saved)
// rolls everything back: the merge is one transaction.
func TestMergeIsAllOrNothing(t *testing.T) {
	t.Parallel()
	app := fusionApp(t)
	c := setUpFusionCase(t, app)
	// A name too long for the field, written behind validation's back.
	if _, err := app.DB().NewQuery("UPDATE beneficiaires SET nom = {:nom} WHERE id = {:id}").
		Bind(dbx.Params{"nom": strings.Repeat("x", 300), "id": c.keep}).Execute(); err != nil {
		t.Fatal(err)
	}
	before := fusionSnapshot(t, app)
	// It fails at the end, after registrations, help and attestations moved.
	_, err := beneficiaires.MergeBeneficiaires(app, fusionStaff(t, app, testkit.ConseillerA), c.keep, c.drop)
	if err == nil || !strings.Contains(err.Error(), "save kept") {
		t.Fatalf("merge with an invalid kept record: %v", err)
	}
	if after := fusionSnapshot(t, app); after != before {
		t.Error("a failed merge left partial changes")
	}
}

func TestLikelyDuplicates(t *testing.T) {
	t.Parallel()
	app := fusionApp(t)
	a := testkit.ID(testkit.StructureA)
	keep, _ := app.FindRecordById("beneficiaires", testkit.ID(testkit.BeneficiaireA))
	byName := fusionRecord(t, app, "beneficiaires", map[string]any{"structure": a, "prenom": "Câmille", "nom": "FIXTURENOM ALPHA"})
	byPhone := fusionRecord(t, app, "beneficiaires", map[string]any{"structure": a, "prenom": "Jean", "nom": "Autre", "telephone": "+33612345678"})
	fusionRecord(t, app, "beneficiaires", map[string]any{"structure": a, "prenom": "Camille", "nom": "Fixturenom-Alpha",
		"fusionne_vers": byName.Id}) // merged: not offered
	found, err := beneficiaires.FindLikelyDuplicates(app, keep)
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, d := range found {
		reasons[d.ID] = strings.Join(d.Raisons, ", ")
	}
	if len(found) != 2 || reasons[byName.Id] != "même nom" || reasons[byPhone.Id] != "même téléphone" {
		t.Errorf("duplicates %v", reasons)
	}
	for in, want := range map[string]string{"Éloïse  Le-Dû": "eloise le du", "D'ARTAGNAN Œdipe": "d artagnan oedipe"} {
		if got := texte.Plier(in); got != want {
			t.Errorf("foldName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAppendNotesKeepsBothAndFits(t *testing.T) {
	t.Parallel()
	if got, ok := beneficiaires.AppendNotes("Vient le mardi.", "Préfère le matin."); !ok || got != "Vient le mardi.\n\nPréfère le matin." {
		t.Errorf("append: %q %v", got, ok)
	}
	if _, ok := beneficiaires.AppendNotes("Vient le mardi. Préfère le matin.", "Préfère le matin."); ok {
		t.Error("notes already there were appended again")
	}
	long, ok := beneficiaires.AppendNotes(strings.Repeat("a", 4000), strings.Repeat("é", 3000))
	if !ok || len([]rune(long)) != beneficiaires.MaxNotes || !strings.HasSuffix(long, "(suite sur la fiche fusionnée)") {
		t.Errorf("long notes: %d runes", len([]rune(long)))
	}
}
