package checks_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/probe"
	"github.com/why401/why401/render"
)

// wpEnv is the real WordPress that testenv/wordpress/up.sh DIR starts, as
// DIR/wordpress.env describes it.
type wpEnv struct {
	Stripped, PassAuth, EarlyUser string // base URLs, with a trailing slash
	User, AppPassword             string
	Dir                           string // DIR: logs in DIR/log
}

// requireWordPress returns the real WordPress, or skips unless WHY401_REAL=1.
// The values come from the file WHY401_WP_ENV names (DIR/wordpress.env),
// overridden by the same variables in the environment. With WHY401_REAL=1 a
// missing value or a server that does not accept a connection fails the
// test: CI must not pass by skipping.
func requireWordPress(t *testing.T) wpEnv {
	t.Helper()
	if os.Getenv("WHY401_REAL") != "1" {
		t.Skip("real WordPress not requested: run testenv/wordpress/install.sh and up.sh DIR, then set " +
			"WHY401_REAL=1 WHY401_WP_ENV=DIR/wordpress.env")
	}
	vals := map[string]string{}
	file := os.Getenv("WHY401_WP_ENV")
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			t.Fatalf("WHY401_REAL=1 but WHY401_WP_ENV: %v (run testenv/wordpress/up.sh DIR)", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
				vals[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		f.Close()
	}
	var missing []string
	get := func(k string, need bool) string {
		v := os.Getenv(k)
		if v == "" {
			v = vals[k]
		}
		if v == "" && need {
			missing = append(missing, k)
		}
		return v
	}
	slash := func(s string) string {
		if s != "" && !strings.HasSuffix(s, "/") {
			s += "/"
		}
		return s
	}
	env := wpEnv{
		Stripped:    slash(get("WHY401_WP_STRIPPED_URL", true)),
		PassAuth:    slash(get("WHY401_WP_PASSAUTH_URL", true)),
		EarlyUser:   slash(get("WHY401_WP_EARLYUSER_URL", false)),
		User:        get("WHY401_WP_USER", true),
		AppPassword: get("WHY401_WP_APP_PASSWORD", true),
		Dir:         get("WHY401_WP_DIR", false),
	}
	if len(missing) > 0 {
		t.Fatalf("WHY401_REAL=1 but %s not set (WHY401_WP_ENV=%q): run testenv/wordpress/up.sh DIR and set "+
			"WHY401_WP_ENV=DIR/wordpress.env", strings.Join(missing, ", "), file)
	}
	for _, base := range []string{env.Stripped, env.PassAuth, env.EarlyUser} {
		if base == "" {
			continue
		}
		u, err := url.Parse(base)
		if err != nil {
			t.Fatalf("WHY401_REAL=1 but %q is not a URL: %v", base, err)
		}
		c, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
		if err != nil {
			t.Fatalf("WHY401_REAL=1 but WordPress is not running at %s: %v", base, err)
		}
		c.Close()
	}
	return env
}

// wpRun diagnoses url with -u user:pass --allow-http, as the CLI does.
func wpRun(t *testing.T, rawURL, user, pass string) (*why401.Report, *probe.Session) {
	t.Helper()
	in := &why401.Input{URL: rawURL, Header: http.Header{}, Source: "url", Now: time.Now()}
	in.Creds.User, in.Creds.Password, in.Creds.HasUser = user, redact.New(pass), true
	s, err := probe.New(in, probe.Options{AllowHTTP: true, MaxTime: 30 * time.Second, UserAgent: "why401-test"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	r, err := checks.Diagnose(context.Background(), in, s, false)
	if err != nil {
		t.Fatalf("diagnosis failed: %v", err)
	}
	// No secret in the JSON document, whatever else happened.
	var b bytes.Buffer
	if err := render.JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	if bytes.Contains(b.Bytes(), []byte(pass)) || bytes.Contains(b.Bytes(), []byte(basic)) {
		t.Errorf("the JSON report contains the password")
	}
	return r, s
}

// userCarriers counts the exchanges that carried the user's password: in
// the Authorization header (the answer) or in a body (the XML-RPC
// confirmation).
func userCarriers(r *why401.Report) (header, body int) {
	for _, e := range r.Exchanges {
		switch {
		case e.Credential == why401.CredUser && e.CredentialsSent:
			header++
		case e.Credential == why401.CredUser:
			body++
		}
	}
	return header, body
}

// accessLog counts, in Apache's access log of the testenv (which records
// whether a request carried Authorization, never its value), the requests
// to port that carried the header and the POSTs to xmlrpc.php, from byte
// offset on. It waits for n lines, as Apache writes a line after answering.
type accessLog struct {
	path   string
	offset int64
}

func newAccessLog(env wpEnv) *accessLog {
	if env.Dir == "" {
		return nil
	}
	p := filepath.Join(env.Dir, "log", "apache-access.log")
	fi, err := os.Stat(p)
	if err != nil {
		return nil
	}
	return &accessLog{path: p, offset: fi.Size()}
}

func (l *accessLog) count(port string, lines int) (auth, xmlrpc, seen int, ok bool) {
	deadline := time.Now().Add(3 * time.Second)
	for {
		b, err := os.ReadFile(l.path)
		if err != nil || int64(len(b)) < l.offset {
			return 0, 0, 0, false
		}
		auth, xmlrpc, seen = 0, 0, 0
		for _, line := range strings.Split(string(b[l.offset:]), "\n") {
			if !strings.Contains(line, "port="+port+" ") {
				continue
			}
			seen++
			if strings.HasSuffix(line, "auth=present") {
				auth++
			}
			if strings.Contains(line, `"POST `) && strings.Contains(line, "/xmlrpc.php") {
				xmlrpc++
			}
		}
		if seen >= lines || time.Now().After(deadline) {
			return auth, xmlrpc, seen, true
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRealWordPressTellsAStrippedHeaderFromAWrongPassword runs why401 against
// the real WordPress of testenv/wordpress: PHP-FPM behind Apache without
// CGIPassAuth (the header never reaches PHP) and with it. Only with
// WHY401_REAL=1.
func TestRealWordPressTellsAStrippedHeaderFromAWrongPassword(t *testing.T) {
	env := requireWordPress(t)
	const wrong = "Wr0ngWr0ngWr0ngWr0ng1234" // 24 letters and digits, like an Application Password
	me := "wp-json/wp/v2/users/me"
	cases := []struct {
		name    string
		url     string
		pass    string
		verdict string   // "" = not checked
		has     []string // must be reported
		hasNot  []string // must not be reported
		xmlrpc  int      // XML-RPC confirmations expected
	}{
		{
			name: "stripped vhost, right Application Password: the stripped header is the verdict",
			url:  env.Stripped + me, pass: env.AppPassword,
			verdict: "header.authorization-stripped",
			has:     []string{"header.authorization-stripped", "wordpress.detected", "wordpress.rest-error"},
			hasNot:  []string{"header.authorization-unverified", "credentials.accepted"},
			xmlrpc:  1,
		},
		{
			name: "stripped vhost, ?rest_route= form: the same",
			url:  env.Stripped + "?rest_route=/wp/v2/users/me", pass: env.AppPassword,
			verdict: "header.authorization-stripped",
			has:     []string{"header.authorization-stripped"},
			xmlrpc:  1,
		},
		{
			name: "CGIPassAuth vhost, right Application Password: accepted",
			url:  env.PassAuth + me, pass: env.AppPassword,
			has:    []string{"credentials.accepted", "wordpress.detected"},
			hasNot: []string{"header.authorization-stripped", "header.authorization-unverified", "credentials.rejected"},
			xmlrpc: 0,
		},
		{
			name: "CGIPassAuth vhost, wrong Application Password: rejected, no stripped-header alarm",
			url:  env.PassAuth + me, pass: wrong,
			verdict: "credentials.rejected",
			has:     []string{"credentials.rejected", "wordpress.rest-error"},
			hasNot:  []string{"header.authorization-stripped", "header.authorization-unverified", "credentials.accepted"},
			xmlrpc:  1,
		},
		{
			name: "stripped vhost, wrong Application Password: rejected, no stripped-header alarm",
			url:  env.Stripped + me, pass: wrong,
			verdict: "credentials.rejected",
			has:     []string{"credentials.rejected"},
			hasNot:  []string{"header.authorization-stripped", "header.authorization-unverified"},
			xmlrpc:  1,
		},
	}
	if env.EarlyUser != "" {
		cases = append(cases, struct {
			name    string
			url     string
			pass    string
			verdict string
			has     []string
			hasNot  []string
			xmlrpc  int
		}{
			name: "early-user vhost, wrong Application Password: incorrect_password proves the header arrived, no XML-RPC",
			url:  env.EarlyUser + me, pass: wrong,
			verdict: "credentials.rejected",
			has:     []string{"credentials.rejected", "wordpress.rest-error"},
			hasNot:  []string{"header.authorization-stripped", "header.authorization-unverified"},
			xmlrpc:  0,
		})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			log := newAccessLog(env)
			r, s := wpRun(t, c.url, env.User, c.pass)
			t.Logf("verdict %s; findings %v", r.Verdict.ID, r.IDs())
			if c.verdict != "" && r.Verdict.ID != c.verdict {
				t.Errorf("verdict %s, want %s", r.Verdict.ID, c.verdict)
			}
			for _, id := range c.has {
				if !r.Has(id) {
					t.Errorf("%s not reported", id)
				}
			}
			for _, id := range c.hasNot {
				if r.Has(id) {
					t.Errorf("%s reported", id)
				}
			}
			// The budget: the answer, plus at most the one XML-RPC
			// confirmation, and that only after the answer failed.
			header, body := userCarriers(r)
			if header != 1 || body != c.xmlrpc {
				t.Errorf("the password went out %d times in the header and %d in a body; want 1 and %d", header, body, c.xmlrpc)
			}
			if n := s.UserUses(); n != 1+c.xmlrpc {
				t.Errorf("the session counted %d uses of the password, want %d", n, 1+c.xmlrpc)
			}
			if c.xmlrpc > 0 && !strings.Contains(strings.Join(r.Notes, " "), "XML-RPC") {
				t.Errorf("the second use is not said in the notes: %q", r.Notes)
			}
			// What Apache saw, independently of why401's own record.
			if log == nil {
				t.Logf("no access log (WHY401_WP_DIR unset): the server-side count is skipped")
				return
			}
			u, _ := url.Parse(c.url)
			auth, xmlrpc, seen, ok := log.count(u.Port(), len(r.Exchanges))
			if !ok {
				t.Logf("access log unreadable: the server-side count is skipped")
				return
			}
			if auth != 1 || xmlrpc != c.xmlrpc {
				t.Errorf("Apache saw %d requests with Authorization and %d XML-RPC POSTs (of %d requests); want 1 and %d",
					auth, xmlrpc, seen, c.xmlrpc)
			}
		})
	}
}
