package har_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/why401/why401/har"
	"github.com/why401/why401/har/hartest"
)

func sanitize(t testing.TB, in []byte, opts har.SanitizeOptions) []byte {
	t.Helper()
	var out bytes.Buffer
	if _, err := har.Sanitize(bytes.NewReader(in), &out, opts); err != nil {
		t.Fatalf("Sanitize = %v", err)
	}
	if !json.Valid(out.Bytes()) {
		t.Fatal("Sanitize wrote invalid JSON")
	}
	return out.Bytes()
}

func readBytes(t testing.TB, b []byte) ([]*har.Entry, har.Summary) {
	t.Helper()
	r := har.NewReader(bytes.NewReader(b))
	r.MaxBody = 1 << 20
	var es []*har.Entry
	sum, err := r.Read(func(e *har.Entry) error { es = append(es, e); return nil })
	if err != nil {
		t.Fatalf("Read = %v", err)
	}
	return es, sum
}

var sanitizeOptions = []har.SanitizeOptions{
	{},
	{KeepClaims: true},
	{KeepPostData: true},
	{KeepClaims: true, KeepPostData: true, Compact: true},
	{DropBodies: true},
}

// TestSanitizeLeavesNoSentinel: testdata/secrets.har plants a secret
// ("SENTINEL-…") in every place a HAR carries one: userinfo, query and
// fragment tokens, ;jsessionid, Authorization (Basic, Bearer JWT, Digest,
// NTLM), Proxy-Authorization, Cookie (twice, as HTTP/2 splits it), cookies
// arrays, Set-Cookie (newline-joined), API-key, CSRF, session and AWS
// headers, a JWT in a custom header and in a comment, Location and
// redirectURL, Referer, :path, _initiator URLs, the page title, form and
// JSON request bodies and params, a JSON login response (plain and base64),
// HTML hidden inputs and CSRF meta tags, a link with a token, a WebSocket
// message, an image, a script and a body too long to keep. None may survive,
// in the bytes or in a decoded body.
func TestSanitizeLeavesNoSentinel(t *testing.T) {
	in, _ := os.ReadFile("testdata/secrets.har")
	if n := strings.Count(string(in), "SENTINEL"); n < 40 {
		t.Fatalf("the fixture has only %d sentinels", n)
	}
	for _, opts := range sanitizeOptions {
		t.Run(fmt.Sprintf("%+v", opts), func(t *testing.T) {
			out := sanitize(t, in, opts)
			assertNoSecret(t, "output", string(out))
			es, sum := readBytes(t, out)
			if sum.SanitizedBy != "why401" || len(es) != 6 {
				t.Errorf("SanitizedBy %q, %d entries", sum.SanitizedBy, len(es))
			}
			for _, e := range es {
				assertNoSecret(t, e.String()+" body", string(e.Body)+string(e.ReqBody))
			}
			// What the diagnosis reads survives.
			wants := []string{`Bearer realm=\"example\"`, "Max-Age=3600", `realm=\"api\", nonce=\"abc\"`, "NTLM TlRMTVNTUAAD"}
			if !opts.DropBodies {
				wants = append(wants, `\"code\":\"rest_ok\"`, `name=\"user\" value=\"bob\"`)
			}
			for _, want := range wants {
				if !bytes.Contains(out, []byte(want)) {
					t.Errorf("%s was lost", want)
				}
			}
			if claims := "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJTRU5USU5FTC1KV1RDTEFJTS0xIiwiZXhwIjoxNzE0NTUwMDAwfQ.redacted"; bytes.Contains(out, []byte(claims)) != opts.KeepClaims {
				t.Errorf("KeepClaims %v, but the JWT's claims are there: %v", opts.KeepClaims, !opts.KeepClaims)
			}
			if keeps := bytes.Contains(out, []byte(`"text": "log=admin&pwd=redacted-`)) || bytes.Contains(out, []byte(`"text":"log=admin&pwd=redacted-`)); keeps != opts.KeepPostData {
				t.Errorf("KeepPostData %v, but the form body is kept: %v", opts.KeepPostData, keeps)
			}
		})
	}
}

