package checks

import (
	"fmt"
	"slices"
	"strings"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/cookies"
)

var kindCookieExpired = &why401.Kind{
	ID:       "cookie.expired",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "A cookie you gave has expired",
	Explain: "A cookie from your cookies.txt (or another source with an expiry) is past its expiry time. A " +
		"browser deletes such a cookie and curl does not send it (RFC 6265bis §5.7), so the request went out " +
		"without it, and the session it carried is most likely over too: servers usually set the cookie's " +
		"expiry to the session's lifetime. The time is measured against the server's Date header, which is " +
		"the clock the server judges by; when the server sends none, against this computer's clock.",
	Fix: append([]string{
		"Visitor: log in again in the browser to get a fresh cookie, then export a new cookies.txt (or copy " +
			"the Cookie header from DevTools) and pass that with -b. An old export keeps its old expiry times.",
		"Visitor: if the cookie expires right after you log in, check this computer's clock and time zone " +
			"(a clock days ahead expires every cookie early).",
	}, slices.Clone(clearSiteCookies[:4])...),
	Refs: []string{"RFC 6265bis §5.7", "RFC 6265bis §5.6.1", "RFC 9110 §6.6.1"},
}

// CookieExpired reports the user's cookies for this URL whose expiry has
// passed by the server's Date (or by the local clock when the server sent
// none, which it says).
var CookieExpired = &why401.Check{
	ID: "cookie.expired",
	Doc: "report cookies given with an expiry that has passed\n\n" +
		"Measured against the server's Date; the local clock only when the server sends none.",
	Kinds: []*why401.Kind{kindCookieExpired},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if !refused(e) || len(p.Input.Cookies) == 0 {
			return nil
		}
		u := firstURL(p.Input)
		date, fromServer := serverDate(p, chain)
		var lines, names []string
		for _, ci := range p.Input.Cookies {
			if ci.Expires.IsZero() {
				continue
			}
			c := cookieOf(ci)
			rs := cookies.Check(c, cookies.Request{URL: u, Now: date, Method: p.Input.Method})
			if slices.Contains(rs, cookies.DomainMismatch) || slices.Contains(rs, cookies.NotOnPath) {
				continue // a cookie for another URL: its expiry does not matter here
			}
			byServer, byLocal := c.Expired(date), c.Expired(p.Input.Now)
			if !byServer && !(byLocal && !ci.Sent) {
				continue
			}
			when := fmt.Sprintf("expired at %s, %s ago", ci.Expires.UTC().Format("2006-01-02 15:04:05 UTC"), ago(date, ci.Expires))
			switch {
			case !byServer:
				when = fmt.Sprintf("expired at %s by this computer's clock, but not yet by the server's Date "+
					"(%s): your clock is ahead", ci.Expires.UTC().Format("2006-01-02 15:04:05 UTC"), date.UTC().Format("2006-01-02 15:04:05 UTC"))
			case fromServer:
				when += " by the server's Date (" + date.UTC().Format("2006-01-02 15:04:05 UTC") + ")"
			default:
				when += " by this computer's clock (the server sent no Date header)"
			}
			line := describeCookie(ci) + " " + when
			if ci.Sent {
				line += "; it was sent, and the server refused it"
			} else {
				line += "; it was not sent, as neither curl nor a browser sends an expired cookie"
			}
			lines = append(lines, line+".")
			names = append(names, ci.Name)
		}
		if len(lines) == 0 {
			return nil
		}
		p.Report(kindCookieExpired, fmt.Sprintf("%s %s expired; %s answered %s.\n%s", cookiePlural(len(names), "The cookie", "The cookies"),
			cookieNames(names), e.Request.URL, refusalWord(e), strings.Join(lines, "\n")), e.Index)
		return nil
	},
}
