package checks

import (
	"strings"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/challenge"
)

var kindChallengeScheme = &why401.Kind{
	ID:       "challenge.scheme",
	Severity: why401.SeverityInfo,
	Who:      why401.Visitor,
	Title:    "What the server asks for",
	Explain: "Each challenge names an authentication scheme (RFC 9110 §11.1) from the IANA HTTP Authentication " +
		"Scheme Registry, and its parameters say the rest: the protection space (realm), the algorithm, the " +
		"error of a rejected token. This finding says in plain words what each offered scheme needs.",
	Fix: []string{
		"Give credentials of an offered scheme: `-u USER:PASS` for Basic and Digest, `--oauth2-bearer TOKEN` " +
			"for Bearer, a domain login for Negotiate/NTLM.",
	},
	Refs: []string{"RFC 9110 §11", "IANA HTTP Authentication Scheme Registry"},
}

// ChallengeScheme explains the offered schemes.
var ChallengeScheme = &why401.Check{
	ID:    "challenge.scheme",
	Doc:   "explain the offered schemes\n\nSays in plain words what each challenge of the last 401 wants.",
	Kinds: []*why401.Kind{kindChallengeScheme},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := challenged(chain)
		if e == nil {
			return nil
		}
		cs, _ := challenges(e)
		lines := make([]string, 0, len(cs))
		for _, c := range cs {
			lines = append(lines, challenge.Explain(c))
		}
		p.Report(kindChallengeScheme, strings.Join(lines, "\n"), e.Index)
		return nil
	},
}
