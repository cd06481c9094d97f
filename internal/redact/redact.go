// Package redact keeps secrets out of every output why401 produces.
//
// Two tools live here. Secret is a string that refuses to be printed: every
// formatting path (String, GoString, fmt verbs, MarshalJSON, slog) yields
// Placeholder, and only Reveal gives the value back, so a secret reaches the
// wire on purpose and nowhere else. The header and URL functions rewrite what
// was sent or received into a form that keeps its shape (the scheme of an
// Authorization, the names and attributes of cookies) and drops its value, so
// that diagnosis can still be explained from the redacted record.
package redact

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// Placeholder replaces every secret value in output.
const Placeholder = "<redacted>"

// Secret holds a credential. The zero value is the empty secret.
type Secret struct{ v string }

// New wraps s as a Secret.
func New(s string) Secret { return Secret{v: s} }

// Reveal returns the secret value. Call it only where the value goes on the
// wire or into a computation (a Digest hash, a JWT decode), never into output.
func (s Secret) Reveal() string { return s.v }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s.v == "" }

// String implements fmt.Stringer.
func (s Secret) String() string {
	if s.v == "" {
		return ""
	}
	return Placeholder
}

// GoString implements fmt.GoStringer so that %#v does not leak.
func (s Secret) GoString() string { return `redact.Secret("` + s.String() + `")` }

// Format implements fmt.Formatter: every verb prints the placeholder.
func (s Secret) Format(f fmt.State, verb rune) { _, _ = f.Write([]byte(s.String())) }

// MarshalJSON implements json.Marshaler.
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(`"` + s.String() + `"`), nil }

// MarshalText implements encoding.TextMarshaler.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// LogValue implements slog.LogValuer.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// sensitiveHeaders carry a credential in their whole value (after a scheme).
var sensitiveHeaders = map[string]bool{
	"Authorization":        true,
	"Proxy-Authorization":  true,
	"X-Api-Key":            true,
	"Api-Key":              true,
	"X-Auth-Token":         true,
	"X-Access-Token":       true,
	"X-Csrf-Token":         true,
	"X-Xsrf-Token":         true,
	"X-Wp-Nonce":           true,
	"Private-Token":        true,
	"X-Amz-Security-Token": true,
}

// IsSensitiveHeader reports whether a header's value is a credential as a
// whole (Authorization and the common API-key headers), or carries cookie
// values (Cookie, Set-Cookie).
func IsSensitiveHeader(name string) bool {
	c := http.CanonicalHeaderKey(name)
	return sensitiveHeaders[c] || c == "Cookie" || c == "Set-Cookie" || c == "Set-Cookie2"
}

// HeaderValue returns value as it may be shown for the header name.
//
// Authorization-like values keep their scheme ("Basic <redacted>") because
// the scheme is evidence; cookie headers keep names and attributes.
func HeaderValue(name, value string) string {
	switch c := http.CanonicalHeaderKey(name); {
	case c == "Cookie":
		return CookieHeader(value)
	case c == "Set-Cookie" || c == "Set-Cookie2":
		return SetCookie(value)
	case sensitiveHeaders[c]:
		return Authorization(value)
	case urlHeaders[c]:
		return URL(value)
	}
	return value
}

// urlHeaders carry a URL, which may hold user:pass@, a ?session= or a JWT
// (an OAuth redirect's Location with #access_token=, a Referer with the
// reset link the user came from): they are shown through URL.
var urlHeaders = map[string]bool{
	"Location":         true,
	"Content-Location": true,
	"Referer":          true,
}

// Header returns a copy of h with every secret value redacted.
func Header(h http.Header) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		rv := make([]string, len(vs))
		for i, v := range vs {
			rv[i] = HeaderValue(k, v)
		}
		out[k] = rv
	}
	return out
}

