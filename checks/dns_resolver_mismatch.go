package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	why401 "github.com/why401/why401"
)

var kindResolverMismatch = &why401.Kind{
	ID:       "dns.resolver-mismatch",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "Resolvers send clients to different servers, and those servers answer differently",
	Explain: "The host name resolves to different addresses depending on who asks: your request (a --resolve " +
		"pin, a hosts-file entry or a cached answer), the system resolver, and the resolvers given with " +
		"--resolver. The addresses one of them gives answer differently from those another gives, so whether " +
		"you get 401 depends on which answer your client holds. This is usually a stale answer after the site " +
		"moved: a cache (the browser's, the operating system's, a resolver's) keeps the old address until its " +
		"TTL runs out, and the old server no longer knows your account, session or key. A --resolve pin or a " +
		"hosts-file entry never expires.",
	Fix: []string{
		"Remove any --resolve pin or hosts-file entry for the host (/etc/hosts; on Windows " +
			`C:\Windows\System32\drivers\etc\hosts).`,
		"Flush the DNS cache of the machine that holds the old answer. Windows: `ipconfig /flushdns`. macOS: " +
			"`sudo killall -HUP mDNSResponder`. Linux with systemd-resolved: `resolvectl flush-caches`. Chrome " +
			"and Edge keep their own: open `chrome://net-internals/#dns` and press \"Clear host cache\", then " +
			"`chrome://net-internals/#sockets` → \"Flush socket pools\".",
		"Or wait: a resolver keeps an answer at most for its TTL, shown for each --resolver above.",
		"Site owner: keep an old address answering like the new ones (same users, keys and sessions), or " +
			"redirecting to them, until the old records' TTL has passed everywhere; lower the TTL a day before " +
			"moving a name.",
	},
	Refs: []string{"RFC 1035 §3.2.1", "RFC 2181 §8", "RFC 8767"},
}

// beSide is a group of views that give exactly the same addresses.
type beSide struct {
	views []*beView
	addrs []netip.Addr
	keys  []string // the distinct answers of its probed addresses
}

func (s *beSide) has(src beSource) bool {
	return slices.ContainsFunc(s.views, func(v *beView) bool { return v.source == src })
}

// count returns how many of the side's views are resolvers (not the
// request's own address), and how many of them are --resolvers.
func (s *beSide) count() (resolvers, direct int) {
	for _, v := range s.views {
		switch v.source {
		case beFromSystem:
			resolvers++
		case beFromResolver:
			resolvers++
			direct++
		}
	}
	return resolvers, direct
}

// sides groups the views that gave addresses by their address set.
func (b *beHost) sides() []*beSide {
	var out []*beSide
	for _, v := range b.views {
		if len(v.answer.Records) == 0 {
			continue
		}
		addrs := slices.Clone(v.answer.Addrs())
		slices.SortFunc(addrs, netip.Addr.Compare)
		i := slices.IndexFunc(out, func(s *beSide) bool { return slices.Equal(s.addrs, addrs) })
		if i < 0 {
			out = append(out, &beSide{addrs: addrs, keys: b.keysOf(addrs)})
			i = len(out) - 1
		}
		out[i].views = append(out[i].views, v)
	}
	return out
}

// beMismatch reports whether two views hand out addresses whose answers
// have nothing in common: then which view a client holds decides what it
// gets. Views that differ only in addresses that answer alike (a pool
// rotated by round-robin DNS) are not a mismatch.
func beMismatch(ss []*beSide) bool {
	for i, a := range ss {
		for _, b := range ss[i+1:] {
			if len(a.keys) > 0 && len(b.keys) > 0 && !slices.ContainsFunc(a.keys, func(k string) bool { return slices.Contains(b.keys, k) }) {
				return true
			}
		}
	}
	return false
}

