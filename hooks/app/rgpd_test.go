package app_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"atelier/hooks/rgpd"

	atelier "atelier/hooks/app"
	"atelier/hooks/lib/referentiel"
	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Privacy (RGPD): retention, export, erasure and the public privacy page.
// The person "Delta" of structure A stopped coming two years ago; she has a
// past workshop, a one-to-one help with notes, an attestation PDF, messages
// and a merged duplicate. Nothing of her may survive an erasure but the
// figures the statistics count.

const (
	deltaNom    = "Oldperson-Delta"
	deltaEmail  = "delta.oldperson@example.org"
	deltaPhone  = "+33611223344"
	deltaNotes  = "Préfère le mardi, voisine de Oldperson-Delta"
	deltaHelp   = "Aidée pour la CAF de Oldperson-Delta"
	deltaParent = "Fille-de-Delta"
)

// deltaCase is what rgpdCase made.
type deltaCase struct {
	Person, Duplicate, PastSession, PastReg, Help, Attestation *core.Record
	EnvoiAbout, EnvoiAddress, EnvoiOld, EnvoiOther             *core.Record
	Other                                                      *core.Record // an active person of A, in the same session
}

func dbTime(t time.Time) types.DateTime {
	d, _ := types.ParseDateTime(t.UTC())
	return d
}

// setCreated backdates a record (created is set by PocketBase on insert).
func setCreated(t testing.TB, app core.App, table, id string, at time.Time) {
	t.Helper()
	_, err := app.DB().NewQuery("UPDATE {{" + table + "}} SET [[created]] = {:at} WHERE [[id]] = {:id}").
		Bind(dbx.Params{"at": at.UTC().Format(types.DefaultDateLayout), "id": id}).Execute()
	if err != nil {
		t.Fatal(err)
	}
}

func rgpdCase(t testing.TB, app core.App, now time.Time) deltaCase {
	t.Helper()
	var c deltaCase
	structureA := testkit.ID(testkit.StructureA)
	longAgo := now.AddDate(-2, 0, 0)
	c.Person = benefRecord(t, app, "beneficiaires", map[string]any{"structure": structureA, "prenom": "Dominique", "nom": deltaNom,
		"telephone": deltaPhone, "email": deltaEmail, "annee_naissance": 1956, "genre": "feminin", "statut_social": "retraite",
		"commune": "Poitiers", "code_postal": "86000", "code_insee": "86194", "notes": deltaNotes,
		"consentement_le": dbTime(longAgo), "consentement_version": "2026-01", "derniere_activite": dbTime(longAgo.AddDate(0, 2, 0))})
	setCreated(t, app, "beneficiaires", c.Person.Id, longAgo)
	c.Duplicate = benefRecord(t, app, "beneficiaires", map[string]any{"structure": structureA, "prenom": "Dominique", "nom": deltaNom + "-Bis",
		"telephone": "+33699887766", "email": "delta.bis@example.org", "fusionne_vers": c.Person.Id, "derniere_activite": dbTime(longAgo)})
	c.Other = benefRecord(t, app, "beneficiaires", map[string]any{"structure": structureA, "prenom": "Sacha", "nom": "Activeperson-Echo",
		"telephone": "+33655443322", "email": "echo@example.org", "annee_naissance": 1990, "genre": "masculin",
		"derniere_activite": dbTime(now.AddDate(0, -1, 0))})
	start := now.AddDate(0, -20, 0)
	c.PastSession = benefRecord(t, app, "seances", map[string]any{"atelier": testkit.ID(testkit.AtelierA), "structure": structureA,
		"lieu": testkit.ID(testkit.LieuA), "debut": dbTime(start), "fin": dbTime(start.Add(2 * time.Hour)), "capacite": 8,
		"statut": "realisee", "publique": true, "participants_anonymes": 2})
	c.PastReg = benefRecord(t, app, "inscriptions", map[string]any{"seance": c.PastSession.Id, "beneficiaire": c.Person.Id,
		"statut": "present", "source": "public", "inscrit_par": deltaParent, "jeton": strings.Repeat("D", 43)})
	benefRecord(t, app, "inscriptions", map[string]any{"seance": c.PastSession.Id, "beneficiaire": c.Other.Id,
		"statut": "absent", "source": "conseiller", "jeton": strings.Repeat("E", 43)})
	c.Help = benefRecord(t, app, "accompagnements", map[string]any{"conseiller": testkit.ID(testkit.ConseillerA), "structure": structureA,
		"date": dbTime(start.AddDate(0, 1, 0)), "duree_minutes": 45, "type_lieu": "lieu_activite", "thematiques": []string{"aide_aux_demarches_administratives"},
		"beneficiaire": c.Person.Id, "notes": deltaHelp, "demarche": "CAF"})
	pdf, err := filesystem.NewFileFromBytes([]byte("%PDF-1.4\n% Attestation de "+deltaNom+"\n%%EOF\n"), "attestation.pdf")
	if err != nil {
		t.Fatal(err)
	}
	c.Attestation = benefRecord(t, app, "attestations", map[string]any{"beneficiaire": c.Person.Id, "seances": []string{c.PastSession.Id},
		"code": "DELTA-2025", "emise_le": dbTime(start.Add(3 * time.Hour)), "pdf": pdf,
		"contenu": map[string]any{"prenom": "Dorothée", "nom": deltaNom, "structure": "Médiathèque Alpha",
			"seances": []map[string]any{{"id": c.PastSession.Id, "titre": "Atelier propre à Alpha"}}}})
	envoi := func(cible, destinataire string, created time.Time) *core.Record {
		r := benefRecord(t, app, "envois", map[string]any{"structure": structureA, "canal": "email", "destinataire": destinataire,
			"objet": "Inscription confirmée : Atelier propre à Alpha", "evenement": "confirmation", "cible": cible, "statut": "envoye"})
		setCreated(t, app, "envois", r.Id, created)
		return r
	}
	c.EnvoiAbout = envoi(c.PastReg.Id, deltaEmail, now.AddDate(0, -3, 0))
	c.EnvoiAddress = envoi("", deltaEmail, now.AddDate(0, -3, 0))
	c.EnvoiOld = envoi(c.PastReg.Id, deltaEmail, now.AddDate(0, -14, 0))
	c.EnvoiOther = envoi("", "echo@example.org", now.AddDate(0, -1, 0))
	return c
}

