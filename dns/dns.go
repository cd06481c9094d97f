// Package dns resolves a host name the ways why401 compares them: with the
// system resolver (what the user's client uses: the hosts file, then the
// servers of /etc/resolv.conf) and with DNS servers queried directly, so
// that their answers, CNAME chains and TTLs are visible.
//
// Every lookup asks for A and AAAA in parallel and has a bounded timeout. A
// resolver that does not answer, answers SERVFAIL or REFUSED, or cannot be
// reached gives an Answer whose Err says so in one line; NXDOMAIN is an
// answer ("the name does not exist"), not an error. Nothing here decides
// what the answers mean: package checks compares them.
//
// Tests and the lab never ask the machine's resolver: they put their own
// resolver in the context with WithSystem, and query servers on loopback
// (package dnstest).
package dns

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	mdns "github.com/miekg/dns"
)

// DefaultTimeout bounds one lookup (both queries, and a retry over TCP).
// A resolver on the same network answers within milliseconds; two seconds
// leave room for one that recurses, and keep a dead one from holding up the
// diagnosis.
const DefaultTimeout = 2 * time.Second

// Why a resolver gave no usable answer. A LookupError wraps one of them.
var (
	ErrTimeout     = errors.New("dns: no answer in time")
	ErrUnreachable = errors.New("dns: resolver unreachable")
	ErrServFail    = errors.New("dns: SERVFAIL")
	ErrRefused     = errors.New("dns: REFUSED")
	ErrBadAnswer   = errors.New("dns: unusable answer")
)

// LookupError says why a resolver gave no usable answer for a name.
type LookupError struct {
	Resolver string // as Resolver.String names it
	Name     string
	Reason   string // one line for people: "did not answer within 2s"
	Err      error  // one of the Err values above
}

func (e *LookupError) Error() string { return "dns: " + e.Resolver + ": " + e.Reason }

// Unwrap returns the kind of failure (ErrTimeout, ErrServFail …).
func (e *LookupError) Unwrap() error { return e.Err }

// Record is one address of an answer.
type Record struct {
	Addr netip.Addr
	// TTL is how long the resolver may still keep the record: for a
	// caching resolver, the time left before it asks again. HasTTL is
	// false when the resolver does not say (the system resolver).
	TTL    time.Duration
	HasTTL bool
}

// Answer is what one resolver says about one name.
type Answer struct {
	Resolver string // as Resolver.String names it
	Name     string // the name asked, without a trailing dot
	// Records are the A then the AAAA records, each address once.
	Records []Record
	// CNAMEs is the alias chain from Name to the name that holds the
	// addresses, in order, without trailing dots.
	CNAMEs []string
	// NXDomain is set when the resolver says the name does not exist.
	NXDomain bool
	// Err is set when a query failed (a LookupError). Records may still
	// hold what the other query returned (A without AAAA, say).
	Err     error
	Elapsed time.Duration
}

// Addrs returns the addresses of the answer, in order.
func (a Answer) Addrs() []netip.Addr {
	out := make([]netip.Addr, len(a.Records))
	for i, r := range a.Records {
		out[i] = r.Addr
	}
	return out
}

// Has reports whether the answer holds the address.
func (a Answer) Has(ip netip.Addr) bool {
	return slices.ContainsFunc(a.Records, func(r Record) bool { return r.Addr == ip })
}

// MinTTL returns the smallest TTL of the answer's records: how long until
// this resolver may change its mind. ok is false when no record has one.
func (a Answer) MinTTL() (ttl time.Duration, ok bool) {
	for _, r := range a.Records {
		if r.HasTTL && (!ok || r.TTL < ttl) {
			ttl, ok = r.TTL, true
		}
	}
	return ttl, ok
}

// Failed reports whether the resolver gave nothing to compare: a query
// failed and no address came back.
func (a Answer) Failed() bool { return a.Err != nil && len(a.Records) == 0 }

// Resolver answers for one view of the DNS.
type Resolver interface {
	// Lookup asks for the A and AAAA records of name. It never returns
	// without an Answer: failures are in Answer.Err.
	Lookup(ctx context.Context, name string) Answer
	// String names the resolver in a report: "system resolver",
	// "127.0.0.1:53".
	String() string
}

// LookupAll asks every resolver about name at the same time and returns
// their answers in the order of rs.
func LookupAll(ctx context.Context, name string, rs ...Resolver) []Answer {
	out := make([]Answer, len(rs))
	var wg sync.WaitGroup
	for i, r := range rs {
		wg.Go(func() { out[i] = r.Lookup(ctx, name) })
	}
	wg.Wait()
	return out
}

type systemKey struct{}

// WithSystem returns a context whose system resolver is r: what SystemFrom
// returns, and what the DNS checks ask instead of the machine's resolver.
// Tests and the lab use it so that no query leaves loopback, as httptrace
// puts its hooks in a request's context.
func WithSystem(ctx context.Context, r Resolver) context.Context {
	return context.WithValue(ctx, systemKey{}, r)
}

