package checks

import (
	"net/http"
	"net/netip"
	"testing"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/dns"
)

func nodeOf(ip, key string, creds, accepted bool) *beNode {
	return &beNode{addr: netip.MustParseAddr(ip), key: key, answer: key, credentials: creds, accepted: accepted}
}

func addrsOfNodes(xs []*beNode) string { return beAddrList(beAddrsOf(xs)) }

func TestDivideNamesTheOddAddress(t *testing.T) {
	cases := []struct {
		name      string
		pool      []*beNode
		by        string
		odd, good string
	}{
		// Credentials decide, even against the majority.
		{"the one that refuses what the others accept", []*beNode{
			nodeOf("127.0.0.2", "200", true, true), nodeOf("127.0.0.3", "401", true, false), nodeOf("127.0.0.5", "200", true, true),
		}, "credentials", "127.0.0.3", "127.0.0.2, 127.0.0.5"},
		{"two refuse, one accepts: the two are odd", []*beNode{
			nodeOf("127.0.0.2", "401", true, false), nodeOf("127.0.0.3", "401", true, false), nodeOf("127.0.0.5", "200", true, true),
		}, "credentials", "127.0.0.2, 127.0.0.3", "127.0.0.5"},
		// IPv4 against IPv6.
		{"a clean IPv4/IPv6 divide", []*beNode{
			nodeOf("127.0.0.2", "A", false, false), nodeOf("::1", "B", false, false),
		}, "family", "::1", "127.0.0.2"},
		{"IPv6 on both sides is not a family divide", []*beNode{
			nodeOf("127.0.0.2", "A", false, false), nodeOf("::1", "B", false, false), nodeOf("::2", "A", false, false),
		}, "majority", "::1", "127.0.0.2, ::2"},
		// Without credentials: the minority answer.
		{"the minority answer", []*beNode{
			nodeOf("127.0.0.2", "A", false, false), nodeOf("127.0.0.3", "B", false, false), nodeOf("127.0.0.5", "A", false, false),
		}, "majority", "127.0.0.3", "127.0.0.2, 127.0.0.5"},
		{"an even split names none", []*beNode{
			nodeOf("127.0.0.2", "A", false, false), nodeOf("127.0.0.3", "B", false, false),
		}, "even", "", "127.0.0.2, 127.0.0.3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			sp := beDivide(c.pool)
			if sp.by != c.by || addrsOfNodes(sp.odd) != c.odd || addrsOfNodes(sp.good) != c.good {
				t.Errorf("beDivide = %s, odd %q, good %q; want %s, %q, %q", sp.by, addrsOfNodes(sp.odd), addrsOfNodes(sp.good), c.by, c.odd, c.good)
			}
		})
	}
}

// host builds a beHost from views (label → addresses) and answers
// (address → key).
func hostOf(views map[string][]string, order []string, answers map[string]string) *beHost {
	b := &beHost{host: "app.example.test"}
	for _, label := range order {
		v := &beView{label: label, source: beFromResolver}
		switch label {
		case "your request":
			v.source = beFromRequest
		case "system resolver":
			v.source = beFromSystem
		}
		for _, ip := range views[label] {
			v.answer.Records = append(v.answer.Records, dns.Record{Addr: netip.MustParseAddr(ip)})
		}
		b.views = append(b.views, v)
	}
	for ip, k := range answers {
		b.all = append(b.all, nodeOf(ip, k, false, false))
	}
	return b
}

func TestMismatchNeedsAnswersThatDiffer(t *testing.T) {
	cases := []struct {
		name     string
		views    map[string][]string
		answers  map[string]string
		mismatch bool
		pool     int // addresses in views that disagree inside
	}{
		{"a stale pin", map[string][]string{"your request": {"127.0.0.4"}, "system resolver": {"127.0.0.2", "127.0.0.3"}},
			map[string]string{"127.0.0.4": "old", "127.0.0.2": "new", "127.0.0.3": "new"}, true, 0},
		{"round-robin subsets that answer alike", map[string][]string{"system resolver": {"127.0.0.2", "127.0.0.3"}, "r": {"127.0.0.3", "127.0.0.5"}},
			map[string]string{"127.0.0.2": "A", "127.0.0.3": "A", "127.0.0.5": "A"}, false, 0},
		{"one view inside another, with an odd node: a backend problem", map[string][]string{"system resolver": {"127.0.0.2", "127.0.0.3"}, "r": {"127.0.0.2"}},
			map[string]string{"127.0.0.2": "A", "127.0.0.3": "B"}, false, 2},
		{"a stale view and an odd node in the current one: both", map[string][]string{"your request": {"127.0.0.4"}, "system resolver": {"127.0.0.2", "127.0.0.3"}},
			map[string]string{"127.0.0.4": "old", "127.0.0.2": "200", "127.0.0.3": "401"}, true, 2},
		{"unprobed addresses prove nothing", map[string][]string{"system resolver": {"127.0.0.2"}, "r": {"127.0.0.9"}},
			map[string]string{"127.0.0.2": "A"}, false, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var order []string
			for _, l := range []string{"your request", "system resolver", "r"} {
				if _, ok := c.views[l]; ok {
					order = append(order, l)
				}
			}
			b := hostOf(c.views, order, c.answers)
			if got := beMismatch(b.sides()); got != c.mismatch {
				t.Errorf("beMismatch = %v; want %v", got, c.mismatch)
			}
			if got := len(b.pool()); got != c.pool {
				t.Errorf("len(pool) = %d; want %d", got, c.pool)
			}
		})
	}
}