// statisticsInputs are the figures the statistics engine counts, grouped
// as it groups them: registrations and attendance (to sessions before
// until), one-to-one help and people, by age bracket (at the date of the
// activity), gender, social status and commune. Anonymisation must leave
// every line identical.
func statisticsInputs(t testing.TB, app core.App, until time.Time) string {
	t.Helper()
	var lines []string
	type row struct {
		Annee   int    `db:"annee_naissance"`
		Year    int    `db:"year"`
		Genre   string `db:"genre"`
		Statut  string `db:"statut_social"`
		Commune string `db:"commune"`
		Code    string `db:"code_insee"`
		What    string `db:"what"`
		N       int    `db:"n"`
		Minutes int    `db:"minutes"`
	}
	queries := map[string]string{
		"inscriptions": `SELECT b.annee_naissance, CAST(substr(s.debut, 1, 4) AS INTEGER) AS year, b.genre, b.statut_social, b.commune,
			b.code_insee, i.statut AS what, count(*) AS n, 0 AS minutes
			FROM inscriptions i JOIN seances s ON s.id = i.seance JOIN beneficiaires b ON b.id = i.beneficiaire
			WHERE s.debut < {:until} GROUP BY 1, 2, 3, 4, 5, 6, 7`,
		"accompagnements": `SELECT coalesce(b.annee_naissance, 0) AS annee_naissance, CAST(substr(a.date, 1, 4) AS INTEGER) AS year,
			coalesce(b.genre, a.genre) AS genre, coalesce(b.statut_social, a.statut_social) AS statut_social,
			coalesce(b.commune, a.commune) AS commune, coalesce(b.code_insee, a.code_insee) AS code_insee,
			a.type_lieu || ' ' || a.thematiques || ' ' || a.tranche_age AS what, count(*) AS n, sum(a.duree_minutes) AS minutes
			FROM accompagnements a LEFT JOIN beneficiaires b ON b.id = a.beneficiaire GROUP BY 1, 2, 3, 4, 5, 6, 7`,
		"beneficiaires": `SELECT annee_naissance, 0 AS year, genre, statut_social, commune, code_insee || code_postal AS code_insee,
			structure AS what, count(*) AS n, 0 AS minutes FROM beneficiaires GROUP BY 1, 3, 4, 5, 6, 7`,
		"seances": `SELECT 0 AS annee_naissance, CAST(substr(debut, 1, 4) AS INTEGER) AS year, '' AS genre, '' AS statut_social,
			'' AS commune, '' AS code_insee, structure || statut AS what, count(*) AS n, sum(participants_anonymes) AS minutes
			FROM seances GROUP BY 2, 7`,
		"attestations": `SELECT 0 AS annee_naissance, CAST(substr(emise_le, 1, 4) AS INTEGER) AS year, '' AS genre, '' AS statut_social,
			'' AS commune, '' AS code_insee, code AS what, count(*) AS n, 0 AS minutes FROM attestations GROUP BY 2, 7`,
	}
	for name, q := range queries {
		var rows []row
		if err := app.DB().NewQuery(q).Bind(dbx.Params{"until": until.UTC().Format(types.DefaultDateLayout)}).All(&rows); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, r := range rows {
			tranche := referentiel.TrancheAgeDeNaissance(r.Annee, r.Year)
			lines = append(lines, fmt.Sprintf("%s|%s|%d|%s|%s|%s|%s|%s|%d|%d", name, tranche, r.Year, r.Genre, r.Statut,
				r.Commune, r.Code, r.What, r.N, r.Minutes))
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// databaseState is every row of every table of the data model, to prove
// that a dry run changes nothing at all.
func databaseState(t testing.TB, app core.App) string {
	t.Helper()
	var b strings.Builder
	for _, table := range []string{"structures", "utilisateurs", "lieux", "ateliers", "seances", "beneficiaires", "inscriptions",
		"accompagnements", "attestations", "rapports", "envois", "journal", "parametres"} {
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery("SELECT * FROM {{" + table + "}} ORDER BY [[id]]").All(&rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			keys := make([]string, 0, len(r))
			for k := range r {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			b.WriteString(table)
			for _, k := range keys {
				fmt.Fprintf(&b, "|%s=%s", k, r[k].String)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// traces returns, for each table, the rows holding one of the strings.
func traces(t testing.TB, app core.App, needles ...string) []string {
	t.Helper()
	var found []string
	var tables []string
	if err := app.DB().NewQuery("SELECT name FROM sqlite_master WHERE type = 'table'").Column(&tables); err != nil {
		t.Fatal(err)
	}
	for _, table := range tables {
		var rows []dbx.NullStringMap
		if err := app.DB().NewQuery("SELECT * FROM {{" + table + "}}").All(&rows); err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			for column, v := range r {
				for _, n := range needles {
					if strings.Contains(strings.ToLower(v.String), strings.ToLower(n)) {
						found = append(found, fmt.Sprintf("%s.%s contains %q", table, column, n))
					}
				}
			}
		}
	}
	return found
}

func TestRetentionDryRunChangesNothing(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	now := testkit.Now()
	rgpdCase(t, app, now)
	before := databaseState(t, app)
	report, err := rgpd.RunRetention(app, now, true)
	if err != nil {
		t.Fatal(err)
	}
	// Delta and her duplicate (inactive for two years), the two past
	// session's tokens, the 14-month-old message.
	if !report.Essai || report.Anonymises != 2 || report.JetonsEffaces != 2 || report.EnvoisSupprimes != 1 {
		t.Errorf("dry run report = %+v", report)
	}
	if after := databaseState(t, app); after != before {
		t.Fatal("a dry run changed the database")
	}
	var out bytes.Buffer
	report.Print(&out)
	for _, want := range []string{"Essai (--dry-run) : rien n'a été modifié", "Personnes à anonymiser (sans activité depuis 12 mois",
		"Liens d'annulation à effacer (séances passées) : 2", "Messages à supprimer"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report misses %q:\n%s", want, out.String())
		}
	}
}

func TestRetentionAnonymisesAndKeepsEveryStatistic(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	now := testkit.Now()
	c := rgpdCase(t, app, now)
	forever := now.AddDate(100, 0, 0)
	stats := statisticsInputs(t, app, forever)
	report, err := rgpd.RunRetention(app, now, false)
	if err != nil {
		t.Fatal(err)
	}
	if report.Essai || report.Anonymises != 2 || report.JetonsEffaces != 2 || report.EnvoisSupprimes != 1 {
		t.Errorf("report = %+v", report)
	}
	if after := statisticsInputs(t, app, forever); after != stats {
		t.Fatalf("statistics changed:\nbefore\n%s\nafter\n%s", stats, after)
	}
	person := mustFindID(t, app, "beneficiaires", c.Person.Id)
	if !person.GetBool("anonymise") || person.GetString("nom") != "" || person.GetString("email") != "" || person.GetString("notes") != "" {
		t.Errorf("Delta not anonymised: %v", person.FieldsData())
	}
	// what the statistics use is kept
	if person.GetInt("annee_naissance") != 1956 || person.GetString("genre") != "feminin" || person.GetString("statut_social") != "retraite" ||
		person.GetString("commune") != "Poitiers" || person.GetString("code_insee") != "86194" || person.GetString("structure") != testkit.ID(testkit.StructureA) {
		t.Errorf("statistical fields lost: %v", person.FieldsData())
	}
	if found := traces(t, app, deltaNom, deltaEmail, deltaPhone, "delta.bis", deltaParent); len(found) > 0 {
		t.Errorf("Delta is still in the database:\n%s", strings.Join(found, "\n"))
	}
	if mustFindID(t, app, "attestations", c.Attestation.Id).GetString("pdf") != "" {
		t.Error("the attestation PDF (with the name) is still attached")
	}
	// tokens of past sessions are erased for everyone; upcoming ones stay
	if n := benefCount(t, app, "inscriptions", dbx.NewExp("seance = {:s} AND jeton != ''", dbx.Params{"s": c.PastSession.Id})); n != 0 {
		t.Errorf("%d past tokens left", n)
	}
	if mustFind(t, app, "inscriptions", testkit.InscriptionA).GetString("jeton") != testkit.SecretJeton {
		t.Error("the token of an upcoming session was erased")
	}
	// the active people are untouched
	for _, id := range []string{c.Other.Id, benefA, benefA2, benefB} {
		if r := mustFindID(t, app, "beneficiaires", id); r.GetBool("anonymise") || r.GetString("nom") == "" {
			t.Errorf("%s was anonymised", id)
		}
	}
	// old messages are gone, recent ones about her lost their recipient
	if _, err := app.FindRecordById("envois", c.EnvoiOld.Id); err == nil {
		t.Error("a 14-month-old message is still there")
	}
	for _, r := range []*core.Record{c.EnvoiAbout, c.EnvoiAddress} {
		if got := mustFindID(t, app, "envois", r.Id).GetString("destinataire"); got != "(effacé)" {
			t.Errorf("message %s still goes to %q", r.Id, got)
		}
	}
	if mustFindID(t, app, "envois", c.EnvoiOther.Id).GetString("destinataire") != "echo@example.org" {
		t.Error("another person's message was touched")
	}
	// logged, without a name
	entries, err := app.FindAllRecords("journal", dbx.HashExp{"beneficiaire": c.Person.Id, "action": "effacement"})
	if err != nil || len(entries) != 1 || entries[0].GetString("auteur") != "" || !strings.Contains(entries[0].GetString("auteur_nom"), "conservation") {
		t.Errorf("journal of the retention: %v %v", entries, err)
	}

	// Idempotent: a second run finds nothing to do.
	again, err := rgpd.RunRetention(app, now, false)
	if err != nil || again.Anonymises != 0 || again.JetonsEffaces != 0 || again.EnvoisSupprimes != 0 {
		t.Errorf("second run = %+v, %v", again, err)
	}
}

// A person inactive for long but registered for a session ahead is kept.
func TestRetentionSparesUpcomingRegistrations(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	now := testkit.Now()
	setFields(t, app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"derniere_activite": dbTime(now.AddDate(-3, 0, 0))})
	setCreated(t, app, "beneficiaires", benefA, now.AddDate(-3, 0, 0))
	setCreated(t, app, "beneficiaires", benefA2, now.AddDate(-3, 0, 0))
	report, err := rgpd.RunRetention(app, now, false)
	if err != nil {
		t.Fatal(err)
	}
	if report.Anonymises != 1 { // A2 only: A is registered for SeancePubliqueA
		t.Errorf("anonymised %d, want 1", report.Anonymises)
	}
	if mustFind(t, app, "beneficiaires", testkit.BeneficiaireA).GetBool("anonymise") {
		t.Error("a person registered for a session ahead was anonymised")
	}
	if !mustFind(t, app, "beneficiaires", testkit.BeneficiaireA2).GetBool("anonymise") {
		t.Error("an inactive person was kept")
	}
}

// The retention period is the administrator's setting.
func TestRetentionFollowsTheSettings(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	now := testkit.Now()
	c := rgpdCase(t, app, now)
	setFields(t, app, "parametres", testkit.Parametres, map[string]any{"duree_inactivite_mois": 36, "duree_envois_mois": 24})
	report, err := rgpd.RunRetention(app, now, false)
	if err != nil {
		t.Fatal(err)
	}
	if report.Anonymises != 0 || report.EnvoisSupprimes != 0 || report.InactiviteMois != 36 {
		t.Errorf("with 36 months: %+v", report)
	}
	if mustFindID(t, app, "beneficiaires", c.Person.Id).GetBool("anonymise") {
		t.Error("anonymised before the administrator's period")
	}
}

func TestRetentionCommand(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	rgpdCase(t, app, testkit.Now())
	before := databaseState(t, app)
	run := func(args ...string) string {
		t.Helper()
		for _, c := range atelier.Commands(app) {
			if c.Name() != "rgpd" {
				continue
			}
			var out bytes.Buffer
			c.SetOut(&out)
			c.SetArgs(args)
			if err := c.Execute(); err != nil {
				t.Fatal(err)
			}
			return out.String()
		}
		t.Fatal("no rgpd command")
		return ""
	}
	if out := run("retention", "--dry-run"); !strings.Contains(out, "Personnes à anonymiser") || !strings.Contains(out, ": 2") {
		t.Errorf("dry run output:\n%s", out)
	}
	if databaseState(t, app) != before {
		t.Fatal("the --dry-run command changed data")
	}
	if out := run("retention"); !strings.Contains(out, "Personnes anonymisées") || strings.Contains(out, "Essai") {
		t.Errorf("run output:\n%s", out)
	}
	if found := traces(t, app, deltaNom); len(found) > 0 {
		t.Errorf("the command left Delta: %v", found)
	}
}

// ---- Rights pages ---------------------------------------------------------

func TestRightsPagesByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	conseillerA, conseillerB := s.signIn(testkit.ConseillerA), s.signIn(testkit.ConseillerB)
	referent, coordinateur := s.signIn(testkit.ReferentA), s.signIn(testkit.Coordinateur)
	// the profile links to the rights
	expectBody(t, s.getAs(conseillerA, benefPath(benefA)), http.StatusOK, []string{"Vos droits (RGPD)",
		`href="/espace/beneficiaires/` + benefA + `/donnees"`, `href="/espace/beneficiaires/` + benefA + `/effacer"`}, nil)
	pages := []struct {
		path string
		want []string
	}{
		{benefPath(benefA, "/donnees"), []string{"Toutes les données de Camille " + testkit.NomBeneficiaireA, "FIXTURE-CODE-A", "Télécharger le fichier"}},
		{benefPath(benefA, "/donnees.json"), []string{`"nom": "` + testkit.NomBeneficiaireA + `"`}},
		{benefPath(benefA, "/effacer"), []string{"Effacer les données de Camille " + testkit.NomBeneficiaireA, `name="confirmation"`,
			"1 inscription à venir sera annulée"}},
	}
	before := beneficiaryState(t, s.app)
	for _, p := range pages {
		expectBody(t, s.getAs(conseillerA, p.path), http.StatusOK, p.want, []string{testkit.NomBeneficiaireB, testkit.SecretJeton})
		expectBody(t, s.getAs(conseillerB, p.path), http.StatusNotFound, nil, []string{testkit.NomBeneficiaireA})
		for _, cookie := range []string{referent, coordinateur} {
			expectBody(t, s.getAs(cookie, p.path), http.StatusForbidden, []string{"Action refusée"}, []string{testkit.NomBeneficiaireA})
		}
		if rec := s.get(p.path); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion?suite=") {
			t.Errorf("anonymous %s: %d %q", p.path, rec.Code, rec.Header().Get("Location"))
		}
	}
	// Erasure by anyone but a conseiller of A changes nothing.
	form := url.Values{"confirmation": {"oui"}}
	for _, cookie := range []string{referent, coordinateur} {
		expectBody(t, s.postAs(cookie, benefPath(benefA, "/effacer"), form), http.StatusForbidden, nil, nil)
	}
	expectBody(t, s.postAs(conseillerB, benefPath(benefA, "/effacer"), form), http.StatusNotFound, nil, nil)
	if rec := s.post(benefPath(benefA, "/effacer"), form); rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
		t.Errorf("anonymous erasure: %d", rec.Code)
	}
	// from another site, even signed in
	rec := s.do(http.MethodPost, benefPath(benefA, "/effacer"), form, map[string]string{"Cookie": conseillerA, "Origin": "https://pirate.example"})
	if rec.Code != http.StatusForbidden {
		t.Errorf("cross-site erasure: %d", rec.Code)
	}
	// without the confirmation box: a French message, nothing erased
	expectBody(t, s.postAs(conseillerA, benefPath(benefA, "/effacer"), url.Values{}), http.StatusUnprocessableEntity,
		[]string{"Cochez la case pour confirmer", `id="erreur-confirmation"`}, nil)
	if after := beneficiaryState(t, s.app); after != before {
		t.Fatal("refused erasures changed data")
	}
	// B's own person is B's
	expectBody(t, s.getAs(conseillerB, benefPath(benefB, "/donnees")), http.StatusOK, []string{testkit.NomBeneficiaireB}, []string{testkit.NomBeneficiaireA})
	expectBody(t, s.getAs(conseillerA, benefPath(benefB, "/donnees.json")), http.StatusNotFound, nil, []string{testkit.NomBeneficiaireB})
}

type exportFile struct {
	Structure string `json:"structure"`
	Personne  struct {
		ID, Nom, Email, Notes string
		Prenom                string `json:"prenom"`
		Telephone             string `json:"telephone"`
		AnneeNaissance        int    `json:"annee_naissance"`
		ConsentementVersion   string `json:"consentement_version"`
	} `json:"personne"`
	FichesFusionnees []struct {
		ID, Nom string
	} `json:"fiches_fusionnees"`
	Inscriptions []struct {
		Atelier, Statut, Debut string
		InscritPar             string `json:"inscrit_par"`
	} `json:"inscriptions"`
	Accompagnements []struct {
		DureeMinutes int      `json:"duree_minutes"`
		Thematiques  []string `json:"thematiques"`
		Notes        string   `json:"notes"`
	} `json:"accompagnements"`
	Attestations []struct {
		Code    string   `json:"code"`
		Seances []string `json:"seances"`
	} `json:"attestations"`
	Messages []struct {
		Destinataire, Objet string
	} `json:"messages"`
}

func TestExportHoldsEverythingAboutThePersonAndNothingElse(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c := rgpdCase(t, s.app, testkit.Now())
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.getAs(cookie, benefPath(c.Person.Id, "/donnees.json"))
	if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Disposition"), "attachment") ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("json export: %d %v", rec.Code, rec.Header())
	}
	var x exportFile
	if err := json.Unmarshal(rec.Body.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	p := x.Personne
	if p.ID != c.Person.Id || p.Nom != deltaNom || p.Email != deltaEmail || p.Telephone != deltaPhone || p.Notes != deltaNotes ||
		p.AnneeNaissance != 1956 || p.ConsentementVersion != "2026-01" || x.Structure != "Médiathèque Alpha" {
		t.Errorf("record = %+v", p)
	}
	if len(x.FichesFusionnees) != 1 || x.FichesFusionnees[0].Nom != deltaNom+"-Bis" {
		t.Errorf("merged duplicates = %+v", x.FichesFusionnees)
	}
	if len(x.Inscriptions) != 1 || x.Inscriptions[0].Atelier != "Atelier propre à Alpha" || x.Inscriptions[0].Statut != "Présent" ||
		x.Inscriptions[0].InscritPar != deltaParent || x.Inscriptions[0].Debut == "" {
		t.Errorf("registrations = %+v", x.Inscriptions)
	}
	if len(x.Accompagnements) != 1 || x.Accompagnements[0].Notes != deltaHelp || x.Accompagnements[0].DureeMinutes != 45 ||
		x.Accompagnements[0].Thematiques[0] != "Aide aux démarches administratives" {
		t.Errorf("help = %+v", x.Accompagnements)
	}
	if len(x.Attestations) != 1 || x.Attestations[0].Code != "DELTA-2025" || len(x.Attestations[0].Seances) != 1 ||
		!strings.HasPrefix(x.Attestations[0].Seances[0], "Atelier propre à Alpha, ") {
		t.Errorf("attestations = %+v", x.Attestations)
	}
	if len(x.Messages) != 3 { // about her registration (twice) and to her address
		t.Errorf("messages = %+v", x.Messages)
	}
	body := rec.Body.String()
	for _, other := range []string{"Activeperson-Echo", "echo@example.org", testkit.NomBeneficiaireA, testkit.NomBeneficiaireB,
		"camille@example.org", testkit.SecretJeton, strings.Repeat("D", 43), "Nom conseillera", "FIXTURE-CODE-A"} {
		if strings.Contains(body, other) {
			t.Errorf("the export holds %q, which is not about the person", other)
		}
	}
	// the readable page says the same
	expectBody(t, s.getAs(cookie, benefPath(c.Person.Id, "/donnees")), http.StatusOK,
		[]string{deltaNom, deltaEmail, "06 11 22 33 44", deltaNotes, deltaHelp, "DELTA-2025", deltaParent, deltaNom + "-Bis", "Retraité"},
		[]string{"Activeperson-Echo", "echo@example.org", testkit.NomBeneficiaireA})
}

func TestErasureLeavesNoNameAnywhere(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	now := testkit.Now()
	c := rgpdCase(t, s.app, now)
	// Delta is also registered for the upcoming public session, which is
	// full: her place goes to the first person waiting.
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 2})
	benefRecord(t, s.app, "inscriptions", map[string]any{"seance": testkit.ID(testkit.SeancePubliqueA), "beneficiaire": c.Person.Id,
		"statut": "inscrit", "source": "public", "jeton": strings.Repeat("F", 43)})
	waiting := benefRecord(t, s.app, "inscriptions", map[string]any{"seance": testkit.ID(testkit.SeancePubliqueA), "beneficiaire": c.Other.Id,
		"statut": "liste_attente", "rang_attente": 1, "source": "public", "jeton": strings.Repeat("G", 43)})
	stats := statisticsInputs(t, s.app, now)
	attestationFile := filepath.Join(s.app.DataDir(), "storage", c.Attestation.BaseFilesPath(), c.Attestation.GetString("pdf"))
	if _, err := os.Stat(attestationFile); err != nil {
		t.Fatalf("attestation file: %v", err)
	}
	cookie := s.signIn(testkit.ConseillerA)
	// A search by name puts the name in the request log (the test app
	// writes none: the entry a real server writes is added here).
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q="+url.QueryEscape(deltaNom)), http.StatusOK, []string{deltaNom}, nil)
	entry := &core.Log{Message: "GET /espace/beneficiaires?q=" + deltaNom,
		Data: types.JSONMap[any]{"url": "/espace/beneficiaires?q=" + url.QueryEscape(deltaNom), "status": 200}}
	entry.Id = core.GenerateDefaultRandomId()
	if err := s.app.AuxSave(entry); err != nil {
		t.Fatal(err)
	}

	rec := s.postAs(cookie, benefPath(c.Person.Id, "/effacer"), url.Values{"confirmation": {"oui"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/espace/beneficiaires" ||
		!strings.Contains(followFlash(rec), "Les données de la personne sont effacées") {
		t.Fatalf("erasure: %d %q %q\n%s", rec.Code, rec.Header().Get("Location"), followFlash(rec), rec.Body.String())
	}
	// records, envois
	if found := traces(t, s.app, deltaNom, deltaEmail, deltaPhone, "611223344", "delta.bis", deltaParent, "Préfère le mardi", "CAF de"); len(found) > 0 {
		t.Errorf("erasure left:\n%s", strings.Join(found, "\n"))
	}
	// the attestation still verifies, with initials only
	if contenu := mustFindID(t, s.app, "attestations", c.Attestation.Id).GetString("contenu"); !strings.Contains(contenu, `"prenom":"D."`) ||
		!strings.Contains(contenu, `"nom":"O."`) || strings.Contains(contenu, "Dorothée") {
		t.Errorf("attestation content after erasure: %s", contenu)
	}
	// files
	if _, err := os.Stat(attestationFile); !os.IsNotExist(err) {
		t.Errorf("the attestation PDF is still on disk: %v", err)
	}
	_ = filepath.WalkDir(filepath.Join(s.app.DataDir(), "storage"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, _ := os.ReadFile(path); bytes.Contains(b, []byte(deltaNom)) {
				t.Errorf("%s still holds the name", path)
			}
		}
		return nil
	})
	// search results
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q="+url.QueryEscape(deltaNom)), http.StatusOK,
		[]string{"0 personne trouvée"}, []string{`href="/espace/beneficiaires/` + c.Person.Id + `"`})
	expectBody(t, s.getAs(cookie, "/espace/beneficiaires?q=0611223344"), http.StatusOK, nil, []string{c.Person.Id})
	// request log: the search made before the erasure is gone
	if n := requestLogTraces(t, s.app, deltaNom); n != 0 {
		t.Errorf("%d request log entries still hold the name", n)
	}
	// statistics of the past are identical (her upcoming place is cancelled)
	if after := statisticsInputs(t, s.app, now); after != stats {
		t.Errorf("past statistics changed:\n%s\n---\n%s", stats, after)
	}
	// her upcoming place went to the waiting list
	if got := mustFindID(t, s.app, "inscriptions", waiting.Id).GetString("statut"); got != "inscrit" {
		t.Errorf("the waiting person is %q", got)
	}
	// erasing again says so and changes nothing
	again := s.postAs(cookie, benefPath(c.Person.Id, "/effacer"), url.Values{"confirmation": {"oui"}})
	if again.Code != http.StatusSeeOther || !strings.Contains(followFlash(again), "déjà effacées") {
		t.Errorf("second erasure: %d %q", again.Code, followFlash(again))
	}
	expectBody(t, s.getAs(cookie, benefPath(c.Person.Id, "/effacer")), http.StatusOK, []string{"ont déjà été effacées"}, []string{`name="confirmation"`})
	expectBody(t, s.getAs(cookie, benefPath(c.Person.Id, "/donnees")), http.StatusOK, []string{"Données d'une personne anonymisée", "1956"}, []string{deltaNom})
}

func requestLogTraces(t testing.TB, app core.App, needle string) int {
	t.Helper()
	var n int
	err := app.AuxDB().NewQuery("SELECT count(*) FROM {{_logs}} WHERE instr([[data]], {:n}) > 0").Bind(dbx.Params{"n": needle}).Row(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// ---- Privacy page -----------------------------------------------------------

func TestPrivacyPageFollowsTheSettings(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	expectBody(t, s.get("/confidentialite"), http.StatusOK, []string{"<h1>Vos données personnelles</h1>",
		"pendant 12 mois, votre nom et vos coordonnées sont effacés", "est gardée 12 mois", "Version 2026-11 de ce texte",
		"www.cnil.fr/fr/plaintes", "la structure qui organise votre atelier", "Seules les 7 dernières sont gardées",
		"<strong>voir</strong>", "<strong>corriger</strong>", "<strong>faire effacer</strong>", "<strong>refuser</strong>"}, secretsOfFixture)
	setFields(t, s.app, "parametres", testkit.Parametres, map[string]any{"responsable_traitement": "Mairie de Poitiers",
		"contact_courriel": "rgpd@poitiers.example", "adresse_postale": "Place du Maréchal Leclerc, 86000 Poitiers",
		"dpo_nom": "Claude Délégué", "duree_inactivite_mois": 6, "duree_envois_mois": 3})
	// the cached page follows the change at once
	expectBody(t, s.get("/confidentialite"), http.StatusOK, []string{"Mairie de Poitiers", `href="mailto:rgpd@poitiers.example"`,
		"Place du Maréchal Leclerc", "Claude Délégué", "pendant 6 mois", "est gardée 3 mois"}, []string{"pendant 12 mois"})
	// linked from the public footer and the registration form
	expectBody(t, s.get(seanceURL(testkit.SeancePubliqueA)), http.StatusOK,
		[]string{`<a href="/confidentialite">En savoir plus sur vos données et vos droits</a>`, `<a href="/confidentialite">Vos données personnelles</a>`}, nil)
	// the same for signed-in staff (it is a public page)
	expectBody(t, s.getAs(s.signIn(testkit.ConseillerA), "/confidentialite"), http.StatusOK, []string{"Mairie de Poitiers"}, nil)
}

func TestPrivacySettingsStayOneRecord(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	c, err := app.FindCollectionByNameOrId("parametres")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(map[string]any{"duree_inactivite_mois": 1, "duree_envois_mois": 1})
	if err := app.Save(r); err == nil || !strings.Contains(err.Error(), "existent déjà") {
		t.Fatalf("a second settings record: %v", err)
	}
}

// Anonymising a person (by erasure, by retention, a merged duplicate with
// them) reads only that person's rows, through indexes: in a region of a
// million people and 10,000 upcoming sessions, a scan per person made the
// nightly retention take minutes.
func TestAnonymisingAPersonReadsThroughIndexes(t *testing.T) {
	t.Parallel()
	app := testkit.NewApp(t)
	person, err := app.FindRecordById("beneficiaires", testkit.ID(testkit.BeneficiaireA))
	if err != nil {
		t.Fatal(err)
	}
	recorded := testkit.RecordStatements(t, app)
	if err := app.RunInTransaction(func(tx core.App) error {
		_, err := rgpd.AnonymiseBeneficiaire(tx, nil, person, "test", testkit.Now())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, statement := range recorded() {
		verb := strings.ToUpper(strings.Fields(statement)[0])
		if verb != "SELECT" && verb != "UPDATE" && verb != "DELETE" || strings.Contains(statement, "<nil>") {
			continue // an INSERT reads nothing; a log with <nil> is a record saved by its id
		}
		checked++
		plan := testkit.QueryPlan(t, app, statement)
		for _, scan := range []string{"SCAN beneficiaires ", "SCAN inscriptions ", "SCAN accompagnements ", "SCAN seances ",
			"INDEX idx_seances_statut_debut ", "INDEX idx_seances_public_upcoming "} {
			if testkit.PlanUses(plan, scan) {
				t.Errorf("%s\nreads more than the person's rows (%s): %+v", statement, strings.TrimSpace(scan), plan)
			}
		}
	}
	if checked < 5 {
		t.Fatalf("%d statements seen, want the reads and writes of an anonymisation", checked)
	}
}
