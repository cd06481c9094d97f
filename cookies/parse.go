package cookies

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/why401/why401/internal/redact"
)

// Limits of 6265bis §5.6 and §5.5.
const (
	// MaxNameValue is the most bytes a cookie's name and value may hold
	// together; a longer Set-Cookie is ignored.
	MaxNameValue = 4096
	// MaxAttributeValue is the most bytes an attribute value may hold; a
	// longer attribute is ignored (not the cookie).
	MaxAttributeValue = 1024
	// MaxLifetime caps Expires and Max-Age: 400 days from when the cookie
	// is set.
	MaxLifetime = 400 * 24 * time.Hour
	// LaxAllowUnsafeAge is how young a cookie without SameSite must be for
	// Chromium to send it on a cross-site top-level POST ("Lax+POST",
	// 6265bis §5.6.7.1's "Lax-allowing-unsafe").
	LaxAllowUnsafeAge = 2 * time.Minute
)

// PairError is a malformed pair in a Cookie header string. It names the
// pair's position, never its text: the text may be a value.
type PairError struct {
	Pair   int // 1-based position among the ";"-separated pairs
	Reason string
}

func (e *PairError) Error() string {
	return fmt.Sprintf("cookies: pair %d of the cookie string %s", e.Pair, e.Reason)
}

// LooksLikeFile reports whether a -b/--cookie argument names a file rather
// than holding cookies. curl's rule (its tool_getparam): an argument that
// contains "=" is cookie data, anything else is a file name to read
// cookies.txt from ("-" is standard input; "" turns curl's cookie engine on
// with no file). A browser, by contrast, sends a nameless cookie as a bare
// value, so "abc" in a Cookie header copied from DevTools is a cookie; in -b
// it is a file name.
func LooksLikeFile(arg string) bool { return !strings.Contains(arg, "=") }

// ParseCookieHeader parses a Cookie request header, or a -b string, into
// cookies (6265bis §4.2.1):
//
//	cookie-string = cookie-pair *( ";" SP cookie-pair )
//	cookie-pair   = cookie-name "=" cookie-value
//
// It is lenient the way servers are: spaces around pairs and names are
// trimmed and empty pairs (";;", a trailing ";") are skipped. A pair without
// "=" or with a control character is an error naming its position; the
// other pairs are still returned. The cookies have no Domain and no Path:
// they go to whatever host the request goes to, and Source "-b".
func ParseCookieHeader(s string) ([]Cookie, error) {
	var (
		cs   []Cookie
		errs []error
	)
	for i, pair := range strings.Split(s, ";") {
		pair = strings.Trim(pair, " \t")
		if pair == "" {
			continue
		}
		if hasCTL(pair, false) {
			errs = append(errs, &PairError{Pair: i + 1, Reason: "contains a control character"})
			continue
		}
		name, value, ok := strings.Cut(pair, "=")
		if !ok {
			errs = append(errs, &PairError{Pair: i + 1, Reason: `has no "=": a browser sends a nameless cookie as a bare value, ` +
				`and curl reads a -b argument without "=" as a file name`})
			continue
		}
		cs = append(cs, Cookie{
			Name:   strings.Trim(name, " \t"),
			Value:  redact.New(strings.Trim(value, " \t")),
			Source: "-b",
		})
	}
	return cs, errors.Join(errs...)
}

// hasCTL reports whether s holds a control character: %x00-08 / %x0A-1F /
// %x7F (6265bis §5.6), and HTAB too unless allowTab.
func hasCTL(s string, allowTab bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 && !(allowTab && c == '\t') || c == 0x7F {
			return true
		}
	}
	return false
}

// SetCookieError says why a Set-Cookie was refused. It names the cookie and
// the attribute at fault, never the value.
type SetCookieError struct {
	Name   string // the cookie's name ("" when nameless)
	Reason Reason
	Detail string // what exactly was wrong
	// Source is where the Set-Cookie came from ("Set-Cookie from entry 4"),
	// Index its position among that response's Set-Cookie fields (0-based,
	// -1 when unknown); both are set by Jar.Receive.
	Source string
	Index  int
}

func (e *SetCookieError) Error() string {
	name := "(nameless)"
	if e.Name != "" {
		name = strconv.Quote(shortName(e.Name))
	}
	msg := fmt.Sprintf("cookies: Set-Cookie %s refused (%s): %s", name, e.Reason, e.Detail)
	if e.Source != "" {
		msg += " [" + e.Source + "]"
	}
	return msg
}