// Authorization keeps the auth-scheme of a credentials value (RFC 9110
// §11.4: credentials = auth-scheme [ 1*SP ( token68 / #auth-param ) ]) and
// redacts the rest. Digest's parameters are public except response and
// cnonce, but the user name there is kept only as a name.
func Authorization(v string) string {
	v = strings.TrimSpace(v)
	if v == "" {
		return ""
	}
	scheme, rest, ok := strings.Cut(v, " ")
	if !ok || strings.TrimSpace(rest) == "" {
		// A bare value with no scheme (an API key): redact all of it.
		if isToken(scheme) && len(scheme) < 16 && !ok {
			return Placeholder
		}
		return Placeholder
	}
	if !isToken(scheme) {
		return Placeholder
	}
	return scheme + " " + Placeholder
}

func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

// CookieHeader redacts the values of a Cookie request header and keeps the
// names: "sid=<redacted>; theme=<redacted>".
func CookieHeader(v string) string {
	parts := strings.Split(v, ";")
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		name, _, ok := strings.Cut(p, "=")
		if !ok {
			out = append(out, Placeholder)
			continue
		}
		out = append(out, strings.TrimSpace(name)+"="+Placeholder)
	}
	return strings.Join(out, "; ")
}

// SetCookie redacts the value of a Set-Cookie header and keeps its name and
// attributes (RFC 6265 §4.1.1), which are the evidence for cookie findings.
// An empty value stays empty: a deletion reveals nothing. Chrome's HAR
// export joins several Set-Cookie fields into one value with newlines; each
// line is redacted on its own.
func SetCookie(v string) string {
	if strings.ContainsAny(v, "\n\r") {
		lines := strings.FieldsFunc(v, func(r rune) bool { return r == '\n' || r == '\r' })
		for i, l := range lines {
			lines[i] = setCookie(l)
		}
		return strings.Join(lines, "\n")
	}
	return setCookie(v)
}

func setCookie(v string) string {
	pair, attrs, hasAttrs := strings.Cut(v, ";")
	name, val, ok := strings.Cut(pair, "=")
	if !ok {
		return Placeholder
	}
	val = strings.Trim(strings.TrimSpace(val), `"`)
	out := strings.TrimSpace(name) + "="
	if val != "" {
		out += Placeholder
	}
	if hasAttrs {
		out += ";" + attrs
	}
	return out
}

// tokenLikeParams are query parameter names whose values are credentials.
var tokenLikeParams = []string{
	"token", "access_token", "id_token", "refresh_token", "auth", "key", "api_key", "apikey",
	"password", "passwd", "pwd", "secret", "client_secret", "code", "session", "sessionid", "sid",
	"signature", "sig", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "jwt", "assertion",
	"_wpnonce", "nonce", "ticket", "jsessionid", "phpsessid", "aspsessionid",
}

// IsTokenLikeParam reports whether a query or form parameter name usually
// carries a credential.
//
// It matches a name that is one of them, or ends with "_" or "-" and one of
// them, without regard to ASCII case, and allocates nothing: a HAR reader
// asks it for every parameter of every URL.
func IsTokenLikeParam(name string) bool {
	for _, t := range tokenLikeParams {
		if len(name) < len(t) || !equalFoldASCII(name[len(name)-len(t):], t) {
			continue
		}
		if len(name) == len(t) {
			return true
		}
		if c := name[len(name)-len(t)-1]; c == '_' || c == '-' {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether s equals the lower-case ASCII word t
// without regard to ASCII case.
func equalFoldASCII(s, t string) bool {
	for i := 0; i < len(t); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != t[i] {
			return false
		}
	}
	return true
}

// URL returns raw with userinfo, token-like parameter values (in the query,
// the fragment, or a path's ";name=value" parameters such as
// ;jsessionid=) and anything shaped like a JWT (anywhere: a path segment, a
// fragment) redacted. A URL that does not parse is redacted whole: it may
// hold anything.
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return Placeholder
	}
	return URLValue(u)
}

