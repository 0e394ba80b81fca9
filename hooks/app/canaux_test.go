package app_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"

	"atelier/hooks/envois"
	"atelier/hooks/lib/sms"
	"atelier/hooks/testkit"
)

// Every message reaches the person by their channel: e-mail, SMS, or a
// phone call by staff from the « à appeler » list.

// canauxSMS is an SMS provider that keeps what it was given.
type canauxSMS struct {
	mu   sync.Mutex
	sent []struct{ to, text string }
}

func (f *canauxSMS) Send(to, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, struct{ to, text string }{to, text})
	return nil
}

// to is the texts sent to a number, in order.
func (f *canauxSMS) to(number string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, m := range f.sent {
		if m.to == number {
			out = append(out, m.text)
		}
	}
	return out
}

// lastTo is the last text sent to number, "" when none.
func (f *canauxSMS) lastTo(number string) string {
	texts := f.to(number)
	if len(texts) == 0 {
		return ""
	}
	return texts[len(texts)-1]
}

func checkSMS(t *testing.T, text string, want ...string) {
	t.Helper()
	if text == "" {
		t.Fatalf("no SMS, want %q", want)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("SMS %q: missing %q", text, w)
		}
	}
	if n := sms.Segments(text); n > 2 || !sms.EstGSM7(text) {
		t.Errorf("SMS of %d segments (GSM-7: %v): %q", n, sms.EstGSM7(text), text)
	}
	if !strings.HasSuffix(text, "\nMédiathèque Alpha") {
		t.Errorf("the structure signs the SMS: %q", text)
	}
}

func jetonOf(t *testing.T, s *site, inscription string) string {
	t.Helper()
	return mustFindID(t, s.app, "inscriptions", inscription).GetString("jeton")
}

// A person who gave only a mobile gets every message by SMS: confirmation,
// waiting list, promotion, change, cancellation of their registration and
// of the session (the reminder: TestRemindersFollowTheChannelAndTheStructureDelay).
func TestPhoneOnlyPersonGetsEveryMessageBySMS(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fake := &canauxSMS{}
	envois.UseSMS(s.app, fake)
	cookie := s.signIn(testkit.ConseillerA)
	seance := testkit.ID(testkit.SeancePubliqueA)
	lien := testkit.AppURL + "/i/" // an SMS carries the short personal link

	// confirmation
	if rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Lou", "Mobile", "06 98 76 54 32", "")); rec.Code != http.StatusSeeOther {
		t.Fatalf("register: %d %s", rec.Code, rec.Body.String())
	}
	lou, err := s.app.FindFirstRecordByFilter("beneficiaires", "nom = 'Mobile'")
	if err != nil {
		t.Fatal(err)
	}
	louInscription, err := s.app.FindFirstRecordByFilter("inscriptions", "beneficiaire = {:b}", dbx.Params{"b": lou.Id})
	if err != nil {
		t.Fatal(err)
	}
	checkSMS(t, fake.lastTo("+33698765432"), "Inscription confirmée", "Atelier propre à Alpha", lien+louInscription.GetString("code")+"\n")
	if s.app.TestMailer.TotalSend() != 0 {
		t.Errorf("%d e-mails sent to people without e-mail", s.app.TestMailer.TotalSend())
	}

	// waiting list: the session is full
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 2})
	if rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", person("Sam", "Attente", "07 81 22 33 44", "")); rec.Code != http.StatusSeeOther {
		t.Fatalf("register on the waiting list: %d %s", rec.Code, rec.Body.String())
	}
	checkSMS(t, fake.lastTo("+33781223344"), "liste d'attente (rang 1)", "Atelier propre à Alpha", lien)

	// staff cancel Lou's registration: Lou is told, Sam gets the place
	rec := s.postAs(cookie, "/espace/seances/"+seance+"/inscriptions/"+louInscription.Id+"/annuler", url.Values{"confirme": {"1"}})
	if rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel by staff: %d", rec.Code)
	}
	checkSMS(t, fake.lastTo("+33698765432"), "Inscription annulée", "Se réinscrire : "+lien+louInscription.GetString("code")+"\n")
	// The freed place is offered to Sam, who confirms it on their page.
	checkSMS(t, fake.lastTo("+33781223344"), "Place libérée pour vous", "Confirmez avant", lien)

	// the session moves
	moved := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	debut := moved.GetDateTime("debut").Time().In(paris)
	form := planForm(map[string]string{"date": debut.Format("2006-01-02"), "heure": "16:00", "duree": "120", "capacite": "8"})
	if rec := s.postAs(cookie, "/espace/seances/"+seance+"/modifier", form); rec.Code != http.StatusSeeOther ||
		!strings.Contains(followFlash(rec), "par SMS") {
		t.Fatalf("move: %d %q", rec.Code, followFlash(rec))
	}
	checkSMS(t, fake.lastTo("+33781223344"), "Changement", "16 h", "Pour annuler : "+lien)
	checkSMS(t, fake.lastTo("+33612345678"), "Changement", "16 h", lien+testkit.SecretCode+"\n") // the fixture's person

	// the session is cancelled: no link, the reason
	rec = s.postAs(cookie, "/espace/seances/"+seance+"/annuler", url.Values{"motif": {"Salle inondée."}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "2 personnes prévenues par SMS") {
		t.Fatalf("cancel: %d %q", rec.Code, followFlash(rec))
	}
	text := fake.lastTo("+33781223344")
	checkSMS(t, text, "est annulé", "Raison : Salle inondée.")
	if strings.Contains(text, "/inscription/") || strings.Contains(text, "/i/") {
		t.Errorf("a cancelled session's SMS needs no link: %q", text)
	}
	if got := len(fake.to("+33698765432")); got != 2 {
		t.Errorf("Lou, cancelled before, got %d SMS, want 2 (confirmation, cancellation)", got)
	}
	var recorded int
	if err := s.app.DB().Select("count(*)").From("envois").Where(dbx.HashExp{"canal": "sms", "statut": "envoye"}).Row(&recorded); err != nil || recorded != len(fake.sent) {
		t.Errorf("%d SMS recorded as sent, %d sent (%v)", recorded, len(fake.sent), err)
	}
}

