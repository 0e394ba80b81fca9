package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/testkit"
)

const etiquettesPath = "/espace/etiquettes"

// addEtiquette records a tag as the server would: a conseiller's own
// (structure empty) or a structure's (conseiller empty).
func addEtiquette(t testing.TB, app core.App, nom, structure, conseiller string) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("etiquettes")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(map[string]any{"nom": nom, "structure": structure, "conseiller": conseiller})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

// The tags' collection through the REST API: a conseiller's own tag is
// theirs alone; a structure's is its staff's (coordinateurs included);
// nobody else, and a deactivated or signed-out token, reads or writes any.
func TestEtiquettesAPIAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a, b := testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)
	perso := addEtiquette(t, s.app, "Projet seniors", "", testkit.ID(testkit.ConseillerA))
	deA := addEtiquette(t, s.app, "Partenaire CAF", a, "")
	deB := addEtiquette(t, s.app, "Quartier nord", b, "")
	api := apiRecords("etiquettes")
	reads := map[string][]string{
		testkit.ConseillerA:  {perso.Id, deA.Id},
		testkit.ConseillerA2: {deA.Id},
		testkit.ConseillerB:  {deB.Id},
		testkit.ReferentA:    {deA.Id},
		testkit.Coordinateur: {deA.Id, deB.Id},
		testkit.InactifA:     nil,
		testkit.DeconnecteA:  nil,
	}
	all := []*core.Record{perso, deA, deB}
	for role, want := range reads {
		rec := s.apiAs(role, http.MethodGet, api, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("%s lists: %d", role, rec.Code)
		}
		for _, tag := range all {
			seen := strings.Contains(rec.Body.String(), tag.Id)
			if seen != contains(want, tag.Id) {
				t.Errorf("%s lists %q: %v", role, tag.GetString("nom"), seen)
			}
			view := s.apiAs(role, http.MethodGet, api+"/"+tag.Id, nil)
			if (view.Code == http.StatusOK) != contains(want, tag.Id) {
				t.Errorf("%s views %q: %d", role, tag.GetString("nom"), view.Code)
			}
			upd := s.apiAs(role, http.MethodPatch, api+"/"+tag.Id, map[string]any{"nom": tag.GetString("nom") + " bis"})
			if (upd.Code == http.StatusOK) != contains(want, tag.Id) {
				t.Errorf("%s renames %q: %d", role, tag.GetString("nom"), upd.Code)
			}
		}
	}
	if rec := s.api(http.MethodGet, api, "", nil); rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"nom"`) {
		t.Errorf("anonymous lists: %d %s", rec.Code, rec.Body.String())
	}
	// A tag never moves to someone else or another structure.
	for _, c := range []struct {
		role string
		tag  *core.Record
		body map[string]any
	}{
		{testkit.ConseillerA, perso, map[string]any{"conseiller": testkit.ID(testkit.ConseillerA2)}},
		{testkit.ConseillerA, deA, map[string]any{"structure": b}},
		{testkit.Coordinateur, deA, map[string]any{"structure": b}},
	} {
		if rec := s.apiAs(c.role, http.MethodPatch, api+"/"+c.tag.Id, c.body); rec.Code == http.StatusOK {
			t.Errorf("%s moved %q: %v", c.role, c.tag.GetString("nom"), c.body)
		}
	}

	// Creating: one's own tag is a conseiller's; a structure's tag, its staff's.
	creates := []struct {
		role string
		body map[string]any
		ok   bool
	}{
		{testkit.ConseillerA, map[string]any{"nom": "Mes ateliers", "conseiller": testkit.ID(testkit.ConseillerA)}, true},
		{testkit.ConseillerA, map[string]any{"nom": "Pour un autre", "conseiller": testkit.ID(testkit.ConseillerB)}, false},
		{testkit.ConseillerA, map[string]any{"nom": "Salle A", "structure": a}, true},
		{testkit.ConseillerA, map[string]any{"nom": "Salle B", "structure": b}, false},
		{testkit.ConseillerB, map[string]any{"nom": "Salle A par B", "structure": a}, false},
		{testkit.ReferentA, map[string]any{"nom": "Référent A", "structure": a}, true},
		{testkit.ReferentA, map[string]any{"nom": "Référent perso", "conseiller": testkit.ID(testkit.ReferentA)}, false},
		{testkit.Coordinateur, map[string]any{"nom": "Coordination B", "structure": b}, true},
		{testkit.InactifA, map[string]any{"nom": "Inactif", "conseiller": testkit.ID(testkit.InactifA)}, false},
		{testkit.DeconnecteA, map[string]any{"nom": "Déconnecté", "structure": a}, false},
		{testkit.ConseillerA, map[string]any{"nom": "Les deux", "structure": a, "conseiller": testkit.ID(testkit.ConseillerA)}, false},
	}
	for _, c := range creates {
		before := count(t, s.app, "etiquettes")
		rec := s.apiAs(c.role, http.MethodPost, api, c.body)
		if (rec.Code == http.StatusOK) != c.ok || count(t, s.app, "etiquettes") != before+map[bool]int{true: 1}[c.ok] {
			t.Errorf("%s creates %v: %d, want allowed=%v\n%s", c.role, c.body, rec.Code, c.ok, rec.Body.String())
		}
	}
	if rec := s.api(http.MethodPost, api, "", map[string]any{"nom": "Anonyme", "structure": a}); rec.Code == http.StatusOK {
		t.Error("an anonymous visitor created a tag")
	}
	current, err := s.app.FindRecordById("etiquettes", deA.Id)
	if err != nil {
		t.Fatal(err)
	}
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPost, api, map[string]any{
		"nom": strings.ToUpper(current.GetString("nom")), "structure": a}), "nom", "Cette étiquette existe déjà")

	// Deleting follows reading.
	for _, c := range []struct {
		role string
		tag  *core.Record
		ok   bool
	}{
		{testkit.ConseillerB, deA, false}, {testkit.ReferentA, perso, false}, {testkit.InactifA, deA, false},
		{testkit.DeconnecteA, perso, false}, {testkit.ConseillerA2, perso, false}, {testkit.ReferentA, deA, true},
		{testkit.ConseillerA, perso, true}, {testkit.Coordinateur, deB, true},
	} {
		rec := s.apiAs(c.role, http.MethodDelete, api+"/"+c.tag.Id, nil)
		if (rec.Code == http.StatusNoContent) != c.ok {
			t.Errorf("%s deletes %q: %d, want allowed=%v", c.role, c.tag.GetString("nom"), rec.Code, c.ok)
		}
	}
}

// The one-to-one help's 2025 fields through the REST API: the same rules as
// the form (sub-thématiques only with « Aide aux démarches
// administratives », only one's own or the structure's tags) and the first
// accompaniment of a followed person computed, whatever the body says.
func TestHelpCraFieldsThroughTheAPI(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a, b := testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)
	help := apiRecords("accompagnements") + "/" + testkit.ID(testkit.AccompagnementA)
	expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, help, map[string]any{"thematiques_demarche": []string{"logement"}}),
		"thematiques_demarche", "Cochez la thématique « Aide aux démarches administratives »")
	rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, help, map[string]any{
		"thematiques": []string{"aide_aux_demarches_administratives"}, "thematiques_demarche": []string{"logement", "argent_impots"}})
	if rec.Code != http.StatusOK {
		t.Fatalf("sub-thématiques with the theme: %d %s", rec.Code, rec.Body.String())
	}

	perso := addEtiquette(t, s.app, "Projet seniors", "", testkit.ID(testkit.ConseillerA))
	autre := addEtiquette(t, s.app, "À A2", "", testkit.ID(testkit.ConseillerA2))
	deA := addEtiquette(t, s.app, "Partenaire CAF", a, "")
	deB := addEtiquette(t, s.app, "Quartier nord", b, "")
	for _, tag := range []*core.Record{autre, deB} {
		expectAPIError(t, s.apiAs(testkit.ConseillerA, http.MethodPatch, help, map[string]any{"etiquettes": []string{tag.Id}}),
			"etiquettes", "Choisissez vos étiquettes ou celles de la structure")
	}
	if rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, help, map[string]any{"etiquettes": []string{perso.Id, deA.Id}}); rec.Code != http.StatusOK {
		t.Fatalf("own and structure's tags: %d %s", rec.Code, rec.Body.String())
	}

	// BeneficiaireA already had AccompagnementA two days ago: a later help
	// is not their first, even when the body says so.
	create := func(date string) *core.Record {
		rec := s.apiAs(testkit.ConseillerA, http.MethodPost, apiRecords("accompagnements"), map[string]any{
			"conseiller": testkit.ID(testkit.ConseillerA), "structure": a, "beneficiaire": testkit.ID(testkit.BeneficiaireA),
			"date": date, "duree_minutes": 30, "type_lieu": "lieu_activite", "thematiques": []string{"email"},
			"premier_accompagnement": true})
		if rec.Code != http.StatusOK {
			t.Fatalf("create help: %d %s", rec.Code, rec.Body.String())
		}
		r, err := s.app.FindFirstRecordByData("accompagnements", "date", date)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	later := create(testkit.Now().AddDate(0, 0, -1).UTC().Format("2006-01-02 15:04:05.000Z"))
	if later.GetBool("premier_accompagnement") {
		t.Error("a second help of a followed person was stored as their first")
	}
	earlier := create(testkit.Now().AddDate(0, 0, -30).UTC().Format("2006-01-02 15:04:05.000Z"))
	if !earlier.GetBool("premier_accompagnement") {
		t.Error("the help before any other of the person is not their first")
	}
}

// The tags' page: each role sees and changes the tags the rules give it;
// a refused name keeps what was typed, with the message next to the field.
func TestEtiquettesPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	a, b := testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)
	perso := addEtiquette(t, s.app, "Projet seniors", "", testkit.ID(testkit.ConseillerA))
	deA := addEtiquette(t, s.app, "Partenaire CAF", a, "")
	addEtiquette(t, s.app, "Quartier nord", b, "")

	for _, c := range []struct {
		who       string
		cookie    string
		status    int
		see, hide []string
	}{
		{"anonyme", "", http.StatusSeeOther, nil, nil},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther, nil, nil},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther, nil, nil},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusOK, []string{"Projet seniors", "Partenaire CAF", "À moi seul"},
			[]string{"Quartier nord"}},
		{"autre conseiller de la structure", s.signIn(testkit.ConseillerA2), http.StatusOK, []string{"Partenaire CAF"},
			[]string{"Projet seniors", "Quartier nord"}},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusOK, []string{"Quartier nord"},
			[]string{"Projet seniors", "Partenaire CAF"}},
		{"référent", s.signIn(testkit.ReferentA), http.StatusOK, []string{"Partenaire CAF"},
			[]string{"Projet seniors", "Quartier nord", "À moi seul"}},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusOK, []string{"Partenaire CAF", "Quartier nord"},
			[]string{"Projet seniors", "À moi seul"}},
	} {
		expectBody(t, s.getAs(c.cookie, etiquettesPath), c.status, c.see, c.hide)
		if c.status != http.StatusOK {
			for _, path := range []string{etiquettesPath, etiquettesPath + "/" + deA.Id + "/renommer", etiquettesPath + "/" + deA.Id + "/supprimer"} {
				if rec := s.postAs(c.cookie, path, url.Values{"nom": {"Pirate"}, "portee": {a}}); rec.Code != c.status {
					t.Errorf("%s: POST %s %d", c.who, path, rec.Code)
				}
			}
		}
	}
	if n := count(t, s.app, "etiquettes"); n != 3 {
		t.Fatalf("%d tags after the signed-out posts, want 3", n)
	}

	conseiller := s.signIn(testkit.ConseillerA)
	// Refused: empty name, a name taken (folded), another structure.
	expectBody(t, s.postAs(conseiller, etiquettesPath, url.Values{"nom": {"  "}, "portee": {"moi"}}),
		http.StatusUnprocessableEntity, []string{"Indiquez le nom de l"}, nil)
	expectBody(t, s.postAs(conseiller, etiquettesPath, url.Values{"nom": {"partenaire caf"}, "portee": {a}}),
		http.StatusUnprocessableEntity, []string{"Cette étiquette existe déjà : « Partenaire CAF ».", `value="partenaire caf"`}, nil)
	expectBody(t, s.postAs(conseiller, etiquettesPath, url.Values{"nom": {"Chez B"}, "portee": {b}}),
		http.StatusUnprocessableEntity, []string{"Vous ne pouvez pas créer d"}, nil)
	if n := count(t, s.app, "etiquettes"); n != 3 {
		t.Fatalf("%d tags after refused creations, want 3", n)
	}
	rec := s.postAs(conseiller, etiquettesPath, url.Values{"nom": {"Numérique   en famille"}, "portee": {"moi"}})
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Étiquette « Numérique en famille » créée." {
		t.Fatalf("create: %d %q", rec.Code, followFlash(rec))
	}
	created, err := s.app.FindFirstRecordByData("etiquettes", "nom", "Numérique en famille")
	if err != nil || created.GetString("conseiller") != testkit.ID(testkit.ConseillerA) || created.GetString("structure") != "" {
		t.Fatalf("created tag: %v %v", created, err)
	}

	// Renaming: someone else's tag is not found; a refused name stays typed.
	if rec := s.postAs(s.signIn(testkit.ConseillerB), etiquettesPath+"/"+perso.Id+"/renommer", url.Values{"nom": {"Volé"}}); rec.Code != http.StatusNotFound {
		t.Errorf("conseiller B renaming A's own tag: %d", rec.Code)
	}
	expectBody(t, s.postAs(conseiller, etiquettesPath+"/"+perso.Id+"/renommer", url.Values{"nom": {strings.Repeat("x", 81)}}),
		http.StatusUnprocessableEntity, []string{"Le nom est trop long (80 caractères au plus).", `id="erreur-nom-` + perso.Id + `"`}, nil)
	if rec := s.postAs(conseiller, etiquettesPath+"/"+perso.Id+"/renommer", url.Values{"nom": {"Seniors 2026"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("rename: %d %s", rec.Code, rec.Body.String())
	}

	// Deleting takes the tag off the helps that carry it.
	setFields(t, s.app, "accompagnements", testkit.AccompagnementA, map[string]any{"etiquettes": []string{deA.Id, perso.Id}})
	if rec := s.postAs(s.signIn(testkit.ConseillerB), etiquettesPath+"/"+deA.Id+"/supprimer", nil); rec.Code != http.StatusNotFound {
		t.Errorf("conseiller B deleting A's tag: %d", rec.Code)
	}
	rec = s.postAs(s.signIn(testkit.ReferentA), etiquettesPath+"/"+deA.Id+"/supprimer", nil)
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Elle est retirée de 1 accompagnement.") {
		t.Fatalf("delete: %d %q", rec.Code, followFlash(rec))
	}
	help, err := s.app.FindRecordById("accompagnements", testkit.ID(testkit.AccompagnementA))
	if err != nil {
		t.Fatal(err)
	}
	if got := help.GetStringSlice("etiquettes"); len(got) != 1 || got[0] != perso.Id {
		t.Errorf("the help's tags after deleting one: %v", got)
	}
}