// ParseSetCookie parses one Set-Cookie value received from reqURL at now
// into the cookie a browser would store (6265bis §5.6, with the checks of
// the storage model §5.7 that need only the request URL). An expired cookie
// (Max-Age=0, or Expires in the past) is returned without error: storing it
// deletes the cookie it replaces, see Jar.Set.
//
// The error, a *SetCookieError, is a reason a browser refuses the cookie:
//
//   - DisallowedCharacter: a control character anywhere (§5.6 step 1);
//   - TooLarge: name and value over 4096 bytes;
//   - NoCookieContent: empty name and value;
//   - InvalidDomain: Domain not ASCII, a public suffix other than the host
//     itself, or not domain-matched by the request host;
//   - SecureOnly: Secure set from a URL that is not a secure context;
//   - SameSiteNoneInsecure: SameSite=None without Secure (Chromium);
//   - InvalidPrefix: the __Secure-, __Host-, __Http-, __Host-Http-
//     prefixes (§5.4, matched without regard to case, and
//     draft-ietf-httpbis-layered-cookies for the Http ones);
//   - InvalidPartitioned: Partitioned without Secure (CHIPS, Chromium).
//
// Attributes a browser ignores (an unreadable Expires, an attribute value
// over 1024 bytes, an unknown SameSite) are ignored here too, and said in
// Cookie.Notes. Created is now; Source is empty.
func ParseSetCookie(v string, reqURL *url.URL, now time.Time) (Cookie, error) {
	if reqURL == nil || reqURL.Hostname() == "" {
		return Cookie{}, errors.New("cookies: Set-Cookie without a request URL with a host")
	}
	pair, attrs, _ := strings.Cut(v, ";")
	name, value, hasEq := strings.Cut(pair, "=")
	if !hasEq { // §5.6 step 3: a nameless cookie
		name, value = "", pair
	}
	name, value = strings.Trim(name, " \t"), strings.Trim(value, " \t")
	fail := func(r Reason, format string, args ...any) (Cookie, error) {
		return Cookie{}, &SetCookieError{Name: name, Reason: r, Detail: fmt.Sprintf(format, args...), Index: -1}
	}
	if hasCTL(v, true) {
		return fail(DisallowedCharacter, "the header contains a control character")
	}
	if n := len(name) + len(value); n > MaxNameValue {
		return fail(TooLarge, "name and value are %d bytes together; the limit is %d", n, MaxNameValue)
	}
	if name == "" && value == "" {
		return fail(NoCookieContent, "no name and no value")
	}

	c := Cookie{Name: name, Value: redact.New(value), Created: now}
	var (
		expires                 time.Time
		hasExpires, hasPathAttr bool
		domainAttr              string
		path                    string
	)
	note := func(format string, args ...any) { c.Notes = append(c.Notes, fmt.Sprintf(format, args...)) }
	for attrs != "" {
		var av string
		av, attrs, _ = strings.Cut(attrs, ";")
		an, aval, _ := strings.Cut(av, "=")
		an, aval = strings.Trim(an, " \t"), strings.Trim(aval, " \t")
		if an == "" {
			continue
		}
		if len(aval) > MaxAttributeValue {
			note("attribute %s ignored: its value is %d bytes, over the %d-byte limit", attrName(an), len(aval), MaxAttributeValue)
			continue
		}
		switch lowerASCII(an) {
		case "expires": // §5.6.1
			t, ok := parseCookieDate(aval)
			if !ok {
				note("Expires=%q ignored: not a date a browser can read", aval)
				continue
			}
			expires, hasExpires = t, true
		case "max-age": // §5.6.2
			n, ok := parseMaxAge(aval)
			if !ok {
				note("Max-Age=%q ignored: not a number of seconds", aval)
				continue
			}
			c.MaxAge, c.MaxAgeSet = n, true
		case "domain": // §5.6.3
			if aval == "" {
				note("an empty Domain attribute is ignored")
				continue
			}
			domainAttr = lowerASCII(strings.TrimPrefix(aval, "."))
		case "path": // §5.6.4
			hasPathAttr = true
			if aval == "" || aval[0] != '/' {
				note("Path=%q does not start with \"/\": the default path is used", aval)
				path = ""
				continue
			}
			path = aval
		case "secure": // §5.6.5
			c.Secure = true
		case "httponly": // §5.6.6
			c.HTTPOnly = true
		case "samesite": // §5.6.7: the last one wins, an unknown value too
			switch lowerASCII(aval) {
			case "none":
				c.SameSite = None
			case "lax":
				c.SameSite = Lax
			case "strict":
				c.SameSite = Strict
			default:
				c.SameSite = Unspecified
				note("SameSite=%q is not None, Lax or Strict: treated as unspecified (Lax in Chrome)", aval)
			}
		case "partitioned": // CHIPS
			c.Partitioned = true
		case "priority", "sameparty", "version", "comment", "commenturl", "discard", "port":
			// Known elsewhere, no effect on whether the cookie is sent.
		default:
			note("unknown attribute %s ignored", attrName(an))
		}
	}

	// Expiry (§5.7 step 6): Max-Age wins over Expires; both are capped at
	// 400 days (§5.5).
	limit := now.Add(MaxLifetime)
	switch {
	case c.MaxAgeSet && c.MaxAge <= 0:
		c.Expires = ExpiredAt
	case c.MaxAgeSet:
		if c.MaxAge > int64(MaxLifetime/time.Second) {
			c.Expires = limit
			note("Max-Age capped at 400 days")
		} else {
			c.Expires = now.Add(time.Duration(c.MaxAge) * time.Second)
		}
	case hasExpires:
		c.Expires = expires
		if expires.After(limit) {
			c.Expires = limit
			note("Expires capped at 400 days")
		}
	}

	// Domain (§5.7 steps 7-8).
	host := canonicalHost(reqURL)
	if domainAttr != "" {
		switch {
		case !isASCII(domainAttr):
			return fail(InvalidDomain, "the Domain attribute is not ASCII")
		case isPublicSuffix(domainAttr) && domainAttr == host:
			domainAttr = "" // a public suffix may set a host-only cookie
		case isPublicSuffix(domainAttr):
			return fail(InvalidDomain, "Domain=%s is a public suffix", domainAttr)
		case !domainMatch(host, domainAttr):
			return fail(InvalidDomain, "Domain=%s does not domain-match the request host %s", domainAttr, host)
		}
	}
	if domainAttr == "" || isIP(host) {
		c.Domain, c.HostOnly = host, true
	} else {
		c.Domain = domainAttr
	}

	// Path (§5.6.4, §5.1.4).
	if path == "" {
		path = defaultPath(reqURL)
	}
	c.Path = path

	// Secure from an insecure origin (§5.7 step 11).
	if c.Secure && !secureURL(reqURL) {
		return fail(SecureOnly, "a Secure cookie cannot be set from %s://%s", lowerASCII(reqURL.Scheme), host)
	}
	// SameSite=None requires Secure (§5.7; Chromium since version 80).
	if c.SameSite == None && !c.Secure {
		return fail(SameSiteNoneInsecure, "SameSite=None without Secure")
	}
	if err := checkPrefix(&c, domainAttr != "", hasPathAttr); err != "" {
		return fail(InvalidPrefix, "%s", err)
	}
	if c.Partitioned && !c.Secure {
		return fail(InvalidPartitioned, "Partitioned without Secure")
	}
	return c, nil
}

