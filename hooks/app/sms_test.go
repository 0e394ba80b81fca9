package app_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/testkit"
)

// SMS: the provider chosen on /espace/sms (or by the environment), each
// structure's monthly budget, delivery reports, and who sees what.

// gateway is a generic SMS gateway: it keeps what it receives and answers
// status with an id.
type gateway struct {
	mu     sync.Mutex
	status int
	got    []map[string]string
	auth   []string
}

func newGateway(t *testing.T) (*gateway, *httptest.Server) {
	t.Helper()
	g := &gateway{status: http.StatusOK}
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body map[string]string
		_ = json.NewDecoder(r.Body).Decode(&body)
		g.mu.Lock()
		defer g.mu.Unlock()
		g.got = append(g.got, body)
		g.auth = append(g.auth, r.Header.Get("Authorization"))
		w.WriteHeader(g.status)
		_, _ = io.WriteString(w, `{"id":"gw-`+body["reference"]+`"}`)
	}))
	t.Cleanup(s.Close)
	return g, s
}

func (g *gateway) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return len(g.got)
}

// useGateway makes the gateway the instance's provider, as a coordinateur
// would in the settings.
func useGateway(t *testing.T, app core.App, s *httptest.Server) {
	t.Helper()
	p := mustRecord(t, app, "parametres", testkit.ID(testkit.Parametres))
	p.Set("sms_fournisseur", "http")
	p.Set("sms_http_url", s.URL+"/envoyer")
	p.Set("sms_http_jeton", "jeton-de-test")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
}

func mustRecord(t *testing.T, app core.App, collection, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatalf("%s %s: %v", collection, id, err)
	}
	return r
}

// sendSMS records and sends one SMS of structure A, as the other messages do.
func sendSMS(t *testing.T, app core.App, text string) (*core.Record, error) {
	t.Helper()
	n := envois.Notification{Structure: testkit.ID(testkit.StructureA), Evenement: "rappel", Cible: testkit.ID(testkit.InscriptionA),
		Destinataire: "+33612345678", Texte: text}
	envoi, err := envois.RecordMessage(app, "sms", n)
	if err != nil {
		t.Fatal(err)
	}
	err = envois.SendSMS(app, envois.SMSOf(app), envoi, n)
	return mustRecord(t, app, "envois", envoi.Id), err
}

func setBudget(t *testing.T, app core.App, budget int, fuseau string) {
	t.Helper()
	s := mustRecord(t, app, "structures", testkit.ID(testkit.StructureA))
	s.Set("sms_budget_mensuel", budget)
	s.Set("fuseau", fuseau)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
}

// The budget is counted in segments in the structure's own month: at
// La Réunion, 00:30 on the 1st is still the previous month in UTC.
func TestSMSBudgetFollowsTheStructuresMonth(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	g, srv := newGateway(t)
	useGateway(t, app, srv)
	setBudget(t, app, 3, "Indian/Reunion")
	reunion, _ := time.LoadLocation("Indian/Reunion")
	local := testkit.Now().In(reunion)
	nextMonth := time.Date(local.Year(), local.Month()+1, 1, 0, 30, 0, 0, reunion)
	clock.Set(app, clock.Shifted(nextMonth.Add(-time.Hour))) // 23:30 on the last day, local time

	long := strings.Repeat("a", 200) // 2 segments
	if e, err := sendSMS(t, app, long); err != nil || e.GetString("statut") != "envoye" || e.GetInt("sms_segments") != 2 {
		t.Fatalf("first SMS: %v %s %d", err, e.GetString("statut"), e.GetInt("sms_segments"))
	}
	if e, err := sendSMS(t, app, "court"); err != nil || e.GetString("statut") != "envoye" {
		t.Fatalf("second SMS: %v", err)
	}
	refused, err := sendSMS(t, app, "de trop")
	if !errors.Is(err, envois.ErrBudgetSMS) {
		t.Fatalf("the SMS past the budget: %v", err)
	}
	if refused.GetString("statut") != "echec" || !strings.Contains(refused.GetString("erreur"), "budget SMS du mois atteint") ||
		refused.GetInt("tentatives") < envois.MaxTentatives || refused.GetInt("sms_segments") != 0 {
		t.Errorf("recorded: %s %q %d tries %d segments", refused.GetString("statut"), refused.GetString("erreur"),
			refused.GetInt("tentatives"), refused.GetInt("sms_segments"))
	}
	if g.count() != 2 {
		t.Fatalf("gateway received %d SMS, want 2", g.count())
	}
	usage, err := envois.SMSUsage(app, mustRecord(t, app, "structures", testkit.ID(testkit.StructureA)))
	if err != nil || usage.Segments != 3 || usage.Budget != 3 {
		t.Errorf("usage %+v, %v", usage, err)
	}

	clock.Set(app, clock.Shifted(nextMonth)) // 00:30 on the 1st at La Réunion, 20:30 the day before in UTC
	if e, err := sendSMS(t, app, "nouveau mois"); err != nil || e.GetString("statut") != "envoye" {
		t.Fatalf("next month: %v", err)
	}
	if g.count() != 3 {
		t.Errorf("gateway received %d SMS, want 3", g.count())
	}
}

