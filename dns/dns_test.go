package dns_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	mdns "github.com/miekg/dns"
	"github.com/why401/why401/dns"
	"github.com/why401/why401/dns/dnstest"
)

var (
	a2  = netip.MustParseAddr("127.0.0.2")
	a3  = netip.MustParseAddr("127.0.0.3")
	a4  = netip.MustParseAddr("127.0.0.4")
	v6  = netip.MustParseAddr("::1")
	ctx = context.Background()
)

func start(t *testing.T, z dnstest.Zone) *dnstest.Server {
	t.Helper()
	s, err := dnstest.Start(z)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func many(n int) []netip.Addr {
	var out []netip.Addr
	for i := 1; i <= n; i++ {
		out = append(out, netip.AddrFrom4([4]byte{127, 0, 1, byte(i)}))
	}
	return out
}

// TestServerLookup queries a server on loopback the way why401 queries a
// --resolver: A and AAAA, the CNAME chain, the TTLs, and every failure a
// resolver can answer with.
func TestServerLookup(t *testing.T) {
	zone := dnstest.Zone{
		Records: map[string][]netip.Addr{
			"app.example.test":  {a2, a3},
			"dual.example.test": {a2, v6},
			"many.example.test": many(50),
		},
		CNAMEs: map[string]string{"www.example.test": "edge.example.test", "edge.example.test": "app.example.test"},
		TTL:    300,
	}
	good := start(t, zone)
	servfail := start(t, dnstest.Zone{Rcode: mdns.RcodeServerFailure})
	refused := start(t, dnstest.Zone{Rcode: mdns.RcodeRefused})
	truncating := start(t, dnstest.Zone{Records: zone.Records, TruncateUDP: true})

	cases := []struct {
		name, server, host string
		want               []netip.Addr
		cnames             []string
		nx                 bool
		err                error
	}{
		// Answers.
		{"two A records", good.Addr, "app.example.test", []netip.Addr{a2, a3}, nil, false, nil},
		{"case and trailing dot do not matter", good.Addr, "APP.example.test.", []netip.Addr{a2, a3}, nil, false, nil},
		{"A then AAAA", good.Addr, "dual.example.test", []netip.Addr{a2, v6}, nil, false, nil},
		{"a CNAME chain is followed and kept", good.Addr, "www.example.test", []netip.Addr{a2, a3}, []string{"edge.example.test", "app.example.test"}, false, nil},
		{"50 addresses fit with EDNS0", good.Addr, "many.example.test", many(50), nil, false, nil},
		{"a truncated UDP answer is asked again over TCP", truncating.Addr, "app.example.test", []netip.Addr{a2, a3}, nil, false, nil},
		// The name does not exist: an answer, not an error.
		{"NXDOMAIN", good.Addr, "gone.example.test", nil, nil, true, nil},
		// Failures.
		{"SERVFAIL", servfail.Addr, "app.example.test", nil, nil, false, dns.ErrServFail},
		{"REFUSED", refused.Addr, "app.example.test", nil, nil, false, dns.ErrRefused},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := dns.Server{Addr: c.server}.Lookup(ctx, c.host)
			if !slices.Equal(got.Addrs(), c.want) {
				t.Errorf("Lookup(%s) = %v; want %v", c.host, got.Addrs(), c.want)
			}
			if !slices.Equal(got.CNAMEs, c.cnames) {
				t.Errorf("CNAMEs = %v; want %v", got.CNAMEs, c.cnames)
			}
			if got.NXDomain != c.nx {
				t.Errorf("NXDomain = %v; want %v", got.NXDomain, c.nx)
			}
			if !errors.Is(got.Err, c.err) || (c.err == nil) != (got.Err == nil) {
				t.Errorf("Err = %v; want %v", got.Err, c.err)
			}
			if got.Failed() != (c.err != nil) {
				t.Errorf("Failed() = %v", got.Failed())
			}
		})
	}
}

