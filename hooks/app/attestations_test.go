package app_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"atelier/hooks/lib/pdfdoc/pdftest"
	"atelier/hooks/testkit"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Attestations and sign-in sheets through real HTTP: who may issue,
// download and revoke (only conseillers of the person's structure), what
// the PDFs say once read back with poppler, and the public verification.

// attended moves session name to days ago (9 h to 11 h UTC, closed) and
// marks the person present there; it returns the session's start.
func attended(t *testing.T, s *site, seance, beneficiaire string, daysAgo int) time.Time {
	t.Helper()
	day := testkit.Now().UTC().AddDate(0, 0, -daysAgo)
	start := time.Date(day.Year(), day.Month(), day.Day(), 9, 0, 0, 0, time.UTC)
	moveSession(t, s.app, seance, start, 2*time.Hour)
	setFields(t, s.app, "seances", seance, map[string]any{"statut": "realisee"})
	present(t, s.app, testkit.ID(seance), testkit.ID(beneficiaire))
	return start
}

// present marks (or registers then marks) a person present at a session.
func present(t *testing.T, app core.App, seanceID, beneficiaireID string) {
	t.Helper()
	r, err := app.FindFirstRecordByFilter("inscriptions", "seance = {:s} && beneficiaire = {:b}",
		dbx.Params{"s": seanceID, "b": beneficiaireID})
	if err != nil {
		collection, _ := app.FindCollectionByNameOrId("inscriptions")
		r = core.NewRecord(collection)
		r.Load(map[string]any{"seance": seanceID, "beneficiaire": beneficiaireID, "source": "sur_place"})
	}
	r.Set("statut", "present")
	if err := app.Save(r); err != nil {
		t.Fatalf("present %s at %s: %v", beneficiaireID, seanceID, err)
	}
}

// attestationSite is structure A with an address, Camille Fixturenom-Alpha
// present at the public session of A three days ago, and signed-in cookies.
type attestationSite struct {
	*site
	start   time.Time
	cookies map[string]string
}

func newAttestationSite(t *testing.T, roles ...string) *attestationSite {
	s := newSite(t)
	setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"adresse": "12 rue de l’Église", "code_postal": "86000"})
	a := &attestationSite{site: s, start: attended(t, s, testkit.SeancePubliqueA, testkit.BeneficiaireA, 3), cookies: map[string]string{}}
	for _, r := range append([]string{testkit.ConseillerA}, roles...) {
		a.cookies[r] = s.signIn(r)
	}
	return a
}

var codePattern = regexp.MustCompile(`ATL-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}`)

