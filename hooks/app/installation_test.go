package app_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	atelier "atelier/hooks/app"
	"atelier/hooks/e2e"
	"atelier/hooks/envois"
	"atelier/hooks/installation"
	"atelier/hooks/lib/caviardage"
	"atelier/hooks/testkit"
)

// The first start without /_/: an instance with no staff account opens
// /installation with the token serve printed, once.

// newInstallSite is a fresh instance: migrations applied, no staff
// account, an installation token drawn as serve does.
func newInstallSite(t *testing.T) (*site, string) {
	t.Helper()
	app := testkit.EmptyApp(t)
	atelier.Register(app, os.DirFS("../../pb_public"))
	token, err := installation.NewToken(app)
	if err != nil {
		t.Fatal(err)
	}
	return &site{t: t, app: app, handler: testkit.Handler(t, app)}, token
}

const installPassword = "une phrase à retenir"

// installForm is a complete, valid form; the e-mail server is catcher's
// when given, an address that refuses connections otherwise.
func installForm(token string, catcher *e2e.MailCatcher) url.Values {
	port := "1"
	if catcher != nil {
		port = strconv.Itoa(catcher.Port)
	}
	return url.Values{"jeton": {token}, "action": {"installer"},
		"instance_nom": {"Ateliers numériques de Poitiers"}, "instance_url": {"https://ateliers.poitiers.example/"},
		"structure_nom": {"Médiathèque François-Mitterrand"}, "structure_adresse": {"4 rue de l'Université"},
		"structure_code_postal": {"86 000"}, "structure_commune": {"Poitiers"}, "siret": {"218 601 942 00012"},
		"fuseau": {"Europe/Paris"}, "prenom": {"Camille"}, "nom": {"Durand"}, "email": {"Camille.Durand@poitiers.example"},
		"nouveau_mot_de_passe": {installPassword}, "confirmation": {installPassword},
		"smtp_hote": {"127.0.0.1"}, "smtp_port": {port}, "smtp_utilisateur": {""}, "smtp_mot_de_passe": {""},
		"smtp_expediteur": {"ne-pas-repondre@poitiers.example"}, "sms_fournisseur": {""}}
}

func installFormWith(form url.Values, pairs ...string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = append([]string(nil), v...)
	}
	for i := 0; i+1 < len(pairs); i += 2 {
		out.Set(pairs[i], pairs[i+1])
	}
	return out
}

// installPost sends the form as a browser does from the page, which sends
// no referrer (« Origin: null »).
func (s *site) installPost(form url.Values) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.do(http.MethodPost, installation.Path, form, map[string]string{"Origin": "null"})
}

// instanceState is what an installation writes, to check that a refused
// form wrote nothing.
func instanceState(t *testing.T, s *site) string {
	t.Helper()
	p, err := envois.Parametres(s.app)
	if err != nil {
		t.Fatal(err)
	}
	st := s.app.Settings()
	return strings.Join([]string{strconv.Itoa(s.count("structures")), strconv.Itoa(s.count("utilisateurs")),
		strconv.Itoa(s.count("journal")), st.Meta.AppName, st.Meta.AppURL, st.SMTP.Host, strconv.FormatBool(st.SMTP.Enabled),
		p.GetString("sms_fournisseur"), p.GetString("installation_jeton")}, "|")
}

func TestInstallationLinkOpensOnlyAFreshInstanceWithItsToken(t *testing.T) {
	t.Parallel()
	s, token := newInstallSite(t)
	page := s.get(installation.Link("", token))
	expectBody(t, page, http.StatusOK, []string{"<h1>Installation d'Atelier</h1>", `name="jeton" value="` + token + `"`,
		`name="instance_url"`, `name="siret"`, `<option value="Indian/Reunion">La Réunion</option>`,
		`<option value="Europe/Paris" selected>France métropolitaine</option>`, `name="nouveau_mot_de_passe"`, `name="instance_url" type="url" value=""`,
		`<input id="smtp_hote" name="smtp_hote" type="text" value="" required`, `value="587"`, `value="essai"`, `name="sms_fournisseur"`, "Terminer l'installation"}, []string{"smtp.example.com", "(enregistré)"})
	expectPrivateLinkPage(t, page)

	for name, path := range map[string]string{
		"no token":    installation.Path,
		"empty token": installation.Path + "?jeton=",
		"wrong token": installation.Link("", token[:len(token)-1]+"X"),
		"other path":  installation.Path + "/" + token,
	} {
		if rec := s.get(path); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Page introuvable") {
			t.Errorf("%s: %d", name, rec.Code)
		}
	}
	before := instanceState(t, s)
	expectBody(t, s.installPost(installForm("pas-le-jeton", nil)), http.StatusNotFound, []string{"Page introuvable"}, nil)
	if after := instanceState(t, s); after != before {
		t.Errorf("a wrong token changed the instance: %s → %s", before, after)
	}
	// A new link (atelier installation lien) replaces the one printed.
	again, err := installation.NewToken(s.app)
	if err != nil {
		t.Fatal(err)
	}
	expectBody(t, s.get(installation.Link("", token)), http.StatusNotFound, nil, nil)
	expectBody(t, s.get(installation.Link("", again)), http.StatusOK, nil, nil)
	// Only the token's fingerprint is kept.
	if stored := instanceState(t, s); strings.Contains(stored, again) {
		t.Error("the token is stored as it is")
	}
	// The request log masks it (a failed request is logged; a successful one is not).
	if masked := caviardage.URL(installation.Link("", again)); strings.Contains(masked, again) {
		t.Errorf("logged as %s", masked)
	}
}