// A person with an e-mail and a mobile who asked for SMS gets SMS; the wish
// needs a mobile; a public form never changes an existing person's wish.
func TestPersonWhoPrefersSMSGetsSMS(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fake := &canauxSMS{}
	envois.UseSMS(s.app, fake)
	form := person("Ana", "Texto", "06 55 44 33 22", "ana@example.org")
	form.Set("prefere_sms", "1")
	if rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", form); rec.Code != http.StatusSeeOther {
		t.Fatalf("register: %d %s", rec.Code, rec.Body.String())
	}
	checkSMS(t, fake.lastTo("+33655443322"), "Inscription confirmée")
	if mailSentTo(s, "ana@example.org", "Inscription confirmée") {
		t.Error("an e-mail was sent to a person who asked for SMS")
	}
	ana, err := s.app.FindFirstRecordByFilter("beneficiaires", "nom = 'Texto'")
	if err != nil || !ana.GetBool("prefere_sms") {
		t.Fatalf("preference not kept: %v", err)
	}

	// a landline cannot receive the SMS asked for: the form says so, keeps what was typed
	form = person("Léo", "Fixe", "05 49 12 34 56", "leo@example.org")
	form.Set("prefere_sms", "1")
	expectBody(t, s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", form), http.StatusUnprocessableEntity,
		[]string{"indiquez un numéro de téléphone portable", `id="prefere_sms" name="prefere_sms" type="checkbox" value="1" checked`, "leo@example.org"}, nil)

	// the same person comes back without ticking: their wish stays
	if rec := s.post("/ateliers/"+testkit.ID(testkit.SeancePubliqueA)+"/inscription", person("Ana", "Texto", "06 55 44 33 22", "ana@example.org")); rec.Code >= 400 {
		t.Fatalf("second form: %d", rec.Code)
	}
	if !mustFindID(t, s.app, "beneficiaires", ana.Id).GetBool("prefere_sms") {
		t.Error("a public form changed an existing person's wish")
	}

	// staff set the wish on the person's form
	cookie := s.signIn(testkit.ConseillerA)
	edit := url.Values{"prenom": {"Camille"}, "nom": {testkit.NomBeneficiaireA}, "telephone": {"06 12 34 56 78"},
		"email": {"camille@example.org"}, "prefere_sms": {"1"}}
	if rec := s.postAs(cookie, "/espace/beneficiaires/"+testkit.ID(testkit.BeneficiaireA)+"/modifier", edit); rec.Code != http.StatusSeeOther {
		t.Fatalf("staff form: %d %s", rec.Code, rec.Body.String())
	}
	if !mustFind(t, s.app, "beneficiaires", testkit.BeneficiaireA).GetBool("prefere_sms") {
		t.Error("staff form did not keep the wish")
	}
}