// checkPrefix applies the cookie name prefixes (6265bis §5.4 and §5.7,
// matched without regard to case so that servers that fold case are
// protected too; __Http- and __Host-Http- from
// draft-ietf-httpbis-layered-cookies, which require HttpOnly as proof that
// the cookie came from a Set-Cookie header). A nameless cookie whose value
// looks prefixed is refused, or it could pose as one in the Cookie header.
// It returns what is wrong, or "".
func checkPrefix(c *Cookie, hasDomain, hasPathAttr bool) string {
	name := c.Name
	if name == "" {
		v := c.Value.Reveal()
		for _, p := range []string{"__Secure-", "__Host-", "__Http-"} {
			if hasPrefixFold(v, p) {
				return "a nameless cookie's value cannot start with " + p
			}
		}
		return ""
	}
	var missing []string
	need := func(ok bool, what string) {
		if !ok {
			missing = append(missing, what)
		}
	}
	var prefix string
	switch {
	case hasPrefixFold(name, "__Host-Http-"):
		prefix = "__Host-Http-"
		need(c.Secure, "Secure")
		need(c.HTTPOnly, "HttpOnly")
		need(!hasDomain, "no Domain attribute")
		need(hasPathAttr && c.Path == "/", "Path=/")
	case hasPrefixFold(name, "__Host-"):
		prefix = "__Host-"
		need(c.Secure, "Secure")
		need(!hasDomain, "no Domain attribute")
		need(hasPathAttr && c.Path == "/", "Path=/")
	case hasPrefixFold(name, "__Http-"):
		prefix = "__Http-"
		need(c.Secure, "Secure")
		need(c.HTTPOnly, "HttpOnly")
	case hasPrefixFold(name, "__Secure-"):
		prefix = "__Secure-"
		need(c.Secure, "Secure")
	default:
		return ""
	}
	if len(missing) == 0 {
		return ""
	}
	return "a " + prefix + " cookie needs " + strings.Join(missing, ", ")
}

// parseMaxAge reads a Max-Age value (6265bis §5.6.2): an optional "-" and
// digits, nothing else. Overlong numbers saturate instead of failing, as in
// browsers.
func parseMaxAge(s string) (int64, bool) {
	neg := strings.HasPrefix(s, "-")
	d := strings.TrimPrefix(s, "-")
	if d == "" {
		return 0, false
	}
	var n int64
	for i := 0; i < len(d); i++ {
		if !isDigit(d[i]) {
			return 0, false
		}
		if n < 1e15 {
			n = n*10 + int64(d[i]-'0')
		}
	}
	if neg {
		n = -n
	}
	return n, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// attrName shows an unknown attribute's name when it looks like one (up to
// 16 letters, "-" or "_": a misspelt "Same-Site" is worth showing). Anything
// else is more likely a piece of a value broken by a ";", and is described
// by its size only.
func attrName(n string) string {
	if len(n) > 16 {
		return fmt.Sprintf("(a %d-byte name)", len(n))
	}
	for i := 0; i < len(n); i++ {
		c := n[i] | 0x20
		if !('a' <= c && c <= 'z') && n[i] != '-' && n[i] != '_' {
			return fmt.Sprintf("(a %d-byte name)", len(n))
		}
	}
	return strconv.Quote(n)
}
