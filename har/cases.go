package har

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
)

// Default limits of Cases.
const (
	DefaultMaxRelated  = 20       // related entries per case
	DefaultWindow      = 1024     // recent entries remembered
	DefaultWindowBytes = 32 << 20 // bytes of recent entries remembered
	maxSetCookies      = 4096     // Set-Cookie fields remembered
	maxSetCookieBytes  = 4 << 20
	maxPending         = 256 // cases held while sanitization is undecided
	maxPendingBytes    = 32 << 20
)

// Case is one entry to diagnose (a 401, say) with what led to it.
type Case struct {
	Target *Entry
	// Chain is the redirect chain that led to Target, first request first:
	// earlier 3xx entries whose Location points to the next one. It is
	// part of Related.
	Chain []*Entry
	// Related are the earlier entries shown with Target, in file order: the
	// Chain and the latest entries to Target's origin (the login that set
	// the cookie, the last request that worked), at most MaxRelated.
	Related []*Entry
	// SetCookies is the Set-Cookie history before Target, in order, for
	// every host of Target's site (same last two DNS labels), so a cookie
	// jar can replay it and say which cookies the browser should have sent
	// with Target. Target's own Set-Cookies are Target.SetCookies().
	SetCookies []SetCookie
}

// SetCookie is one Set-Cookie field a response carried.
type SetCookie struct {
	Entry int       // index of the entry
	URL   string    // the request URL, raw: never print it
	Time  time.Time // when the response ended (startedDateTime + time)
	Value string    // the raw Set-Cookie value: a secret

	site string // siteOf(URL), computed once: caseFor compares it for every case
}

// String shows the field with its value redacted.
func (c SetCookie) String() string {
	return fmt.Sprintf("entry %d: %s: Set-Cookie: %s", c.Entry, displayURL(c.URL), redact.SetCookie(c.Value))
}

// Format implements fmt.Formatter so that no verb prints the raw value.
func (c SetCookie) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(c.String())) }

// Want401 selects the entries why401 diagnoses by default: 401 and 407.
func Want401(e *Entry) bool { return e.Status == 401 || e.Status == 407 }

// Cases reads the HAR in r and calls fn with a Case for every entry want
// selects (nil means Want401), in file order. Memory stays flat: only a
// window of recent entries and of Set-Cookie fields is kept.
func Cases(r io.Reader, want func(*Entry) bool, fn func(Case) error) (Summary, error) {
	return NewReader(r).Cases(want, fn)
}

// Cases is the package-level Cases on this reader's remaining entries, with
// its limits. Set MaxRelated, Window and WindowBytes before calling it;
// zero means the defaults.
//
// Whether credentials were sent is decided with the whole file in view: a
// Chromium export is known not to be sanitized only once some entry shows a
// credential, so cases are held back (at most 256, or 32 MiB) until one does
// or the file ends, and delivered with CredentialsUnknown set accordingly.
// A case that overflows the hold is delivered as unknown.
func (r *Reader) Cases(want func(*Entry) bool, fn func(Case) error) (Summary, error) {
	if want == nil {
		want = Want401
	}
	g := &grouper{r: r}
	g.maxRelated = r.MaxRelated
	if g.maxRelated <= 0 {
		g.maxRelated = DefaultMaxRelated
	}
	g.window = r.Window
	if g.window <= 0 {
		g.window = DefaultWindow
	}
	g.windowBytes = r.WindowBytes
	if g.windowBytes <= 0 {
		g.windowBytes = DefaultWindowBytes
	}
	for {
		e, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return r.Summary(), err
		}
		g.prepare(e)
		if want(e) {
			g.pending = append(g.pending, g.caseFor(e))
			g.pendingBytes += caseBytes(g.pending[len(g.pending)-1])
		}
		g.add(e)
		if err := g.release(fn, false); err != nil {
			return r.Summary(), err
		}
	}
	return r.Summary(), g.release(fn, true)
}

// grouper keeps the recent history Cases needs.
type grouper struct {
	r *Reader

	maxRelated, window, windowBytes int

	recent      []*Entry // oldest first
	recentBytes int

	cookies      []SetCookie
	cookieBytes  int
	pending      []Case
	pendingBytes int
}

