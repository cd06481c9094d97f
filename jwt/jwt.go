// Package jwt reads a JSON Web Token (RFC 7519) for diagnosis: the header,
// the claims, and what they say about time, audience and scope.
//
// It never verifies a signature. why401 holds no key, and a token the
// server refuses is diagnosed by what it claims (an exp in the past, the
// wrong aud), not by whether it is authentic. Nothing here may be used to
// trust a token.
//
// Errors say what is wrong with the token and never repeat it: a token is a
// bearer credential.
package jwt

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// MaxLen bounds the token Decode reads: real tokens are a few kilobytes,
// and the bound only stops hostile input.
const MaxLen = 256 << 10

// Error says what is wrong with a token. Part is the part at fault:
// "token" (its shape), "header", "claims" or "signature". Msg is a full
// sentence naming the fault, never quoting the token.
type Error struct {
	Part string
	Msg  string
}

func (e *Error) Error() string { return "jwt: " + e.Msg }

func errorf(part, format string, args ...any) *Error {
	return &Error{Part: part, Msg: fmt.Sprintf(format, args...)}
}

// Token is what a JWT says about itself. Nothing in it is verified.
type Token struct {
	// Header and Claims are the decoded JSON objects. Numbers are
	// json.Number, so that large integers and fractional dates keep their
	// exact value.
	Header map[string]any
	Claims map[string]any

	// Alg, Typ and Kid are the JOSE header parameters of RFC 7515 §4.1.1,
	// §4.1.9 and §4.1.4; empty when absent.
	Alg, Typ, Kid string

	// Issuer and Subject are the iss and sub claims (RFC 7519 §4.1.1,
	// §4.1.2).
	Issuer, Subject string
	// Audience is the aud claim (RFC 7519 §4.1.3), which may be one
	// string or an array of them.
	Audience []string
	// Scopes are the space-separated "scope" claim (RFC 8693 §4.2) and the
	// "scp" claim that Okta and Entra ID use instead (a string or an
	// array), merged without duplicates.
	Scopes []string

	// ExpiresAt, NotBefore and IssuedAt are exp, nbf and iat (RFC 7519
	// §4.1.4-§4.1.6), nil when absent. They are NumericDates (§2): seconds
	// since the epoch, possibly fractional.
	ExpiresAt, NotBefore, IssuedAt *time.Time

	// Unsigned is set when alg is "none" or the signature is empty (RFC
	// 7519 §6, an Unsecured JWT): most servers refuse such a token.
	Unsigned bool
}

// LooksLike reports whether s has the shape of a JWT in compact
// serialization: three base64url parts separated by dots (a JWS, RFC 7515
// §7.1; the last may be empty) or five (a JWE, RFC 7516 §7.1), the first
// starting with "eyJ", the base64url of `{"`. Padding '=' is tolerated. It
// does not decode anything, so a false positive is possible; Decode says
// for sure.
func LooksLike(s string) bool {
	if !strings.HasPrefix(s, "eyJ") || len(s) > MaxLen {
		return false
	}
	if n := strings.Count(s, ".") + 1; n != 3 && n != 5 {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		part = strings.TrimRight(part, "=")
		for i := 0; i < len(part); i++ {
			if !isB64URL(part[i]) {
				return false
			}
		}
	}
	return true
}

