package checks

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/cookies"
)

var kindCookieCleared = &why401.Kind{
	ID:       "cookie.cleared",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "The server ended the session: it deletes the session cookie",
	Explain: "The refusal (or a redirect on the way to it) carries a Set-Cookie that deletes a cookie the " +
		"request sent (Max-Age=0, or an Expires in the past; RFC 6265bis §5.7). That is how an application " +
		"says \"this session is over\": it expired, was revoked (logout elsewhere, a password change), or the server no longer recognises it (a restart " +
		"that lost the session store, a rotated signing key, another backend without the session). The cookie " +
		"itself is fine; the session it names is gone. A browser deletes it and the next request goes out " +
		"without it.",
	Fix: append([]string{
		"Visitor: log in again to get a new session. If the login page sends you straight back here, clear " +
			"this one site's cookies (the steps below) and log in once more.",
	}, append(slices.Clone(clearSiteCookies),
		"Site owner: if sessions end sooner than they should, check the session lifetime and idle timeout, "+
			"that every backend shares the session store and the signing key, and that a deploy did not rotate "+
			"the key or flush the store.")...),
	Refs: []string{"RFC 6265bis §5.7", "RFC 6265bis §4.1.2.2"},
}

// CookieCleared reports a refusal whose Set-Cookie, or that of a redirect
// on the way to it, deletes a cookie the request carried. It reads the recorded headers only: redaction keeps
// cookie names and Set-Cookie attributes, which is all it needs, so it
// works on a HAR export as well.
var CookieCleared = &why401.Check{
	ID: "cookie.cleared",
	Doc: "report a 401 that deletes a cookie the request sent\n\n" +
		"A Set-Cookie with Max-Age=0 or a past Expires on the refusal, or on a redirect to it: the server ended the session.",
	Kinds: []*why401.Kind{kindCookieCleared},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		last := final(chain)
		if !refused(last) {
			return nil
		}
		// The deletion may come on the refusal itself or on a hop before
		// it: an expired session is often a 302 to the login page that
		// deletes the cookie on the way.
		for _, e := range chain {
			if e.Response == nil {
				continue
			}
			sent := sentCookieNames(e.Request)
			if len(sent) == 0 {
				continue
			}
			u, err := url.Parse(e.Request.URL)
			if err != nil || u.Hostname() == "" {
				continue
			}
			at := responseDate(&e)
			var cleared, how []string
			for _, v := range e.Response.Header.Values("Set-Cookie") {
				c, err := cookies.ParseSetCookie(v, u, at)
				if err != nil || !c.Expired(at) || !slices.Contains(sent, c.Name) || slices.Contains(cleared, c.Name) {
					continue
				}
				cleared = append(cleared, c.Name)
				how = append(how, deletedBy(c))
			}
			if len(cleared) == 0 {
				continue
			}
			parts := make([]string, len(cleared))
			for i, n := range cleared {
				parts[i] = shortCookieName(n) + " (" + how[i] + ")"
			}
			detail := fmt.Sprintf("%s %s carried %s; the %d answer deletes %s.",
				e.Request.Method, e.Request.URL, cookiePlural(len(sent), "the cookie ", "the cookies ")+cookieNames(sent),
				e.Status(), strings.Join(parts, " and "))
			ev := []int{e.Index}
			if last.Index != e.Index {
				detail += fmt.Sprintf(" The request ended on %s with %s.", last.Request.URL, refusalWord(last))
				ev = append(ev, last.Index)
			}
			p.Report(kindCookieCleared, detail, ev...)
			return nil
		}
		return nil
	},
}

// deletedBy names the attribute that expires c.
func deletedBy(c cookies.Cookie) string {
	if c.MaxAgeSet {
		return fmt.Sprintf("Max-Age=%d", c.MaxAge)
	}
	return "Expires=" + c.Expires.UTC().Format("2006-01-02T15:04:05Z")
}

// cookiePlural picks one or many.
func cookiePlural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
