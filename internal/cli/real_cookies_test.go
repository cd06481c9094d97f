package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/why401/why401/testenv"
)

// TestRealServersCachesAndCookies runs why401 end to end against the real
// nginx of testenv/up.sh for the causes of issue 3: a 401 served from a
// cache (Age, X-Cache: HIT, and a cache-busting query that gets 200), a
// 401 a shared cache may store, an authenticated 200 without Vary, a 200
// login page (soft 401), and cookies.txt files whose cookies do not go to
// that page. It runs only with WHY401_REAL=1.
func TestRealServersCachesAndCookies(t *testing.T) {
	env := testenv.Require(t)
	dir := t.TempDir()
	now := time.Now()
	// A browser export whose session cookie belongs to another path of
	// the site, and one whose session cookie for the page has expired.
	otherPath := writeCookieFile(t, dir, "other-path.txt",
		fmt.Sprintf("#HttpOnly_127.0.0.1\tFALSE\t/app/\tFALSE\t%d\tsid\treal-S3NTINEL", now.Add(time.Hour).Unix()))
	expired := writeCookieFile(t, dir, "expired.txt",
		fmt.Sprintf("127.0.0.1\tFALSE\t/login-page/\tFALSE\t%d\tsid\treal-S3NTINEL", now.Add(-2*time.Hour).Unix()),
		"127.0.0.1\tFALSE\t/\tFALSE\t0\tlang\ten")
	right := testenv.User + ":" + testenv.Password
	cases := []struct {
		name    string
		args    []string
		code    int
		verdict string
		ids     []string
	}{
		{"nginx 401 served from a cache, confirmed by a cache-busting query", []string{env.NginxURL + "/cached/"},
			ExitProblem, "cache.cached-401",
			[]string{"cache.cached-401", "cache.cacheable-401", "credentials.none-sent", "challenge.basic-over-http", "challenge.scheme"}},
		{"nginx 401 a shared cache may store", []string{env.NginxURL + "/cacheable/"},
			ExitProblem, "credentials.none-sent",
			[]string{"cache.cacheable-401", "credentials.none-sent", "challenge.basic-over-http", "challenge.scheme"}},
		{"nginx authenticated 200 without Vary", []string{env.NginxURL + "/vary-missing/", "-u", right},
			ExitOK, "cache.vary-missing",
			[]string{"cache.vary-missing", "credentials.accepted", "challenge.basic-over-http", "challenge.scheme"}},
		{"nginx 200 login page", []string{env.NginxURL + "/login-page/"},
			ExitProblem, "status.soft-401", []string{"status.soft-401"}},
		{"nginx login page, the cookies.txt session cookie is for another path", []string{env.NginxURL + "/login-page/", "-b", otherPath},
			ExitProblem, "cookie.not-sent", []string{"cookie.not-sent", "status.soft-401"}},
		{"nginx login page, the cookies.txt session cookie has expired", []string{env.NginxURL + "/login-page/", "-b", expired},
			ExitProblem, "cookie.expired", []string{"cookie.expired", "status.soft-401"}},
		{"nginx Basic with a cookie string and the right password", []string{env.NginxURL + "/basic/", "-u", right, "-b", "sid=real-S3NTINEL; theme=dark"},
			ExitOK, "challenge.basic-over-http", []string{"challenge.basic-over-http", "credentials.accepted", "challenge.scheme"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--json", "--allow-http"}, c.args...)
			out, errOut, code := run(t, false, nil, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errOut)
			}
			if strings.Contains(out+errOut, "S3NTINEL") {
				t.Errorf("a cookie value appears in the output")
			}
			assertReport(t, out, c.verdict, c.ids)
		})
	}
}

