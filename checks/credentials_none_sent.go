package checks

import (
	"errors"
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var kindNoneSent = &why401.Kind{
	ID:       "credentials.none-sent",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "The server wants credentials and none were sent",
	Explain: "The request reached the server without an Authorization header, and the server answered 401 " +
		"with a challenge. That is the normal first step of HTTP authentication (the client is expected to " +
		"answer the challenge), and the cause of the 401 when no credentials are configured, when they were " +
		"not sent to this URL, or when they were withheld for safety.",
	Fix: []string{
		"Run again with the credentials the challenge asks for: `-u USER:PASS` (Basic, Digest) or " +
			"`--oauth2-bearer TOKEN` (Bearer).",
		"In a browser: reload and answer the login prompt; if none appears, the site expects you to log in " +
			"through its own login page first.",
	},
	Refs: []string{"RFC 9110 §11.6.1", "RFC 9110 §15.5.2"},
}

// CredentialsNoneSent reports a 401 to a request that carried no
// credentials, and says why they were not sent when the user gave some.
var CredentialsNoneSent = &why401.Check{
	ID:    "credentials.none-sent",
	Doc:   "report a 401 to a request without credentials\n\nSays why none went: none given, withheld over http, or lost on the way.",
	Kinds: []*why401.Kind{kindNoneSent},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if e == nil || e.Status() != http.StatusUnauthorized || anySent(chain) {
			return nil
		}
		if e.CredentialsUnknown {
			return nil // a sanitized HAR: unknown, said by the HAR checks
		}
		cs, _ := challenges(e)
		if len(cs) == 0 {
			return nil // challenge.missing speaks
		}
		creds := p.Input.Creds
		detail := "The server asks for " + describeAll(cs) + "; the request carried no credentials."
		switch err := p.AnswerErr(); {
		case errors.Is(err, why401.ErrPlainHTTP):
			detail = "You gave credentials, but the URL is plain http: why401 did not send them (pass --allow-http to send them anyway). The server asks for " + describeAll(cs) + "."
		case errors.Is(err, why401.ErrCrossOrigin):
			detail = "You gave credentials, but the request was redirected to another origin, where they are not sent. The server there asks for " + describeAll(cs) + "."
		case err != nil:
			detail = "You gave credentials, but why401 did not send them: " + strings.TrimPrefix(err.Error(), "probe: ") + ". The server asks for " + describeAll(cs) + "."
		case creds.Any() && !credentialsFit(creds, cs):
			return nil // credentials.scheme-mismatch explains
		case creds.Any():
			detail = "You gave credentials (" + userScheme(creds) + "), but they were not sent. The server asks for " + describeAll(cs) + "."
		}
		p.Report(kindNoneSent, detail, e.Index)
		return nil
	},
}