// TestSanitizedFileDiagnosesTheSame reads every fixture before and after
// Sanitize and compares what a diagnosis reads: entries, statuses, header
// and cookie names, whether credentials and cookies were sent, hops,
// timings and sizes, the challenge, the 401 bodies, and the cases.
func TestSanitizedFileDiagnosesTheSame(t *testing.T) {
	for _, file := range []string{"chrome.har", "chrome-sanitized.har", "firefox.har", "safari.har", "playwright.har", "har11.har", "secrets.har"} {
		in, _ := os.ReadFile("testdata/" + file)
		for _, opts := range sanitizeOptions {
			t.Run(file+fmt.Sprintf("%+v", opts), func(t *testing.T) {
				out := sanitize(t, in, opts)
				before, bsum := readBytes(t, in)
				after, asum := readBytes(t, out)
				if !reflect.DeepEqual(bsum.StatusCounts, asum.StatusCounts) || bsum.Creator != asum.Creator || bsum.Version != asum.Version {
					t.Errorf("summary before %+v\nafter %+v", bsum, asum)
				}
				wantBy := "why401"
				if bsum.SanitizedBy == "browser" {
					wantBy = "browser"
				}
				if !asum.Sanitized || asum.SanitizedBy != wantBy {
					t.Errorf("after: Sanitized %v by %q; want by %q", asum.Sanitized, asum.SanitizedBy, wantBy)
				}
				for i := range before {
					compareEntries(t, before[i], after[i], opts)
				}
				bc, _ := casesOf(t, in)
				ac, _ := casesOf(t, out)
				if bc != ac {
					t.Errorf("cases before %s\nafter %s", bc, ac)
				}
			})
		}
	}
}

func compareEntries(t *testing.T, b, a *har.Entry, opts har.SanitizeOptions) {
	t.Helper()
	same := func(what string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			t.Errorf("%v: %s before %v, after %v", b, what, x, y)
		}
	}
	same("method", b.Method, a.Method)
	same("status", b.Status, a.Status)
	same("status text", b.StatusText, a.StatusText)
	same("HTTP version", b.HTTPVersion, a.HTTPVersion)
	same("started", b.Started, a.Started)
	same("timings", b.Timings, a.Timings)
	same("sizes", []int64{b.TransferSize, b.ContentSize, b.RespHeadersSize, b.RespBodySize, b.ReqBodySize},
		[]int64{a.TransferSize, a.ContentSize, a.RespHeadersSize, a.RespBodySize, a.ReqBodySize})
	same("request header names", names(b.ReqHeaders), names(a.ReqHeaders))
	same("response header names", names(b.RespHeaders), names(a.RespHeaders))
	same("request cookies", len(b.ReqCookies), len(a.ReqCookies))
	same("response cookies", len(b.RespCookies), len(a.RespCookies))
	same("server", b.ServerIP, a.ServerIP)
	same("hidden retry", b.HiddenRetry(), a.HiddenRetry())
	bu, _ := url.Parse(b.URL)
	au, _ := url.Parse(a.URL)
	same("URL host and path", bu.Host+bu.Path, au.Host+au.Path)
	same("challenge", b.RespHeader("WWW-Authenticate"), a.RespHeader("WWW-Authenticate"))
	same("Set-Cookie count", len(b.SetCookies()), len(a.SetCookies()))
	for i, sc := range b.SetCookies() {
		// Names and attributes stay; values become tags.
		bn, battrs, _ := strings.Cut(sc, ";")
		an, aattrs, _ := strings.Cut(a.SetCookies()[i], ";")
		bn, _, _ = strings.Cut(bn, "=")
		an, _, _ = strings.Cut(an, "=")
		same("Set-Cookie name", bn, an)
		same("Set-Cookie attributes", battrs, aattrs)
	}
	bx, ax := b.Exchange(), a.Exchange()
	same("credentials sent", bx.CredentialsSent, ax.CredentialsSent)
	same("cookies sent", bx.CookiesSent, ax.CookiesSent)
	same("credentials unknown", bx.CredentialsUnknown, ax.CredentialsUnknown)
	same("hop", bx.Hop != nil, ax.Hop != nil)
	if bx.Hop != nil && ax.Hop != nil {
		same("hop origin", bx.Hop.SameOrigin, ax.Hop.SameOrigin)
		same("hop downgrade", bx.Hop.Downgrade, ax.Hop.Downgrade)
	}
	if ba := b.ReqHeader("Authorization"); len(ba) > 0 {
		scheme := func(v string) string { s, _, _ := strings.Cut(v, " "); return s }
		same("Authorization scheme", scheme(ba[0]), scheme(a.ReqHeader("Authorization")[0]))
	}
	// A 401's short JSON or text body is what checks read: it survives
	// (scrubbed) unless DropBodies.
	if b.Status == 401 && len(b.Body) > 0 && !opts.DropBodies && !bytes.Contains(b.Body, []byte("SENTINEL")) {
		same("401 body", string(b.Body), string(a.Body))
	}
}

