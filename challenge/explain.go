package challenge

import (
	"encoding/base64"
	"encoding/binary"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/why401/why401"
)

// Explain says in plain words what one challenge asks for and what its
// parameters mean, for someone stuck in front of a 401 (or a 407, when
// c.Proxy is set). Values from the server are quoted, shortened and
// stripped of control characters, since a hostile server chooses them.
func Explain(c why401.Challenge) string {
	e := explainer{c: c, who: "server"}
	if c.Proxy {
		e.who = "proxy"
	}
	s, known := Lookup(c.Scheme)
	switch {
	case !known:
		e.unknown()
	case s.Name == "Basic":
		e.basic()
	case s.Name == "Digest":
		e.digest()
	case s.Name == "Bearer":
		e.bearer()
	case s.Name == "DPoP":
		e.dpop()
	case s.Name == "Negotiate":
		e.negotiate(s)
	case s.Name == "NTLM":
		e.ntlm(s)
	default:
		e.generic(s)
	}
	return e.b.String()
}

// explainer writes the sentences of one explanation.
type explainer struct {
	c   why401.Challenge
	who string // "server" or "proxy"
	b   strings.Builder
}

// say writes one sentence made of parts.
func (e *explainer) say(parts ...string) {
	if e.b.Len() > 0 {
		e.b.WriteByte(' ')
	}
	for _, p := range parts {
		e.b.WriteString(p)
	}
}

// param returns the value of the named parameter.
func (e *explainer) param(name string) (string, bool) { return e.c.Param(name) }

// space returns " for the protection space "realm"", or "" without a realm.
// RFC 9110 §11.5: the realm names the protection space, the set of pages
// that share these credentials.
func (e *explainer) space() string {
	if r, ok := e.param("realm"); ok && r != "" {
		return " for the protection space " + quote(r)
	}
	return ""
}

// noToken68 notes a token68 on a scheme whose challenges only use
// parameters.
func (e *explainer) noToken68() {
	if e.c.HasToken68 {
		e.say("It also carries a token68 value, which ", clean(e.c.Scheme), " challenges do not use.")
	}
}

// basic explains an RFC 7617 challenge.
func (e *explainer) basic() {
	e.say("The ", e.who, " wants a user name and password (HTTP Basic, RFC 7617)", e.space(), ".")
	e.say("Basic sends the password merely encoded, so it must only be used over HTTPS.")
	if cs, ok := e.param("charset"); ok {
		if equalFold(cs, "UTF-8") {
			e.say(`It accepts non-ASCII user names and passwords in UTF-8 (charset="UTF-8", RFC 7617 §2.1).`)
		} else {
			e.say("Its charset=", quote(cs), ` is invalid: RFC 7617 §2.1 allows only "UTF-8".`)
		}
	}
	if _, ok := e.param("realm"); !ok {
		e.say("The challenge lacks the realm that RFC 7617 §2 requires.")
	}
	e.noToken68()
}

// digestAlgorithms are the algorithms of RFC 7616 §3.3 (each also has a
// "-sess" form).
var digestAlgorithms = [...]string{"MD5", "SHA-256", "SHA-512-256"}

