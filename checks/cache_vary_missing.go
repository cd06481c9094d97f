package checks

import (
	"fmt"
	"strings"

	why401 "github.com/why401/why401"
)

var kindVaryMissing = &why401.Kind{
	ID:       "cache.vary-missing",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "An authenticated page may be cached for everyone",
	Explain: "The response to a request with credentials or cookies may be stored by a shared cache, and it " +
		"does not vary on what authenticated it (no `Vary: Authorization` / `Vary: Cookie`, no `private`). A " +
		"CDN can then hand one user's page to another, or a logged-out copy to a logged-in user. Note that " +
		"Cloudflare ignores most Vary values: use `private` or `no-store` there.",
	Fix: append([]string{
		"Site owner: mark per-user responses `Cache-Control: private` (or `no-store`). nginx: `add_header " +
			"Cache-Control \"private\" always;` in the authenticated location; Apache: `Header always set " +
			"Cache-Control \"private\"`; an application: set it on every response that depends on the login.",
		"Site owner: if such responses must be kept by a shared cache, add `Vary: Authorization` (or `Vary: " +
			"Cookie`) and check that the CDN honours it: Cloudflare ignores Vary except Accept-Encoding, so there " +
			"use `private`/`no-store` or a Cache Rule that bypasses the cache when the session cookie is present.",
		purgeCDN,
	}, reloadPastCache...),
	Refs: []string{"RFC 9111 §3.5", "RFC 9111 §4.1", "RFC 9110 §12.5.5"},
}

// CacheVaryMissing reports an authenticated response a shared cache may
// store without varying on the credentials.
var CacheVaryMissing = &why401.Check{
	ID:    "cache.vary-missing",
	Doc:   "report a cacheable authenticated response without Vary\n\nPer-user pages must be private or vary on their credentials.",
	Kinds: []*why401.Kind{kindVaryMissing},
	Run: func(p *why401.Pass) error {
		for _, e := range p.Chain() {
			if e.Response == nil || e.Status() < 200 || e.Status() >= 300 || !(e.CredentialsSent || e.CookiesSent) {
				continue
			}
			ok, why := sharedStorable(e.Response.Header, responseDate(&e), e.CredentialsSent)
			if !ok {
				continue
			}
			vary := strings.ToLower(strings.Join(e.Response.Header.Values("Vary"), ","))
			if vary == "*" || (e.CredentialsSent && strings.Contains(vary, "authorization")) || (!e.CredentialsSent && strings.Contains(vary, "cookie")) {
				continue
			}
			what := "cookies"
			if e.CredentialsSent {
				what = "credentials"
			}
			p.Report(kindVaryMissing, fmt.Sprintf("Exchange #%d answered %d to a request with %s, with %s and no matching Vary.", e.Index, e.Status(), what, why), e.Index)
			return nil
		}
		return nil
	},
}
