package dns_test

import (
	"errors"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/why401/why401/dns"
	"github.com/why401/why401/testenv"
)

// TestRealDnsmasq asks the two dnsmasq resolvers of testenv (testenv/README.md)
// what the unit tests ask dnstest: the same answers, from a real server.
func TestRealDnsmasq(t *testing.T) {
	env := testenv.Require(t)
	cur := dns.Server{Addr: env.DNSCurrent, Timeout: time.Second}
	stale := dns.Server{Addr: env.DNSStale, Timeout: time.Second}

	a := cur.Lookup(ctx, testenv.AppHost)
	if a.Err != nil || !slices.Equal(sorted(a.Addrs()), []netip.Addr{a2, a3}) {
		t.Errorf("current %s = %v, %v; want 127.0.0.2, 127.0.0.3", testenv.AppHost, a.Addrs(), a.Err)
	}
	if ttl, ok := a.MinTTL(); !ok || ttl > time.Minute || ttl <= 0 {
		t.Errorf("current TTL = %v, %v; want at most 60 s", ttl, ok)
	}
	s := stale.Lookup(ctx, testenv.AppHost)
	if ttl, ok := s.MinTTL(); s.Err != nil || !slices.Equal(s.Addrs(), []netip.Addr{a4}) || !ok || ttl < 59*time.Minute {
		t.Errorf("stale %s = %v TTL %v, %v; want 127.0.0.4 with about 3600 s", testenv.AppHost, s.Addrs(), ttl, s.Err)
	}
	www := cur.Lookup(ctx, "www."+testenv.Zone)
	if !slices.Equal(www.CNAMEs, []string{testenv.AppHost}) || len(www.Records) != 2 {
		t.Errorf("www = %v via %v", www.Addrs(), www.CNAMEs)
	}
	if m := cur.Lookup(ctx, "many."+testenv.Zone); len(m.Records) != 50 || m.Err != nil {
		t.Errorf("many = %d addresses, %v; want 50", len(m.Records), m.Err)
	}
	if d := cur.Lookup(ctx, "dual."+testenv.Zone); !d.Has(a2) || !d.Has(v6) {
		t.Errorf("dual = %v; want 127.0.0.2 and ::1", d.Addrs())
	}
	if g := cur.Lookup(ctx, "gone."+testenv.Zone); !g.NXDomain || g.Err != nil {
		t.Errorf("gone = NXDomain %v, %v", g.NXDomain, g.Err)
	}
	if r := cur.Lookup(ctx, "example.com"); !errors.Is(r.Err, dns.ErrRefused) {
		t.Errorf("example.com = %v; want REFUSED", r.Err)
	}
	begin := time.Now()
	if r := cur.Lookup(ctx, "timeout."+testenv.Zone); !errors.Is(r.Err, dns.ErrTimeout) || time.Since(begin) > 3*time.Second {
		t.Errorf("timeout = %v after %v; want ErrTimeout within the 1 s timeout", r.Err, time.Since(begin))
	}
	if env.DNSDead != "" {
		r := dns.Server{Addr: env.DNSDead, Timeout: time.Second}.Lookup(ctx, testenv.AppHost)
		if !errors.Is(r.Err, dns.ErrUnreachable) && !errors.Is(r.Err, dns.ErrTimeout) {
			t.Errorf("dead resolver = %v", r.Err)
		}
	}
}

func sorted(a []netip.Addr) []netip.Addr {
	a = slices.Clone(a)
	slices.SortFunc(a, netip.Addr.Compare)
	return a
}
