package checks

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/cookies"
)

var kindCookieNotSent = &why401.Kind{
	ID:       "cookie.not-sent",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "A cookie you have for this site is not sent to this URL",
	Explain: "A browser sends a stored cookie only where it belongs (RFC 6265bis §5.8.3): the request host must " +
		"be the cookie's host, or under its Domain; the path must be under its Path; a Secure cookie needs " +
		"https; and on a request started by another site, its SameSite attribute must allow it. curl applies " +
		"the same rules to a cookies.txt file. A cookie for this site was left out, so the server saw the " +
		"request without it. The reason is given with Chrome's name for it, as DevTools shows it in Network → " +
		"the request → Cookies (\"show filtered out request cookies\").",
	Fix: []string{
		"Visitor: call the URL the cookie belongs to (the host, path and scheme in the detail): often https " +
			"instead of http, www or not, or the application's path instead of the API's.",
		"Site owner: give the session cookie a scope that covers every URL that needs it: `Path=/`, " +
			"`Domain=example.com` when subdomains need it, `Secure` with https everywhere, and `SameSite=None; " +
			"Secure` only if another site must call you with the cookie.",
	},
	Refs: []string{"RFC 6265bis §5.8.3", "RFC 6265bis §5.1.3", "RFC 6265bis §5.1.4", "RFC 6265bis §5.6.7"},
}

// CookieNotSent reports the user's cookies for this site that a browser
// (and curl) would not send to the URL, with the first reason, when the
// request was refused. It also notes, whatever the answer, which of the
// given cookies were sent and which were left out.
var CookieNotSent = &why401.Check{
	ID: "cookie.not-sent",
	Doc: "report cookies for this site that are not sent to the URL\n\n" +
		"Domain, path, Secure, SameSite and size, with Chrome's blocked-reason names.",
	Kinds: []*why401.Kind{kindCookieNotSent},
	Run: func(p *why401.Pass) error {
		in := p.Input
		if len(in.Cookies) == 0 {
			return nil
		}
		u := firstURL(in)
		req := cookies.Request{URL: u, Now: in.Now, Method: in.Method}
		var (
			sent, left, lines []string
			others            int
			byReason          = map[cookies.Reason][]why401.CookieInfo{}
			reasons           []cookies.Reason
		)
		for _, ci := range in.Cookies {
			if ci.Sent {
				sent = append(sent, shortCookieName(ci.Name))
				continue
			}
			c := cookieOf(ci)
			if !c.RelatedTo(u) {
				others++
				continue
			}
			rs := cookies.Check(c, req)
			if len(rs) == 0 {
				left = append(left, shortCookieName(ci.Name))
				continue // held back for its size, which only the value shows
			}
			left = append(left, shortCookieName(ci.Name)+" ("+rs[0].String()+")")
			rs = slices.DeleteFunc(rs, func(r cookies.Reason) bool { return r == cookies.Expired })
			if len(rs) == 0 {
				continue // cookie.expired speaks
			}
			lines = append(lines, fmt.Sprintf("%s: %s, %s", describeCookie(ci), rs[0], lowerFirst(rs[0].Explain())))
			if _, ok := byReason[rs[0]]; !ok {
				reasons = append(reasons, rs[0])
			}
			byReason[rs[0]] = append(byReason[rs[0]], ci)
		}
		if len(left) > 0 || others > 0 {
			note := "Cookies given: "
			if len(sent) > 0 {
				note += "sent " + strings.Join(sent, ", ")
			} else {
				note += "none sent"
			}
			if len(left) > 0 {
				note += "; left out, as curl and browsers leave them out for this URL: " + strings.Join(left, ", ")
			}
			if others > 0 {
				note += fmt.Sprintf("; %d %s for other sites ignored", others, cookiePlural(others, "cookie", "cookies"))
			}
			p.Note(note + ".")
		}
		chain := p.Chain()
		e := final(chain)
		if len(lines) == 0 || !refused(e) {
			return nil
		}
		var fix []string
		for _, r := range reasons {
			if f := notSentFix(r, byReason[r], u); f != "" {
				fix = append(fix, f)
			}
		}
		const most = 10
		if len(lines) > most {
			lines = append(lines[:most], fmt.Sprintf("… and %d more.", len(lines)-most))
		}
		var short []string
		for _, r := range reasons {
			for _, ci := range byReason[r] {
				short = append(short, shortCookieName(ci.Name)+" ("+r.String()+")")
			}
		}
		ev := []int{chain[0].Index}
		if e.Index != chain[0].Index {
			ev = append(ev, e.Index)
		}
		p.ReportFix(kindCookieNotSent, fmt.Sprintf("%s %s answered %s; the request went without %s, which you have for "+
			"this site.\n%s", chain[0].Request.Method, chain[0].Request.URL, refusalWord(e), cookieNames(short),
			strings.Join(lines, "\n")), fix, ev...)
		return nil
	},
}

