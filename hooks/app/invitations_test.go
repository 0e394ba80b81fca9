package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/testkit"
)

// Staff accounts from the workspace: référents (their structures) and
// coordinateurs (everyone) invite by e-mail, resend or withdraw the
// invitation, deactivate and reactivate, change role and structures;
// every change is journaled, and the REST API keeps the same limits.

const invitePage = "/connexion/invitation/"

// invite posts the « Inviter » form as cookie.
func (s *site) invite(cookie, email, role string, structures ...string) *httptest.ResponseRecorder {
	s.t.Helper()
	form := url.Values{"email": {email}, "prenom": {"Ada"}, "nom": {"Lovelace"}, "role": {role}}
	for _, st := range structures {
		form.Add("structures", testkit.ID(st))
	}
	return s.postAs(cookie, "/espace/comptes/inviter", form)
}

// grantJournal lists the « droits » lines about account.
func grantJournal(t *testing.T, app core.App, account string) []string {
	t.Helper()
	var details []string
	err := app.DB().Select("details").From("journal").
		Where(dbx.NewExp("action = 'droits' AND details LIKE {:d}", dbx.Params{"d": "Compte " + account + " :%"})).
		OrderBy("rowid").Column(&details)
	if err != nil {
		t.Fatal(err)
	}
	return details
}

func journalHas(t *testing.T, lines []string, want string) {
	t.Helper()
	for _, l := range lines {
		if strings.Contains(l, want) {
			return
		}
	}
	t.Errorf("no journal line with %q in %q", want, lines)
}