// issueForSeance issues Camille's attestation of the public session of A
// from her profile and returns the record.
func (a *attestationSite) issueForSeance(t *testing.T) *core.Record {
	t.Helper()
	rec := a.postAs(a.cookies[testkit.ConseillerA], "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)+"/attestations",
		url.Values{"type": {"seance"}, "seance": {testkit.ID(testkit.SeancePubliqueA)}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)+"#titre-attestations" {
		t.Fatalf("issue: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	code := codePattern.FindString(followFlash(rec))
	if code == "" {
		t.Fatalf("no code in the flash %q", followFlash(rec))
	}
	r, err := a.app.FindFirstRecordByData("attestations", "code", code)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func pdfOf(t *testing.T, rec *httptest.ResponseRecorder, disposition string) []byte {
	t.Helper()
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/pdf" {
		t.Fatalf("status %d, type %q\n%.500s", rec.Code, rec.Header().Get("Content-Type"), rec.Body.String())
	}
	if d := rec.Header().Get("Content-Disposition"); !strings.HasPrefix(d, disposition+"; filename=") {
		t.Errorf("Content-Disposition %q, want %s", d, disposition)
	}
	if rec.Header().Get("Cache-Control") != "no-store" {
		t.Error("a PDF naming people may be cached")
	}
	return rec.Body.Bytes()
}

func storedPDF(t *testing.T, app core.App, r *core.Record) []byte {
	t.Helper()
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	reader, err := fsys.GetReader(r.BaseFilesPath() + "/" + r.GetString("pdf"))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(reader); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func flat(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, nbsp, " ")), " ")
}

func expectPDFText(t *testing.T, pdf []byte, want, absent []string) string {
	t.Helper()
	text := flat(pdftest.Text(t, pdf))
	for _, w := range want {
		if !strings.Contains(text, flat(w)) {
			t.Errorf("the PDF lacks %q:\n%s", w, text)
		}
	}
	for _, a := range absent {
		if strings.Contains(text, a) {
			t.Errorf("the PDF shows %q", a)
		}
	}
	return text
}

func TestAttestationFromProfile(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t)
	before := a.count("attestations")
	r := a.issueForSeance(t)
	code := r.GetString("code")
	if a.count("attestations") != before+1 || r.GetString("emise_par") != testkit.ID(testkit.ConseillerA) ||
		r.GetString("pdf") == "" || len(r.GetStringSlice("seances")) != 1 {
		t.Fatalf("attestation not stored as expected: %v", r.FieldsData())
	}
	profile := a.getAs(a.cookies[testkit.ConseillerA], "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA))
	expectBody(t, profile, http.StatusOK, []string{"Attestations (2)", code, "/espace/attestations/" + r.Id + "/pdf",
		"Atelier propre à Alpha", "Délivrer une attestation", `name="du"`, "Révoquer"}, nil)

	// The download is the stored file, byte for byte, every time.
	path := "/espace/attestations/" + r.Id + "/pdf"
	first := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], path), "attachment")
	second := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], path), "attachment")
	if !bytes.Equal(first, second) || !bytes.Equal(first, storedPDF(t, a.app, r)) {
		t.Error("downloading again does not give the same document")
	}
	paris, _ := time.LoadLocation("Europe/Paris")
	local := a.start.In(paris)
	expectPDFText(t, first, []string{"Médiathèque Alpha", "12 rue de l’Église", "86000 Poitiers", "Attestation de participation",
		"Prénom conseillera Nom conseillera, conseiller numérique, de la structure Médiathèque Alpha",
		"Camille " + testkit.NomBeneficiaireA, "Atelier propre à Alpha",
		frDate(local), fmt.Sprintf("de %d h à %d h", local.Hour(), local.Hour()+2),
		"Temps total de participation : 2 h", "Fait à Poitiers", "Code de vérification : " + code,
		testkit.AppURL + "/verifier/" + code, "Page 1 sur 1"}, []string{"+33612345678"})
	if got := pdftest.QRCode(t, first, 1); got != testkit.AppURL+"/verifier/"+code {
		t.Errorf("the printed QR code reads %q", got)
	}

	// The same request again gives the same attestation back.
	rec := a.postAs(a.cookies[testkit.ConseillerA], "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)+"/attestations",
		url.Values{"type": {"seance"}, "seance": {testkit.ID(testkit.SeancePubliqueA)}})
	if !strings.Contains(followFlash(rec), "existait déjà (code "+code+")") || a.count("attestations") != before+1 {
		t.Errorf("a second identical request created another attestation: %q", followFlash(rec))
	}
}

// frDate is the long French date frfmt writes (« mardi 3 décembre 2026 »).
func frDate(t time.Time) string {
	days := []string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}
	months := []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	d := fmt.Sprint(t.Day())
	if t.Day() == 1 {
		d = "1er"
	}
	return fmt.Sprintf("%s %s %s %d", days[t.Weekday()], d, months[t.Month()-1], t.Year())
}

