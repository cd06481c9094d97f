package auth

import (
	"crypto/md5"
	"crypto/rand"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/why401/why401"
)

// Errors that NewDigest and Authorize wrap.
var (
	// ErrUnsupported: the challenge asks for an algorithm or a qop this
	// package does not implement (RFC 7616 §3.3 lets a client skip it).
	ErrUnsupported = errors.New("unsupported")
	// ErrMalformed: the challenge or an argument cannot be used as it is (a
	// required parameter missing or repeated, a control character in a
	// value that would be echoed into a header).
	ErrMalformed = errors.New("malformed")
)

// maxEcho bounds a challenge value that Authorize echoes back, so that a
// hostile server cannot make the client send an enormous header.
const maxEcho = 4096

// algorithm is one Digest algorithm of RFC 7616 §3.3 / §6.1: a hash and
// whether it is the session variant.
type algorithm struct {
	name string // canonical, without "-sess"
	sess bool
	new  func() hash.Hash
	rank int // strength, for PickDigest and the server's challenge order
}

func (a algorithm) String() string {
	if a.sess {
		return a.name + "-sess"
	}
	return a.name
}

// hex returns the lower-case hex hash of parts joined with ":", the H and
// KD functions of RFC 7616 §3.4.1 (KD(secret, data) = H(secret ":" data)).
func (a algorithm) hex(parts ...string) string {
	h := a.new()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{':'})
		}
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// hexBytes returns the lower-case hex hash of b, H(entity-body) of
// RFC 7616 §3.4.3 for qop=auth-int.
func (a algorithm) hexBytes(b []byte) string {
	h := a.new()
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// parseAlgorithm maps an algorithm value of the IANA "HTTP Digest Hash
// Algorithms" registry (RFC 7616 §6.1) to its hash. The comparison ignores
// ASCII case: RFC 2617 servers write "md5" as often as "MD5".
func parseAlgorithm(s string) (algorithm, bool) {
	var a algorithm
	name, sess := s, false
	if len(name) > 5 && strings.EqualFold(name[len(name)-5:], "-sess") {
		name, sess = name[:len(name)-5], true
	}
	switch {
	case strings.EqualFold(name, "MD5"):
		a = algorithm{name: "MD5", new: md5.New, rank: 1}
	case strings.EqualFold(name, "SHA-256"):
		a = algorithm{name: "SHA-256", new: sha256.New, rank: 2}
	case strings.EqualFold(name, "SHA-512-256"):
		a = algorithm{name: "SHA-512-256", new: sha512.New512_256, rank: 3}
	default:
		return a, false
	}
	a.sess = sess
	return a, true
}

// ha1 returns H(A1) of RFC 7616 §3.4.2. For a -sess algorithm the session
// key also binds the server's and the client's nonces, so that a stored
// H(user:realm:pass) alone does not answer a challenge.
func (a algorithm) ha1(user, realm, pass, nonce, cnonce string) string {
	h := a.hex(user, realm, pass)
	if a.sess {
		return a.hex(h, nonce, cnonce)
	}
	return h
}

// response returns the request-digest of RFC 7616 §3.4.1, or, when qop is
// empty, the RFC 2069 form H(H(A1) ":" nonce ":" H(A2)) that RFC 2617 §3.2.2.1
// kept for compatibility.
func (a algorithm) response(ha1, method, uri, nonce, nc, cnonce, qop string, body []byte) string {
	var ha2 string
	if qop == "auth-int" {
		ha2 = a.hex(method, uri, a.hexBytes(body)) // RFC 7616 §3.4.3
	} else {
		ha2 = a.hex(method, uri)
	}
	if qop == "" {
		return a.hex(ha1, nonce, ha2)
	}
	return a.hex(ha1, nonce, nc, cnonce, qop, ha2)
}

// PickDigest returns the Digest challenge a client should answer among chs:
// the one with the strongest algorithm this package supports
// (SHA-512-256, then SHA-256, then MD5; a -sess variant counts as its
// hash), the first one on a tie. RFC 7616 §3.7 has servers list challenges
// in their order of preference and clients take the first they support
// "unless a local policy dictates otherwise"; preferring the strongest hash
// is such a policy, and it keeps a downgrade to MD5 from being the default.
// A challenge without an algorithm parameter is
// MD5 (RFC 7616 §3.3). Challenges that NewDigest refuses (an unknown
// algorithm, no nonce, no usable qop) are skipped, so the result can be
// answered. ok is false when none can.
func PickDigest(chs []why401.Challenge) (why401.Challenge, bool) {
	best, bestRank := -1, 0
	for i, ch := range chs {
		d, err := NewDigest(ch)
		if err != nil {
			continue
		}
		if d.alg.rank > bestRank {
			best, bestRank = i, d.alg.rank
		}
	}
	if best < 0 {
		return why401.Challenge{}, false
	}
	return chs[best], true
}

// Digest answers one Digest challenge (RFC 7616). Build it with NewDigest,
// then call Authorize for each request; it counts nonce uses (nc) itself and
// is safe for concurrent use.
type Digest struct {
	// Cnonce returns the client nonce for one Authorize call (RFC 7616
	// §3.4: cnonce). Nil means 16 random bytes from crypto/rand, in hex.
	// Tests set it to reproduce the RFC's examples.
	Cnonce func() string

	realm    string
	nonce    string
	opaque   string
	hasOpq   bool
	algParam string // the algorithm as the server spelled it; "" if absent
	alg      algorithm
	qop      string // "auth", "auth-int", or "" for the RFC 2069 form
	userhash bool
	stale    bool
	utf8     bool
	nc       atomic.Uint32
}

// NewDigest prepares the answer to a Digest challenge.
//
// It checks what RFC 7616 §3.3 requires of a challenge: the scheme is
// Digest, realm and nonce are present, the algorithm (MD5 when absent) is
// one this package implements, and qop offers "auth" or "auth-int". It
// picks qop=auth whenever it is offered: auth-int also protects the body,
// but only helps when the body is known and small, and servers that offer
// both accept either. With no qop at all it answers in the RFC 2069 form
// that RFC 2617 kept for old servers, which has no nc and no cnonce; a
// -sess algorithm cannot be answered that way, because its session key
// needs a cnonce (RFC 7616 §3.4.2).
//
// Values that Authorize echoes (realm, nonce, opaque) must not hold a
// control character: echoing a CR or LF from a server into a request header
// would let the server inject header lines.
func NewDigest(ch why401.Challenge) (*Digest, error) {
	if !strings.EqualFold(ch.Scheme, "Digest") {
		return nil, fmt.Errorf("auth: digest: the challenge's scheme is %s, not Digest: %w", clip(ch.Scheme), ErrMalformed)
	}
	if ch.HasToken68 {
		return nil, fmt.Errorf("auth: digest: the challenge has a token68 where RFC 7616 §3.3 wants parameters: %w", ErrMalformed)
	}
	// RFC 9110 §11.2: each parameter name occurs once per challenge. A
	// repeated one leaves the client guessing which the server meant.
	seen := make(map[string]bool, len(ch.Params))
	for _, p := range ch.Params {
		switch p.Name {
		case "realm", "nonce", "opaque", "algorithm", "qop", "stale", "userhash", "charset":
			if seen[p.Name] {
				return nil, fmt.Errorf("auth: digest: the challenge repeats %s (RFC 9110 §11.2): %w", p.Name, ErrMalformed)
			}
			seen[p.Name] = true
		}
	}

	d := &Digest{}
	var ok bool
	if d.realm, ok = ch.Param("realm"); !ok {
		return nil, fmt.Errorf("auth: digest: the challenge has no realm (RFC 7616 §3.3 requires one): %w", ErrMalformed)
	}
	if d.nonce, _ = ch.Param("nonce"); d.nonce == "" {
		return nil, fmt.Errorf("auth: digest: the challenge has no nonce (RFC 7616 §3.3 requires one): %w", ErrMalformed)
	}
	d.opaque, d.hasOpq = ch.Param("opaque")
	for _, f := range []struct{ name, v string }{{"realm", d.realm}, {"nonce", d.nonce}, {"opaque", d.opaque}} {
		if len(f.v) > maxEcho {
			return nil, fmt.Errorf("auth: digest: the challenge's %s is longer than %d bytes: %w", f.name, maxEcho, ErrMalformed)
		}
		if hasCTL(f.v) {
			return nil, fmt.Errorf("auth: digest: the challenge's %s contains a control character: %w", f.name, ErrMalformed)
		}
	}

	if v, ok := ch.Param("algorithm"); ok {
		a, known := parseAlgorithm(strings.TrimSpace(v))
		if !known {
			return nil, fmt.Errorf("auth: digest: algorithm %s: %w", clip(v), ErrUnsupported)
		}
		d.alg, d.algParam = a, strings.TrimSpace(v)
	} else {
		d.alg, _ = parseAlgorithm("MD5") // RFC 7616 §3.3: "If this is not present, it is assumed to be MD5"
	}

	if v, ok := ch.Param("qop"); ok {
		// qop-options is a quoted, comma-separated list of tokens
		// (RFC 7616 §3.3); some servers send a bare token.
		var auth, authInt bool
		for _, q := range strings.Split(v, ",") {
			q = strings.TrimSpace(q)
			auth = auth || strings.EqualFold(q, "auth")
			authInt = authInt || strings.EqualFold(q, "auth-int")
		}
		switch {
		case auth:
			d.qop = "auth"
		case authInt:
			d.qop = "auth-int"
		default:
			return nil, fmt.Errorf("auth: digest: qop %s offers neither auth nor auth-int: %w", clip(v), ErrUnsupported)
		}
	} else if d.alg.sess {
		return nil, fmt.Errorf("auth: digest: algorithm %s without qop cannot be answered: its session key needs a cnonce (RFC 7616 §3.4.2): %w", d.alg, ErrMalformed)
	}

	if v, ok := ch.Param("stale"); ok {
		d.stale = strings.EqualFold(strings.TrimSpace(v), "true")
	}
	if v, ok := ch.Param("userhash"); ok {
		d.userhash = strings.EqualFold(strings.TrimSpace(v), "true")
	}
	if v, ok := ch.Param("charset"); ok {
		d.utf8 = strings.EqualFold(strings.TrimSpace(v), "UTF-8")
	}
	return d, nil
}

// Algorithm returns the algorithm being answered, in the registry's
// spelling: "MD5", "SHA-256", "SHA-512-256", with "-sess" when it is a
// session variant.
func (d *Digest) Algorithm() string { return d.alg.String() }

// Qop returns the quality of protection chosen: "auth", "auth-int", or ""
// when the server offered none (the RFC 2069 form).
func (d *Digest) Qop() string { return d.qop }

// Stale reports whether the challenge said stale=true (RFC 7616 §3.3): the
// previous request was refused only because its nonce had expired, and the
// same credentials should be sent again with the new nonce. It is not a
// failed login.
func (d *Digest) Stale() bool { return d.stale }

// UserHash reports whether the server asked for the user name to be hashed
// (RFC 7616 §3.4.4).
func (d *Digest) UserHash() bool { return d.userhash }

// UTF8 reports whether the challenge said charset=UTF-8 (RFC 7616 §3.3):
// the server expects the user name and password in UTF-8.
func (d *Digest) UTF8() bool { return d.utf8 }

// Realm returns the realm of the challenge.
func (d *Digest) Realm() string { return d.realm }

// NonceCount returns how many times Authorize has used the nonce.
func (d *Digest) NonceCount() uint32 { return d.nc.Load() }

// Authorize returns the Authorization field value that answers the
// challenge for one request (RFC 7616 §3.4): method and uri are the
// request's method and request-target (the "uri" parameter must equal it,
// §3.4.6), body its content, used only with qop=auth-int.
//
// Each call uses the next nonce count (nc, 8 hex digits, from 00000001) and
// a fresh cnonce. The user name is sent as:
//   - username="hash" with userhash=true when the server asked for it
//     (§3.4.4: H(username ":" realm), computed after the other hashes, so
//     A1 keeps the plain name);
//   - username="name" when the name is printable ASCII;
//   - username* otherwise, as an RFC 8187 ext-value (charset UTF-8, no
//     language, octets percent-encoded; §3.4.4), since a quoted-string
//     cannot carry it portably.
//
// The user name and password enter the hashes as UTF-8 (the only charset
// RFC 7616 §3.3 defines). The error never contains the password.
func (d *Digest) Authorize(user string, pass string, method, uri string, body []byte) (string, error) {
	if !utf8.ValidString(user) {
		return "", fmt.Errorf("auth: digest: user name %w", ErrNotUTF8)
	}
	if hasControl(user) {
		return "", fmt.Errorf("auth: digest: user name %w", ErrControl)
	}
	if !isToken(method) {
		return "", fmt.Errorf("auth: digest: method %s is not an HTTP token: %w", clip(method), ErrMalformed)
	}
	if uri == "" || hasCTL(uri) || strings.ContainsAny(uri, " \t") {
		return "", fmt.Errorf("auth: digest: uri is empty or contains a space or control character: %w", ErrMalformed)
	}

	var nc, cnonce string
	if d.qop != "" {
		nc = fmt.Sprintf("%08x", d.nc.Add(1))
		cnonce = d.newCnonce()
		if cnonce == "" || hasCTL(cnonce) {
			return "", fmt.Errorf("auth: digest: the cnonce source gave an empty value or a control character: %w", ErrMalformed)
		}
	} else {
		d.nc.Add(1)
	}
	ha1 := d.alg.ha1(user, d.realm, pass, d.nonce, cnonce)
	resp := d.alg.response(ha1, method, uri, d.nonce, nc, cnonce, d.qop, body)

	var b strings.Builder
	b.WriteString("Digest ")
	switch {
	case d.userhash:
		b.WriteString("username=" + quote(d.alg.hex(user, d.realm)))
	case isPrintableASCII(user):
		b.WriteString("username=" + quote(user))
	default:
		b.WriteString("username*=UTF-8''" + extValue(user))
	}
	b.WriteString(", realm=" + quote(d.realm))
	b.WriteString(", uri=" + quote(uri))
	if d.algParam != "" {
		b.WriteString(", algorithm=" + d.algParam)
	}
	b.WriteString(", nonce=" + quote(d.nonce))
	if d.qop != "" {
		b.WriteString(", nc=" + nc)
		b.WriteString(", cnonce=" + quote(cnonce))
		b.WriteString(", qop=" + d.qop)
	}
	b.WriteString(", response=" + quote(resp))
	if d.hasOpq {
		b.WriteString(", opaque=" + quote(d.opaque))
	}
	if d.userhash {
		b.WriteString(", userhash=true")
	}
	return b.String(), nil
}

func (d *Digest) newCnonce() string {
	if d.Cnonce != nil {
		return d.Cnonce()
	}
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}

// quote returns s as a quoted-string (RFC 9110 §5.6.4), escaping '"' and
// '\' with a backslash.
func quote(s string) string {
	if !strings.ContainsAny(s, `"\`) {
		return `"` + s + `"`
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('"')
	return b.String()
}

// extValue percent-encodes s as the value-chars of an RFC 8187 §3.2.1
// ext-value: attr-char stays, every other octet becomes %XX.
func extValue(s string) string {
	const hexDigits = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isAttrChar(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hexDigits[c>>4])
		b.WriteByte(hexDigits[c&15])
	}
	return b.String()
}

// isAttrChar reports whether c is an attr-char of RFC 8187 §3.2.1:
// ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~".
func isAttrChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// isPrintableASCII reports whether every byte of s is visible ASCII or a
// space, so that s fits a quoted-string on every implementation.
func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// hasCTL reports whether s holds an ASCII control character (RFC 5234
// CTL: %x00-1F / %x7F), the octets that must never be echoed into a field.
func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] == 0x7f {
			return true
		}
	}
	return false
}

// isToken reports whether s is a token of RFC 9110 §5.6.2:
// 1*tchar, tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" /
// "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

func isTchar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// clip quotes an outside value for an error message, cut to 40 bytes so
// that a hostile challenge cannot flood the output. It is only used on
// values a server sent in clear (a scheme, an algorithm name), never on
// secrets.
func clip(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Sprintf("%q", s)
}