// current guesses which side holds today's addresses: the one whose
// addresses accept the credentials when only one does, else the one most
// resolvers agree on, else the one most --resolvers agree on (a user
// passes --resolver to ask a resolver they trust). It returns nil when
// nothing tells them apart.
func (b *beHost) current(ss []*beSide) *beSide {
	var accepting []*beSide
	for _, s := range ss {
		if slices.ContainsFunc(s.addrs, func(ip netip.Addr) bool { x := b.find(ip); return x != nil && x.accepted }) {
			accepting = append(accepting, s)
		}
	}
	if len(accepting) == 1 {
		return accepting[0]
	}
	for _, pick := range []func(*beSide) int{
		func(s *beSide) int { r, _ := s.count(); return r },
		func(s *beSide) int { _, d := s.count(); return d },
	} {
		best, n, tie := (*beSide)(nil), -1, false
		for _, s := range ss {
			switch c := pick(s); {
			case c > n:
				best, n, tie = s, c, false
			case c == n:
				tie = true
			}
		}
		if !tie && n > 0 {
			return best
		}
	}
	return nil
}

// reportResolverMismatch reports dns.resolver-mismatch when views disagree
// in a way that changes the answer, and notes a harmless disagreement.
func reportResolverMismatch(p *why401.Pass, b *beHost) bool {
	ss := b.sides()
	if len(ss) < 2 {
		return false
	}
	if !beMismatch(ss) {
		// Only when every address answers alike: otherwise an odd node
		// explains the difference (backend.inconsistent), not DNS.
		if len(b.keysOf(b.addrs())) == 1 {
			var parts []string
			for _, s := range ss {
				parts = append(parts, beSideWho(s)+" → "+beAddrList(s.addrs))
			}
			p.Note(fmt.Sprintf("The resolvers give different addresses for %s (%s), but those addresses answer "+
				"alike: DNS does not explain this answer.", b.host, strings.Join(parts, "; ")))
		}
		return false
	}
	detail, fix, ev := b.mismatchDetail(ss)
	p.ReportFix(kindResolverMismatch, detail, fix, ev...)
	return true
}

// mismatchDetail writes the finding: one sentence per side, which side is
// likely stale, the views with their TTLs and CNAMEs, and what each
// address answered; the fix steps for this case.
func (b *beHost) mismatchDetail(ss []*beSide) (string, []string, []int) {
	var sentences []string
	for _, s := range ss {
		sentences = append(sentences, b.sideSentence(s))
	}
	lines := []string{beUpperFirst(strings.Join(sentences, "; ")) + "."}

	cur := b.current(ss)
	var stale []*beSide
	for _, s := range ss {
		if s != cur && len(s.keys) > 0 {
			stale = append(stale, s)
		}
	}
	if cur != nil {
		var staleAddrs []netip.Addr
		for _, s := range stale {
			staleAddrs = append(staleAddrs, s.addrs...)
		}
		lines = append(lines, fmt.Sprintf("Likely stale: %s; %s give%s the current %s.", beAddrList(staleAddrs),
			beSideWho(cur), beVerbS(cur), bePlural(len(cur.addrs), "address", "addresses")))
	} else {
		lines = append(lines, "Nothing here tells which answer is current; the site owner knows.")
	}

	for _, v := range b.views {
		lines = append(lines, v.label+" → "+beViewLine(v))
	}
	var shown []*beNode
	for _, s := range ss {
		for _, ip := range s.addrs {
			if x := b.find(ip); x != nil && !slices.Contains(shown, x) {
				shown = append(shown, x)
			}
		}
	}
	slices.SortStableFunc(shown, func(x, y *beNode) int { return beBoolCmp(x.addr == b.used, y.addr == b.used) })
	lines = append(lines, b.table(shown)...)

	var fix []string
	switch {
	case cur == nil:
		for _, v := range b.views {
			if ttl, ok := v.answer.MinTTL(); ok && v.source == beFromResolver {
				fix = append(fix, fmt.Sprintf("%s keeps its answer (%s) for up to %s more: if that is the stale one, "+
					"wait %d seconds or flush that resolver's cache.", v.label, beAddrList(v.answer.Addrs()), beSeconds(ttl), int(ttl.Seconds())))
			}
		}
		fix = append(fix, fmt.Sprintf("Ask the site owner which addresses of %s are current, then clear the view "+
			"that differs (commands below).", b.host))
	default:
		var longest time.Duration
		var staleAddrs []netip.Addr
		for _, s := range stale {
			staleAddrs = append(staleAddrs, s.addrs...)
			for _, v := range s.views {
				switch v.source {
				case beFromRequest:
					fix = append(fix, fmt.Sprintf("Your request went to %s, which looks stale: "+
						"remove the --resolve pin or hosts-file entry for %s, or flush the DNS cache that holds it "+
						"(commands below).", beAddrList(v.answer.Addrs()), b.host))
				case beFromSystem:
					fix = append(fix, fmt.Sprintf("Your system resolver still gives %s: flush its cache (commands "+
						"below) or wait for it to expire.", beAddrList(v.answer.Addrs())))
				case beFromResolver:
					if ttl, ok := v.answer.MinTTL(); ok {
						longest = max(longest, ttl)
						fix = append(fix, fmt.Sprintf("%s will give %s for up to %s more (its TTL): wait %d seconds, "+
							"or flush that resolver's cache.", v.label, beAddrList(v.answer.Addrs()), beSeconds(ttl), int(ttl.Seconds())))
					} else {
						fix = append(fix, fmt.Sprintf("%s still gives %s: flush its cache.", v.label, beAddrList(v.answer.Addrs())))
					}
				}
			}
		}
		until := "until every cache has let the old answer go"
		if longest > 0 {
			until = fmt.Sprintf("for the next %s at least", beSeconds(longest))
		}
		fix = append(fix, fmt.Sprintf("Site owner: visitors whose DNS answer is old still reach %s: keep it answering "+
			"like %s, or redirect it there, %s.", beAddrList(staleAddrs), beAddrList(cur.addrs), until))
	}
	return strings.Join(lines, "\n"), fix, beEvidence(shown)
}

