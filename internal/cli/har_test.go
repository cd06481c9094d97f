package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/why401/why401/har"
	"github.com/why401/why401/lab"
)

// harDoc is the why401/har/v1 document, as far as the tests read it.
type harDoc struct {
	Schema       string         `json:"schema"`
	Entries      int            `json:"entries"`
	StatusCounts map[string]int `json:"status_counts"`
	Sanitized    bool           `json:"sanitized"`
	Reports      []struct {
		Schema  string `json:"schema"`
		Status  int    `json:"status"`
		Verdict struct {
			ID string `json:"id"`
		} `json:"verdict"`
		Findings []struct {
			ID string `json:"id"`
		} `json:"findings"`
		Exchanges []json.RawMessage `json:"exchanges"`
		Notes     []string          `json:"notes"`
		HAR       struct {
			Entry   int   `json:"entry"`
			Entries []int `json:"entries"`
		} `json:"har"`
	} `json:"reports"`
}

func parseHARDoc(t *testing.T, out string) harDoc {
	t.Helper()
	var d harDoc
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatalf("not a JSON document: %v\n%s", err, out)
	}
	if d.Schema != HARSchema {
		t.Errorf("schema %q; want %q", d.Schema, HARSchema)
	}
	return d
}

// browserFixture is a HAR recorded with Chromium against the lab by
// testenv/har/record.sh.
func browserFixture(name string) string {
	return filepath.Join("..", "..", "har", "testdata", "browser", name)
}

// The lab values the browser fixtures carry: none may ever be printed.
var browserSecrets = []string{
	"lab-ended-session", "lab-app-session", "lab-token-revoked",
	"correct horse", "wrong horse", "YWxpY2U6", // base64 of "alice:"
}