// Sends at once never take more than the budget.
func TestSMSBudgetHoldsUnderConcurrentSends(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	g, srv := newGateway(t)
	useGateway(t, app, srv)
	setBudget(t, app, 5, "Europe/Paris")
	var wg sync.WaitGroup
	for range 12 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = sendSMS(t, app, "rappel")
		}()
	}
	wg.Wait()
	if g.count() != 5 {
		t.Errorf("gateway received %d SMS, want the budget of 5", g.count())
	}
	var refused int
	if err := app.DB().NewQuery("SELECT count(*) FROM envois WHERE erreur LIKE 'budget SMS%'").Row(&refused); err != nil || refused != 7 {
		t.Errorf("%d refusals recorded, want 7 (%v)", refused, err)
	}
}

// A refusal by the provider (4xx) is final; an outage (5xx) is retried,
// and a retry that goes through counts once.
func TestSMSProviderFailuresAndRetry(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	g, srv := newGateway(t)
	useGateway(t, app, srv)
	setBudget(t, app, 10, "Europe/Paris")

	g.status = http.StatusBadRequest
	bad, err := sendSMS(t, app, "numéro refusé")
	if err == nil || bad.GetString("statut") != "echec" || !strings.Contains(bad.GetString("erreur"), "ne sera pas renvoyé") ||
		bad.GetInt("tentatives") < envois.MaxTentatives {
		t.Fatalf("refusal: %v %q %d", err, bad.GetString("erreur"), bad.GetInt("tentatives"))
	}
	g.status = http.StatusServiceUnavailable
	down, err := sendSMS(t, app, "panne")
	if err == nil || down.GetString("statut") != "echec" || !strings.Contains(down.GetString("erreur"), "renvoyé plus tard") ||
		down.GetInt("tentatives") != 1 || down.GetInt("sms_segments") != 0 {
		t.Fatalf("outage: %v %q %d", err, down.GetString("erreur"), down.GetInt("tentatives"))
	}
	g.status = http.StatusOK
	out, err := envois.RetryMessages(t.Context(), app, envois.SMSOf(app), testkit.Now().Add(time.Hour))
	if err != nil || out.Envoyes != 1 {
		t.Fatalf("retry: %+v %v", out, err)
	}
	down = mustRecord(t, app, "envois", down.Id)
	if down.GetString("statut") != "envoye" || down.GetString("fournisseur_id") != "gw-"+down.Id || down.GetInt("sms_segments") != 1 {
		t.Errorf("after retry: %s id %q segments %d", down.GetString("statut"), down.GetString("fournisseur_id"), down.GetInt("sms_segments"))
	}
	if g.auth[0] != "Bearer jeton-de-test" || g.got[0]["to"] != "+33612345678" {
		t.Errorf("gateway request: %v %v", g.auth[0], g.got[0])
	}
}

