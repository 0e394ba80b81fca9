package app_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// The workshop catalogue of the workspace, over HTTP, for every role:
// conseillers edit their structure's workshops and copy shared ones,
// référents only read, coordinateurs edit everything; another structure's
// workshop is a 404 and every refused write changes nothing.

const catalogue = "/espace/catalogue"

func atelierURL(name string, action ...string) string {
	return catalogue + "/" + strings.Join(append([]string{testkit.ID(name)}, action...), "/")
}

// sharedEntry is a workshop of the seeded shared catalogue.
func sharedEntry(t *testing.T, app core.App) *core.Record {
	t.Helper()
	id, err := testkit.SharedAtelierID(app)
	if err != nil {
		t.Fatal(err)
	}
	r, err := app.FindRecordById("ateliers", id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// validAtelier is a complete, valid form.
func validAtelier(structure string) url.Values {
	return url.Values{
		"titre": {"Réparer son vélo avec une appli"}, "besoin": {"opportunites"},
		"thematiques": {"navigation_sur_internet", "culture_numerique"},
		"resume":      {"On apprend à trouver un tutoriel de réparation sur son téléphone."},
		"description": {"Un atelier pratique.\r\nDeuxième ligne."}, "objectifs": {"Savoir chercher une vidéo."},
		"prerequis": {"Savoir allumer son téléphone."}, "niveau": {"intermediaire"}, "duree_minutes": {"90"},
		"capacite_defaut": {"6"}, "materiel": {"telephone"}, "a_apporter": {"Son téléphone chargé."},
		"structure": {structure}, "actif": {"1"},
	}
}

func ateliersTitled(t *testing.T, app core.App, titre string) []*core.Record {
	t.Helper()
	records, err := app.FindAllRecords("ateliers", dbx.HashExp{"titre": titre})
	if err != nil {
		t.Fatal(err)
	}
	return records
}

func TestCatalogueListPerRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	shared := sharedEntry(t, s.app)
	sharedTitle := html.EscapeString(shared.GetString("titre"))
	idA, idB, idShared := testkit.ID(testkit.AtelierA), testkit.ID(testkit.AtelierB), shared.Id

	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), catalogue), http.StatusOK,
		[]string{"Catalogue des ateliers", "Atelier propre à Alpha", "Médiathèque Alpha", sharedTitle, "Catalogue partagé",
			"Je veux débuter avec le numérique", "Créer un atelier",
			`href="/espace/catalogue/` + idA + `/modifier"`, `action="/espace/catalogue/` + idA + `/archiver"`,
			`href="/espace/seances/nouvelle?atelier=` + idA + `"`, `href="/espace/seances/nouvelle?atelier=` + idShared + `"`,
			`href="/espace/catalogue/nouveau?copie=` + idShared + `"`, `href="/espace/catalogue/` + idShared + `"`},
		[]string{"Atelier propre à Bêta", "France Services Bêta", idB, "Atelier archivé d'Alpha",
			`href="/espace/catalogue/` + idShared + `/modifier"`, `nouveau?copie=` + idA})

	expectBody(t, s.getAs(s.signIn(testkit.ConseillerB), catalogue), http.StatusOK,
		[]string{"Atelier propre à Bêta", "France Services Bêta", sharedTitle, `href="/espace/catalogue/` + idB + `/modifier"`},
		[]string{"Atelier propre à Alpha", "Médiathèque Alpha", idA})

	expectBody(t, s.getAs(s.signIn(testkit.ReferentA), catalogue), http.StatusOK,
		[]string{"Atelier propre à Alpha", sharedTitle, `href="/espace/catalogue/` + idA + `"`},
		[]string{"Atelier propre à Bêta", "/modifier", "/archiver", "/reactiver", "Planifier une séance",
			"Copier dans mon catalogue", "Créer un atelier", "/espace/catalogue/nouveau"})

	expectBody(t, s.getAs(s.signIn(testkit.Coordinateur), catalogue), http.StatusOK,
		[]string{"Atelier propre à Alpha", "Atelier propre à Bêta", sharedTitle, "Créer un atelier",
			`href="/espace/catalogue/` + idShared + `/modifier"`, `href="/espace/catalogue/` + idB + `/modifier"`},
		[]string{"Copier dans mon catalogue"})

	rec := s.get(catalogue)
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion?suite=") {
		t.Errorf("anonymous catalogue: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	for _, path := range []string{atelierURL(testkit.AtelierA), catalogue + "/nouveau", atelierURL(testkit.AtelierA, "modifier")} {
		if rec := s.get(path); rec.Code != http.StatusSeeOther {
			t.Errorf("anonymous %s: %d", path, rec.Code)
		}
	}
}

