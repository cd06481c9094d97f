package checks

import (
	"fmt"

	why401 "github.com/why401/why401"
)

var kindRedirectLoop = &why401.Kind{
	ID:       "redirect.loop",
	Severity: why401.SeverityError,
	Who:      why401.SiteOwner,
	Title:    "The redirects loop or never end",
	Explain: "The chain of redirects came back to a URL it had already visited, or went on past the limit. " +
		"A common form with authentication: the login page redirects to the resource, which redirects back to " +
		"the login page because the session cookie is not kept (Secure cookie over http, wrong Domain or " +
		"Path, SameSite) or because the proxy and the application disagree on http vs https.",
	Fix: []string{
		"Site owner: look at the Location of each hop (`why401 URL -v`); make the application aware of the " +
			"scheme the visitor used (X-Forwarded-Proto) and check the session cookie's attributes.",
		"Visitor: delete the site's cookies and try once more; if the loop stays, it is the site's to fix.",
	},
	Refs: []string{"RFC 9110 §15.4"},
}

// RedirectLoop reports a chain that ended on a redirect: a loop or the
// redirect limit.
var RedirectLoop = &why401.Check{
	ID:    "redirect.loop",
	Doc:   "report a redirect loop\n\nThe user's request ended on a 3xx because it looped or exceeded the limit.",
	Kinds: []*why401.Kind{kindRedirectLoop},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if e == nil || e.Hop == nil {
			return nil
		}
		seen := map[string]int{}
		for _, x := range chain {
			seen[x.Request.Method+" "+x.Request.URL]++
		}
		detail := fmt.Sprintf("After %d redirects the chain stopped at a %d pointing to %s.", len(chain)-1, e.Status(), e.Hop.Location)
		for _, x := range chain {
			if x.Request.URL == e.Hop.Location {
				detail = fmt.Sprintf("The chain loops: exchange #%d redirects back to %s, visited at #%d.", e.Index, e.Hop.Location, x.Index)
				break
			}
		}
		ev := make([]int, 0, len(chain))
		for _, x := range chain {
			ev = append(ev, x.Index)
		}
		p.Report(kindRedirectLoop, detail, ev...)
		return nil
	},
}