func writeCookieFile(t *testing.T, dir, name string, lines ...string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	body := "# Netscape HTTP Cookie File\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCookieFlagReadsStringsAndFilesAsCurlDoes runs `-b` end to end against
// the lab (no real server needed): strings and cookies.txt files, stdin,
// and each kind of bad input, with the exit code, a message that names
// the problem, and never a cookie value. The lab's handlers assert the
// exact Cookie header they receive.
func TestCookieFlagReadsStringsAndFilesAsCurlDoes(t *testing.T) {
	srv := startLab(t)
	dir := t.TempDir()
	const secret = "S3NTINEL"
	day := time.Now().Add(24 * time.Hour).Unix()
	session := fmt.Sprintf("#HttpOnly_127.0.0.1\tFALSE\t/cookie/app/\tTRUE\t%d\tsid\tlab-app-session", day)
	good := writeCookieFile(t, dir, "cookies.txt", session,
		fmt.Sprintf("127.0.0.1\tFALSE\t/cookie/admin/\tTRUE\t%d\tadmin_sid\t%s", day, secret))
	partial := writeCookieFile(t, dir, "partial.txt", session,
		"127.0.0.1 FALSE / FALSE 0 spaced "+secret,
		"127.0.0.1\tMAYBE\t/\tFALSE\t0\tbad\t"+secret)
	jsonFile := filepath.Join(dir, "export.json")
	if err := os.WriteFile(jsonFile, []byte(`[{"name":"sid","value":"`+secret+`"}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	app := scenarioURL(t, srv, "cookie-from-file")
	api := scenarioURL(t, srv, "cookie-not-sent")
	stdin, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	cases := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string // in stderr; "" for none expected
		ids    []string
	}{
		// Good input.
		{"a cookies.txt: only the cookie for this path goes", []string{app, "-k", "-b", good}, "", ExitOK, "", nil},
		{"a cookies.txt on stdin", []string{app, "-k", "-b", "-"}, string(stdin), ExitOK, "", nil},
		{"a cookies.txt whose session cookie is for another path", []string{api, "-k", "-b", good}, "", ExitProblem, "",
			[]string{"cookie.not-sent", "challenge.missing"}},
		{"malformed lines are skipped and named", []string{app, "-k", "-b", partial}, "", ExitOK, "partial.txt: line 3: fields are separated by spaces", nil},
		{"an empty -b reads nothing, as curl", []string{scenarioURL(t, srv, "cookie-not-sent"), "-k", "-b", ""}, "", ExitProblem, "",
			[]string{"challenge.missing"}},
		// Bad input: exit 2, one line.
		{"a cookie string with a pair without =", []string{app, "-k", "-b", "a=1; " + secret}, "", ExitUsage, `pair 2 of the cookie string has no "="`, nil},
		{"a cookie string with a control character", []string{app, "-k", "-b", "a=1\x01" + secret}, "", ExitUsage, "control character", nil},
		{"a bare value: a file name that does not exist", []string{app, "-k", "-b", secret}, "", ExitUsage, "no such file", nil},
		{"a JSON export", []string{app, "-k", "-b", jsonFile}, "", ExitUsage, "looks like JSON", nil},
		{"a directory", []string{app, "-k", "-b", dir}, "", ExitUsage, "a directory", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb strings.Builder
			io := &IO{In: strings.NewReader(c.stdin), Out: &out, Err: &errb, Width: 100,
				Getenv: func(string) string { return "" }, Now: time.Now}
			code := Main(append([]string{"--json"}, c.args...), io)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errb.String())
			}
			if c.stderr != "" && !strings.Contains(errb.String(), c.stderr) {
				t.Errorf("stderr %q, want %q", errb.String(), c.stderr)
			}
			if c.stderr == "" && errb.Len() > 0 {
				t.Errorf("stderr %q, want none", errb.String())
			}
			if c.code == ExitUsage && strings.Count(strings.TrimSpace(errb.String()), "\n") > 0 {
				t.Errorf("stderr is not one line: %q", errb.String())
			}
			for _, leak := range []string{secret, "lab-app-session"} {
				if strings.Contains(out.String()+errb.String(), leak) {
					t.Errorf("a cookie value appears in the output: %q", leak)
				}
			}
			for _, v := range srv.Env.Violations() {
				t.Errorf("the lab saw: %s", v)
			}
			if c.code == ExitUsage {
				return
			}
			var r struct{ Findings []struct{ ID string } }
			if err := json.Unmarshal([]byte(out.String()), &r); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			var got []string
			for _, f := range r.Findings {
				got = append(got, f.ID)
			}
			sort.Strings(got)
			want := slices.Clone(c.ids)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("findings %v, want %v", got, want)
			}
		})
	}
}
