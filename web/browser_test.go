package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/why401/why401/lab"
)

// The page in a real browser: Debian's Chromium, driven by chromedp,
// against the page served in-process on 127.0.0.1:0 and the lab.
//
//	WHY401_BROWSER=1 go test ./web/ -run Browser        the test
//	WHY401_SCREENSHOTS=1 as well                         also writes docs/img/serve-*.png
//
// Chromium comes from testenv/chromium/install.sh. When WHY401_BROWSER=1
// and it is missing the test fails: asked for and not run is a failure.

const chromiumPath = "/usr/bin/chromium"

// shotDir is where the screenshots go, from the package directory.
const shotDir = "../docs/img"

func TestBrowser(t *testing.T) {
	if os.Getenv("WHY401_BROWSER") != "1" {
		t.Skip("browser test not requested: install Chromium with testenv/chromium/install.sh, then set WHY401_BROWSER=1")
	}
	if fi, err := os.Stat(chromiumPath); err != nil || fi.IsDir() {
		t.Fatalf("WHY401_BROWSER=1 but %s is missing (%v): run testenv/chromium/install.sh", chromiumPath, err)
	}
	shots := os.Getenv("WHY401_SCREENSHOTS") == "1"
	if shots {
		if err := os.MkdirAll(shotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	labSrv := startLab(t)
	ts := startServer(t, Options{Version: "0.1.0"})
	b := newBrowser(t, ts)

	// shot saves the viewport; shotPage the whole page.
	shot := func(name string) { screenshot(b, shots, name, chromedp.CaptureScreenshot()) }
	shotPage := func(name string) { screenshot(b, shots, name, chromedp.FullScreenshot(100)) }
	desktop := func() { b.do(chromedp.EmulateViewport(1280, 900)) }
	phone := func() {
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch))
	}

	desktop()

	t.Run("the index page shows the three inputs", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#url")))
		for _, sel := range []string{"#h-url", "#h-curl", "#h-har", "#drop.enhanced"} {
			b.do(chromedp.WaitVisible(chromedp.CSS(sel)))
		}
		shotPage("serve-home.png")
	})

	t.Run("keyboard alone: tab to the URL field, type, press Enter", func(t *testing.T) {
		b.t = t
		sc := scenario(t, labSrv, "basic-over-http") // plain http: no TLS option needed
		b.do(chromedp.Navigate(ts.URL + "/"))
		reached := false
		for i := 0; i < 5 && !reached; i++ {
			b.do(chromedp.KeyEvent("\t"))
			reached = b.eval(`document.activeElement && document.activeElement.id === "url"`) == "true"
		}
		if !reached {
			t.Fatalf("five tabs from the top do not reach the URL field (focus on %s)", b.eval(`document.activeElement.outerHTML.slice(0, 80)`))
		}
		if ring := b.eval(`getComputedStyle(document.activeElement).outlineStyle`); ring == `"none"` {
			t.Errorf("the focused URL field shows no focus ring")
		}
		b.do(chromedp.KeyEvent(labSrv.Env.URL(sc)), chromedp.KeyEvent("\r"), chromedp.WaitVisible(chromedp.CSS(".why401 .verdict")))
		if text := b.text(".why401"); !strings.Contains(text, "credentials.none-sent") {
			t.Errorf("the result lacks credentials.none-sent:\n%s", text)
		}
	})

	var resultURL string
	t.Run("a lab URL shows the verdict and a finding", func(t *testing.T) {
		b.t = t
		sc := scenario(t, labSrv, "redirect-dropped")
		b.do(
			chromedp.Navigate(ts.URL+"/"),
			chromedp.SendKeys(chromedp.CSS("#url"), labSrv.Env.URL(sc)),
			chromedp.SendKeys(chromedp.CSS("#user"), lab.User),
			chromedp.SendKeys(chromedp.CSS("#password"), lab.Password),
			chromedp.Click(chromedp.CSS("details.options > summary")),
			chromedp.Click(chromedp.CSS(`input[name="insecure"]`)),
			chromedp.Click(chromedp.CSS(`form[action="/check"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".why401 .verdict")),
		)
		verdict := b.text(".why401 .verdict")
		if !strings.Contains(verdict, "redirect to another origin dropped your credentials") {
			t.Errorf("verdict %q, want the dropped credentials", verdict)
		}
		for _, want := range []string{"redirect.credentials-dropped", "who can fix it", "Fix"} {
			if !strings.Contains(b.text(".why401"), want) {
				t.Errorf("the report lacks %q", want)
			}
		}
		chain := b.text(".chain")
		for _, want := range []string{"another origin", "credentials: no", "curl", "browsers", "Python requests", "✗ dropped"} {
			if !strings.Contains(chain, want) {
				t.Errorf("the chain panel lacks %q:\n%s", want, chain)
			}
		}
		if ch := b.text(".challenge"); !strings.Contains(ch, "Basic") || !strings.Contains(ch, "realm") || !strings.Contains(ch, "RFC 7617") {
			t.Errorf("the challenge panel lacks the scheme, its parameters or its spec:\n%s", ch)
		}
		resultURL = b.location()
		shot("serve-result.png")
	})

	t.Run("dark mode", func(t *testing.T) {
		b.t = t
		dark := emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}
		if _, err := chromedp.Call(b.ctx, emulation.SetEmulatedMedia, dark); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_, _ = chromedp.Call(b.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
		}()
		b.do(chromedp.Navigate(resultURL), chromedp.WaitVisible(chromedp.CSS(".why401 .verdict")))
		if bg := b.eval(`getComputedStyle(document.body).backgroundColor`); bg != `"rgb(17, 19, 23)"` {
			t.Errorf("dark mode background %s, want the dark palette", bg)
		}
		shot("serve-result-dark.png")
	})

	t.Run("credentials are accepted", func(t *testing.T) {
		b.t = t
		sc := scenario(t, labSrv, "basic-accepted")
		labSrv.Env.Uses(sc.ID)
		b.do(
			chromedp.Navigate(ts.URL+"/"),
			chromedp.SendKeys(chromedp.CSS("#url"), labSrv.Env.URL(sc)),
			chromedp.SendKeys(chromedp.CSS("#user"), lab.User),
			chromedp.SendKeys(chromedp.CSS("#password"), lab.Password),
			chromedp.Click(chromedp.CSS("details.options > summary")),
			chromedp.Click(chromedp.CSS(`input[name="insecure"]`)),
			chromedp.Click(chromedp.CSS(`form[action="/check"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".why401 .verdict")),
		)
		if v := b.text(".why401 .verdict"); !strings.Contains(v, "accepted") {
			t.Errorf("verdict %q, want the credentials accepted", v)
		}
		if !strings.Contains(b.text(".why401"), "credentials.accepted") {
			t.Errorf("the report lacks credentials.accepted")
		}
		if n := labSrv.Env.Uses(sc.ID); n != 1 {
			t.Errorf("the lab saw the password %d times, want once", n)
		}
		if v := labSrv.Env.Violations(); len(v) > 0 {
			t.Errorf("lab violations: %q", v)
		}
		html := b.eval(`document.documentElement.outerHTML`)
		assertNoSecret(t, "the page in the browser", html, lab.Password)
		shot("serve-accepted.png")
	})

	t.Run("a pasted curl command is diagnosed", func(t *testing.T) {
		b.t = t
		sc := scenario(t, labSrv, "basic-rejected")
		cmd := "curl '" + labSrv.Env.URL(sc) + "' \\\n  -H 'accept: text/html' \\\n  -u '" + lab.User + ":" + lab.WrongPass + "' \\\n  --compressed -k"
		b.do(
			chromedp.Navigate(ts.URL+"/"),
			chromedp.SetValue(chromedp.CSS("#curl"), cmd),
			chromedp.Click(chromedp.CSS(`form[action="/curl"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".why401 .verdict")),
		)
		if v := b.text(".why401 .verdict"); !strings.Contains(v, "rejected") {
			t.Errorf("verdict %q, want the credentials rejected", v)
		}
		assertNoSecret(t, "the curl result in the browser", b.eval(`document.documentElement.outerHTML`), lab.WrongPass)
	})

	harFile := filepath.Join(t.TempDir(), "export.har")
	if err := os.WriteFile(harFile, []byte(smallHAR), 0o644); err != nil {
		t.Fatal(err)
	}
	checkHAR := func(t *testing.T) {
		// textContent, not innerText: the second report is folded.
		text := b.eval(`document.querySelector("main").textContent`)
		for _, want := range []string{"4 entries", "2 answered 401 or 407", "https://intranet.example/reports/", "https://api.example/v1/me", "bearer.invalid-token"} {
			if !strings.Contains(text, want) {
				t.Errorf("the HAR result lacks %q", want)
			}
		}
		assertNoSecret(t, "the HAR result", b.eval(`document.documentElement.outerHTML`), "abc123secretcookie", "hartokensecret0123456789")
	}

	t.Run("a HAR chosen with the file input shows its 401s", func(t *testing.T) {
		b.t = t
		b.do(
			chromedp.Navigate(ts.URL+"/"),
			chromedp.SetUploadFiles(chromedp.CSS("#har-file"), []string{harFile}),
			chromedp.Click(chromedp.CSS(`#har-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("#h-har-sum")),
		)
		checkHAR(t)
		shot("serve-har.png")
	})

	t.Run("a HAR dropped on the drop zone shows its 401s", func(t *testing.T) {
		b.t = t
		b.do(chromedp.Navigate(ts.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#drop.enhanced")))
		// A drop as the browser delivers it: a DataTransfer holding the
		// file, on the zone. The page's script puts it in the file input
		// and submits the form.
		b.do(chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
			const dt = new DataTransfer();
			dt.items.add(new File([%q], "dropped.har", {type: "application/json"}));
			const zone = document.getElementById("drop");
			zone.dispatchEvent(new DragEvent("dragenter", {dataTransfer: dt, bubbles: true, cancelable: true}));
			zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		})()`, smallHAR)))
		b.do(chromedp.WaitVisible(chromedp.CSS("#h-har-sum")))
		checkHAR(t)
	})

	t.Run("a file over the upload limit is refused before it is sent", func(t *testing.T) {
		b.t = t
		// A page with a small limit, so that the test file stays small.
		small := startServer(t, Options{MaxUpload: 8 << 20})
		b.do(chromedp.Navigate(small.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#drop.enhanced")))
		// A 16 MiB file as the drop delivers it; a Blob of that size is
		// cheap (it is never read).
		b.do(chromedp.Evaluate[chromedp.Void](`(() => {
			const dt = new DataTransfer();
			dt.items.add(new File([new Blob([new ArrayBuffer(16 << 20)])], "huge.har"));
			document.getElementById("drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		})()`))
		b.do(chromedp.WaitVisible(chromedp.CSS("#har-form .alert")))
		if msg := b.text("#har-form .alert"); !strings.Contains(msg, "over the 8 MiB upload limit") {
			t.Errorf("the message is %q", msg)
		}
		if loc := b.location(); loc != small.URL+"/" {
			t.Errorf("the page went to %s: the file was sent", loc)
		}
	})

	t.Run("a file that is not a HAR gets a clear message", func(t *testing.T) {
		b.t = t
		bad := filepath.Join(t.TempDir(), "notes.har")
		_ = os.WriteFile(bad, []byte("not json at all"), 0o644)
		b.do(
			chromedp.Navigate(ts.URL+"/"),
			chromedp.SetUploadFiles(chromedp.CSS("#har-file"), []string{bad}),
			chromedp.Click(chromedp.CSS(`#har-form button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS("#har-error")),
		)
		if msg := b.text("#har-error"); !strings.Contains(msg, "not a HAR file") {
			t.Errorf("the message is %q", msg)
		}
	})

	t.Run("the Markdown report downloads", func(t *testing.T) {
		b.t = t
		dir := t.TempDir()
		if _, err := chromedp.CallBrowser(b.ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
			Behavior: browser.SetDownloadBehaviorBehaviorAllowAndName, DownloadPath: dir, EventsEnabled: new(true),
		}); err != nil {
			t.Fatal(err)
		}
		progress := chromedp.BrowserEvents(b.ctx, browser.DownloadProgress)
		b.do(chromedp.Navigate(resultURL), chromedp.Click(chromedp.CSS(`a[href$="/report.md"]`)))
		dctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		guid := ""
		for ev, err := range progress {
			if err != nil || dctx.Err() != nil {
				t.Fatalf("no finished download: %v", err)
			}
			if ev.State == browser.DownloadProgressStateCompleted {
				guid = ev.GUID
				break
			}
			if ev.State == browser.DownloadProgressStateCanceled {
				t.Fatalf("the download was cancelled")
			}
		}
		md, err := os.ReadFile(filepath.Join(dir, guid))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"# why401 report", "redirect.credentials-dropped", "<redacted>"} {
			if !strings.Contains(string(md), want) {
				t.Errorf("the downloaded Markdown lacks %q:\n%s", want, md)
			}
		}
		assertNoSecret(t, "the downloaded Markdown", string(md), lab.Password)
	})

	t.Run("the URL form works with JavaScript off", func(t *testing.T) {
		b.t = t
		sc := scenario(t, labSrv, "basic-none")
		if _, err := chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
			t.Fatal(err)
		}
		defer func() {
			_, _ = chromedp.Call(b.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: false})
		}()
		b.do(
			chromedp.Navigate(ts.URL+"/"),
			chromedp.WaitVisible(chromedp.CSS("#url")),
		)
		if b.eval(`document.getElementById("drop").classList.contains("enhanced")`) != "false" {
			t.Errorf("the page script ran although scripts are off")
		}
		b.do(
			chromedp.SendKeys(chromedp.CSS("#url"), labSrv.Env.URL(sc)),
			chromedp.Click(chromedp.CSS("details.options > summary")),
			chromedp.Click(chromedp.CSS(`input[name="insecure"]`)),
			chromedp.Click(chromedp.CSS(`form[action="/check"] button[type="submit"]`)),
			chromedp.WaitVisible(chromedp.CSS(".why401 .verdict")),
		)
		if !strings.Contains(b.text(".why401"), "credentials.none-sent") {
			t.Errorf("without JavaScript the result lacks credentials.none-sent")
		}
	})

	t.Run("phone width: nothing overflows", func(t *testing.T) {
		b.t = t
		phone()
		defer desktop()
		for _, page := range []struct{ url, name string }{
			{ts.URL + "/", "serve-home-phone.png"},
			{resultURL, "serve-result-phone.png"},
		} {
			b.do(chromedp.Navigate(page.url), chromedp.WaitVisible(chromedp.CSS("main")))
			if w := b.eval(`document.documentElement.scrollWidth + "/" + window.innerWidth`); func() bool {
				var sw, iw int
				fmt.Sscanf(strings.Trim(w, `"`), "%d/%d", &sw, &iw)
				return sw > iw
			}() {
				wide := b.eval(`[...document.querySelectorAll("body *")].filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + "." + e.className).join(", ")`)
				t.Errorf("%s at 390 px is wider than the screen (%s): %s", page.url, w, wide)
			}
			shot(page.name)
		}
	})

	b.checkConsole(t)
}

// testBrowser is one Chromium and its tab.
type testBrowser struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	console []string // errors and warnings the pages logged
}

// newBrowser starts Chromium headless with a fresh profile, no sandbox
// (the tests run as root in a container), and nothing that talks to the
// network by itself. Names resolve to nothing, so the browser reaches
// 127.0.0.1 and nothing else.
func newBrowser(t *testing.T, ts *testServer) *testBrowser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); acancel() })
	// The whole run is bounded: a hung browser fails the test, never
	// hangs it.
	start := time.Now()
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting %s: %v", chromiumPath, err)
	}
	v, err := chromedp.CallBrowser(ctx, browser.GetVersion, cdp.Empty{})
	if err == nil {
		t.Logf("%s started in %s", v.Product, time.Since(start).Round(time.Millisecond))
	}
	tctx, tcancel := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(tcancel)
	b := &testBrowser{t: t, ctx: tctx}
	messages := chromedp.Console(ctx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			// The pages the tests ask for with bad input answer 400 on
			// purpose, and Chromium logs that: the one error expected.
			if strings.Contains(m.Text, "status of 400") && (strings.HasSuffix(m.URL, "/har") || strings.HasSuffix(m.URL, "/check")) {
				continue
			}
			if m.Type == "error" || m.Type == "warning" || m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
				b.mu.Lock()
				b.console = append(b.console, fmt.Sprintf("%s: %s (%s)", m.Type, m.Text, m.URL))
				b.mu.Unlock()
			}
		}
	}()
	return b
}

func (b *testBrowser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

func (b *testBrowser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return s
}

// eval returns the JSON of a JavaScript expression's value.
func (b *testBrowser) eval(js string) string {
	b.t.Helper()
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]byte](js))
	if err != nil {
		b.t.Fatalf("browser: %s: %v", js, err)
	}
	return string(raw)
}

func (b *testBrowser) location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return u
}

// checkConsole fails on anything the pages logged as an error or a
// warning: a resource the CSP blocked, a script error, a failed load.
func (b *testBrowser) checkConsole(t *testing.T) {
	time.Sleep(100 * time.Millisecond)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.console {
		t.Errorf("browser console: %s", m)
	}
}

// screenshot saves what take captures as docs/img/name, when asked.
func screenshot(b *testBrowser, enabled bool, name string, take chromedp.Action[[]byte]) {
	t := b.t
	t.Helper()
	if !enabled {
		return
	}
	png, err := chromedp.Run(b.ctx, take)
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(shotDir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: docs/img/%s (%d KiB)", name, len(png)>>10)
}
