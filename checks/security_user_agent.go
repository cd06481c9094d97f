package checks

import (
	"net/http"
	"regexp"

	why401 "github.com/why401/why401"
)

var kindUserAgent = &why401.Kind{
	ID:       "security.user-agent",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "A browser gets another answer than this client (a User-Agent rule)",
	Explain: "Bot managers and firewall rules (Akamai Bot Manager, Cloudflare's bot rules, ModSecurity rules on " +
		"the User-Agent, security plugins) answer command-line clients and scripts differently from browsers: a " +
		"bare 401 or a 403 for curl, the page for Chrome. This is the old advice \"try another browser\" made " +
		"exact: why401 sent the same request once more with a current browser's User-Agent and Accept header, " +
		"without credentials or cookies, and the answer changed.",
	Fix: []string{
		"Visitor: open the page in a browser. For an API client or a script, ask the site owner for access " +
			"that does not depend on looking like a browser (an API key, an allow-listed IP or client " +
			"certificate): a faked User-Agent breaks at the next rule change.",
		"Site owner: exempt this path, or the API's clients, from the bot or User-Agent rule (Akamai Bot Manager, " +
			"Cloudflare Security → Bots and WAF custom rules, ModSecurity rules matching the User-Agent, a " +
			"security plugin's bot blocking).",
	},
	Refs: []string{"RFC 9110 §10.1.5"},
}

// reSecPasswordField finds a login form in a page.
var reSecPasswordField = regexp.MustCompile(`(?i)<input[^>]+type\s*=\s*["']?password`)

// SecurityUserAgent repeats a refused request as a browser would send it
// (User-Agent and Accept), without credentials, to expose a rule that
// treats non-browser clients differently.
var SecurityUserAgent = &why401.Check{
	ID: "security.user-agent",
	Doc: "retry as a browser to expose User-Agent rules\n\n" +
		"When the request is refused by something that is not an authentication challenge (a bare 401, a 403, " +
		"a block page), sends it once more with a browser's User-Agent and Accept, without credentials or cookies.",
	Mode:  why401.Active,
	Kinds: []*why401.Kind{kindUserAgent},
	Run: func(p *why401.Pass) error {
		var chain []why401.Exchange
		for _, e := range p.Chain() {
			if e.Purpose == why401.PurposeInitial || e.Purpose == why401.PurposeRedirect {
				chain = append(chain, e)
			}
		}
		e := final(chain)
		if e == nil || e.Response == nil || anySent(chain) {
			return nil
		}
		for _, c := range chain {
			if c.CookiesSent {
				return nil // a cookie could explain the difference
			}
		}
		b, blocked := secFingerprint(e)
		if blocked && b.Lockout {
			return nil // a lockout is by IP; another request only extends it
		}
		if !blocked {
			if _, ok := wpParseRESTError(e.Response); ok {
				return nil // WordPress's REST API answered: not a bot rule
			}
		}
		st := e.Status()
		cs, _ := challenges(e)
		if !blocked && st != http.StatusForbidden && st != http.StatusNotAcceptable && !(st == http.StatusUnauthorized && len(cs) == 0) {
			return nil
		}
		ua := e.Request.Header.Get("User-Agent")
		if secIsBrowserUA(ua) {
			return nil
		}
		ex, err := p.Probe(why401.Probe{
			Purpose: "browser-user-agent",
			Header: http.Header{
				"User-Agent":      {secBrowserUA},
				"Accept":          {secBrowserAccept},
				"Accept-Language": {"en-US,en;q=0.9"},
			},
		})
		if err != nil {
			return err
		}
		x := final(ex)
		if x == nil || x.Response == nil || len(ex) > 1 {
			// A redirect for the browser (to a login page) is content
			// negotiation on Accept, not a User-Agent rule.
			return nil
		}
		_, blocked2 := secFingerprint(x)
		xs := x.Status()
		better := xs >= 200 && xs < 300 && !blocked2 && !reSecPasswordField.Match(x.Response.Body)
		if !better && !(blocked && !blocked2 && xs != st && xs < 500) {
			return nil
		}
		who := "The site or a security layer in front of it"
		if blocked {
			who = secUpperFirst(b.Vendor.Name)
		}
		p.Reportf(kindUserAgent, []int{e.Index, x.Index},
			"Without credentials, why401's request (User-Agent: %q) got %d %s; the same request with a browser's "+
				"User-Agent (Chrome) and Accept got %d %s. %s treats non-browser clients differently.",
			wpPlain(ua, 60), st, http.StatusText(st), xs, http.StatusText(xs), who)
		return nil
	},
}