// sideSentence says who gives a side's addresses and what they answer.
func (b *beHost) sideSentence(s *beSide) string {
	var who string
	var others []string
	for _, v := range s.views {
		if v.source != beFromRequest {
			others = append(others, v.label)
		}
	}
	switch {
	case s.has(beFromRequest) && len(others) == 0:
		who = "your request went to " + beAddrList(s.addrs)
	case s.has(beFromRequest):
		who = fmt.Sprintf("your request went to %s (as %s give%s)", beAddrList(s.addrs), beAndList(others), beVerbN(len(others)))
	default:
		who = fmt.Sprintf("%s give%s %s", beSideWho(s), beVerbS(s), beAddrList(s.addrs))
	}
	var answers []string
	for _, k := range s.keys {
		var at []netip.Addr
		desc := ""
		for _, ip := range s.addrs {
			if x := b.find(ip); x != nil && x.key == k {
				at, desc = append(at, ip), x.answer
			}
		}
		if len(s.keys) > 1 {
			desc += " (" + beAddrList(at) + ")"
		}
		answers = append(answers, desc)
	}
	if len(answers) == 0 {
		return who + " (not probed)"
	}
	return who + ", answering " + strings.Join(answers, " and ")
}

// beSideWho names the views of a side: "the system resolver and --resolver
// 127.0.0.1:53".
func beSideWho(s *beSide) string {
	var names []string
	for _, v := range s.views {
		names = append(names, v.the())
	}
	return beAndList(names)
}

// beVerbS returns the "s" of "gives" when one view stands for the side.
func beVerbS(s *beSide) string { return beVerbN(len(s.views)) }

func beVerbN(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}

// beViewLine shows a view's answer: addresses, TTL, CNAME chain.
func beViewLine(v *beView) string {
	a := v.answer
	var s string
	switch {
	case len(a.Records) > 0:
		s = beAddrList(a.Addrs())
	case a.NXDomain:
		s = "NXDOMAIN (the name does not exist)"
	default:
		s = "no address"
	}
	var extra []string
	if ttl, ok := a.MinTTL(); ok {
		extra = append(extra, "TTL "+beSeconds(ttl))
	}
	if len(a.CNAMEs) > 0 {
		extra = append(extra, "via CNAME "+strings.Join(a.CNAMEs, " → "))
	}
	if v.source == beFromRequest {
		extra = append(extra, "not an address the system resolver gives: a --resolve pin, or an answer that changed during this run")
	}
	if len(extra) > 0 {
		s += " (" + strings.Join(extra, "; ") + ")"
	}
	return s
}

func beAndList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

func beUpperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// beBoolCmp orders true first.
func beBoolCmp(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return -1
	}
	return 1
}