// SystemFrom returns the system resolver of ctx: the one WithSystem put
// there, else the machine's (System{}).
func SystemFrom(ctx context.Context) Resolver {
	if r, ok := ctx.Value(systemKey{}).(Resolver); ok && r != nil {
		return r
	}
	return System{}
}

// System is the machine's resolver as Go's net package uses it: the hosts
// file, then the name servers of /etc/resolv.conf (or the platform's
// resolver). It does not say TTLs.
type System struct {
	// Resolver is the resolver to use; nil means net.DefaultResolver.
	Resolver *net.Resolver
	// Timeout bounds the lookup; zero means DefaultTimeout.
	Timeout time.Duration
}

func (System) String() string { return "system resolver" }

// Lookup implements Resolver.
func (s System) Lookup(ctx context.Context, name string) Answer {
	start := time.Now()
	name = trimDot(name)
	a := Answer{Resolver: s.String(), Name: name}
	r := s.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	ctx, cancel := context.WithTimeout(ctx, timeoutOr(s.Timeout))
	defer cancel()
	ips, err := r.LookupNetIP(ctx, "ip", name)
	a.Elapsed = time.Since(start)
	var dnsErr *net.DNSError
	switch {
	case err == nil:
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		a.NXDomain = true
		return a
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &dnsErr) && dnsErr.IsTimeout):
		a.Err = &LookupError{Resolver: a.Resolver, Name: name, Reason: fmt.Sprintf("did not answer within %s", timeoutOr(s.Timeout)), Err: ErrTimeout}
		return a
	default:
		reason := err.Error()
		if dnsErr != nil {
			reason = dnsErr.Err
		}
		a.Err = &LookupError{Resolver: a.Resolver, Name: name, Reason: "failed: " + reason, Err: ErrServFail}
		return a
	}
	// A first, then AAAA, as a Server answer lists them.
	for _, want4 := range []bool{true, false} {
		for _, ip := range ips {
			ip = ip.Unmap()
			if ip.Is4() == want4 && !a.Has(ip) {
				a.Records = append(a.Records, Record{Addr: ip})
			}
		}
	}
	return a
}

// Server is a DNS server queried directly, over UDP with EDNS0 and again
// over TCP when the answer is truncated (RFC 7766 §5), so that its
// answer, CNAME chain and TTLs are seen as it gives them.
type Server struct {
	// Addr is HOST:PORT; ParseServer normalizes what a user types.
	Addr string
	// Timeout bounds one lookup; zero means DefaultTimeout.
	Timeout time.Duration
}

func (s Server) String() string { return s.Addr }

// ParseServer turns a --resolver value into HOST:PORT: an address alone
// gets port 53, an IPv6 address is bracketed.
//
//	192.0.2.53        → 192.0.2.53:53
//	127.0.0.1:15353   → 127.0.0.1:15353
//	::1, [::1]        → [::1]:53
//	[::1]:5353        → [::1]:5353
//	ns.example:53     → ns.example:53
func ParseServer(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("dns: empty resolver address: want HOST:PORT")
	}
	if ip, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
		return netip.AddrPortFrom(ip, 53).String(), nil
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Count(s, ":") == 0 && validHost(s) {
			return net.JoinHostPort(s, "53"), nil
		}
		return "", fmt.Errorf("dns: resolver %q: want HOST:PORT", s)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", fmt.Errorf("dns: resolver %q: port %q is not 1-65535", s, port)
	}
	if _, err := netip.ParseAddr(host); err != nil && !validHost(host) {
		return "", fmt.Errorf("dns: resolver %q: %q is not an address or a host name", s, host)
	}
	return net.JoinHostPort(host, port), nil
}