// digest explains an RFC 7616 challenge.
func (e *explainer) digest() {
	e.say("The ", e.who, " wants a user name and password (HTTP Digest, RFC 7616)", e.space(), ".")
	e.say("The password is not sent: the client proves it knows it with a hash over the server's nonce.")
	e.digestAlgorithm()
	if qop, ok := e.param("qop"); !ok {
		e.say("It names no qop: the old RFC 2069 mode, which RFC 7616 §3.3 no longer allows, though many clients still answer it.")
	} else if !hasListItem(qop, "auth") {
		e.say("It offers only qop=", quote(qop), ", and most clients support only auth.")
	}
	if v, _ := e.param("stale"); equalFold(v, "true") {
		e.say("stale=true: the nonce expired, not the password; the client should retry with the new nonce without asking for the password again (RFC 7616 §3.3).")
	}
	if v, _ := e.param("userhash"); equalFold(v, "true") {
		e.say("userhash=true: the client may send the user name hashed (RFC 7616 §3.4.4).")
	}
	if cs, ok := e.param("charset"); ok && equalFold(cs, "UTF-8") {
		e.say(`It accepts non-ASCII user names and passwords in UTF-8 (charset="UTF-8").`)
	}
	var missing []string
	for _, name := range [...]string{"realm", "nonce"} {
		if _, ok := e.param(name); !ok {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		e.say("The challenge lacks the ", strings.Join(missing, " and "), " that RFC 7616 §3.3 requires, so clients cannot answer it.")
	}
	e.noToken68()
}

// digestAlgorithm explains the algorithm parameter of a Digest challenge.
func (e *explainer) digestAlgorithm() {
	alg, ok := e.param("algorithm")
	if !ok {
		e.say("It names no algorithm, so MD5 applies (RFC 7616 §3.3), a weak hash kept for old clients.")
		return
	}
	base := alg
	if n := len(alg) - len("-sess"); n > 0 && equalFold(alg[n:], "-sess") {
		base = alg[:n]
	}
	for _, a := range digestAlgorithms {
		if equalFold(base, a) {
			if a == "MD5" {
				e.say("It uses the ", alg, " algorithm, a weak hash kept for old clients.")
			} else {
				e.say("It uses the ", alg, " algorithm.")
			}
			return
		}
	}
	e.say("Its algorithm ", quote(alg), " is not one RFC 7616 defines (MD5, SHA-256, SHA-512-256 and their -sess forms), so clients will ignore this challenge.")
}

// bearer explains an RFC 6750 challenge.
func (e *explainer) bearer() {
	e.say("The ", e.who, " wants an OAuth 2.0 access token (Bearer, RFC 6750)", e.space(), `. Send it as "Authorization: Bearer <token>".`)
	e.oauthError()
	e.noToken68()
}

// dpop explains an RFC 9449 challenge.
func (e *explainer) dpop() {
	e.say("The ", e.who, " wants an OAuth 2.0 access token bound to the client's key (DPoP, RFC 9449)", e.space(),
		`. Send it as "Authorization: DPoP <token>" with a new "DPoP" proof header on every request.`)
	if algs, ok := e.param("algs"); ok {
		e.say("The proof must be signed with one of: ", quote(algs), ".")
	}
	e.oauthError()
	e.noToken68()
}

// oauthError explains the error, error_description, error_uri, scope and
// resource_metadata parameters shared by Bearer (RFC 6750 §3) and DPoP
// (RFC 9449 §7.1), and RFC 9728 §5.1.
func (e *explainer) oauthError() {
	code, ok := e.param("error")
	switch {
	case !ok:
		e.say("It carries no error code, which usually means that no token was sent at all (RFC 6750 §3.1).")
	case code == "invalid_token":
		e.say(`error="invalid_token": the token was refused: it is expired, revoked, malformed or meant for another resource (RFC 6750 §3.1). Get a new one.`)
	case code == "insufficient_scope":
		e.say(`error="insufficient_scope": the token is valid but lacks the permissions this resource needs (RFC 6750 §3.1); get one with the scope below. The right status for this is 403, not 401.`)
	case code == "invalid_request":
		e.say(`error="invalid_request": the request is malformed: a parameter is missing, repeated or unsupported, or the token was sent in more than one way (RFC 6750 §3.1).`)
	case code == "use_dpop_nonce":
		e.say(`error="use_dpop_nonce": the server wants its nonce in the proof; retry with the value of the DPoP-Nonce response header (RFC 9449 §9).`)
	case code == "invalid_dpop_proof":
		e.say(`error="invalid_dpop_proof": the DPoP proof was refused; check its signature, method (htm), URL (htu), time (iat) and nonce (RFC 9449 §7.1).`)
	default:
		e.say("error=", quote(code), ": a code that RFC 6750 does not define.")
	}
	if d, ok := e.param("error_description"); ok {
		e.say("The ", e.who, " says: ", quote(d), ".")
	}
	if u, ok := e.param("error_uri"); ok {
		e.say("Details: ", quote(u), ".")
	}
	if s, ok := e.param("scope"); ok {
		e.say("Scope required: ", quote(s), ".")
	}
	if u, ok := e.param("resource_metadata"); ok {
		e.say("The resource describes itself at ", quote(u), " (RFC 9728), including which authorization servers issue tokens for it.")
	}
}

// negotiate explains an RFC 4559 challenge.
func (e *explainer) negotiate(s Scheme) {
	e.say("The ", e.who, " wants Windows integrated authentication (Negotiate, RFC 4559): a Kerberos ticket, or NTLM as a fallback, for the account the user is logged in with.")
	if !e.c.HasToken68 {
		e.say("A client needs ", s.ClientNeeds, ".")
		return
	}
	if t := ntlmType(e.c.Token68); t > 0 {
		e.say("Its token is an NTLM message (type ", strconv.Itoa(t), "): the client fell back from Kerberos to NTLM, usually because it had no Kerberos ticket for this host (a missing SPN, or a machine outside the domain).")
		return
	}
	e.say("It carries a token, so a handshake is under way: the client must answer it on the same connection.")
}

// ntlm explains an NTLM challenge.
func (e *explainer) ntlm(s Scheme) {
	e.say("The ", e.who, " wants ", s.Summary, " (NTLM, ", s.Spec, "; not in the IANA registry).")
	switch t := ntlmType(e.c.Token68); {
	case !e.c.HasToken68:
		e.say("A client needs ", s.ClientNeeds, ".")
	case t == 2:
		e.say("Its token is the server's NTLM challenge (message 2 of 3): the client must answer it on the same connection, or start over.")
	default:
		e.say("It carries a token that is not an NTLM challenge message, which clients will not understand.")
	}
}

// ntlmType returns the type of the NTLM message a token68 holds (1, 2 or
// 3), or 0 if it holds none. An NTLM message starts with "NTLMSSP\x00" and
// a 32-bit little-endian type ([MS-NLMP] §2.2); in base64 that is
// "TlRMTVNTUAA" followed by the type.
func ntlmType(token string) int {
	if len(token) < 16 {
		return 0
	}
	var b [12]byte
	if _, err := base64.StdEncoding.Decode(b[:], []byte(token[:16])); err != nil {
		return 0
	}
	if string(b[:8]) != "NTLMSSP\x00" {
		return 0
	}
	if t := binary.LittleEndian.Uint32(b[8:]); 1 <= t && t <= 3 {
		return int(t)
	}
	return 0
}

// generic explains a known scheme from its registry entry.
func (e *explainer) generic(s Scheme) {
	spec := s.Spec
	if !s.Registered {
		spec += "; not in the IANA registry"
	}
	e.say("The ", e.who, " asks for ", s.Name, " authentication (", spec, ")", e.space(), ": it wants ", s.Summary, ".")
	e.say("A client needs ", s.ClientNeeds, ".")
	if u, ok := e.param("as_uri"); ok && s.Name == "GNAP" {
		e.say("Its grant endpoint is ", quote(u), ".")
	}
}

// unknown explains a scheme outside the registry, listing what it carries.
func (e *explainer) unknown() {
	e.say("The ", e.who, " asks for authentication with ", quote(e.c.Scheme),
		", a scheme that is neither in the IANA HTTP Authentication Scheme Registry nor in common use; only a client made for it can answer.")
	if r, ok := e.param("realm"); ok {
		e.say("It names the protection space ", quote(r), ".")
	}
	if e.c.HasToken68 {
		e.say("It carries a token68 value.")
	}
	var ps []string
	for _, p := range e.c.Params {
		if p.Name == "realm" {
			continue
		}
		if len(ps) == 8 {
			ps = append(ps, "…")
			break
		}
		var b strings.Builder
		b.WriteString(short(p.Name))
		b.WriteByte('=')
		writeValue(&b, clean(p.Value), p.Quoted)
		ps = append(ps, b.String())
	}
	if len(ps) > 0 {
		e.say("Its parameters: ", strings.Join(ps, ", "), ".")
	}
}

// hasListItem reports whether the comma-separated list holds item,
// ignoring case and whitespace.
func hasListItem(list, item string) bool {
	for f := range strings.SplitSeq(list, ",") {
		if equalFold(strings.TrimSpace(f), item) {
			return true
		}
	}
	return false
}

// quote returns v in double quotes for a sentence, cleaned.
func quote(v string) string { return `"` + clean(v) + `"` }

// clean returns v cut to at most 100 characters, with invalid UTF-8 and
// non-printing characters (a terminal escape, a bidirectional override)
// replaced by U+FFFD: a hostile server chooses these values.
func clean(v string) string {
	const max = 100
	ok := len(v) <= max && utf8.ValidString(v)
	for i := 0; ok && i < len(v); i++ {
		ok = 0x20 <= v[i] && v[i] < 0x7f
	}
	if ok {
		return v
	}
	var b strings.Builder
	b.Grow(min(len(v), 4*max) + 3)
	n := 0
	for _, r := range v {
		if n == max {
			b.WriteString("…")
			break
		}
		n++
		if !unicode.IsPrint(r) {
			r = utf8.RuneError
		}
		b.WriteRune(r)
	}
	return b.String()
}
