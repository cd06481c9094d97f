package checks_test

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/dns"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/probe"
	"github.com/why401/why401/testenv"
)

// realRun diagnoses http://NAME:BackendPort/ against testenv's nginx
// backends and dnsmasq resolvers: the request pinned to pin (as a stale
// cache or a hosts entry would), the current dnsmasq standing in for the
// system resolver, the given --resolvers, alice's password, and every check.
func realRun(t *testing.T, env testenv.Env, name, pin string, resolvers []string, all bool) *why401.Report {
	t.Helper()
	port := strconv.Itoa(env.BackendPort)
	in := &why401.Input{URL: "http://" + name + ":" + port + "/", Header: http.Header{}, Source: "url", Now: time.Now(),
		Resolvers: resolvers, AllBackends: all}
	in.Creds.User, in.Creds.Password, in.Creds.HasUser = testenv.User, redact.New(testenv.Password), true
	s, err := probe.New(in, probe.Options{Resolve: []string{name + ":" + port + ":" + pin}, AllowHTTP: true, MaxTime: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := dns.WithSystem(context.Background(), dns.Server{Addr: env.DNSCurrent})
	r, err := checks.Diagnose(ctx, in, s, false)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// credUses counts, per address, the exchanges that carried alice's
// password.
func credUses(r *why401.Report) map[string]int {
	per := map[string]int{}
	for _, e := range r.Exchanges {
		if e.CredentialsSent && e.Credential == why401.CredUser {
			if ap, err := netip.ParseAddrPort(e.RemoteAddr); err == nil {
				per[ap.Addr().String()]++
			}
		}
	}
	return per
}

// TestRealStaleResolverToldApartFromTheOddBackend: the client holds the
// old server's address (127.0.0.4, which the stale dnsmasq still gives),
// the current dnsmasq gives 127.0.0.2 and 127.0.0.3, and 127.0.0.3 has an
// old password file. Both causes are named, each for what it is.
func TestRealStaleResolverToldApartFromTheOddBackend(t *testing.T) {
	env := testenv.Require(t)
	r := realRun(t, env, testenv.AppHost, "127.0.0.4", []string{env.DNSCurrent, env.DNSStale}, true)

	m := finding(r, "dns.resolver-mismatch")
	if m == nil {
		t.Fatalf("no dns.resolver-mismatch: %v\n%q", r.IDs(), r.Notes)
	}
	for _, want := range []string{
		"Your request went to 127.0.0.4 (as --resolver " + env.DNSStale + " gives), answering 401 Basic realm=\"App (old)\"",
		"the system resolver and --resolver " + env.DNSCurrent + " give 127.0.0.2, 127.0.0.3, answering 200 (127.0.0.2) and 401 Basic realm=\"App\" (127.0.0.3)",
		"Likely stale: 127.0.0.4",
		"127.0.0.4 → 401 Basic realm=\"App (old)\", credentials refused (Server: nginx",
	} {
		if !strings.Contains(m.Detail, want) {
			t.Errorf("dns.resolver-mismatch detail lacks %q:\n%s", want, m.Detail)
		}
	}
	fix := strings.Join(m.Fix, "\n")
	if !strings.Contains(fix, "--resolver "+env.DNSStale+" will give 127.0.0.4 for up to") || !strings.Contains(fix, "remove the --resolve pin") {
		t.Errorf("fix does not name the stale resolver's TTL and the pin:\n%s", fix)
	}

	b := finding(r, "backend.inconsistent")
	if b == nil {
		t.Fatalf("no backend.inconsistent: %v", r.IDs())
	}
	if !strings.HasPrefix(b.Detail, "127.0.0.3 refuses the credentials that 127.0.0.2 accepts") || strings.Contains(b.Detail, "127.0.0.4") {
		t.Errorf("backend.inconsistent does not name 127.0.0.3 alone:\n%s", b.Detail)
	}
	if r.Verdict.ID != "dns.resolver-mismatch" {
		t.Errorf("verdict %s; want dns.resolver-mismatch (the request went to the old server)", r.Verdict.ID)
	}
	for ip, n := range credUses(r) {
		if n != 1 {
			t.Errorf("%s had the password %d times; want once per address", ip, n)
		}
	}
	if len(credUses(r)) != 3 {
		t.Errorf("credentials went to %v; want 127.0.0.2, .3 and .4", credUses(r))
	}
}

// TestRealOddBackendWithoutStaleDNS: the resolvers agree; the odd backend
// is named and no DNS finding is made.
func TestRealOddBackendWithoutStaleDNS(t *testing.T) {
	env := testenv.Require(t)
	r := realRun(t, env, testenv.AppHost, "127.0.0.2", []string{env.DNSCurrent}, true)
	b := finding(r, "backend.inconsistent")
	if b == nil || !strings.HasPrefix(b.Detail, "127.0.0.3 refuses the credentials that 127.0.0.2 accepts") {
		t.Fatalf("findings %v; backend.inconsistent %+v", r.IDs(), b)
	}
	if !strings.Contains(b.Detail, "X-Backend: b") || !strings.Contains(b.Fix[0], "fix or drain 127.0.0.3") {
		t.Errorf("the odd node is not identified:\n%s\n%q", b.Detail, b.Fix)
	}
	if r.Has("dns.resolver-mismatch") {
		t.Errorf("resolvers agree, yet %v", r.IDs())
	}
	if r.Verdict.ID != "backend.inconsistent" {
		t.Errorf("verdict %s", r.Verdict.ID)
	}
}

// TestRealIPv4AndIPv6Disagree: dual.why401.test has A 127.0.0.2 and AAAA
// ::1, served by nginx with different realms.
func TestRealIPv4AndIPv6Disagree(t *testing.T) {
	env := testenv.Require(t)
	has6 := false
	for _, a := range env.Backends {
		has6 = has6 || a.Is6()
	}
	if !has6 {
		t.Skip("the test environment has no ::1 backend (no IPv6 on lo)")
	}
	r := realRun(t, env, "dual."+testenv.Zone, "127.0.0.2", nil, false)
	b := finding(r, "backend.inconsistent")
	if b == nil || !strings.HasPrefix(b.Detail, "The IPv6 address ::1 answers 401 Basic realm=\"App (v6)\", the IPv4 address 127.0.0.2 answers 401 Basic realm=\"App\"") {
		t.Fatalf("findings %v; backend.inconsistent %+v", r.IDs(), b)
	}
}

// TestRealBadResolversAndManyAddresses: a dead resolver and one whose
// upstream never answers are notes; a name with 50 addresses is probed
// at 16; the rest of the diagnosis runs.
func TestRealBadResolversAndManyAddresses(t *testing.T) {
	env := testenv.Require(t)
	begin := time.Now()
	rs := []string{env.DNSCurrent}
	if env.DNSDead != "" {
		rs = append(rs, env.DNSDead)
	}
	r := realRun(t, env, "many."+testenv.Zone, "127.0.0.2", rs, false)
	if took := time.Since(begin); took > dns.DefaultTimeout+5*time.Second {
		t.Errorf("took %v", took)
	}
	if !noteWith(r, "why401 found 51 addresses for many."+testenv.Zone+" and probed 16 of them") {
		t.Errorf("notes %q", r.Notes)
	}
	if env.DNSDead != "" && !noteWith(r, "--resolver "+env.DNSDead+" was left out") {
		t.Errorf("no note on the dead resolver: %q", r.Notes)
	}
	if !r.Has("credentials.accepted") {
		t.Errorf("the rest of the diagnosis did not run: %v", r.IDs())
	}

	r = realRun(t, env, "timeout."+testenv.Zone, "127.0.0.2", []string{env.DNSStale}, false)
	if !noteWith(r, "The system resolver was left out of the comparison: it did not answer within 2s") {
		t.Errorf("notes %q", r.Notes)
	}
	if !noteWith(r, "--resolver "+env.DNSStale+" says timeout."+testenv.Zone+" does not exist (NXDOMAIN)") {
		t.Errorf("notes %q", r.Notes)
	}
}
