package checks

import (
	"net/http"

	why401 "github.com/why401/why401"
)

var kindChallengeMalformed = &why401.Kind{
	ID:       "challenge.malformed",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "The WWW-Authenticate challenge does not parse",
	Explain: "The challenge does not follow the grammar of RFC 9110 §11.3 (a scheme, then a token68 or " +
		"comma-separated name=value parameters, quoted strings closed, no repeated parameter). Clients differ " +
		"in how they recover: a browser may show no prompt, a library may pick the wrong parameters.",
	Fix: []string{
		"Site owner: fix the header so that it parses: quote values that contain spaces, commas or `=`, do not " +
			"repeat a parameter, separate challenges with commas.",
		"Check it with `why401 challenge 'VALUE'`, which shows where the parse fails.",
	},
	Refs: []string{"RFC 9110 §11.3", "RFC 9110 §11.6.1"},
}

// ChallengeMalformed reports a challenge that does not parse.
var ChallengeMalformed = &why401.Check{
	ID:    "challenge.malformed",
	Doc:   "report a challenge that does not parse\n\nA malformed challenge leaves each client to guess.",
	Kinds: []*why401.Kind{kindChallengeMalformed},
	Run: func(p *why401.Pass) error {
		for _, e := range p.Chain() {
			if c := e.Status(); c != http.StatusUnauthorized && c != http.StatusProxyAuthRequired && c != http.StatusForbidden {
				continue
			}
			if _, err := challenges(&e); err != nil {
				p.Reportf(kindChallengeMalformed, []int{e.Index}, "Exchange #%d: %v.", e.Index, err)
				return nil
			}
		}
		return nil
	},
}
