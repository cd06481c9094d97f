package cookies

import (
	"net/netip"
	"net/url"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// canonicalHost returns the request host as 6265bis §5.1.2 canonicalizes it:
// lower case, without brackets or port. Internationalized names are not
// converted to A-labels (punycode): give URLs in their ASCII form.
func canonicalHost(u *url.URL) string {
	if u == nil {
		return ""
	}
	return lowerASCII(u.Hostname())
}

// lowerASCII folds ASCII letters only, as host and attribute names are
// compared in RFC 6265bis (no Unicode case folding).
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; 'A' <= c && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// hasPrefixFold reports whether s begins with prefix, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func isIP(host string) bool {
	_, err := netip.ParseAddr(host)
	return err == nil
}

// domainMatch reports whether host domain-matches domain (6265bis §5.1.3):
//
//   - they are identical, or
//   - domain is a suffix of host, the character of host just before that
//     suffix is ".", and host is a host name, not an IP address.
//
// Both are canonical (lower case). The IP rule is why a cookie for
// "0.0.1" never reaches 10.0.0.1.
func domainMatch(host, domain string) bool {
	if host == domain {
		return true
	}
	if domain == "" || isIP(host) {
		return false
	}
	return len(host) > len(domain) &&
		strings.HasSuffix(host, domain) &&
		host[len(host)-len(domain)-1] == '.'
}

// defaultPath is the default-path of a request URI (6265bis §5.1.4): the
// path up to, not including, its last "/"; "/" when the path is empty, does
// not start with "/", or has no other "/". It is why a cookie set by
// /app/login without a Path attribute is not sent to /api.
func defaultPath(u *url.URL) string {
	p := requestPath(u)
	if p == "" || p[0] != '/' {
		return "/"
	}
	i := strings.LastIndexByte(p, '/')
	if i == 0 {
		return "/"
	}
	return p[:i]
}

// requestPath is the path of u as it goes on the wire (escaped, no query).
func requestPath(u *url.URL) string {
	if u == nil {
		return "/"
	}
	p := u.EscapedPath()
	if p == "" {
		return "/"
	}
	return p
}

// pathMatch reports whether reqPath path-matches cookiePath (6265bis
// §5.1.4): they are identical, or cookiePath is a prefix of reqPath and
// either ends in "/" or is followed in reqPath by "/". So "/app" matches
// "/app/x" but not "/application".
func pathMatch(reqPath, cookiePath string) bool {
	if reqPath == cookiePath {
		return true
	}
	if !strings.HasPrefix(reqPath, cookiePath) {
		return false
	}
	return strings.HasSuffix(cookiePath, "/") || reqPath[len(cookiePath)] == '/'
}

// secureURL reports whether u is a secure context for cookies: https or wss,
// or, as in Chromium (and 6265bis §5.7's "secure protocol, as defined by the
// user agent"), a loopback host over plain http: "localhost", a name ending
// in ".localhost", 127.0.0.0/8 or ::1. A Secure cookie is stored from and
// sent to these only.
func secureURL(u *url.URL) bool {
	if u == nil {
		return false
	}
	switch lowerASCII(u.Scheme) {
	case "https", "wss":
		return true
	case "http", "ws":
		return isLoopback(canonicalHost(u))
	}
	return false
}

func isLoopback(host string) bool {
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.IsLoopback()
}

// isPublicSuffix reports whether domain is a public suffix ("com", "co.uk",
// "github.io") in the Public Suffix List, private section included, as
// Chromium's cookie code uses it. A name the list does not know is treated
// as a TLD of its own (the list's "*" rule), so "localhost" is one.
func isPublicSuffix(domain string) bool {
	if domain == "" || isIP(domain) {
		return false
	}
	ps, _ := publicsuffix.PublicSuffix(domain)
	return ps == domain
}

// registrable returns the registrable domain of host (its public suffix plus
// one label, "example.co.uk"), the host itself when it is an IP address or a
// public suffix, and "" for "".
func registrable(host string) string {
	if host == "" || isIP(host) {
		return host
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// site is a "site" in the HTML sense that 6265bis §5.2 uses: a scheme and a
// registrable domain. Chromium compares sites with the scheme ("schemeful
// same-site"), so http://example.com and https://example.com are cross-site.
type site struct {
	scheme string // "http" or "https" (ws and wss fold into them)
	domain string
}

func siteOf(u *url.URL) site {
	s := lowerASCII(u.Scheme)
	switch s {
	case "ws":
		s = "http"
	case "wss":
		s = "https"
	}
	return site{scheme: s, domain: registrable(canonicalHost(u))}
}

// crossSite says whether req is a cross-site request (6265bis §5.2), and
// whether it is cross-site only because the schemes differ (Chromium's
// "Schemeful" reasons). A nil SiteForCookies means same-site.
func crossSite(req Request) (cross, schemeOnly bool) {
	if req.SiteForCookies == nil || req.URL == nil {
		return false, false
	}
	a, b := siteOf(req.SiteForCookies), siteOf(req.URL)
	if a == b {
		return false, false
	}
	return true, a.domain == b.domain
}
