// Package challenge parses the WWW-Authenticate and Proxy-Authenticate
// fields of RFC 9110 §11 into why401.Challenge values, writes them back, and
// explains them in plain words from a registry of authentication schemes.
//
// The grammar, from RFC 9110 §11.2, §11.3 and §11.6.1:
//
//	WWW-Authenticate = #challenge
//	challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-scheme = token
//	auth-param  = token BWS "=" BWS ( token / quoted-string )
//	token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//
// Input is hostile: a server, a proxy or a HAR file decides what it holds.
// Parse bounds its work (MaxValueBytes, MaxChallenges), never echoes the
// input in an error, and allocates little more than its result.
package challenge

import (
	"net/http"
	"strconv"

	"github.com/why401/why401"
)

// Limits on what Parse reads. Real servers send a few challenges in a few
// hundred bytes; anything near these limits is an attack or a bug.
const (
	MaxChallenges = 64       // challenges in all the values of one call
	MaxValueBytes = 64 << 10 // bytes in one value (field line)
)

// A SyntaxError reports a value that does not follow the grammar. It never
// quotes the input beyond a short parameter name.
type SyntaxError struct {
	Line   int    // which value, counting from 1 (0: there was none)
	Offset int    // byte offset of the fault in that value
	Msg    string // what is wrong
}

func (e *SyntaxError) Error() string {
	return "challenge: " + e.Msg + " at byte " + strconv.Itoa(e.Offset)
}

// Parse parses the values of one or more WWW-Authenticate or
// Proxy-Authenticate field lines, each a comma-separated list of
// challenges. Every value must hold at least one challenge (RFC 9110
// §11.6.1: a 401 carries "at least one challenge").
//
// Scheme keeps the case the server wrote (compare it ignoring case, or
// use Lookup); parameter names are lower-cased, as they are
// case-insensitive (RFC 9110 §11.2); quoted values are unescaped, and
// Param.Quoted records that the value was a quoted-string. Registered is
// set from the registry. Obs-folds (RFC 9112 §5.2) are unfolded. Schemes,
// names and values that need no unescaping are substrings of the input.
//
// What follows a scheme is a token68 when it is the whole list element:
// `Newauth abc=` holds the token68 "abc=", `Newauth abc=def` the
// auth-param abc=def, and in `Newauth abc=, Basic` the comma ends the
// token68 and Basic starts a challenge.
//
// A parameter that follows a challenge without parameters is taken as that
// challenge's (`Bearer, error="x"`), although the grammar asks for a space
// after the scheme; clients read it so. Each field line is a list of its
// own: a line cannot continue the last challenge of the line before.
//
// On invalid input Parse returns a *SyntaxError for the first fault, with
// the challenges it could recover: a broken list element is dropped up to
// the next comma and parsing goes on. A challenge after the first
// MaxChallenges, or a value longer than MaxValueBytes, is an error too;
// parsing stops at the former and skips the latter.
func Parse(values ...string) ([]why401.Challenge, error) {
	var p parser
	if len(values) == 0 {
		p.fail(0, "no challenge")
	}
	for i, v := range values {
		p.value(i+1, v)
		if p.full {
			break
		}
	}
	cs := p.result()
	if p.err != nil {
		return cs, p.err
	}
	return cs, nil
}

// FromHeader parses every WWW-Authenticate line of h, or every
// Proxy-Authenticate line when proxy is set, and marks the challenges
// with Proxy. A header without the field yields no challenges and no
// error: a 401 without a challenge is a finding (challenge.missing), not a
// syntax error.
func FromHeader(h http.Header, proxy bool) ([]why401.Challenge, error) {
	name := "WWW-Authenticate"
	if proxy {
		name = "Proxy-Authenticate"
	}
	values := h.Values(name)
	if len(values) == 0 {
		return nil, nil
	}
	cs, err := Parse(values...)
	for i := range cs {
		cs[i].Proxy = proxy
	}
	return cs, err
}

