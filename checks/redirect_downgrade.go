package checks

import (
	"fmt"

	why401 "github.com/why401/why401"
)

var kindDowngrade = &why401.Kind{
	ID:       "redirect.downgrade",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "A redirect goes from https to plain http",
	Explain: "A hop of the chain leaves https for http. Every client drops credentials there (it is another " +
		"origin), cookies marked Secure are not sent, and what follows travels unencrypted. A login behind such " +
		"a hop cannot work as intended.",
	Fix: []string{
		"Site owner: redirect to https URLs only; behind a TLS-terminating proxy, make the application build " +
			"redirects from X-Forwarded-Proto (or the Forwarded header, RFC 7239).",
	},
	Refs: []string{"RFC 9110 §15.4", "RFC 6265bis §5.8.3"},
}

// RedirectDowngrade reports an https → http hop.
var RedirectDowngrade = &why401.Check{
	ID:    "redirect.downgrade",
	Doc:   "report an https to http redirect\n\nCredentials and Secure cookies never follow a downgrade.",
	Kinds: []*why401.Kind{kindDowngrade},
	Run: func(p *why401.Pass) error {
		for _, x := range p.Chain() {
			if x.Hop != nil && x.Hop.Downgrade {
				p.Report(kindDowngrade, fmt.Sprintf("%s redirects to %s.", x.Request.URL, x.Hop.Location), x.Index)
				return nil
			}
		}
		return nil
	},
}
