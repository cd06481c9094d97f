package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/why401/why401/lab"
)

// The page's three inputs, end to end against the lab: a form posted, the
// result page it redirects to, the downloads.

func TestURLFormShowsTheVerdictAndFindings(t *testing.T) {
	labSrv := startLab(t)
	ts := startServer(t, Options{})
	sc := scenario(t, labSrv, "basic-none")

	resp, body := ts.postForm("/check", url.Values{"url": {labSrv.Env.URL(sc)}, "insecure": {"1"}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /check = %d, want 200 after the redirect; body:\n%s", resp.StatusCode, body)
	}
	if !strings.HasPrefix(resp.Request.URL.Path, "/r/") {
		t.Errorf("POST /check ended at %s, want /r/ID (post, redirect, get)", resp.Request.URL.Path)
	}
	for _, want := range []string{
		`class="verdict"`,              // the verdict on top
		"credentials.none-sent",        // the top finding, by ID
		"who can fix it",               // each finding says who
		"The chain, hop by hop",        // the chain panel
		"What the server asks for",     // the challenges panel
		`<strong class="scheme">Basic`, // the scheme, broken out
		"realm",                        // its parameters
		"report.md", "report.json",     // the downloads
		"Recent diagnoses", // the history
		`<link rel="stylesheet" href="/static/style.css">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the result page lacks %q", want)
		}
	}
	if strings.Index(body, `class="verdict"`) > strings.Index(body, `class="finding`) {
		t.Errorf("the verdict is not above the findings")
	}
}

func TestURLFormWithCredentialsShowsThemAccepted(t *testing.T) {
	labSrv := startLab(t)
	ts := startServer(t, Options{})
	sc := scenario(t, labSrv, "basic-accepted")

	resp, body := ts.postForm("/check", url.Values{
		"url": {labSrv.Env.URL(sc)}, "user": {lab.User}, "password": {lab.Password}, "insecure": {"1"},
	})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /check = %d; body:\n%s", resp.StatusCode, body)
	}
	if !strings.Contains(body, "credentials.accepted") {
		t.Errorf("the result page does not show credentials.accepted")
	}
	if n := labSrv.Env.Uses(sc.ID); n != 1 {
		t.Errorf("the lab saw the password %d times, want once", n)
	}
	if v := labSrv.Env.Violations(); len(v) > 0 {
		t.Errorf("the lab saw violations: %q", v)
	}
	assertNoSecret(t, "the result page", body, lab.Password)
}