// A person with only a landline gets nothing sent and is on the « à
// appeler » list until a conseiller ticks « prévenu ».
func TestLandlineOnlyPersonIsOnTheCallList(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fake := &canauxSMS{}
	envois.UseSMS(s.app, fake)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"telephone": "+33549123456"})
	cookie := s.signIn(testkit.ConseillerA)
	seance := testkit.ID(testkit.SeancePubliqueA)
	page := "/espace/seances/" + seance

	expectBody(t, s.getAs(cookie, page), http.StatusOK, nil, []string{"À appeler ("})
	moved := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	form := planForm(map[string]string{"date": moved.GetDateTime("debut").Time().In(paris).Format("2006-01-02"), "heure": "15:00",
		"duree": "120", "capacite": "8"})
	rec := s.postAs(cookie, page+"/modifier", form)
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "1 personne à prévenir par téléphone : voir la liste « À appeler »") {
		t.Fatalf("move: %d %q", rec.Code, followFlash(rec))
	}
	if len(fake.sent) != 0 || s.app.TestMailer.TotalSend() != 0 {
		t.Fatalf("sent to a landline-only person: %d SMS, %d e-mails", len(fake.sent), s.app.TestMailer.TotalSend())
	}
	expectBody(t, s.getAs(cookie, page), http.StatusOK, []string{"À appeler (1)", testkit.NomBeneficiaireA,
		"05 49 12 34 56", "Inscrit", "changement d&#39;horaire ou de lieu", `name="prevenu" value="` + testkit.ID(testkit.InscriptionA) + `"`}, nil)
	expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, []string{`<a href="/espace/a-appeler">1 personne à prévenir par téléphone</a>`}, nil)
	expectBody(t, s.getAs(cookie, "/espace/a-appeler"), http.StatusOK, []string{"À appeler (1)", testkit.NomBeneficiaireA, "05 49 12 34 56"}, nil)

	// nothing ticked: nothing changes
	rec = s.postAs(cookie, page+"/a-appeler", url.Values{})
	if rec.Code != http.StatusSeeOther || followFlash(rec) != "Cochez d'abord les personnes que vous avez prévenues." {
		t.Fatalf("empty tick: %d %q", rec.Code, followFlash(rec))
	}
	// ticked: off the list, with who and when, journaled
	rec = s.postAs(cookie, page+"/a-appeler", url.Values{"prevenu": {testkit.ID(testkit.InscriptionA)}, "retour": {"/espace/a-appeler"}})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/espace/a-appeler" || followFlash(rec) != "1 personne notée prévenue." {
		t.Fatalf("tick: %d %s %q", rec.Code, rec.Header().Get("Location"), followFlash(rec))
	}
	envoi, err := s.app.FindFirstRecordByFilter("envois", "cible = {:c} && evenement = 'changement'", dbx.Params{"c": testkit.ID(testkit.InscriptionA)})
	if err != nil || envoi.GetString("canal") != "telephone" || envoi.GetString("statut") != "a_appeler" ||
		envoi.GetString("prevenu_par") != testkit.ID(testkit.ConseillerA) || envoi.GetDateTime("prevenu_le").IsZero() {
		t.Fatalf("ticked message: %v %v", envoi, err)
	}
	if _, err := s.app.FindFirstRecordByFilter("journal", "beneficiaire = {:b} && details ~ 'Prévenu par téléphone'",
		dbx.Params{"b": testkit.ID(testkit.BeneficiaireA)}); err != nil {
		t.Errorf("the call is not journaled: %v", err)
	}
	expectBody(t, s.getAs(cookie, page), http.StatusOK, nil, []string{"À appeler ("})
	expectBody(t, s.getAs(cookie, "/espace"), http.StatusOK, nil, []string{"à prévenir par téléphone"})
	expectBody(t, s.getAs(cookie, "/espace/a-appeler"), http.StatusOK, []string{"Personne à appeler"}, nil)
}

