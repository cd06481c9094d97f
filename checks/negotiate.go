package checks

import (
	"strings"

	why401 "github.com/why401/why401"
)

var kindNegotiate = &why401.Kind{
	ID:       "negotiate.intranet",
	Severity: why401.SeverityInfo,
	Who:      why401.Visitor,
	Title:    "The server wants a Windows/Kerberos login (Negotiate or NTLM)",
	Explain: "Negotiate (RFC 4559) and NTLM authenticate the logged-in Windows or Kerberos user, not a typed " +
		"password: the client needs a domain login or a Kerberos ticket for the server's SPN, a browser that " +
		"trusts the site for integrated login, and a connection that stays open across the handshake " +
		"(HTTP/1.1, no proxy that splits connections; HTTP/2 breaks NTLM). A 401 loop is the usual symptom of " +
		"any of these missing.",
	Fix: []string{
		"Visitor: log in to the domain (or run `kinit user@REALM`), then `curl --negotiate -u : URL`; in a " +
			"browser, add the site to the intranet zone / AuthServerAllowlist.",
		"Site owner: register the SPN (HTTP/host) for the service account; keep connections alive upstream " +
			"and serve HTTP/1.1 to NTLM clients.",
	},
	Refs: []string{"RFC 4559", "MS-NLMP"},
}

// NegotiateIntranet explains Negotiate and NTLM challenges.
var NegotiateIntranet = &why401.Check{
	ID:    "negotiate.intranet",
	Doc:   "explain Negotiate and NTLM\n\nThey need a domain login and a kept-alive HTTP/1.1 connection.",
	Kinds: []*why401.Kind{kindNegotiate},
	Run: func(p *why401.Pass) error {
		e := challenged(p.Chain())
		if e == nil {
			return nil
		}
		cs, _ := challenges(e)
		var names []string
		ntlmInside := false
		for _, c := range cs {
			if strings.EqualFold(c.Scheme, "negotiate") || strings.EqualFold(c.Scheme, "ntlm") {
				names = append(names, c.Scheme)
				if strings.HasPrefix(c.Token68, "TlRMTVNTUAA") {
					ntlmInside = true
				}
			}
		}
		if len(names) == 0 {
			return nil
		}
		detail := "The server offers " + strings.Join(names, " and ") + "."
		if ntlmInside {
			detail += " The Negotiate token is NTLM (NTLMSSP), not Kerberos: Kerberos failed or is not set up."
		}
		if e.Response != nil && strings.HasPrefix(e.Response.Proto, "HTTP/2") {
			detail += " The connection is HTTP/2, which NTLM cannot use."
		}
		p.Report(kindNegotiate, detail, e.Index)
		return nil
	},
}
