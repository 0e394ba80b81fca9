package app_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"
	"github.com/pocketbase/pocketbase/tools/security"

	"atelier/hooks/testkit"
)

// Staff choose a new password, confirm a new address and check their
// address on Atelier's own pages, from links of French e-mails; « Mon
// compte » changes the password and the address of the signed-in account.

var mailLink = regexp.MustCompile(`href="([^"]+)"`)

// linkOfLastMail is the path of the link of the last e-mail sent, which
// must open an Atelier page from the Application URL.
func (s *site) linkOfLastMail(to, page string) string {
	s.t.Helper()
	msg := s.app.TestMailer.LastMessage()
	if len(msg.To) != 1 || msg.To[0].Address != to {
		s.t.Fatalf("no e-mail to %s: %+v", to, msg)
	}
	m := mailLink.FindStringSubmatch(msg.HTML)
	if m == nil {
		s.t.Fatalf("no link in the e-mail: %s", msg.HTML)
	}
	link, ok := strings.CutPrefix(m[1], testkit.AppURL+page)
	if !ok || strings.Contains(msg.HTML, "/_/") || link == "" {
		s.t.Fatalf("the link %q does not open %s: %s", m[1], testkit.AppURL+page, msg.HTML)
	}
	return page + link
}

// linkPost submits the form of a page opened from an e-mail: with no
// referrer, a browser sends « Origin: null ».
func (s *site) linkPost(path string, form url.Values) *httptest.ResponseRecorder {
	s.t.Helper()
	return s.do(http.MethodPost, path, form, map[string]string{"Origin": "null"})
}

func expectPrivateLinkPage(t *testing.T, rec *httptest.ResponseRecorder) {
	t.Helper()
	for name, want := range map[string]string{"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"} {
		if got := rec.Header().Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}
}

