package checks

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/dns"
	"github.com/why401/why401/internal/redact"
)

// maxBackends caps how many addresses of one host are probed. A name
// behind round-robin DNS can have dozens (the test zone has one with 50);
// each costs a request, and with --all-backends a login attempt. Sixteen
// covers every pool a person can act on and keeps the diagnosis short.
const maxBackends = 16

// purposeBackend labels the per-address probes in the exchanges.
const purposeBackend = "backend"

// DNSBackends resolves the host the ways a visitor's client might, probes
// every address it finds with the same request, and tells a stale DNS
// answer (dns.resolver-mismatch) from backends that disagree
// (backend.inconsistent).
var DNSBackends = &why401.Check{
	ID: "dns.backends",
	Doc: "compare resolvers and probe every address of the host\n\n" +
		"Resolve the host with the system resolver and every --resolver (A and AAAA), take the address " +
		"the user's request went to as the local view, send the same request to each address (Host and " +
		"SNI kept; no credentials unless --all-backends), and compare status, challenge, realm and error " +
		"code. Views that hand out addresses answering differently are a resolver mismatch; addresses of " +
		"one view that answer differently are an inconsistent backend.",
	Mode:  why401.Active,
	Kinds: []*why401.Kind{kindResolverMismatch, kindBackendInconsistent},
	Run:   runDNSBackends,
}

// beSource says where a view of the host's addresses comes from.
type beSource int

const (
	beFromRequest  beSource = iota // the address the user's request went to, when no resolver gives it
	beFromSystem                   // the system resolver
	beFromResolver                 // a --resolver, queried directly
)

// beView is one answer to "where is this host": a resolver's, or the
// address the user's request actually used.
type beView struct {
	label  string // "your request", "system resolver", "--resolver 127.0.0.1:53"
	source beSource
	answer dns.Answer
}

func (v *beView) has(ip netip.Addr) bool { return v.answer.Has(ip) }

// the names the view in a sentence: "the system resolver", "--resolver
// 127.0.0.1:53", "your request".
func (v *beView) the() string {
	if v.source == beFromSystem {
		return "the system resolver"
	}
	return v.label
}

// beNode is one address of the host and how it answered.
type beNode struct {
	addr netip.Addr
	ex   *why401.Exchange // nil when it was not probed
	// key identifies the answer for comparison: status, challenges,
	// error code, redirect target. Empty when there was no HTTP answer.
	key     string
	answer  string // the same, for people: `401 Basic realm="App"`
	ident   string // headers that name the server: "Server: nginx, X-Backend: b"
	failure string // why there was no HTTP answer
	noRoute bool   // an IPv6 address this machine has no route to
	// credentials is set when the probe carried the user's credentials;
	// accepted when it did and the answer did not refuse them.
	credentials, accepted bool
}

// beHost is what the check learned about one host.
type beHost struct {
	host  string
	used  netip.Addr // the address the user's request went to
	views []*beView
	all   []*beNode // probed, the used address first
	// skipped counts addresses over maxBackends, left unprobed.
	skipped int
	// creds is set when every probe carried the user's credentials.
	creds bool
}

func (b *beHost) find(ip netip.Addr) *beNode {
	for _, x := range b.all {
		if x.addr == ip {
			return x
		}
	}
	return nil
}

// keys returns the distinct answers of a view's probed addresses.
func (b *beHost) keys(v *beView) []string { return b.keysOf(v.answer.Addrs()) }

// keysOf returns the distinct answers of the probed addresses among ips,
// in their order.
func (b *beHost) keysOf(ips []netip.Addr) []string {
	var ks []string
	for _, ip := range ips {
		if x := b.find(ip); x != nil && x.key != "" && !slices.Contains(ks, x.key) {
			ks = append(ks, x.key)
		}
	}
	return ks
}