func TestSMSNeverGoesToALandline(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	g, srv := newGateway(t)
	useGateway(t, app, srv)
	n := envois.Notification{Structure: testkit.ID(testkit.StructureA), Evenement: "rappel", Destinataire: "+33123456789", Texte: "x"}
	envoi, err := envois.RecordMessage(app, "sms", n)
	if err != nil {
		t.Fatal(err)
	}
	if err := envois.SendSMS(app, envois.SMSOf(app), envoi, n); !errors.Is(err, envois.ErrNotMobile) {
		t.Errorf("landline: %v", err)
	}
	if g.count() != 0 {
		t.Errorf("a landline was texted")
	}
}

func deliveredSMS(t *testing.T, app core.App) *core.Record {
	t.Helper()
	e, err := sendSMS(t, app, "rappel")
	if err != nil {
		t.Fatal(err)
	}
	e.Set("fournisseur_id", "1511882900176220")
	if err := app.Save(e); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestSMSDeliveryReports(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	_, srv := newGateway(t)
	useGateway(t, s.app, srv)
	secret := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)).GetString("sms_retours_secret")
	if len(secret) < 32 {
		t.Fatalf("secret made at install: %q", secret)
	}
	e := deliveredSMS(t, s.app)
	post := func(path, body string) int {
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.handler.ServeHTTP(rec, req)
		return rec.Code
	}
	report := `{"id":1,"to":"33612345678","messageId":1511882900176220,"msg_status":"delivered","ts_event":1796032800}`
	for _, path := range []string{"/sms/retours/brevo/mauvais-secret", "/sms/retours/brevo/", "/sms/retours/autre/" + secret} {
		if code := post(path, report); code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", path, code)
		}
	}
	if got := mustRecord(t, s.app, "envois", e.Id); got.GetString("livraison") == "livre" {
		t.Fatal("a report with a wrong secret changed the message")
	}
	if code := post("/sms/retours/brevo/"+secret, report); code != http.StatusNoContent {
		t.Fatalf("report: %d", code)
	}
	got := mustRecord(t, s.app, "envois", e.Id)
	if got.GetString("livraison") != "livre" || !got.GetDateTime("livraison_le").Time().Equal(time.Unix(1796032800, 0)) {
		t.Errorf("after the report: %q %v", got.GetString("livraison"), got.GetDateTime("livraison_le"))
	}
	// A late « sent » never hides « delivered »; an unknown id is ignored.
	if code := post("/sms/retours/brevo/"+secret, `{"messageId":1511882900176220,"msg_status":"sent"}`); code != http.StatusNoContent {
		t.Errorf("late report: %d", code)
	}
	if code := post("/sms/retours/brevo/"+secret, `{"messageId":42,"msg_status":"hard_bounce"}`); code != http.StatusNoContent {
		t.Errorf("unknown id: %d", code)
	}
	if got := mustRecord(t, s.app, "envois", e.Id); got.GetString("livraison") != "livre" || got.GetString("statut") != "envoye" {
		t.Errorf("after late and unknown reports: %q %q", got.GetString("livraison"), got.GetString("statut"))
	}
	// OVHcloud calls back with a query string; a message not delivered
	// becomes a failure to phone.
	e2 := deliveredSMS(t, s.app)
	e2.Set("fournisseur_id", "264823417")
	if err := s.app.Save(e2); err != nil {
		t.Fatal(err)
	}
	rec := s.get("/sms/retours/ovh/" + secret + "?id=264823417&dlr=2&description=KO&receiver=%2B33612345678&date=1796032800")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("ovh report: %d", rec.Code)
	}
	got = mustRecord(t, s.app, "envois", e2.Id)
	if got.GetString("livraison") != "non_livre" || got.GetString("statut") != "echec" || !strings.Contains(got.GetString("erreur"), "téléphone") {
		t.Errorf("not delivered: %q %q %q", got.GetString("livraison"), got.GetString("statut"), got.GetString("erreur"))
	}
}

