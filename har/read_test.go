package har_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/why401/why401"
	"github.com/why401/why401/har"
	"github.com/why401/why401/internal/redact"
)

func open(t testing.TB, name string) *os.File {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// readAll reads a fixture and returns its entries and summary.
func readAll(t testing.TB, name string) ([]*har.Entry, har.Summary) {
	t.Helper()
	var es []*har.Entry
	sum, err := har.Read(open(t, name), func(e *har.Entry) error {
		es = append(es, e)
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%s) = %v", name, err)
	}
	return es, sum
}

func TestReadEveryBrowsersExport(t *testing.T) {
	tests := []struct {
		file        string
		entries     int
		status      map[int]int
		creator     string
		sanitizedBy string
		note        string // a note that must be there
	}{
		// Chrome, with sensitive data: cookies and Authorization present.
		{"chrome.har", 8, map[int]int{200: 3, 301: 1, 302: 1, 401: 3}, "WebInspector", "", ""},
		// Chrome's default export since ~130: no Cookie, Set-Cookie, Authorization.
		{"chrome-sanitized.har", 8, map[int]int{200: 3, 301: 1, 302: 1, 401: 3}, "WebInspector", "browser", "Whether credentials were sent is unknown"},
		{"firefox.har", 2, map[int]int{401: 2}, "Firefox", "", ""},
		{"safari.har", 1, map[int]int{401: 1}, "WebKit Web Inspector", "", ""},
		// Playwright records Chromium but is not DevTools: no sanitizing heuristic.
		{"playwright.har", 1, map[int]int{401: 1}, "Playwright", "", ""},
		{"har11.har", 1, map[int]int{401: 1}, "HttpWatch Basic", "", "HAR 1.1"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			es, sum := readAll(t, tt.file)
			if len(es) != tt.entries || sum.Entries != tt.entries {
				t.Errorf("entries: callbacks %d, Summary.Entries %d; want %d", len(es), sum.Entries, tt.entries)
			}
			if !reflect.DeepEqual(sum.StatusCounts, tt.status) {
				t.Errorf("StatusCounts = %v; want %v", sum.StatusCounts, tt.status)
			}
			if sum.Creator != tt.creator {
				t.Errorf("Creator = %q; want %q", sum.Creator, tt.creator)
			}
			if sum.SanitizedBy != tt.sanitizedBy || sum.Sanitized != (tt.sanitizedBy != "") {
				t.Errorf("Sanitized, SanitizedBy = %v, %q; want %q", sum.Sanitized, sum.SanitizedBy, tt.sanitizedBy)
			}
			if tt.note != "" && !strings.Contains(strings.Join(sum.Notes, "\n"), tt.note) {
				t.Errorf("Notes = %q; want one containing %q", sum.Notes, tt.note)
			}
			for i, e := range es {
				if e.Index != i {
					t.Errorf("entry %d has Index %d", i, e.Index)
				}
			}
			if fi, _ := os.Stat("testdata/" + tt.file); sum.Bytes != fi.Size() {
				t.Errorf("Summary.Bytes = %d; want the file size %d", sum.Bytes, fi.Size())
			}
		})
	}
}