func TestCatalogueFilters(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(cookie, catalogue+"?besoin=emploi"), http.StatusOK,
		[]string{"Atelier propre à Bêta", `<option value="emploi" selected>`}, []string{"Atelier propre à Alpha"})
	expectBody(t, s.getAs(cookie, catalogue+"?q=propre"), http.StatusOK,
		[]string{"Atelier propre à Alpha", "Atelier propre à Bêta", "2 ateliers pour ces filtres", `value="propre"`},
		[]string{"Catalogue partagé</p>"})
	expectBody(t, s.getAs(cookie, catalogue+"?q="+url.QueryEscape("' OR 1=1 --")), http.StatusOK,
		[]string{"Aucun atelier ne correspond à ces filtres", "0 atelier pour ces filtres"}, []string{"Atelier propre à Alpha"})
	expectBody(t, s.getAs(cookie, catalogue+"?q=%25"), http.StatusOK, []string{"Atelier propre à Alpha"}, nil)
	expectBody(t, s.getAs(cookie, catalogue+"?structure="+testkit.ID(testkit.StructureB)), http.StatusOK,
		[]string{"Atelier propre à Bêta"}, []string{"Atelier propre à Alpha", "Catalogue partagé</p>"})
	expectBody(t, s.getAs(cookie, catalogue+"?structure=partage&q=propre"), http.StatusOK,
		[]string{"Aucun atelier ne correspond"}, nil)

	// archived workshops only on demand, with « Réactiver »
	conseiller := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(conseiller, catalogue), http.StatusOK, nil, []string{"Atelier archivé d&#39;Alpha"})
	expectBody(t, s.getAs(conseiller, catalogue+"?archives=1"), http.StatusOK,
		[]string{"Atelier archivé d&#39;Alpha", "Archivé</span>", `checked`,
			`action="/espace/catalogue/` + testkit.ID(testkit.AtelierAArchive) + `/reactiver"`,
			`name="suite" value="/espace/catalogue?archives=1"`}, nil)
	// a structure id that is not the person's is ignored, never shown
	expectBody(t, s.getAs(conseiller, catalogue+"?structure="+testkit.ID(testkit.StructureB)), http.StatusOK,
		[]string{"Atelier propre à Alpha"}, []string{"Atelier propre à Bêta"})
}

func TestCatalogueDetail(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "ateliers", testkit.AtelierA, map[string]any{"description": "Tout sur le courriel.",
		"objectifs": "Envoyer un message.", "prerequis": "Aucun.", "a_apporter": "Sa carte Vitale.", "materiel": []string{"ordinateur"}})
	conseiller := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(conseiller, atelierURL(testkit.AtelierA)), http.StatusOK,
		[]string{"<h1>Atelier propre à Alpha</h1>", "Un atelier d&#39;Alpha.", "Tout sur le courriel.", "Envoyer un message.",
			"Aucun.", "Sa carte Vitale.", "Ordinateur", "E-mail", "Débutant", "2\u00a0h", "Je veux débuter avec le numérique",
			`<span class="valeur">1</span> <span class="libelle">séance à venir`, "Modifier", "Archiver",
			"Planifier une séance"},
		[]string{"Copier dans mon catalogue", ">Voir<"})

	shared := sharedEntry(t, s.app)
	expectBody(t, s.getAs(conseiller, catalogue+"/"+shared.Id), http.StatusOK,
		[]string{"Catalogue partagé", "Copier dans mon catalogue", "Planifier une séance",
			// the shared workshop's private session in A counts; B's public one does not
			`<span class="valeur">1</span> <span class="libelle">séance à venir`},
		[]string{"/modifier", "/archiver"})
	expectBody(t, s.getAs(s.signIn(testkit.Coordinateur), catalogue+"/"+shared.Id), http.StatusOK,
		[]string{`<span class="valeur">2</span> <span class="libelle">séances à venir`, "/modifier"}, nil)
	expectBody(t, s.getAs(s.signIn(testkit.ReferentA), atelierURL(testkit.AtelierA)), http.StatusOK,
		[]string{"Atelier propre à Alpha"}, []string{"/modifier", "/archiver", "Planifier une séance", "Copier"})
}

