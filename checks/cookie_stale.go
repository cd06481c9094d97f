package checks

import (
	"fmt"
	"net/http"
	"slices"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/internal/redact"
)

var kindCookieStale = &why401.Kind{
	ID:       "cookie.stale",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "Your session cookie is stale: the server refuses the request with it, not without it",
	Explain: "The same request without your cookies gets another answer (a redirect to the login page, a page, " +
		"or another challenge) than with them (401). So the cookies are what the server refuses: it reads them " +
		"as a session, and that session is no longer valid on its side (expired, logged out elsewhere, lost " +
		"in a restart or a deploy, or issued by another environment of the same site). Browsers keep sending " +
		"such a cookie until it expires, which is why \"clear your cookies\" helps; clearing this one site's " +
		"cookies is enough.",
	Fix: append([]string{
		"Visitor: log in again; if you land on the same 401, clear this one site's cookies (below) and log in " +
			"once more.",
	}, append(slices.Clone(clearSiteCookies),
		"Site owner: answer a request with an unknown or expired session cookie as you answer one without a "+
			"cookie (a redirect to the login page, or a 401 with a challenge), and delete the dead cookie with "+
			"`Set-Cookie: NAME=; Max-Age=0; Path=/` so browsers stop sending it.")...),
	Refs: []string{"RFC 6265bis §3", "RFC 9110 §15.5.2"},
}

// CookieStale sends the user's request once more without cookies when the
// request with them ended in a 401: a different answer means the cookies
// themselves are refused.
var CookieStale = &why401.Check{
	ID: "cookie.stale",
	Doc: "retry without cookies when the request with cookies gets 401\n\n" +
		"A different answer without them (a login redirect, a page, another challenge) means the session cookie is stale.",
	Mode:  why401.Active,
	Kinds: []*why401.Kind{kindCookieStale},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		// Only a 401: a 403 with the cookies and another answer without
		// them means the cookies did log the user in, and the account
		// lacks the permission (status.forbidden speaks).
		if e == nil || e.Response == nil || !e.CookiesSent || e.Status() != http.StatusUnauthorized {
			return nil
		}
		without, err := p.Probe(why401.Probe{Purpose: "no-cookies", Cookies: false})
		if err != nil {
			return err
		}
		b := final(without)
		if b == nil || b.Response == nil {
			return nil
		}
		if st := b.Status(); st >= 500 || st == http.StatusTooManyRequests || st == http.StatusLocked {
			return nil // a failure or a lockout tells nothing about the cookies
		}
		if stalenessKey(b) == stalenessKey(e) {
			return nil // the cookies make no difference: they are not what is refused
		}
		// Credentials given as well may have fixed it: then it is not the
		// cookies that stand in the way.
		if last := final(p.Answered()); last != nil && !refused(last) {
			return nil
		}
		names := sentCookieNames(e.Request)
		ev := []int{e.Index}
		for _, x := range without {
			ev = append(ev, x.Index)
		}
		p.Report(kindCookieStale, fmt.Sprintf("With %s the server answered %s; without cookies it answered %s.",
			cookiePlural(len(names), "the cookie ", "the cookies ")+cookieNames(names), stalenessKey(e), describeAnswer(without)), ev...)
		return nil
	},
}

// describeAnswer says how a chain of exchanges went: "302 → /login, then
// 200" or "200".
func describeAnswer(chain []why401.Exchange) string {
	s := ""
	for i, x := range chain {
		if i > 0 {
			s += ", then "
		}
		s += stalenessKey(&x)
		if x.Status() >= 300 && x.Status() < 400 && x.Response != nil {
			if loc := x.Response.Header.Get("Location"); loc != "" {
				s += " to " + redact.URL(loc)
			}
		}
	}
	return s
}

// stalenessKey summarises an answer for the with/without comparison: the
// status and the first challenge ("401 (Basic realm="x")").
func stalenessKey(e *why401.Exchange) string {
	k := fmt.Sprint(e.Status())
	if cs, _ := challenges(e); len(cs) > 0 {
		k += " (" + describe(cs[0]) + ")"
	}
	return k
}
