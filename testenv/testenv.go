// Package testenv gives tests the addresses of why401's real-server test environment: a private nginx,
// Apache httpd and two dnsmasq resolvers on loopback, installed from Debian's packages by
// testenv/install.sh and started by testenv/up.sh (see testenv/README.md).
//
// Tests that need them call Require, which skips unless WHY401_REAL=1:
//
//	func TestNginxBasicRejectsWrongPassword(t *testing.T) {
//		env := testenv.Require(t)
//		resp, err := http.Get(env.NginxURL + "/basic/")
//		…
//	}
//
// With WHY401_REAL=1 a missing env file, a missing address or a server that does not accept a
// connection fails the test instead: CI must not pass by skipping.
package testenv

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Fixture credentials, the same on every server (see nginx.sh and apache.sh).
const (
	User         = "alice"
	Password     = "hunter2"
	UTF8User     = "bob"         // password pässwörd, stored as UTF-8 bytes
	Latin1User   = "carol"       // password pässwörd, stored as ISO-8859-1 bytes (nginx only)
	NonASCIIPass = "pässwörd"    // UTF-8 in this source file
	OldPassword  = "oldpassword" // alice's password on the stale backends 127.0.0.3 and 127.0.0.4
	APIKey       = "s3cret"      // nginx /underscore/, header X-Api-Key
)

// Realms and names the servers use.
const (
	NginxRealm  = "Reports"      // nginx /basic/, /vary-missing/, and :18082/basic/
	DigestRealm = "digest-realm" // Apache /digest/, /digest-stale/
	ApacheRealm = "apache-basic" // Apache /basic/
	Zone        = "why401.test"  // served by both dnsmasq
	AppHost     = "app.why401.test"
)

// Env holds the addresses of the running servers. URLs have no trailing slash.
type Env struct {
	Dir string // the run directory: configs, pid files and logs

	NginxURL            string // http://127.0.0.1:18080: /basic/ /basic-utf8/ /cached/ /cacheable/ /vary-missing/ /login-page/ /noauth-challenge/ /underscore/ /redirect-http/ /redirect-same/
	NginxAppURL         string // http://127.0.0.1:18081: the app behind /underscore/, accepting X_API_KEY
	NginxOtherOriginURL string // http://127.0.0.1:18082: where /redirect-http/ lands (/basic/)

	// Backends of app.why401.test (port BackendPort): 127.0.0.2 accepts alice/hunter2, 127.0.0.3 has
	// an old password file, 127.0.0.4 is the old server the stale resolver still names, ::1 (when the
	// machine has IPv6) answers dual.why401.test's AAAA with another realm.
	BackendPort int
	Backends    []netip.Addr

	ApacheURL string // http://127.0.0.1:18180: /digest/ /digest-stale/ /basic/

	DNSCurrent string // host:port of the resolver with the zone as it is now
	DNSStale   string // host:port of the resolver with the stale answer
	DNSDead    string // host:port where no resolver listens
}

// Variables: the env file's keys. The environment overrides the file.
const (
	keyDir     = "WHY401_TESTENV_DIR"
	keyNginx   = "WHY401_NGINX_URL"
	keyApp     = "WHY401_NGINX_APP_URL"
	keyOther   = "WHY401_NGINX_OTHER_ORIGIN_URL"
	keyBPort   = "WHY401_BACKEND_PORT"
	keyBackend = "WHY401_BACKENDS"
	keyApache  = "WHY401_APACHE_URL"
	keyDNSCur  = "WHY401_DNS_CURRENT"
	keyDNSOld  = "WHY401_DNS_STALE"
	keyDNSDead = "WHY401_DNS_DEAD"
)

// DefaultDir is where up.sh puts the run directory unless WHY401_TESTENV_DIR says otherwise.
const DefaultDir = "/tmp/why401-testenv"

var (
	once   sync.Once
	cached Env
	errEnv error
)