func TestInstallationNeverOpensOnAnInstanceWithStaff(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	if _, err := installation.NewToken(s.app); !errors.Is(err, installation.ErrTerminee) {
		t.Fatalf("a token was drawn on an instance with staff: %v", err)
	}
	// Even a token stored before (a copy, a bug): staff exist, the page is gone.
	const token = "JETONDAVANTLESCOMPTES00000"
	sum := sha256.Sum256([]byte(token))
	setFields(t, s.app, "parametres", "parametres00000", map[string]any{"installation_jeton": hex.EncodeToString(sum[:])})
	for _, c := range []struct{ who, cookie string }{
		{"anonyme", ""},
		{"conseiller", s.signIn(testkit.ConseillerA)},
		{"référent", s.signIn(testkit.ReferentA)},
		{"coordinateur", s.signIn(testkit.Coordinateur)},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA)},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA)},
	} {
		if rec := s.getAs(c.cookie, installation.Link("", token)); rec.Code != http.StatusNotFound {
			t.Errorf("%s: GET %d", c.who, rec.Code)
		}
		rec := s.do(http.MethodPost, installation.Path, installForm(token, nil), map[string]string{"Cookie": c.cookie, "Origin": origin})
		if rec.Code != http.StatusNotFound {
			t.Errorf("%s: POST %d", c.who, rec.Code)
		}
	}
	if n := s.count("structures"); n != 3 {
		t.Errorf("%d structures", n)
	}
}

func TestInstallationRefusesBadInputNextToTheFieldAndWritesNothing(t *testing.T) {
	t.Parallel()
	s, token := newInstallSite(t)
	before := instanceState(t, s)
	for _, c := range []struct {
		name  string
		form  url.Values
		field string
		want  string
	}{
		{"SIRET with a wrong key", installFormWith(installForm(token, nil), "siret", "21860194200019"), "siret",
			"Ce SIRET n&#39;existe pas : un chiffre est faux ou deux sont inversés."},
		{"address without https://", installFormWith(installForm(token, nil), "instance_url", "ateliers.poitiers.example"), "instance_url",
			"Une adresse complète, qui commence par https://"},
		{"address with a path", installFormWith(installForm(token, nil), "instance_url", "https://mairie.example/ateliers"), "instance_url",
			"L&#39;adresse du site seule"},
		{"short password", installFormWith(installForm(token, nil), "nouveau_mot_de_passe", "court", "confirmation", "court"), "nouveau_mot_de_passe",
			"Le mot de passe est trop court : 8 caractères au moins."},
		{"passwords differ", installFormWith(installForm(token, nil), "confirmation", "une autre phrase"), "confirmation",
			"Les deux mots de passe sont différents."},
		{"no structure", installFormWith(installForm(token, nil), "structure_nom", ""), "structure_nom", "Indiquez le nom de la structure."},
		{"zone outside the list", installFormWith(installForm(token, nil), "fuseau", "Europe/Berlin"), "fuseau", "Choisissez le fuseau horaire dans la liste."},
		{"no e-mail server", installFormWith(installForm(token, nil), "smtp_hote", ""), "smtp_hote", "Indiquez le serveur d&#39;envoi"},
		{"port", installFormWith(installForm(token, nil), "smtp_port", "smtp"), "smtp_port", "Un numéro de port"},
		// checked inside the transaction, after the structure and the account were made: rolled back
		{"SMS provider without its key", installFormWith(installForm(token, nil), "sms_fournisseur", "brevo", "sms_expediteur", "Mediatheque"),
			"sms_brevo_cle", "Collez la clé d&#39;API de Brevo."},
	} {
		rec := s.installPost(c.form)
		expectBody(t, rec, http.StatusUnprocessableEntity, []string{"<title>Erreur : ", `id="erreur-` + c.field + `"`, c.want,
			`value="Poitiers"`, `value="Camille.Durand@poitiers.example"`, `name="jeton" value="` + token + `"`},
			[]string{installPassword, `value="court"`})
		if after := instanceState(t, s); after != before {
			t.Errorf("%s: the refused form wrote %s → %s", c.name, before, after)
		}
	}
	// The page still works after refusals.
	expectBody(t, s.get(installation.Link("", token)), http.StatusOK, nil, nil)
}