func TestServerLookupReportsTTLs(t *testing.T) {
	s := start(t, dnstest.Zone{Records: map[string][]netip.Addr{"app.example.test": {a4}}, TTL: 3600})
	got := dns.Server{Addr: s.Addr}.Lookup(ctx, "app.example.test")
	ttl, ok := got.MinTTL()
	if !ok || ttl != time.Hour {
		t.Errorf("MinTTL() = %v, %v; want 1h0m0s, true", ttl, ok)
	}
	if got.Resolver != s.Addr || got.Name != "app.example.test" {
		t.Errorf("Resolver, Name = %q, %q", got.Resolver, got.Name)
	}
}

// TestServerThatDoesNotAnswerTimesOut bounds a silent resolver by the
// timeout, and says so in one line.
func TestServerThatDoesNotAnswerTimesOut(t *testing.T) {
	silent := start(t, dnstest.Zone{Silent: true})
	begin := time.Now()
	got := dns.Server{Addr: silent.Addr, Timeout: 300 * time.Millisecond}.Lookup(ctx, "app.example.test")
	if took := time.Since(begin); took > 2*time.Second {
		t.Errorf("a silent resolver held the lookup for %v", took)
	}
	if !errors.Is(got.Err, dns.ErrTimeout) {
		t.Fatalf("Err = %v; want ErrTimeout", got.Err)
	}
	if want := "dns: " + silent.Addr + ": did not answer within 300ms"; got.Err.Error() != want {
		t.Errorf("Err = %q; want %q", got.Err, want)
	}
}

// TestServerWhereNothingListens: a closed UDP port answers with ICMP port
// unreachable (connection refused); where the platform drops it instead,
// the timeout ends the lookup.
func TestServerWhereNothingListens(t *testing.T) {
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	pc.Close()
	got := dns.Server{Addr: addr, Timeout: 300 * time.Millisecond}.Lookup(ctx, "app.example.test")
	if !errors.Is(got.Err, dns.ErrUnreachable) && !errors.Is(got.Err, dns.ErrTimeout) {
		t.Errorf("Err = %v; want ErrUnreachable or ErrTimeout", got.Err)
	}
}

// TestSystemWithInjectedResolver runs the system-resolver path against a
// server on loopback, through a net.Resolver that dials it: no query
// leaves the machine.
func TestSystemWithInjectedResolver(t *testing.T) {
	s := start(t, dnstest.Zone{Records: map[string][]netip.Addr{"app.example.test": {a3, a2, v6}}})
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, s.Addr)
	}}
	sys := dns.System{Resolver: r}
	got := sys.Lookup(ctx, "app.example.test")
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	var v4 []netip.Addr
	for _, ip := range got.Addrs() {
		if ip.Is4() {
			v4 = append(v4, ip)
		}
	}
	slices.SortFunc(v4, netip.Addr.Compare)
	if !slices.Equal(v4, []netip.Addr{a2, a3}) || !got.Has(v6) {
		t.Errorf("System.Lookup = %v; want 127.0.0.2, 127.0.0.3 and ::1", got.Addrs())
	}
	if _, ok := got.MinTTL(); ok {
		t.Error("the system resolver says no TTL, yet MinTTL reports one")
	}
	if got.Addrs()[len(got.Addrs())-1] != v6 {
		t.Errorf("AAAA not after A: %v", got.Addrs())
	}
	nx := sys.Lookup(ctx, "gone.example.test")
	if !nx.NXDomain || nx.Err != nil {
		t.Errorf("System.Lookup(gone) = NXDomain %v, Err %v; want NXDOMAIN", nx.NXDomain, nx.Err)
	}
	if sys.String() != "system resolver" {
		t.Errorf("String() = %q", sys.String())
	}
}

