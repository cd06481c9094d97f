package checks

import (
	"net/url"
	"strings"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/cookies"
	"github.com/why401/why401/internal/redact"
)

// ApplyCookies puts the cookies the user gave into in, the way curl sends
// them, and describes each one in in.Cookies (without its value) for the
// cookie checks. The CLI and the lab build their input with it.
//
// A cookie given as a string (-b 'a=1; b=2': no Domain) goes to the URL as
// it is. A cookie from a cookies.txt file goes only when it matches the
// URL's host and path, is not Secure over plain http (loopback excepted)
// and has not expired at in.Now: cookies.Check, which is curl's rule for a
// cookie file and a browser's for a same-site request. The Cookie header of
// the sent cookies is appended to in.Creds.Cookie, after a -H Cookie value
// already there. Of several file cookies with the same name, domain and
// path the last one wins, as in a cookie store.
func ApplyCookies(in *why401.Input, given []cookies.Cookie) {
	var (
		plain []cookies.Cookie
		jar   cookies.Jar
	)
	for _, c := range given {
		if c.Domain == "" {
			plain = append(plain, c)
		} else {
			jar.Load(c)
		}
	}
	for _, c := range plain {
		in.Cookies = append(in.Cookies, CookieInfo(c, true))
	}
	u, err := url.Parse(in.URL)
	known := err == nil && u.Hostname() != ""
	req := cookies.Request{URL: u, Now: in.Now, Method: in.Method}
	var fromFiles []cookies.Cookie
	for _, c := range jar.All() {
		sent := known && len(cookies.Check(c, req)) == 0
		if sent {
			fromFiles = append(fromFiles, c)
		}
		in.Cookies = append(in.Cookies, CookieInfo(c, sent))
	}
	h := JoinCookieHeaders(cookies.Header(plain), cookies.Header(fromFiles))
	if h != "" {
		in.Creds.Cookie = redact.New(JoinCookieHeaders(in.Creds.Cookie.Reveal(), h))
	}
}

// CookieInfo describes c without its value; sent says whether it is in the
// request's Cookie header.
func CookieInfo(c cookies.Cookie, sent bool) why401.CookieInfo {
	ci := why401.CookieInfo{
		Name: c.Name, Domain: c.Domain, Path: c.Path,
		HostOnly: c.HostOnly, Secure: c.Secure, HTTPOnly: c.HTTPOnly,
		Expires: c.Expires, Source: c.Source, Sent: sent,
	}
	if c.SameSite != cookies.Unspecified {
		ci.SameSite = c.SameSite.String()
	}
	return ci
}

// cookieOf turns a CookieInfo back into a cookie (without a value) that
// cookies.Check can judge.
func cookieOf(ci why401.CookieInfo) cookies.Cookie {
	c := cookies.Cookie{
		Name: ci.Name, Domain: ci.Domain, Path: ci.Path,
		HostOnly: ci.HostOnly, Secure: ci.Secure, HTTPOnly: ci.HTTPOnly,
		Expires: ci.Expires, Source: ci.Source,
	}
	if ci.SameSite != "" {
		_ = c.SameSite.UnmarshalText([]byte(ci.SameSite)) // unknown: Unspecified, as a browser reads it
	}
	return c
}

// JoinCookieHeaders joins two Cookie header values with "; " (RFC 6265bis
// §5.8.3: one Cookie field, pairs separated by "; ").
func JoinCookieHeaders(a, b string) string {
	a, b = strings.TrimSpace(a), strings.TrimSpace(b)
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return strings.TrimSuffix(a, ";") + "; " + b
}
