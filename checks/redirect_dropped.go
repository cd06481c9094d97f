package checks

import (
	"fmt"
	"net/http"
	"strings"

	why401 "github.com/why401/why401"
)

var kindCredentialsDropped = &why401.Kind{
	ID:       "redirect.credentials-dropped",
	Severity: why401.SeverityError,
	Who:      why401.Visitor,
	Title:    "A redirect to another origin dropped your credentials",
	Explain: "The request was redirected to another scheme, host or port, and clients do not carry the " +
		"Authorization header or -b cookies there: curl keeps them only on the same scheme, host and port; " +
		"browsers drop Authorization on any cross-origin redirect. The new origin then sees no credentials " +
		"and answers 401. The classic cases: http→https, example.com→www.example.com, a missing trailing slash " +
		"answered by a redirect to another port, an SSO hop.",
	Fix: []string{
		"Call the final URL directly (shown in the evidence), so that no redirect is needed.",
		"Site owner: fix the base URL the client is given, or serve the resource on the origin it is called on.",
		"With curl, `--location-trusted` sends credentials across origins: only when you trust every host of the chain.",
	},
	Refs: []string{"RFC 9110 §15.4", "Fetch §4.4 (HTTP-redirect fetch)"},
}

// RedirectCredentialsDropped reports a cross-origin redirect that lost the
// user's credentials or cookies before a refusal.
var RedirectCredentialsDropped = &why401.Check{
	ID:    "redirect.credentials-dropped",
	Doc:   "report credentials lost on a cross-origin redirect\n\nNo client sends Authorization to another origin.",
	Kinds: []*why401.Kind{kindCredentialsDropped},
	Run: func(p *why401.Pass) error {
		chain := p.Chain()
		e := final(chain)
		if e == nil {
			return nil
		}
		switch e.Status() {
		case http.StatusUnauthorized, http.StatusForbidden, http.StatusProxyAuthRequired:
		default:
			return nil
		}
		creds := p.Input.Creds
		if !creds.Any() && creds.Cookie.IsZero() {
			return nil
		}
		for _, x := range chain {
			if x.Hop == nil || x.Hop.SameOrigin {
				continue
			}
			what := []string{}
			if creds.Any() {
				what = append(what, "credentials")
			}
			if !creds.Cookie.IsZero() {
				what = append(what, "cookies")
			}
			var kept []string
			for _, c := range x.Hop.Clients {
				if c.ForwardsAuth {
					kept = append(kept, c.Client)
				}
			}
			clients := "No common client would have forwarded them."
			if len(kept) > 0 {
				clients = "Of common clients, only " + strings.Join(kept, ", ") + " would have forwarded Authorization."
			}
			p.Report(kindCredentialsDropped, fmt.Sprintf("%s %s redirected (%d) to %s, another origin; your %s were not sent there, and it answered %d. %s",
				x.Request.Method, x.Request.URL, x.Status(), x.Hop.Location, strings.Join(what, " and "), e.Status(), clients), x.Index, e.Index)
			return nil
		}
		return nil
	},
}
