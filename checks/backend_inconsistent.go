package checks

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	why401 "github.com/why401/why401"
)

var kindBackendInconsistent = &why401.Kind{
	ID:       "backend.inconsistent",
	Severity: why401.SeverityError,
	Who:      why401.SiteOwner,
	Title:    "The host's addresses answer the same request differently",
	Explain: "The host name has several addresses (several servers, or the nodes behind a load balancer), and " +
		"why401 sent the same request to each, keeping the Host header and the TLS server name. They do not " +
		"agree: a different status, challenge, realm or error code. Whether a visitor gets 401 depends on which " +
		"address their client picks, so it comes and goes. The usual causes: one node with an old password " +
		"file or user database, a different signing key or session store, a node a deployment missed, or an " +
		"IPv6 address (AAAA) served by another server than the IPv4 one (A); clients with IPv6 prefer it " +
		"(RFC 8305).",
	Fix: []string{
		"Site owner: give every node the same configuration, user store, keys and session store; a node that " +
			"cannot have them yet leaves DNS and the load balancer until it does.",
		"Site owner: if IPv4 and IPv6 disagree, point the AAAA record at the same service as the A record, or " +
			"remove it until the IPv6 service matches.",
		"Visitor: until it is fixed, retrying may reach a good node; send the site owner this report " +
			"(`--report FILE.md`): it names the address that answered differently.",
	},
	Refs: []string{"RFC 9110 §7.2", "RFC 8305"},
}