func TestDownloadsAreAttachmentsInBothFormats(t *testing.T) {
	labSrv := startLab(t)
	ts := startServer(t, Options{})
	sc := scenario(t, labSrv, "basic-rejected")
	resp, _ := ts.postForm("/check", url.Values{
		"url": {labSrv.Env.URL(sc)}, "user": {lab.User}, "password": {lab.WrongPass}, "insecure": {"1"},
	})
	id := strings.TrimPrefix(resp.Request.URL.Path, "/r/")

	resp, md := ts.get("/r/" + id + "/report.md")
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/markdown") {
		t.Errorf("report.md: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, ".md") {
		t.Errorf("report.md: Content-Disposition %q, want an attachment named *.md", cd)
	}
	if !strings.Contains(md, "credentials.rejected") {
		t.Errorf("report.md lacks the verdict's finding:\n%s", md)
	}
	assertNoSecret(t, "report.md", md, lab.WrongPass)

	resp, js := ts.get("/r/" + id + "/report.json")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Errorf("report.json: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var doc struct {
		Schema  string `json:"schema"`
		Verdict struct {
			ID string `json:"id"`
		} `json:"verdict"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("report.json does not decode: %v", err)
	}
	if doc.Schema != "why401/v1" || doc.Verdict.ID != "credentials.rejected" {
		t.Errorf("report.json: schema %q verdict %q, want why401/v1 credentials.rejected", doc.Schema, doc.Verdict.ID)
	}
	assertNoSecret(t, "report.json", js, lab.WrongPass)

	if resp, _ := ts.get("/r/0123456789abcdef01234567/report.md"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a download of an unknown result = %d, want 404", resp.StatusCode)
	}
}

// smallHAR is a Chrome-like export: a redirect to a Basic 401, a page that
// worked, and a Bearer API call refused with invalid_token.
const smallHAR = `{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
 "entries": [
  {"startedDateTime": "2025-11-27T10:00:00.000Z", "time": 20,
   "request": {"method": "GET", "url": "http://intranet.example/reports", "httpVersion": "HTTP/1.1",
     "headers": [{"name": "Cookie", "value": "sid=abc123secretcookie"}], "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
   "response": {"status": 301, "statusText": "Moved Permanently", "httpVersion": "HTTP/1.1",
     "headers": [{"name": "Location", "value": "https://intranet.example/reports/"}], "cookies": [],
     "content": {"size": 0, "mimeType": ""}, "redirectURL": "https://intranet.example/reports/", "headersSize": -1, "bodySize": 0},
   "cache": {}, "timings": {"send": 0, "wait": 20, "receive": 0}},
  {"startedDateTime": "2025-11-27T10:00:00.100Z", "time": 20,
   "request": {"method": "GET", "url": "https://intranet.example/reports/", "httpVersion": "HTTP/1.1",
     "headers": [], "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
   "response": {"status": 401, "statusText": "Unauthorized", "httpVersion": "HTTP/1.1",
     "headers": [{"name": "WWW-Authenticate", "value": "Basic realm=\"Reports\""}, {"name": "Date", "value": "Thu, 27 Nov 2025 10:00:00 GMT"}],
     "cookies": [], "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
   "cache": {}, "timings": {"send": 0, "wait": 20, "receive": 0}},
  {"startedDateTime": "2025-11-27T10:00:01.000Z", "time": 10,
   "request": {"method": "GET", "url": "https://intranet.example/", "httpVersion": "HTTP/1.1",
     "headers": [], "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
   "response": {"status": 200, "statusText": "OK", "httpVersion": "HTTP/1.1", "headers": [], "cookies": [],
     "content": {"size": 0, "mimeType": "text/html"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
   "cache": {}, "timings": {"send": 0, "wait": 10, "receive": 0}},
  {"startedDateTime": "2025-11-27T10:00:02.000Z", "time": 15,
   "request": {"method": "GET", "url": "https://api.example/v1/me", "httpVersion": "HTTP/1.1",
     "headers": [{"name": "Authorization", "value": "Bearer hartokensecret0123456789"}], "cookies": [], "queryString": [], "headersSize": -1, "bodySize": 0},
   "response": {"status": 401, "statusText": "Unauthorized", "httpVersion": "HTTP/1.1",
     "headers": [{"name": "WWW-Authenticate", "value": "Bearer realm=\"api\", error=\"invalid_token\", error_description=\"The access token expired\""}],
     "cookies": [], "content": {"size": 0, "mimeType": "application/json"}, "redirectURL": "", "headersSize": -1, "bodySize": 0},
   "cache": {}, "timings": {"send": 0, "wait": 15, "receive": 0}}
 ]}}`

func TestHARUploadShowsItsUnauthorizedEntries(t *testing.T) {
	ts := startServer(t, Options{})
	resp, body := ts.postHAR("export.har", []byte(smallHAR))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /har = %d; body:\n%s", resp.StatusCode, body)
	}
	for _, want := range []string{
		"4 entries",
		"2 answered 401 or 407",
		"https://intranet.example/reports/",
		"https://api.example/v1/me",
		"bearer.invalid-token",
		"The 2 diagnoses",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the HAR result lacks %q", want)
		}
	}
	assertNoSecret(t, "the HAR result", body, "abc123secretcookie", "hartokensecret0123456789")
	id := strings.TrimPrefix(resp.Request.URL.Path, "/r/")
	_, js := ts.get("/r/" + id + "/report.json")
	var doc struct {
		Schema       string         `json:"schema"`
		Entries      int            `json:"entries"`
		StatusCounts map[string]int `json:"status_counts"`
		Reports      []any          `json:"reports"`
	}
	if err := json.Unmarshal([]byte(js), &doc); err != nil {
		t.Fatalf("report.json of a HAR does not decode: %v\n%s", err, js)
	}
	if doc.Schema != "why401/har/v1" || doc.Entries != 4 || doc.StatusCounts["401"] != 2 || len(doc.Reports) != 2 {
		t.Errorf("report.json of a HAR = %+v, want why401/har/v1, 4 entries, 2 × 401, 2 reports", doc)
	}
	assertNoSecret(t, "the HAR's report.json", js, "abc123secretcookie", "hartokensecret0123456789")
	_, md := ts.get("/r/" + id + "/report.md")
	assertNoSecret(t, "the HAR's report.md", md, "abc123secretcookie", "hartokensecret0123456789")
}

func TestResultPageWorksWithoutJavaScriptAndCSS(t *testing.T) {
	// The URL form is a plain HTML form: POST, 303, GET. The result is a
	// whole server-rendered page; the script only adds the drop zone and
	// a busy state. Nothing on the page is inline (the CSP forbids it).
	ts := startServer(t, Options{})
	_, body := ts.get("/")
	for _, want := range []string{
		`<form method="post" action="/check"`,
		`<form method="post" action="/curl"`,
		`<form method="post" action="/har" enctype="multipart/form-data"`,
		`name="token" value="` + testToken + `"`,
		`<script src="/static/app.js" defer></script>`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the index page lacks %q", want)
		}
	}
	for _, bad := range []string{"<script>", "<style", " style=", " onclick=", " onload=", `src="http`, `href="http`, `href="//`, `src="//`} {
		if strings.Contains(body, bad) {
			t.Errorf("the index page contains %q: no inline code and no external asset", bad)
		}
	}
	for _, path := range []string{"/static/style.css", "/static/app.js", "/static/favicon.svg"} {
		resp, b := ts.get(path)
		if resp.StatusCode != 200 || len(b) == 0 {
			t.Errorf("GET %s = %d (%d bytes), want the embedded file", path, resp.StatusCode, len(b))
		}
		if strings.Contains(b, "://") && !strings.Contains(b, "www.w3.org/2000/svg") {
			t.Errorf("%s names an external address: everything is embedded", path)
		}
	}
}

func TestHistoryKeepsRecentDiagnosesBounded(t *testing.T) {
	target := newTarget(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="x"`)
		w.WriteHeader(401)
	}))
	ts := startServer(t, Options{History: 3})
	var ids []string
	for i := 0; i < 5; i++ {
		resp, _ := ts.postForm("/check", url.Values{"url": {target.URL + "/n" + string(rune('a'+i))}})
		ids = append(ids, strings.TrimPrefix(resp.Request.URL.Path, "/r/"))
	}
	_, body := ts.get("/")
	if got := strings.Count(body, `<li><a href="/r/`); got != 3 {
		t.Errorf("the history lists %d entries, want the last 3", got)
	}
	if resp, _ := ts.get("/r/" + ids[0]); resp.StatusCode != http.StatusNotFound {
		t.Errorf("the oldest result = %d, want 404 (dropped from the history)", resp.StatusCode)
	}
	if resp, _ := ts.get("/r/" + ids[4]); resp.StatusCode != http.StatusOK {
		t.Errorf("the newest result = %d, want 200", resp.StatusCode)
	}
}

// assertNoSecret fails when s holds a secret, or the Basic encoding of
// alice's password, anywhere.
func assertNoSecret(t *testing.T, what, s string, secrets ...string) {
	t.Helper()
	for _, sec := range secrets {
		forms := []string{sec, url.QueryEscape(sec), base64.StdEncoding.EncodeToString([]byte(lab.User + ":" + sec))}
		for _, f := range forms {
			if strings.Contains(s, f) {
				t.Errorf("%s holds the secret %q (as %q)", what, sec, f)
			}
		}
	}
}

func TestCurlBoxDiagnosesACopiedCommand(t *testing.T) {
	labSrv := startLab(t)
	ts := startServer(t, Options{})
	sc := scenario(t, labSrv, "basic-accepted")
	secretFile := filepath.Join(t.TempDir(), "cookies.txt")
	if err := os.WriteFile(secretFile, []byte("127.0.0.1\tFALSE\t/\tFALSE\t0\tsid\tFILE-SECRET-9f8e7d\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// As Chrome's "Copy as cURL (bash)" writes it, line continuations and
	// all, plus -k for the lab's certificate and a cookie file.
	cmd := "curl '" + labSrv.Env.URL(sc) + "' \\\n  -H 'accept: text/html' \\\n  -u '" + lab.User + ":" + lab.Password + "' \\\n  -b " + secretFile + " \\\n  -k --compressed"
	resp, body := ts.postForm("/curl", url.Values{"curl": {cmd}})
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /curl = %d:\n%s", resp.StatusCode, mainOf(body))
	}
	for _, want := range []string{"credentials.accepted", "from a curl command", "The cookie file named with -b was not read"} {
		if !strings.Contains(body, want) {
			t.Errorf("the curl result lacks %q:\n%s", want, mainOf(body))
		}
	}
	assertNoSecret(t, "the curl result", body, lab.Password, "FILE-SECRET-9f8e7d", secretFile)
	if n := labSrv.Env.Uses(sc.ID); n != 1 {
		t.Errorf("the lab saw the password %d times, want once", n)
	}

	// Chrome's "Copy as cURL (cmd)" for Windows: carets everywhere.
	win := `curl ^"` + labSrv.Env.URL(scenario(t, labSrv, "basic-none")) + `^" ^` + "\r\n" + `  -H ^"accept: */*^" ^` + "\r\n" + `  -k`
	resp, body = ts.postForm("/curl", url.Values{"curl": {win}})
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "credentials.none-sent") {
		t.Errorf("a cmd.exe command = %d, want its diagnosis:\n%s", resp.StatusCode, mainOf(body))
	}
}
