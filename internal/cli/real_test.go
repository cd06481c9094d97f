package cli

import (
	"encoding/json"
	"slices"
	"sort"
	"testing"

	"github.com/why401/why401/testenv"
)

// TestRealServers runs why401 end to end against real nginx (auth_basic)
// and Apache httpd (mod_auth_digest), started on loopback by
// testenv/up.sh. It runs only with WHY401_REAL=1 (.ci/run sets it).
func TestRealServers(t *testing.T) {
	env := testenv.Require(t)
	right := testenv.User + ":" + testenv.Password
	cases := []struct {
		name    string
		args    []string
		code    int
		verdict string
		ids     []string
	}{
		// nginx auth_basic, realm "Reports".
		{"nginx Basic, right password", []string{env.NginxURL + "/basic/", "-u", right},
			ExitOK, "challenge.basic-over-http", []string{"challenge.basic-over-http", "credentials.accepted", "challenge.scheme"}},
		{"nginx Basic, wrong password", []string{env.NginxURL + "/basic/", "-u", testenv.User + ":nope"},
			ExitProblem, "credentials.rejected", []string{"credentials.rejected", "challenge.basic-over-http", "challenge.scheme"}},
		{"nginx Basic, no credentials", []string{env.NginxURL + "/basic/"},
			ExitProblem, "credentials.none-sent", []string{"credentials.none-sent", "challenge.basic-over-http", "challenge.scheme"}},
		{"nginx Basic over http without --allow-http withholds the password", []string{env.NginxURL + "/basic/", "-u", right, "--no-allow-http"},
			ExitProblem, "credentials.none-sent", []string{"credentials.none-sent", "challenge.basic-over-http", "challenge.scheme"}},
		// carol's password is stored as ISO-8859-1: why401 sends Latin-1
		// when no charset is advertised, as browsers do; bob's is UTF-8.
		{"nginx Basic, Latin-1 password", []string{env.NginxURL + "/basic/", "-u", testenv.Latin1User + ":" + testenv.NonASCIIPass},
			ExitOK, "challenge.basic-over-http", []string{"challenge.basic-over-http", "credentials.accepted", "challenge.scheme"}},
		{"nginx Basic, UTF-8 password without charset", []string{env.NginxURL + "/basic/", "-u", testenv.UTF8User + ":" + testenv.NonASCIIPass},
			ExitProblem, "credentials.rejected", []string{"credentials.rejected", "credentials.charset", "challenge.basic-over-http", "challenge.scheme"}},
		{"nginx Basic with charset=UTF-8", []string{env.NginxURL + "/basic-utf8/", "-u", testenv.UTF8User + ":" + testenv.NonASCIIPass},
			ExitOK, "challenge.basic-over-http", []string{"challenge.basic-over-http", "credentials.accepted", "challenge.scheme"}},
		{"nginx bare 401", []string{env.NginxURL + "/noauth-challenge/"},
			ExitProblem, "challenge.missing", []string{"challenge.missing"}},
		{"nginx redirect to another port drops the credentials", []string{env.NginxURL + "/redirect-http/", "-u", right},
			ExitProblem, "redirect.credentials-dropped", []string{"redirect.credentials-dropped", "credentials.none-sent", "challenge.basic-over-http", "challenge.scheme"}},
		// Apache mod_auth_digest (MD5, qop=auth).
		{"Apache Digest, right password", []string{env.ApacheURL + "/digest/", "-u", right},
			ExitOK, "credentials.accepted", []string{"credentials.accepted", "challenge.scheme"}},
		{"Apache Digest, wrong password", []string{env.ApacheURL + "/digest/", "-u", testenv.User + ":nope"},
			ExitProblem, "credentials.rejected", []string{"credentials.rejected", "challenge.scheme"}},
		{"Apache Digest, UTF-8 password", []string{env.ApacheURL + "/digest/", "-u", testenv.UTF8User + ":" + testenv.NonASCIIPass},
			ExitOK, "credentials.accepted", []string{"credentials.accepted", "challenge.scheme"}},
		{"Apache Basic, right password", []string{env.ApacheURL + "/basic/", "-u", right},
			ExitOK, "challenge.basic-over-http", []string{"challenge.basic-over-http", "credentials.accepted", "challenge.scheme"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			args := append([]string{"--json"}, c.args...)
			if !slices.Contains(args, "--no-allow-http") {
				args = append(args, "--allow-http")
			} else {
				args = slices.DeleteFunc(args, func(s string) bool { return s == "--no-allow-http" })
			}
			out, errOut, code := run(t, false, nil, args...)
			if code != c.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, c.code, errOut)
			}
			assertReport(t, out, c.verdict, c.ids)
		})
	}
}

// assertReport checks a why401/v1 document's verdict and its exact set of
// finding IDs.
func assertReport(t *testing.T, out, verdict string, ids []string) {
	t.Helper()
	var r struct {
		Verdict  struct{ ID string }
		Findings []struct{ ID string }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	var got []string
	for _, f := range r.Findings {
		got = append(got, f.ID)
	}
	sort.Strings(got)
	want := slices.Clone(ids)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings %v, want %v", got, want)
	}
	if r.Verdict.ID != verdict {
		t.Errorf("verdict %s, want %s", r.Verdict.ID, verdict)
	}
}