func TestReadChromeEntryFields(t *testing.T) {
	es, _ := readAll(t, "chrome.har")

	login := es[1]
	if login.Method != "POST" || login.Status != 302 || login.Location() != "https://blog.example.com/wp-admin/" {
		t.Errorf("entry 1 = %s %d → %s", login.Method, login.Status, login.Location())
	}
	if got := login.Started; !got.Equal(time.Date(2024, 5, 1, 10, 0, 1, 500e6, time.UTC)) {
		t.Errorf("Started = %v", got)
	}
	// Chrome joins Set-Cookie fields with a newline: they are split.
	sc := login.SetCookies()
	if len(sc) != 2 || !strings.HasPrefix(sc[0], "wordpress_sec_0f1e2d=") || !strings.HasPrefix(sc[1], "wordpress_logged_in_0f1e2d=") {
		t.Errorf("SetCookies() = %d values", len(sc))
	}
	if string(login.ReqBody) == "" || login.ReqMimeType != "application/x-www-form-urlencoded" || login.ReqBodyCut {
		t.Errorf("request body: %d bytes, type %q, cut %v", len(login.ReqBody), login.ReqMimeType, login.ReqBodyCut)
	}
	if got := login.CookieHeader(); got != "wordpress_test_cookie=WP%20Cookie%20check" {
		t.Errorf("CookieHeader() = %q", got)
	}

	wp := es[3]
	if wp.Status != 401 || wp.MimeType != "application/json" || !bytes.Contains(wp.Body, []byte(`"code":"rest_not_logged_in"`)) {
		t.Errorf("entry 3: status %d, type %q, body %q", wp.Status, wp.MimeType, wp.Body)
	}
	if wp.HTTPVersion != "h2" || wp.ServerIP != "203.0.113.10" || wp.ResourceType != "fetch" {
		t.Errorf("entry 3: %q %q %q", wp.HTTPVersion, wp.ServerIP, wp.ResourceType)
	}
	if wp.Timings.Wait != 40.5 || wp.Timings.DNS != -1 {
		t.Errorf("entry 3 timings = %+v", wp.Timings)
	}

	img := es[4]
	if img.Body != nil || !img.BodyOmitted || img.ContentSize != 1032 {
		t.Errorf("image: body %d bytes, omitted %v, size %d; want no body, omitted", len(img.Body), img.BodyOmitted, img.ContentSize)
	}

	// Entry 7: Chromium answered the Basic challenge itself; the HAR shows
	// the first request (no Authorization) and _transferSize twice one
	// response.
	basic := es[7]
	if !basic.HiddenRetry() || basic.ExtraTransfer() < 300 {
		t.Errorf("entry 7: HiddenRetry() = %v, ExtraTransfer() = %d; want true, ≥ 300", basic.HiddenRetry(), basic.ExtraTransfer())
	}
	for i, e := range es {
		if i != 7 && e.HiddenRetry() {
			t.Errorf("entry %d: HiddenRetry() = true", i)
		}
	}
}

func TestExchange(t *testing.T) {
	es, _ := readAll(t, "chrome.har")

	x := es[3].Exchange()
	if x.Purpose != why401.PurposeHAR || x.Status() != 401 || x.Request.Method != "GET" {
		t.Errorf("Exchange() = %s %s %d", x.Purpose, x.Request.Method, x.Status())
	}
	if !x.CookiesSent || x.CredentialsSent || x.CredentialsUnknown {
		t.Errorf("entry 3: CookiesSent %v, CredentialsSent %v, CredentialsUnknown %v; want true, false, false",
			x.CookiesSent, x.CredentialsSent, x.CredentialsUnknown)
	}
	if got := x.Request.Header.Get("Cookie"); !strings.Contains(got, "wordpress_logged_in_0f1e2d="+redact.Placeholder) || strings.Contains(got, "admin%7C") {
		t.Errorf("Cookie shown as %q", got)
	}
	if _, ok := x.Request.Header[":path"]; ok {
		t.Error("pseudo-header :path kept in http.Header")
	}
	if x.Response.Header.Get("Content-Type") != "application/json; charset=UTF-8" || x.Response.ContentType != "application/json" {
		t.Errorf("response type %q / %q", x.Response.Header.Get("Content-Type"), x.Response.ContentType)
	}
	if x.RemoteAddr != "203.0.113.10:443" {
		t.Errorf("RemoteAddr = %q", x.RemoteAddr)
	}
	if x.Timing == nil || x.Timing.TTFB != 40.5 || !x.Timing.Reused {
		t.Errorf("Timing = %+v", x.Timing)
	}

	bearer := es[6].Exchange()
	if !bearer.CredentialsSent || bearer.Request.Header.Get("Authorization") != "Bearer "+redact.Placeholder {
		t.Errorf("entry 6: CredentialsSent %v, Authorization %q", bearer.CredentialsSent, bearer.Request.Header.Get("Authorization"))
	}
	if got := bearer.Response.Header.Get("Www-Authenticate"); !strings.Contains(got, `error="invalid_token"`) {
		t.Errorf("the challenge must be kept whole, got %q", got)
	}

	// A redirect gets a Hop; http → https on one host is another origin.
	hop := es[5].Exchange().Hop
	if hop == nil || hop.Location != "https://api.example.com/v1/me" || hop.SameOrigin || hop.Downgrade || hop.MethodKept {
		t.Errorf("entry 5 Hop = %+v", hop)
	}
	// http → https on the same host: what each client does with Authorization.
	forwards := map[string]bool{}
	for _, c := range hop.Clients {
		forwards[c.Client] = c.ForwardsAuth
	}
	if len(hop.Clients) != 4 || forwards["curl"] || forwards["browser"] || !forwards["go"] || !forwards["python-requests"] {
		t.Errorf("entry 5 Clients = %+v", hop.Clients)
	}

	// The Chromium quirk: the browser answered the challenge itself, so
	// credentials were sent (and refused), though no header shows them.
	if x := es[7].Exchange(); !x.AnsweredByClient || x.CredentialsUnknown {
		t.Errorf("entry 7: AnsweredByClient %v, CredentialsUnknown %v; want true, false (HiddenRetry)", x.AnsweredByClient, x.CredentialsUnknown)
	}
}

