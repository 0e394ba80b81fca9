package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromiumPath finds Debian's chromium (installed by .ci/run).
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// NewBrowser starts a headless Chromium with a fresh profile (a temporary
// directory chromedp removes once the browser has exited) and returns a
// tab context. Without a browser the test is skipped on a developer's
// machine, but fails in CI (CI=true), where .ci/run installs it.
func NewBrowser(t testing.TB) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is required in CI (apt-get install chromium)")
		}
		t.Skip("browser tests skipped: chromium not installed (apt-get install chromium)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() {
		_ = chromedp.Cancel(ctx) // closes the browser and waits for it
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Run(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// Violation is one failed axe-core rule with the elements it concerns.
type Violation struct {
	ID      string   `json:"id"`
	Impact  string   `json:"impact"`
	Help    string   `json:"help"`
	Targets []string `json:"targets"`
}

func (v Violation) String() string {
	return fmt.Sprintf("%s (%s): %s — %s", v.ID, v.Impact, v.Help, strings.Join(v.Targets, ", "))
}

var (
	axeOnce   sync.Once
	axeSource string
	axeErr    error
)

// axeScript reads axe-core as installed from npm by hooks/e2e/package.json.
func axeScript() (string, error) {
	axeOnce.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			axeErr = err
			return
		}
		b, err := os.ReadFile(filepath.Join(root, "hooks", "e2e", "node_modules", "axe-core", "axe.min.js"))
		if err != nil {
			axeErr = fmt.Errorf("axe-core missing (run: npm ci --prefix hooks/e2e): %w", err)
			return
		}
		axeSource = string(b)
	})
	return axeSource, axeErr
}

// wcagTags are the axe-core rule sets of WCAG 2.1 levels A and AA.
const wcagTags = `["wcag2a","wcag2aa","wcag21a","wcag21aa"]`

// Audit runs axe-core on the current page and returns its WCAG 2.1 A/AA violations.
func Audit(ctx context.Context) ([]Violation, error) {
	source, err := axeScript()
	if err != nil {
		return nil, err
	}
	var raw string
	script := `axe.run(document, {runOnly: {type: "tag", values: ` + wcagTags + `}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			targets: v.nodes.map(n => n.target.join(" "))}))))`
	err = chromedp.Run(ctx,
		chromedp.Evaluate(source, nil),
		chromedp.Evaluate(script, &raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var violations []Violation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		return nil, fmt.Errorf("read axe-core result: %w", err)
	}
	return violations, nil
}

var (
	aceOnce   sync.Once
	aceSource string
	aceErr    error
)

// aceScript reads IBM's Equal Access engine as installed from npm by
// hooks/e2e/package.json: a second engine finds what axe-core does not
// (forms and regions without a name, duplicate accessible names).
func aceScript() (string, error) {
	aceOnce.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			aceErr = err
			return
		}
		b, err := os.ReadFile(filepath.Join(root, "hooks", "e2e", "node_modules", "accessibility-checker-engine", "ace.js"))
		if err != nil {
			aceErr = fmt.Errorf("accessibility-checker-engine missing (run: npm ci --prefix hooks/e2e): %w", err)
			return
		}
		aceSource = string(b)
	})
	return aceSource, aceErr
}

// AuditEqualAccess runs IBM's Equal Access engine with its WCAG 2.1 A/AA
// rule set on the current page and returns the violations (results it is
// sure of; « potential » ones need a person to judge and are left out).
func AuditEqualAccess(ctx context.Context) ([]Violation, error) {
	source, err := aceScript()
	if err != nil {
		return nil, err
	}
	var raw string
	// Closed <details> are opened first: what they hide is audited too.
	script := `document.querySelectorAll("details").forEach(d => d.open = true);
		new ace.Checker().check(document, ["WCAG_2_1"]).then(r => JSON.stringify(r.results
		.filter(x => x.value[0] === "VIOLATION" && x.value[1] === "FAIL")
		.map(x => ({id: x.ruleId, impact: x.reasonId, help: x.message, targets: [x.path.dom]}))))`
	err = chromedp.Run(ctx,
		chromedp.Evaluate(source, nil),
		chromedp.Evaluate(script, &raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams {
			return p.WithAwaitPromise(true)
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("run Equal Access: %w", err)
	}
	var violations []Violation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		return nil, fmt.Errorf("read Equal Access result: %w", err)
	}
	return violations, nil
}

// HorizontalOverflow loads pageURL at the given width (CSS pixels) and
// reports by how many pixels the page is wider than the viewport.
func HorizontalOverflow(ctx context.Context, pageURL string, width int64) (int64, error) {
	var overflow int64
	err := chromedp.Run(ctx,
		emulation.SetDeviceMetricsOverride(width, 640, 1, false),
		chromedp.Navigate(pageURL),
		chromedp.Evaluate(`document.documentElement.scrollWidth - window.innerWidth`, &overflow),
		emulation.ClearDeviceMetricsOverride(),
	)
	return overflow, err
}

// Load is what a page load cost: every response and its compressed size.
type Load struct {
	Requests []string // every URL requested, in order
	Bytes    int64    // bytes received on the wire (headers and compressed bodies)
}

// Foreign lists the requests to another host than the server's.
func (l Load) Foreign(serverURL string) []string {
	base, _ := url.Parse(serverURL)
	var foreign []string
	for _, r := range l.Requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Host != base.Host) {
			foreign = append(foreign, r)
		}
	}
	return foreign
}

