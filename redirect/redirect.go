// Package redirect holds the rules of who forwards credentials on a
// redirect: the origin comparison why401 itself applies, and what curl,
// browsers, Go and python-requests do (REFERENCE.md, "Who forwards
// credentials on a redirect"). It is pure: probe applies it to live hops,
// har to recorded ones.
package redirect

import (
	"net"
	"net/url"
	"strings"

	why401 "github.com/why401/why401"
)

// Origin is the (scheme, host, port) triple of RFC 6454 §4. why401 forwards
// credentials only to the origin the user addressed: all three count, as in
// curl (REFERENCE.md, "Who forwards credentials on a redirect").
type Origin struct{ Scheme, Host, Port string }

// Of returns the origin of u, with the default port written out.
func Of(u *url.URL) Origin {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = defaultPort(scheme)
	}
	return Origin{Scheme: scheme, Host: strings.ToLower(strings.TrimSuffix(u.Hostname(), ".")), Port: port}
}

func defaultPort(scheme string) string {
	switch scheme {
	case "https":
		return "443"
	case "http":
		return "80"
	}
	return ""
}

// SameHostOrSubdomain reports whether host is parent or a subdomain of it:
// Go's net/http rule for keeping sensitive headers on a redirect
// (client.go shouldCopyHeaderOnRedirect). An IP literal only matches itself
// (CVE-2023-45289 came from treating an IPv6 zone as a subdomain).
func SameHostOrSubdomain(parent, host string) bool {
	if parent == host {
		return true
	}
	if net.ParseIP(host) != nil || net.ParseIP(parent) != nil {
		return false
	}
	return strings.HasSuffix(host, "."+parent)
}

// Clients says, for a redirect from prev to next in a chain that began
// at first, what each common client does with the Authorization header and
// with cookies. The rules are the clients' own, as of their current releases:
//
//   - curl: Authorization and -b cookies only while scheme, host and port all
//     match the first request (unless --location-trusted).
//   - Browsers (Fetch §4.4 HTTP-redirect fetch): Authorization is removed on
//     a redirect to another origin than the current request's; cookies come
//     from the jar by domain, approximated here as "same host".
//   - Go net/http: sensitive headers kept when the new host is the first
//     host or a subdomain of it, whatever the scheme and port; once dropped
//     they stay dropped (CVE-2024-45336).
//   - Python requests: Authorization stripped on any change of host, port or
//     scheme, except http→https on default ports (CVE-2018-18074); cookies by
//     the session jar, approximated as "same host".
func Clients(first, prev, next *url.URL, goDropped bool) []why401.ClientRule {
	fo, po, no := Of(first), Of(prev), Of(next)
	sameHost := fo.Host == no.Host
	reqKeep := po.Host == no.Host && (po == no || (po.Scheme == "http" && no.Scheme == "https" && po.Port == "80" && no.Port == "443"))
	return []why401.ClientRule{
		{Client: "curl", ForwardsAuth: fo == no, ForwardsCookies: fo == no},
		{Client: "browser", ForwardsAuth: po == no, ForwardsCookies: sameHost},
		{Client: "go", ForwardsAuth: !goDropped && SameHostOrSubdomain(fo.Host, no.Host), ForwardsCookies: !goDropped && SameHostOrSubdomain(fo.Host, no.Host)},
		{Client: "python-requests", ForwardsAuth: reqKeep, ForwardsCookies: sameHost},
	}
}
