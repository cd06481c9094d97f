package checks

import (
	"net/http"

	why401 "github.com/why401/why401"
)

var kindChallengeMissing = &why401.Kind{
	ID:       "challenge.missing",
	Severity: why401.SeverityError,
	Who:      why401.SiteOwner,
	Title:    "The 401 carries no WWW-Authenticate challenge",
	Explain: "A 401 tells the client to authenticate, and RFC 9110 §11.6.1 says the server MUST say how, in a " +
		"WWW-Authenticate header with at least one challenge (407: Proxy-Authenticate, §11.7.1). Without it a " +
		"browser shows no login prompt and a client cannot pick a scheme. Often the 401 comes from an " +
		"application or a security layer that uses 401 for \"not logged in\" (a session cookie or an API key " +
		"expected), or from a bot manager answering non-browser clients (Akamai sends a bare 401).",
	Fix: []string{
		"Site owner: send `WWW-Authenticate` with the scheme the resource expects on every 401 (for a cookie " +
			"login, answer with a redirect to the login page or a 403 instead of a bare 401).",
		"Visitor: the application probably expects a session cookie or an API key rather than a password " +
			"prompt: log in through its login page, or send the key it documents.",
	},
	Refs: []string{"RFC 9110 §11.6.1", "RFC 9110 §15.5.2", "RFC 9110 §11.7.1"},
}

// ChallengeMissing reports a 401 without WWW-Authenticate (or a 407 without
// Proxy-Authenticate) at the end of the user's request.
var ChallengeMissing = &why401.Check{
	ID:    "challenge.missing",
	Doc:   "report a 401 without WWW-Authenticate\n\nRFC 9110 requires a challenge on every 401; without one no client knows how to authenticate.",
	Kinds: []*why401.Kind{kindChallengeMissing},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		if e == nil || e.Response == nil {
			return nil
		}
		field := ""
		switch e.Status() {
		case http.StatusUnauthorized:
			field = "WWW-Authenticate"
		case http.StatusProxyAuthRequired:
			field = "Proxy-Authenticate"
		default:
			return nil
		}
		if len(e.Response.Header.Values(field)) == 0 {
			p.Reportf(kindChallengeMissing, evidence(e), "%s %s answered %d without a %s header.",
				e.Request.Method, e.Request.URL, e.Status(), field)
		}
		return nil
	},
}