// MeasureLoad loads pageURL with a cold cache and sums what came over the wire.
func MeasureLoad(ctx context.Context, pageURL string) (Load, error) {
	var (
		mu   sync.Mutex
		load Load
	)
	listenCtx, stop := context.WithCancel(ctx)
	defer stop()
	chromedp.ListenTarget(listenCtx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			load.Requests = append(load.Requests, e.Request.URL)
		case *network.EventLoadingFinished:
			load.Bytes += int64(e.EncodedDataLength)
		}
	})
	err := chromedp.Run(ctx,
		network.Enable(),
		network.SetCacheDisabled(true),
		network.ClearBrowserCache(),
		chromedp.Navigate(pageURL),
		chromedp.Sleep(300*time.Millisecond), // late subresources (icons) finish
	)
	mu.Lock()
	defer mu.Unlock()
	return Load{Requests: append([]string(nil), load.Requests...), Bytes: load.Bytes}, err
}

// WithoutJavaScript disables scripts in the tab, as on a locked-down phone.
func WithoutJavaScript(ctx context.Context) error {
	return chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(true))
}

// CheckAccessible audits the current page with axe-core and reports every
// violation as a test error prefixed by step. axe-core is a script: when the
// tab browses without JavaScript, scripts are enabled for the audit only.
func CheckAccessible(t *testing.T, ctx context.Context, step string, scriptsDisabled bool) {
	t.Helper()
	if scriptsDisabled {
		if err := chromedp.Run(ctx, emulation.SetScriptExecutionDisabled(false)); err != nil {
			t.Fatalf("%s: enable scripts for the audit: %v", step, err)
		}
		defer func() {
			if err := WithoutJavaScript(ctx); err != nil {
				t.Fatalf("%s: disable scripts again: %v", step, err)
			}
		}()
	}
	violations, err := Audit(ctx)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	for _, v := range violations {
		t.Errorf("%s: %s", step, v)
	}
}

// CheckEqualAccess audits the current page with IBM's Equal Access engine
// and reports every violation as a test error prefixed by step.
func CheckEqualAccess(t *testing.T, ctx context.Context, step string) {
	t.Helper()
	violations, err := AuditEqualAccess(ctx)
	if err != nil {
		t.Fatalf("%s: %v", step, err)
	}
	for _, v := range violations {
		t.Errorf("%s: Equal Access %s", step, v)
	}
}

// DemoPassword is the password of every account made by `atelier demo`.
const DemoPassword = "atelier-demo-2026"

// SignIn signs a staff member in through the /connexion form of the server
// at baseURL and waits for the dashboard.
func SignIn(ctx context.Context, baseURL, email, password string) error {
	err := chromedp.Run(ctx,
		chromedp.Navigate(baseURL+"/connexion"),
		chromedp.WaitVisible("#mot_de_passe", chromedp.ByID),
		chromedp.SendKeys("#email", email, chromedp.ByID),
		chromedp.SendKeys("#mot_de_passe", password, chromedp.ByID),
		chromedp.Click(`form.connexion button[type="submit"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#titre-compteurs", chromedp.ByID),
	)
	if err != nil {
		return fmt.Errorf("sign in %s: %w", email, err)
	}
	return nil
}

// CheckFitsNarrowScreen loads pageURL 320 CSS pixels wide and reports a test
// error if the page is wider than the screen (WCAG reflow).
func CheckFitsNarrowScreen(t *testing.T, ctx context.Context, pageURL string) {
	t.Helper()
	overflow, err := HorizontalOverflow(ctx, pageURL, 320)
	if err != nil || overflow > 0 {
		t.Errorf("%s overflows a 320 px screen by %d px (%v)", pageURL, overflow, err)
	}
}