func TestInstallationTestEmailGoesThroughTheTypedServer(t *testing.T) {
	t.Parallel()
	s, token := newInstallSite(t)
	catcher, err := e2e.StartMailCatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })

	// Nothing answers: a French message, nothing saved, the values kept.
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedPort := strconv.Itoa(closed.Addr().(*net.TCPAddr).Port)
	closed.Close()
	before := instanceState(t, s)
	rec := s.installPost(installFormWith(installForm(token, nil), "action", "essai", "smtp_port", closedPort, "smtp_mot_de_passe", "secret-du-relais"))
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"L'e-mail d'essai n'est pas parti.",
		"Aucun serveur d&#39;envoi ne répond à cette adresse et ce port.", `value="` + closedPort + `"`, `value="Médiathèque François-Mitterrand"`},
		[]string{"secret-du-relais", "(enregistré)"})
	if after := instanceState(t, s); after != before {
		t.Errorf("a failed test e-mail wrote %s → %s", before, after)
	}
	// A bad address for the test: next to the coordinateur's e-mail field.
	expectBody(t, s.installPost(installFormWith(installForm(token, catcher), "action", "essai", "email", "")), http.StatusUnprocessableEntity,
		[]string{`id="erreur-email"`, "l&#39;e-mail d&#39;essai y sera envoyé"}, nil)

	// The typed server receives it; the server's settings are kept, the
	// password never shown back.
	rec = s.installPost(installFormWith(installForm(token, catcher), "action", "essai", "smtp_utilisateur", "relais", "smtp_mot_de_passe", "secret-du-relais"))
	expectBody(t, rec, http.StatusOK, []string{"E-mail d'essai envoyé à camille.durand@poitiers.example",
		"Mot de passe du serveur <span class=\"statut\">(enregistré)</span>", `value="relais"`, `value="Camille"`},
		[]string{"secret-du-relais"})
	mail, ok := catcher.WaitFor(5*time.Second, func(m e2e.Mail) bool { return strings.HasPrefix(m.Subject, "E-mail d'essai") })
	if !ok {
		t.Fatalf("no test e-mail reached the SMTP server: %+v", catcher.Messages())
	}
	if len(mail.To) != 1 || mail.To[0] != "camille.durand@poitiers.example" || !strings.Contains(mail.From, "ne-pas-repondre@poitiers.example") ||
		!strings.Contains(mail.Text, "les e-mails partent bien") || !strings.Contains(mail.HTML, `lang="fr"`) ||
		mail.AuthUser != "relais" || mail.AuthPassword != "secret-du-relais" {
		t.Errorf("test e-mail: %+v", mail)
	}
	smtp := s.app.Settings().SMTP
	if !smtp.Enabled || smtp.Host != "127.0.0.1" || smtp.Port != catcher.Port || smtp.Username != "relais" || smtp.Password != "secret-du-relais" {
		t.Errorf("e-mail server settings after the test: %+v", smtp)
	}
	if s.count("utilisateurs") != 0 || s.count("structures") != 0 {
		t.Error("the test e-mail made the instance")
	}
	// Sent with the password left empty: the saved one is used.
	if rec := s.installPost(installFormWith(installForm(token, catcher), "action", "essai", "smtp_utilisateur", "relais")); rec.Code != http.StatusOK {
		t.Errorf("second test with the saved password: %d\n%s", rec.Code, rec.Body.String())
	}
	if got := catcher.Messages(); len(got) != 2 || got[1].AuthPassword != "secret-du-relais" {
		t.Errorf("the second test e-mail did not use the saved password: %+v", got)
	}
}