// The settings page: coordinateurs set the provider, référents only see
// their structures' budgets, nobody else gets in.
func TestSMSPageAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, c := range []struct {
		who    string
		cookie string
		status int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusForbidden},
		{"référent", s.signIn(testkit.ReferentA), http.StatusOK},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusOK},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
	} {
		if rec := s.getAs(c.cookie, "/espace/sms"); rec.Code != c.status {
			t.Errorf("%s: GET %d, want %d", c.who, rec.Code, c.status)
		}
		if c.who == "coordinateur" {
			continue
		}
		// Only coordinateurs choose the provider.
		want := c.status
		if want == http.StatusOK {
			want = http.StatusForbidden
		}
		rec := s.postAs(c.cookie, "/espace/sms/fournisseur", url.Values{"sms_fournisseur": {"http"},
			"sms_http_url": {"https://pirate.example/sms"}, "sms_http_jeton": {"x"}})
		if rec.Code != want {
			t.Errorf("%s: POST provider %d, want %d", c.who, rec.Code, want)
		}
		if rec := s.postAs(c.cookie, "/espace/sms/essai", url.Values{"numero": {"0612345678"}}); rec.Code != want {
			t.Errorf("%s: POST test SMS %d, want %d", c.who, rec.Code, want)
		}
		if c.status != http.StatusOK {
			if rec := s.postAs(c.cookie, "/espace/sms/budgets", url.Values{"budget-" + testkit.ID(testkit.StructureA): {"1"}}); rec.Code != c.status {
				t.Errorf("%s: POST budgets %d, want %d", c.who, rec.Code, c.status)
			}
		}
	}
	if p := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)); p.GetString("sms_fournisseur") != "" {
		t.Errorf("the provider was changed: %q", p.GetString("sms_fournisseur"))
	}
	if b := mustRecord(t, s.app, "structures", testkit.ID(testkit.StructureA)).GetInt("sms_budget_mensuel"); b == 1 {
		t.Error("the budget was changed by someone without the right")
	}
}

func TestSMSPageBudgetsByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	page := s.getAs(referent, "/espace/sms").Body.String()
	if !strings.Contains(page, "budget-"+testkit.ID(testkit.StructureA)) || strings.Contains(page, "budget-"+testkit.ID(testkit.StructureB)) {
		t.Errorf("the référent of A must see A's budget only")
	}
	if strings.Contains(page, "sms_fournisseur") {
		t.Errorf("the référent sees the provider settings")
	}
	// Another structure's budget: refused, nothing changed.
	if rec := s.postAs(referent, "/espace/sms/budgets", url.Values{"budget-" + testkit.ID(testkit.StructureB): {"7"}}); rec.Code != http.StatusNotFound && rec.Code != http.StatusForbidden {
		t.Errorf("référent sets B's budget: %d", rec.Code)
	}
	if b := mustRecord(t, s.app, "structures", testkit.ID(testkit.StructureB)).GetInt("sms_budget_mensuel"); b == 7 {
		t.Error("B's budget changed")
	}
	rec := s.postAs(referent, "/espace/sms/budgets", url.Values{"budget-" + testkit.ID(testkit.StructureA): {"beaucoup"}})
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"Un nombre entier de SMS par mois", `value="beaucoup"`}, nil)
	rec = s.postAs(referent, "/espace/sms/budgets", url.Values{"budget-" + testkit.ID(testkit.StructureA): {"120"}})
	if rec.Code != http.StatusSeeOther || mustRecord(t, s.app, "structures", testkit.ID(testkit.StructureA)).GetInt("sms_budget_mensuel") != 120 {
		t.Errorf("référent sets A's budget: %d", rec.Code)
	}
	coord := s.signIn(testkit.Coordinateur)
	page = s.getAs(coord, "/espace/sms").Body.String()
	for _, id := range []string{testkit.StructureA, testkit.StructureB} {
		if !strings.Contains(page, "budget-"+testkit.ID(id)) {
			t.Errorf("the coordinateur does not see %s", id)
		}
	}
	rec = s.postAs(coord, "/espace/sms/budgets", url.Values{"budget-" + testkit.ID(testkit.StructureB): {""}})
	if rec.Code != http.StatusSeeOther || mustRecord(t, s.app, "structures", testkit.ID(testkit.StructureB)).GetInt("sms_budget_mensuel") != 0 {
		t.Errorf("coordinateur empties B's budget: %d", rec.Code)
	}
}

const brevoKey = "xkeysib-CleSecreteDeTest0123456789"