func entryBytes(e *Entry) int { return e.size + 512 }

func caseBytes(c Case) int {
	n := entryBytes(c.Target)
	for _, e := range c.Related {
		n += entryBytes(e)
	}
	return n
}

// prepare computes what grouping needs about e.
func (g *grouper) prepare(e *Entry) {
	u, err := url.Parse(e.URL)
	if err != nil {
		return
	}
	e.origin = origin(u)
	if e.Status >= 300 && e.Status <= 399 && e.Status != 304 {
		if loc := e.Location(); loc != "" {
			if to, err := url.Parse(loc); err == nil {
				e.redirectTo = normURL(u.ResolveReference(to))
			}
		}
	}
}

// normURL writes u without its fragment, scheme and host in lower case, so
// that a resolved Location and the request it led to compare equal.
func normURL(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	c.Scheme = strings.ToLower(c.Scheme)
	c.Host = strings.ToLower(c.Host)
	if c.Path == "" && c.Host != "" {
		c.Path = "/"
	}
	return c.String()
}

// add remembers e and its Set-Cookie fields, forgetting the oldest beyond
// the limits.
func (g *grouper) add(e *Entry) {
	g.recent = append(g.recent, e)
	g.recentBytes += entryBytes(e)
	for len(g.recent) > g.window || g.recentBytes > g.windowBytes && len(g.recent) > 1 {
		g.recentBytes -= entryBytes(g.recent[0])
		g.recent[0] = nil
		g.recent = g.recent[1:]
	}
	if len(g.recent) == 0 {
		g.recent = nil
	}
	at := e.Started
	if !at.IsZero() && e.TimeMS > 0 {
		at = at.Add(time.Duration(e.TimeMS * float64(time.Millisecond)))
	}
	site := ""
	for i, v := range e.SetCookies() {
		if i == 0 {
			site = siteOf(e.URL)
		}
		g.cookies = append(g.cookies, SetCookie{Entry: e.Index, URL: e.URL, Time: at, Value: v, site: site})
		g.cookieBytes += len(v) + len(e.URL) + 64
	}
	for len(g.cookies) > maxSetCookies || g.cookieBytes > maxSetCookieBytes && len(g.cookies) > 1 {
		g.cookieBytes -= len(g.cookies[0].Value) + len(g.cookies[0].URL) + 64
		g.cookies[0] = SetCookie{}
		g.cookies = g.cookies[1:]
	}
}

// caseFor builds the case of target t from the remembered history.
func (g *grouper) caseFor(t *Entry) Case {
	c := Case{Target: t}
	in := map[*Entry]bool{}
	// The redirect chain, walked backwards: the latest earlier 3xx whose
	// Location is the current request.
	cur := t
	for len(c.Chain) < g.maxRelated {
		u, err := url.Parse(cur.URL)
		if err != nil {
			break
		}
		want := normURL(u)
		var hop *Entry
		for i := len(g.recent) - 1; i >= 0; i-- {
			if e := g.recent[i]; e.Index < cur.Index && e.redirectTo == want {
				hop = e
				break
			}
		}
		if hop == nil || in[hop] {
			break
		}
		in[hop] = true
		c.Chain = append([]*Entry{hop}, c.Chain...)
		cur = hop
	}
	// The latest entries to the target's origin.
	var ctx []*Entry
	for i := len(g.recent) - 1; i >= 0 && len(ctx)+len(c.Chain) < g.maxRelated; i-- {
		if e := g.recent[i]; e.origin == t.origin && t.origin != "" && !in[e] {
			ctx = append(ctx, e)
		}
	}
	// Merge both in file order.
	c.Related = make([]*Entry, 0, len(ctx)+len(c.Chain))
	i, j := len(ctx)-1, 0
	for i >= 0 || j < len(c.Chain) {
		if j >= len(c.Chain) || i >= 0 && ctx[i].Index < c.Chain[j].Index {
			c.Related = append(c.Related, ctx[i])
			i--
		} else {
			c.Related = append(c.Related, c.Chain[j])
			j++
		}
	}
	site := siteOf(t.URL)
	for _, sc := range g.cookies {
		if site != "" && sc.site == site {
			c.SetCookies = append(c.SetCookies, sc)
		}
	}
	return c
}

