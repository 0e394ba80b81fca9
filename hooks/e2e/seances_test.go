package e2e

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
)

// Planning and cancelling sessions against the real server: the series is
// created through the form, people register on the public page, and the
// cancellation e-mails reach a real SMTP server.

// staffHTTP is a staff member signed in over plain HTTP: the session cookie,
// and the site's own Origin on every form, as a browser sends them.
type staffHTTP struct {
	base   string
	cookie string
}

func signInHTTP(t *testing.T, base, email string) *staffHTTP {
	t.Helper()
	c := &staffHTTP{base: base}
	res := c.post(t, "/connexion", url.Values{"email": {email}, "mot_de_passe": {DemoPassword}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in %s: status %d", email, res.StatusCode)
	}
	for _, cookie := range res.Cookies() {
		if cookie.Name == "atelier_session" {
			c.cookie = cookie.Name + "=" + cookie.Value
		}
	}
	if c.cookie == "" {
		t.Fatalf("sign in %s: no session cookie", email)
	}
	return c
}

func (c *staffHTTP) post(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	if c.cookie != "" {
		req.Header.Set("Cookie", c.cookie)
	}
	res, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// demoPlanForm plans at the demo conseiller's first place with a shared
// workshop of the catalogue, in ten days at 10:00.
func demoPlanForm(t *testing.T, f *flowServer) url.Values {
	t.Helper()
	staff, err := f.db.FindAuthRecordByEmail("utilisateurs", demoConseiller)
	if err != nil {
		t.Fatal(err)
	}
	lieu, err := f.db.FindFirstRecordByFilter("lieux", "structure = {:s}", dbx.Params{"s": staff.GetStringSlice("structures")[0]})
	if err != nil {
		t.Fatal(err)
	}
	atelier, err := f.db.FindFirstRecordByFilter("ateliers", "structure = '' && actif = true")
	if err != nil {
		t.Fatal(err)
	}
	return url.Values{"atelier": {atelier.Id}, "lieu": {lieu.Id}, "date": {time.Now().AddDate(0, 0, 10).Format("2006-01-02")},
		"heure": {"10:00"}, "duree": {"90"}, "capacite": {"12"}, "publique": {"1"}, "inscriptions_ouvertes": {"1"},
		"animateurs": {staff.Id}, "confirme_ferie": {"1"}, "jours_feries": {"garder"}, "confirme_chevauchement": {"1"}} // whatever today and the demo hold
}

func TestCancellingTheRestOfASeriesEmailsEveryRegistrant(t *testing.T) {
	f := startFlowServer(t)
	staff := signInHTTP(t, f.URL, demoConseiller)
	form := demoPlanForm(t, f)
	form.Set("repetition", "1")
	form.Set("occurrences", "3")
	res := staff.post(t, "/espace/seances/nouvelle", form)
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("plan series: %d", res.StatusCode)
	}
	first, err := f.db.FindRecordById("seances", strings.TrimPrefix(res.Header.Get("Location"), "/espace/seances/"))
	if err != nil {
		t.Fatal(err)
	}
	series, err := f.db.FindRecordsByFilter("seances", "serie = {:s}", "debut", 0, 0, dbx.Params{"s": first.GetString("serie")})
	if err != nil || len(series) != 3 {
		t.Fatalf("series of %d sessions (%v)", len(series), err)
	}
	people := []string{"serie.un@example.org", "serie.deux@example.org"}
	for i, email := range people {
		status, _, err := f.register(series[i+1].Id, registrant("Série", fmt.Sprintf("Personne%d", i), "", email))
		if err != nil || status != http.StatusSeeOther {
			t.Fatalf("register %s: %d %v", email, status, err)
		}
	}
	res = staff.post(t, "/espace/seances/"+series[1].Id+"/annuler",
		url.Values{"motif": {"La salle est en travaux."}, "portee": {"suivantes"}})
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", res.StatusCode)
	}
	for _, email := range people {
		mail, ok := f.mail.WaitFor(10*time.Second, SentTo(email, "Atelier annulé"))
		if !ok {
			t.Errorf("no cancellation e-mail for %s", email)
			continue
		}
		if !strings.Contains(mail.Text, "La salle est en travaux.") || strings.Contains(mail.Text, "/inscription/") {
			t.Errorf("cancellation e-mail to %s:\n%s", email, mail.Text)
		}
	}
	for i, s := range series {
		fresh, _ := f.db.FindRecordById("seances", s.Id)
		want := map[bool]string{true: "planifiee", false: "annulee"}[i == 0]
		if fresh.GetString("statut") != want {
			t.Errorf("occurrence %d: %s, want %s", i, fresh.GetString("statut"), want)
		}
	}
	if page := get(t, f.URL+"/ateliers/"+series[2].Id, http.StatusOK); !strings.Contains(page, "Cette séance est annulée.") {
		t.Error("the public page of a cancelled session does not say so")
	}
}

// The demo conseiller plans a weekly series in the browser: chooses the
// workshop, fills the form, lands on the session's page; every page passes
// the accessibility audit. (The pages have no script; values are set with
// the DevTools protocol, which needs scripts on.)
func TestPlanningInTheBrowser(t *testing.T) {
	f := startFlowServer(t)
	ctx := NewBrowser(t)
	if err := SignIn(ctx, f.URL, demoConseiller, DemoPassword); err != nil {
		t.Fatal(err)
	}
	form := demoPlanForm(t, f)
	err := chromedp.Run(ctx,
		chromedp.Navigate(f.URL+"/espace/seances/nouvelle"),
		chromedp.WaitVisible("#atelier", chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "choose the workshop", false)
	err = chromedp.Run(ctx,
		chromedp.SetValue("#atelier", form.Get("atelier"), chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#lieu", chromedp.ByID),
	)
	if err != nil {
		t.Fatal(err)
	}
	CheckAccessible(t, ctx, "planning form", false)
	var heading string
	err = chromedp.Run(ctx,
		chromedp.SetValue("#lieu", form.Get("lieu"), chromedp.ByID),
		chromedp.SetValue("#date", form.Get("date"), chromedp.ByID),
		chromedp.SetValue("#heure", "07:15", chromedp.ByID), // before any demo session: no overlap to confirm
		chromedp.Click(`label[for="repetition-1"]`, chromedp.ByQuery),
		chromedp.SetValue("#occurrences", "3", chromedp.ByID),
		chromedp.Click(`main form button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible(".flash", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	var flash string
	if err := chromedp.Run(ctx, chromedp.Text(".flash", &flash, chromedp.ByQuery)); err != nil || !strings.HasPrefix(flash, "Série de 3 séances planifiée") {
		t.Errorf("flash %q (%v)", flash, err)
	}
	CheckAccessible(t, ctx, "session page after planning", false)
	var session string
	if err := chromedp.Run(ctx, chromedp.Location(&session)); err != nil {
		t.Fatal(err)
	}
	// the other pages of a session's life: list, edit and cancel forms
	for step, path := range map[string]string{
		"session list": "/espace/seances", "cancelled sessions": "/espace/seances?quand=annulees",
		"edit form": strings.TrimPrefix(session, f.URL) + "/modifier", "cancel form": strings.TrimPrefix(session, f.URL) + "/annuler",
	} {
		if err := chromedp.Run(ctx, chromedp.Navigate(f.URL+path), chromedp.WaitVisible("h1", chromedp.ByQuery)); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
		CheckAccessible(t, ctx, step, false)
		CheckFitsNarrowScreen(t, ctx, f.URL+path)
	}
	CheckFitsNarrowScreen(t, ctx, f.URL+"/espace/seances/nouvelle?atelier="+form.Get("atelier"))
}
