package checks

import (
	"fmt"

	why401 "github.com/why401/why401"
)

var kindAccepted = &why401.Kind{
	ID:       "credentials.accepted",
	Severity: why401.SeverityOK,
	Who:      why401.Visitor,
	Title:    "Your credentials were accepted",
	Explain: "The request carried credentials and the server did not refuse them. If a browser or another " +
		"client still gets 401, compare what it sends with this run (`-v`): a stale cookie, a cached 401, a " +
		"redirect that loses the header, or a different URL are the usual differences.",
	Fix: []string{"Nothing to fix here. If another client fails, diagnose its request: `why401 curl …` with " +
		"its \"Copy as cURL\", or `why401 har FILE` with a browser export."},
	Refs: []string{"RFC 9110 §11"},
}

// CredentialsAccepted reports credentials that were sent and accepted.
var CredentialsAccepted = &why401.Check{
	ID:    "credentials.accepted",
	Doc:   "report accepted credentials\n\nThe credentialed request got an answer other than 401/403/407.",
	Kinds: []*why401.Kind{kindAccepted},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		c := credentialed(chain)
		e := final(chain)
		if c == nil || e == nil || e.Response == nil {
			return nil
		}
		switch s := c.Status(); {
		case s == 0, s == 401, s == 403, s == 407, s == 429, s >= 500:
			return nil
		}
		p.Report(kindAccepted, fmt.Sprintf("%s %s answered %d to %s.",
			c.Request.Method, c.Request.URL, c.Status(), whatSent(p.Input.Creds)), c.Index)
		return nil
	},
}