func TestInvitationFromTheEmailToSignIn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	rec := s.invite(referent, "Ada@Exemple.org", "conseiller", testkit.StructureA)
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Invitation envoyée à ada@exemple.org") {
		t.Fatalf("invite: %d %q\n%s", rec.Code, followFlash(rec), rec.Body.String())
	}
	account := mustFindByEmail(t, s.app, "ada@exemple.org")
	if account.GetBool("actif") || account.GetString("role") != "conseiller" || len(account.GetStringSlice("confirme_pour")) != 0 {
		t.Fatalf("the invited account: actif %v, role %q, confirmed %v", account.GetBool("actif"),
			account.GetString("role"), account.GetStringSlice("confirme_pour"))
	}
	msg := s.app.TestMailer.LastMessage()
	for _, want := range []string{"Bonjour Ada", "Prénom referenta Nom referenta vous invite", "conseiller", "Médiathèque Alpha", "7 jours"} {
		if !strings.Contains(msg.HTML, want) || !strings.Contains(msg.Text, want) {
			t.Errorf("the invitation e-mail lacks %q:\n%s\n%s", want, msg.HTML, msg.Text)
		}
	}
	if !strings.HasPrefix(msg.Subject, "Invitation à Atelier") {
		t.Errorf("subject %q", msg.Subject)
	}
	link := s.linkOfLastMail("ada@exemple.org", invitePage)
	// The token never reaches the database, only its hash.
	if token := strings.TrimPrefix(link, invitePage); strings.Contains(account.GetString("invitation_empreinte"), token) ||
		account.GetString("invitation_empreinte") == "" {
		t.Error("the stored invitation is the token itself, or nothing")
	}
	expectBody(t, s.getAs(referent, "/espace/comptes"), http.StatusOK, []string{"Ada Lovelace", "Invitée", "lien valable jusqu'au"}, nil)

	page := s.get(link)
	expectBody(t, page, http.StatusOK, []string{"Bienvenue dans Atelier", "Bonjour Ada.", "ada@exemple.org"}, nil)
	expectPrivateLinkPage(t, page)
	// A short password is refused next to the field; the link still works.
	expectBody(t, s.linkPost(link, url.Values{"nouveau_mot_de_passe": {"court"}, "confirmation": {"court"}}),
		http.StatusUnprocessableEntity, []string{"Le mot de passe est trop court"}, nil)
	rec = s.linkPost(link, url.Values{"nouveau_mot_de_passe": {"une phrase facile"}, "confirmation": {"une phrase facile"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/connexion?fait=invitation" {
		t.Fatalf("accept: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	expectBody(t, s.get("/connexion?fait=invitation"), http.StatusOK, []string{"Votre mot de passe est enregistré"}, nil)
	expectBody(t, s.get(link), http.StatusGone, []string{"Cette invitation ne marche plus"}, nil)

	cookie := s.signInAs("ada@exemple.org", "une phrase facile")
	expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, []string{"Le référent de la structure doit d'abord confirmer votre compte"}, nil)
	if n := s.beneficiariesSeen(s.signInAPI("ada@exemple.org", "une phrase facile")); n != 0 {
		t.Errorf("an invited conseiller reads %d beneficiaries before the référent's confirmation", n)
	}
	account = mustFindByEmail(t, s.app, "ada@exemple.org")
	if !account.Verified() || account.GetString("invitation_empreinte") != "" || !account.GetDateTime("invitation_expire").IsZero() {
		t.Error("the accepted account is not verified, or keeps its invitation")
	}
	lines := grantJournal(t, s.app, account.Id)
	journalHas(t, lines, "invitation envoyée, rôle Conseiller")
	journalHas(t, lines, "invitation acceptée, compte activé")
	if strings.Contains(strings.Join(lines, " "), "Lovelace") {
		t.Errorf("the journal names the account: %q", lines)
	}
	// The référent now confirms it, from the same page.
	expectBody(t, s.getAs(referent, "/espace/comptes"), http.StatusOK, []string{"Comptes en attente de confirmation", "Ada Lovelace", "À confirmer"}, nil)
}

func TestInvitationFormRefusals(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	count := func() int {
		n, err := s.app.CountRecords("utilisateurs")
		if err != nil {
			t.Fatal(err)
		}
		return int(n)
	}
	before := count()
	for _, c := range []struct {
		name, email, role string
		structures        []string
		want              string
	}{
		{"an address already used", strings.ToUpper(testkit.Email(testkit.ConseillerB)), "conseiller", []string{testkit.StructureA}, "Un compte existe déjà avec cette adresse"},
		{"a bad address", "pas-une-adresse", "conseiller", []string{testkit.StructureA}, "Cette adresse e-mail n&#39;est pas valide"},
		{"a coordinateur made by a référent", "nouveau@exemple.org", "coordinateur", []string{testkit.StructureA}, "Choisissez un rôle dans la liste."},
		{"another structure", "nouveau@exemple.org", "conseiller", []string{testkit.StructureB}, "Choisissez parmi les structures de la liste."},
		{"no structure", "nouveau@exemple.org", "referent", nil, "Cochez au moins une structure."},
	} {
		rec := s.invite(referent, c.email, c.role, c.structures...)
		expectBody(t, rec, http.StatusUnprocessableEntity, []string{c.want, `value="` + c.email + `"`, `value="Lovelace"`}, nil)
	}
	if after := count(); after != before {
		t.Errorf("refused invitations created %d accounts", after-before)
	}
	if n := s.app.TestMailer.TotalSend(); n != 0 {
		t.Errorf("%d e-mails sent for refused invitations", n)
	}
	// A coordinateur invites a coordinateur, without a structure.
	rec := s.invite(s.signIn(testkit.Coordinateur), "coord2@exemple.org", "coordinateur")
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("coordinateur invites a coordinateur: %d\n%s", rec.Code, rec.Body.String())
	}
}

func TestInvitationExpiresAndIsResentOrWithdrawn(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	coord := s.signIn(testkit.Coordinateur)
	if rec := s.invite(coord, "ada@exemple.org", "referent", testkit.StructureB); rec.Code != http.StatusSeeOther {
		t.Fatalf("invite: %d", rec.Code)
	}
	account := mustFindByEmail(t, s.app, "ada@exemple.org")
	first := s.linkOfLastMail("ada@exemple.org", invitePage)

	// Seven days later, the link is dead and the list says so.
	clock.Set(s.app, clockwork.NewFakeClockAt(testkit.Now().Add(7*24*time.Hour+time.Minute)))
	expectBody(t, s.get(first), http.StatusGone, []string{"Cette invitation ne marche plus", "plus de 7 jours"}, nil)
	expectBody(t, s.linkPost(first, url.Values{"nouveau_mot_de_passe": {"une phrase facile"}, "confirmation": {"une phrase facile"}}),
		http.StatusGone, nil, nil)
	expectBody(t, s.getAs(coord, "/espace/comptes"), http.StatusOK, []string{"Invitation expirée"}, nil)

	// Resent: a new link works, the old one does not.
	rec := s.postAs(coord, "/espace/comptes/"+account.Id+"/renvoyer", url.Values{})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "Invitation envoyée") {
		t.Fatalf("resend: %d %q", rec.Code, followFlash(rec))
	}
	second := s.linkOfLastMail("ada@exemple.org", invitePage)
	if second == first {
		t.Fatal("the resent link is the first one")
	}
	expectBody(t, s.get(second), http.StatusOK, []string{"Bienvenue dans Atelier"}, nil)
	expectBody(t, s.get(first), http.StatusGone, nil, nil)
	journalHas(t, grantJournal(t, s.app, account.Id), "invitation renvoyée")

	// Withdrawn, after a confirmation step: the link dies, the account
	// goes, the address may be invited again.
	expectBody(t, s.getAs(coord, "/espace/comptes/"+account.Id+"/retirer"), http.StatusOK,
		[]string{"Retirer cette invitation ?", "Le lien envoyé par e-mail ne marche plus."}, nil)
	rec = s.postAs(coord, "/espace/comptes/"+account.Id+"/retirer", url.Values{})
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Invitation retirée." {
		t.Fatalf("withdraw: %d %q", rec.Code, followFlash(rec))
	}
	expectBody(t, s.get(second), http.StatusGone, nil, nil)
	if _, err := s.app.FindRecordById("utilisateurs", account.Id); err == nil {
		t.Error("the withdrawn invitation's account is still there")
	}
	journalHas(t, grantJournal(t, s.app, account.Id), "invitation retirée")
	if rec := s.invite(coord, "ada@exemple.org", "referent", testkit.StructureB); rec.Code != http.StatusSeeOther {
		t.Errorf("invite again after a withdrawal: %d", rec.Code)
	}
}