func TestInputCarriesCredentialsAsSecrets(t *testing.T) {
	es, _ := readAll(t, "chrome.har")
	in := es[6].Input()
	if in.Method != "GET" || in.URL != "https://api.example.com/v1/me" || in.Source != "har" {
		t.Errorf("Input() = %s %s %s", in.Method, in.URL, in.Source)
	}
	if in.Creds.Bearer.IsZero() || !strings.HasPrefix(in.Creds.Bearer.Reveal(), "eyJ") || !in.Creds.Authorization.IsZero() {
		t.Error("a Bearer Authorization must go to Creds.Bearer")
	}
	if in.Header.Get("Authorization") != "" || in.Header.Get("Accept-Encoding") != "" || in.Header.Get("User-Agent") == "" {
		t.Errorf("Input().Header = %v", in.Header)
	}
	if !in.Now.Equal(es[6].Started) {
		t.Errorf("Now = %v; want the entry's start %v", in.Now, es[6].Started)
	}

	in = es[1].Input()
	if in.Creds.Cookie.Reveal() != "wordpress_test_cookie=WP%20Cookie%20check" || in.Body.IsZero() {
		t.Error("the login POST must carry its Cookie and body as secrets")
	}
	if s := fmt.Sprintf("%v %+v", in, in); strings.Contains(s, "correct+horse") {
		t.Errorf("an Input printed with fmt shows the password: %s", s)
	}

	ff, _ := readAll(t, "firefox.har")
	in = ff[1].Input()
	if !strings.HasPrefix(in.Creds.Authorization.Reveal(), `Digest username="alice"`) || !in.Creds.Bearer.IsZero() {
		t.Error("a Digest Authorization must go verbatim to Creds.Authorization")
	}
}

func TestSanitizedChromeExportMakesCredentialsUnknown(t *testing.T) {
	es, sum := readAll(t, "chrome-sanitized.har")
	if !sum.Sanitized || sum.SanitizedBy != "browser" {
		t.Fatalf("Summary = %+v", sum)
	}
	for _, e := range es {
		x := e.Exchange()
		if e.HiddenRetry() {
			// The transfer size says the browser answered: not unknown.
			if !x.AnsweredByClient || x.CredentialsUnknown {
				t.Errorf("%v: AnsweredByClient %v, CredentialsUnknown %v; want true, false", e, x.AnsweredByClient, x.CredentialsUnknown)
			}
			continue
		}
		if !x.CredentialsUnknown || x.CredentialsSent || x.CookiesSent {
			t.Errorf("%v: CredentialsUnknown %v, CredentialsSent %v, CookiesSent %v; want true, false, false",
				e, x.CredentialsUnknown, x.CredentialsSent, x.CookiesSent)
		}
	}
	// With credentials in the file, nothing is unknown.
	es, _ = readAll(t, "chrome.har")
	for _, e := range es[:7] {
		if e.CredentialsUnknown {
			t.Errorf("chrome.har %v: CredentialsUnknown", e)
		}
	}
}

