package checks

import (
	"fmt"
	"net/http"

	why401 "github.com/why401/why401"
)

var kindCacheable401 = &why401.Kind{
	ID:       "cache.cacheable-401",
	Severity: why401.SeverityWarn,
	Who:      why401.SiteOwner,
	Title:    "The 401 may be stored by a shared cache",
	Explain: "The 401 says a cache may keep it (Cache-Control public, s-maxage or max-age without private or " +
		"no-store, or an Expires in the future). A CDN or proxy can then serve the refusal to visitors who " +
		"have since logged in, or whose credentials are right, until it expires.",
	Fix: append([]string{
		noStoreOn401,
		cdnNoErrorCaching,
		"Site owner: if a cache already holds the 401, purge it as well (see cache.cached-401).",
	}, reloadPastCache...),
	Refs: []string{"RFC 9111 §3", "RFC 9111 §5.2.2"},
}

// CacheCacheable401 reports a 401 that a shared cache may store.
var CacheCacheable401 = &why401.Check{
	ID:    "cache.cacheable-401",
	Doc:   "report a cacheable 401\n\nA 401 with public, s-maxage, max-age or a future Expires can be kept by a CDN.",
	Kinds: []*why401.Kind{kindCacheable401},
	Run: func(p *why401.Pass) error {
		for _, e := range p.Chain() {
			if e.Status() != http.StatusUnauthorized {
				continue
			}
			if ok, why := sharedStorable(e.Response.Header, responseDate(&e), e.CredentialsSent); ok {
				p.Report(kindCacheable401, fmt.Sprintf("Exchange #%d is a 401 with %s and neither no-store nor private.", e.Index, why), e.Index)
				return nil
			}
		}
		return nil
	},
}
