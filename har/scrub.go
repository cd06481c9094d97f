package har

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"

	"github.com/why401/why401/internal/redact"
)

// redactor replaces secret values with tags. A tag is "redacted-" and eight
// hex digits of an HMAC of the value under a key drawn for this run and then
// forgotten: equal values get equal tags within one file (so "the cookie sent
// is not the one that was set" still shows), and a tag reveals nothing about
// its value. Tags use only letters, digits and '-', so they stay valid in a
// URL, a cookie, a token68 and a header.
type redactor struct {
	key        []byte
	keepClaims bool
	// display makes every replacement redact.Placeholder: for text that is
	// shown (Exchanges, String), not written back to a file.
	display bool
	n       int // values redacted
}

// shown is the redactor of displayed text.
var shown = &redactor{display: true}

// displayURL redacts a URL for display: redact.URL (userinfo, token-like
// query values, JWT values), then what it does not see (";jsessionid=…",
// "#access_token=…", a JWT in the path).
func displayURL(raw string) string { return shown.scrubText(redact.URL(raw)) }

// displayValue redacts one header value for display, line by line: Chrome
// joins several Set-Cookie fields with newlines, and redact.SetCookie reads
// one.
func displayValue(name, v string) string {
	lines := strings.Split(v, "\n")
	for i, l := range lines {
		if redact.IsSensitiveHeader(name) {
			lines[i] = redact.HeaderValue(name, l)
		} else {
			lines[i] = shown.headerValue(name, l)
		}
	}
	return strings.Join(lines, "\n")
}

// displayHeader redacts headers for display: redact.Header (credentials,
// cookies), then every other value scrubbed as text, as Location, Referer
// and custom headers can carry user:pass@, ?token= or a JWT.
func displayHeader(h http.Header) http.Header {
	out := redact.Header(h)
	for k, vs := range out {
		if redact.IsSensitiveHeader(k) {
			continue
		}
		for i, v := range vs {
			vs[i] = shown.headerValue(k, v)
		}
	}
	return out
}

func newRedactor(keepClaims bool) *redactor {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return &redactor{key: k, keepClaims: keepClaims}
}

// count counts a redaction; the shared display redactor counts nothing, so
// that it can be used from any goroutine.
func (z *redactor) count() {
	if !z.display {
		z.n++
	}
}

// tagPrefix starts every replacement value.
const tagPrefix = "redacted-"

func (z *redactor) hexTag(v string) string {
	m := hmac.New(sha256.New, z.key)
	m.Write([]byte(v))
	return hex.EncodeToString(m.Sum(nil)[:4])
}

// tag returns the replacement for a secret value; "" stays "" (an empty
// cookie is a deletion, which is evidence and reveals nothing).
func (z *redactor) tag(v string) string {
	if v == "" {
		return ""
	}
	if z.display {
		return redact.Placeholder
	}
	z.count()
	return tagPrefix + z.hexTag(v)
}