func TestDeactivationFromThePageEndsSessions(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	target := testkit.ID(testkit.ConseillerA)
	token := testkit.Token(t, testkit.ConseillerA)
	session := s.signIn(testkit.ConseillerA)
	if s.beneficiariesSeen(token) == 0 {
		t.Fatal("the conseiller reads nobody before")
	}
	expectBody(t, s.getAs(referent, "/espace/comptes/"+target), http.StatusOK, []string{"Désactiver le compte"}, []string{"Réactiver le compte"})
	// An action that does not fit the account's state has no page.
	for _, action := range []string{"reactiver", "retirer"} {
		if rec := s.getAs(referent, "/espace/comptes/"+target+"/"+action); rec.Code != http.StatusNotFound {
			t.Errorf("%s an active account: %d", action, rec.Code)
		}
	}
	expectBody(t, s.getAs(referent, "/espace/comptes/"+target+"/desactiver"), http.StatusOK,
		[]string{"Désactiver ce compte ?", "La personne est déconnectée tout de suite, partout."}, nil)
	if s.beneficiariesSeen(token) == 0 {
		t.Fatal("the confirmation step deactivated the account")
	}
	rec := s.postAs(referent, "/espace/comptes/"+target+"/desactiver", url.Values{})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("deactivate: %d", rec.Code)
	}
	if n := s.beneficiariesSeen(token); n != 0 {
		t.Errorf("the deactivated account's token still reads %d beneficiaries", n)
	}
	if rec := s.getAs(session, "/espace"); rec.Code != http.StatusSeeOther {
		t.Errorf("the deactivated account's page session: %d", rec.Code)
	}
	expectBody(t, s.getAs(referent, "/espace/comptes"), http.StatusOK, []string{"Désactivée"}, nil)
	journalHas(t, grantJournal(t, s.app, target), "compte désactivé")

	rec = s.postAs(referent, "/espace/comptes/"+target+"/reactiver", url.Values{})
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Compte réactivé." {
		t.Fatalf("reactivate: %d %q", rec.Code, followFlash(rec))
	}
	if n := s.beneficiariesSeen(token); n != 0 {
		t.Errorf("a token made before the deactivation works again: %d", n)
	}
	if n := s.beneficiariesSeen(s.signInAPI(testkit.Email(testkit.ConseillerA), testkit.StaffPassword)); n == 0 {
		t.Error("the reactivated conseiller reads nobody (its structure did not change)")
	}
	journalHas(t, grantJournal(t, s.app, target), "compte réactivé")
}