func TestWithSystemReplacesTheMachinesResolver(t *testing.T) {
	if _, ok := dns.SystemFrom(ctx).(dns.System); !ok {
		t.Errorf("SystemFrom(empty context) = %T; want dns.System", dns.SystemFrom(ctx))
	}
	st := dns.Static{Table: map[string][]netip.Addr{"App.Example.Test.": {a2}}}
	r := dns.SystemFrom(dns.WithSystem(ctx, st))
	got := r.Lookup(ctx, "app.example.test")
	if !slices.Equal(got.Addrs(), []netip.Addr{a2}) || r.String() != "system resolver" {
		t.Errorf("injected resolver: %v from %q", got.Addrs(), r.String())
	}
	if !r.Lookup(ctx, "other.example.test").NXDomain {
		t.Error("a name outside the table exists")
	}
}

// TestLookupAllAsksInParallel: two resolvers that never answer cost one
// timeout, not two.
func TestLookupAllAsksInParallel(t *testing.T) {
	s1 := start(t, dnstest.Zone{Silent: true})
	s2 := start(t, dnstest.Zone{Silent: true})
	good := start(t, dnstest.Zone{Records: map[string][]netip.Addr{"app.example.test": {a2}}})
	const timeout = 400 * time.Millisecond
	begin := time.Now()
	got := dns.LookupAll(ctx, "app.example.test",
		dns.Server{Addr: s1.Addr, Timeout: timeout}, dns.Server{Addr: good.Addr}, dns.Server{Addr: s2.Addr, Timeout: timeout})
	if took := time.Since(begin); took > timeout*3/2+500*time.Millisecond {
		t.Errorf("LookupAll took %v for two %v timeouts in parallel", took, timeout)
	}
	if len(got) != 3 || got[1].Resolver != good.Addr || !got[1].Has(a2) || got[0].Err == nil || got[2].Err == nil {
		t.Errorf("LookupAll = %+v", got)
	}
}

func TestParseServer(t *testing.T) {
	cases := []struct{ in, want, err string }{
		{"127.0.0.1:15353", "127.0.0.1:15353", ""},
		{"192.0.2.53", "192.0.2.53:53", ""},
		{" 192.0.2.53 ", "192.0.2.53:53", ""},
		{"::1", "[::1]:53", ""},
		{"[::1]", "[::1]:53", ""},
		{"[::1]:5353", "[::1]:5353", ""},
		{"ns.example:53", "ns.example:53", ""},
		{"ns.example", "ns.example:53", ""},
		// Bad input.
		{"", "", `dns: empty resolver address: want HOST:PORT`},
		{"127.0.0.1:0", "", `dns: resolver "127.0.0.1:0": port "0" is not 1-65535`},
		{"127.0.0.1:dns", "", `dns: resolver "127.0.0.1:dns": port "dns" is not 1-65535`},
		{"a b:53", "", `dns: resolver "a b:53": "a b" is not an address or a host name`},
		{"1:2:3", "", `dns: resolver "1:2:3": want HOST:PORT`},
	}
	for _, c := range cases {
		got, err := dns.ParseServer(c.in)
		gotErr := ""
		if err != nil {
			gotErr = err.Error()
		}
		if got != c.want || gotErr != c.err {
			t.Errorf("ParseServer(%q) = %q, %q; want %q, %q", c.in, got, gotErr, c.want, c.err)
		}
	}
}

func ExampleServer_Lookup() {
	s, err := dnstest.Start(dnstest.Zone{
		Records: map[string][]netip.Addr{"app.example.test": {netip.MustParseAddr("127.0.0.2")}},
		CNAMEs:  map[string]string{"www.example.test": "app.example.test"},
		TTL:     60,
	})
	if err != nil {
		panic(err)
	}
	defer s.Close()
	a := dns.Server{Addr: s.Addr}.Lookup(context.Background(), "www.example.test")
	ttl, _ := a.MinTTL()
	fmt.Println(a.CNAMEs, a.Addrs(), ttl)
	// Output: [app.example.test] [127.0.0.2] 1m0s
}
