package challenge

import "strings"

// Character classes of RFC 9110, one bit each in class.
const (
	cTchar   = 1 << iota // tchar, RFC 9110 §5.6.2
	cToken68             // a token68 character other than "=", RFC 9110 §11.2
	cQdtext              // qdtext, RFC 9110 §5.6.4
	cQpair               // what may follow "\" in a quoted-pair, RFC 9110 §5.6.4
)

// class maps every byte to its character classes. A table keeps the inner
// loops to one load and one test per byte.
var class = func() (t [256]uint8) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		alnum := 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
		//   tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." /
		//           "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA
		if alnum || strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0 {
			t[c] |= cTchar
		}
		//   token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
		if alnum || strings.IndexByte("-._~+/", b) >= 0 {
			t[c] |= cToken68
		}
		//   qdtext      = HTAB / SP / %x21 / %x23-5B / %x5D-7E / obs-text
		//   quoted-pair = "\" ( HTAB / SP / VCHAR / obs-text )
		if b == '\t' || b == ' ' || 0x21 <= b && b != 0x7f {
			t[c] |= cQpair
			if b != '"' && b != '\\' {
				t[c] |= cQdtext
			}
		}
	}
	return t
}()

// token returns the token at s[i:] and the index after it; the token is
// empty if s[i] is not a tchar.
//
//	token = 1*tchar
func token(s string, i int) (tok string, end int) {
	j := i
	for j < len(s) && class[s[j]]&cTchar != 0 {
		j++
	}
	return s[i:j], j
}

// isToken reports whether s is a token (RFC 9110 §5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if class[s[i]]&cTchar == 0 {
			return false
		}
	}
	return true
}

// token68At reports whether s[i:] starts with a token68 that is the whole
// rest of its list element (only OWS may follow it before "," or the end),
// and returns the index after the token68.
//
//	token68 = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// The element test is what tells `Newauth abc=` (a token68) from
// `Newauth abc=def` (an auth-param): only an element that ends after the
// "=" padding can be a token68.
func token68At(s string, i int) (end int, ok bool) {
	j := i
	for j < len(s) && class[s[j]]&cToken68 != 0 {
		j++
	}
	if j == i {
		return i, false
	}
	for j < len(s) && s[j] == '=' {
		j++
	}
	if k := skipOWS(s, j); k < len(s) && s[k] != ',' {
		return i, false
	}
	return j, true
}

// isOWS reports whether b is a whitespace byte of OWS = *( SP / HTAB ).
func isOWS(b byte) bool { return b == ' ' || b == '\t' }

// skipOWS returns the index of the first byte at or after i that is not
// OWS (RFC 9110 §5.6.3). BWS, "bad" whitespace, is the same set.
func skipOWS(s string, i int) int {
	for i < len(s) && isOWS(s[i]) {
		i++
	}
	return i
}

// skipSP returns the index of the first byte at or after i that is not SP.
func skipSP(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// skipSeparators skips OWS and commas: a list may hold empty elements
// (RFC 9110 §5.6.1.2), and a recipient must accept them.
func skipSeparators(s string, i int) int {
	for i < len(s) && (isOWS(s[i]) || s[i] == ',') {
		i++
	}
	return i
}

// skipElement returns the index of the comma that ends the list element
// around s[i] (or len(s)), stepping over quoted strings and their
// quoted-pairs so that a comma inside quotes does not end it. It is how
// the parser recovers from an error: the rest of the broken element is
// dropped, the next one is parsed.
func skipElement(s string, i int) int {
	inQuote := false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case inQuote && c == '\\':
			i++
		case c == '"':
			inQuote = !inQuote
		case !inQuote && c == ',':
			return i
		}
	}
	return len(s)
}

// quotedString parses the quoted-string that starts at s[i] == '"' and
// returns its unescaped content and the index after the closing quote.
// The content is a substring of s unless it holds a quoted-pair.
//
//	quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
//
// On failure bad is the offset of the fault and msg says what it is.
func quotedString(s string, i int) (v string, end int, bad int, msg string) {
	escaped := false
	j := i + 1
	for {
		// Most bytes are qdtext: step over them in a tight loop and
		// decide only at the byte that stops it.
		for j < len(s) && class[s[j]]&cQdtext != 0 {
			j++
		}
		switch {
		case j == len(s):
			return "", 0, i, "unterminated quoted-string"
		case s[j] == '"':
			v = s[i+1 : j]
			if escaped {
				v = unquote(v)
			}
			return v, j + 1, -1, ""
		case s[j] != '\\':
			return "", 0, j, "invalid character in quoted-string"
		case j+1 == len(s):
			return "", 0, i, "unterminated quoted-string"
		case class[s[j+1]]&cQpair == 0:
			return "", 0, j + 1, "invalid character in quoted-pair"
		}
		escaped = true
		j += 2
	}
}

// unquote removes the backslash of every quoted-pair in the content of a
// valid quoted-string.
func unquote(s string) string {
	var b strings.Builder
	b.Grow(len(s) - 1)
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// unfold replaces each obs-fold (a line break followed by SP or HTAB) with
// spaces of the same length, so that byte offsets still point into the
// value as received. RFC 9112 §5.2 lets a recipient replace an obs-fold
// with one or more SP; a bare LF counts as a line break (RFC 9112 §2.2).
// Any other CR or LF stays and is reported as an error.
func unfold(s string) string {
	if strings.IndexByte(s, '\n') < 0 && strings.IndexByte(s, '\r') < 0 {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '\r' && i+2 < len(b) && b[i+1] == '\n' && isOWS(b[i+2]):
			b[i], b[i+1] = ' ', ' '
			i++
		case b[i] == '\n' && i+1 < len(b) && isOWS(b[i+1]):
			b[i] = ' '
		}
	}
	return string(b)
}

// lower returns s in lower case, ASCII only (tokens are ASCII). Names that
// are already lower-case, or that are well-known parameter names, cost no
// allocation.
func lower(s string) string {
	upper := false
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			upper = true
			break
		}
	}
	if !upper {
		return s
	}
	for _, k := range knownParams {
		if equalFold(k, s) {
			return k
		}
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// knownParams are the parameter names of the registered schemes, used by
// lower to avoid allocating for a server that capitalizes them.
var knownParams = [...]string{
	"realm", "charset", "nonce", "opaque", "algorithm", "qop", "stale",
	"domain", "userhash", "error", "error_description", "error_uri",
	"scope", "resource_metadata", "algs", "as_uri", "referrer", "access",
	"challenge", "token-key", "max-age", "version", "reason",
	"validation", "auth-scope", "sid", "data", "title", "type",
}

// equalFold reports whether a and b are equal under ASCII case folding.
// Unlike strings.EqualFold it does not fold non-ASCII letters (the Kelvin
// sign is not "k"), as HTTP requires.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