func TestRoleAndStructuresFromThePage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	referent := s.signIn(testkit.ReferentA)
	target := testkit.ID(testkit.ConseillerA)
	path := "/espace/comptes/" + target + "/droits"
	// A référent gives neither the coordinateur role nor another structure.
	expectBody(t, s.postAs(referent, path, url.Values{"role": {"coordinateur"}, "structures": {testkit.ID(testkit.StructureA)}}),
		http.StatusUnprocessableEntity, []string{"Choisissez un rôle dans la liste."}, nil)
	expectBody(t, s.postAs(referent, path, url.Values{"role": {"conseiller"}, "structures": {testkit.ID(testkit.StructureB)}}),
		http.StatusUnprocessableEntity, []string{"Choisissez parmi les structures de la liste."}, nil)
	if got := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA); got.GetString("role") != "conseiller" ||
		len(got.GetStringSlice("structures")) != 1 {
		t.Fatal("a refused change was saved")
	}
	// Made référent: the confirmation goes (it is given again by a référent).
	rec := s.postAs(referent, path, url.Values{"role": {"referent"}, "structures": {testkit.ID(testkit.StructureA)}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("change the role: %d\n%s", rec.Code, rec.Body.String())
	}
	got := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA)
	if got.GetString("role") != "referent" || len(got.GetStringSlice("confirme_pour")) != 0 {
		t.Errorf("role %q, confirmed for %v", got.GetString("role"), got.GetStringSlice("confirme_pour"))
	}
	journalHas(t, grantJournal(t, s.app, target), "rôle changé : Conseiller numérique → Référent de structure")
	// A coordinateur gives any structure.
	coord := s.signIn(testkit.Coordinateur)
	rec = s.postAs(coord, path, url.Values{"role": {"conseiller"}, "structures": {testkit.ID(testkit.StructureA), testkit.ID(testkit.StructureB)}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("coordinateur: %d\n%s", rec.Code, rec.Body.String())
	}
	journalHas(t, grantJournal(t, s.app, target), "structure ajoutée")
	// Now shared with B, the account is no longer the référent of A's alone.
	expectBody(t, s.getAs(referent, "/espace/comptes/"+target), http.StatusOK,
		[]string{"Ce compte travaille aussi pour une autre structure"}, []string{"Désactiver le compte"})
	if rec := s.postAs(referent, "/espace/comptes/"+target+"/desactiver", url.Values{}); rec.Code != http.StatusForbidden {
		t.Errorf("the référent of A deactivated an account shared with B: %d", rec.Code)
	}
}

