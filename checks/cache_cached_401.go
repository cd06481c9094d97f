package checks

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	why401 "github.com/why401/why401"
)

var kindCached401 = &why401.Kind{
	ID:       "cache.cached-401",
	Severity: why401.SeverityError,
	Who:      why401.SiteOwner,
	Title:    "The 401 came from a cache, not from the server",
	Explain: "A CDN or proxy in front of the site stored a 401 and keeps serving it: the server may accept you " +
		"now, but the copy says no. The response headers say it was a cache hit (Age, X-Cache, " +
		"CF-Cache-Status), and the same request with a unique query string, which the cache has never seen, " +
		"gets another answer. CloudFront caches error responses for 10 s by default; other CDNs cache a 401 " +
		"that says it may be cached.",
	Fix: append([]string{
		purgeCDN,
		noStoreOn401,
		cdnNoErrorCaching,
		"Visitor: until the owner purges it, add a harmless query string to the URL (`?x=1`): the cache has " +
			"not stored that URL, so the request reaches the server.",
	}, reloadPastCache...),
	Refs: []string{"RFC 9111 §3", "RFC 9111 §5.1", "RFC 9110 §15.5.2"},
}

// CacheCached401 reports a 401 served from a shared cache, confirmed by
// one cache-busting request (a unique query parameter) that answers
// differently.
var CacheCached401 = &why401.Check{
	ID:    "cache.cached-401",
	Doc:   "report a 401 served from a cache\n\nCache headers on the 401, confirmed by a cache-busting request.",
	Mode:  why401.Active,
	Kinds: []*why401.Kind{kindCached401},
	Run: func(p *why401.Pass) error {
		e := final(p.Chain())
		if e == nil || e.Response == nil || (e.Status() != http.StatusUnauthorized && e.Status() != http.StatusForbidden) {
			return nil
		}
		hits := cacheHit(e.Response.Header)
		if len(hits) == 0 {
			return nil
		}
		detail := fmt.Sprintf("The %d carries %s.", e.Status(), strings.Join(hits, ", "))
		busted, err := p.Probe(why401.Probe{URL: cacheBuster(p.Input.URL), Cookies: true})
		if err != nil {
			p.Report(kindCached401, detail+" (The cache-busting request failed: "+err.Error()+".)", e.Index)
			return nil
		}
		b := final(busted)
		if b == nil || b.Response == nil {
			return nil
		}
		if b.Status() == e.Status() && len(cacheHit(b.Response.Header)) > 0 {
			return nil // the cache answers every URL the same: no confirmation
		}
		sameChallenge := e.CredentialsSent || b.Response.Header.Get("WWW-Authenticate") == e.Response.Header.Get("WWW-Authenticate")
		if b.Status() != e.Status() || !sameChallenge {
			detail += fmt.Sprintf(" The same request with a unique query string got %d", b.Status())
			if len(cacheHit(b.Response.Header)) == 0 {
				detail += " and no cache hit"
			}
			detail += ": the 401 is a stored copy."
			p.Report(kindCached401, detail, e.Index, b.Index)
		}
		return nil
	},
}

// cacheBuster returns raw with a unique query parameter added.
func cacheBuster(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	q := u.RawQuery
	if q != "" {
		q += "&"
	}
	u.RawQuery = q + "why401-cb=" + hex.EncodeToString(b)
	return u.String()
}
