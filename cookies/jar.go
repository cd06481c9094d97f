package cookies

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/why401/why401/internal/redact"
)

// Jar is a browser's cookie store, replayed: it stores what a browser would
// store (6265bis §5.7), keeps expired cookies it was handed (Load) so that
// Select can say they expired, and records every deletion and every refused
// Set-Cookie with where it came from. That record is what lets a HAR
// diagnosis say "sid was deleted by Max-Age=0 in entry 12".
//
// The zero Jar is empty and ready to use. A Jar is safe for concurrent use
// and must not be copied after first use.
type Jar struct {
	mu       sync.Mutex
	cookies  []Cookie // in the order they were stored
	deleted  []Deletion
	rejected []SetCookieError
}

// Deletion records a cookie removed by a response: a Set-Cookie for the
// same name, domain and path whose Max-Age was zero or less, or whose
// Expires was in the past (6265bis §5.7: the new cookie replaces the old
// one, then expired cookies are removed).
type Deletion struct {
	// Cookie is the cookie removed, as it was stored; when Existed is
	// false, the expiring cookie as received.
	Cookie Cookie
	// Existed reports whether the jar held the cookie. When false, the
	// response deleted a cookie the jar never saw: in a HAR, one the
	// browser had before the recording started.
	Existed bool
	At      time.Time
	// Source is where the deleting Set-Cookie came from ("Set-Cookie from
	// entry 12"); How is the attribute that did it ("Max-Age=0",
	// "Expires=1970-01-01T00:00:00Z").
	Source string
	How    string
}

func (d Deletion) String() string {
	s := fmt.Sprintf("%s deleted by %s", d.Cookie.cookieKey(), d.How)
	if d.Source != "" {
		s += " in " + d.Source
	}
	if !d.Existed {
		s += " (a cookie this session had not seen)"
	}
	return s
}

// cookieKey names a cookie by what identifies it in a store.
func (c Cookie) cookieKey() string {
	name := fmt.Sprintf("%q", shortName(c.Name))
	if c.Name == "" {
		name = "the nameless cookie"
	}
	if c.Domain == "" {
		return name
	}
	return fmt.Sprintf("%s (%s, path %s)", name, c.Domain, c.Path)
}

// sameKey reports whether a and b are the same cookie in a store: same name,
// domain, host-only flag and path (6265bis §5.7 step 22).
func sameKey(a, b Cookie) bool {
	return a.Name == b.Name && a.Domain == b.Domain && a.HostOnly == b.HostOnly && a.Path == b.Path
}

// normalize puts a cookie's Domain in the canonical form the store
// compares: lower case, and for a domain cookie without the leading dot of
// the old convention (".example.com"). A host-only cookie's Domain is a
// host and is kept as it is.
func normalize(c Cookie) Cookie {
	c.Domain = lowerASCII(c.Domain)
	if !c.HostOnly {
		c.Domain = strings.TrimPrefix(c.Domain, ".")
	}
	return c
}

// Set stores c as a browser does (6265bis §5.7 steps 22-24): it replaces the
// cookie with the same name, domain, host-only flag and path, keeping the
// old creation time, and a c that has expired at now deletes that cookie
// instead, which is recorded (Deleted). Set does not check c against a
// request: ParseSetCookie and Receive do.
func (j *Jar) Set(c Cookie, now time.Time) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.set(normalize(c), now)
}

func (j *Jar) set(c Cookie, now time.Time) {
	i := slices.IndexFunc(j.cookies, func(o Cookie) bool { return sameKey(o, c) })
	var old Cookie
	if i >= 0 {
		old = j.cookies[i]
		j.cookies = slices.Delete(j.cookies, i, i+1)
		if !old.Created.IsZero() {
			c.Created = old.Created
		}
	}
	if c.Expired(now) {
		d := Deletion{Cookie: c, At: now, Source: c.Source, How: expiryHow(c), Existed: i >= 0}
		if i >= 0 {
			d.Cookie = old
		}
		j.deleted = append(j.deleted, d)
		return
	}
	j.cookies = append(j.cookies, c)
}

// expiryHow names the attribute that made c expire.
func expiryHow(c Cookie) string {
	if c.MaxAgeSet {
		return fmt.Sprintf("Max-Age=%d", c.MaxAge)
	}
	return "Expires=" + c.Expires.UTC().Format(time.RFC3339)
}

// Load stores cookies the user handed over (-b strings, cookies.txt lines)
// as they are, expired ones included, replacing any with the same name,
// domain, host-only flag and path. Nothing is recorded as deleted: the point
// is to keep them so that Select can say why each one is not sent.
func (j *Jar) Load(cs ...Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range cs {
		c = normalize(c)
		j.cookies = slices.DeleteFunc(j.cookies, func(o Cookie) bool { return sameKey(o, c) })
		j.cookies = append(j.cookies, c)
	}
}