// validHost reports whether s looks like a host name: letters, digits,
// hyphens and dots, not empty.
func validHost(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// Lookup implements Resolver: A and AAAA in parallel.
func (s Server) Lookup(ctx context.Context, name string) Answer {
	start := time.Now()
	name = trimDot(name)
	a := Answer{Resolver: s.String(), Name: name}
	ctx, cancel := context.WithTimeout(ctx, timeoutOr(s.Timeout))
	defer cancel()
	var res [2]query
	var wg sync.WaitGroup
	for i, t := range []uint16{mdns.TypeA, mdns.TypeAAAA} {
		wg.Go(func() { res[i] = s.query(ctx, name, t) })
	}
	wg.Wait()
	a.Elapsed = time.Since(start)
	for _, q := range res {
		for _, r := range q.records {
			if !a.Has(r.Addr) {
				a.Records = append(a.Records, r)
			}
		}
		if len(q.cnames) > len(a.CNAMEs) {
			a.CNAMEs = q.cnames
		}
		if q.nx {
			a.NXDomain = true
		}
		if q.err != nil && a.Err == nil {
			a.Err = q.err
		}
	}
	if len(a.Records) > 0 {
		a.NXDomain = false
	}
	return a
}

// query is the outcome of one question.
type query struct {
	records []Record
	cnames  []string
	nx      bool
	err     error
}

func (s Server) query(ctx context.Context, name string, qtype uint16) query {
	m := new(mdns.Msg)
	m.SetQuestion(mdns.Fqdn(name), qtype)
	m.RecursionDesired = true
	// EDNS0 with a 1232-byte buffer (the DNS flag day 2020 value): large
	// enough for about 70 A records, small enough not to fragment.
	m.SetEdns0(1232, false)
	c := &mdns.Client{Net: "udp", Timeout: timeoutOr(s.Timeout)}
	in, _, err := c.ExchangeContext(ctx, m, s.Addr)
	if err == nil && in.Truncated {
		c.Net = "tcp"
		in, _, err = c.ExchangeContext(ctx, m, s.Addr)
	}
	if err != nil {
		return query{err: s.describe(ctx, name, err)}
	}
	switch in.Rcode {
	case mdns.RcodeSuccess:
	case mdns.RcodeNameError:
		return query{nx: true}
	case mdns.RcodeServerFailure:
		return query{err: &LookupError{Resolver: s.Addr, Name: name, Reason: "answered SERVFAIL (it could not resolve the name)", Err: ErrServFail}}
	case mdns.RcodeRefused:
		return query{err: &LookupError{Resolver: s.Addr, Name: name, Reason: "answered REFUSED (it does not answer for this name, or not to this machine)", Err: ErrRefused}}
	default:
		return query{err: &LookupError{Resolver: s.Addr, Name: name, Reason: "answered " + mdns.RcodeToString[in.Rcode], Err: ErrBadAnswer}}
	}
	return follow(name, qtype, in.Answer)
}

// follow walks the answer section from name along its CNAMEs (RFC 1034
// §3.6.2) and keeps the records of the wanted type owned by the last name
// of the chain. Records for other owners are ignored: a server may add
// what it likes, and only the chain is what a client would use.
func follow(name string, qtype uint16, rrs []mdns.RR) query {
	var q query
	owner := strings.ToLower(name)
	for range 16 { // a chain longer than this is a loop
		next := ""
		for _, rr := range rrs {
			if c, ok := rr.(*mdns.CNAME); ok && strings.EqualFold(trimDot(c.Hdr.Name), owner) {
				next = strings.ToLower(trimDot(c.Target))
				break
			}
		}
		if next == "" {
			break
		}
		q.cnames = append(q.cnames, next)
		owner = next
	}
	for _, rr := range rrs {
		h := rr.Header()
		if !strings.EqualFold(trimDot(h.Name), owner) || h.Rrtype != qtype {
			continue
		}
		var ip netip.Addr
		switch v := rr.(type) {
		case *mdns.A:
			ip, _ = netip.AddrFromSlice(v.A.To4())
		case *mdns.AAAA:
			ip, _ = netip.AddrFromSlice(v.AAAA.To16())
		}
		if ip.IsValid() {
			q.records = append(q.records, Record{Addr: ip.Unmap(), TTL: time.Duration(h.Ttl) * time.Second, HasTTL: true})
		}
	}
	return q
}

// describe turns an exchange error into a LookupError.
func (s Server) describe(ctx context.Context, name string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout() || ctx.Err() != nil:
		return &LookupError{Resolver: s.Addr, Name: name, Reason: fmt.Sprintf("did not answer within %s", timeoutOr(s.Timeout)), Err: ErrTimeout}
	case isRefused(err):
		return &LookupError{Resolver: s.Addr, Name: name, Reason: "could not be reached: nothing listens there (connection refused)", Err: ErrUnreachable}
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return &LookupError{Resolver: s.Addr, Name: name, Reason: "could not be reached: " + oe.Err.Error(), Err: ErrUnreachable}
	}
	return &LookupError{Resolver: s.Addr, Name: name, Reason: "gave an unusable answer: " + err.Error(), Err: ErrBadAnswer}
}

// isRefused reports whether nothing listens at the resolver's address: a
// UDP query to a closed port comes back as an ICMP port unreachable, which
// the socket reports as ECONNREFUSED.
func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// Static answers from a table, as a hosts file does: for tests and the
// lab's own "system resolver". Names are compared without case and
// trailing dot; a name not in the table does not exist.
type Static struct {
	Label string                  // what String returns; "" means "system resolver"
	Table map[string][]netip.Addr // name → addresses
}

func (s Static) String() string {
	if s.Label == "" {
		return "system resolver"
	}
	return s.Label
}

// Lookup implements Resolver.
func (s Static) Lookup(ctx context.Context, name string) Answer {
	name = trimDot(name)
	a := Answer{Resolver: s.String(), Name: name}
	for k, ips := range s.Table {
		if strings.EqualFold(trimDot(k), name) {
			for _, ip := range ips {
				a.Records = append(a.Records, Record{Addr: ip.Unmap()})
			}
			return a
		}
	}
	a.NXDomain = true
	return a
}

func trimDot(s string) string { return strings.TrimSuffix(s, ".") }

func timeoutOr(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultTimeout
	}
	return d
}
