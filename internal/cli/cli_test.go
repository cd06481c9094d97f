package cli

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/why401/why401/lab"
)

// run executes the CLI with args and returns stdout, stderr and the exit
// code. tty says whether stdout pretends to be a terminal.
func run(t *testing.T, tty bool, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	return runWith(t, "", tty, env, args...)
}

// runIn is run with standard input.
func runIn(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	return runWith(t, stdin, false, nil, args...)
}

func runWith(t *testing.T, stdin string, tty bool, env map[string]string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	io := &IO{In: strings.NewReader(stdin), Out: &out, Err: &errb, OutTTY: tty, Width: 100,
		Getenv: func(k string) string { return env[k] }, Now: time.Now}
	code := Main(args, io)
	return out.String(), errb.String(), code
}

func startLab(t *testing.T) *lab.Server {
	t.Helper()
	srv, err := lab.Start(lab.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func scenarioURL(t *testing.T, srv *lab.Server, id string) string {
	t.Helper()
	sc, ok := srv.Lookup(id)
	if !ok {
		t.Fatalf("no scenario %s", id)
	}
	return srv.Env.URL(sc)
}

// TestExitCodes runs the CLI end to end and asserts the exit code table.
func TestExitCodes(t *testing.T) {
	srv := startLab(t)
	cases := []struct {
		name string
		args []string
		want int
	}{
		{"accepted credentials exit 0", []string{scenarioURL(t, srv, "basic-accepted"), "-k", "-u", lab.User + ":" + lab.Password}, ExitOK},
		{"a public page exits 0", []string{scenarioURL(t, srv, "public"), "-k"}, ExitOK},
		{"rejected credentials exit 1", []string{"check", scenarioURL(t, srv, "basic-rejected"), "-k", "-u", lab.User + ":" + lab.WrongPass}, ExitProblem},
		{"no credentials exit 1", []string{scenarioURL(t, srv, "basic-none"), "-k"}, ExitProblem},
		{"a valid challenge exits 0", []string{"challenge", `Basic realm="x"`}, ExitOK},
		{"an invalid challenge exits 1", []string{"challenge", `Basic realm="x`}, ExitProblem},
		{"explain a known ID exits 0", []string{"explain", "credentials.rejected"}, ExitOK},
		{"explain an unknown ID exits 2", []string{"explain", "credentials.nope"}, ExitUsage},
		{"the version exits 0", []string{"version"}, ExitOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, errOut, code := run(t, false, nil, c.args...)
			if code != c.want {
				t.Errorf("why401 %s: exit %d, want %d (stderr %q)", strings.Join(c.args, " "), code, c.want, errOut)
			}
		})
	}
}

// TestBadInput asserts that each fault ends within its timeout with a
// one-line error naming the problem, the right exit code, and no secret.
func TestBadInput(t *testing.T) {
	srv := startLab(t)
	const secret = "S3NTINEL-pass"

	// A server that accepts connections and never answers.
	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	go func() {
		for {
			c, err := silent.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	// A server with a 50 MB header, and one with 10,000 challenges.
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Huge", strings.Repeat("a", 50<<20))
		w.WriteHeader(401)
	}))
	defer huge.Close()
	many := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", strings.TrimSuffix(strings.Repeat(`Basic realm="r", `, 10000), ", "))
		w.WriteHeader(401)
	}))
	defer many.Close()
	// A closed port.
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedAddr := closed.Addr().String()
	closed.Close()

	cases := []struct {
		name     string
		args     []string
		want     int
		contains string
	}{
		{"a malformed URL", []string{"http://[::1", "-u", "a:" + secret}, ExitUsage, "malformed URL"},
		{"a URL without a scheme", []string{"example.invalid/x"}, ExitUsage, "no scheme"},
		{"an unsupported scheme", []string{"ftp://127.0.0.1/"}, ExitUsage, "unsupported URL scheme"},
		{"an unknown flag", []string{"https://127.0.0.1/", "--frobnicate"}, ExitUsage, "unknown flag"},
		{"-u without a colon", []string{"https://127.0.0.1/", "-u", "alice"}, ExitUsage, "no colon"},
		{"a bad header", []string{"https://127.0.0.1/", "-H", "NoColon"}, ExitUsage, "Name: value"},
		{"a bad --resolve", []string{"https://127.0.0.1/", "--resolve", "nonsense"}, ExitUsage, "--resolve"},
		{"an unreachable host", []string{"http://" + closedAddr + "/", "-u", "a:" + secret}, ExitUnreachable, "connection refused"},
		{"a TLS error", []string{scenarioURL(t, srv, "basic-none"), "-u", "a:" + secret}, ExitUnreachable, "TLS certificate not trusted"},
		{"plain http to a TLS port answers 400, no auth problem", []string{strings.Replace(scenarioURL(t, srv, "basic-none"), "https://", "http://", 1)}, ExitOK, ""},
		{"a server that never answers", []string{"http://" + silent.Addr().String() + "/", "-m", "0.5", "-H", "Authorization: Bearer " + secret}, ExitUnreachable, "timed out"},
		{"a 50 MB header", []string{huge.URL + "/"}, ExitUnreachable, "exceed"},
		{"10,000 challenges", []string{many.URL + "/"}, ExitProblem, ""},
		{"two URLs", []string{"https://a.invalid/", "https://b.invalid/"}, ExitUsage, "one URL"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			out, errOut, code := run(t, false, nil, c.args...)
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %s", d)
			}
			if code != c.want {
				t.Errorf("exit %d, want %d; stderr %q", code, c.want, errOut)
			}
			if c.contains != "" && !strings.Contains(errOut, c.contains) {
				t.Errorf("stderr %q does not name the problem (%q)", errOut, c.contains)
			}
			if c.want != ExitProblem && c.want != ExitOK && strings.Count(strings.TrimSpace(errOut), "\n") > 0 {
				t.Errorf("stderr is not one line: %q", errOut)
			}
			if strings.Contains(out+errOut, secret) {
				t.Errorf("the secret appears in the output")
			}
			if strings.Contains(errOut, "panic") || strings.Contains(errOut, "goroutine") {
				t.Errorf("panic: %s", errOut)
			}
		})
	}
}

