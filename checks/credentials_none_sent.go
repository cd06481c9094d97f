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

var kindCredentialsUnknown = &why401.Kind{
	ID:       "credentials.unknown",
	Severity: why401.SeverityWarn,
	Who:      why401.Visitor,
	Title:    "The server wants credentials; whether any were sent is unknown",
	Explain: "The request is taken from a HAR file that cannot show whether it carried credentials. Chrome and " +
		"Edge export HAR files sanitized by default (since about version 130): Cookie, Set-Cookie and " +
		"Authorization headers are left out, so a request without them in the file may well have carried " +
		"them. And when Chromium answers a Basic or Digest challenge itself (a login prompt, or credentials " +
		"set by an automation tool), the HAR keeps the first request and the final answer only; the " +
		"entry's transfer size, about two responses, is the only trace of the credentialed retry. So this " +
		"401 is either \"no credentials were sent\" or \"the credentials were refused\", and the file cannot " +
		"tell which.",
	Fix: []string{
		"Export the HAR again with what the diagnosis needs: Chrome or Edge DevTools → Settings (the gear) → " +
			"Preferences → Network → \"Allow to generate HAR with sensitive data\", reload, reproduce, then Export " +
			"HAR (with sensitive data). Run `why401 har sanitize FILE -o shared.har` before you share it: it " +
			"redacts the values and keeps the names, which is all why401 needs.",
		"Or diagnose the URL live: `why401 har FILE --replay`, or `why401 URL -u USER:PASS`.",
	},
	Refs: []string{"RFC 9110 §11.6.1", "HAR 1.2 §request"},
}

// CredentialsNoneSent reports a 401 to a request that carried no
// credentials, and says why they were not sent when the user gave some. On
// a HAR entry that cannot tell (Exchange.CredentialsUnknown: a sanitized
// export, or Chromium's own answer to the challenge) it says that it is
// unknown instead.
var CredentialsNoneSent = &why401.Check{
	ID:    "credentials.none-sent",
	Doc:   "report a 401 to a request without credentials\n\nSays why none went: none given, withheld over http, or lost on the way; or that a HAR cannot tell.",
	Kinds: []*why401.Kind{kindNoneSent, kindCredentialsUnknown},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if e == nil || e.Status() != http.StatusUnauthorized || anySent(chain) {
			return nil
		}
		cs, _ := challenges(e)
		if len(cs) == 0 {
			return nil // challenge.missing speaks
		}
		if e.CredentialsUnknown {
			p.Report(kindCredentialsUnknown, "The server asks for "+describeAll(cs)+"; this HAR entry shows no "+
				"Authorization or Cookie header, but it cannot tell whether the request carried credentials: either "+
				"the export left them out (Chrome's default), or the browser answered the challenge itself and the "+
				"file shows only its first request. So it is unknown whether credentials were sent, not that none were.", e.Index)
			return nil
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