// Secrets are typed, kept, never shown back: not in the page, not in the
// REST API for any role.
func TestSMSSecretsNeverShown(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := s.signIn(testkit.Coordinateur)
	// A bad sender name: refused next to the field, what was typed stays,
	// the key typed is not drawn back, nothing saved.
	rec := s.postAs(coord, "/espace/sms/fournisseur", url.Values{"sms_fournisseur": {"brevo"}, "sms_expediteur": {"Médiathèque centrale"},
		"sms_brevo_cle": {brevoKey}})
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"De 3 à 11 lettres ou chiffres", `value="Médiathèque centrale"`}, []string{brevoKey})
	if p := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)); p.GetString("sms_brevo_cle") != "" {
		t.Fatal("a refused form saved the key")
	}
	rec = s.postAs(coord, "/espace/sms/fournisseur", url.Values{"sms_fournisseur": {"brevo"}, "sms_expediteur": {"Atelier"},
		"sms_brevo_cle": {brevoKey}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", rec.Code, rec.Body.String())
	}
	page := s.getAs(coord, "/espace/sms").Body.String()
	if strings.Contains(page, brevoKey) || !strings.Contains(page, "(enregistrée)") {
		t.Errorf("page shows the key, or not that it is stored")
	}
	secret := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)).GetString("sms_retours_secret")
	if strings.Contains(page, secret) {
		t.Errorf("page shows the delivery reports secret")
	}
	// Saving again with the field empty keeps the key; « supprimer » drops it.
	s.postAs(coord, "/espace/sms/fournisseur", url.Values{"sms_fournisseur": {"brevo"}, "sms_expediteur": {"Atelier2"}})
	if p := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)); p.GetString("sms_brevo_cle") != brevoKey || p.GetString("sms_expediteur") != "Atelier2" {
		t.Errorf("empty field: key %q, sender %q", p.GetString("sms_brevo_cle"), p.GetString("sms_expediteur"))
	}
	rec = s.postAs(coord, "/espace/sms/fournisseur", url.Values{"sms_fournisseur": {""}, "supprimer_sms_brevo_cle": {"1"}})
	if p := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)); rec.Code != http.StatusSeeOther || p.GetString("sms_brevo_cle") != "" {
		t.Errorf("supprimer: %d, key %q", rec.Code, p.GetString("sms_brevo_cle"))
	}
	// Put it back and ask the REST API as every role.
	p := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres))
	p.Set("sms_brevo_cle", brevoKey)
	if err := s.app.Save(p); err != nil {
		t.Fatal(err)
	}
	for _, role := range []string{"", testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur, testkit.InactifA, testkit.DeconnecteA} {
		token := ""
		if role != "" {
			token = testkit.Token(t, role)
		}
		for _, path := range []string{"/api/collections/parametres/records", "/api/collections/parametres/records/" + testkit.ID(testkit.Parametres),
			"/api/collections/structures/records", "/api/collections/envois/records"} {
			rec := s.api(http.MethodGet, path, token, nil)
			if body := rec.Body.String(); strings.Contains(body, brevoKey) || strings.Contains(body, secret) || strings.Contains(body, "sms_brevo_cle") {
				t.Errorf("%s %s: %d shows a secret", role, path, rec.Code)
			}
		}
	}
}