// notSentFix is the step that fixes one reason, for the cookies it holds
// back.
func notSentFix(r cookies.Reason, cs []why401.CookieInfo, u *url.URL) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Name
	}
	who := cookieNames(names)
	switch r {
	case cookies.DomainMismatch:
		return fmt.Sprintf("Visitor: %s %s for %s, not %s: call that host, or log in on %s to get a cookie "+
			"for it. Site owner: set the cookie with `Domain=` the parent domain if both hosts need it.",
			who, cookiePlural(len(cs), "is", "are"), cs[0].Domain, u.Hostname(), u.Hostname())
	case cookies.NotOnPath:
		paths := make([]string, 0, len(cs))
		for _, c := range cs {
			if !slices.Contains(paths, "`Path="+c.Path+"`") {
				paths = append(paths, "`Path="+c.Path+"`")
			}
		}
		return fmt.Sprintf("Site owner: %s %s %s, which %s not cover %s: set the session cookie with `Path=/` "+
			"(or a prefix of every path that needs it). Visitor: until then, use the URL under that path.",
			who, cookiePlural(len(cs), "has", "have"), strings.Join(paths, ", "), cookiePlural(len(paths), "does", "do"), requestPath(u))
	case cookies.SecureOnly:
		return fmt.Sprintf("Visitor: use https:// — %s %s Secure and never goes over plain http.",
			who, cookiePlural(len(cs), "is", "are"))
	case cookies.SameSiteNoneInsecure:
		return fmt.Sprintf("Site owner: add `Secure` to %s: browsers refuse `SameSite=None` without it.", who)
	case cookies.ThirdPartyBlocked:
		return "Site owner: the request comes from another site and the browser blocks third-party cookies: " +
			"serve the caller from the same site, or use a `Partitioned` cookie (CHIPS) or the Storage Access API."
	case cookies.SameSiteStrict, cookies.SameSiteLax, cookies.SameSiteUnspecifiedTreatedAsLax,
		cookies.SchemefulSameSiteStrict, cookies.SchemefulSameSiteLax, cookies.SchemefulSameSiteUnspecifiedTreatedAsLax:
		return fmt.Sprintf("Site owner: the request comes from another site (or over the other scheme): if %s "+
			"must go along, set it with `SameSite=None; Secure`; better, serve the caller from the same site over https.", who)
	case cookies.TooLarge:
		return fmt.Sprintf("Site owner: keep %s under 4096 bytes of name and value.", who)
	}
	return ""
}

// lowerFirst lower-cases the first letter of a sentence to continue one.
func lowerFirst(s string) string {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return s
	}
	return string(s[0]+'a'-'A') + s[1:]
}

// requestPath is the path of u as a cookie sees it ("/" when empty).
func requestPath(u *url.URL) string {
	if p := u.EscapedPath(); p != "" {
		return p
	}
	return "/"
}