// A parcours: every session attended over a period, with the total time.
func TestAttestationForAPeriod(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t)
	second := attended(t, a.site, testkit.SeancePriveeA, testkit.BeneficiaireA, 10)
	du := second.AddDate(0, 0, -1).Format(time.DateOnly)
	au := testkit.Now().Format(time.DateOnly)
	rec := a.postAs(a.cookies[testkit.ConseillerA], "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)+"/attestations",
		url.Values{"type": {"periode"}, "du": {du}, "au": {au}})
	code := codePattern.FindString(followFlash(rec))
	if rec.Code != http.StatusSeeOther || code == "" {
		t.Fatalf("period: %d %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	r, err := a.app.FindFirstRecordByData("attestations", "code", code)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(r.GetStringSlice("seances")); n != 2 {
		t.Errorf("%d sessions on the parcours, want 2", n)
	}
	shared := mustFind(t, a.app, "seances", testkit.SeancePriveeA).GetString("atelier")
	titre := mustFindID(t, a.app, "ateliers", shared).GetString("titre")
	pdf := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], "/espace/attestations/"+r.Id+"/pdf"), "attachment")
	expectPDFText(t, pdf, []string{"a participé aux 2 ateliers numériques suivants", "Atelier propre à Alpha", titre,
		"Temps total de participation : 4 h (2 séances)"}, nil)
}

// Bad input is answered next to its field and creates nothing, including a
// session the person did not attend or of another structure.
func TestAttestationFormRefusals(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t)
	path := "/espace/beneficiaires/" + testkit.ID(testkit.BeneficiaireA) + "/attestations"
	before := a.count("attestations")
	cases := []struct {
		form url.Values
		want string
	}{
		{url.Values{"type": {"seance"}}, "Choisissez la séance."},
		{url.Values{"type": {"seance"}, "seance": {testkit.ID(testkit.SeancePriveeA)}}, "Choisissez une séance à laquelle la personne était présente."},
		{url.Values{"type": {"seance"}, "seance": {testkit.ID(testkit.SeancePubliqueB)}}, "Choisissez une séance à laquelle la personne était présente."},
		{url.Values{"type": {"periode"}, "du": {""}, "au": {"2026-12-31"}}, "Indiquez la date de début"},
		{url.Values{"type": {"periode"}, "du": {"2026-12-31"}, "au": {"2026-01-01"}}, "La date de fin doit suivre la date de début."},
		{url.Values{"type": {"periode"}, "du": {"2001-01-01"}, "au": {"2001-12-31"}}, "aucune séance entre le 01/01/2001 et le 31/12/2001"},
		{url.Values{}, "Choisissez une séance ou une période."},
	}
	for _, c := range cases {
		rec := a.postAs(a.cookies[testkit.ConseillerA], path, c.form)
		expectBody(t, rec, http.StatusUnprocessableEntity, []string{c.want, "Rien n'a été enregistré", "Attestations (1)"}, nil)
	}
	// What was typed is kept.
	expectBody(t, a.postAs(a.cookies[testkit.ConseillerA], path, url.Values{"type": {"periode"}, "du": {"2026-12-31"}, "au": {"2026-01-01"}}),
		http.StatusUnprocessableEntity, []string{`value="2026-12-31"`, `value="2026-01-01"`, `aria-invalid="true"`}, nil)
	if a.count("attestations") != before {
		t.Error("a refused form created an attestation")
	}
}