// Require returns the test environment, or skips the test unless WHY401_REAL=1. The values come from
// the environment variables named in the env file, else from the env file (WHY401_TESTENV_FILE, or
// testenv.env in WHY401_TESTENV_DIR or DefaultDir) that up.sh writes. With WHY401_REAL=1 it fails the
// test when a value is missing or malformed or a server does not accept a TCP connection. Loading and
// checking happen once per test binary.
func Require(t testing.TB) Env {
	t.Helper()
	if os.Getenv("WHY401_REAL") != "1" {
		t.Skip("real servers not requested: run testenv/install.sh and testenv/up.sh, then set WHY401_REAL=1")
	}
	once.Do(func() { cached, errEnv = load() })
	if errEnv != nil {
		t.Fatalf("WHY401_REAL=1 but the test environment is not usable (run testenv/up.sh): %v", errEnv)
	}
	return cached
}

func load() (Env, error) {
	// The file may be absent when the environment holds every variable (a CI that exports them).
	vals, fileErr := readEnvFile(envFile())
	if fileErr != nil && !errors.Is(fileErr, fs.ErrNotExist) {
		return Env{}, fileErr
	}
	get := func(k string) string {
		if v, ok := os.LookupEnv(k); ok && v != "" {
			return v
		}
		return vals[k]
	}
	var missing []string
	need := func(k string) string {
		v := get(k)
		if v == "" {
			missing = append(missing, k)
		}
		return strings.TrimRight(v, "/")
	}
	e := Env{
		Dir:                 get(keyDir),
		NginxURL:            need(keyNginx),
		NginxAppURL:         need(keyApp),
		NginxOtherOriginURL: need(keyOther),
		ApacheURL:           need(keyApache),
		DNSCurrent:          need(keyDNSCur),
		DNSStale:            need(keyDNSOld),
		DNSDead:             get(keyDNSDead),
	}
	port, backends := need(keyBPort), need(keyBackend)
	if len(missing) > 0 {
		if fileErr != nil {
			return Env{}, fmt.Errorf("testenv: %s not set and %w", strings.Join(missing, ", "), fileErr)
		}
		return Env{}, fmt.Errorf("testenv: %s not set in %s or the environment", strings.Join(missing, ", "), envFile())
	}
	if _, err := fmt.Sscan(port, &e.BackendPort); err != nil {
		return Env{}, fmt.Errorf("testenv: %s=%q: %w", keyBPort, port, err)
	}
	for _, s := range strings.Split(backends, ",") {
		a, err := netip.ParseAddr(strings.TrimSpace(s))
		if err != nil {
			return Env{}, fmt.Errorf("testenv: %s: %w", keyBackend, err)
		}
		e.Backends = append(e.Backends, a)
	}

	// Every server must accept a connection (dnsmasq listens on TCP too).
	addrs := []string{hostPort(e.NginxURL), hostPort(e.NginxAppURL), hostPort(e.NginxOtherOriginURL),
		hostPort(e.ApacheURL), e.DNSCurrent, e.DNSStale}
	for _, a := range e.Backends {
		addrs = append(addrs, netip.AddrPortFrom(a, uint16(e.BackendPort)).String())
	}
	var errs []error
	for _, a := range addrs {
		c, err := net.DialTimeout("tcp", a, 2*time.Second)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.Close()
	}
	if err := errors.Join(errs...); err != nil {
		return Env{}, fmt.Errorf("testenv: server not running: %w", err)
	}
	return e, nil
}

func envFile() string {
	if f := os.Getenv("WHY401_TESTENV_FILE"); f != "" {
		return f
	}
	dir := os.Getenv(keyDir)
	if dir == "" {
		dir = DefaultDir
	}
	return filepath.Join(dir, "testenv.env")
}

// readEnvFile reads KEY=VALUE lines; blank lines and lines starting with # are ignored.
func readEnvFile(name string) (map[string]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("testenv: %w", err)
	}
	defer f.Close()
	vals := make(map[string]string)
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("testenv: %s:%d: not KEY=VALUE: %q", name, n, line)
		}
		vals[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("testenv: %s: %w", name, err)
	}
	return vals, nil
}

// hostPort returns the host:port of an http URL ("http://127.0.0.1:18080" → "127.0.0.1:18080").
func hostPort(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return u // the dial reports it
	}
	return p.Host
}