// parser holds the state of one Parse call across its values.
//
// The result is built in place: cs, and params, one array for the
// parameters of every challenge. The parameters of cs[i] are
// params[lo[i]:lo[i+1]]; result slices them out at the end, when params no
// longer moves.
type parser struct {
	s      string // the value being parsed, obs-folds unfolded
	line   int    // its number, from 1
	cs     []why401.Challenge
	params []why401.Param
	lo     [MaxChallenges]int
	cur    int                 // index in cs of the challenge taking parameters, or -1
	seen   map[string]struct{} // parameter names of cur, once it has many
	err    *SyntaxError        // the first fault
	full   bool                // MaxChallenges reached
}

// block is the memory of a typical result, taken in one allocation at
// the first challenge: cs and params start in it, and only a value with
// more challenges or parameters than it holds makes either grow (by
// append, into memory of its own). RFC 7616's Digest challenges have up to
// 7 parameters, and most 401s offer one or two schemes.
type block struct {
	cs     [2]why401.Challenge
	params [8]why401.Param
}

// fail records a fault at offset off of the current value, unless an
// earlier one was recorded: the first fault is the one reported.
func (p *parser) fail(off int, msg string) {
	if p.err == nil {
		p.err = &SyntaxError{Line: p.line, Offset: off, Msg: msg}
	}
}

// value parses one field line.
//
//	#challenge = [ challenge ] *( OWS "," OWS [ challenge ] )
func (p *parser) value(line int, v string) {
	p.line, p.cur, p.seen = line, -1, nil
	if len(v) > MaxValueBytes {
		p.fail(MaxValueBytes, "value longer than "+strconv.Itoa(MaxValueBytes)+" bytes")
		return
	}
	p.s = unfold(v)
	n := len(p.cs)
	for i := skipSeparators(p.s, 0); i < len(p.s) && !p.full; i = skipSeparators(p.s, i) {
		i = p.element(i)
	}
	if len(p.cs) == n && !p.full {
		p.fail(0, "no challenge")
	}
}

// element parses the list element at s[i], which is neither OWS nor a
// comma, and returns the index of the comma that ends it (or len(s)). A
// list element is a challenge, or an auth-param of the challenge before
// it: a token followed by BWS "=" is an auth-param, since an auth-scheme
// is followed by SP, a comma or the end, and a token68 never starts with
// "=".
func (p *parser) element(i int) int {
	s := p.s
	name, j := token(s, i)
	if name == "" {
		if p.cur < 0 {
			p.fail(i, "expected auth-scheme")
		} else {
			p.fail(i, "expected auth-param or auth-scheme")
		}
		return skipElement(s, i)
	}
	var end int
	var ok bool
	if k := skipOWS(s, j); k < len(s) && s[k] == '=' {
		end, ok = p.param(i, name, k+1)
	} else {
		end, ok = p.challenge(i, name, j)
	}
	if !ok {
		return skipElement(s, end)
	}
	if k := skipOWS(s, end); k < len(s) && s[k] != ',' {
		p.fail(k, "expected ','")
		return skipElement(s, k)
	}
	return end
}

// challenge starts a challenge whose auth-scheme s[start:j] has been read
// and parses what may follow it: a token68 or a first auth-param. It
// returns the index after what it read and whether it was valid; when it
// was not, the index is where to resume skipping from.
//
//	challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
func (p *parser) challenge(start int, scheme string, j int) (int, bool) {
	if len(p.cs) == MaxChallenges {
		p.fail(start, "too many challenges")
		p.full = true
		return len(p.s), false
	}
	if p.cs == nil {
		b := new(block)
		p.cs, p.params = b.cs[:0], b.params[:0]
	}
	p.lo[len(p.cs)] = len(p.params)
	p.cs = append(p.cs, why401.Challenge{Scheme: scheme})
	p.cur, p.seen = len(p.cs)-1, nil
	s := p.s
	if j == len(s) || s[j] == ',' {
		return j, true
	}
	if s[j] != ' ' {
		p.fail(j, "expected space after auth-scheme")
		return j, false
	}
	k := skipSP(s, j)
	if e := skipOWS(s, k); e == len(s) || s[e] == ',' {
		return e, true // an empty #auth-param list
	}
	if end, ok := token68At(s, k); ok {
		c := &p.cs[p.cur]
		c.Token68, c.HasToken68 = s[k:end], true
		return end, true
	}
	name, e := token(s, k)
	if name == "" {
		p.fail(k, "expected token68 or auth-param")
		return k, false
	}
	if e = skipOWS(s, e); e == len(s) || s[e] != '=' {
		p.fail(e, "expected '=' after auth-param name")
		return e, false
	}
	return p.param(k, name, e+1)
}