// Only conseillers of the person's structure issue, download, revoke or
// print; another structure's conseiller gets 404, référent and
// coordinateur the 403 page, anonymous the sign-in page; nothing changes.
func TestAttestationAccess(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t, testkit.ConseillerB, testkit.ReferentA, testkit.Coordinateur)
	issued := a.issueForSeance(t)
	seance := "/espace/seances/" + testkit.ID(testkit.SeancePubliqueA)
	benef := url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA)}}
	routes := []struct {
		method, path string
		form         url.Values
		ok           int
	}{
		{http.MethodPost, "/espace/beneficiaires/" + testkit.ID(testkit.BeneficiaireA) + "/attestations",
			url.Values{"type": {"seance"}, "seance": {testkit.ID(testkit.SeancePubliqueA)}}, http.StatusSeeOther},
		{http.MethodGet, "/espace/attestations/" + issued.Id + "/pdf", nil, http.StatusOK},
		{http.MethodPost, seance + "/attestation", benef, http.StatusSeeOther},
		{http.MethodPost, seance + "/attestations", url.Values{}, http.StatusSeeOther},
		{http.MethodGet, seance + "/attestations.pdf", nil, http.StatusOK},
		{http.MethodGet, seance + "/emargement.pdf", nil, http.StatusOK},
		{http.MethodPost, "/espace/attestations/" + issued.Id + "/revoquer", url.Values{"motif": {"Erreur de saisie"}}, http.StatusSeeOther},
	}
	denied := map[string]int{testkit.ConseillerB: http.StatusNotFound, testkit.ReferentA: http.StatusForbidden,
		testkit.Coordinateur: http.StatusForbidden, anonymous: http.StatusSeeOther}
	for _, route := range routes {
		for role, status := range denied {
			before := a.count("attestations")
			headers := map[string]string{"Origin": origin}
			if role != anonymous {
				headers["Cookie"] = a.cookies[role]
			}
			rec := a.do(route.method, route.path, route.form, headers)
			if rec.Code != status {
				t.Errorf("%s %s as %s: %d, want %d", route.method, route.path, role, rec.Code, status)
			}
			if role == anonymous && !strings.HasPrefix(rec.Header().Get("Location"), "/connexion") {
				t.Errorf("%s %s anonymous: sent to %q", route.method, route.path, rec.Header().Get("Location"))
			}
			if strings.Contains(rec.Body.String(), "%PDF") || strings.Contains(rec.Body.String(), testkit.NomBeneficiaireA) {
				t.Errorf("%s %s as %s: the document or a name leaked", route.method, route.path, role)
			}
			if a.count("attestations") != before {
				t.Errorf("%s %s as %s created an attestation", route.method, route.path, role)
			}
		}
	}
	if !mustFindID(t, a.app, "attestations", issued.Id).GetDateTime("revoquee_le").IsZero() {
		t.Fatal("an attestation was revoked by someone not allowed")
	}
	for _, route := range routes {
		if rec := a.do(route.method, route.path, route.form, map[string]string{"Origin": origin, "Cookie": a.cookies[testkit.ConseillerA]}); rec.Code != route.ok {
			t.Errorf("%s %s as conseiller A: %d, want %d\n%.300s", route.method, route.path, rec.Code, route.ok, rec.Body.String())
		}
	}
	// The stored file is protected on the REST API too.
	if rec := a.get("/api/files/attestations/" + issued.Id + "/" + issued.GetString("pdf")); rec.Code == http.StatusOK {
		t.Error("the PDF is served to anonymous visitors by the files API")
	}
}

// The session page offers the sign-in sheet before the workshop and the
// attestations after it, to conseillers only.
func TestSessionPageDocuments(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t, testkit.ReferentA)
	page := "/espace/seances/" + testkit.ID(testkit.SeancePubliqueA)
	expectBody(t, a.getAs(a.cookies[testkit.ConseillerA], page), http.StatusOK, []string{"Documents à imprimer",
		"/emargement.pdf", "Attestations de tous les présents (PDF)", `name="beneficiaire" value="` + testkit.ID(testkit.BeneficiaireA)}, nil)
	expectBody(t, a.getAs(a.cookies[testkit.ReferentA], page), http.StatusOK, nil, []string{"Documents à imprimer", "emargement.pdf"})
	// Before the workshop: the sheet, not the attestations.
	future := "/espace/seances/" + testkit.ID(testkit.SeancePriveeA)
	expectBody(t, a.getAs(a.cookies[testkit.ConseillerA], future), http.StatusOK, []string{"Feuille d'émargement (PDF)",
		"Après la séance, vous pourrez délivrer"}, []string{"Attestations de tous les présents"})
	before := a.count("attestations")
	expectBody(t, a.postAs(a.cookies[testkit.ConseillerA], future+"/attestations", url.Values{}), http.StatusConflict,
		[]string{"pas encore eu lieu"}, nil)
	expectBody(t, a.postAs(a.cookies[testkit.ConseillerA], future+"/attestation", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA)}}),
		http.StatusConflict, []string{"pas encore eu lieu"}, nil)
	// Someone not present, or of another structure, by form field.
	for _, who := range []string{testkit.BeneficiaireA2, testkit.BeneficiaireB, "inconnu"} {
		expectBody(t, a.postAs(a.cookies[testkit.ConseillerA], page+"/attestation", url.Values{"beneficiaire": {testkit.ID(who)}}),
			http.StatusConflict, []string{"pas notée présente"}, []string{testkit.NomBeneficiaireB})
	}
	if a.count("attestations") != before {
		t.Error("a refused request created an attestation")
	}
}