func isB64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// Decode reads a JWT in JWS compact serialization (RFC 7515 §7.1):
// base64url(header) "." base64url(claims) "." base64url(signature), where
// header and claims are JSON objects (RFC 7519 §7.2). It accepts base64url
// with or without '=' padding and ignores surrounding white space.
//
// A JWE (five parts, RFC 7516 §7.1) is refused with an error that says it is
// encrypted: its claims cannot be read without the recipient's key.
//
// The registered claims must have their RFC 7519 types: when one does not
// (exp as a string, say), Decode returns the Token with every other field
// filled in, together with an *Error naming the first such claim, so that a
// diagnosis can still use the rest. Any other error comes with a nil Token.
// Every error is an *Error.
func Decode(token string) (*Token, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, errorf("token", "not a JWT: the token is empty")
	}
	if len(token) > MaxLen {
		return nil, errorf("token", "not a JWT: %d bytes, more than the %d-byte limit", len(token), MaxLen)
	}
	parts := strings.Split(token, ".")
	switch len(parts) {
	case 3:
	case 5:
		return nil, jweError(parts[0])
	default:
		return nil, errorf("token", "not a JWT: %d parts, want 3", len(parts))
	}

	hb, err := decodePart("header", parts[0])
	if err != nil {
		return nil, err
	}
	header, err := decodeObject("header", hb)
	if err != nil {
		return nil, err
	}
	cb, err := decodePart("claims", parts[1])
	if err != nil {
		return nil, err
	}
	sig, err := decodePart("signature", parts[2])
	if err != nil {
		return nil, err
	}
	claims, err := decodeObject("claims", cb)
	if err != nil {
		if _, isJWE := header["enc"]; isJWE {
			return nil, errorf("claims", "the header has \"enc\": this is a JWE, encrypted, and its claims cannot be read without the recipient's key")
		}
		return nil, err
	}

	t := &Token{Header: header, Claims: claims}
	var first *Error
	note := func(e *Error) {
		if first == nil && e != nil {
			first = e
		}
	}
	t.Alg, err = stringField("header", header, "alg")
	note(err)
	t.Typ, err = stringField("header", header, "typ")
	note(err)
	t.Kid, err = stringField("header", header, "kid")
	note(err)
	t.Issuer, err = stringField("claims", claims, "iss")
	note(err)
	t.Subject, err = stringField("claims", claims, "sub")
	note(err)
	t.Audience, err = stringsField(claims, "aud", false)
	note(err)
	t.ExpiresAt, err = dateField(claims, "exp")
	note(err)
	t.NotBefore, err = dateField(claims, "nbf")
	note(err)
	t.IssuedAt, err = dateField(claims, "iat")
	note(err)
	scope, err := stringsField(claims, "scope", true)
	note(err)
	scp, err := stringsField(claims, "scp", true)
	note(err)
	t.Scopes = merge(scope, scp)
	t.Unsigned = strings.EqualFold(t.Alg, "none") || len(sig) == 0

	if first != nil {
		return t, first
	}
	return t, nil
}

// jweError explains a five-part token, naming its algorithms when the
// header is readable (they are not secret, and tell which key is needed).
func jweError(header string) *Error {
	msg := "the token has 5 parts: it is a JWE (RFC 7516), encrypted, and its claims cannot be read without the recipient's key"
	if b, err := decodePart("header", header); err == nil {
		if h, err := decodeObject("header", b); err == nil {
			alg, _ := h["alg"].(string)
			enc, _ := h["enc"].(string)
			if alg != "" || enc != "" {
				msg += fmt.Sprintf(" (alg %s, enc %s)", clip(alg), clip(enc))
			}
		}
	}
	return &Error{Part: "token", Msg: msg}
}

// decodePart decodes one base64url part (RFC 7515 §2: base64url without
// padding), tolerating the '=' padding some encoders add.
func decodePart(part, s string) ([]byte, *Error) {
	trimmed := strings.TrimRight(s, "=")
	if len(s)-len(trimmed) > 2 {
		return nil, errorf(part, "%s not base64url: too much '=' padding", subject(part))
	}
	for i := 0; i < len(trimmed); i++ {
		if c := trimmed[i]; !isB64URL(c) {
			hint := ""
			if c == '+' || c == '/' {
				hint = " (standard base64, not base64url)"
			}
			return nil, errorf(part, "%s not base64url: a character outside the alphabet at offset %d%s", subject(part), i, hint)
		}
	}
	b, err := base64.RawURLEncoding.DecodeString(trimmed)
	if err != nil {
		// Only the length can be wrong now: a final group of one character
		// (a truncated token).
		return nil, errorf(part, "%s not base64url: its length %d is impossible (truncated?)", subject(part), len(trimmed))
	}
	return b, nil
}