func TestCatalogueOtherStructureIsNotFound(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	conseiller := s.signIn(testkit.ConseillerA)
	before := mustFind(t, s.app, "ateliers", testkit.AtelierB)
	for _, path := range []string{atelierURL(testkit.AtelierB), atelierURL(testkit.AtelierB, "modifier")} {
		expectBody(t, s.getAs(conseiller, path), http.StatusNotFound, []string{"Page introuvable"}, []string{"Atelier propre à Bêta"})
	}
	for _, action := range []string{"modifier", "archiver", "reactiver"} {
		expectBody(t, s.postAs(conseiller, atelierURL(testkit.AtelierB, action), validAtelier(testkit.ID(testkit.StructureA))),
			http.StatusNotFound, []string{"Page introuvable"}, nil)
	}
	after := mustFind(t, s.app, "ateliers", testkit.AtelierB)
	if after.GetString("updated") != before.GetString("updated") || !after.GetBool("actif") {
		t.Error("another structure's workshop was changed")
	}
	// nor through the référent, who reads A only
	expectBody(t, s.getAs(s.signIn(testkit.ReferentA), atelierURL(testkit.AtelierB)), http.StatusNotFound, nil, nil)
	expectBody(t, s.getAs(conseiller, catalogue+"/inconnu"), http.StatusNotFound, nil, nil)
}

func TestCatalogueCreate(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	conseiller := s.signIn(testkit.ConseillerA)
	structureA := testkit.ID(testkit.StructureA)
	expectBody(t, s.getAs(conseiller, catalogue+"/nouveau"), http.StatusOK,
		[]string{"Nouvel atelier", `name="titre"`, `<option value="` + structureA + `" selected>Médiathèque Alpha</option>`,
			`id="actif" name="actif" value="1" checked`, `name="thematiques"`, `name="materiel"`},
		[]string{"France Services Bêta", "Catalogue partagé"})

	before := s.count("ateliers")
	rec := s.postAs(conseiller, catalogue+"/nouveau", validAtelier(structureA))
	created := ateliersTitled(t, s.app, "Réparer son vélo avec une appli")
	if rec.Code != http.StatusSeeOther || len(created) != 1 {
		t.Fatalf("create: %d, %d records\n%s", rec.Code, len(created), rec.Body.String())
	}
	a := created[0]
	if rec.Header().Get("Location") != catalogue+"/"+a.Id || !strings.Contains(followFlash(rec), "est enregistré") {
		t.Errorf("redirect %q flash %q", rec.Header().Get("Location"), followFlash(rec))
	}
	if a.GetString("structure") != structureA || a.GetInt("duree_minutes") != 90 || a.GetInt("capacite_defaut") != 6 ||
		!a.GetBool("actif") || a.GetString("niveau") != "intermediaire" || len(a.GetStringSlice("thematiques")) != 2 ||
		a.GetString("description") != "Un atelier pratique.\nDeuxième ligne." || a.GetString("a_apporter") != "Son téléphone chargé." {
		t.Errorf("saved workshop: %v", a.FieldsData())
	}
	expectBody(t, s.getAs(conseiller, catalogue), http.StatusOK, []string{"Réparer son vélo avec une appli"}, nil)
	if s.count("ateliers") != before+1 {
		t.Errorf("%d workshops, want %d", s.count("ateliers"), before+1)
	}
}

