package checks

import (
	"strings"

	why401 "github.com/why401/why401"
)

var kindBasicOverHTTP = &why401.Kind{
	ID:       "challenge.basic-over-http",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "Basic authentication over plain http",
	Explain: "Basic sends the user name and password merely base64-encoded (RFC 7617 §4): anyone on the path " +
		"reads them. Over plain http that is everyone between the visitor and the server. Browsers also mark " +
		"such login prompts as not secure, and some refuse them.",
	Fix: []string{
		"Site owner: serve the resource over https only and redirect http to https before any challenge.",
		"Visitor: use the https:// URL; if you sent a real password over http, change it.",
	},
	Refs: []string{"RFC 7617 §4", "RFC 9110 §17.16"},
}

// ChallengeBasicOverHTTP reports Basic offered or sent over plain http.
var ChallengeBasicOverHTTP = &why401.Check{
	ID:    "challenge.basic-over-http",
	Doc:   "report Basic over plain http\n\nBasic exposes the password on an unencrypted connection.",
	Kinds: []*why401.Kind{kindBasicOverHTTP},
	Run: func(p *why401.Pass) error {
		for _, e := range p.Chain() {
			if !strings.HasPrefix(e.Request.URL, "http://") {
				continue
			}
			if auth := e.Request.Header.Get("Authorization"); strings.HasPrefix(strings.ToLower(auth), "basic ") {
				p.Reportf(kindBasicOverHTTP, []int{e.Index}, "Exchange #%d sent Basic credentials over plain http.", e.Index)
				return nil
			}
			if cs, _ := challenges(&e); hasScheme(cs, "basic") {
				p.Reportf(kindBasicOverHTTP, []int{e.Index}, "Exchange #%d offers Basic over plain http (%s).", e.Index, e.Request.URL)
				return nil
			}
		}
		return nil
	},
}