// decodeObject decodes a JSON object (RFC 7519 §7.2 steps 4 and 10: the
// header and the claims are each a JSON object). Duplicate names keep the
// last value, which RFC 7519 §4 allows.
func decodeObject(part string, b []byte) (map[string]any, *Error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errorf(part, "%s empty, not a JSON object", subject(part))
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, errorf(part, "%s not JSON: %s at offset %d", subject(part), syntaxReason(se), se.Offset)
		}
		return nil, errorf(part, "%s not JSON: the text ends early", subject(part))
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, errorf(part, "%s not a JSON object: data follows the object", subject(part))
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, errorf(part, "%s not a JSON object (found %s)", subject(part), jsonKind(v))
	}
	return m, nil
}

// subject names a part with its verb: "header is", "claims are".
func subject(part string) string {
	if part == "claims" {
		return "claims are"
	}
	return part + " is"
}

// syntaxReason keeps the kind of a JSON syntax error and drops the
// character it quotes, which comes from the token.
func syntaxReason(se *json.SyntaxError) string {
	switch msg := se.Error(); {
	case strings.Contains(msg, "max depth"):
		return "nested too deeply"
	case strings.HasPrefix(msg, "invalid character"):
		_, after, _ := strings.Cut(msg, "' ")
		if after != "" {
			return "an unexpected character " + after
		}
	}
	return "a syntax error"
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}

func stringField(part string, m map[string]any, name string) (string, *Error) {
	v, ok := m[name]
	if !ok {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", errorf(part, "%s is not a string (found %s)", name, jsonKind(v))
	}
	return s, nil
}

// stringsField reads a claim that is a string or an array of strings. aud
// is one or the other (RFC 7519 §4.1.3); a scope string is a
// space-separated list (RFC 8693 §4.2, RFC 6749 §3.3), so split splits it.
func stringsField(m map[string]any, name string, split bool) ([]string, *Error) {
	v, ok := m[name]
	if !ok {
		return nil, nil
	}
	switch v := v.(type) {
	case string:
		if split {
			return strings.Fields(v), nil
		}
		return []string{v}, nil
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			s, ok := e.(string)
			if !ok {
				return nil, errorf("claims", "%s is not a string or an array of strings (an element is %s)", name, jsonKind(e))
			}
			out = append(out, s)
		}
		return out, nil
	}
	return nil, errorf("claims", "%s is not a string or an array of strings (found %s)", name, jsonKind(v))
}

