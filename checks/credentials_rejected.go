package checks

import (
	"fmt"
	"net/http"

	why401 "github.com/why401/why401"
)

var kindRejected = &why401.Kind{
	ID:       "credentials.rejected",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "Your credentials were rejected by the server",
	Explain: "The request carried credentials and the server answered 401 again: it does not accept them. " +
		"The usual causes: a wrong or expired password or token, credentials for another environment " +
		"(staging vs production), an account that is locked or disabled, or a user name in the wrong form " +
		"(DOMAIN\\user, an e-mail address). Other findings in this report may name a more precise cause.",
	Fix: []string{
		"Check the user name and password (or token) character by character; paste them from the source " +
			"rather than typing.",
		"Make sure they are for this site and environment; reset or rotate them if they may have expired.",
		"Do not retry in a loop: security plugins lock accounts out after a few failures (Wordfence: 20 in " +
			"4 hours; fail2ban: 5 in 10 minutes).",
	},
	Refs: []string{"RFC 9110 §15.5.2"},
}

// CredentialsRejected reports credentials that were sent and answered 401.
var CredentialsRejected = &why401.Check{
	ID:    "credentials.rejected",
	Doc:   "report credentials that were sent and refused\n\nA 401 to a request that carried the user's credentials.",
	Kinds: []*why401.Kind{kindRejected},
	Run: func(p *why401.Pass) error {
		if p.Has("header.authorization-stripped") {
			return nil // the credentials never reached the application: not a rejection
		}
		chain := p.Chain()
		e := final(chain)
		if b := answeredByClient(chain); b != nil && b == e && e.Status() == http.StatusUnauthorized {
			cs, _ := challenges(e)
			p.Report(kindRejected, fmt.Sprintf("The browser answered %s itself (a login prompt or an automation tool's "+
				"credentials): the HAR keeps only the first request and the final 401, and the transfer size counts "+
				"two responses. The server refused what it sent.", describeAll(cs)), e.Index)
			return nil
		}
		c := credentialed(chain)
		if e == nil || c == nil || e.Status() != http.StatusUnauthorized || c.Status() != http.StatusUnauthorized {
			return nil
		}
		cs, _ := challenges(e)
		detail := fmt.Sprintf("%s %s answered 401 to %s", c.Request.Method, c.Request.URL, whatSent(p.Input.Creds))
		if len(cs) > 0 {
			detail = fmt.Sprintf("%s refused %s", describeAll(cs), whatSent(p.Input.Creds))
		}
		p.Report(kindRejected, detail+".", c.Index)
		return nil
	},
}