// Without an SMS provider, a mobile-only person cannot be texted: they are
// on the list too.
func TestWithoutSMSProviderMobileOnlyPeopleAreToPhone(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	cookie := s.signIn(testkit.ConseillerA)
	seance := testkit.ID(testkit.SeancePubliqueA)
	expectBody(t, s.getAs(cookie, "/espace/seances/"+seance+"/annuler"), http.StatusOK,
		[]string{"0 par e-mail, 0 par SMS, 1 à prévenir par téléphone", "Personnes à appeler (1)"}, nil)
	rec := s.postAs(cookie, "/espace/seances/"+seance+"/annuler", url.Values{"motif": {"Panne."}})
	if rec.Code != http.StatusSeeOther || !strings.Contains(followFlash(rec), "1 personne à prévenir par téléphone") {
		t.Fatalf("cancel: %d %q", rec.Code, followFlash(rec))
	}
	expectBody(t, s.getAs(cookie, "/espace/seances/"+seance), http.StatusOK,
		[]string{"À appeler (1)", testkit.NomBeneficiaireA, "annulation de séance"}, nil)
}

// The list names people: only the conseillers who read the structure's
// people see it and tick it.
func TestCallListAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "beneficiaires", testkit.BeneficiaireA, map[string]any{"telephone": "+33549123456"})
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	seance.Set("motif_annulation", "Test.")
	if _, err := envois.NotifySeanceCancelled(s.app, seance); err != nil {
		t.Fatal(err)
	}
	post := "/espace/seances/" + seance.Id + "/a-appeler"
	tick := url.Values{"prevenu": {testkit.ID(testkit.InscriptionA)}}
	for _, c := range []struct {
		who               string
		cookie            string
		list, tick        int
		seesName, ticking bool
	}{
		{"anonyme", "", http.StatusSeeOther, http.StatusSeeOther, false, false},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusOK, http.StatusNotFound, false, false},
		{"référent", s.signIn(testkit.ReferentA), http.StatusForbidden, http.StatusForbidden, false, false},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusForbidden, http.StatusForbidden, false, false},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther, http.StatusSeeOther, false, false},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther, http.StatusSeeOther, false, false},
		{"conseiller de la structure", s.signIn(testkit.ConseillerA), http.StatusOK, http.StatusSeeOther, true, true},
	} {
		rec := s.getAs(c.cookie, "/espace/a-appeler")
		if rec.Code != c.list || strings.Contains(rec.Body.String(), testkit.NomBeneficiaireA) != c.seesName {
			t.Errorf("%s: list %d (name shown: %v), want %d (%v)", c.who, rec.Code, !c.seesName, c.list, c.seesName)
		}
		if rec := s.getAs(c.cookie, "/espace/seances/"+seance.Id); rec.Code == http.StatusOK &&
			strings.Contains(rec.Body.String(), "05 49 12 34 56") != c.seesName {
			t.Errorf("%s: session page shows the phone: %v", c.who, !c.seesName)
		}
		if rec := s.postAs(c.cookie, post, tick); rec.Code != c.tick {
			t.Errorf("%s: tick %d, want %d", c.who, rec.Code, c.tick)
		}
		envoi, err := s.app.FindFirstRecordByFilter("envois", "cible = {:c} && evenement = 'annulation_seance'", dbx.Params{"c": testkit.ID(testkit.InscriptionA)})
		if err != nil || envoi.GetDateTime("prevenu_le").IsZero() == c.ticking {
			t.Errorf("%s: ticked %v, want %v (%v)", c.who, !envoi.GetDateTime("prevenu_le").IsZero(), c.ticking, err)
		}
	}
	// the REST API reads the new fields like the rest of envois, and writes none of them
	if rec := s.apiAs(testkit.ConseillerA, http.MethodPatch, apiRecords("envois")+"/"+testkit.ID(testkit.EnvoiA),
		map[string]any{"prevenu_le": "2020-01-01 00:00:00.000Z"}); rec.Code != http.StatusForbidden {
		t.Errorf("API tick: %d", rec.Code)
	}
}

