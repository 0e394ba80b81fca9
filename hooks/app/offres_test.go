package app_test

import (
	smspkg "atelier/hooks/lib/sms"

	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"atelier/hooks/clock"
	"atelier/hooks/envois"
	"atelier/hooks/inscriptions"
	"atelier/hooks/jobs"
	"atelier/hooks/lib/frfmt"
	"atelier/hooks/lib/stats"
	"atelier/hooks/seances"
	"atelier/hooks/statistiques"
	"atelier/hooks/testkit"
)

// A freed place is offered to the first waiting person, who confirms,
// declines or lets the deadline pass; the offered place is held in every
// count meanwhile.

// waiting puts people with an e-mail on the waiting list of the fixture's
// public session of Alpha (one place, taken by the fixture's person), in
// this order, and returns their registrations.
func waiting(t testing.TB, s *site, prenoms ...string) []*core.Record {
	t.Helper()
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	var out []*core.Record
	for i, p := range prenoms {
		person := newPerson(t, s.app, testkit.StructureA, p, "Attente", strings.ToLower(p)+"@example.org")
		out = append(out, newInscription(t, s.app, testkit.SeancePubliqueA, person, "liste_attente", i+1))
	}
	return out
}

func personalLink(r *core.Record) string { return "/inscription/" + r.GetString("jeton") }

// shortLink is the address of the registration's short code, as an SMS
// carries it.
func shortLink(t *testing.T, s *site, r *core.Record) string {
	t.Helper()
	return "/i/" + mustFindID(t, s.app, "inscriptions", r.Id).GetString("code")
}

// freeFixturePlace cancels the fixture's registration from its personal page.
func freeFixturePlace(t testing.TB, s *site) {
	t.Helper()
	if rec := s.post("/inscription/"+testkit.SecretJeton, confirmed); rec.Code != http.StatusSeeOther {
		t.Fatalf("cancel: status %d", rec.Code)
	}
}

func offerOf(t testing.TB, s *site, r *core.Record) (statut string, deadline time.Time) {
	t.Helper()
	fresh := reload(t, s.app, r)
	return fresh.GetString("statut"), fresh.GetDateTime("offre_expire").Time()
}

// setNow moves the app's clock (pages, confirmations) to at.
func setNow(app core.App, at time.Time) { clock.Set(app, clock.Shifted(at)) }