// One present person's attestation from the session page, then everyone's
// in one PDF: the person who had one keeps the same code.
func TestSessionAttestationsInBulk(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t)
	page := "/espace/seances/" + testkit.ID(testkit.SeancePubliqueA)
	names := []string{"Zoé D’Artagnan", "Éloïse Lefèvre-Müller", "Noël Œuvray"}
	for _, n := range names {
		prenom, nom, _ := strings.Cut(n, " ")
		present(t, a.app, testkit.ID(testkit.SeancePubliqueA), newPerson(t, a.app, testkit.StructureA, prenom, nom, "").Id)
	}
	// An absent person gets no attestation.
	newInscription(t, a.app, testkit.SeancePubliqueA, newPerson(t, a.app, testkit.StructureA, "Paul", "Absent", ""), "absent", 0)
	rec := a.postAs(a.cookies[testkit.ConseillerA], page+"/attestation", url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireA)}})
	location := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(location, "/espace/attestations/") {
		t.Fatalf("one attestation: %d %q\n%s", rec.Code, location, rec.Body.String())
	}
	single := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], location), "attachment")
	code := codePattern.FindString(pdftest.Text(t, single))

	before := a.count("attestations")
	rec = a.postAs(a.cookies[testkit.ConseillerA], page+"/attestations", url.Values{})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != page+"/attestations.pdf" {
		t.Fatalf("bulk: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	if got := a.count("attestations"); got != before+3 {
		t.Errorf("%d attestations created, want 3 (Camille had hers, Paul was absent)", got-before)
	}
	bulk := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], page+"/attestations.pdf"), "attachment")
	if n := pdftest.Pages(t, bulk); n != 4 {
		t.Errorf("%d pages, want one per present person (4)", n)
	}
	text := expectPDFText(t, bulk, append(names, "Camille "+testkit.NomBeneficiaireA, code), []string{"Paul Absent"})
	if codes := codePattern.FindAllString(text, -1); len(codes) < 8 {
		t.Errorf("codes in the bulk PDF: %v", codes)
	}
	again := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], page+"/attestations.pdf"), "attachment")
	if !bytes.Equal(bulk, again) {
		t.Error("the bulk PDF differs from one download to the next")
	}
	// Issuing again changes nothing.
	a.postAs(a.cookies[testkit.ConseillerA], page+"/attestations", url.Values{})
	if got := a.count("attestations"); got != before+3 {
		t.Errorf("a second bulk issue created %d more", got-before-3)
	}
}

// The sign-in sheet lists people with a place (not the waiting list), in
// the structure's time zone, before the workshop.
func TestFeuilleEmargementOverHTTP(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerB)
	newInscription(t, s.app, testkit.SeancePubliqueB, newPerson(t, s.app, testkit.StructureB, "Jean", "Enattente", ""), "liste_attente", 1)
	pdf := pdfOf(t, s.getAs(cookie, "/espace/seances/"+testkit.ID(testkit.SeancePubliqueB)+"/emargement.pdf"), "inline")
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueB)
	reunion, _ := time.LoadLocation("Indian/Reunion")
	debut := seance.GetDateTime("debut").Time().In(reunion)
	if pdftest.Pages(t, pdf) != 1 {
		t.Error("one registered person takes more than a page")
	}
	expectPDFText(t, pdf, []string{"Feuille d'émargement", "France Services Bêta", "Salle Bêta, Saint-Denis",
		frDate(debut), fmt.Sprintf("de %d h à %d h", debut.Hour(), debut.Hour()+2), "Animation : Prénom conseillera Nom conseillera",
		testkit.NomBeneficiaireB + " Camille", "1 personne inscrite", "Nom et prénom", "Signature", "Page 1 sur 1"},
		[]string{"Enattente"})
}