// Every action of « Comptes », for each kind of visitor: the référent of
// A acts on a conseiller of A, not on one of B, nor on themselves.
func TestAccountPagesAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	invited := func() string {
		a := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA3)
		a.Set("actif", false)
		a.Set("invitation_empreinte", strings.Repeat("0", 64))
		a.Set("invitation_expire", testkit.Now().Add(24*time.Hour))
		if err := s.app.Save(a); err != nil {
			t.Fatal(err)
		}
		return a.Id
	}()
	own, other, self := testkit.ID(testkit.ConseillerA), testkit.ID(testkit.ConseillerB), testkit.ID(testkit.ReferentA)
	type action struct {
		method, path string
		form         url.Values
	}
	actions := func(id string) []action {
		return []action{
			{http.MethodGet, "/espace/comptes/" + id, nil},
			{http.MethodGet, "/espace/comptes/" + id + "/desactiver", nil},
			{http.MethodPost, "/espace/comptes/" + id + "/droits", url.Values{"role": {"conseiller"}, "structures": {testkit.ID(testkit.StructureA)}}},
			{http.MethodPost, "/espace/comptes/" + id + "/desactiver", url.Values{}},
			{http.MethodPost, "/espace/comptes/" + id + "/reactiver", url.Values{}},
		}
	}
	invitationActions := []action{
		{http.MethodPost, "/espace/comptes/" + invited + "/renvoyer", url.Values{}},
		{http.MethodGet, "/espace/comptes/" + invited + "/retirer", nil},
	}
	inviteForm := action{http.MethodPost, "/espace/comptes/inviter", url.Values{"email": {"x@exemple.org"}, "prenom": {"X"},
		"nom": {"Y"}, "role": {"conseiller"}, "structures": {testkit.ID(testkit.StructureA)}}}
	run := func(cookie string, a action) int {
		if a.method == http.MethodGet {
			return s.getAs(cookie, a.path).Code
		}
		return s.postAs(cookie, a.path, a.form).Code
	}
	refused := map[string]string{
		"anonyme":    "",
		"conseiller": s.signIn(testkit.ConseillerA2),
		"désactivé":  "atelier_session=" + testkit.Token(t, testkit.InactifA),
		"déconnecté": "atelier_session=" + testkit.Token(t, testkit.DeconnecteA),
	}
	for who, cookie := range refused {
		want := http.StatusSeeOther
		if who == "conseiller" {
			want = http.StatusForbidden
		}
		for _, a := range append(append(actions(own), invitationActions...), inviteForm, action{http.MethodGet, "/espace/comptes", nil}) {
			if got := run(cookie, a); got != want {
				t.Errorf("%s: %s %s: %d, want %d", who, a.method, a.path, got, want)
			}
		}
	}
	if got := mustFind(t, s.app, "utilisateurs", testkit.ConseillerA); !got.GetBool("actif") {
		t.Fatal("a refused visitor deactivated the account")
	}
	referent := s.signIn(testkit.ReferentA)
	for _, a := range actions(other) {
		if got := run(referent, a); got != http.StatusNotFound {
			t.Errorf("référent of A on a conseiller of B: %s %s: %d, want 404", a.method, a.path, got)
		}
	}
	for _, a := range actions(self)[1:] {
		if got := run(referent, a); got != http.StatusForbidden {
			t.Errorf("référent on their own account: %s %s: %d, want 403", a.method, a.path, got)
		}
	}
	// The coordinateur works in A too: the référent sees the account, and
	// changes nothing of it.
	for _, a := range actions(testkit.ID(testkit.Coordinateur))[1:] {
		if got := run(referent, a); got != http.StatusForbidden {
			t.Errorf("référent on the coordinateur: %s %s: %d, want 403", a.method, a.path, got)
		}
	}
	for _, a := range append(actions(own)[:3], invitationActions...) {
		if got := run(referent, a); got != http.StatusOK && got != http.StatusSeeOther {
			t.Errorf("référent of A on their conseiller: %s %s: %d", a.method, a.path, got)
		}
	}
	coord := s.signIn(testkit.Coordinateur)
	for _, a := range append(actions(other), inviteForm) {
		if got := run(coord, a); got != http.StatusOK && got != http.StatusSeeOther {
			t.Errorf("coordinateur: %s %s: %d", a.method, a.path, got)
		}
	}
}

