package cookies

import (
	"cmp"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Request is the context in which cookies are selected or received.
type Request struct {
	URL *url.URL
	// Now is the time of the request; zero means time.Now().
	Now time.Time
	// Method is the request method; "" means GET.
	Method string
	// SiteForCookies is the URL of the top-level page the request is made
	// from (6265bis §5.2's "site for cookies"); nil means a same-site
	// request (typing the URL, curl).
	SiteForCookies *url.URL
	// TopLevelNavigation is set for a request that navigates the top-level
	// page (a link, a form submission), as opposed to a subresource, a
	// fetch or an iframe.
	TopLevelNavigation bool
	// BlockThirdParty models a browser that blocks third-party cookies
	// (Chrome's Incognito default or setting, Safari, Firefox in strict
	// mode): cookies that are not Partitioned are not sent on cross-site
	// requests. Cross-site here ignores the scheme, as Chromium's
	// third-party check does.
	BlockThirdParty bool
}

func (r Request) now() time.Time {
	if r.Now.IsZero() {
		return time.Now()
	}
	return r.Now
}

// safeMethod reports whether the method is "safe" in the sense of RFC 9110
// §9.2.1, which SameSite=Lax lets through on a cross-site top-level
// navigation (6265bis §5.8.3).
func (r Request) safeMethod() bool {
	switch strings.ToUpper(r.Method) {
	case "", "GET", "HEAD", "OPTIONS", "TRACE":
		return true
	}
	return false
}

// Blocked is a stored cookie that is not sent, and why.
type Blocked struct {
	Cookie Cookie
	// Reason is the first reason, the one to fix first; Also lists the
	// others, in the same order of importance.
	Reason Reason
	Also   []Reason
}

func (b Blocked) String() string {
	s := b.Cookie.String() + ": " + b.Reason.String()
	for i, r := range b.Also {
		if i == 0 {
			s += ", also "
		} else {
			s += ", "
		}
		s += r.String()
	}
	return s
}

// Check returns why a browser would not send c with req, most important
// reason first, or nil when it would (6265bis §5.8.3, with Chromium's
// choices). It explains one cookie on its own: a cookie the user gave with
// -b as a string has no Domain or Path, so it goes to any host and path and
// can be held back only by SameSite or its size; a cookies.txt cookie
// carries its domain, path, Secure flag and expiry and can miss on each.
//
// The checks, in order:
//
//   - DomainMismatch: a host-only cookie needs the request host to be its
//     host; a domain cookie needs the host to domain-match its Domain.
//   - NotOnPath: the request path must path-match the cookie's Path.
//   - Expired: the expiry-time must be after req.Now.
//   - SecureOnly: a Secure cookie needs https (or wss), or loopback over
//     http as in Chromium.
//   - SameSiteNoneInsecure: SameSite=None needs Secure (Chromium).
//   - ThirdPartyBlocked: with req.BlockThirdParty, a cross-site request
//     gets Partitioned cookies only.
//   - SameSite: on a cross-site request, Strict cookies are never sent;
//     Lax cookies only on a top-level navigation with a safe method (GET);
//     cookies without SameSite are treated as Lax, except that Chromium
//     also sends them on a top-level cross-site POST when they are at most
//     two minutes old ("Lax+POST", 6265bis's "Lax-allowing-unsafe"; a
//     cookie whose creation time is unknown never gets that allowance).
//     When the sites differ only by scheme, the reason is the Schemeful
//     one.
//   - TooLarge: name and value over 4096 bytes, which a browser would never
//     have stored.
func Check(c Cookie, req Request) []Reason {
	var rs []Reason
	now := req.now()
	host := canonicalHost(req.URL)
	if c.Domain != "" {
		d := normalize(c).Domain
		if c.HostOnly && host != d || !c.HostOnly && !domainMatch(host, d) {
			rs = append(rs, DomainMismatch)
		}
	}
	if c.Path != "" && !pathMatch(requestPath(req.URL), c.Path) {
		rs = append(rs, NotOnPath)
	}
	if c.Expired(now) {
		rs = append(rs, Expired)
	}
	if c.Secure && !secureURL(req.URL) {
		rs = append(rs, SecureOnly)
	}
	if c.SameSite == None && !c.Secure {
		rs = append(rs, SameSiteNoneInsecure)
	}
	if cross, schemeOnly := crossSite(req); cross {
		if req.BlockThirdParty && !schemeOnly && !c.Partitioned {
			rs = append(rs, ThirdPartyBlocked)
		}
		nav, safe := req.TopLevelNavigation, req.safeMethod()
		switch c.SameSite {
		case Strict:
			rs = append(rs, sameSiteReason(c.SameSite, schemeOnly))
		case Lax:
			if !nav || !safe {
				rs = append(rs, sameSiteReason(c.SameSite, schemeOnly))
			}
		case Unspecified:
			age := now.Sub(c.Created)
			young := !c.Created.IsZero() && age >= 0 && age <= LaxAllowUnsafeAge
			if !nav || !safe && !young {
				rs = append(rs, sameSiteReason(c.SameSite, schemeOnly))
			}
		}
	}
	if len(c.Name)+len(c.Value.Reveal()) > MaxNameValue {
		rs = append(rs, TooLarge)
	}
	return rs
}

// Select returns the cookies a browser would send with req, in Cookie
// header order (longer paths first, then earlier creation, 6265bis §5.8.3
// step 2), and every other stored cookie with why it is not sent. Blocked
// includes cookies of unrelated sites as DomainMismatch; a report may keep
// only those RelatedTo the request URL. With a nil req.URL, nothing is
// selected.
func (j *Jar) Select(req Request) (send []Cookie, blocked []Blocked) {
	if req.URL == nil {
		return nil, nil
	}
	for _, c := range j.All() {
		rs := Check(c, req)
		if len(rs) == 0 {
			send = append(send, c)
			continue
		}
		b := Blocked{Cookie: c, Reason: rs[0]}
		if len(rs) > 1 {
			b.Also = rs[1:]
		}
		blocked = append(blocked, b)
	}
	sortForHeader(send)
	return send, blocked
}

// sortForHeader orders cookies as 6265bis §5.8.3 step 2 says browsers
// should: longer paths first, then earlier creation times. The sort is
// stable, so cookies with equal paths and unknown creation times keep the
// order they were stored in.
func sortForHeader(cs []Cookie) {
	slices.SortStableFunc(cs, func(a, b Cookie) int {
		if c := cmp.Compare(len(b.Path), len(a.Path)); c != 0 {
			return c
		}
		return a.Created.Compare(b.Created)
	})
}

// Header builds the Cookie header a browser would send with cs (6265bis
// §5.8.3 step 4): name=value pairs joined by "; ", in the order of
// sortForHeader, a nameless cookie as its bare value.
//
// WARNING: Header REVEALS THE COOKIE VALUES. Its result is a secret: put it
// on the wire and nowhere else. Never print it, log it, return it in an
// error or store it in a report; for output, use redact.CookieHeader on it
// or print the cookies themselves, which redact their values.
func Header(cs []Cookie) string {
	sorted := slices.Clone(cs)
	sortForHeader(sorted)
	var b strings.Builder
	for i, c := range sorted {
		if i > 0 {
			b.WriteString("; ")
		}
		if c.Name != "" {
			b.WriteString(c.Name)
			b.WriteByte('=')
		}
		b.WriteString(c.Value.Reveal())
	}
	return b.String()
}