func TestRevokeAttestation(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t)
	r := a.issueForSeance(t)
	code := r.GetString("code")
	path := "/espace/attestations/" + r.Id + "/revoquer"
	expectBody(t, a.postAs(a.cookies[testkit.ConseillerA], path, url.Values{"motif": {"  "}}), http.StatusUnprocessableEntity,
		[]string{"Indiquez pourquoi", `id="motif-` + r.Id + `"`, "<details class=\"bloc\" open>"}, nil)
	expectBody(t, a.postAs(a.cookies[testkit.ConseillerA], path, url.Values{"motif": {strings.Repeat("é", 501)}}),
		http.StatusUnprocessableEntity, []string{"Ce motif est trop long", strings.Repeat("é", 501)}, nil)
	if !mustFindID(t, a.app, "attestations", r.Id).GetDateTime("revoquee_le").IsZero() {
		t.Fatal("revoked without a reason")
	}
	expectBody(t, a.get("/verifier/"+code), http.StatusOK, []string{"Cette attestation est authentique"}, nil)
	rec := a.postAs(a.cookies[testkit.ConseillerA], path, url.Values{"motif": {"Présence notée par erreur"}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "est révoquée") {
		t.Fatalf("revoke: %d %q", rec.Code, followFlash(rec))
	}
	stored := mustFindID(t, a.app, "attestations", r.Id)
	if stored.GetDateTime("revoquee_le").IsZero() || stored.GetString("motif_revocation") != "Présence notée par erreur" {
		t.Error("revocation not stored")
	}
	expectBody(t, a.get("/verifier/"+code), http.StatusGone, []string{"Cette attestation a été annulée", "Médiathèque Alpha"},
		[]string{"Atelier propre à Alpha", "authentique"})
	expectBody(t, a.getAs(a.cookies[testkit.ConseillerA], "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)), http.StatusOK,
		[]string{"Révoquée le", "Présence notée par erreur"}, nil)
	if msg := followFlash(a.postAs(a.cookies[testkit.ConseillerA], path, url.Values{"motif": {"encore"}})); !strings.Contains(msg, "déjà révoquée") {
		t.Errorf("second revocation: %q", msg)
	}
	// A new attestation can then be issued, with a new code.
	if again := a.issueForSeance(t); again.GetString("code") == code {
		t.Error("the revoked attestation was given back")
	}
}

// The public verification shows initials, structure, workshops and dates:
// never the name, the phone or anything else of the person.
func TestVerificationPage(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t)
	r := a.issueForSeance(t)
	code := r.GetString("code")
	paris, _ := time.LoadLocation("Europe/Paris")
	expectBody(t, a.get("/verifier/"+code), http.StatusOK, []string{"Cette attestation est authentique", "C. F. (initiales)",
		"Médiathèque Alpha", "Atelier propre à Alpha", frDate(a.start.In(paris)), "2" + nbsp + "h"},
		append(secretsOfFixture, "Prénom conseillera", "Nom conseillera"))
	// Typed by hand: lower case, without dashes, through the form.
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	rec := a.get("/verifier?code=" + url.QueryEscape(" "+typed+" "))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/verifier/"+code {
		t.Errorf("form: %d %q", rec.Code, rec.Header().Get("Location"))
	}
	expectBody(t, a.get("/verifier"), http.StatusOK, []string{`<form method="get" action="/verifier"`, `name="code"`}, nil)
	expectBody(t, a.get("/verifier?code="), http.StatusUnprocessableEntity, []string{"Saisissez le code"}, nil)
	expectBody(t, a.get("/verifier?code="+url.QueryEscape("<script>x</script>")), http.StatusUnprocessableEntity,
		[]string{"pas la forme", "&lt;script&gt;"}, []string{"<script>x"})
	// Unknown and malformed codes: 404, nothing echoed but a clean code.
	expectBody(t, a.get("/verifier/ATL-2222-3333-4444"), http.StatusNotFound, []string{"Aucune attestation ne correspond à ce code (ATL-2222-3333-4444)"}, nil)
	for _, bad := range []string{"%3Cscript%3E", strings.Repeat("A", 40), "ATL_2222", "..%2F..%2Fetc"} {
		expectBody(t, a.get("/verifier/"+bad), http.StatusNotFound, []string{"Aucune attestation ne correspond à ce code."},
			[]string{"<script>", strings.Repeat("A", 40)})
	}
	// The page is not kept by caches (a code is a secret of its holder).
	if cc := a.get("/verifier/" + code).Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
}