// URLValue is URL for a parsed URL; u is not modified.
func URLValue(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(Placeholder)
		if _, has := u.User.Password(); has {
			c.User = url.UserPassword(Placeholder, Placeholder)
		}
	}
	if c.RawQuery != "" {
		c.RawQuery = Query(c.RawQuery)
	}
	frag, hasFrag := c.EscapedFragment(), c.Fragment != "" || c.RawFragment != ""
	c.Fragment, c.RawFragment = "", ""
	s := c.String()
	// The path's own parameters (";jsessionid=…", RFC 3986 §3.3) sit
	// before the query; an opaque URL has no path to speak of.
	if c.Opaque == "" {
		head, query, hasQuery := strings.Cut(s, "?")
		start := 0
		if i := strings.Index(head, "://"); i >= 0 {
			start = i + 3
			if j := strings.IndexByte(head[start:], '/'); j >= 0 {
				start += j
			} else {
				start = len(head)
			}
		}
		head = head[:start] + pathParams(head[start:])
		s = head
		if hasQuery {
			s += "?" + query
		}
	}
	if hasFrag {
		// A fragment is never sent, but an OAuth implicit flow puts the
		// token there (#access_token=…&id_token=…).
		s += "#" + Query(frag)
	}
	s = JWTs(s)
	// url.String escapes the placeholder's angle brackets; show them plainly.
	return strings.ReplaceAll(s, "%3Credacted%3E", Placeholder)
}

// pathParams redacts the values of token-like ";name=value" parameters of
// a path's segments: "/app;jsessionid=ABC/x" → "/app;jsessionid=<redacted>/x".
func pathParams(p string) string {
	if strings.IndexByte(p, ';') < 0 {
		return p
	}
	segs := strings.Split(p, "/")
	for i, seg := range segs {
		parts := strings.Split(seg, ";")
		for j := 1; j < len(parts); j++ {
			name, val, ok := strings.Cut(parts[j], "=")
			if ok && val != "" && (IsTokenLikeParam(name) || LooksLikeJWT(val)) {
				parts[j] = name + "=" + Placeholder
			}
		}
		segs[i] = strings.Join(parts, ";")
	}
	return strings.Join(segs, "/")
}

// Query redacts token-like values, and anything that looks like a JWT, in a
// raw query string (or a fragment written like one), keeping parameter
// order, names and separators. Both '&' and ';' separate parameters, as
// HTML 4 and many servers read them ("a=1;sid=…").
func Query(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	for len(raw) > 0 {
		i := strings.IndexAny(raw, "&;")
		p, sep := raw, ""
		if i >= 0 {
			p, sep, raw = raw[:i], raw[i:i+1], raw[i+1:]
		} else {
			raw = ""
		}
		if name, val, ok := strings.Cut(p, "="); ok && val != "" && (IsTokenLikeParam(name) || LooksLikeJWT(val)) {
			p = name + "=" + Placeholder
		}
		b.WriteString(p)
		b.WriteString(sep)
	}
	return b.String()
}

// JWTs replaces every run of characters shaped like a JWS compact
// serialization (LooksLikeJWT: "eyJ…" and two dots) found anywhere in s,
// such as a path segment or a fragment, with Placeholder.
func JWTs(s string) string {
	i := strings.Index(s, "eyJ")
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		// The run of base64url characters and dots that starts at i, when
		// i starts a word (a JWT is not the tail of a longer token).
		end := i
		for end < len(s) && isJWTByte(s[end]) {
			end++
		}
		for end > i && s[end-1] == '.' && strings.Count(s[i:end], ".") > 2 {
			end-- // a full stop after the token
		}
		if (i == 0 || !isJWTByte(s[i-1])) && LooksLikeJWT(s[i:end]) {
			b.WriteString(s[:i])
			b.WriteString(Placeholder)
			s = s[end:]
		} else {
			b.WriteString(s[:i+3])
			s = s[i+3:]
		}
		i = strings.Index(s, "eyJ")
	}
	b.WriteString(s)
	return b.String()
}

func isJWTByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
}

// LooksLikeJWT reports whether s has the shape of a JWS compact
// serialization (RFC 7515 §7.1): three base64url parts, the first starting
// with "eyJ" (base64url of `{"`).
func LooksLikeJWT(s string) bool {
	if !strings.HasPrefix(s, "eyJ") || strings.Count(s, ".") != 2 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Text removes every given secret from s, for error messages built from
// outside input (a URL echoed by a library error, say).
func Text(s string, secrets ...Secret) string {
	for _, sec := range secrets {
		if v := sec.Reveal(); len(v) >= 3 {
			s = strings.ReplaceAll(s, v, Placeholder)
		}
	}
	return s
}
