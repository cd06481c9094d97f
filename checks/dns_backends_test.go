package checks_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	mdns "github.com/miekg/dns"
	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/dns"
	"github.com/why401/why401/dns/dnstest"
	"github.com/why401/why401/internal/labrun"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/lab"
	"github.com/why401/why401/probe"
)

// The name these tests diagnose. It exists only in the resolvers the
// tests start: .test is reserved (RFC 6761), and the system resolver is
// replaced with dns.WithSystem, so no lookup leaves loopback.
const host = "app.checks.why401.test"

// node answers 401 with a Basic realm, and 200 to alice:pw when its
// password is pw.
func node(realm, pw string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Server", "test-"+realm)
		if u, p, ok := r.BasicAuth(); ok && u == "alice" && p == pw && pw != "" {
			fmt.Fprintln(w, "ok")
			return
		}
		w.Header().Set("WWW-Authenticate", `Basic realm="`+realm+`"`)
		w.WriteHeader(http.StatusUnauthorized)
	})
}

// listen serves each handler on its loopback address, all at one port,
// and returns the port. It skips the test when an address cannot be
// bound (IPv6 off, or 127.0.0.0/8 not all loopback).
func listen(t *testing.T, hs map[string]http.Handler) string {
	t.Helper()
	for range 20 {
		l0, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(l0.Addr().String())
		l0.Close()
		var ls []net.Listener
		ok := true
		for ip := range hs {
			l, err := net.Listen("tcp", net.JoinHostPort(ip, port))
			if err != nil {
				if strings.Contains(ip, ":") || !strings.Contains(err.Error(), "in use") {
					for _, l := range ls {
						l.Close()
					}
					t.Skipf("cannot listen on %s: %v", ip, err)
				}
				ok = false
				break
			}
			ls = append(ls, l)
		}
		if !ok {
			for _, l := range ls {
				l.Close()
			}
			continue
		}
		for _, l := range ls {
			ip, _, _ := net.SplitHostPort(l.Addr().String())
			srv := &http.Server{Handler: hs[ip], ReadHeaderTimeout: 5 * time.Second}
			go srv.Serve(l)
			t.Cleanup(func() { srv.Close() })
		}
		return port
	}
	t.Fatal("no port free on every address")
	return ""
}

func startDNS(t *testing.T, z dnstest.Zone) string {
	t.Helper()
	s, err := dnstest.Start(z)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s.Addr
}

func addrs(s ...string) []netip.Addr {
	var out []netip.Addr
	for _, a := range s {
		out = append(out, netip.MustParseAddr(a))
	}
	return out
}

// run is one diagnosis of http://host:port/ pinned to pin, with the given
// system resolver and --resolvers, running only the DNS check (or every
// check with all).
type run struct {
	port      string
	pin       string
	system    []netip.Addr
	resolvers []string
	user      string // alice's password, "" for none
	all       bool   // --all-backends
	allowHTTP bool
	every     bool // run every check, not only DNSBackends
}