// secretName reports whether a header, JSON key or parameter name says its
// value is a credential. Names are matched on substrings, generously: a
// wrongly redacted value costs little, a leaked one much. The challenge
// headers (WWW-Authenticate, Proxy-Authenticate) and CORS headers are the
// evidence of a diagnosis and are never matched.
func secretName(name string) bool {
	n := strings.ToLower(name)
	if strings.HasSuffix(n, "authenticate") || strings.HasPrefix(n, "access-control-") || n == "authentication-info" {
		return false
	}
	for _, s := range []string{"token", "secret", "passw", "pwd", "apikey", "api_key", "api-key",
		"credential", "signature", "session", "jwt", "cookie", "csrf", "xsrf", "nonce",
		"authorization", "auth_", "_auth", "-auth", "auth-", "private-key", "private_key"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	switch n {
	case "auth", "otp", "sid", "ssid", "pin", "key":
		return true
	}
	return false
}

// secretParam reports whether a query or form parameter's value is a
// credential: the names redact knows (OAuth code, signatures, nonces …) and
// secretName's.
func secretParam(name string) bool {
	if u, err := url.QueryUnescape(name); err == nil {
		name = u
	}
	return redact.IsTokenLikeParam(name) || secretName(name)
}

func isB64URL(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

// jwtAt reports whether a JWT (a JWS or JWE compact serialization, RFC 7515
// §7.1 and RFC 7516 §7.1: base64url parts joined by dots, the first one a
// JSON header, so starting "eyJ") starts at s[i], and returns its end and
// the end of its second part.
func jwtAt(s string, i int) (end, claimsEnd int, ok bool) {
	if !strings.HasPrefix(s[i:], "eyJ") || i > 0 && isB64URL(s[i-1]) {
		return 0, 0, false
	}
	j := i
	parts := 0
	for parts < 5 {
		k := j
		for k < len(s) && isB64URL(s[k]) {
			k++
		}
		parts++
		switch {
		case parts == 1 && k-j < 10, parts == 2 && k-j < 2:
			return 0, 0, false
		}
		if parts == 2 {
			claimsEnd = k
		}
		j = k
		if j >= len(s) || s[j] != '.' || parts == 5 {
			break
		}
		j++ // the dot
	}
	if parts < 3 {
		return 0, 0, false
	}
	return j, claimsEnd, true
}

// jwt returns the replacement of a JWT: with keepClaims its header and
// claims and "redacted" for the rest (still the shape of a JWT, so a check
// can read exp and nbf), else a tag.
func (z *redactor) jwt(tok string, claimsEnd int) string {
	if z.keepClaims && !z.display {
		z.count()
		return tok[:claimsEnd] + ".redacted"
	}
	return z.tag(tok)
}

// scrubJWTs replaces every JWT inside s.
func (z *redactor) scrubJWTs(s string) string {
	if !strings.Contains(s, "eyJ") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i+3 <= len(s); {
		k := strings.Index(s[i:], "eyJ")
		if k < 0 {
			break
		}
		i += k
		end, ce, ok := jwtAt(s, i)
		if !ok {
			i += 3
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(z.jwt(s[i:end], ce-i))
		last, i = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// scrubText removes what can be recognized as a secret anywhere in a
// string of unknown meaning: JWTs, the userinfo of URLs (scheme://user:pass@)
// and the values of token-like parameters (?token=…, &password=…,
// ;jsessionid=…, #access_token=…). It is applied to every string Sanitize
// keeps that it does not treat more precisely.
func (z *redactor) scrubText(s string) string {
	s = z.scrubJWTs(s)
	s = z.scrubUserinfo(s)
	return z.scrubParams(s, false)
}

// stopURL reports whether c ends a URL inside text.
func stopURL(c byte) bool {
	return c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>' || c == '\\' || c == '`'
}

// scrubUserinfo replaces user:pass@ in every "scheme://user:pass@host".
func (z *redactor) scrubUserinfo(s string) string {
	if !strings.Contains(s, "://") || !strings.Contains(s, "@") {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; ; {
		k := strings.Index(s[i:], "://")
		if k < 0 {
			break
		}
		start := i + k + 3
		end := start
		for end < len(s) && !stopURL(s[end]) && s[end] != '/' && s[end] != '?' && s[end] != '#' {
			end++
		}
		i = end
		at := strings.LastIndexByte(s[start:end], '@')
		if at <= 0 {
			continue
		}
		ui := s[start : start+at]
		b.WriteString(s[last:start])
		if user, pass, ok := strings.Cut(ui, ":"); ok {
			b.WriteString(z.tag(user) + ":" + z.tag(pass))
		} else {
			b.WriteString(z.tag(ui))
		}
		last = start + at
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// scrubParams replaces the values of token-like parameters: a name after
// '?', '&', ';' or '#' (or at the start of s, for a form body) followed by
// '='.
func (z *redactor) scrubParams(s string, form bool) string {
	if strings.IndexByte(s, '=') < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if s[i] != '=' {
			continue
		}
		j := i
		for j > 0 && !paramSep(s[j-1]) && !stopURL(s[j-1]) && s[j-1] != '=' && s[j-1] != '/' {
			j--
		}
		if j == i || !(j > 0 && paramSep(s[j-1]) || j == 0 && form) {
			continue
		}
		if j < last || !secretParam(s[j:i]) {
			continue
		}
		v := i + 1
		e := v
		for e < len(s) && !stopURL(s[e]) && s[e] != '&' && s[e] != ';' && s[e] != '#' {
			e++
		}
		if e == v || strings.HasPrefix(s[v:e], tagPrefix) {
			continue
		}
		b.WriteString(s[last:v])
		b.WriteString(z.tag(s[v:e]))
		last = e
		i = e - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func paramSep(c byte) bool { return c == '?' || c == '&' || c == ';' || c == '#' }

// cookieHeader redacts the values of a Cookie header, keeping names.
func (z *redactor) cookieHeader(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		lead := p[:len(p)-len(strings.TrimLeft(p, " "))]
		name, val, ok := strings.Cut(strings.TrimLeft(p, " "), "=")
		switch {
		case !ok && strings.TrimSpace(name) == "":
		case !ok:
			parts[i] = lead + z.tag(name)
		default:
			parts[i] = lead + name + "=" + z.tag(val)
		}
	}
	return strings.Join(parts, ";")
}

// setCookie redacts the value of each Set-Cookie line (Chrome joins several
// with newlines), keeping the name and the attributes, which are the
// evidence of cookie findings.
func (z *redactor) setCookie(v string) string {
	lines := strings.Split(v, "\n")
	for i, line := range lines {
		pair, attrs, hasAttrs := strings.Cut(line, ";")
		name, val, ok := strings.Cut(pair, "=")
		if !ok {
			lines[i] = z.tag(pair)
		} else {
			lines[i] = name + "=" + z.tag(val)
		}
		if hasAttrs {
			lines[i] += ";" + z.scrubText(attrs)
		}
	}
	return strings.Join(lines, "\n")
}

// authorization redacts an Authorization or Proxy-Authorization value,
// keeping what a diagnosis reads: the scheme; a Basic value that still
// decodes to "user:password" (both redacted); the claims of a JWT with
// keepClaims; the public parameters of Digest (realm, nonce, uri, qop, nc,
// algorithm, opaque); the NTLMSSP message type.
func (z *redactor) authorization(v string) string {
	t := strings.TrimLeft(v, " ")
	scheme, rest, ok := strings.Cut(t, " ")
	if !ok || strings.TrimSpace(rest) == "" {
		return z.tag(v)
	}
	pad := rest[:len(rest)-len(strings.TrimLeft(rest, " "))]
	tok := rest[len(pad):]
	lead := " " + pad // the separator as written
	switch strings.ToLower(scheme) {
	case "basic":
		z.count()
		return scheme + lead + base64.StdEncoding.EncodeToString([]byte("redacted:"+tagPrefix+z.hexTag(tok)))
	case "bearer", "dpop":
		if end, ce, ok := jwtAt(tok, 0); ok && end == len(strings.TrimRight(tok, " \t\r\n")) {
			return scheme + lead + z.jwt(tok[:end], ce) + tok[end:]
		}
	case "digest":
		return scheme + lead + z.digest(tok)
	case "ntlm", "negotiate":
		if strings.HasPrefix(tok, "TlRMTVNTUAA") && len(tok) > 12 {
			z.count()
			return scheme + lead + tok[:12] + "redacted" + z.hexTag(tok)
		}
	}
	return scheme + lead + z.tag(tok)
}

// digest redacts the secret parameters of Digest credentials (RFC 7616
// §3.4): response, cnonce and username (userhash too); the rest is public.
func (z *redactor) digest(s string) string {
	var out []string
	for s = strings.TrimSpace(s); s != ""; {
		name, rest, ok := strings.Cut(s, "=")
		if !ok {
			return z.tag(s)
		}
		name = strings.TrimSpace(name)
		rest = strings.TrimLeft(rest, " ")
		var val string
		quoted := strings.HasPrefix(rest, `"`)
		if quoted {
			end := 1
			for end < len(rest) && rest[end] != '"' {
				if rest[end] == '\\' {
					end++
				}
				end++
			}
			if end >= len(rest) {
				return z.tag(s)
			}
			val, rest = rest[1:end], rest[end+1:]
		} else {
			val, rest, _ = strings.Cut(rest, ",")
			rest = "," + rest
			val = strings.TrimSpace(val)
		}
		switch strings.ToLower(name) {
		case "response", "cnonce", "username", "username*":
			val = z.tag(val)
		default:
			val = z.scrubText(val)
		}
		if quoted {
			out = append(out, name+`="`+val+`"`)
		} else {
			out = append(out, name+"="+val)
		}
		rest = strings.TrimLeft(rest, " ")
		if !strings.HasPrefix(rest, ",") {
			if strings.TrimSpace(rest) != "" {
				return z.tag(s)
			}
			break
		}
		s = strings.TrimSpace(rest[1:])
	}
	return strings.Join(out, ", ")
}

// headerValue redacts a header's value according to its name.
func (z *redactor) headerValue(name, v string) string {
	switch n := strings.ToLower(name); {
	case n == "cookie":
		return z.cookieHeader(v)
	case n == "set-cookie" || n == "set-cookie2":
		return z.setCookie(v)
	case n == "authorization" || n == "proxy-authorization":
		return z.authorization(v)
	case redact.IsSensitiveHeader(name) || secretName(strings.TrimPrefix(n, ":")):
		return z.tag(v)
	}
	return z.scrubText(v)
}

// form redacts an application/x-www-form-urlencoded body.
func (z *redactor) form(s string) string {
	return z.scrubParams(z.scrubUserinfo(z.scrubJWTs(s)), true)
}

// jsonBody rewrites a JSON body: string values under secret-looking keys
// (secretName; "code" and "key" are left alone, as WordPress's REST errors
// are {"code": "rest_not_logged_in", …}) are redacted, whole subtrees under
// them too, and every other string is scrubbed. It reports false if b is not
// JSON, and the caller then drops the body.
func (z *redactor) jsonBody(b []byte) ([]byte, bool) {
	s := newScannerSize(bytes.NewReader(b), 64, len(b)+1)
	var out bytes.Buffer
	w := newJSONWriter(&out, false)
	z.copyValue(s, w, false)
	s.end()
	w.flush()
	if s.err != nil || w.err != nil {
		return nil, false
	}
	return out.Bytes(), true
}

// copyValue copies one JSON value from s to w; strings are redacted when
// secret, else scrubbed.
func (z *redactor) copyValue(s *scanner, w *jsonWriter, secret bool) {
	copyJSON(s, w, secret, true, &bodyStrings{z: z, s: s, w: w})
}

// bodyStrings copies the strings of a JSON body.
type bodyStrings struct {
	z *redactor
	s *scanner
	w *jsonWriter
}

func (b *bodyStrings) copyString(secret bool) {
	raw, n := b.s.str(nil, maxScrub)
	v := string(raw)
	switch {
	case n > int64(len(raw)):
		v = removed
	case secret:
		v = b.z.tag(v)
	default:
		v = b.z.scrubText(v)
	}
	b.w.string(v)
}

// bodyKeySecret is secretName for keys of JSON bodies.
func bodyKeySecret(k string) bool {
	return secretName(k) && !strings.EqualFold(k, "key")
}

// html redacts the values of hidden and password inputs and of inputs and
// meta tags whose name looks secret (CSRF tokens, WordPress nonces), then
// scrubs the rest as text.
func (z *redactor) html(s string) string {
	lower := strings.ToLower(s)
	type span struct{ a, b int }
	var spans []span
	for _, tag := range []string{"<input", "<meta"} {
		for i := 0; ; {
			k := strings.Index(lower[i:], tag)
			if k < 0 {
				break
			}
			start := i + k + len(tag)
			end := strings.IndexByte(lower[start:], '>')
			if end < 0 {
				end = len(lower)
			} else {
				end += start
			}
			i = end
			attrs := htmlAttrs(s, start, end)
			name := strings.ToLower(attrs["name"].v)
			if name == "" {
				name = strings.ToLower(attrs["id"].v)
			}
			typ := strings.ToLower(attrs["type"].v)
			target := "value"
			if tag == "<meta" {
				target = "content"
			}
			a, ok := attrs[target]
			if !ok || a.b == a.a {
				continue
			}
			if typ == "hidden" || typ == "password" || secretName(name) || secretParam(name) {
				spans = append(spans, span{a.a, a.b})
			}
		}
	}
	if len(spans) > 0 {
		var b strings.Builder
		last := 0
		// Spans come from two passes; apply them in order.
		for len(spans) > 0 {
			m := 0
			for k := range spans {
				if spans[k].a < spans[m].a {
					m = k
				}
			}
			sp := spans[m]
			spans = append(spans[:m], spans[m+1:]...)
			if sp.a < last {
				continue
			}
			b.WriteString(s[last:sp.a])
			b.WriteString(z.tag(s[sp.a:sp.b]))
			last = sp.b
		}
		b.WriteString(s[last:])
		s = b.String()
	}
	return z.scrubText(s)
}

type attrVal struct {
	v    string
	a, b int // the value's span in the document
}

// htmlAttrs parses the attributes of a tag in s[start:end], loosely.
func htmlAttrs(s string, start, end int) map[string]attrVal {
	m := map[string]attrVal{}
	i := start
	for i < end {
		for i < end && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '/') {
			i++
		}
		ns := i
		for i < end && s[i] != '=' && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r' && s[i] != '/' {
			i++
		}
		name := strings.ToLower(s[ns:i])
		if i >= end || s[i] != '=' {
			if ns == i {
				i++
			}
			continue
		}
		i++
		var a, b int
		if i < end && (s[i] == '"' || s[i] == '\'') {
			q := s[i]
			a = i + 1
			b = a
			for b < end && s[b] != q {
				b++
			}
			i = b + 1
		} else {
			a = i
			b = a
			for b < end && s[b] != ' ' && s[b] != '\t' && s[b] != '\n' && s[b] != '\r' {
				b++
			}
			i = b
		}
		if _, dup := m[name]; !dup && name != "" {
			m[name] = attrVal{v: s[a:b], a: a, b: b}
		}
	}
	return m
}