// TestBrowserFixtures diagnoses each HAR recorded with a real Chromium
// (har/testdata/browser, see testenv/har/record.sh) and asserts the exact
// finding IDs and the verdict of each refused request.
func TestBrowserFixtures(t *testing.T) {
	type want struct {
		entry   int
		entries []int // the HAR entry of each exchange
		verdict string
		ids     []string
	}
	cases := []struct {
		file      string
		sanitized bool
		counts    map[string]int
		reports   []want
	}{
		// A Basic 401 and no credentials to give.
		{"basic-none.har", false, map[string]int{"401": 1}, []want{
			{0, []int{0}, "credentials.none-sent", []string{"credentials.none-sent", "challenge.scheme"}},
		}},
		// Chromium answered the challenge itself with a wrong password: the
		// HAR shows one request without Authorization and the final 401;
		// only _transferSize (two responses) tells, and that is enough to
		// say the credentials were sent and refused.
		{"basic-rejected.har", false, map[string]int{"401": 1}, []want{
			{0, []int{0}, "credentials.rejected", []string{"credentials.rejected", "challenge.scheme"}},
		}},
		// 127.0.0.1 → localhost: the session cookie stays behind.
		{"redirect-dropped.har", false, map[string]int{"301": 1, "401": 1}, []want{
			{1, []int{0, 1}, "redirect.credentials-dropped", []string{"redirect.credentials-dropped", "credentials.none-sent", "challenge.scheme"}},
		}},
		// The 401 deletes the session cookie; the reload goes without it,
		// which only the Set-Cookie history explains.
		{"cookie-cleared.har", false, map[string]int{"401": 2}, []want{
			{0, []int{0}, "cookie.cleared", []string{"cookie.cleared", "credentials.none-sent", "check.skipped", "challenge.scheme"}},
			{1, []int{0, 1}, "cookie.cleared", []string{"cookie.cleared", "credentials.none-sent", "challenge.scheme"}},
		}},
		// The same, through why401 har sanitize: the same diagnosis.
		{"cookie-cleared.why401-sanitized.har", true, map[string]int{"401": 2}, []want{
			{0, []int{0}, "cookie.cleared", []string{"cookie.cleared", "credentials.none-sent", "check.skipped", "challenge.scheme"}},
			{1, []int{0, 1}, "cookie.cleared", []string{"cookie.cleared", "credentials.none-sent", "challenge.scheme"}},
		}},
		// The same as Chrome exports it by default: no Cookie, Set-Cookie or
		// Authorization. Whether credentials were sent is unknown.
		{"cookie-cleared.chrome-sanitized.har", true, map[string]int{"401": 2}, []want{
			{0, []int{0}, "credentials.unknown", []string{"credentials.unknown", "challenge.scheme"}},
			{1, []int{0, 1}, "credentials.unknown", []string{"credentials.unknown", "challenge.scheme"}},
		}},
		// A page script's fetch with a revoked bearer token.
		{"bearer-revoked.har", false, map[string]int{"200": 1, "401": 1}, []want{
			{1, []int{0, 1}, "bearer.invalid-token", []string{"bearer.invalid-token", "credentials.rejected", "challenge.scheme"}},
		}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			out, errOut, code := run(t, false, nil, "har", browserFixture(c.file), "--json")
			if code != ExitProblem {
				t.Errorf("exit %d, want %d (stderr %q)", code, ExitProblem, errOut)
			}
			d := parseHARDoc(t, out)
			if d.Sanitized != c.sanitized || !equalCounts(d.StatusCounts, c.counts) {
				t.Errorf("sanitized %v, counts %v; want %v, %v", d.Sanitized, d.StatusCounts, c.sanitized, c.counts)
			}
			if len(d.Reports) != len(c.reports) {
				t.Fatalf("%d reports; want %d", len(d.Reports), len(c.reports))
			}
			for i, w := range c.reports {
				r := d.Reports[i]
				var ids []string
				for _, f := range r.Findings {
					ids = append(ids, f.ID)
				}
				if r.HAR.Entry != w.entry || !slices.Equal(r.HAR.Entries, w.entries) || len(r.Exchanges) != len(w.entries) {
					t.Errorf("report %d: entry %d, entries %v (%d exchanges); want %d, %v", i, r.HAR.Entry, r.HAR.Entries, len(r.Exchanges), w.entry, w.entries)
				}
				if r.Schema != "why401/v1" || r.Status != 401 || r.Verdict.ID != w.verdict || !slices.Equal(ids, w.ids) {
					t.Errorf("report %d (entry %d): status %d, verdict %q, findings %v; want 401, %q, %v", i, w.entry, r.Status, r.Verdict.ID, ids, w.verdict, w.ids)
				}
			}
			for _, s := range browserSecrets {
				if strings.Contains(out, s) {
					t.Errorf("the output shows %q", s)
				}
			}
		})
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestHARTextListsEachRefusalThenDetails runs the text output for a TTY
// and for a pipe.
func TestHARTextListsEachRefusalThenDetails(t *testing.T) {
	for _, tty := range []bool{false, true} {
		t.Run(fmt.Sprintf("tty=%v", tty), func(t *testing.T) {
			out, _, code := run(t, tty, nil, "har", browserFixture("cookie-cleared.har"))
			if code != ExitProblem {
				t.Errorf("exit %d, want 1", code)
			}
			wants := []string{
				"cookie-cleared.har: 2 entries (401: 2), exported by Playwright 1.65.",
				"2 refused requests, diagnosed offline",
				"  entry 0    401  GET https://127.0.0.1:",
				"  entry 1    401  GET https://127.0.0.1:",
				"[error] cookie.cleared: The server ended the session",
				"findings: cookie.cleared credentials.none-sent challenge.scheme (1 check skipped)",
				"── entry 1 ",
				"Exchanges: #0 = entry 0, #1 = entry 1.",
				"sid was deleted by Max-Age=0 in",
			}
			for _, w := range wants {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			// The list comes before the details.
			if strings.Index(out, "  entry 1 ") > strings.Index(out, "── entry 0 ") {
				t.Error("the list of refusals is not first")
			}
			if hasEsc := strings.Contains(out, "\x1b["); hasEsc != tty {
				t.Errorf("escape sequences: %v; want %v (colour only on a terminal)", hasEsc, tty)
			}
		})
	}
}

// TestHARNeverPrintsASecret plants sentinels (har/testdata/secrets.har
// holds one in every place a HAR can carry a secret; the browser fixtures
// hold the lab's session cookies and token) and runs every output.
func TestHARNeverPrintsASecret(t *testing.T) {
	files := []string{filepath.Join("..", "..", "har", "testdata", "secrets.har"), filepath.Join("..", "..", "har", "testdata", "chrome.har")}
	for _, f := range []string{"basic-none.har", "basic-rejected.har", "redirect-dropped.har", "cookie-cleared.har", "bearer-revoked.har"} {
		files = append(files, browserFixture(f))
	}
	secrets := append([]string{"SENTINEL"}, browserSecrets...)
	dir := t.TempDir()
	for _, f := range files {
		for _, args := range [][]string{{}, {"-v"}, {"--json"}, {"--report", filepath.Join(dir, "r.md")}, {"--json", "-v"}} {
			out, errOut, code := run(t, false, nil, append([]string{"har", f}, args...)...)
			if code != ExitProblem && code != ExitOK {
				t.Errorf("har %s %v: exit %d (%s)", filepath.Base(f), args, code, errOut)
			}
			all := out + errOut
			if len(args) == 2 && args[0] == "--report" {
				md, err := os.ReadFile(args[1])
				if err != nil {
					t.Fatal(err)
				}
				all += string(md)
			}
			for _, s := range secrets {
				if strings.Contains(all, s) {
					t.Errorf("har %s %v shows %q", filepath.Base(f), args, s)
				}
			}
		}
	}
}

// TestHARBadInput: each faulty file of har/testdata/bad gives exit 2 and
// the reader's error, with its byte offset, on one line; nothing on stdout.
func TestHARBadInput(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "har", "testdata", "bad", "*.har"))
	if len(files) < 20 {
		t.Fatalf("only %d bad fixtures", len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(strings.TrimSuffix(f, ".har") + ".err")
		if err != nil {
			t.Fatal(err)
		}
		for _, args := range [][]string{{"har", f}, {"har", f, "--json"}, {"har", f, "--count"}} {
			out, errOut, code := run(t, false, nil, args...)
			if code != ExitUsage || out != "" {
				t.Errorf("%v: exit %d, stdout %q; want exit 2 and nothing", args, code, out)
			}
			if got := strings.TrimSpace(errOut); got != "why401: "+strings.TrimSpace(string(want)) {
				t.Errorf("%v: stderr %q\nwant why401: %s", args, got, want)
			}
		}
	}
	// Not a file at all.
	for _, args := range [][]string{{"har", "no-such.har"}, {"har", t.TempDir()}, {"har"}, {"har", "a.har", "b.har"}} {
		if _, errOut, code := run(t, false, nil, args...); code != ExitUsage || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

// A HAR with one 200, a redirect to a login page (a soft 401), a 200
// login page visited on purpose, and a POST answered 401.
func harOf(entries ...string) string {
	return `{"log":{"version":"1.2","creator":{"name":"Firefox","version":"130"},"entries":[` + strings.Join(entries, ",") + `]}}`
}

func harEntry(method, url string, status int, respHeaders, mime, body string) string {
	text, _ := json.Marshal(body)
	return fmt.Sprintf(`{"startedDateTime":"2026-01-02T03:04:05.000Z","time":10,
 "request":{"method":%q,"url":%q,"httpVersion":"HTTP/1.1","headers":[],"cookies":[],"queryString":[],"headersSize":-1,"bodySize":0},
 "response":{"status":%d,"statusText":"","httpVersion":"HTTP/1.1","headers":[%s],"cookies":[],"content":{"size":%d,"mimeType":%q,"text":%s},"redirectURL":"","headersSize":-1,"bodySize":-1},
 "cache":{},"timings":{"send":0,"wait":5,"receive":1}}`, method, url, status, respHeaders, len(body), mime, text)
}

func TestHARSelectsRefusalsAndSoft401s(t *testing.T) {
	login := `<html><head><title>Sign in</title></head><body><form><input type="password" name="pwd"></form></body></html>`
	doc := harOf(
		harEntry("GET", "https://app.example/", 200, "", "text/html", "<html><title>Home</title></html>"),
		harEntry("GET", "https://app.example/account", 302, `{"name":"Location","value":"/login?next=/account"}`, "text/html", ""),
		harEntry("GET", "https://app.example/login?next=/account", 200, "", "text/html", login),
		harEntry("GET", "https://app.example/login", 200, "", "text/html", login),
		harEntry("GET", "https://app.example/denied", 200, "", "text/html", "<html><head><title>Access Denied</title></head></html>"),
		harEntry("POST", "https://app.example/api/items", 401, `{"name":"WWW-Authenticate","value":"Bearer realm=\"api\""}`, "application/json", `{"error":"unauthorized"}`),
	)
	out, errOut, code := runIn(t, doc, "har", "-", "--json")
	if code != ExitProblem {
		t.Fatalf("exit %d (%s)", code, errOut)
	}
	d := parseHARDoc(t, out)
	var got []string
	for _, r := range d.Reports {
		got = append(got, fmt.Sprintf("%d %s", r.HAR.Entry, r.Verdict.ID))
	}
	// The login page a redirect led to and the "Access Denied" page are
	// soft 401s; the login page visited directly is not.
	want := []string{"2 status.soft-401", "4 status.soft-401", "5 credentials.none-sent"}
	if !slices.Equal(got, want) {
		t.Errorf("reports %v; want %v", got, want)
	}
	if d.Entries != 6 || d.StatusCounts["200"] != 4 {
		t.Errorf("entries %d, counts %v", d.Entries, d.StatusCounts)
	}

	// --entry narrows to one entry, whatever its status.
	out, _, code = runIn(t, doc, "har", "-", "--entry", "0", "--json")
	d = parseHARDoc(t, out)
	if code != ExitOK || len(d.Reports) != 1 || d.Reports[0].HAR.Entry != 0 || d.Reports[0].Status != 200 {
		t.Errorf("--entry 0: exit %d, %d reports; want 0 and the one entry", code, len(d.Reports))
	}
	if _, errOut, code := runIn(t, doc, "har", "-", "--entry", "6"); code != ExitUsage || !strings.Contains(errOut, "the file has 6 entries (0 to 5)") {
		t.Errorf("--entry 6: exit %d, %q", code, errOut)
	}

	// Nothing refused: exit 0, and --count counts.
	ok := harOf(harEntry("GET", "https://app.example/", 200, "", "text/html", "<html></html>"))
	out, _, code = runIn(t, ok, "har", "-")
	if code != ExitOK || !strings.Contains(out, "No request was refused") {
		t.Errorf("a HAR without refusals: exit %d\n%s", code, out)
	}
	out, _, code = runIn(t, doc, "har", "-", "--count")
	if code != ExitOK || out != "standard input: 6 entries (200: 4, 302: 1, 401: 1), exported by Firefox 130.\n" {
		t.Errorf("--count: exit %d, %q", code, out)
	}
	out, _, code = runIn(t, doc, "har", "-", "--count", "--json")
	d = parseHARDoc(t, out)
	if code != ExitOK || d.Entries != 6 || d.StatusCounts["401"] != 1 || d.Reports == nil || len(d.Reports) != 0 {
		t.Errorf("--count: exit %d\n%s", code, out)
	}
}

// TestHARReplaySendsTheRefusedGETOnce replays a HAR recorded against the
// lab: the GET goes again, live; the POST is diagnosed offline.
func TestHARReplaySendsTheRefusedGETOnce(t *testing.T) {
	srv := startLab(t)
	basic := scenarioURL(t, srv, "basic-none")
	doc := harOf(
		harEntry("GET", basic, 401, `{"name":"WWW-Authenticate","value":"Basic realm=\"Reports\""}`, "text/plain", "401\n"),
		harEntry("POST", basic, 401, `{"name":"WWW-Authenticate","value":"Basic realm=\"Reports\""}`, "text/plain", "401\n"),
	)
	out, errOut, code := runIn(t, doc, "har", "-", "--replay", "-k", "--json")
	if code != ExitProblem {
		t.Fatalf("exit %d (%s)", code, errOut)
	}
	if !strings.Contains(errOut, "--replay sends each refused GET of the file again, live") {
		t.Errorf("no warning: %q", errOut)
	}
	d := parseHARDoc(t, out)
	if len(d.Reports) != 2 || d.Reports[0].Verdict.ID != "credentials.none-sent" {
		t.Fatalf("reports %+v", d.Reports)
	}
	var x struct {
		Purpose string `json:"purpose"`
	}
	_ = json.Unmarshal(d.Reports[0].Exchanges[0], &x)
	if x.Purpose != "initial" || d.Reports[0].HAR.Entries != nil {
		t.Errorf("replayed report: first exchange %q, entries %v; want a live exchange", x.Purpose, d.Reports[0].HAR.Entries)
	}
	if n := d.Reports[1].Notes; len(n) == 0 || !strings.Contains(n[len(n)-1], "Not replayed: a POST") {
		t.Errorf("the POST: notes %q", n)
	}
	if v := srv.Env.Violations(); len(v) > 0 {
		t.Errorf("lab violations: %v", v)
	}
}

func TestHARSanitize(t *testing.T) {
	dir := t.TempDir()
	secrets := filepath.Join("..", "..", "har", "testdata", "secrets.har")
	out := filepath.Join(dir, "shared.har")
	stdout, errOut, code := run(t, false, nil, "har", "sanitize", secrets, "-o", out)
	if code != ExitOK || stdout != "" || !strings.Contains(errOut, "Sanitized 6 entries to "+out) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errOut)
	}
	b, err := os.ReadFile(out)
	if err != nil || strings.Contains(string(b), "SENTINEL") || !strings.Contains(string(b), `"_why401_sanitized"`) {
		t.Errorf("the sanitized file: %v, sentinel left: %v", err, strings.Contains(string(b), "SENTINEL"))
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v; want 0644", st.Mode().Perm())
	}

	// The same verdicts before and after.
	chrome := filepath.Join("..", "..", "har", "testdata", "chrome.har")
	stdout, _, code = run(t, false, nil, "har", "sanitize", chrome)
	if code != ExitOK {
		t.Fatalf("sanitize to stdout: exit %d", code)
	}
	in := filepath.Join(dir, "chrome.sanitized.har")
	if err := os.WriteFile(in, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	verdicts := func(file string) []string {
		out, _, _ := run(t, false, nil, "har", file, "--json")
		var vs []string
		for _, r := range parseHARDoc(t, out).Reports {
			vs = append(vs, fmt.Sprintf("%d %s", r.HAR.Entry, r.Verdict.ID))
		}
		return vs
	}
	if before, after := verdicts(chrome), verdicts(in); !slices.Equal(before, after) || len(before) != 3 {
		t.Errorf("verdicts before %v, after %v", before, after)
	}

	// Never over the input; bad input is exit 2.
	if _, errOut, code := run(t, false, nil, "har", "sanitize", in, "-o", in); code != ExitUsage || !strings.Contains(errOut, "is the input file") {
		t.Errorf("-o IN: exit %d, %q", code, errOut)
	}
	bad := filepath.Join("..", "..", "har", "testdata", "bad", "truncated.har")
	if _, errOut, code := run(t, false, nil, "har", "sanitize", bad, "-o", filepath.Join(dir, "x.har")); code != ExitUsage || !strings.Contains(errOut, "at byte 190") {
		t.Errorf("truncated: exit %d, %q", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.har")); err == nil {
		t.Error("a failed sanitize left its output behind")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*.tmp")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

// TestCurlDiagnosesLikeURL runs pasted "Copy as cURL" commands against the
// lab: as arguments, from standard input (bash and cmd quoting), with a
// cookies.txt, and with an option why401 does not know.
func TestCurlDiagnosesLikeURL(t *testing.T) {
	srv := startLab(t)
	rejected := scenarioURL(t, srv, "basic-rejected")
	cases := []struct {
		name    string
		stdin   string
		args    []string
		code    int
		verdict string
		stderr  string
	}{
		{"arguments", "", []string{"curl", rejected, "-u", lab.User + ":" + lab.WrongPass, "-k", "--compressed"}, ExitProblem, "credentials.rejected", ""},
		{"why401's flags, then --, then curl's", "", []string{"curl", "--json", "--", rejected, "-k", "-u", lab.User + ":" + lab.WrongPass}, ExitProblem, "credentials.rejected", ""},
		{"an unknown option is named", "", []string{"curl", scenarioURL(t, srv, "public"), "-k", "--frobnicate"}, ExitOK, "", "ignored unknown curl option --frobnicate"},
		{"bash from stdin", "curl '" + scenarioURL(t, srv, "bearer-invalid-token") + "' \\\n  -H 'accept: application/json' \\\n  -H 'authorization: Bearer lab-token-revoked' \\\n  --insecure\n",
			[]string{"curl", "-"}, ExitProblem, "bearer.invalid-token", ""},
		{"cmd from stdin", "curl \"" + scenarioURL(t, srv, "cookie-cleared") + "\" ^\n  -b \"sid=lab-ended-session\" ^\n  --insecure\r\n",
			[]string{"curl", "-"}, ExitProblem, "cookie.cleared", ""},
		{"the whole command as one argument", "", []string{"curl", "curl '" + rejected + "' -k -u '" + lab.User + ":" + lab.WrongPass + "'"}, ExitProblem, "credentials.rejected", ""},
		{"unbalanced quotes", "curl 'https://x.example/ -H a\n", []string{"curl", "-"}, ExitUsage, "", "could not be split into arguments: unbalanced quote"},
		{"no URL", "", []string{"curl", "-H", "a: b"}, ExitUsage, "", "no URL in the command"},
		{"nothing", "", []string{"curl"}, ExitUsage, "", "needs curl arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := c.args
			json := slices.Contains(args, "--json")
			if !json && c.verdict != "" {
				args = append([]string{args[0], "--json"}, args[1:]...)
			}
			out, errOut, code := runWith(t, c.stdin, false, nil, args...)
			if code != c.code {
				t.Fatalf("exit %d, want %d (stderr %q)", code, c.code, errOut)
			}
			if c.verdict != "" {
				var r struct {
					Source  string `json:"source"`
					Verdict struct {
						ID string `json:"id"`
					} `json:"verdict"`
				}
				if err := jsonUnmarshal(out, &r); err != nil || r.Verdict.ID != c.verdict || r.Source != "curl" {
					t.Errorf("verdict %q, source %q (%v); want %q, curl", r.Verdict.ID, r.Source, err, c.verdict)
				}
			}
			if c.stderr != "" && !strings.Contains(errOut, c.stderr) {
				t.Errorf("stderr %q; want %q", errOut, c.stderr)
			}
			for _, s := range []string{lab.WrongPass, "lab-token-revoked", "lab-ended-session"} {
				if strings.Contains(out+errOut, s) {
					t.Errorf("output shows %q", s)
				}
			}
		})
	}
	if v := srv.Env.Violations(); len(v) > 0 {
		t.Errorf("lab violations: %v", v)
	}
}

// TestCurlReadsCookieFilesAsURLDoes: -b FILE in a curl command is a
// Netscape cookies.txt, read as `why401 URL -b FILE` reads it: only the
// cookie that matches the URL is sent.
func TestCurlReadsCookieFilesAsURLDoes(t *testing.T) {
	srv := startLab(t)
	sc, _ := srv.Lookup("cookie-from-file")
	f := filepath.Join(t.TempDir(), "cookies.txt")
	if err := os.WriteFile(f, []byte(sc.Request.CookieFile), 0o600); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, false, nil, "curl", scenarioURL(t, srv, "cookie-from-file"), "-k", "-b", f)
	if code != ExitOK {
		t.Errorf("exit %d (%s)\n%s", code, errOut, out)
	}
	if v := srv.Env.Violations(); len(v) > 0 {
		t.Errorf("lab violations (a cookie went where it should not): %v", v)
	}
	if _, errOut, code := run(t, false, nil, "curl", scenarioURL(t, srv, "public"), "-k", "-b", "no-such-file"); code != ExitUsage || !strings.Contains(errOut, "-b: no such file") {
		t.Errorf("a missing cookie file: exit %d, %q", code, errOut)
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

// TestExchangeCacheGivesCaseExchanges: the cached exchanges of each case
// are exactly what har.Case.Exchanges gives, case after case.
func TestExchangeCacheGivesCaseExchanges(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "har", "testdata", "*.har"))
	more, _ := filepath.Glob(browserFixture("*.har"))
	for _, name := range append(files, more...) {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		var cache exchangeCache
		n := 0
		_, err = har.Cases(f, func(*har.Entry) bool { return true }, func(c har.Case) error {
			n++
			if got, want := cache.exchanges(c), c.Exchanges(); !reflect.DeepEqual(got, want) {
				t.Errorf("%s entry %d: cached exchanges differ:\n%+v\nwant\n%+v", filepath.Base(name), c.Target.Index, got, want)
			}
			return nil
		})
		f.Close()
		if err != nil || n == 0 {
			t.Errorf("%s: %d cases, %v", filepath.Base(name), n, err)
		}
	}
}

func TestSpoolSpillsToATemporaryFile(t *testing.T) {
	s := &spool{limit: 10}
	defer s.Close()
	if !s.empty() {
		t.Error("a new spool is not empty")
	}
	var want strings.Builder
	for i := range 100 {
		line := fmt.Sprintf("line %d\n", i)
		want.WriteString(line)
		if _, err := s.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	if s.file == nil || s.mem.Len() != 0 || s.empty() {
		t.Errorf("after %d bytes: file %v, %d bytes in memory; want spilled", want.Len(), s.file != nil, s.mem.Len())
	}
	var got strings.Builder
	if _, err := s.WriteTo(&got); err != nil || got.String() != want.String() {
		t.Errorf("WriteTo = %d bytes, %v; want the %d written", got.Len(), err, want.Len())
	}
}