// pool returns the backends of every view whose addresses answer
// differently among themselves: the addresses that one resolver hands out
// interchangeably, yet which do not behave alike.
func (b *beHost) pool() []*beNode {
	var out []*beNode
	for _, v := range b.views {
		if len(b.keys(v)) < 2 {
			continue
		}
		for _, ip := range v.answer.Addrs() {
			if x := b.find(ip); x != nil && x.key != "" && !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	// In address order: resolvers rotate their answers, the report
	// should not.
	slices.SortFunc(out, func(x, y *beNode) int { return x.addr.Compare(y.addr) })
	return out
}

// beSplit is how a pool divides: the odd addresses and the others, and why
// those are the odd ones.
type beSplit struct {
	odd, good []*beNode
	by        string // "credentials", "family", "majority", or "even" when nothing names an odd one
}

// beDivide finds the odd addresses of a pool. Credentials decide first: an
// address that refuses what the others accept is the odd one, however
// many there are. Then a clean IPv4/IPv6 divide is named as such. Then
// the minority answer is the odd one; an even split names none.
func beDivide(pool []*beNode) beSplit {
	var acc, rej []*beNode
	for _, x := range pool {
		switch {
		case x.accepted:
			acc = append(acc, x)
		case x.credentials:
			rej = append(rej, x)
		}
	}
	if len(acc) > 0 && len(rej) > 0 && len(acc)+len(rej) == len(pool) {
		return beSplit{odd: rej, good: acc, by: "credentials"}
	}
	groups := map[string][]*beNode{}
	var order []string
	for _, x := range pool {
		if _, ok := groups[x.key]; !ok {
			order = append(order, x.key)
		}
		groups[x.key] = append(groups[x.key], x)
	}
	if v4, v6 := beFamily(pool, true), beFamily(pool, false); len(v4) > 0 && len(v6) > 0 && len(order) == 2 &&
		beSameKey(v4) && beSameKey(v6) {
		return beSplit{odd: v6, good: v4, by: "family"}
	}
	slices.SortStableFunc(order, func(a, b string) int { return len(groups[b]) - len(groups[a]) })
	if len(groups[order[0]]) > len(groups[order[1]]) {
		var odd []*beNode
		for _, k := range order[1:] {
			odd = append(odd, groups[k]...)
		}
		return beSplit{odd: odd, good: groups[order[0]], by: "majority"}
	}
	return beSplit{good: pool, by: "even"}
}

func beFamily(xs []*beNode, v4 bool) []*beNode {
	var out []*beNode
	for _, x := range xs {
		if x.addr.Is4() == v4 {
			out = append(out, x)
		}
	}
	return out
}

func beSameKey(xs []*beNode) bool {
	return !slices.ContainsFunc(xs, func(x *beNode) bool { return x.key != xs[0].key })
}

func beAddrsOf(xs []*beNode) []netip.Addr {
	out := make([]netip.Addr, len(xs))
	for i, x := range xs {
		out[i] = x.addr
	}
	return out
}

// beAnswersOf describes what a group answered: one answer, or each with its
// addresses.
func beAnswersOf(xs []*beNode) string {
	var keys []string
	for _, x := range xs {
		if !slices.Contains(keys, x.key) {
			keys = append(keys, x.key)
		}
	}
	if len(keys) == 1 {
		return xs[0].answer
	}
	var parts []string
	for _, k := range keys {
		var at []*beNode
		for _, x := range xs {
			if x.key == k {
				at = append(at, x)
			}
		}
		parts = append(parts, at[0].answer+" ("+beAddrList(beAddrsOf(at))+")")
	}
	return strings.Join(parts, "; ")
}

// reportBackendInconsistent reports backend.inconsistent when one view's
// addresses answer differently.
func reportBackendInconsistent(p *why401.Pass, b *beHost) bool {
	pool := b.pool()
	if len(pool) < 2 {
		return false
	}
	detail, fix, ev := b.inconsistentDetail(pool, p.Input.Creds.Any())
	p.ReportFix(kindBackendInconsistent, detail, fix, ev...)
	return true
}

// inconsistentDetail writes the finding: which address is odd and how,
// where the user's request went, the table; the fix for this case.
func (b *beHost) inconsistentDetail(pool []*beNode, hadCreds bool) (string, []string, []int) {
	sp := beDivide(pool)
	var first string
	var fix []string
	name := func(xs []*beNode) string {
		s := beAddrList(beAddrsOf(xs))
		if len(xs) == 1 && xs[0].ident != "" {
			s += " (" + xs[0].ident + ")"
		}
		return s
	}
	switch sp.by {
	case "credentials":
		first = fmt.Sprintf("%s refuse%s the credentials that %s accept%s: %s.", beAddrList(beAddrsOf(sp.odd)), beVerbN(len(sp.odd)),
			beAddrList(beAddrsOf(sp.good)), beVerbN(len(sp.good)), beAnswersOf(sp.odd))
		fix = append(fix, fmt.Sprintf("Site owner: fix or drain %s: it does not know the users that %s know%s (an old "+
			"password file or user store, or other keys).", name(sp.odd), beAddrList(beAddrsOf(sp.good)), beVerbN(len(sp.good))))
	case "family":
		first = fmt.Sprintf("The IPv6 %s %s answer%s %s, the IPv4 %s %s answer%s %s: clients with IPv6 reach "+
			"another server than IPv4-only clients.", bePlural(len(sp.odd), "address", "addresses"), beAddrList(beAddrsOf(sp.odd)),
			beVerbN(len(sp.odd)), sp.odd[0].answer, bePlural(len(sp.good), "address", "addresses"), beAddrList(beAddrsOf(sp.good)),
			beVerbN(len(sp.good)), sp.good[0].answer)
		fix = append(fix, fmt.Sprintf("Site owner: the AAAA record (%s) and the A record (%s) of %s lead to servers "+
			"that answer differently: point both at the same service, or remove the AAAA record until they match.",
			beAddrList(beAddrsOf(sp.odd)), beAddrList(beAddrsOf(sp.good)), b.host))
	case "majority":
		first = fmt.Sprintf("%s answer%s %s, unlike %s, which answer%s %s.", beAddrList(beAddrsOf(sp.odd)), beVerbN(len(sp.odd)),
			beAnswersOf(sp.odd), beAddrList(beAddrsOf(sp.good)), beVerbN(len(sp.good)), sp.good[0].answer)
		fix = append(fix, fmt.Sprintf("Site owner: fix or drain %s: make it answer like %s.", name(sp.odd), beAddrList(beAddrsOf(sp.good))))
	default:
		first = fmt.Sprintf("The addresses of %s split evenly: %s.", b.host, beAnswersOf(sp.good))
		fix = append(fix, fmt.Sprintf("Site owner: compare the configuration of %s (users, keys, session store); nothing "+
			"here tells which one is right.", beAddrList(beAddrsOf(sp.good))))
	}
	lines := []string{first}
	if u := b.find(b.used); u != nil && slices.Contains(pool, u) {
		if slices.Contains(sp.odd, u) {
			lines = append(lines, fmt.Sprintf("Your request went to %s, the odd one.", b.used))
		} else {
			lines = append(lines, fmt.Sprintf("Your request went to %s.", b.used))
		}
	}
	lines = append(lines, b.table(pool)...)
	if hadCreds && !b.creds && sp.by != "credentials" {
		fix = append(fix, "To see which addresses accept your credentials, run again with --all-backends (one login "+
			"attempt per address).")
	}
	return strings.Join(lines, "\n"), fix, beEvidence(pool)
}