func TestCurrentSide(t *testing.T) {
	b := hostOf(map[string][]string{"your request": {"127.0.0.4"}, "system resolver": {"127.0.0.2"}, "r": {"127.0.0.2"}},
		[]string{"your request", "system resolver", "r"}, map[string]string{"127.0.0.4": "old", "127.0.0.2": "new"})
	ss := b.sides()
	if cur := b.current(ss); cur == nil || beAddrList(cur.addrs) != "127.0.0.2" {
		t.Errorf("current = %+v; want the side of 127.0.0.2, which two resolvers give", cur)
	}
	// The system resolver against one --resolver: the --resolver is the one
	// the user asked for a second opinion.
	b = hostOf(map[string][]string{"system resolver": {"127.0.0.4"}, "r": {"127.0.0.2"}},
		[]string{"system resolver", "r"}, map[string]string{"127.0.0.4": "old", "127.0.0.2": "new"})
	if cur := b.current(b.sides()); cur == nil || beAddrList(cur.addrs) != "127.0.0.2" {
		t.Errorf("current = %+v; want the --resolver's side", cur)
	}
	// Credentials outweigh the count.
	b.find(netip.MustParseAddr("127.0.0.4")).accepted = true
	if cur := b.current(b.sides()); cur == nil || beAddrList(cur.addrs) != "127.0.0.4" {
		t.Errorf("current = %+v; want the side that accepts the credentials", cur)
	}
}

func TestNoRoute(t *testing.T) {
	for msg, want := range map[string]bool{
		"dial tcp [2001:db8::1]:443: connect: network is unreachable":               true,
		"dial tcp [2001:db8::1]:443: connect: no route to host":                     true,
		"dial tcp [2001:db8::1]:443: socket: address family not supported by proto": true,
		"dial tcp [::1]:443: connect: cannot assign requested address":              true,
		"connection refused: nothing listens at that address and port":              false,
		"timed out (limit 30s; raise it with -m)":                                   false,
	} {
		if got := beNoRoute(msg); got != want {
			t.Errorf("beNoRoute(%q) = %v; want %v", msg, got, want)
		}
	}
}

func TestAnswerKeyComparesWhatMatters(t *testing.T) {
	ex := func(status int, h http.Header, ctype, body string) *why401.Exchange {
		return &why401.Exchange{Response: &why401.Response{Status: status, Header: h, ContentType: ctype, Body: []byte(body)}}
	}
	www := func(v string) http.Header { return http.Header{"Www-Authenticate": {v}} }
	same := []struct {
		name string
		a, b *why401.Exchange
	}{
		{"Digest nonces differ on every answer", ex(401, www(`Digest realm="x", nonce="1"`), "", ""), ex(401, www(`Digest realm="x", nonce="2"`), "", "")},
		{"the Server header is shown, not compared", ex(401, http.Header{"Server": {"a"}, "Www-Authenticate": {`Basic realm="x"`}}, "", ""),
			ex(401, http.Header{"Server": {"b"}, "Www-Authenticate": {`Basic realm="x"`}}, "", "")},
	}
	for _, c := range same {
		if ka, _ := beAnswerKey(c.a); ka != func() string { k, _ := beAnswerKey(c.b); return k }() {
			t.Errorf("%s: keys differ", c.name)
		}
	}
	differ := []struct {
		name string
		a, b *why401.Exchange
		desc string
	}{
		{"realm", ex(401, www(`Basic realm="x"`), "", ""), ex(401, www(`Basic realm="y"`), "", ""), `401 Basic realm="y"`},
		{"Bearer error", ex(401, www(`Bearer realm="x"`), "", ""), ex(401, www(`Bearer realm="x", error="invalid_token"`), "", ""),
			`401 Bearer realm="x" (error invalid_token)`},
		{"a JSON error code", ex(401, nil, "application/json", `{"code":"rest_not_logged_in"}`),
			ex(401, nil, "application/json; charset=UTF-8", `{"code":"incorrect_password"}`), "401 (error incorrect_password)"},
		{"a redirect target", ex(302, http.Header{"Location": {"/login"}}, "", ""), ex(302, http.Header{"Location": {"/sso"}}, "", ""), "302 → /sso"},
	}
	for _, c := range differ {
		ka, _ := beAnswerKey(c.a)
		kb, desc := beAnswerKey(c.b)
		if ka == kb {
			t.Errorf("%s: same key %q", c.name, ka)
		}
		if desc != c.desc {
			t.Errorf("%s: desc %q; want %q", c.name, desc, c.desc)
		}
	}
}