// A structure's référent or a coordinateur set its reminder delay; bad
// input is refused with a message next to the field.
func TestReminderDelayPerStructure(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	path := "/espace/structures/" + testkit.ID(testkit.StructureA) + "/rappel"
	for _, c := range []struct {
		who    string
		cookie string
		status int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"conseiller", s.signIn(testkit.ConseillerA), http.StatusForbidden},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
	} {
		if rec := s.getAs(c.cookie, path); rec.Code != c.status {
			t.Errorf("%s: GET %d, want %d", c.who, rec.Code, c.status)
		}
		if rec := s.postAs(c.cookie, path, url.Values{"delai": {"12"}}); rec.Code != c.status {
			t.Errorf("%s: POST %d, want %d", c.who, rec.Code, c.status)
		}
	}
	if h := mustFind(t, s.app, "structures", testkit.StructureA).GetInt("delai_rappel_heures"); h != 0 {
		t.Fatalf("changed by someone who may not: %d", h)
	}
	referent := s.signIn(testkit.ReferentA)
	expectBody(t, s.getAs(referent, "/espace"), http.StatusOK, []string{"Médiathèque Alpha : 48 heures avant", `href="` + path + `"`}, nil)
	expectBody(t, s.postAs(referent, path, url.Values{"delai": {"1"}}), http.StatusUnprocessableEntity,
		[]string{"entre 2 et 168", `value="1"`}, nil)
	if rec := s.postAs(referent, path, url.Values{"delai": {"24"}}); rec.Code != http.StatusSeeOther {
		t.Fatalf("référent: %d", rec.Code)
	}
	if h := mustFind(t, s.app, "structures", testkit.StructureA).GetInt("delai_rappel_heures"); h != 24 {
		t.Fatalf("delay %d, want 24", h)
	}
	expectBody(t, s.getAs(referent, "/espace"), http.StatusOK, []string{"Médiathèque Alpha : 24 heures avant"}, nil)
	// another structure's référent: refused by the structures' update rule
	if rec := s.postAs(referent, "/espace/structures/"+testkit.ID(testkit.StructureB)+"/rappel", url.Values{"delai": {"6"}}); rec.Code != http.StatusForbidden {
		t.Errorf("référent of A on B: %d", rec.Code)
	}
	coord := s.signIn(testkit.Coordinateur)
	if rec := s.postAs(coord, "/espace/structures/"+testkit.ID(testkit.StructureB)+"/rappel", url.Values{"delai": {""}}); rec.Code != http.StatusSeeOther {
		t.Errorf("coordinateur: %d", rec.Code)
	}
}

// Past the structure's SMS budget, the confirmation does not leave and the
// person is on the list to phone, at once.
func TestPersonPastTheSMSBudgetIsOnTheCallList(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	fake := &canauxSMS{}
	envois.UseSMS(s.app, fake)
	setBudget(t, s.app, 1, "Europe/Paris")
	for _, p := range []url.Values{person("Lou", "Mobile", "06 98 76 54 32", ""), person("Sam", "Sansbudget", "07 81 22 33 44", "")} {
		if rec := s.post(seanceURL(testkit.SeancePubliqueA)+"/inscription", p); rec.Code != http.StatusSeeOther {
			t.Fatalf("register: %d %s", rec.Code, rec.Body.String())
		}
	}
	if len(fake.to("+33698765432")) != 1 || len(fake.to("+33781223344")) != 0 {
		t.Fatalf("sent: %v", fake.sent)
	}
	list := s.getAs(s.signIn(testkit.ConseillerA), "/espace/a-appeler").Body.String()
	expectIn(t, "call list", list, []string{"Sansbudget"}, []string{"Mobile"})
}