// The verification is rate-limited per address (rule "/verifier/" of the
// migrations, 30 a minute), with the French page.
func TestVerificationIsRateLimited(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	var last *httptest.ResponseRecorder
	for i := range 31 {
		last = s.get(fmt.Sprintf("/verifier/ATL-2222-3333-%04d", i))
		if i < 30 && last.Code != http.StatusNotFound {
			t.Fatalf("request %d: %d", i+1, last.Code)
		}
	}
	expectBody(t, last, http.StatusTooManyRequests, []string{`<html lang="fr">`, "Trop de demandes"}, nil)
}

// La Réunion: a conseiller of B issues an attestation whose times are in
// the structure's zone.
func TestAttestationInTheStructureTimeZone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	start := attended(t, s, testkit.SeancePubliqueB, testkit.BeneficiaireB, 2)
	cookie := s.signIn(testkit.ConseillerB)
	rec := s.postAs(cookie, "/espace/seances/"+testkit.ID(testkit.SeancePubliqueB)+"/attestation",
		url.Values{"beneficiaire": {testkit.ID(testkit.BeneficiaireB)}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("issue: %d\n%s", rec.Code, rec.Body.String())
	}
	pdf := pdfOf(t, s.getAs(cookie, rec.Header().Get("Location")), "attachment")
	local := start.In(time.FixedZone("Réunion", 4*3600))
	expectPDFText(t, pdf, []string{"France Services Bêta", "Camille " + testkit.NomBeneficiaireB, frDate(local),
		fmt.Sprintf("de %d h à %d h", local.Hour(), local.Hour()+2), "Fait à Saint-Denis"}, nil)
}

// The attestation states the workshop's nature, objectives and the time
// attended, as a training attestation does for a job-seeker's file; these
// are kept with it, so a later edit of the workshop does not change it.
func TestAttestationStatesObjectivesNatureAndDuration(t *testing.T) {
	t.Parallel()
	a := newAttestationSite(t)
	seance, err := a.app.FindRecordById("seances", testkit.ID(testkit.SeancePubliqueA))
	if err != nil {
		t.Fatal(err)
	}
	setFields(t, a.app, "ateliers", seance.GetString("atelier"), map[string]any{"niveau": "debutant",
		"objectifs": "Créer son espace sur impots.gouv. Déclarer ses revenus en ligne."})
	r := a.issueForSeance(t)
	pdf := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], "/espace/attestations/"+r.Id+"/pdf"), "attachment")
	expectPDFText(t, pdf, []string{"Objectifs, nature et durée de l'action",
		"Nature : Atelier collectif de médiation numérique, niveau débutant",
		"• Créer son espace sur impots.gouv.", "• Déclarer ses revenus en ligne.",
		"Durée suivie : 2 h.", "Évaluation des acquis : aucune évaluation n'a été faite."}, nil)

	setFields(t, a.app, "ateliers", seance.GetString("atelier"), map[string]any{"objectifs": "Autre chose."})
	again := pdfOf(t, a.getAs(a.cookies[testkit.ConseillerA], "/espace/attestations/"+r.Id+"/pdf"), "attachment")
	if !bytes.Equal(pdf, again) {
		t.Error("editing the workshop changed an issued attestation")
	}
}