func names(hs []har.NV) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.Name)
	}
	return out
}

// casesOf describes the cases of a file: targets, related, chains, and
// Set-Cookie counts.
func casesOf(t *testing.T, b []byte) (string, error) {
	var s strings.Builder
	_, err := har.Cases(bytes.NewReader(b), nil, func(c har.Case) error {
		fmt.Fprintf(&s, "%d %v %v %d unknown=%v; ", c.Target.Index, indices(c.Related), indices(c.Chain), len(c.SetCookies), c.Target.CredentialsUnknown)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s.String(), err
}

// TestSanitizeKeepsEqualValuesEqual: the cookie the dashboard request sent
// is the one the login set, before and after: a stale cookie would still
// show.
func TestSanitizeKeepsEqualValuesEqual(t *testing.T) {
	in, _ := os.ReadFile("testdata/chrome.har")
	es, _ := readBytes(t, sanitize(t, in, har.SanitizeOptions{}))
	set := es[1].SetCookies()[1] // wordpress_logged_in_…=tag; …
	pair, _, _ := strings.Cut(set, ";")
	if !strings.HasPrefix(pair, "wordpress_logged_in_0f1e2d=redacted-") {
		t.Fatalf("Set-Cookie = %q", set)
	}
	if !strings.Contains(es[2].CookieHeader(), pair) {
		t.Errorf("the cookie sent (%q) no longer matches the one set (%q)", es[2].CookieHeader(), pair)
	}
	if strings.Contains(es[2].CookieHeader(), strings.Replace(pair, "logged_in", "sec", 1)) {
		t.Error("different values got the same tag")
	}
}

func TestSanitizeTwice(t *testing.T) {
	in, _ := os.ReadFile("testdata/chrome.har")
	once := sanitize(t, in, har.SanitizeOptions{})
	twice := sanitize(t, once, har.SanitizeOptions{})
	if n := bytes.Count(twice, []byte(har.MarkKey)); n != 1 {
		t.Errorf("%d marks after two runs", n)
	}
	a, _ := readBytes(t, once)
	b, _ := readBytes(t, twice)
	for i := range a {
		if a[i].Status != b[i].Status || len(a[i].ReqHeaders) != len(b[i].ReqHeaders) {
			t.Errorf("entry %d changed on the second run", i)
		}
	}
}

func TestSanitizeIndentation(t *testing.T) {
	in := []byte(`{"log":{"entries":[],"x":[1,{}],"y":{}}}`)
	pretty := sanitize(t, in, har.SanitizeOptions{})
	if !bytes.HasPrefix(pretty, []byte("{\n  \"log\": {\n    \""+har.MarkKey+"\": {\n      \"by\": \"why401\"")) ||
		!bytes.Contains(pretty, []byte(`"entries": [],`)) || !bytes.HasSuffix(pretty, []byte("\n  }\n}\n")) {
		t.Errorf("indented output:\n%s", pretty)
	}
	compact := sanitize(t, in, har.SanitizeOptions{Compact: true})
	if bytes.Count(compact, []byte("\n")) != 1 || !bytes.Contains(compact, []byte(`"x":[1,{}],"y":{}`)) {
		t.Errorf("compact output:\n%s", compact)
	}
}

func TestSanitizeStreamsInFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 64 MB")
	}
	f := generated(t, hartest.Options{Size: 64 << 20, Seed: 3})
	var st har.SanitizeStats
	var err error
	grew := heapGrowth(func() {
		st, err = har.Sanitize(f, io.Discard, har.SanitizeOptions{})
	})
	if err != nil || st.Entries == 0 || st.Redacted == 0 {
		t.Errorf("Sanitize = %+v, %v", st, err)
	}
	t.Logf("peak heap growth %.1f MiB", float64(grew)/(1<<20))
	if grew > 16<<20 {
		t.Errorf("the heap grew by %d MiB sanitizing 64 MB", grew>>20)
	}
}

// generated writes a generated HAR to a temporary file and opens it: the
// input must not sit in the heap while memory is measured.
func generated(t *testing.T, o hartest.Options) *os.File {
	t.Helper()
	f, err := os.Create(t.TempDir() + "/gen.har")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	if _, err := hartest.Generate(f, o); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	return f
}