// What the page refuses, the REST API refuses too.
func TestAccountsAPIKeepsThePageLimits(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	records := "/api/collections/utilisateurs/records"
	referent := testkit.Token(t, testkit.ReferentA)
	coord := testkit.Token(t, testkit.Coordinateur)
	refused := func(who string, code int, body string) {
		t.Helper()
		if code < 400 {
			t.Errorf("%s: %d %s", who, code, body)
		}
	}
	for _, change := range []map[string]any{{"role": "coordinateur"}, {"actif": false}, {"structures": []string{testkit.ID(testkit.StructureB)}}} {
		rec := s.api(http.MethodPatch, records+"/"+testkit.ID(testkit.ConseillerA), referent, change)
		refused("référent changes a conseiller through the API", rec.Code, rec.Body.String())
		rec = s.api(http.MethodPatch, records+"/"+testkit.ID(testkit.ReferentA), referent, change)
		refused("référent changes themselves through the API", rec.Code, rec.Body.String())
		rec = s.api(http.MethodPatch, records+"/"+testkit.ID(testkit.Coordinateur), coord, map[string]any{"role": "conseiller", "actif": false})
		refused("coordinateur changes their own role or status", rec.Code, rec.Body.String())
	}
	rec := s.api(http.MethodPost, records, referent, map[string]any{"email": "x@exemple.org", "password": "un-mot-de-passe",
		"passwordConfirm": "un-mot-de-passe", "nom": "Y", "prenom": "X", "role": "conseiller", "actif": true,
		"structures": []string{testkit.ID(testkit.StructureA)}})
	refused("référent creates an account through the API", rec.Code, rec.Body.String())
	for _, a := range []string{testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur} {
		got := mustFind(t, s.app, "utilisateurs", a)
		if !got.GetBool("actif") || got.GetString("role") != map[string]string{testkit.ConseillerA: "conseiller",
			testkit.ReferentA: "referent", testkit.Coordinateur: "coordinateur"}[a] {
			t.Errorf("%s changed through the API", a)
		}
	}

	// An invitation is the server's: its fields are never written nor
	// read through the API, and its account is activated by its link only.
	if rec := s.invite(s.signIn(testkit.Coordinateur), "ada@exemple.org", "conseiller", testkit.StructureA); rec.Code != http.StatusSeeOther {
		t.Fatalf("invite: %d", rec.Code)
	}
	invited := mustFindByEmail(t, s.app, "ada@exemple.org")
	rec = s.api(http.MethodGet, records+"/"+invited.Id, coord, nil)
	if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), "invitation_empreinte") ||
		strings.Contains(rec.Body.String(), invited.GetString("invitation_empreinte")) {
		t.Errorf("the API shows the invitation's hash: %s", rec.Body.String())
	}
	for _, change := range []map[string]any{{"actif": true}, {"invitation_expire": testkit.Now().Add(365 * 24 * time.Hour).Format(time.RFC3339)}} {
		rec := s.api(http.MethodPatch, records+"/"+invited.Id, coord, change)
		refused("coordinateur writes an invitation through the API", rec.Code, rec.Body.String())
	}
	// The hash is a hidden field: PocketBase drops it from the body of
	// anyone but an administrator.
	s.api(http.MethodPatch, records+"/"+invited.Id, coord, map[string]any{"invitation_empreinte": strings.Repeat("1", 64)})
	if got := mustFindByEmail(t, s.app, "ada@exemple.org"); got.GetBool("actif") ||
		got.GetString("invitation_empreinte") != invited.GetString("invitation_empreinte") ||
		!got.GetDateTime("invitation_expire").Equal(invited.GetDateTime("invitation_expire")) {
		t.Error("an invitation changed through the API")
	}
}

// The last active coordinateur keeps the role, whoever asks, even an
// administrator through the API.
func TestLastCoordinateurStays(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	c, err := s.app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(c)
	su.SetEmail("admin@exemple.org")
	su.SetPassword("mot-de-passe-admin")
	if err := s.app.Save(su); err != nil {
		t.Fatal(err)
	}
	admin, err := su.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	coord := "/api/collections/utilisateurs/records/" + testkit.ID(testkit.Coordinateur)
	for _, change := range []map[string]any{{"actif": false}, {"role": "referent"}} {
		if rec := s.api(http.MethodPatch, coord, admin, change); rec.Code != http.StatusBadRequest ||
			!strings.Contains(rec.Body.String(), "dernier coordinateur actif") {
			t.Errorf("%v: %d %s", change, rec.Code, rec.Body.String())
		}
	}
	if rec := s.api(http.MethodDelete, coord, admin, nil); rec.Code != http.StatusBadRequest {
		t.Errorf("delete the last coordinateur: %d %s", rec.Code, rec.Body.String())
	}
	// With another one, it may go.
	setFields(t, s.app, "utilisateurs", testkit.ReferentA, map[string]any{"role": "coordinateur"})
	if rec := s.api(http.MethodPatch, coord, admin, map[string]any{"actif": false}); rec.Code != http.StatusOK {
		t.Errorf("deactivate a coordinateur who is not the last: %d %s", rec.Code, rec.Body.String())
	}
}