// siteOf returns the last two DNS labels of a URL's host (the host itself
// for an IP address or a one-label name): a cookie set by one host can only
// reach another that shares them, so that is enough to choose which
// Set-Cookie fields a jar must replay. Over-inclusion (co.uk) is harmless:
// the jar does the real domain matching.
func siteOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	h := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if h == "" || net.ParseIP(h) != nil {
		return h
	}
	labels := strings.Split(h, ".")
	if len(labels) <= 2 {
		return h
	}
	return strings.Join(labels[len(labels)-2:], ".")
}

// release delivers the held cases once the file's sanitization is decided:
// a credential has been seen (not sanitized), or the file has ended (all).
// Beyond the hold's limits the oldest are delivered as undecided, which
// reads as unknown.
func (g *grouper) release(fn func(Case) error, final bool) error {
	r := g.r
	undecided := !r.sum.Credentials && (!r.creatorKnown || r.chromium())
	for len(g.pending) > 0 {
		unknown := false
		switch {
		case !undecided:
		case final:
			unknown = r.chromium()
		case len(g.pending) > maxPending || g.pendingBytes > maxPendingBytes:
			unknown = true
		default:
			return nil
		}
		c := g.pending[0]
		g.pending[0] = Case{}
		g.pending = g.pending[1:]
		g.pendingBytes -= caseBytes(c)
		c.Target.CredentialsUnknown = unknown && !c.Target.hasCreds
		for _, e := range c.Related {
			e.CredentialsUnknown = unknown && !e.hasCreds
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	g.pending = nil
	return nil
}

// Exchanges returns the case as exchanges, target last: first the context
// entries (Purpose PurposeContext, no Hop), then the redirect chain and the
// target (Purpose why401.PurposeHAR), each hop's origin compared with the
// chain's first request. Indices run from 0 in that order.
func (c Case) Exchanges() []why401.Exchange {
	in := map[*Entry]bool{}
	for _, e := range c.Chain {
		in[e] = true
	}
	var out []why401.Exchange
	for _, e := range c.Related {
		if in[e] {
			continue
		}
		x := e.Exchange()
		x.Purpose, x.Hop = PurposeContext, nil
		out = append(out, x)
	}
	first := c.Target.URL
	if len(c.Chain) > 0 {
		first = c.Chain[0].URL
	}
	goDropped := false
	for _, e := range append(append([]*Entry(nil), c.Chain...), c.Target) {
		x := e.Exchange()
		x.Hop = e.hop(first, goDropped)
		if x.Hop != nil {
			for _, r := range x.Hop.Clients {
				if r.Client == "go" && !r.ForwardsAuth {
					goDropped = true // Go's client never restores them (CVE-2024-45336)
				}
			}
		}
		out = append(out, x)
	}
	for i := range out {
		out[i].Index = i
	}
	return out
}

// Input returns the request the user made: the first request of the
// redirect chain, or the target when there was no redirect. Target.Input()
// is the target's own request.
func (c Case) Input() *why401.Input {
	if len(c.Chain) > 0 {
		return c.Chain[0].Input()
	}
	return c.Target.Input()
}

// Session replays a Case as a why401.Session: offline, it only hands over
// what the file recorded.
type Session struct {
	Case Case
}

var _ why401.Session = (*Session)(nil)

// NewSession returns the session of a case.
func NewSession(c Case) *Session { return &Session{Case: c} }

// Start returns the case's exchanges, target last.
func (s *Session) Start(ctx context.Context) ([]why401.Exchange, error) {
	return s.Case.Exchanges(), nil
}

// Answer returns nothing: a recording cannot answer a challenge.
func (s *Session) Answer(ctx context.Context, chain []why401.Exchange) ([]why401.Exchange, error) {
	return nil, nil
}

// Probe returns why401.ErrOffline: a recording cannot send requests.
func (s *Session) Probe(ctx context.Context, pr why401.Probe) ([]why401.Exchange, error) {
	return nil, why401.ErrOffline
}