func merge(a, b []string) []string {
	if len(b) == 0 {
		return a
	}
	seen := make(map[string]bool, len(a)+len(b))
	var out []string
	for _, s := range append(a, b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// NumericDate bounds: years 1 to 9999, the range time.Time formats and
// marshals.
const (
	minDate = -62135596800
	maxDate = 253402300799
)

// dateField reads a NumericDate claim (RFC 7519 §2): "a JSON numeric value
// representing the number of seconds from 1970-01-01T00:00:00Z UTC",
// possibly fractional. A string, even of digits, is refused: RFC 7519 says
// numeric, and strict libraries reject it, which is often the very reason
// for a 401.
func dateField(m map[string]any, name string) (*time.Time, *Error) {
	v, ok := m[name]
	if !ok {
		return nil, nil
	}
	n, ok := v.(json.Number)
	if !ok {
		return nil, errorf("claims", "%s is not a number (found %s)", name, jsonKind(v))
	}
	t, ok := numericDate(string(n))
	if !ok {
		return nil, errorf("claims", "%s is out of range for a date (years 1 to 9999)", name)
	}
	return &t, nil
}

// numericDate converts a JSON number to a time, exactly for plain decimals
// (seconds with up to nanosecond fractions) and through float64 for
// exponent forms.
func numericDate(s string) (time.Time, bool) {
	intPart, frac, hasFrac := strings.Cut(s, ".")
	if !strings.ContainsAny(s, "eE") {
		sec, err := strconv.ParseInt(intPart, 10, 64)
		if err != nil || sec < minDate || sec > maxDate {
			return time.Time{}, false
		}
		var nsec int64
		if hasFrac {
			if len(frac) > 9 {
				frac = frac[:9]
			}
			frac += strings.Repeat("0", 9-len(frac))
			nsec, _ = strconv.ParseInt(frac, 10, 64)
			if strings.HasPrefix(intPart, "-") {
				nsec = -nsec
			}
		}
		return time.Unix(sec, nsec).UTC(), true
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < minDate || f > maxDate {
		return time.Time{}, false
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64(math.Round((f-sec)*1e9))).UTC(), true
}

// Status reports whether the token is expired or not yet valid at the
// given time, allowing leeway for clock skew (RFC 7519 §4.1.4 and §4.1.5
// allow "some small leeway, usually no more than a few minutes").
//
// at should be the server's Date, not the local clock: the server decides,
// and the two may disagree. Per §4.1.4 the token is expired when at is on or
// after exp (plus leeway); per §4.1.5 it is not yet valid when at is before
// nbf (minus leeway). A token without exp never expires here.
func (t *Token) Status(at time.Time, leeway time.Duration) (expired bool, notYetValid bool) {
	if t.ExpiresAt != nil {
		expired = !at.Before(t.ExpiresAt.Add(leeway))
	}
	if t.NotBefore != nil {
		notYetValid = at.Before(t.NotBefore.Add(-leeway))
	}
	return expired, notYetValid
}

// IssuedInFuture reports whether iat is after at plus leeway. RFC 7519
// §4.1.6 gives iat no validity rule, but several libraries refuse such a
// token, and it always means the issuer's clock and the server's disagree.
func (t *Token) IssuedInFuture(at time.Time, leeway time.Duration) bool {
	return t.IssuedAt != nil && t.IssuedAt.After(at.Add(leeway))
}

// ExpiryText describes exp relative to at, for a finding's detail:
// "expired 3h 5m ago (exp 2025-01-02T03:04:05Z)", "expires in 42s (exp …)",
// or "has no exp claim: it does not expire".
func (t *Token) ExpiryText(at time.Time) string {
	if t.ExpiresAt == nil {
		return "has no exp claim: it does not expire"
	}
	exp := *t.ExpiresAt
	stamp := " (exp " + exp.UTC().Format(time.RFC3339) + ")"
	if !at.Before(exp) {
		return "expired " + Ago(at.Sub(exp)) + stamp
	}
	return "expires in " + Human(exp.Sub(at)) + stamp
}

// NotBeforeText describes nbf relative to at: "valid for 2m" once nbf has
// passed, "not valid for another 12s" before, or "has no nbf claim".
func (t *Token) NotBeforeText(at time.Time) string {
	if t.NotBefore == nil {
		return "has no nbf claim"
	}
	nbf := *t.NotBefore
	stamp := " (nbf " + nbf.UTC().Format(time.RFC3339) + ")"
	if at.Before(nbf) {
		return "not valid for another " + Human(nbf.Sub(at)) + stamp
	}
	return "valid since " + Ago(at.Sub(nbf)) + stamp
}

// Ago is Human(d) followed by " ago": "3h 5m ago", or "just now" under a
// second.
func Ago(d time.Duration) string {
	if d < time.Second && d > -time.Second {
		return "just now"
	}
	return Human(d) + " ago"
}

// Human writes a duration the way a person says it, to the two largest
// units: "2d 3h", "3h 5m", "5m 2s", "42s", "250ms". Negative durations get
// a leading "-".
func Human(d time.Duration) string {
	if d < 0 {
		if d == math.MinInt64 {
			d++
		}
		return "-" + Human(-d)
	}
	if d < time.Second {
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	units := []struct {
		d    time.Duration
		name string
	}{{24 * time.Hour, "d"}, {time.Hour, "h"}, {time.Minute, "m"}, {time.Second, "s"}}
	var parts []string
	for _, u := range units {
		if n := d / u.d; n > 0 || len(parts) > 0 {
			if n > 0 {
				parts = append(parts, strconv.FormatInt(int64(n), 10)+u.name)
			}
			d -= n * u.d
			if len(parts) == 2 || len(parts) == 1 && n == 0 {
				break
			}
		}
	}
	return strings.Join(parts, " ")
}

// clip quotes a header value for an error, cut to 40 bytes. Only used on
// JOSE algorithm names, which are public.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return strconv.Quote(s)
}
