package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The harness must catch what it is meant to catch: these fixture pages are
// deliberately broken, and the checks the real pages go through must fail
// on them.

const brokenPage = `<!doctype html><html><head><meta name="viewport" content="width=device-width, initial-scale=1"><title>Page cassée</title>
<style>@font-face{font-family:Ext;src:url(http://fonts.example.invalid/ext.woff2)} body{font-family:Ext}</style>
</head><body><main><h1>Inscription</h1>
<form><input type="text" name="nom"><button>Envoyer</button></form>
<div style="width:900px">Trop large pour un téléphone</div>
</main></body></html>`

const cleanPage = `<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Page correcte</title></head>
<body><main><h1>Inscription</h1>
<form><label for="nom">Nom</label><input id="nom" type="text" name="nom"><button>Envoyer</button></form>
</main></body></html>`

func fixtureServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/cassee", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(brokenPage))
	})
	mux.HandleFunc("/correcte", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(cleanPage))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestHarnessCatchesAccessibilityViolations(t *testing.T) {
	ctx := NewBrowser(t)
	srv := fixtureServer(t)

	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/cassee")); err != nil {
		t.Fatal(err)
	}
	violations, err := Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, v := range violations {
		ids[v.ID] = true
	}
	for _, want := range []string{"label", "html-has-lang"} {
		if !ids[want] {
			t.Errorf("axe did not report %q on the broken page; got %v", want, violations)
		}
	}

	if err := chromedp.Run(ctx, chromedp.Navigate(srv.URL+"/correcte")); err != nil {
		t.Fatal(err)
	}
	violations, err = Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(violations) != 0 {
		t.Errorf("the clean fixture page should pass axe, got %v", violations)
	}
}

func TestHarnessCatchesForeignRequestsAndOverflow(t *testing.T) {
	ctx := NewBrowser(t)
	srv := fixtureServer(t)

	load, err := MeasureLoad(ctx, srv.URL+"/cassee")
	if err != nil {
		t.Fatal(err)
	}
	foreign := load.Foreign(srv.URL)
	if len(foreign) != 1 || !strings.Contains(foreign[0], "fonts.example.invalid") {
		t.Errorf("the external font request was not caught: %v", foreign)
	}
	if load.Bytes <= int64(len(brokenPage))/2 {
		t.Errorf("page weight not measured: %d bytes", load.Bytes)
	}

	overflow, err := HorizontalOverflow(ctx, srv.URL+"/cassee", 320)
	if err != nil {
		t.Fatal(err)
	}
	if overflow <= 0 {
		t.Errorf("a 900 px wide block should overflow a 320 px screen, overflow = %d", overflow)
	}
	overflow, err = HorizontalOverflow(ctx, srv.URL+"/correcte", 320)
	if err != nil {
		t.Fatal(err)
	}
	if overflow > 0 {
		t.Errorf("the clean page overflows by %d px at 320 px", overflow)
	}
}