func (c run) do(t *testing.T) *why401.Report {
	t.Helper()
	in := &why401.Input{URL: "http://" + net.JoinHostPort(host, c.port) + "/", Header: http.Header{}, Source: "url",
		Now: time.Now(), Resolvers: c.resolvers, AllBackends: c.all}
	if c.user != "" {
		in.Creds.User, in.Creds.Password, in.Creds.HasUser = "alice", redact.New(c.user), true
	}
	s, err := probe.New(in, probe.Options{Resolve: []string{host + ":" + c.port + ":" + c.pin}, AllowHTTP: c.allowHTTP,
		MaxTime: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := dns.WithSystem(context.Background(), dns.Static{Table: map[string][]netip.Addr{host: c.system}})
	list := []*why401.Check{checks.DNSBackends}
	if c.every {
		list = checks.All()
	}
	r, err := why401.Run(ctx, in, s, false, list)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func finding(r *why401.Report, id string) *why401.Finding {
	for i := range r.Findings {
		if r.Findings[i].ID == id {
			return &r.Findings[i]
		}
	}
	return nil
}

func noteWith(r *why401.Report, s string) bool {
	for _, n := range r.Notes {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

func backendProbes(r *why401.Report) int {
	n := 0
	for _, e := range r.Exchanges {
		if e.Purpose == "backend" {
			n++
		}
	}
	return n
}

// TestIPv4AndIPv6DisagreeIsNamedAsSuch: a name with an A and an AAAA
// record whose servers answer with different realms.
func TestIPv4AndIPv6DisagreeIsNamedAsSuch(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", ""), "::1": node("App (v6)", "")})
	r := run{port: port, pin: "127.0.0.6", system: addrs("127.0.0.6", "::1")}.do(t)
	f := finding(r, "backend.inconsistent")
	if f == nil {
		t.Fatalf("no backend.inconsistent in %v (notes %q)", r.IDs(), r.Notes)
	}
	for _, want := range []string{"The IPv6 address ::1 answers 401 Basic realm=\"App (v6)\"",
		"the IPv4 address 127.0.0.6 answers 401 Basic realm=\"App\"", "clients with IPv6 reach another server"} {
		if !strings.Contains(f.Detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, f.Detail)
		}
	}
	if !strings.Contains(f.Fix[0], "AAAA record (::1)") {
		t.Errorf("first fix step = %q; want the AAAA record named", f.Fix[0])
	}
	if r.Has("dns.resolver-mismatch") {
		t.Errorf("one resolver, yet a resolver mismatch: %v", r.IDs())
	}
}

// TestAgreeingBackendsSayNothing: the good fixture beside the bad ones.
func TestAgreeingBackendsSayNothing(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", ""), "127.0.0.7": node("App", "")})
	cur := startDNS(t, dnstest.Zone{Records: map[string][]netip.Addr{host: addrs("127.0.0.6", "127.0.0.7")}})
	r := run{port: port, pin: "127.0.0.6", system: addrs("127.0.0.6", "127.0.0.7"), resolvers: []string{cur}}.do(t)
	if len(r.Findings) != 0 {
		t.Errorf("findings %v for agreeing backends", r.IDs())
	}
	if n := backendProbes(r); n != 1 {
		t.Errorf("%d backend probes; want 1 (the request's own answer stands for its address)", n)
	}
}

// TestResolversThatDisagreeHarmlessly: a pool rotated by round-robin DNS,
// each resolver giving another subset of addresses that answer alike, is
// a note, not a finding.
func TestResolversThatDisagreeHarmlessly(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", ""), "127.0.0.7": node("App", ""), "127.0.0.8": node("App", "")})
	other := startDNS(t, dnstest.Zone{Records: map[string][]netip.Addr{host: addrs("127.0.0.7", "127.0.0.8")}})
	r := run{port: port, pin: "127.0.0.6", system: addrs("127.0.0.6", "127.0.0.7"), resolvers: []string{other}}.do(t)
	if len(r.Findings) != 0 {
		t.Errorf("findings %v", r.IDs())
	}
	if !noteWith(r, "but those addresses answer alike: DNS does not explain this answer") {
		t.Errorf("no note on the harmless difference: %q", r.Notes)
	}
}

// TestAResolverThatLeavesOutTheOddNode: the system resolver gives two
// addresses, a --resolver only the good one. The odd node is a backend
// problem; DNS is not blamed, and no note says the addresses answer alike.
func TestAResolverThatLeavesOutTheOddNode(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", ""), "127.0.0.7": node("App (b)", "")})
	only6 := startDNS(t, dnstest.Zone{Records: map[string][]netip.Addr{host: addrs("127.0.0.6")}})
	r := run{port: port, pin: "127.0.0.6", system: addrs("127.0.0.6", "127.0.0.7"), resolvers: []string{only6}}.do(t)
	if !r.Has("backend.inconsistent") || r.Has("dns.resolver-mismatch") {
		t.Errorf("findings %v", r.IDs())
	}
	if noteWith(r, "answer alike") {
		t.Errorf("notes %q", r.Notes)
	}
}

// TestBadResolversAreNotedAndTheRestRuns: a resolver that does not answer,
// one that answers SERVFAIL, one that says NXDOMAIN, one where nothing
// listens and one that is not HOST:PORT are each a note; the comparison
// with the good one still happens.
func TestBadResolversAreNotedAndTheRestRuns(t *testing.T) {
	t.Parallel() // the silent resolver costs dns.DefaultTimeout
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", ""), "127.0.0.9": node("App (old)", "")})
	current := startDNS(t, dnstest.Zone{Records: map[string][]netip.Addr{host: addrs("127.0.0.6")}})
	stale := startDNS(t, dnstest.Zone{Records: map[string][]netip.Addr{host: addrs("127.0.0.9")}, TTL: 3600})
	silent := startDNS(t, dnstest.Zone{Silent: true})
	servfail := startDNS(t, dnstest.Zone{Rcode: mdns.RcodeServerFailure})
	nx := startDNS(t, dnstest.Zone{})
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := pc.LocalAddr().String()
	pc.Close()

	begin := time.Now()
	r := run{port: port, pin: "127.0.0.6", system: addrs("127.0.0.6"),
		resolvers: []string{silent, servfail, nx, dead, "not a resolver", current, stale}}.do(t)
	if took := time.Since(begin); took > dns.DefaultTimeout+3*time.Second {
		t.Errorf("the diagnosis took %v with one silent resolver (timeout %v)", took, dns.DefaultTimeout)
	}
	for _, want := range []string{
		"--resolver " + silent + " was left out of the comparison: it did not answer within 2s.",
		"--resolver " + servfail + " was left out of the comparison: it answered SERVFAIL",
		"--resolver " + nx + " says " + host + " does not exist (NXDOMAIN).",
		"--resolver not a resolver was left out: resolver \"not a resolver\": want HOST:PORT.",
	} {
		if !noteWith(r, want) {
			t.Errorf("no note %q in\n%s", want, strings.Join(r.Notes, "\n"))
		}
	}
	if !noteWith(r, "--resolver "+dead+" was left out") {
		t.Errorf("no note on the resolver where nothing listens:\n%s", strings.Join(r.Notes, "\n"))
	}
	f := finding(r, "dns.resolver-mismatch")
	if f == nil {
		t.Fatalf("no dns.resolver-mismatch with the stale resolver: %v", r.IDs())
	}
	if !strings.Contains(f.Detail, "--resolver "+stale+" gives 127.0.0.9, answering 401 Basic realm=\"App (old)\"") {
		t.Errorf("detail:\n%s", f.Detail)
	}
	if !strings.HasPrefix(f.Fix[0], "--resolver "+stale+" will give 127.0.0.9 for up to 3600 s more (its TTL): wait 3600 seconds") {
		t.Errorf("no TTL advice in %q", f.Fix)
	}
}

// TestFiftyAddressesAreCapped: a name with 50 addresses is probed at 16,
// said in a note; addresses that refuse connections are a note, not a
// finding.
func TestFiftyAddressesAreCapped(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", "")})
	var many []netip.Addr
	for i := 1; i <= 50; i++ {
		many = append(many, netip.AddrFrom4([4]byte{127, 0, 1, byte(i)}))
	}
	r := run{port: port, pin: "127.0.0.6", system: append(addrs("127.0.0.6"), many[:49]...)}.do(t)
	if n := backendProbes(r); n != 15 {
		t.Errorf("%d backend probes; want 15 (16 addresses, the request's own answer for one)", n)
	}
	if !noteWith(r, "why401 found 50 addresses for "+host+" and probed 16 of them") {
		t.Errorf("no note on the cap: %q", r.Notes)
	}
	if !noteWith(r, "No HTTP answer from 127.0.1.1, 127.0.1.2, ") {
		t.Errorf("no note on the refused addresses: %q", r.Notes)
	}
	if len(r.Findings) != 0 {
		t.Errorf("findings %v", r.IDs())
	}
}

// TestAllBackendsOverPlainHTTPSendsNoCredentials: --all-backends without
// --allow-http on an http URL compares without credentials, and says so.
func TestAllBackendsOverPlainHTTPSendsNoCredentials(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", "pw"), "127.0.0.7": node("App", "old")})
	r := run{port: port, pin: "127.0.0.6", system: addrs("127.0.0.6", "127.0.0.7"), user: "pw", all: true}.do(t)
	for _, e := range r.Exchanges {
		if e.CredentialsSent {
			t.Errorf("exchange %d (%s) carried credentials over plain http", e.Index, e.Purpose)
		}
	}
	if !noteWith(r, "could not send your credentials to every address") {
		t.Errorf("notes %q", r.Notes)
	}
}

// TestAllBackendsOneAttemptPerAddress: with --allow-http, the user's
// credentials reach each address once; the odd one is named by them.
func TestAllBackendsOneAttemptPerAddress(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", "pw"), "127.0.0.7": node("App", "old"),
		"127.0.0.8": node("App", "pw")})
	r := run{port: port, pin: "127.0.0.6", system: addrs("127.0.0.6", "127.0.0.7", "127.0.0.8"), user: "pw", all: true,
		allowHTTP: true, every: true}.do(t)
	per := map[string]int{}
	for _, e := range r.Exchanges {
		if e.CredentialsSent && e.Credential == why401.CredUser {
			ap, _ := netip.ParseAddrPort(e.RemoteAddr)
			per[ap.Addr().String()]++
		}
	}
	for _, ip := range []string{"127.0.0.6", "127.0.0.7", "127.0.0.8"} {
		if per[ip] != 1 {
			t.Errorf("%s had the credentials %d times; want 1 (%v)", ip, per[ip], per)
		}
	}
	f := finding(r, "backend.inconsistent")
	if f == nil || !strings.HasPrefix(f.Detail, "127.0.0.7 refuses the credentials that 127.0.0.6, 127.0.0.8 accept") {
		t.Fatalf("findings %v; backend.inconsistent %+v", r.IDs(), f)
	}
	if r.Verdict.ID != "backend.inconsistent" && r.Verdict.ID != "credentials.accepted" {
		t.Errorf("verdict %s", r.Verdict.ID)
	}
	if !noteWith(r, "your credentials reached 3 addresses of "+host) {
		t.Errorf("the extra use of the credentials is not said: %q", r.Notes)
	}
}

// TestAnIPLiteralHasNothingToResolve: no lookup, no probe.
func TestAnIPLiteralHasNothingToResolve(t *testing.T) {
	port := listen(t, map[string]http.Handler{"127.0.0.6": node("App", "")})
	in := &why401.Input{URL: "http://127.0.0.6:" + port + "/", Header: http.Header{}, Now: time.Now()}
	s, err := probe.New(in, probe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r, err := why401.Run(context.Background(), in, s, false, []*why401.Check{checks.DNSBackends})
	if err != nil || len(r.Findings) != 0 || len(r.Notes) != 0 || len(r.Exchanges) != 1 {
		t.Errorf("err %v, findings %v, notes %q, %d exchanges", err, r.IDs(), r.Notes, len(r.Exchanges))
	}
}

// offline is a recorded run: one exchange, no network.
type offline struct{}

func (offline) Start(context.Context) ([]why401.Exchange, error) {
	return []why401.Exchange{{Purpose: why401.PurposeHAR, RemoteAddr: "127.0.0.6:443",
		Request:  why401.Request{Method: "GET", URL: "https://" + host + "/"},
		Response: &why401.Response{Status: 401, Header: http.Header{"Www-Authenticate": {`Basic realm="App"`}}}}}, nil
}
func (offline) Answer(context.Context, []why401.Exchange) ([]why401.Exchange, error) { return nil, nil }
func (offline) Probe(context.Context, why401.Probe) ([]why401.Exchange, error) {
	return nil, why401.ErrOffline
}

// TestARecordedFileSkipsTheCheck: on a HAR the check says it could not
// run, and asks no resolver.
func TestARecordedFileSkipsTheCheck(t *testing.T) {
	in := &why401.Input{URL: "https://" + host + "/", Source: "har", Now: time.Now()}
	sys := &counting{}
	ctx := dns.WithSystem(context.Background(), sys)
	r, err := why401.Run(ctx, in, offline{}, true, []*why401.Check{checks.DNSBackends})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Has("check.skipped") || sys.n != 0 {
		t.Errorf("findings %v, %d lookups", r.IDs(), sys.n)
	}
}

type counting struct{ n int }

func (c *counting) Lookup(ctx context.Context, name string) dns.Answer {
	c.n++
	return dns.Answer{Resolver: "counting", Name: name, Err: errors.New("unused")}
}
func (c *counting) String() string { return "counting" }

// TestBackendProbesRunConcurrently runs the stale-pin scenario against
// the lab with 150 ms per response: the probes of the four addresses go
// out together, so their answers arrive within one round trip of each
// other (one after another, they would span three), and the diagnosis
// stays near two round trips plus what the other checks add.
func TestBackendProbesRunConcurrently(t *testing.T) {
	const latency = 150 * time.Millisecond
	srv, err := lab.Start(lab.Options{Latency: latency})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	sc, ok := srv.Lookup("dns-stale-pin")
	if !ok {
		t.Skip("the lab has no DNS scenarios here (127.0.0.2–5 not on loopback)")
	}
	begin := time.Now()
	r, err := labrun.Diagnose(context.Background(), srv, sc)
	took := time.Since(begin)
	if err != nil {
		t.Fatal(err)
	}
	var first, last time.Time
	n := 0
	for _, e := range r.Exchanges {
		if e.Purpose != "backend" {
			continue
		}
		n++
		if first.IsZero() || e.Time.Before(first) {
			first = e.Time
		}
		if e.Time.After(last) {
			last = e.Time
		}
	}
	if n != 3 {
		t.Fatalf("%d backend probes; want 3 (127.0.0.2, .3, .5; the request's answer stands for .4)", n)
	}
	if spread := last.Sub(first); spread > latency {
		t.Errorf("the backend answers arrived over %v; want them within one round trip (%v): the probes ran one after another", spread, latency)
	}
	t.Logf("diagnosis: %v = %.1f round trips", took, float64(took)/float64(latency))
}

// fakeNet is a network that answers per address: for the cases a real one
// cannot produce here, as a machine without IPv6.
type fakeNet struct {
	first *why401.Response
	by    map[string]*why401.Response // address → answer
	fail  map[string]string           // address → connection error

	mu   sync.Mutex // the check probes concurrently
	sent []why401.Probe
}

func (f *fakeNet) Start(context.Context) ([]why401.Exchange, error) {
	return []why401.Exchange{{Purpose: why401.PurposeInitial, RemoteAddr: "127.0.0.6:443",
		Request: why401.Request{Method: "GET", URL: "https://" + host + "/"}, Response: f.first}}, nil
}
func (f *fakeNet) Answer(context.Context, []why401.Exchange) ([]why401.Exchange, error) {
	return nil, nil
}
func (f *fakeNet) Probe(_ context.Context, pr why401.Probe) ([]why401.Exchange, error) {
	f.mu.Lock()
	f.sent = append(f.sent, pr)
	f.mu.Unlock()
	e := why401.Exchange{Purpose: pr.Purpose, RemoteAddr: net.JoinHostPort(pr.Addr, "443"),
		Request: why401.Request{Method: "GET", URL: "https://" + host + "/"}, CredentialsSent: pr.Credential != why401.CredNone,
		Credential: pr.Credential}
	if msg, ok := f.fail[pr.Addr]; ok {
		e.Error = msg
		return []why401.Exchange{e}, errors.New("probe: " + msg)
	}
	e.Response = f.by[pr.Addr]
	return []why401.Exchange{e}, nil
}

func basic401(realm string) *why401.Response {
	return &why401.Response{Status: 401, Header: http.Header{"Www-Authenticate": {`Basic realm="` + realm + `"`}}}
}

// TestNoIPv6RouteIsANoteAndTheRestRuns: the AAAA address cannot be
// reached from this machine; the IPv4 addresses are still compared, and
// split evenly, which names no odd one.
func TestNoIPv6RouteIsANoteAndTheRestRuns(t *testing.T) {
	f := &fakeNet{first: basic401("App"), by: map[string]*why401.Response{"127.0.0.7": basic401("App (b)")},
		fail: map[string]string{"2001:db8::1": "dial tcp [2001:db8::1]:443: connect: network is unreachable"}}
	in := &why401.Input{URL: "https://" + host + "/", Now: time.Now()}
	ctx := dns.WithSystem(context.Background(), dns.Static{Table: map[string][]netip.Addr{host: addrs("127.0.0.6", "127.0.0.7", "2001:db8::1")}})
	r, err := why401.Run(ctx, in, f, false, []*why401.Check{checks.DNSBackends})
	if err != nil {
		t.Fatal(err)
	}
	if !noteWith(r, "This machine has no route to the IPv6 address 2001:db8::1 of "+host+", so it was not compared") {
		t.Errorf("notes %q", r.Notes)
	}
	b := finding(r, "backend.inconsistent")
	if b == nil || !strings.HasPrefix(b.Detail, "The addresses of "+host+" split evenly: 401 Basic realm=\"App\" (127.0.0.6); 401 Basic realm=\"App (b)\" (127.0.0.7).") {
		t.Fatalf("findings %v, %+v", r.IDs(), b)
	}
	if strings.Contains(b.Detail, "2001:db8::1") {
		t.Errorf("the unreachable address is in the comparison:\n%s", b.Detail)
	}
}

// TestAllBackendsWithDigestSendsNoCredentials: Digest needs each address's
// own nonce, so --all-backends compares without credentials and says why.
func TestAllBackendsWithDigestSendsNoCredentials(t *testing.T) {
	dig := &why401.Response{Status: 401, Header: http.Header{"Www-Authenticate": {`Digest realm="App", nonce="abc", qop="auth"`}}}
	f := &fakeNet{first: dig, by: map[string]*why401.Response{"127.0.0.7": dig}}
	in := &why401.Input{URL: "https://" + host + "/", Now: time.Now(), AllBackends: true}
	in.Creds.User, in.Creds.Password, in.Creds.HasUser = "alice", redact.New("pw"), true
	ctx := dns.WithSystem(context.Background(), dns.Static{Table: map[string][]netip.Addr{host: addrs("127.0.0.6", "127.0.0.7")}})
	r, err := why401.Run(ctx, in, f, false, []*why401.Check{checks.DNSBackends})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range f.sent {
		if pr.Credential != why401.CredNone {
			t.Errorf("a probe of %s carried %q", pr.Addr, pr.Credential)
		}
	}
	if !noteWith(r, "the server does not offer Basic") || len(r.Findings) != 0 {
		t.Errorf("findings %v, notes %q", r.IDs(), r.Notes)
	}
}