// TestNothingPrintedLeaks prints every entry of the secrets fixture every way
// fmt and encoding/json can, and checks that no secret survives.
func TestNothingPrintedLeaks(t *testing.T) {
	for _, file := range []string{"secrets.har", "chrome.har"} {
		es, _ := readAll(t, file)
		var out strings.Builder
		for _, e := range es {
			fmt.Fprintf(&out, "%v %+v %#v %s\n", e, e, e, e)
			fmt.Fprintf(&out, "%v %+v %#v\n", e.ReqHeaders, e.RespHeaders, e.ReqCookies)
			fmt.Fprintf(&out, "%v %+v\n", e.RespCookies, *e)
			b, err := json.Marshal(e.Exchange())
			if err != nil {
				t.Fatal(err)
			}
			out.Write(b)
			// Input's URL and Header are raw by design (why401.Input:
			// "never print it"); its credentials must print redacted.
			in := e.Input()
			fmt.Fprintf(&out, "%+v %#v %v\n", in.Creds, in.Creds, in.Body)
		}
		assertNoSecret(t, file, out.String())
	}
}

// secretsIn lists what must never be printed from the fixtures.
var secretsIn = []string{
	"SENTINEL",                     // every planted secret in secrets.har
	"YWRtaW46U0VOVElORUwtUEFTUy0y", // Basic admin:SENTINEL-PASS-2
	"cHJveHk6U0VOVElORUwtUEFTUy00", // Basic proxy:SENTINEL-PASS-4
	"admin%7C1714722800",           // chrome.har's WordPress session
	"Zm9vYmFyc2lnbmF0dXJl",         // chrome.har's JWT signature
	"correct+horse",                // chrome.har's password
	"6629fae49393a0539745",         // firefox.har's Digest response
}

func assertNoSecret(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range secretsIn {
		if i := strings.Index(out, s); i >= 0 {
			t.Errorf("%s: %q leaks in %q", what, s, out[max(0, i-80):min(len(out), i+40)])
		}
	}
}

func TestReadGzip(t *testing.T) {
	raw, _ := os.ReadFile("testdata/chrome.har")
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(raw)
	zw.Close()
	n := 0
	sum, err := har.Read(&z, func(*har.Entry) error { n++; return nil })
	if err != nil || n != 8 || !sum.Gzip || sum.Bytes != int64(len(raw)) {
		t.Errorf("Read(gzip) = %d entries, Gzip %v, Bytes %d, %v", n, sum.Gzip, sum.Bytes, err)
	}
}

func TestReadByteOrderMarkAndLayout(t *testing.T) {
	tests := []struct {
		name, in string
		entries  int
	}{
		{"utf-8 BOM", "\xef\xbb\xbf" + `{"log":{"entries":[]}}`, 0},
		// Members in any order; entries before creator; unknown members skipped.
		{"entries first", `{"x":[1,{"y":null}],"log":{"entries":[{"response":{"status":"401"},"request":{"url":"http://h/","method":"GET"}}],` +
			`"creator":{"name":"WebInspector","version":"1"},"version":"1.2"}}`, 1},
		{"escapes", `{"log":{"version":"1.2","entries":[{"request":{"method":"G\u0045T","url":"http:\/\/h\/caf\u00e9\ud83d\ude00"},"response":{"status":200}}]}}`, 1},
	}
	for _, tt := range tests {
		var es []*har.Entry
		_, err := har.Read(strings.NewReader(tt.in), func(e *har.Entry) error { es = append(es, e); return nil })
		if err != nil || len(es) != tt.entries {
			t.Errorf("%s: %d entries, %v; want %d", tt.name, len(es), err, tt.entries)
		}
		if tt.name == "escapes" && len(es) == 1 && (es[0].Method != "GET" || es[0].URL != "http://h/café😀") {
			t.Errorf("escapes: %q %q", es[0].Method, es[0].URL)
		}
		if tt.name == "entries first" && len(es) == 1 && es[0].Status != 401 {
			t.Errorf("a status written as a string: %d", es[0].Status)
		}
	}
}

func TestCallbackErrorIsReturnedAsIs(t *testing.T) {
	stop := errors.New("stop")
	n := 0
	_, err := har.Read(open(t, "chrome.har"), func(*har.Entry) error {
		if n++; n == 2 {
			return stop
		}
		return nil
	})
	if err != stop || n != 2 {
		t.Errorf("Read = %v after %d entries; want stop after 2", err, n)
	}
}

func TestNextAfterTheEnd(t *testing.T) {
	r := har.NewReader(open(t, "safari.har"))
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if e, err := r.Next(); e != nil || err != io.EOF {
			t.Fatalf("Next() = %v, %v; want nil, io.EOF", e, err)
		}
	}
	if r.Summary().Entries != 1 {
		t.Error("Summary after EOF")
	}
}

