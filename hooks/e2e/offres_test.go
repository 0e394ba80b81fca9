package e2e

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A place freed for the waiting list is offered: the person opens the
// offer e-mail's link and confirms in a browser without JavaScript; the
// offer page and the confirmed page pass the audit and fit 320 px.
func TestOfferedPlaceIsConfirmedWithoutJavaScript(t *testing.T) {
	f := startFlowServer(t)
	seanceID := f.newSession(t, 1)
	_, first, err := f.register(seanceID, registrant("Ophélie", "Offre", "", "ophelie.offre@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	_, second, err := f.register(seanceID, registrant("Quentin", "Attente", "", "quentin.attente@example.org"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := noRedirect.PostForm(f.URL+strings.TrimSuffix(first, "?confirmation=1"), url.Values{"confirme": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	offer, ok := f.mail.WaitFor(10*time.Second, SentTo("quentin.attente@example.org", "Une place s'est libérée"))
	if !ok {
		t.Fatalf("no offer for Quentin; got %+v", f.mail.Messages())
	}
	link := strings.TrimSuffix(second, "?confirmation=1")
	if !strings.Contains(offer.Text, "Confirmez avant le") || !strings.Contains(offer.HTML, link+`"`) {
		t.Errorf("offer e-mail lacks the deadline or the link %s:\n%s", link, offer.Text)
	}

	ctx := NewBrowser(t)
	if err := WithoutJavaScript(ctx); err != nil {
		t.Fatal(err)
	}
	var heading, status string
	if err := chromedp.Run(ctx,
		chromedp.Navigate(f.URL+link),
		chromedp.WaitVisible(".offre button", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if heading != "Une place s'est libérée pour vous" {
		t.Errorf("offer page heading %q", heading)
	}
	CheckAccessible(t, ctx, "offer page", true)
	CheckFitsNarrowScreen(t, ctx, f.URL+link)
	if err := WithoutJavaScript(ctx); err != nil { // the narrow-screen check may reload
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx,
		chromedp.Navigate(f.URL+link),
		chromedp.Click(".offre button", chromedp.ByQuery),
		chromedp.WaitVisible(".succes", chromedp.ByQuery),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.Text(".succes", &status, chromedp.ByQuery),
	); err != nil {
		t.Fatal(err)
	}
	if heading != "Vous êtes inscrit" || !strings.Contains(status, "votre place est confirmée") {
		t.Errorf("after confirming: %q / %q", heading, status)
	}
	CheckAccessible(t, ctx, "offer confirmed", true)
	page := get(t, f.URL+link, http.StatusOK)
	if strings.Contains(page, "Je confirme ma place") {
		t.Error("the offer is still shown once confirmed")
	}
}
