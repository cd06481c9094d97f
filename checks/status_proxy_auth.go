package checks

import (
	"net/http"

	why401 "github.com/why401/why401"
)

var kindProxyAuth = &why401.Kind{
	ID:       "status.proxy-auth",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "A proxy wants credentials (407), not the site",
	Explain: "407 Proxy Authentication Required comes from a proxy between you and the site (RFC 9110 " +
		"§15.5.8): it wants its own credentials, in Proxy-Authorization, before it forwards anything. The " +
		"site's password will not help; a corporate proxy usually wants your network (domain) login.",
	Fix: []string{
		"Configure the proxy's credentials in the client (curl: `--proxy-user USER:PASS`; browsers ask or " +
			"use the system login).",
		"Ask your network administrator which proxy login applies, or whether this site can bypass the proxy.",
	},
	Refs: []string{"RFC 9110 §15.5.8", "RFC 9110 §11.7.1"},
}

// StatusProxyAuth reports a 407.
var StatusProxyAuth = &why401.Check{
	ID:    "status.proxy-auth",
	Doc:   "explain a 407\n\nA proxy, not the site, asks for credentials.",
	Kinds: []*why401.Kind{kindProxyAuth},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		if e == nil || e.Status() != http.StatusProxyAuthRequired {
			return nil
		}
		detail := "The answer is 407 Proxy Authentication Required."
		if cs, _ := challenges(e); len(cs) > 0 {
			detail += " The proxy asks for " + describeAll(cs) + "."
		}
		p.Report(kindProxyAuth, detail, e.Index)
		return nil
	},
}