// runDNSBackends is DNSBackends's Run: resolve, probe every address at
// once, compare. Nothing to compare (an address for a host, one address in
// every view) costs no request.
func runDNSBackends(p *why401.Pass) error {
	chain := p.Chain()
	target, rawURL := backendTarget(p.Input, chain)
	if target == nil {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	host := strings.TrimSuffix(u.Hostname(), ".")
	if _, err := netip.ParseAddr(host); err == nil || host == "" {
		return nil // an address, not a name: there is nothing to resolve
	}
	if p.Offline() {
		return why401.ErrOffline
	}
	ap, err := netip.ParseAddrPort(target.RemoteAddr)
	if err != nil {
		return nil // the connection's address is unknown
	}
	b := &beHost{host: host, used: ap.Addr().Unmap()}
	b.views = beResolveViews(p, host, b.used)

	addrs := b.candidates()
	if len(addrs) < 2 {
		return nil // one address: nothing to compare
	}
	if len(addrs) > maxBackends {
		b.skipped = len(addrs) - maxBackends
		addrs = addrs[:maxBackends]
		p.Note(fmt.Sprintf("why401 found %d addresses for %s and probed %d of them (the one your request used, then "+
			"those the resolvers disagree on, then the first of the rest) to keep the diagnosis short.", len(addrs)+b.skipped, host, maxBackends))
	}
	beProbe(p, b, addrs, target, rawURL)
	b.notes(p)

	mismatched := reportResolverMismatch(p, b)
	inconsistent := reportBackendInconsistent(p, b)
	if !mismatched && !inconsistent && !b.creds && p.Input.Creds.Any() && len(b.answered()) > 1 &&
		final(p.Answered()).Status() == http.StatusUnauthorized {
		p.Note(fmt.Sprintf("The %d addresses of %s answer alike without credentials. To see whether each one "+
			"accepts yours, run again with --all-backends (one login attempt per address).", len(b.answered()), host))
	}
	return nil
}

// backendTarget returns the exchange of the user's chain whose backends
// are compared, and the URL to send to each address: the last answer on
// the first request's origin (a same-host redirect leads to the URL that
// answered 401), or the first request when that URL was redacted.
func backendTarget(in *why401.Input, chain []why401.Exchange) (*why401.Exchange, string) {
	if len(chain) == 0 || chain[0].Response == nil {
		return nil, ""
	}
	first, err := url.Parse(in.URL)
	if err != nil {
		return nil, ""
	}
	for i := len(chain) - 1; i > 0; i-- {
		e := &chain[i]
		u, err := url.Parse(e.Request.URL)
		if err != nil || e.Response == nil || strings.Contains(e.Request.URL, redact.Placeholder) {
			continue
		}
		if strings.EqualFold(u.Scheme, first.Scheme) && strings.EqualFold(u.Host, first.Host) {
			return e, e.Request.URL
		}
	}
	return &chain[0], in.URL
}

// beResolveViews asks the system resolver and every --resolver at once, and
// adds the request's own address as a view when the system resolver does
// not give it (a --resolve pin, or an answer that changed during the run).
// Resolvers that fail are left out with a note.
func beResolveViews(p *why401.Pass, host string, used netip.Addr) []*beView {
	rs := []dns.Resolver{dns.SystemFrom(p.Context())}
	for _, s := range p.Input.Resolvers {
		addr, err := dns.ParseServer(s)
		if err != nil {
			p.Note(fmt.Sprintf("--resolver %s was left out: %s.", s, strings.TrimPrefix(err.Error(), "dns: ")))
			continue
		}
		rs = append(rs, dns.Server{Addr: addr})
	}
	answers := dns.LookupAll(p.Context(), host, rs...)
	var views []*beView
	for i, a := range answers {
		v := &beView{label: "system resolver", source: beFromSystem, answer: a}
		if i > 0 {
			v.label, v.source = "--resolver "+a.Resolver, beFromResolver
		}
		var le *dns.LookupError
		switch {
		case a.Failed():
			reason := a.Err.Error()
			if errors.As(a.Err, &le) {
				reason = le.Reason
			}
			p.Note(fmt.Sprintf("%s was left out of the comparison: it %s.", beUpperFirst(v.the()), reason))
			continue
		case a.Err != nil && errors.As(a.Err, &le):
			p.Note(fmt.Sprintf("%s gave only part of an answer for %s: one query %s.", beUpperFirst(v.the()), host, le.Reason))
		case a.NXDomain:
			p.Note(fmt.Sprintf("%s says %s does not exist (NXDOMAIN).", beUpperFirst(v.the()), host))
		case len(a.Records) == 0:
			p.Note(fmt.Sprintf("%s has no address for %s (no A or AAAA record).", beUpperFirst(v.the()), host))
		}
		views = append(views, v)
	}
	systemGivesIt := len(views) > 0 && views[0].source == beFromSystem && views[0].has(used)
	if !systemGivesIt {
		req := &beView{label: "your request", source: beFromRequest, answer: dns.Answer{Resolver: "your request", Name: host,
			Records: []dns.Record{{Addr: used}}}}
		views = append([]*beView{req}, views...)
	}
	return views
}

// candidates returns the addresses to probe, best first: the one the
// request used, then those only some views give (the disagreement), then
// the rest in the order the resolvers gave them.
func (b *beHost) candidates() []netip.Addr {
	out := []netip.Addr{b.used}
	var disputed, rest []netip.Addr
	for _, v := range b.views {
		for _, ip := range v.answer.Addrs() {
			if slices.Contains(out, ip) || slices.Contains(disputed, ip) || slices.Contains(rest, ip) {
				continue
			}
			inAll := true
			for _, w := range b.views {
				if w.source != beFromRequest && len(w.answer.Records) > 0 && !w.has(ip) {
					inAll = false
				}
			}
			if inAll {
				rest = append(rest, ip)
			} else {
				disputed = append(disputed, ip)
			}
		}
	}
	return append(append(out, disputed...), rest...)
}

// beProbe sends the request to every address at once. Without
// --all-backends no probe carries credentials; with it, each address gets
// the user's credentials once, and the address of the user's own request
// is not asked again: the answer to the challenge is its result.
func beProbe(p *why401.Pass, b *beHost, addrs []netip.Addr, target *why401.Exchange, rawURL string) {
	in := p.Input
	b.creds = in.AllBackends && in.Creds.Any() && beOneRequest(in, p.Chain())
	if in.AllBackends && in.Creds.Any() && !b.creds {
		p.Note("--all-backends: the server does not offer Basic, and its scheme (Digest, say) needs a fresh " +
			"challenge from each address before a password can be sent; the addresses were compared without " +
			"credentials.")
	}
	for _, ip := range addrs {
		b.all = append(b.all, &beNode{addr: ip})
	}
	if b.creds && beProbeAll(p, b, rawURL, true, target) {
		reached := 0
		for _, x := range b.all {
			if x.credentials && x.key != "" {
				reached++
			}
		}
		p.Note(fmt.Sprintf("--all-backends: your credentials reached %d %s of %s, one login attempt per "+
			"address, as you asked.", reached, bePlural(reached, "address", "addresses"), b.host))
		return
	}
	if b.creds {
		p.Note("--all-backends: why401 could not send your credentials to every address (see the notes above); " +
			"the addresses were compared without credentials.")
		b.creds = false
	}
	beProbeAll(p, b, rawURL, false, target)
}

// beOneRequest reports whether the user's credentials can go to an address
// in one request: a token or an Authorization header as given, or a
// password as Basic when the server offers Basic (or no challenge at all,
// which the answer to the challenge also meets with Basic). Digest needs
// each address's own nonce first, and a password is not sent as Basic to
// a server that asked for another scheme.
func beOneRequest(in *why401.Input, chain []why401.Exchange) bool {
	if !in.Creds.HasUser || in.Creds.Basic || !in.Creds.Authorization.IsZero() || !in.Creds.Bearer.IsZero() {
		return true
	}
	if c := challenged(chain); c != nil {
		cs, _ := challenges(c)
		return hasScheme(cs, "basic")
	}
	return true
}

// beProbeAll probes every backend of b, with or without the user's
// credentials, and reports whether every probe could be sent as asked.
func beProbeAll(p *why401.Pass, b *beHost, rawURL string, creds bool, target *why401.Exchange) bool {
	var body []byte
	cred := why401.CredNone
	if creds {
		cred = why401.CredUser
		if !p.Input.Body.IsZero() {
			body = []byte(p.Input.Body.Reveal())
		}
	}
	var (
		mu      sync.Mutex
		refused []string
		wg      sync.WaitGroup
	)
	probe := func(x *beNode) {
		ex, err := p.Probe(why401.Probe{Purpose: purposeBackend, URL: rawURL, Addr: x.addr.String(),
			NoRedirects: true, Cookies: true, Credential: cred, Body: body})
		if len(ex) == 0 {
			mu.Lock()
			refused = append(refused, fmt.Sprintf("%s: %v", x.addr, err))
			mu.Unlock()
			return
		}
		x.set(&ex[len(ex)-1])
	}
	for _, x := range b.all {
		switch {
		case x.addr != b.used:
			wg.Go(func() { probe(x) })
		case !creds && !target.CredentialsSent && p.Input.Body.IsZero():
			// The user's own request is this address's answer: the
			// same request, sent once already.
			x.set(target)
		case !creds:
			wg.Go(func() { probe(x) })
		}
	}
	if creds {
		// The user's credentials already went to this address (the
		// answer to the challenge, or the first request): that is its
		// one attempt. Only when they did not is it probed. The answer
		// reuses the first request's connection, so it reaches the same
		// address; waiting for it before probing the others would make
		// --all-backends cost a third round trip.
		if c := credentialed(p.Answered()); c != nil && beRemoteIP(c) == b.used {
			b.find(b.used).set(c)
		} else {
			wg.Go(func() { probe(b.find(b.used)) })
		}
	}
	wg.Wait()
	slices.Sort(refused)
	for _, r := range refused {
		p.Note("A probe of one address was not sent: " + strings.TrimPrefix(r, "probe: ") + ".")
	}
	return len(refused) == 0
}

func beRemoteIP(e *why401.Exchange) netip.Addr {
	ap, err := netip.ParseAddrPort(e.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	return ap.Addr().Unmap()
}

// set records an address's exchange and what it answered.
func (x *beNode) set(e *why401.Exchange) {
	x.ex = e
	x.credentials = e.CredentialsSent && e.Credential == why401.CredUser
	if e.Response == nil {
		x.failure = e.Error
		if x.failure == "" {
			x.failure = "no answer"
		}
		x.noRoute = x.addr.Is6() && beNoRoute(x.failure)
		return
	}
	x.key, x.answer = beAnswerKey(e)
	x.ident = beServerIdent(e.Response.Header)
	switch s := e.Status(); {
	case s == 401, s == 403, s == 407, s == 429, s >= 500:
	default:
		x.accepted = x.credentials
	}
}

// beNoRoute reports whether a connection error says the machine cannot
// reach the address at all (no IPv6 route, no IPv6 on the interface), as
// opposed to a server that refused or timed out.
func beNoRoute(msg string) bool {
	msg = strings.ToLower(msg)
	for _, s := range []string{"network is unreachable", "no route to host", "address family not supported",
		"cannot assign requested address", "no ipv6"} {
		if strings.Contains(msg, s) {
			return true
		}
	}
	return false
}

// beAnswerKey returns what the comparison looks at, and the same for people:
// the status, the challenges (scheme, realm, error; never a nonce), an
// error code in the body, the redirect target. Server and date headers
// differ between healthy nodes too, so they are shown, not compared.
func beAnswerKey(e *why401.Exchange) (key, desc string) {
	r := e.Response
	key = fmt.Sprint(r.Status)
	desc = key
	if cs, _ := challenges(e); len(cs) > 0 {
		var ks []string
		for _, c := range cs {
			realm, _ := c.Param("realm")
			errc, _ := c.Param("error")
			ks = append(ks, strings.ToLower(c.Scheme)+" "+realm+" "+errc)
		}
		key += "|" + strings.Join(ks, ",")
		desc += " " + describeAll(cs)
	}
	if code := beErrorCode(e); code != "" {
		key += "|code=" + code
		desc += " (error " + code + ")"
	}
	if r.Status >= 300 && r.Status < 400 {
		if loc := r.Header.Get("Location"); loc != "" {
			key += "|→" + loc
			desc += " → " + beClip(loc, 80)
		}
	}
	return key, desc
}

// beErrorCode returns the error a 4xx names: a Bearer challenge's error
// (RFC 6750 §3.1), else the "code" or "error" member of a JSON body
// (WordPress REST, OAuth).
func beErrorCode(e *why401.Exchange) string {
	cs, _ := challenges(e)
	for _, c := range cs {
		if v, ok := c.Param("error"); ok && v != "" {
			return v
		}
	}
	r := e.Response
	if r == nil || !strings.Contains(strings.ToLower(r.ContentType), "json") || len(r.Body) == 0 {
		return ""
	}
	var body struct {
		Code  any `json:"code"`
		Error any `json:"error"`
	}
	if json.Unmarshal(r.Body, &body) != nil {
		return ""
	}
	for _, v := range []any{body.Code, body.Error} {
		if s, ok := v.(string); ok && s != "" {
			return beClip(s, 60)
		}
	}
	return ""
}

// beServerIdent names the server behind an address from the headers that
// usually do: Server and the backend-naming headers of proxies.
func beServerIdent(h http.Header) string {
	var parts []string
	for _, k := range []string{"Server", "X-Backend", "X-Backend-Server", "X-Served-By", "X-Server", "X-Upstream"} {
		if v := h.Get(k); v != "" && len(parts) < 2 {
			parts = append(parts, k+": "+beClip(v, 40))
		}
	}
	return strings.Join(parts, ", ")
}

// beClip shortens s to n bytes of printable ASCII, for a table cell.
func beClip(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// addrs returns the probed addresses.
func (b *beHost) addrs() []netip.Addr {
	out := make([]netip.Addr, len(b.all))
	for i, x := range b.all {
		out[i] = x.addr
	}
	return out
}

// answered returns the backends that gave an HTTP answer.
func (b *beHost) answered() []*beNode {
	var out []*beNode
	for _, x := range b.all {
		if x.key != "" {
			out = append(out, x)
		}
	}
	return out
}

// notes says which addresses could not be compared, and why.
func (b *beHost) notes(p *why401.Pass) {
	var v6 []string
	var reasons []string
	failed := map[string][]string{} // reason → addresses
	for _, x := range b.all {
		switch {
		case x.noRoute:
			v6 = append(v6, x.addr.String())
		case x.key == "" && x.ex != nil:
			r := strings.TrimSuffix(x.failure, ".")
			if _, ok := failed[r]; !ok {
				reasons = append(reasons, r)
			}
			failed[r] = append(failed[r], x.addr.String())
		}
	}
	if len(v6) > 0 {
		p.Note(fmt.Sprintf("This machine has no route to the IPv6 address%s %s of %s, so %s not compared; run "+
			"again from a machine with IPv6 to compare them.", bePlural(len(v6), "", "es"), strings.Join(v6, ", "), b.host,
			bePlural(len(v6), "it was", "they were")))
	}
	for _, r := range reasons {
		n := len(failed[r])
		p.Note(fmt.Sprintf("No HTTP answer from %s (%s); clients that get %s fall back to another address or fail "+
			"to connect, which is not a 401.", strings.Join(failed[r], ", "), r, bePlural(n, "this address", "these addresses")))
	}
}

func bePlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// beAddrList joins addresses for a sentence.
func beAddrList(ips []netip.Addr) string {
	s := make([]string, len(ips))
	for i, ip := range ips {
		s[i] = ip.String()
	}
	return strings.Join(s, ", ")
}

// table formats the per-address lines of a finding's detail, one
// paragraph each: address → answer (server), and whether it is the
// request's.
func (b *beHost) table(only []*beNode) []string {
	var lines []string
	for _, x := range only {
		ans := x.answer
		if x.key == "" {
			ans = "no answer: " + x.failure
		}
		if x.credentials {
			if x.accepted {
				ans += ", credentials accepted"
			} else {
				ans += ", credentials refused"
			}
		}
		line := fmt.Sprintf("%s → %s", x.addr, ans)
		if x.ident != "" {
			line += " (" + x.ident + ")"
		}
		if x.addr == b.used {
			line += " ← your request"
		}
		lines = append(lines, line)
	}
	return lines
}

// beSeconds writes a TTL as people read it in dig: whole seconds.
func beSeconds(d time.Duration) string { return fmt.Sprintf("%d s", int(d.Seconds())) }

// beEvidence returns the exchange indices of the backends.
func beEvidence(xs []*beNode) []int {
	var ev []int
	for _, x := range xs {
		if x.ex != nil && !slices.Contains(ev, x.ex.Index) {
			ev = append(ev, x.ex.Index)
		}
	}
	return ev
}