func accountJournal(t *testing.T, app core.App, account string) int {
	t.Helper()
	var n int
	err := app.DB().NewQuery("SELECT count(*) FROM journal WHERE action = 'compte' AND details LIKE {:d}").
		Bind(dbx.Params{"d": "Compte " + account + " :%"}).Row(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestPasswordResetOnAtelierPages(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	email := testkit.Email(testkit.ConseillerA)
	before := s.signIn(testkit.ConseillerA)
	s.do(http.MethodPost, "/mot-de-passe-oublie", url.Values{"email": {email}}, map[string]string{"Origin": origin})
	if subject := s.app.TestMailer.LastMessage().Subject; !strings.HasPrefix(subject, "Nouveau mot de passe pour") {
		t.Errorf("subject %q", subject)
	}
	link := s.linkOfLastMail(email, "/connexion/nouveau-mot-de-passe/")

	page := s.get(link)
	expectBody(t, page, http.StatusOK, []string{"<h1>Choisir un nouveau mot de passe</h1>", `autocomplete="new-password"`, "8 caractères au moins"}, nil)
	expectPrivateLinkPage(t, page)

	// Bad passwords: a French message next to the field, nothing changes.
	for _, c := range []struct{ password, confirmation, message string }{
		{"", "x", "Choisissez un nouveau mot de passe."},
		{"court", "court", "Le mot de passe est trop court : 8 caractères au moins."},
		{"assez-long-ici", "assez-long-la", "Les deux mots de passe sont différents."},
		{strings.Repeat("é", 36), strings.Repeat("é", 36), "Le mot de passe est trop long"},
	} {
		rec := s.linkPost(link, url.Values{"nouveau_mot_de_passe": {c.password}, "confirmation": {c.confirmation}})
		expectBody(t, rec, http.StatusUnprocessableEntity, []string{c.message, `class="erreur"`, `aria-invalid="true"`}, []string{`value="` + c.confirmation + `"`})
	}
	if !mustFindByEmail(t, s.app, email).ValidatePassword(testkit.StaffPassword) {
		t.Fatal("a refused password changed the account")
	}

	rec := s.linkPost(link, url.Values{"nouveau_mot_de_passe": {"une phrase à retenir"}, "confirmation": {"une phrase à retenir"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/connexion?fait=mot-de-passe" {
		t.Fatalf("new password: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	expectBody(t, s.get("/connexion?fait=mot-de-passe"), http.StatusOK, []string{"Votre nouveau mot de passe est enregistré."}, nil)
	s.signInAs(email, "une phrase à retenir")
	if got := s.getAs(before, "/espace"); got.Code != http.StatusSeeOther {
		t.Errorf("a session from before the new password still works: %d", got.Code)
	}
	if accountJournal(t, s.app, testkit.ID(testkit.ConseillerA)) != 1 {
		t.Error("the new password is not in the journal")
	}
	// The link served once.
	expectBody(t, s.get(link), http.StatusGone, []string{"Ce lien ne marche plus", `href="/mot-de-passe-oublie"`}, []string{"<form"})
	expectBody(t, s.linkPost(link, url.Values{"nouveau_mot_de_passe": {"encore-un-autre"}, "confirmation": {"encore-un-autre"}}),
		http.StatusGone, []string{"Recevoir un nouveau lien"}, nil)
	if !mustFindByEmail(t, s.app, email).ValidatePassword("une phrase à retenir") {
		t.Error("a used link changed the password again")
	}
}

// Links that do not work, whatever their kind, get a French page that
// offers to ask again, and change nothing.
func TestAccountLinksThatNoLongerWork(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	staff := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA)
	expired, err := security.NewJWT(map[string]any{core.TokenClaimId: staff.Id, core.TokenClaimType: core.TokenTypePasswordReset,
		core.TokenClaimCollectionId: staff.Collection().Id, core.TokenClaimEmail: staff.Email()},
		staff.TokenKey()+staff.Collection().PasswordResetToken.Secret, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	valid, err := staff.NewPasswordResetToken()
	if err != nil {
		t.Fatal(err)
	}
	auth := testkit.Token(t, testkit.ConseillerA)
	inactive, err := mustFind(t, s.app, "utilisateurs", testkit.InactifA).NewPasswordResetToken()
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range map[string]string{
		"garbage":                  "/connexion/nouveau-mot-de-passe/pas-un-jeton",
		"expired":                  "/connexion/nouveau-mot-de-passe/" + expired,
		"auth token as reset":      "/connexion/nouveau-mot-de-passe/" + auth,
		"deactivated account":      "/connexion/nouveau-mot-de-passe/" + inactive,
		"reset token as e-mail":    "/connexion/changer-email/" + valid,
		"reset token as verifying": "/connexion/verifier/" + valid,
	} {
		rec := s.get(path)
		expectBody(t, rec, http.StatusGone, []string{"<h1>Ce lien ne marche plus</h1>"}, []string{"<form"})
		expectPrivateLinkPage(t, rec)
		if strings.Contains(path, "nouveau-mot-de-passe") {
			expectBody(t, s.linkPost(path, url.Values{"nouveau_mot_de_passe": {"pris-par-un-lien"}, "confirmation": {"pris-par-un-lien"}}),
				http.StatusGone, []string{"Recevoir un nouveau lien"}, nil)
		}
	}
	for _, who := range []string{testkit.ConseillerA, testkit.InactifA} {
		if r := mustFind(t, s.app, "utilisateurs", who); r.ValidatePassword("pris-par-un-lien") {
			t.Errorf("a link that does not work changed the password of %s", who)
		}
	}
}

func TestOwnPasswordChangeEndsTheOtherSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	email := testkit.Email(testkit.ReferentA)
	mine := s.signIn(testkit.ReferentA)
	other := s.signInAs(email, testkit.StaffPassword) // another browser
	api := s.signInAPI(email, testkit.StaffPassword)
	expectBody(t, s.getAs(mine, "/espace/compte"), http.StatusOK, []string{"<h1>Mon compte</h1>", email,
		`href="/espace/compte" aria-current="page">Mon compte</a>`, `autocomplete="current-password"`}, nil)

	for _, c := range []struct {
		form    url.Values
		message string
	}{
		{url.Values{"mot_de_passe_actuel": {"pas-le-bon"}, "nouveau_mot_de_passe": {"tout-nouveau-mdp"}, "confirmation": {"tout-nouveau-mdp"}},
			"Ce n&#39;est pas votre mot de passe actuel."},
		{url.Values{"mot_de_passe_actuel": {testkit.StaffPassword}, "nouveau_mot_de_passe": {"court"}, "confirmation": {"court"}},
			"trop court"},
		{url.Values{"mot_de_passe_actuel": {testkit.StaffPassword}, "nouveau_mot_de_passe": {"tout-nouveau-mdp"}, "confirmation": {"tout-nouveau-mdX"}},
			"Les deux mots de passe sont différents."},
	} {
		expectBody(t, s.postAs(mine, "/espace/compte/mot-de-passe", c.form), http.StatusUnprocessableEntity,
			[]string{c.message, "Rien n'a été enregistré"}, []string{"tout-nouveau-mdp", "pas-le-bon"})
	}
	if got := s.getAs(other, "/espace"); got.Code != http.StatusOK {
		t.Fatalf("a refused change ended the other session: %d", got.Code)
	}

	rec := s.postAs(mine, "/espace/compte/mot-de-passe", url.Values{"mot_de_passe_actuel": {testkit.StaffPassword},
		"nouveau_mot_de_passe": {"tout-nouveau-mdp"}, "confirmation": {"tout-nouveau-mdp"}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Mot de passe changé.") {
		t.Fatalf("change: %d %q", rec.Code, followFlash(rec))
	}
	var renewed string
	for _, c := range rec.Result().Cookies() {
		if c.Name == "atelier_session" && c.Value != "" {
			renewed = c.Name + "=" + c.Value
		}
	}
	if got := s.getAs(renewed, "/espace/compte"); got.Code != http.StatusOK {
		t.Errorf("the session that changed the password ended: %d", got.Code)
	}
	for name, cookie := range map[string]string{"before the change": mine, "other browser": other} {
		if got := s.getAs(cookie, "/espace"); got.Code != http.StatusSeeOther {
			t.Errorf("%s: the old session still works: %d", name, got.Code)
		}
	}
	if got := s.api(http.MethodPost, "/api/collections/utilisateurs/auth-refresh", api, nil); got.Code != http.StatusUnauthorized {
		t.Errorf("the API token still works: %d", got.Code)
	}
	if !mustFindByEmail(t, s.app, email).ValidatePassword("tout-nouveau-mdp") {
		t.Error("password not changed")
	}
	if accountJournal(t, s.app, testkit.ID(testkit.ReferentA)) != 1 {
		t.Error("the change is not in the journal")
	}
}

func TestOwnEmailChangeIsConfirmedFromTheNewAddress(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	old := testkit.Email(testkit.ConseillerB)
	cookie := s.signIn(testkit.ConseillerB)
	for _, c := range []struct{ email, message string }{
		{"", "Indiquez la nouvelle adresse e-mail."},
		{"pas-une-adresse", "Cette adresse e-mail n&#39;est pas valide."},
		{old, "C&#39;est déjà l&#39;adresse de votre compte."},
		{testkit.Email(testkit.ConseillerA), "Un autre compte utilise déjà cette adresse."},
	} {
		expectBody(t, s.postAs(cookie, "/espace/compte/email", url.Values{"email": {c.email}}), http.StatusUnprocessableEntity,
			[]string{c.message, `value="` + c.email + `"`}, nil)
	}
	if n := s.app.TestMailer.TotalSend(); n != 0 {
		t.Fatalf("%d e-mails for refused addresses", n)
	}
	const next = "camille.nouvelle@example.org"
	rec := s.postAs(cookie, "/espace/compte/email", url.Values{"email": {" Camille.Nouvelle@example.org "}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Un e-mail vient d'être envoyé à "+next) {
		t.Fatalf("request: %d %q", rec.Code, followFlash(rec))
	}
	if got := mustFind(t, s.app, "utilisateurs", testkit.ConseillerB).Email(); got != old {
		t.Fatalf("the address changed before the confirmation: %s", got)
	}
	link := s.linkOfLastMail(next, "/connexion/changer-email/")
	page := s.get(link)
	expectBody(t, page, http.StatusOK, []string{"<h1>Confirmer la nouvelle adresse e-mail</h1>", next, `autocomplete="current-password"`}, nil)
	expectPrivateLinkPage(t, page)
	expectBody(t, s.linkPost(link, url.Values{"mot_de_passe": {"pas-le-bon"}}), http.StatusUnprocessableEntity,
		[]string{"Ce n&#39;est pas le mot de passe de ce compte.", next}, nil)
	if got := mustFind(t, s.app, "utilisateurs", testkit.ConseillerB).Email(); got != old {
		t.Fatalf("a wrong password changed the address: %s", got)
	}
	rec = s.linkPost(link, url.Values{"mot_de_passe": {testkit.StaffPassword}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/connexion?fait=email" {
		t.Fatalf("confirm: %d %q\n%s", rec.Code, rec.Header().Get("Location"), rec.Body.String())
	}
	account := mustFind(t, s.app, "utilisateurs", testkit.ConseillerB)
	if account.Email() != next || !account.Verified() {
		t.Errorf("after confirming: %s verified=%v", account.Email(), account.Verified())
	}
	if got := s.getAs(cookie, "/espace"); got.Code != http.StatusSeeOther {
		t.Errorf("the session with the old address still works: %d", got.Code)
	}
	s.signInAs(next, testkit.StaffPassword)
	expectBody(t, s.get(link), http.StatusGone, []string{"Ce lien ne marche plus"}, nil)
	if accountJournal(t, s.app, testkit.ID(testkit.ConseillerB)) != 2 {
		t.Error("the request and the confirmation are not both in the journal")
	}
}

func TestEmailVerificationOnAtelierPage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	account := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA2)
	account.SetVerified(false)
	if err := s.app.Save(account); err != nil {
		t.Fatal(err)
	}
	if err := mails.SendRecordVerification(s.app, account); err != nil {
		t.Fatal(err)
	}
	link := s.linkOfLastMail(account.Email(), "/connexion/verifier/")
	rec := s.get(link)
	expectBody(t, rec, http.StatusOK, []string{"<h1>Adresse e-mail confirmée</h1>"}, nil)
	expectPrivateLinkPage(t, rec)
	if !mustFind(t, s.app, "utilisateurs", testkit.ConseillerA2).Verified() {
		t.Error("the address is not marked verified")
	}
	// A link for an address the account no longer has does nothing.
	account = mustFind(t, s.app, "utilisateurs", testkit.ConseillerA2)
	account.SetVerified(false)
	account.SetEmail("ailleurs@example.org")
	if err := s.app.Save(account); err != nil {
		t.Fatal(err)
	}
	stale, err := security.NewJWT(map[string]any{core.TokenClaimId: account.Id, core.TokenClaimType: core.TokenTypeVerification,
		core.TokenClaimCollectionId: account.Collection().Id, core.TokenClaimEmail: testkit.Email(testkit.ConseillerA2)},
		account.TokenKey()+account.Collection().VerificationToken.Secret, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	expectBody(t, s.get("/connexion/verifier/"+stale), http.StatusGone, []string{"Ce lien ne marche plus"}, nil)
	if mustFind(t, s.app, "utilisateurs", testkit.ConseillerA2).Verified() {
		t.Error("a link for an old address verified the new one")
	}
}

// « Mon compte » is every staff member's own account, and nobody else's.
func TestOwnAccountPageAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	for _, who := range []string{testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur} {
		var others []string
		for _, o := range testkit.Staff {
			if o != who {
				others = append(others, testkit.Email(o))
			}
		}
		expectBody(t, s.getAs(s.signIn(who), "/espace/compte"), http.StatusOK, []string{testkit.Email(who)}, others)
	}
	for who, cookie := range map[string]string{
		"anonyme":    "",
		"désactivé":  "atelier_session=" + testkit.Token(t, testkit.InactifA),
		"déconnecté": "atelier_session=" + testkit.Token(t, testkit.DeconnecteA),
	} {
		rec := s.getAs(cookie, "/espace/compte")
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/connexion?suite=%2Fespace%2Fcompte" {
			t.Errorf("%s: GET %d %q", who, rec.Code, rec.Header().Get("Location"))
		}
		for path, form := range map[string]url.Values{
			"/espace/compte/mot-de-passe": {"mot_de_passe_actuel": {testkit.StaffPassword}, "nouveau_mot_de_passe": {"pris-sans-session"},
				"confirmation": {"pris-sans-session"}},
			"/espace/compte/email": {"email": {"pris-sans-session@example.org"}},
		} {
			if rec := s.postAs(cookie, path, form); rec.Code != http.StatusSeeOther {
				t.Errorf("%s: POST %s %d", who, path, rec.Code)
			}
		}
	}
	for _, who := range []string{testkit.InactifA, testkit.DeconnecteA} {
		if mustFind(t, s.app, "utilisateurs", who).ValidatePassword("pris-sans-session") {
			t.Errorf("%s: password changed without a session", who)
		}
	}
	if n := s.app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d e-mails sent without a session", n)
	}
	// A form from another site changes nothing.
	cookie := s.signIn(testkit.ConseillerA)
	rec := s.do(http.MethodPost, "/espace/compte/mot-de-passe", url.Values{"mot_de_passe_actuel": {testkit.StaffPassword},
		"nouveau_mot_de_passe": {"pris-par-un-autre-site"}, "confirmation": {"pris-par-un-autre-site"}},
		map[string]string{"Cookie": cookie, "Origin": "https://ailleurs.example"})
	if rec.Code != http.StatusForbidden || mustFind(t, s.app, "utilisateurs", testkit.ConseillerA).ValidatePassword("pris-par-un-autre-site") {
		t.Errorf("cross-site password change: %d", rec.Code)
	}
}

// Guessing the current password on « Mon compte » is as slow as on the
// sign-in form: the French « too many requests » page after 10 a minute.
func TestOwnAccountFormsAreThrottled(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	var last *httptest.ResponseRecorder
	for i := range 11 {
		path, form := "/espace/compte/mot-de-passe", url.Values{"mot_de_passe_actuel": {fmt.Sprintf("essai-%d", i)},
			"nouveau_mot_de_passe": {"tout-nouveau-mdp"}, "confirmation": {"tout-nouveau-mdp"}}
		if i%2 == 1 {
			path, form = "/espace/compte/email", url.Values{"email": {"pas-une-adresse"}}
		}
		last = s.postAs(cookie, path, form)
		if i < 10 && last.Code != http.StatusUnprocessableEntity {
			t.Fatalf("request %d: %d", i+1, last.Code)
		}
	}
	expectBody(t, last, http.StatusTooManyRequests, []string{"Trop de demandes"}, nil)
}