// TestNoSecretInAnyOutput runs credentialed diagnoses with every output
// format and asserts that no secret appears anywhere.
func TestNoSecretInAnyOutput(t *testing.T) {
	srv := startLab(t)
	dir := t.TempDir()
	const pass, token, cookie = "pw-S3NTINEL", "tok-S3NTINEL", "ck-S3NTINEL"
	for _, id := range []string{"basic-rejected", "basic-accepted", "digest-rejected", "redirect-dropped", "bearer-invalid-token"} {
		for _, mode := range [][]string{nil, {"-v"}, {"--json"}, {"-v", "--no-color"}} {
			report := filepath.Join(dir, id+".md")
			args := append([]string{scenarioURL(t, srv, id), "-k", "-u", "alice:" + pass, "-b", "sid=" + cookie,
				"-H", "X-Api-Key: " + token, "--report", report}, mode...)
			if strings.HasPrefix(id, "bearer") {
				args = append([]string{scenarioURL(t, srv, id), "-k", "--oauth2-bearer", token, "-b", "sid=" + cookie, "--report", report}, mode...)
			}
			out, errOut, _ := run(t, true, nil, args...)
			md, err := os.ReadFile(report)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range []string{pass, token, cookie} {
				if strings.Contains(out+errOut+string(md), s) {
					t.Errorf("%s %v: secret %q leaked", id, mode, s)
				}
			}
		}
	}
}

// TestColourOnlyOnATerminal runs the same diagnosis for a TTY, a pipe and
// a TTY with NO_COLOR.
func TestColourOnlyOnATerminal(t *testing.T) {
	srv := startLab(t)
	u := scenarioURL(t, srv, "basic-rejected")
	args := []string{u, "-k", "-u", lab.User + ":" + lab.WrongPass}
	tty, _, _ := run(t, true, nil, args...)
	pipe, _, _ := run(t, false, nil, args...)
	nocolor, _, _ := run(t, true, map[string]string{"NO_COLOR": "1"}, args...)
	if !strings.Contains(tty, "\x1b[") {
		t.Error("no colour on a terminal")
	}
	for name, s := range map[string]string{"pipe": pipe, "NO_COLOR": nocolor} {
		if strings.Contains(s, "\x1b[") {
			t.Errorf("colour codes with %s", name)
		}
	}
	if !strings.HasPrefix(pipe, "[error] Your credentials were rejected") {
		t.Errorf("the verdict is not first:\n%s", pipe)
	}
}

// TestDemoPasses runs `why401 demo`: every scenario must get its expected
// verdict and findings.
func TestDemoPasses(t *testing.T) {
	out, errOut, code := run(t, false, nil, "demo")
	if code != ExitOK {
		t.Fatalf("demo exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, fmt.Sprintf("%d of %d scenarios", len(lab.Scenarios()), len(lab.Scenarios()))) {
		t.Errorf("demo summary missing:\n%s", out)
	}
}

// TestChallengeJSON checks the `challenge --json` document of DESIGN.md.
func TestChallengeJSON(t *testing.T) {
	out, _, code := run(t, false, nil, "challenge", "--json", `Basic realm="a\"b", charset="UTF-8", Bearer`)
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{`"valid": true`, `"error": null`, `"scheme": "Basic"`, `"realm": "a\"b"`, `"token68": null`, `"registered": true`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in\n%s", want, out)
		}
	}
	out, _, code = run(t, false, nil, "challenge", "--json", `Basic realm="x", realm="y"`)
	if code != ExitProblem || !strings.Contains(out, `"valid": false`) {
		t.Errorf("a repeated parameter: exit %d\n%s", code, out)
	}
}