// repeat is an endless reader of one byte.
type repeat byte

func (c repeat) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(c)
	}
	return len(p), nil
}

// heapGrowth runs f and returns the peak of the heap (objects, live and
// not yet collected) above what it was before, sampled every millisecond.
func heapGrowth(f func()) uint64 {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 { metrics.Read(sample); return sample[0].Value.Uint64() }
	base := read()
	var peak atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			if v := read(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	<-stopped
	if p := peak.Load(); p > base {
		return p - base
	}
	return 0
}

// TestHundredMegabyteStringsCostNoMemory reads an entry whose URL, body and
// an unknown member are each a 100 MB string: kept fields are cut, the rest
// skipped, and memory stays flat.
func TestHundredMegabyteStringsCostNoMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 300 MB")
	}
	const big = 100 << 20
	s := func() io.Reader { return io.LimitReader(repeat('a'), big) }
	in := io.MultiReader(
		strings.NewReader(`{"log":{"entries":[{"request":{"method":"GET","url":"http://h/`), s(),
		strings.NewReader(`"},"_x":"`), s(),
		strings.NewReader(`","response":{"status":200,"content":{"mimeType":"text/html","text":"`), s(),
		strings.NewReader(`"}}}]}}`))
	var e *har.Entry
	var err error
	grew := heapGrowth(func() {
		_, err = har.Read(in, func(x *har.Entry) error { e = x; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.URL) != har.DefaultMaxString || !e.Truncated || len(e.Body) != har.DefaultMaxBody || !e.BodyCut {
		t.Errorf("URL %d bytes, Truncated %v, Body %d bytes, BodyCut %v", len(e.URL), e.Truncated, len(e.Body), e.BodyCut)
	}
	t.Logf("peak heap growth %.1f MiB", float64(grew)/(1<<20))
	// Flat means independent of the file's size: 0.5–4 MiB here on an idle
	// machine. The margin is for a starved GC pacer on a loaded CI machine
	// (16 MiB was exceeded once there); a reader that held the file would
	// grow by gigabytes.
	if grew > 48<<20 {
		t.Errorf("the heap grew by %d MiB reading 300 MB of strings", grew>>20)
	}

	// The same string, never closed: a clean truncation error at its end.
	in = io.MultiReader(strings.NewReader(`{"log":{"entries":[{"request":{"url":"`), s())
	_, err = har.Read(in, func(*har.Entry) error { return nil })
	var he *har.Error
	if !errors.As(err, &he) || he.Err != har.ErrTruncated || he.Offset != big+38 {
		t.Errorf("unterminated 100 MB string: %v", err)
	}
}

// entryStream is an endless "entries" array of one repeated entry.
type entryStream struct {
	head, entry []byte
	pos         int
}

func (s *entryStream) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(s.head) > 0 {
			k := copy(p[n:], s.head)
			s.head = s.head[k:]
			n += k
			continue
		}
		k := copy(p[n:], s.entry[s.pos:])
		n += k
		s.pos = (s.pos + k) % len(s.entry)
	}
	return n, nil
}

// TestTwoGigabyteFileInFlatMemory streams 2 GiB of entries (cut off at the
// end, so the read ends with a truncation error) and checks memory stays
// flat and the entries are all counted.
func TestTwoGigabyteFileInFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 2 GiB")
	}
	entry := []byte(`{"startedDateTime":"2024-05-01T10:00:00.000Z","time":1,"request":{"method":"GET","url":"https://example.com/a",` +
		`"headers":[{"name":"cookie","value":"a=b"}],"cookies":[]},"response":{"status":401,"headers":[],` +
		`"content":{"size":1000,"mimeType":"image/png","text":"` + strings.Repeat("QUJD", 2000) + `","encoding":"base64"}}},`)
	const size = 2 << 30
	in := io.LimitReader(&entryStream{head: []byte(`{"log":{"version":"1.2","entries":[`), entry: entry}, size)
	n := 0
	var err error
	grew := heapGrowth(func() {
		_, err = har.Read(in, func(*har.Entry) error { n++; return nil })
	})
	if !errors.Is(err, har.ErrTruncated) {
		t.Errorf("err = %v; want a truncation", err)
	}
	if want := (size - 35) / len(entry); n != want {
		t.Errorf("%d entries; want %d", n, want)
	}
	t.Logf("peak heap growth %.1f MiB", float64(grew)/(1<<20))
	// Flat means independent of the file's size: 0.5–4 MiB here on an idle
	// machine. The margin is for a starved GC pacer on a loaded CI machine
	// (16 MiB was exceeded once there); a reader that held the file would
	// grow by gigabytes.
	if grew > 48<<20 {
		t.Errorf("the heap grew by %d MiB reading 2 GiB", grew>>20)
	}
}