// ATELIER_SMS_URL and ATELIER_SMS_TOKEN win over the settings; the page
// says so and changes nothing. Not parallel: it sets the environment.
func TestSMSEnvironmentWins(t *testing.T) {
	g, srv := newGateway(t)
	t.Setenv(envois.EnvSMSURL, srv.URL+"/env")
	t.Setenv(envois.EnvSMSToken, "jeton-env")
	s := newSite(t)
	coord := s.signIn(testkit.Coordinateur)
	expectBody(t, s.getAs(coord, "/espace/sms"), http.StatusOK, []string{"configuré par l'environnement du serveur", "<fieldset disabled>"}, []string{"jeton-env"})
	rec := s.postAs(coord, "/espace/sms/fournisseur", url.Values{"sms_fournisseur": {"brevo"}, "sms_expediteur": {"Atelier"}, "sms_brevo_cle": {"k"}})
	expectBody(t, rec, http.StatusUnprocessableEntity, []string{"configuré par l'environnement du serveur"}, nil)
	if p := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)); p.GetString("sms_fournisseur") != "" {
		t.Errorf("saved under the environment: %q", p.GetString("sms_fournisseur"))
	}
	rec = s.postAs(coord, "/espace/sms/essai", url.Values{"numero": {"06 12 34 56 78"}})
	if flash := followFlash(rec); !strings.Contains(flash, "SMS d'essai envoyé au 06 12 34 56 78") {
		t.Errorf("flash %q", flash)
	}
	if g.count() != 1 || g.auth[0] != "Bearer jeton-env" || g.got[0]["to"] != "+33612345678" {
		t.Errorf("gateway: %d %v %v", g.count(), g.auth, g.got)
	}
	rec = s.postAs(coord, "/espace/sms/essai", url.Values{"numero": {"01 23 45 67 89"}})
	if flash := followFlash(rec); !strings.Contains(flash, "tapez un numéro de portable") || g.count() != 1 {
		t.Errorf("landline test number: %q, %d sent", flash, g.count())
	}
}

// The provider is built again when the settings change.
func TestSMSProviderFollowsTheSettings(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	if _, none := envois.SMSOf(app).(envois.NoSMS); !none {
		t.Fatal("a provider without settings")
	}
	g, srv := newGateway(t)
	useGateway(t, app, srv)
	if _, err := sendSMS(t, app, "bonjour"); err != nil || g.count() != 1 {
		t.Fatalf("after choosing the gateway: %v, %d", err, g.count())
	}
	p := mustRecord(t, app, "parametres", testkit.ID(testkit.Parametres))
	p.Set("sms_fournisseur", "")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	if _, none := envois.SMSOf(app).(envois.NoSMS); !none {
		t.Error("the provider stays after it was removed")
	}
}

// Staff see what the provider reported where they see a person's messages.
func TestSMSDeliveryShownInThePersonsMessages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	_, srv := newGateway(t)
	useGateway(t, s.app, srv)
	e, err := sendSMS(t, s.app, "rappel")
	if err != nil {
		t.Fatal(err)
	}
	cookie := s.signIn(testkit.ConseillerA)
	path := benefPath(testkit.ID(testkit.BeneficiaireA), "/donnees")
	expectBody(t, s.getAs(cookie, path), http.StatusOK, []string{"en route vers le téléphone"}, nil)
	secret := mustRecord(t, s.app, "parametres", testkit.ID(testkit.Parametres)).GetString("sms_retours_secret")
	rec := s.get("/sms/retours/ovh/" + secret + "?id=" + e.GetString("fournisseur_id") + "&dlr=1")
	if rec.Code != http.StatusNoContent {
		t.Fatalf("report: %d", rec.Code)
	}
	expectBody(t, s.getAs(cookie, path), http.StatusOK, []string{"reçu sur le téléphone le "}, []string{"en route vers le téléphone"})
}

// Providers post reports in bursts; a guesser of secrets gets few tries.
func TestSMSDeliveryReportsAreRateLimited(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	limits := app.Settings().RateLimits
	for _, r := range limits.Rules {
		if r.Label == "/sms/retours/" {
			if !limits.Enabled || r.MaxRequests != 300 || r.Duration != 60 || r.Audience != "" {
				t.Errorf("rule %+v, enabled %v", r, limits.Enabled)
			}
			return
		}
	}
	t.Error("no rate limit on /sms/retours/")
}

func TestNewStructuresGetTheDefaultSMSBudget(t *testing.T) {
	t.Parallel()
	app := appWithHooks(t)
	c, err := app.FindCollectionByNameOrId("structures")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Load(map[string]any{"nom": "Nouvelle", "slug": "nouvelle", "fuseau": "Europe/Paris"})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if got := mustRecord(t, app, "structures", r.Id).GetInt("sms_budget_mensuel"); got != envois.DefaultBudgetSMS {
		t.Errorf("budget %d, want %d", got, envois.DefaultBudgetSMS)
	}
}