func TestInstallationMakesAWorkingInstanceThenCloses(t *testing.T) {
	t.Parallel()
	s, token := newInstallSite(t)
	catcher, err := e2e.StartMailCatcher()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { catcher.Close() })
	form := installFormWith(installForm(token, catcher), "fuseau", "Indian/Reunion", "smtp_mot_de_passe", "secret-du-relais",
		"sms_fournisseur", "http", "sms_http_url", "https://sms.poitiers.example/envoyer", "sms_http_jeton", "jeton-sms")
	rec := s.installPost(form)
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/espace" {
		t.Fatalf("install: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	if flash := followFlash(rec); !strings.Contains(flash, "Atelier est installé") {
		t.Errorf("flash %q", flash)
	}
	var cookie string
	for _, c := range rec.Result().Cookies() {
		if c.Name == "atelier_session" && c.Value != "" {
			cookie = c.Name + "=" + c.Value
		}
	}
	expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, []string{"Espace de Camille (coordinateur)", "Ateliers numériques de Poitiers"}, nil)

	account := mustFindByEmail(t, s.app, "camille.durand@poitiers.example")
	structures, err := s.app.FindAllRecords("structures")
	if err != nil || len(structures) != 1 {
		t.Fatalf("structures: %v %v", structures, err)
	}
	st := structures[0]
	if account.GetString("role") != "coordinateur" || !account.GetBool("actif") || !account.Verified() ||
		!account.ValidatePassword(installPassword) || account.GetString("prenom") != "Camille" {
		t.Errorf("account: %v", account.PublicExport())
	}
	if st.GetString("nom") != "Médiathèque François-Mitterrand" || st.GetString("slug") != "mediatheque-francois-mitterrand" ||
		st.GetString("siret") != "21860194200012" || st.GetString("code_postal") != "86000" || st.GetString("fuseau") != "Indian/Reunion" {
		t.Errorf("structure: %v", st.PublicExport())
	}
	settings := s.app.Settings()
	if settings.Meta.AppName != "Ateliers numériques de Poitiers" || settings.Meta.AppURL != "https://ateliers.poitiers.example" ||
		settings.Meta.SenderAddress != "ne-pas-repondre@poitiers.example" || !settings.SMTP.Enabled || settings.SMTP.Password != "secret-du-relais" ||
		envois.InstanceURL(s.app) != "https://ateliers.poitiers.example" {
		t.Errorf("settings: %+v %+v", settings.Meta, settings.SMTP)
	}
	p, err := envois.Parametres(s.app)
	if err != nil {
		t.Fatal(err)
	}
	if p.GetString("sms_fournisseur") != "http" || p.GetString("sms_http_jeton") != "jeton-sms" || p.GetString("installation_jeton") != "" {
		t.Errorf("parametres: sms %q, token %q", p.GetString("sms_fournisseur"), p.GetString("installation_jeton"))
	}
	// Closed for good: the link, a second form, a new token.
	expectBody(t, s.get(installation.Link("", token)), http.StatusNotFound, []string{"Page introuvable"}, nil)
	expectBody(t, s.getAs(cookie, installation.Link("", token)), http.StatusNotFound, nil, nil)
	expectBody(t, s.installPost(installFormWith(form, "email", "autre@poitiers.example")), http.StatusNotFound, nil, nil)
	if s.count("utilisateurs") != 1 || s.count("structures") != 1 {
		t.Error("a second installation made records")
	}
	if _, err := installation.NewToken(s.app); !errors.Is(err, installation.ErrTerminee) {
		t.Errorf("a new token after the installation: %v", err)
	}
}

// Two forms sent at once (a double click, two tabs) make one coordinateur.
func TestInstallationTwiceAtOnceMakesOneAccount(t *testing.T) {
	t.Parallel()
	s, token := newInstallSite(t)
	var wg sync.WaitGroup
	codes := make([]int, 4)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes[i] = s.installPost(installFormWith(installForm(token, nil), "email", "camille"+strconv.Itoa(i)+"@poitiers.example")).Code
		}()
	}
	wg.Wait()
	made := 0
	for _, c := range codes {
		if c == http.StatusSeeOther {
			made++
		} else if c != http.StatusNotFound {
			t.Errorf("status %d", c)
		}
	}
	if made != 1 || s.count("utilisateurs") != 1 || s.count("structures") != 1 {
		t.Errorf("%d installations answered, %d accounts, %d structures", made, s.count("utilisateurs"), s.count("structures"))
	}
}