func TestLimits(t *testing.T) {
	r := har.NewReader(open(t, "chrome.har"))
	r.MaxBody = 10
	r.MaxString = 20
	var es []*har.Entry
	if _, err := r.Read(func(e *har.Entry) error { es = append(es, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(es[0].Body) != 10 || !es[0].BodyCut || len(es[0].URL) != 20 || !es[0].Truncated {
		t.Errorf("Body %d bytes, cut %v; URL %d bytes, Truncated %v", len(es[0].Body), es[0].BodyCut, len(es[0].URL), es[0].Truncated)
	}

	r = har.NewReader(open(t, "chrome.har"))
	r.MaxBody = -1
	r.Read(func(e *har.Entry) error {
		if e.Body != nil || e.ReqBody != nil {
			t.Errorf("%v: a body kept with MaxBody < 0", e)
		}
		return nil
	})

	r = har.NewReader(open(t, "chrome.har"))
	r.MaxDepth = 5
	if _, err := r.Read(func(*har.Entry) error { return nil }); !errors.Is(err, har.ErrTooDeep) {
		t.Errorf("MaxDepth 5: %v", err)
	}
}

func TestDiagnosticBody(t *testing.T) {
	for mime, want := range map[string]bool{
		"text/html; charset=UTF-8": true, "application/json": true, "application/problem+json": true,
		"text/plain": true, "application/xml": true, "image/svg+xml": true, "x-unknown": true, "": true,
		"text/css": false, "application/javascript": false, "text/javascript": false, "image/png": false,
		"font/woff2": false, "video/mp4": false, "application/wasm": false,
	} {
		if got := har.DiagnosticBody(mime); got != want {
			t.Errorf("DiagnosticBody(%q) = %v; want %v", mime, got, want)
		}
	}
}

// TestExchangeConcurrently: checks run concurrently and may build and print
// exchanges at once (go test -race).
func TestExchangeConcurrently(t *testing.T) {
	es, _ := readAll(t, "secrets.har")
	done := make(chan string)
	for range 4 {
		go func() {
			var b strings.Builder
			for _, e := range es {
				x := e.Exchange()
				fmt.Fprintf(&b, "%v %v %v", e, x.Request.Header, x.Response)
			}
			done <- b.String()
		}()
	}
	for range 4 {
		assertNoSecret(t, "concurrent", <-done)
	}
}

// TestReadPlaywrightFailedRequest: Playwright records a request that got no
// response (here a cross-origin redirect refused by CORS) with status -1
// and _failureText; it is an entry without a response, not a bad file.
func TestReadPlaywrightFailedRequest(t *testing.T) {
	const doc = `{"log":{"version":"1.2","creator":{"name":"Playwright","version":"1.65"},"entries":[
	{"startedDateTime":"2026-11-27T16:13:49.000Z","time":3,
	 "request":{"method":"GET","url":"https://localhost:8403/moved/reports/","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":-1},
	 "response":{"status":-1,"statusText":"","httpVersion":"HTTP/1.1","headers":[],"cookies":[],"content":{"size":-1,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":-1,"_transferSize":-1,"_failureText":"net::ERR_FAILED"},
	 "cache":{},"timings":{"send":-1,"wait":-1,"receive":-1}}]}}`
	es, sum := readBytes(t, []byte(doc))
	if len(es) != 1 || es[0].Status != 0 || es[0].Error != "net::ERR_FAILED" || sum.StatusCounts[0] != 1 {
		t.Fatalf("entries %d, status %d, error %q, counts %v; want 1 entry without a response, net::ERR_FAILED", len(es), es[0].Status, es[0].Error, sum.StatusCounts)
	}
	if x := es[0].Exchange(); x.Response != nil || x.Error != "net::ERR_FAILED" {
		t.Errorf("Exchange() = response %v, error %q; want none, net::ERR_FAILED", x.Response, x.Error)
	}
}