func TestFreedPlaceIsOfferedHeldAndConfirmed(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	people := waiting(t, s, "Alice", "Bruno")
	alice, bruno := people[0], people[1]
	sent := s.app.TestMailer.TotalSend()
	// Dates are stored to the millisecond: the deadline may be up to one
	// millisecond before the instant read here, to the nanosecond.
	before := testkit.Now().Truncate(time.Millisecond)
	freeFixturePlace(t, s)

	statut, deadline := offerOf(t, s, alice)
	if statut != "inscrit" || deadline.Before(before.Add(24*time.Hour)) || deadline.After(testkit.Now().Add(24*time.Hour)) {
		t.Fatalf("Alice: %s until %v, want an offer of 24 h", statut, deadline)
	}
	if statut, deadline := offerOf(t, s, bruno); statut != "liste_attente" || !deadline.IsZero() || waitingPosition(t, s.app, reload(t, s.app, bruno)) != 1 {
		t.Fatalf("Bruno: %s, offer %v: the second person must keep waiting, first in line", statut, deadline)
	}
	// The offer e-mail: the confirm link and the deadline in Paris time.
	last := s.app.TestMailer.LastMessage()
	local := deadline.In(frfmt.Location("Europe/Paris"))
	if s.app.TestMailer.TotalSend() != sent+1 || last.To[0].Address != "alice@example.org" ||
		!strings.Contains(last.Text, "Confirmez avant le "+frfmt.DateSansAnnee(local)+" à "+frfmt.Heure(local)) ||
		!strings.Contains(last.HTML, `href="`+envois.InstanceURL(s.app)+personalLink(alice)+`"`) ||
		!strings.Contains(last.Text, "Je confirme ma place") {
		t.Fatalf("offer e-mail: %s\n%s", last.Subject, last.Text)
	}
	if envoi, err := s.app.FindFirstRecordByData("envois", "destinataire", "alice@example.org"); err != nil || envoi.GetString("evenement") != "offre_place" {
		t.Fatalf("offer not recorded as offre_place: %v", err)
	}

	// Held everywhere: the public page, the staff page, the API's decision.
	expectBody(t, s.get(seanceURL(testkit.SeancePubliqueA)), http.StatusOK,
		[]string{"Complet — inscription sur liste d'attente (1 personne avant vous)"}, nil)
	cookie := s.signIn(testkit.ConseillerA)
	expectBody(t, s.getAs(cookie, espaceSeance(testkit.SeancePubliqueA)), http.StatusOK,
		[]string{"Inscrits (1)", "Place proposée, jusqu'au " + frfmt.DateSansAnnee(local) + " à " + frfmt.Heure(local),
			"Confirmer sa place (elle a répondu)", "Liste d'attente (1)"}, nil)
	late := newPerson(t, s.app, testkit.StructureA, "Tardif", "Api", "")
	rec := s.apiAs(testkit.ConseillerA, http.MethodPost, apiRecords("inscriptions"), map[string]any{
		"seance": testkit.ID(testkit.SeancePubliqueA), "beneficiaire": late.Id, "statut": "inscrit", "source": "conseiller"})
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"statut":"liste_attente"`) {
		t.Fatalf("an API registration took the offered place: %d %s", rec.Code, rec.Body.String())
	}
	if taken, _, err := seances.CountPlaces(s.app, testkit.ID(testkit.SeancePubliqueA)); err != nil || taken != 1 {
		t.Fatalf("places taken %d (%v), want the offered place", taken, err)
	}

	// Alice's page offers the place; she confirms without JavaScript.
	expectBody(t, s.get(personalLink(alice)), http.StatusOK, []string{"Une place s'est libérée pour vous",
		"Confirmez avant le", `action="` + personalLink(alice) + `/confirmer"`, "Je confirme ma place", "Je ne peux pas venir"},
		[]string{"Annuler mon inscription"})
	rec = s.post(personalLink(alice)+"/confirmer", url.Values{})
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != personalLink(alice)+"?place_confirmee=1" {
		t.Fatalf("confirm: %d to %s", rec.Code, rec.Header().Get("Location"))
	}
	if statut, deadline := offerOf(t, s, alice); statut != "inscrit" || !deadline.IsZero() {
		t.Fatalf("after confirming: %s until %v", statut, deadline)
	}
	expectBody(t, s.get(personalLink(alice)+"?place_confirmee=1"), http.StatusOK,
		[]string{"Vous êtes inscrit", "votre place est confirmée", "Annuler mon inscription"}, []string{"Je confirme ma place"})
	// Confirming again, or once the deadline has passed, changes nothing.
	setNow(s.app, deadline.Add(time.Hour))
	if rec := s.post(personalLink(alice)+"/confirmer", url.Values{}); rec.Header().Get("Location") != personalLink(alice) {
		t.Fatalf("second confirm: %d to %s", rec.Code, rec.Header().Get("Location"))
	}
	if n, err := jobs.PassOnOffers(context.Background(), s.app, deadline.Add(time.Hour)); err != nil || n != 0 {
		t.Fatalf("a confirmed place was passed on: %d, %v", n, err)
	}
	// A job run that listed her offer just before she confirmed claims it
	// again in its transaction, and leaves her place alone.
	if err := s.app.RunInTransaction(func(tx core.App) error {
		lapsed, next, err := seances.ExpireOffer(tx, alice.Id, deadline.Add(time.Hour))
		if lapsed || next != nil {
			t.Errorf("a confirmed place passed on (lapsed %v, someone offered next %v)", lapsed, next != nil)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if statut, _ := offerOf(t, s, alice); statut != "inscrit" {
		t.Fatalf("Alice lost her confirmed place: %s", statut)
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 1, 2)
	// Statistics count her among the requests that went through the waiting list.
	today := stats.DateDe(testkit.Now().UTC())
	d, err := statistiques.LoadStatsData(s.app, []string{testkit.ID(testkit.StructureA)},
		stats.Periode{Du: today.AjouterJours(-1), Au: today.AjouterJours(10)})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, seance := range d.Seances {
		for _, i := range seance.Inscriptions {
			if i.Personne.ID == alice.GetString("beneficiaire") {
				found = true
				if i.Statut != "inscrit" || !i.EtaitEnAttente {
					t.Errorf("Alice in the statistics: %+v", i)
				}
			}
		}
	}
	if !found {
		t.Error("Alice missing from the statistics")
	}
}

func TestDeclinedOfferGoesToTheNextPerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	people := waiting(t, s, "Alice", "Bruno")
	freeFixturePlace(t, s)
	expectBody(t, s.get(personalLink(people[0])+"/annuler"), http.StatusOK,
		[]string{"Vous ne pouvez pas venir ?", "Oui, laisser ma place"}, nil)
	if rec := s.post(personalLink(people[0]), confirmed); rec.Code != http.StatusSeeOther {
		t.Fatalf("decline: %d", rec.Code)
	}
	if statut, _ := offerOf(t, s, people[0]); statut != "annule" {
		t.Fatalf("Alice declined: %s", statut)
	}
	if statut, deadline := offerOf(t, s, people[1]); statut != "inscrit" || deadline.IsZero() {
		t.Fatalf("Bruno: %s until %v, want the offer", statut, deadline)
	}
	if last := s.app.TestMailer.LastMessage(); last.To[0].Address != "bruno@example.org" {
		t.Fatalf("offer sent to %s", last.To[0].Address)
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 1, 0)
}

func TestLapsedOfferPassesOnAndTheFirstWaitsAgainAtTheEnd(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	people := waiting(t, s, "Alice", "Bruno", "Chloe")
	alice, bruno, chloe := people[0], people[1], people[2]
	freeFixturePlace(t, s)
	_, deadline := offerOf(t, s, alice)

	// Before the deadline the job leaves the offer alone.
	if n, err := jobs.PassOnOffers(context.Background(), s.app, deadline.Add(-time.Minute)); err != nil || n != 0 {
		t.Fatalf("an offer passed on before its deadline: %d, %v", n, err)
	}
	if n, err := jobs.PassOnOffers(context.Background(), s.app, deadline); err != nil || n != 1 {
		t.Fatalf("lapsed offer: %d passed on, %v", n, err)
	}
	if n, err := jobs.PassOnOffers(context.Background(), s.app, deadline.Add(time.Minute)); err != nil || n != 0 {
		t.Fatalf("the job passed an offer on twice: %d, %v", n, err)
	}
	if statut, _ := offerOf(t, s, bruno); statut != "inscrit" {
		t.Fatalf("Bruno not offered the place: %s", statut)
	}
	fresh := reload(t, s.app, alice)
	if fresh.GetString("statut") != "liste_attente" || !fresh.GetBool("offre_expiree") || waitingPosition(t, s.app, fresh) != 2 {
		t.Fatalf("Alice after her offer lapsed: %s, rank %d", fresh.GetString("statut"), waitingPosition(t, s.app, fresh))
	}
	setNow(s.app, deadline.Add(time.Minute))
	expectBody(t, s.get(personalLink(alice)), http.StatusOK, []string{"Vous êtes sur liste d'attente (rang 2)",
		"Le délai pour confirmer est passé : la place a été proposée à la personne suivante.",
		"Vous restez sur la liste d'attente, au rang 2."}, []string{"Je confirme ma place"})
	// Her late confirmation gives her nothing.
	if rec := s.post(personalLink(alice)+"/confirmer", url.Values{}); rec.Header().Get("Location") != personalLink(alice) {
		t.Fatalf("late confirm: %d to %s", rec.Code, rec.Header().Get("Location"))
	}
	if statut, _ := offerOf(t, s, alice); statut != "liste_attente" {
		t.Fatalf("a late confirmation took the place: %s", statut)
	}

	// Bruno lets his offer lapse too; reading his page passes it on at once,
	// before the job comes.
	_, brunoDeadline := offerOf(t, s, bruno)
	setNow(s.app, brunoDeadline.Add(time.Second))
	expectBody(t, s.get(personalLink(bruno)), http.StatusOK, []string{"Le délai pour confirmer est passé", "au rang 2"}, nil)
	if statut, deadline := offerOf(t, s, chloe); statut != "inscrit" || deadline.IsZero() {
		t.Fatalf("Chloé not offered the place: %s", statut)
	}
	// Chloé lets it lapse: the place is offered to Alice again, not back to Chloé.
	_, chloeDeadline := offerOf(t, s, chloe)
	setNow(s.app, chloeDeadline.Add(time.Second))
	if rec := s.post(personalLink(chloe)+"/confirmer", url.Values{}); rec.Header().Get("Location") != personalLink(chloe) {
		t.Fatalf("late confirm: %d", rec.Code)
	}
	if statut, deadline := offerOf(t, s, alice); statut != "inscrit" || deadline.IsZero() {
		t.Fatalf("Alice not offered the place again: %s", statut)
	}
	if fresh := reload(t, s.app, alice); fresh.GetBool("offre_expiree") {
		t.Fatal("the lapsed mark stayed on a new offer")
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 1, 2)
}

// The last waiting person whose offer lapses is not offered the same
// place again: it stays free for whoever registers.
func TestLapsedOfferIsNotOfferedBackToTheSamePerson(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	alice := waiting(t, s, "Alice")[0]
	freeFixturePlace(t, s)
	_, deadline := offerOf(t, s, alice)
	sent := s.app.TestMailer.TotalSend()
	if n, err := jobs.PassOnOffers(context.Background(), s.app, deadline); err != nil || n != 0 {
		t.Fatalf("%d offered next, %v", n, err)
	}
	if statut, d := offerOf(t, s, alice); statut != "liste_attente" || !d.IsZero() || s.app.TestMailer.TotalSend() != sent {
		t.Fatalf("Alice: %s until %v, %d messages", statut, d, s.app.TestMailer.TotalSend()-sent)
	}
	assertRanks(t, s.app, testkit.ID(testkit.SeancePubliqueA), 0, 1)
}

// Close to the start, the offer is shorter, and within six hours the
// place is given directly; the structure sets its own delay.
func TestOfferDelayNearTheStartAndPerStructure(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		start time.Duration
		delai int
		want  time.Duration // 0: given directly
	}{
		{"30 h ahead: half the time left", 30 * time.Hour, 0, 15 * time.Hour},
		{"a week ahead, the structure's 2 h", 7 * 24 * time.Hour, 2, 2 * time.Hour},
		{"7 h ahead: 3 h 30", 7 * time.Hour, 0, 210 * time.Minute},
		{"5 h ahead: given directly", 5 * time.Hour, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := newSite(t)
			if c.delai > 0 {
				setFields(t, s.app, "structures", testkit.StructureA, map[string]any{"delai_offre_heures": c.delai})
			}
			alice := waiting(t, s, "Alice")[0]
			moveSession(t, s.app, testkit.SeancePubliqueA, testkit.Now().Add(c.start).Truncate(time.Minute), 2*time.Hour)
			before := testkit.Now()
			freeFixturePlace(t, s)
			statut, deadline := offerOf(t, s, alice)
			if statut != "inscrit" {
				t.Fatalf("Alice: %s", statut)
			}
			envoi, err := s.app.FindFirstRecordByData("envois", "destinataire", "alice@example.org")
			if err != nil {
				t.Fatal(err)
			}
			if c.want == 0 {
				if !deadline.IsZero() || envoi.GetString("evenement") != "promotion" {
					t.Fatalf("offered until %v (%s), want the place given directly", deadline, envoi.GetString("evenement"))
				}
				return
			}
			// Half the time left counts from the instant of the offer.
			// and the start was rounded down to the minute.
			slack := time.Minute + testkit.Now().Sub(before)
			if got := deadline.Sub(before); got < c.want-slack || got > c.want+slack || envoi.GetString("evenement") != "offre_place" {
				t.Fatalf("offered for %v (%s), want %v", got, envoi.GetString("evenement"), c.want)
			}
		})
	}
}

// smsRecorder is an SMS provider keeping what it sends.
type smsRecorder struct {
	mu   sync.Mutex
	sent []string
}

func (r *smsRecorder) Send(to, text string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, to+" "+text)
	return nil
}

// Nobody to write to (no e-mail, no mobile): the place is given at once
// and staff are told to phone. A mobile alone: the offer goes by SMS.
func TestOfferChannels(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	fixe := newPerson(t, s.app, testkit.StructureA, "Fernand", "Fixe", "")
	fixe.Set("telephone", "+33549112233")
	mobile := newPerson(t, s.app, testkit.StructureA, "Maud", "Mobile", "")
	mobile.Set("telephone", "+33698765432")
	for _, p := range []*core.Record{fixe, mobile} {
		if err := s.app.Save(p); err != nil {
			t.Fatal(err)
		}
	}
	fixeInscription := newInscription(t, s.app, testkit.SeancePubliqueA, fixe, "liste_attente", 1)
	mobileInscription := newInscription(t, s.app, testkit.SeancePubliqueA, mobile, "liste_attente", 2)
	sms := &smsRecorder{}
	envois.UseSMS(s.app, sms)

	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	rec := s.postAs(cookie, page+"/inscriptions/"+testkit.ID(testkit.InscriptionA)+"/annuler", confirmed)
	expectRedirect(t, rec, page)
	if flash := followFlash(rec); !strings.Contains(flash, "donnée à la personne suivante de la liste d'attente : Fernand Fixe. Ni e-mail ni SMS ne peut la prévenir : appelez-la.") {
		t.Fatalf("flash %q", flash)
	}
	if statut, deadline := offerOf(t, s, fixeInscription); statut != "inscrit" || !deadline.IsZero() {
		t.Fatalf("Fernand: %s until %v, want the place at once", statut, deadline)
	}
	// Fernand cancels by phone: Maud is offered the place by SMS.
	rec = s.postAs(cookie, page+"/inscriptions/"+fixeInscription.Id+"/annuler", confirmed)
	if flash := followFlash(rec); !strings.Contains(flash, "proposée à la personne suivante de la liste d'attente : Maud Mobile, jusqu'au ") ||
		!strings.Contains(flash, "(prévenue par SMS)") {
		t.Fatalf("flash %q", flash)
	}
	if statut, deadline := offerOf(t, s, mobileInscription); statut != "inscrit" || deadline.IsZero() {
		t.Fatalf("Maud: %s until %v, want an offer", statut, deadline)
	}
	// Maud's only SMS is the offer, with her short personal link.
	var maud []string
	for _, text := range sms.sent {
		if strings.HasPrefix(text, "+33698765432 ") {
			maud = append(maud, text)
		}
	}
	if len(maud) != 1 || !strings.HasPrefix(maud[0], "+33698765432 Place libérée") ||
		!strings.Contains(maud[0], envois.InstanceURL(s.app)+shortLink(t, s, mobileInscription)) {
		t.Fatalf("SMS: %q", sms.sent)
	}
	envoi, err := s.app.FindFirstRecordByData("envois", "destinataire", "+33698765432")
	if err != nil || envoi.GetString("canal") != "sms" || envoi.GetString("evenement") != "offre_place" ||
		smspkg.Segments(envoi.GetString("texte")) != 1 {
		t.Fatalf("SMS record: %v %v", envoi, err)
	}
}

// Without an SMS provider, a mobile reaches nobody: the person with only a
// mobile is given the freed place at once, and is on the list to phone.
func TestWithoutSMSProviderTheMobileOnlyPersonGetsThePlace(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	setFields(t, s.app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": 1})
	mobile := newPerson(t, s.app, testkit.StructureA, "Maud", "Mobile", "")
	mobile.Set("telephone", "+33698765432")
	if err := s.app.Save(mobile); err != nil {
		t.Fatal(err)
	}
	inscription := newInscription(t, s.app, testkit.SeancePubliqueA, mobile, "liste_attente", 1)
	cookie := s.signIn(testkit.ConseillerA)
	page := espaceSeance(testkit.SeancePubliqueA)
	rec := s.postAs(cookie, page+"/inscriptions/"+testkit.ID(testkit.InscriptionA)+"/annuler", confirmed)
	if flash := followFlash(rec); !strings.Contains(flash, "donnée à la personne suivante de la liste d'attente : Maud Mobile. Ni e-mail ni SMS ne peut la prévenir : appelez-la.") {
		t.Fatalf("flash %q", flash)
	}
	if statut, deadline := offerOf(t, s, inscription); statut != "inscrit" || !deadline.IsZero() {
		t.Fatalf("Maud: %s until %v, want the place at once", statut, deadline)
	}
	expectIn(t, "call list", s.getAs(cookie, "/espace/a-appeler").Body.String(), []string{"Maud"}, nil)
}

// The offer's SMS fits in one message, and in two whatever the title and
// the address, its link whole.
func TestOfferSMSFitsOneMessage(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	alice := waiting(t, s, "Alice")[0]
	setFields(t, s.app, "ateliers", testkit.AtelierA, map[string]any{"titre": strings.Repeat("Très long titre d'atelier ", 7)})
	freeFixturePlace(t, s)
	for _, base := range []string{"https://atelier.example.org", "https://ateliers-numeriques.mediatheque-de-la-communaute.example.org"} {
		o, err := envois.OffreMessage(s.app, base, reload(t, s.app, alice))
		if err != nil {
			t.Fatal(err)
		}
		if n := smspkg.Segments(o.SMS); n > 2 || !strings.Contains(o.SMS, base+shortLink(t, s, alice)+"\n") {
			t.Errorf("SMS of %d segments: %q", n, o.SMS)
		}
		if !strings.Contains(o.SMS, "Confirmez avant") {
			t.Errorf("SMS without its deadline: %q", o.SMS)
		}
	}
}

// The confirm POST: an unknown token, another person's token, a replay.
func TestOfferConfirmationAccess(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	people := waiting(t, s, "Alice", "Bruno")
	freeFixturePlace(t, s)
	if rec := s.post("/inscription/"+strings.Repeat("Z", 43)+"/confirmer", url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("unknown token: %d", rec.Code)
	}
	// Bruno's own token confirms nothing of Alice's.
	s.post(personalLink(people[1])+"/confirmer", url.Values{})
	if statut, deadline := offerOf(t, s, people[0]); statut != "inscrit" || deadline.IsZero() {
		t.Errorf("Alice's offer changed by Bruno's link: %s %v", statut, deadline)
	}
	if statut, _ := offerOf(t, s, people[1]); statut != "liste_attente" {
		t.Errorf("Bruno took a place by confirming: %s", statut)
	}
	// The REST API never confirms nor makes an offer, whoever asks.
	for _, role := range []string{testkit.ConseillerA, testkit.ReferentA, testkit.Coordinateur} {
		rec := s.apiAs(role, http.MethodPatch, apiRecords("inscriptions")+"/"+people[0].Id, map[string]any{"offre_expire": ""})
		if statut, deadline := offerOf(t, s, people[0]); deadline.IsZero() || statut != "inscrit" {
			t.Errorf("%s confirmed through the API (%d)", role, rec.Code)
		}
		s.apiAs(role, http.MethodPatch, apiRecords("inscriptions")+"/"+people[1].Id,
			map[string]any{"offre_expire": testkit.Now().Add(time.Hour), "offre_expiree": true})
		if fresh := reload(t, s.app, people[1]); !fresh.GetDateTime("offre_expire").IsZero() || fresh.GetBool("offre_expiree") {
			t.Errorf("%s set an offer through the API", role)
		}
	}
	if rec := s.api(http.MethodPatch, apiRecords("inscriptions")+"/"+people[0].Id, "", map[string]any{"offre_expire": ""}); rec.Code < 400 {
		t.Errorf("anonymous API update: %d", rec.Code)
	}
	// Alice confirms; a replay of the same POST changes nothing more.
	s.post(personalLink(people[0])+"/confirmer", url.Values{})
	updated := reload(t, s.app, people[0]).GetDateTime("updated")
	if rec := s.post(personalLink(people[0])+"/confirmer", url.Values{}); rec.Code != http.StatusSeeOther ||
		!reload(t, s.app, people[0]).GetDateTime("updated").Equal(updated) {
		t.Errorf("replayed confirmation: %d", rec.Code)
	}
}

// Staff confirm a place on the person's behalf, with the rights of the
// other actions on a registration.
func TestStaffConfirmOfferByRole(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	alice := waiting(t, s, "Alice")[0]
	freeFixturePlace(t, s)
	page := espaceSeance(testkit.SeancePubliqueA)
	confirm := page + "/inscriptions/" + alice.Id + "/confirmer"
	for _, c := range []struct {
		who    string
		cookie string
		status int
	}{
		{"anonyme", "", http.StatusSeeOther},
		{"conseiller d'une autre structure", s.signIn(testkit.ConseillerB), http.StatusNotFound},
		{"référent", s.signIn(testkit.ReferentA), http.StatusForbidden},
		{"coordinateur", s.signIn(testkit.Coordinateur), http.StatusForbidden},
		{"désactivé", "atelier_session=" + testkit.Token(t, testkit.InactifA), http.StatusSeeOther},
		{"déconnecté", "atelier_session=" + testkit.Token(t, testkit.DeconnecteA), http.StatusSeeOther},
	} {
		if rec := s.postAs(c.cookie, confirm, url.Values{}); rec.Code != c.status {
			t.Errorf("%s: %d, want %d", c.who, rec.Code, c.status)
		}
		if _, deadline := offerOf(t, s, alice); deadline.IsZero() {
			t.Fatalf("%s confirmed the place", c.who)
		}
	}
	cookie := s.signIn(testkit.ConseillerA)
	// Another session's id in the URL finds nothing.
	if rec := s.postAs(cookie, espaceSeance(testkit.SeancePriveeA)+"/inscriptions/"+alice.Id+"/confirmer", url.Values{}); rec.Code != http.StatusNotFound {
		t.Errorf("confirm through another session: %d", rec.Code)
	}
	rec := s.postAs(cookie, confirm, url.Values{})
	expectRedirect(t, rec, page)
	if flash := followFlash(rec); flash != "Alice Attente : place confirmée. Elle est inscrite." {
		t.Errorf("flash %q", flash)
	}
	if statut, deadline := offerOf(t, s, alice); statut != "inscrit" || !deadline.IsZero() {
		t.Fatalf("after staff confirmation: %s until %v", statut, deadline)
	}
	expectBody(t, s.postAs(cookie, confirm, url.Values{}), http.StatusConflict,
		[]string{"Cette personne n&#39;a pas de place proposée en attente de réponse."}, nil)
}

// Many people cancel, register, confirm and let offers lapse at once on
// one session: the places taken never exceed the capacity, every freed
// place is held by exactly one person, and waiting ranks stay exact.
func TestConcurrentOffersKeepCountsAndRanksExact(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	app := s.app
	const capacite = 5
	setFields(t, app, "seances", testkit.SeancePubliqueA, map[string]any{"capacite": capacite})
	seanceID := testkit.ID(testkit.SeancePubliqueA)
	var holders, waiters []*core.Record
	for i := range 30 {
		p := newPerson(t, app, testkit.StructureA, "P", fmt.Sprint("N", i), fmt.Sprintf("p%d@example.org", i))
		switch {
		case i < capacite-1: // with the fixture's person, the session is full
			holders = append(holders, newInscription(t, app, testkit.SeancePubliqueA, p, "inscrit", 0))
		default:
			waiters = append(waiters, newInscription(t, app, testkit.SeancePubliqueA, p, "liste_attente", i))
		}
	}
	now := testkit.Now()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	fail := func(err error) {
		mu.Lock()
		errs = append(errs, err)
		mu.Unlock()
	}
	run := func(f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil {
				fail(err)
			}
		}()
	}
	for _, h := range append(holders, mustFind(t, app, "inscriptions", testkit.InscriptionA)) {
		jeton := h.GetString("jeton")
		run(func() error { _, err := inscriptions.CancelInscription(app, jeton, now); return err })
	}
	for i := range 10 {
		run(func() error {
			f := inscriptions.InscriptionForm{Prenom: "Nouveau", Nom: fmt.Sprint("R", i), Consentement: true,
				TelephoneNormalise: fmt.Sprintf("+3376%07d", i)}
			_, err := inscriptions.Register(app, seanceID, f, now)
			return err
		})
	}
	for round := range 3 {
		for i, w := range waiters {
			jeton := w.GetString("jeton")
			if (i+round)%2 == 0 { // some answer, some let their offer lapse
				run(func() error {
					_, err := inscriptions.ConfirmOffer(app, jeton, now)
					if err == inscriptions.ErrPasDOffre {
						return nil
					}
					return err
				})
			}
		}
		run(func() error { _, err := seances.ExpireOffers(app, now.Add(25*time.Hour)); return err })
	}
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	var inscrits, offres, attente, distinct, last int
	err := app.DB().NewQuery(`SELECT
			count(*) FILTER (WHERE statut = 'inscrit'),
			count(*) FILTER (WHERE statut = 'inscrit' AND offre_expire != ''),
			count(*) FILTER (WHERE statut = 'liste_attente'),
			count(DISTINCT rang_attente) FILTER (WHERE statut = 'liste_attente'),
			coalesce(min(rang_attente) FILTER (WHERE statut = 'liste_attente'), 1)
		FROM inscriptions WHERE seance = {:s}`).Bind(dbx.Params{"s": seanceID}).Row(&inscrits, &offres, &attente, &distinct, &last)
	if err != nil {
		t.Fatal(err)
	}
	// 26 waiting + 10 new - nobody left the list for good: every freed place is held again.
	if inscrits != capacite || attente != 26+10-capacite || distinct != attente || last < 1 {
		t.Errorf("%d with a place (%d offered), %d waiting with %d distinct ranks; want %d places and %d waiting",
			inscrits, offres, attente, distinct, capacite, 26+10-capacite)
	}
	assertRanks(t, app, seanceID, capacite, 26+10-capacite)
}

// No reminder for a place offered and not yet confirmed: the offer is the
// message; once confirmed, the reminder goes as for anyone registered.
func TestNoReminderForAnUnconfirmedOffer(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	alice := waiting(t, s, "Alice")[0]
	moveSession(t, s.app, testkit.SeancePubliqueA, testkit.Now().Add(40*time.Hour), 2*time.Hour)
	// Alice waited long before the place freed up.
	if _, err := s.app.DB().NewQuery("UPDATE inscriptions SET created = {:d} WHERE id = {:id}").
		Bind(dbx.Params{"d": testkit.Now().Add(-72 * time.Hour).UTC().Format("2006-01-02 15:04:05.000Z"), "id": alice.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	freeFixturePlace(t, s)
	remindersTo := func() int {
		t.Helper()
		if _, err := jobs.SendReminders(context.Background(), s.app, nil, testkit.Now()); err != nil {
			t.Fatal(err)
		}
		_, err := s.app.FindFirstRecordByFilter("envois", "destinataire = 'alice@example.org' && evenement = 'rappel'")
		if err != nil {
			return 0
		}
		return 1
	}
	if remindersTo() != 0 {
		t.Fatal("a reminder went to a place not yet confirmed")
	}
	s.post(personalLink(alice)+"/confirmer", url.Values{})
	if remindersTo() != 1 {
		t.Fatal("no reminder once the place is confirmed")
	}
}

// Every path that frees a place offers it the same way: a registration
// deleted through the API, a capacity raised on the session form (one
// person offered the place, one without e-mail nor mobile given it, to be
// phoned).
func TestEveryPathThatFreesAPlaceOffersIt(t *testing.T) {
	t.Parallel()
	s := newSite(t)
	people := waiting(t, s, "Alice")
	fixe := newPerson(t, s.app, testkit.StructureA, "Fernand", "Fixe", "")
	fixe.Set("telephone", "+33549112233")
	if err := s.app.Save(fixe); err != nil {
		t.Fatal(err)
	}
	fernand := newInscription(t, s.app, testkit.SeancePubliqueA, fixe, "liste_attente", 2)
	bruno := newInscription(t, s.app, testkit.SeancePubliqueA,
		newPerson(t, s.app, testkit.StructureA, "Bruno", "Attente", "bruno@example.org"), "liste_attente", 3)

	rec := s.apiAs(testkit.ConseillerA, http.MethodDelete, apiRecords("inscriptions")+"/"+testkit.ID(testkit.InscriptionA), nil)
	if rec.Code != http.StatusNoContent {
		t.Fatalf("API delete: %d %s", rec.Code, rec.Body.String())
	}
	if statut, deadline := offerOf(t, s, people[0]); statut != "inscrit" || deadline.IsZero() {
		t.Fatalf("after an API delete, Alice: %s until %v", statut, deadline)
	}
	if !mailSentTo(s, "alice@example.org", "Une place s'est libérée") {
		t.Error("no offer e-mail after an API delete")
	}

	cookie := s.signIn(testkit.ConseillerA)
	seance := mustFind(t, s.app, "seances", testkit.SeancePubliqueA)
	debut := seance.GetDateTime("debut").Time().In(paris)
	form := planForm(map[string]string{"date": debut.Format("2006-01-02"), "heure": debut.Format("15:04"), "duree": "120",
		"capacite": "3"})
	rec = s.postAs(cookie, "/espace/seances/"+seance.Id+"/modifier", form)
	if flash := followFlash(rec); !strings.Contains(flash, "1 place proposée à la liste d'attente. 1 personne inscrite de la liste d'attente. Sans e-mail ni mobile, à appeler pour les prévenir : Fernand Fixe.") {
		t.Fatalf("capacity raised: %d %q", rec.Code, flash)
	}
	if statut, deadline := offerOf(t, s, fernand); statut != "inscrit" || !deadline.IsZero() {
		t.Errorf("Fernand: %s until %v, want the place directly", statut, deadline)
	}
	if statut, deadline := offerOf(t, s, bruno); statut != "inscrit" || deadline.IsZero() {
		t.Errorf("Bruno: %s until %v, want an offer", statut, deadline)
	}
	assertRanks(t, s.app, seance.Id, 3, 0)
}