// param parses the value of the auth-param whose name s[start:] and "="
// have been read, i being the index after the "=", and adds it to the
// current challenge. It returns the index after the value and whether the
// parameter was valid.
//
//	auth-param = token BWS "=" BWS ( token / quoted-string )
func (p *parser) param(start int, name string, i int) (int, bool) {
	if p.cur < 0 {
		p.fail(start, "auth-param before any auth-scheme")
		return start, false
	}
	if p.cs[p.cur].HasToken68 {
		p.fail(start, "auth-param after token68")
		return start, false
	}
	s := p.s
	i = skipOWS(s, i)
	var v string
	var end int
	quoted := i < len(s) && s[i] == '"'
	if quoted {
		var bad int
		var msg string
		if v, end, bad, msg = quotedString(s, i); msg != "" {
			p.fail(bad, msg)
			return i, false
		}
	} else {
		if v, end = token(s, i); v == "" {
			p.fail(i, "expected token or quoted-string")
			return i, false
		}
		// A value such as nonce=abc/def== (a token68 where a token
		// belongs) is a common server bug; say so rather than "expected ','".
		if end < len(s) && !isOWS(s[end]) && s[end] != ',' {
			p.fail(end, "invalid character in unquoted value")
			return end, false
		}
	}
	p.add(start, why401.Param{Name: lower(name), Value: v, Quoted: quoted})
	return end, true
}

// add appends a parameter to the current challenge unless the challenge
// already has one of that name: RFC 9110 §11.2 says each parameter name
// "MUST only occur once per challenge". The first one is kept.
func (p *parser) add(start int, q why401.Param) {
	if p.repeated(q.Name) {
		p.fail(start, "repeated auth-param "+strconv.Quote(short(q.Name)))
		return
	}
	p.params = append(p.params, q)
	if p.seen != nil {
		p.seen[q.Name] = struct{}{}
	}
}

// repeated reports whether the current challenge has a parameter named
// name. A few names are compared in place; past that a set keeps a
// hostile challenge with thousands of parameters linear.
func (p *parser) repeated(name string) bool {
	ps := p.params[p.lo[p.cur]:]
	if p.seen == nil && len(ps) < 16 {
		for _, q := range ps {
			if q.Name == name {
				return true
			}
		}
		return false
	}
	if p.seen == nil {
		p.seen = make(map[string]struct{}, 2*len(ps))
		for _, q := range ps {
			p.seen[q.Name] = struct{}{}
		}
	}
	_, ok := p.seen[name]
	return ok
}

// result finishes the challenges: it sets Registered and slices each
// challenge's Params out of the shared array, capped at its own length so
// that an append by the caller copies rather than overwrites the next
// challenge's.
func (p *parser) result() []why401.Challenge {
	for i := range p.cs {
		c := &p.cs[i]
		s := lookup(c.Scheme)
		c.Registered = s != nil && s.Registered
		lo, hi := p.lo[i], len(p.params)
		if i+1 < len(p.cs) {
			hi = p.lo[i+1]
		}
		if hi > lo {
			c.Params = p.params[lo:hi:hi]
		}
	}
	return p.cs
}

// short cuts s to at most 32 bytes for an error message.
func short(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}