func TestCatalogueCreateRefusesBadInput(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	conseiller := s.signIn(testkit.ConseillerA)
	before := s.count("ateliers")
	form := validAtelier(testkit.ID(testkit.StructureA))
	form.Set("titre", "")
	form.Set("resume", strings.Repeat("Une phrase bien trop longue. ", 12))
	form.Del("thematiques")
	form.Set("duree_minutes", "5")
	form.Set("capacite_defaut", "beaucoup")
	form.Set("besoin", "inconnu")
	form.Set("objectifs", "Objectifs gardés")
	form["materiel"] = []string{"telephone", "aucun"}
	expectBody(t, s.postAs(conseiller, catalogue+"/nouveau", form), http.StatusUnprocessableEntity,
		[]string{"Rien n'a été enregistré", "Indiquez le titre de l&#39;atelier.", "Ce texte est trop long : 300 caractères au plus (vous en avez écrit 347).",
			"Cochez au moins une thématique.", "Indiquez la durée en minutes : un nombre entre 15 et 600",
			"Indiquez le nombre de places : un nombre entre 1 et 500.", "« Pas de matériel » ne se coche pas avec un autre matériel.", "Choisissez le besoin auquel l&#39;atelier répond.",
			`id="erreur-titre"`, `aria-invalid="true"`, `value="beaucoup"`, `value="5"`, "Objectifs gardés",
			`value="telephone" checked`, `value="intermediaire" checked`, "<title>Erreur : Nouvel atelier"}, nil)
	if s.count("ateliers") != before {
		t.Error("an invalid form saved a workshop")
	}

	// Another structure's id, the shared catalogue or an unknown id: the
	// create rule refuses, nothing is saved.
	for name, structure := range map[string]string{"structure B": testkit.ID(testkit.StructureB), "shared": ""} {
		rec := s.postAs(conseiller, catalogue+"/nouveau", validAtelier(structure))
		if rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "Action refusée") {
			t.Errorf("%s: status %d", name, rec.Code)
		}
	}
	expectBody(t, s.postAs(conseiller, catalogue+"/nouveau", validAtelier("inconnueinconn")), http.StatusUnprocessableEntity,
		[]string{"Cette valeur n&#39;est pas acceptée : vérifiez ce champ."}, nil)
	// a référent cannot create at all
	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.getAs(referent, catalogue+"/nouveau"), http.StatusForbidden, []string{"Action refusée"}, nil)
	expectBody(t, s.postAs(referent, catalogue+"/nouveau", validAtelier(testkit.ID(testkit.StructureA))), http.StatusForbidden, nil, nil)
	if s.count("ateliers") != before || len(ateliersTitled(t, s.app, "Réparer son vélo avec une appli")) != 0 {
		t.Error("a refused creation saved a workshop")
	}

	// a coordinateur may add to the shared catalogue
	rec := s.postAs(s.signIn(testkit.Coordinateur), catalogue+"/nouveau", validAtelier(""))
	if created := ateliersTitled(t, s.app, "Réparer son vélo avec une appli"); rec.Code != http.StatusSeeOther ||
		len(created) != 1 || created[0].GetString("structure") != "" {
		t.Errorf("coordinateur shared creation: %d %d", rec.Code, len(created))
	}
}

func TestCatalogueEdit(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	conseiller := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(conseiller, atelierURL(testkit.AtelierA, "modifier")), http.StatusOK,
		[]string{"Modifier « Atelier propre à Alpha »", `value="Atelier propre à Alpha"`, `value="120"`,
			`action="/espace/catalogue/` + testkit.ID(testkit.AtelierA) + `/modifier"`}, nil)

	form := validAtelier(testkit.ID(testkit.StructureA))
	form.Set("titre", "Atelier d'Alpha renommé")
	rec := s.postAs(conseiller, atelierURL(testkit.AtelierA, "modifier"), form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != atelierURL(testkit.AtelierA) {
		t.Fatalf("edit: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	if a := mustFind(t, s.app, "ateliers", testkit.AtelierA); a.GetString("titre") != "Atelier d'Alpha renommé" || a.GetInt("duree_minutes") != 90 {
		t.Errorf("edit not saved: %v", a.FieldsData())
	}

	// invalid: 422, values kept, nothing changed
	form.Set("capacite_defaut", "0")
	form.Set("titre", "Titre jamais enregistré")
	expectBody(t, s.postAs(conseiller, atelierURL(testkit.AtelierA, "modifier"), form), http.StatusUnprocessableEntity,
		[]string{"Indiquez le nombre de places", `value="Titre jamais enregistré"`}, nil)
	// moving it to another structure: the update rule refuses
	form = validAtelier(testkit.ID(testkit.StructureB))
	form.Set("titre", "Titre jamais enregistré")
	expectBody(t, s.postAs(conseiller, atelierURL(testkit.AtelierA, "modifier"), form), http.StatusForbidden, []string{"Action refusée"}, nil)
	if a := mustFind(t, s.app, "ateliers", testkit.AtelierA); a.GetString("titre") != "Atelier d'Alpha renommé" ||
		a.GetString("structure") != testkit.ID(testkit.StructureA) {
		t.Errorf("refused edit changed the workshop: %v", a.FieldsData())
	}

	// a shared entry is read-only for a conseiller
	shared := sharedEntry(t, s.app)
	title := shared.GetString("titre")
	expectBody(t, s.getAs(conseiller, catalogue+"/"+shared.Id+"/modifier"), http.StatusForbidden, []string{"Action refusée"}, nil)
	form = validAtelier(testkit.ID(testkit.StructureA))
	form.Set("titre", "Partagé détourné")
	expectBody(t, s.postAs(conseiller, catalogue+"/"+shared.Id+"/modifier", form), http.StatusForbidden, nil, nil)
	expectBody(t, s.postAs(conseiller, catalogue+"/"+shared.Id+"/archiver", url.Values{}), http.StatusForbidden, nil, nil)
	if after, _ := s.app.FindRecordById("ateliers", shared.Id); after.GetString("titre") != title ||
		after.GetString("structure") != "" || !after.GetBool("actif") {
		t.Errorf("a conseiller changed a shared workshop: %v", after.FieldsData())
	}
	// a référent neither
	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.getAs(referent, atelierURL(testkit.AtelierA, "modifier")), http.StatusForbidden, nil, nil)
	expectBody(t, s.postAs(referent, atelierURL(testkit.AtelierA, "modifier"), validAtelier(testkit.ID(testkit.StructureA))),
		http.StatusForbidden, nil, nil)

	// but a coordinateur edits the shared catalogue
	form = validAtelier("")
	form.Set("titre", "Partagé, revu par la coordination")
	rec = s.postAs(s.signIn(testkit.Coordinateur), catalogue+"/"+shared.Id+"/modifier", form)
	if after, _ := s.app.FindRecordById("ateliers", shared.Id); rec.Code != http.StatusSeeOther ||
		after.GetString("titre") != "Partagé, revu par la coordination" || after.GetString("structure") != "" {
		t.Errorf("coordinateur edit of a shared workshop: %d %v", rec.Code, after.FieldsData())
	}
}