// SetFromResponse stores the Set-Cookie values of a response to reqURL
// received at now, as Receive does for a same-site request, with Source
// "Set-Cookie from URL" (the URL redacted). The errors are
// *SetCookieError, one per refused value.
func (j *Jar) SetFromResponse(reqURL *url.URL, setCookie []string, now time.Time) []error {
	return j.Receive(Request{URL: reqURL, Now: now}, setCookie, "Set-Cookie from "+redact.URLValue(reqURL))
}

// Receive stores the Set-Cookie values of the response to req, in order,
// as a browser would (6265bis §5.6 and §5.7), each with the given Source
// ("Set-Cookie from entry 4"). On top of ParseSetCookie's checks it applies
// those that need the request's context or the store:
//
//   - a cookie other than SameSite=None in a response to a cross-site
//     request is refused unless the request is a top-level navigation
//     (§5.7 step 16), with the SameSite reason Chromium gives;
//   - with req.BlockThirdParty, a cookie that is not Partitioned in a
//     response to a cross-site request is refused (ThirdPartyBlocked);
//   - a non-Secure cookie from a URL that is not a secure context may not
//     replace a Secure cookie of the same name whose domain and path
//     overlap (§5.7 step 14, OverwriteSecure).
//
// Each refusal is returned as a *SetCookieError with Source and Index set,
// and recorded (Rejected). An expired cookie deletes its namesake (Deleted).
// A req.URL without a host is a single plain error and stores nothing.
func (j *Jar) Receive(req Request, setCookie []string, source string) []error {
	if req.URL == nil || req.URL.Hostname() == "" {
		return []error{errors.New("cookies: Set-Cookie without a request URL with a host")}
	}
	now := req.now()
	var errs []error
	for i, v := range setCookie {
		c, err := ParseSetCookie(v, req.URL, now)
		if err == nil {
			c.Source = source
			err = j.receive(c, req, now)
		}
		if err == nil {
			continue
		}
		se := err.(*SetCookieError) // the only error left once the URL has a host
		se.Source, se.Index = source, i
		j.mu.Lock()
		j.rejected = append(j.rejected, *se)
		j.mu.Unlock()
		errs = append(errs, se)
	}
	return errs
}

func (j *Jar) receive(c Cookie, req Request, now time.Time) error {
	refuse := func(r Reason, detail string) error {
		return &SetCookieError{Name: c.Name, Reason: r, Detail: detail}
	}
	if cross, schemeOnly := crossSite(req); cross {
		if req.BlockThirdParty && !schemeOnly && !c.Partitioned {
			return refuse(ThirdPartyBlocked, "the response is to a cross-site request and third-party cookies are blocked")
		}
		if c.SameSite != None && !req.TopLevelNavigation {
			return refuse(sameSiteReason(c.SameSite, schemeOnly),
				"a SameSite="+c.SameSite.String()+" cookie in the response to a cross-site request that is not a top-level navigation")
		}
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if !c.Secure && !secureURL(req.URL) {
		for _, o := range j.cookies {
			if o.Secure && o.Name == c.Name &&
				(domainMatch(o.Domain, c.Domain) || domainMatch(c.Domain, o.Domain)) &&
				pathMatch(c.Path, o.Path) {
				return refuse(OverwriteSecure, "a Secure cookie of this name for "+o.Domain+" exists; plain http cannot replace it")
			}
		}
	}
	j.set(c, now)
	return nil
}

// sameSiteReason is the reason a cookie with SameSite s is refused in a
// cross-site context; schemeOnly picks Chromium's Schemeful variant.
func sameSiteReason(s SameSite, schemeOnly bool) Reason {
	var r Reason
	switch s {
	case Strict:
		r = SameSiteStrict
	case Lax:
		r = SameSiteLax
	default:
		r = SameSiteUnspecifiedTreatedAsLax
	}
	if schemeOnly {
		r += SchemefulSameSiteStrict - SameSiteStrict
	}
	return r
}

// All returns the stored cookies in the order they were stored, including
// those that have expired since (Select reports them as Expired).
func (j *Jar) All() []Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.cookies)
}

// Deleted returns the deletions in the order they happened.
func (j *Jar) Deleted() []Deletion {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.deleted)
}

// Rejected returns the refused Set-Cookie values in the order they came.
func (j *Jar) Rejected() []SetCookieError {
	j.mu.Lock()
	defer j.mu.Unlock()
	return slices.Clone(j.rejected)
}