// A workshop with sessions keeps them consistent: it cannot move to a
// structure its sessions are not in.
func TestCatalogueEditKeepsSessionsConsistent(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coordinateur := s.signIn(testkit.Coordinateur)
	expectBody(t, s.postAs(coordinateur, atelierURL(testkit.AtelierA, "modifier"), validAtelier(testkit.ID(testkit.StructureB))),
		http.StatusUnprocessableEntity, []string{"Cet atelier a déjà 1 séance dans une autre structure"}, nil)
	if a := mustFind(t, s.app, "ateliers", testkit.AtelierA); a.GetString("structure") != testkit.ID(testkit.StructureA) {
		t.Error("the workshop moved away from its sessions")
	}
	// without sessions it may move; to the shared catalogue it always may
	rec := s.postAs(coordinateur, atelierURL(testkit.AtelierAArchive, "modifier"), validAtelier(testkit.ID(testkit.StructureB)))
	if rec.Code != http.StatusSeeOther {
		t.Errorf("move of a workshop without sessions: %d\n%s", rec.Code, rec.Body.String())
	}
	if rec := s.postAs(coordinateur, atelierURL(testkit.AtelierA, "modifier"), validAtelier("")); rec.Code != http.StatusSeeOther {
		t.Errorf("sharing a workshop: %d\n%s", rec.Code, rec.Body.String())
	}
}

func TestCatalogueArchiveHidesPublicSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	expectBody(t, s.get("/"), http.StatusOK, []string{"Atelier propre à Alpha"}, nil)
	expectBody(t, s.get("/s/mediatheque-alpha/agenda.ics"), http.StatusOK, []string{"SUMMARY:Atelier propre à Alpha"}, nil)
	conseiller := s.signIn(testkit.ConseillerA)
	rec := s.postAs(conseiller, atelierURL(testkit.AtelierA, "archiver"), url.Values{"suite": {catalogue + "?besoin=debuter"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != catalogue+"?besoin=debuter" ||
		!strings.Contains(followFlash(rec), "est archivé") {
		t.Fatalf("archive: %d %q %q", rec.Code, rec.Header().Get("Location"), followFlash(rec))
	}
	if mustFind(t, s.app, "ateliers", testkit.AtelierA).GetBool("actif") {
		t.Fatal("not archived")
	}
	// gone from every public page, and from the list unless asked for
	expectBody(t, s.get("/"), http.StatusOK, nil, []string{"Atelier propre à Alpha", "Salle Alpha"})
	expectBody(t, s.get("/s/mediatheque-alpha"), http.StatusOK, nil, []string{"Atelier propre à Alpha"})
	expectBody(t, s.get("/s/mediatheque-alpha/agenda.ics"), http.StatusOK, []string{"BEGIN:VCALENDAR"}, []string{"Atelier propre à Alpha"})
	expectBody(t, s.get(seanceURL(testkit.SeancePubliqueA)), http.StatusNotFound, nil, []string{"Atelier propre à Alpha"})
	expectBody(t, s.getAs(conseiller, catalogue), http.StatusOK, nil, []string{"Atelier propre à Alpha"})
	expectBody(t, s.getAs(conseiller, atelierURL(testkit.AtelierA)), http.StatusOK,
		[]string{"Cet atelier est archivé", "Réactiver"}, []string{"Planifier une séance"})

	// an unsafe « suite » falls back to the workshop's page
	rec = s.postAs(conseiller, atelierURL(testkit.AtelierA, "reactiver"), url.Values{"suite": {"//evil.example/espace/catalogue"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != atelierURL(testkit.AtelierA) {
		t.Errorf("reactivate: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	expectBody(t, s.get("/"), http.StatusOK, []string{"Atelier propre à Alpha"}, nil)

	// a référent may not archive
	expectBody(t, s.postAs(s.signIn(testkit.ReferentA), atelierURL(testkit.AtelierA, "archiver"), url.Values{}),
		http.StatusForbidden, []string{"Action refusée"}, nil)
	if !mustFind(t, s.app, "ateliers", testkit.AtelierA).GetBool("actif") {
		t.Error("a référent archived a workshop")
	}
}

func TestCatalogueCopyOfASharedEntry(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	shared := sharedEntry(t, s.app)
	title := shared.GetString("titre")
	conseiller := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(conseiller, catalogue+"/nouveau?copie="+shared.Id), http.StatusOK,
		[]string{"Copier « " + html.EscapeString(title) + " » dans mon catalogue", `value="` + html.EscapeString(title) + `"`,
			html.EscapeString(shared.GetString("resume")), `<option value="` + testkit.ID(testkit.StructureA) + `" selected>`,
			`action="/espace/catalogue/nouveau"`}, nil)

	form := validAtelier(testkit.ID(testkit.StructureA))
	form.Set("titre", title)
	form.Set("copie", title)
	rec := s.postAs(conseiller, catalogue+"/nouveau", form)
	copies := ateliersTitled(t, s.app, title)
	if rec.Code != http.StatusSeeOther || len(copies) != 2 {
		t.Fatalf("copy: %d, %d records titled %q", rec.Code, len(copies), title)
	}
	for _, c := range copies {
		if c.Id != shared.Id && c.GetString("structure") != testkit.ID(testkit.StructureA) {
			t.Errorf("the copy is not in A: %v", c.FieldsData())
		}
	}
	if after, _ := s.app.FindRecordById("ateliers", shared.Id); after.GetString("structure") != "" {
		t.Error("the shared entry changed")
	}
	// the copy is editable by its structure
	expectBody(t, s.getAs(conseiller, rec.Header().Get("Location")), http.StatusOK, []string{"/modifier", "Médiathèque Alpha"}, nil)

	// only what the person may read can be copied: B's archived workshop cannot
	setFields(t, s.app, "ateliers", testkit.AtelierB, map[string]any{"actif": false})
	expectBody(t, s.getAs(conseiller, catalogue+"/nouveau?copie="+testkit.ID(testkit.AtelierB)), http.StatusNotFound, nil,
		[]string{"Atelier propre à Bêta"})
}

func TestCataloguePostsNeedTheSiteOrigin(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	before := s.count("ateliers")
	for path, form := range map[string]url.Values{
		catalogue + "/nouveau":                   validAtelier(testkit.ID(testkit.StructureA)),
		atelierURL(testkit.AtelierA, "modifier"): validAtelier(testkit.ID(testkit.StructureA)),
		atelierURL(testkit.AtelierA, "archiver"): {},
	} {
		for _, headers := range []map[string]string{
			{"Cookie": cookie}, // no origin at all
			{"Cookie": cookie, "Origin": "https://evil.example"},
		} {
			if rec := s.do(http.MethodPost, path, form, headers); rec.Code != http.StatusForbidden ||
				!strings.Contains(rec.Body.String(), "Action refusée") {
				t.Errorf("POST %s with Origin %q: status %d", path, headers["Origin"], rec.Code)
			}
		}
	}
	a := mustFind(t, s.app, "ateliers", testkit.AtelierA)
	if s.count("ateliers") != before || a.GetString("titre") != "Atelier propre à Alpha" || !a.GetBool("actif") {
		t.Error("a cross-site post changed the catalogue")
	}
}
