package auth

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/why401/why401"
)

// DigestResult is what DigestServer.Verify concluded about an
// Authorization field: OK, or the one reason it was refused.
type DigestResult int

// The results of DigestServer.Verify.
const (
	DigestOK             DigestResult = iota // the credentials are right
	DigestMissing                            // no Authorization field
	DigestWrongScheme                        // credentials of another scheme (Basic to a Digest server)
	DigestMalformed                          // not parseable, or a required parameter missing or repeated
	DigestWrongRealm                         // realm is not the server's
	DigestWrongURI                           // uri is not the request's target (RFC 7616 §3.4.6)
	DigestWrongAlgorithm                     // an algorithm the server did not offer
	DigestWrongQop                           // a qop the server did not offer, or none when one was
	DigestBadNonce                           // a nonce this server did not issue
	DigestUnknownUser                        // no such user
	DigestWrongPassword                      // the response does not match: wrong password
	DigestStaleNonce                         // right credentials, expired nonce: retry with stale=true's new nonce
	DigestReplayedNC                         // the nonce count did not increase: a replay
)

var digestResultNames = [...]string{
	"ok", "missing", "wrong-scheme", "malformed", "wrong-realm", "wrong-uri", "wrong-algorithm",
	"wrong-qop", "bad-nonce", "unknown-user", "wrong-password", "stale-nonce", "replayed-nc",
}

func (r DigestResult) String() string {
	if r < 0 || int(r) >= len(digestResultNames) {
		return "digest-result(" + strconv.Itoa(int(r)) + ")"
	}
	return digestResultNames[r]
}

// DigestServer checks Digest credentials (RFC 7616) the way a server does,
// for why401's test lab and tests: it issues challenges, verifies answers,
// and says exactly why one was refused.
//
// Nonces are HMAC-signed timestamps under a random key the server makes on
// first use, so the server keeps no per-nonce state except a small bounded
// map of the last nonce count seen per nonce (replay detection is
// best-effort beyond that bound). Set the fields before first use and do not
// change them after; the methods are safe for concurrent use.
type DigestServer struct {
	// Realm is the protection space (RFC 7616 §3.3).
	Realm string
	// Algorithms are the algorithms offered, one challenge each: "MD5",
	// "SHA-256", "SHA-512-256", each optionally with "-sess". Empty means
	// SHA-256 and MD5. Names this package does not implement are skipped.
	Algorithms []string
	// Qop are the qop values offered: "auth", "auth-int". Empty means
	// "auth".
	Qop []string
	// RFC2069 makes the server offer no qop at all, like servers older than
	// RFC 2617: clients then answer without nc and cnonce, and replays
	// cannot be detected.
	RFC2069 bool
	// Users maps user names to passwords.
	Users map[string]string
	// UserHash asks clients to hash the user name (RFC 7616 §3.4.4).
	UserHash bool
	// NonceTTL is how long a nonce is fresh; an older one gets StaleNonce.
	// Zero means five minutes.
	NonceTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Opaque is sent in every challenge and must come back unchanged
	// (RFC 7616 §3.3); empty means none.
	Opaque string

	once sync.Once
	key  []byte

	mu     sync.Mutex
	counts map[string]ncEntry
}

type ncEntry struct {
	nc     uint64
	issued time.Time
}

// maxTracked bounds the nonce-count map.
const maxTracked = 1024

// maxAuthorization bounds the Authorization value Verify parses.
const maxAuthorization = 16 << 10

// String describes the server without its passwords, so that printing it
// (with %v or %+v) never leaks one.
func (s *DigestServer) String() string {
	return fmt.Sprintf("DigestServer{Realm: %q, Algorithms: %q, Qop: %q, RFC2069: %v, Users: %d, UserHash: %v, NonceTTL: %v}",
		s.Realm, s.Algorithms, s.Qop, s.RFC2069, len(s.Users), s.UserHash, s.ttl())
}

// GoString is String, so that %#v does not print the passwords either.
func (s *DigestServer) GoString() string { return s.String() }

func (s *DigestServer) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *DigestServer) ttl() time.Duration {
	if s.NonceTTL > 0 {
		return s.NonceTTL
	}
	return 5 * time.Minute
}

func (s *DigestServer) algorithms() []algorithm {
	names := s.Algorithms
	if len(names) == 0 {
		names = []string{"SHA-256", "MD5"}
	}
	var algs []algorithm
	for _, n := range names {
		if a, ok := parseAlgorithm(n); ok {
			algs = append(algs, a)
		}
	}
	// Strongest first: RFC 7616 §3.7 has clients take the first challenge
	// they support, so the order is the server's preference.
	sort.SliceStable(algs, func(i, j int) bool { return algs[i].rank > algs[j].rank })
	return algs
}

func (s *DigestServer) qops() []string {
	if s.RFC2069 {
		return nil
	}
	if len(s.Qop) == 0 {
		return []string{"auth"}
	}
	return s.Qop
}

// Challenges returns the WWW-Authenticate values for a 401: one challenge
// per supported algorithm, strongest first, sharing a fresh nonce. stale
// adds stale=true, which tells the client its credentials were right and
// only the nonce had expired (RFC 7616 §3.3).
func (s *DigestServer) Challenges(stale bool) []string {
	nonce := s.newNonce(s.now())
	var out []string
	for _, a := range s.algorithms() {
		var b strings.Builder
		b.WriteString("Digest realm=" + quote(s.Realm))
		if q := s.qops(); len(q) > 0 {
			b.WriteString(", qop=" + quote(strings.Join(q, ", ")))
		}
		b.WriteString(", algorithm=" + a.String())
		b.WriteString(", nonce=" + quote(nonce))
		if s.Opaque != "" {
			b.WriteString(", opaque=" + quote(s.Opaque))
		}
		if stale {
			b.WriteString(", stale=true")
		}
		// The server decodes username* and compares names as UTF-8.
		b.WriteString(", charset=UTF-8")
		if s.UserHash {
			b.WriteString(", userhash=true")
		}
		out = append(out, b.String())
	}
	return out
}

// Verify checks an Authorization value answering one of the server's
// challenges, for a request with the given method and body (the body
// matters only with qop=auth-int). It trusts the uri parameter: use
// VerifyRequest to also check it against the request's target.
//
// It reports the first fault found, checking in this order: the form of
// the field, realm and uri, algorithm and qop, the nonce's signature, the
// user, the response (the password), and last the nonce's age and count.
// StaleNonce comes after the response check, as RFC 7616 §3.3 wants:
// stale=true is only for a client that proved it knows the password.
func (s *DigestServer) Verify(method string, authorization string, body []byte) DigestResult {
	return s.verify(method, "", false, authorization, body)
}

// VerifyRequest is Verify for r, whose Authorization field it reads, and it
// also checks that the uri parameter is r's request-target (RFC 7616
// §3.4.6). body is r's body, which the caller has read.
func (s *DigestServer) VerifyRequest(r *http.Request, body []byte) DigestResult {
	target := r.RequestURI
	if target == "" {
		target = r.URL.RequestURI()
	}
	return s.verify(r.Method, target, true, r.Header.Get("Authorization"), body)
}

// Handler returns a handler that serves next when the request carries
// valid Digest credentials and answers 401 with the server's challenges
// otherwise (with stale=true after StaleNonce). It reads at most 1 MiB of
// the body, for qop=auth-int (a longer body fails auth-int), and gives the
// whole body back to next. The 401's body
// names the DigestResult: a real server would keep that to itself, the lab
// shows it.
func (s *DigestServer) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body []byte
		if r.Body != nil {
			var err error
			body, err = io.ReadAll(io.LimitReader(r.Body, 1<<20))
			if err != nil {
				http.Error(w, "cannot read the request body", http.StatusBadRequest)
				return
			}
			r.Body = struct {
				io.Reader
				io.Closer
			}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		}
		res := s.VerifyRequest(r, body)
		if res == DigestOK {
			next.ServeHTTP(w, r)
			return
		}
		for _, c := range s.Challenges(res == DigestStaleNonce) {
			w.Header().Add("WWW-Authenticate", c)
		}
		http.Error(w, "401 Unauthorized: digest "+res.String(), http.StatusUnauthorized)
	})
}

func (s *DigestServer) verify(method, target string, checkURI bool, authorization string, body []byte) DigestResult {
	authorization = strings.TrimSpace(authorization)
	if authorization == "" {
		return DigestMissing
	}
	scheme, rest := authorization, ""
	if i := strings.IndexAny(authorization, " \t"); i >= 0 {
		scheme, rest = authorization[:i], authorization[i+1:]
	}
	if !strings.EqualFold(scheme, "Digest") {
		return DigestWrongScheme
	}
	if len(authorization) > maxAuthorization {
		return DigestMalformed
	}
	params, ok := parseParams(rest)
	if !ok {
		return DigestMalformed
	}
	p := make(map[string]string, len(params))
	for _, kv := range params {
		if _, dup := p[kv.Name]; dup {
			return DigestMalformed // RFC 9110 §11.2: once per name
		}
		p[kv.Name] = kv.Value
	}
	user, hasUser := p["username"]
	userExt, hasUserExt := p["username*"]
	if hasUser == hasUserExt { // username* replaces username (RFC 7616 §3.4)
		return DigestMalformed
	}
	for _, name := range []string{"realm", "nonce", "uri", "response"} {
		if _, ok := p[name]; !ok {
			return DigestMalformed
		}
	}
	qop, hasQop := p["qop"]
	if hasQop {
		if _, ok := p["cnonce"]; !ok {
			return DigestMalformed
		}
		if _, ok := p["nc"]; !ok {
			return DigestMalformed
		}
	}
	userhash := strings.EqualFold(p["userhash"], "true")
	if userhash && hasUserExt {
		return DigestMalformed // a hash is hex: username* has no purpose (RFC 7616 §3.4.4)
	}

	if s.Opaque != "" && p["opaque"] != s.Opaque {
		return DigestMalformed // RFC 7616 §3.3: opaque comes back unchanged
	}

	if p["realm"] != s.Realm {
		return DigestWrongRealm
	}
	if checkURI && p["uri"] != target {
		return DigestWrongURI
	}

	algName, hasAlg := p["algorithm"]
	if !hasAlg {
		algName = "MD5"
	}
	alg, ok := parseAlgorithm(algName)
	if !ok || !s.offers(alg) {
		return DigestWrongAlgorithm
	}

	offered := s.qops()
	switch {
	case len(offered) == 0 && hasQop, len(offered) > 0 && !hasQop:
		return DigestWrongQop
	case hasQop && !contains(offered, qop):
		return DigestWrongQop
	case !hasQop && alg.sess:
		return DigestMalformed // no cnonce to build the session key
	}
	var nc uint64
	if hasQop {
		v := p["nc"]
		if len(v) != 8 {
			return DigestMalformed // nc-value = 8LHEX (RFC 7616 §3.4)
		}
		n, err := strconv.ParseUint(v, 16, 32)
		if err != nil {
			return DigestMalformed
		}
		nc = n
	}

	nonce := p["nonce"]
	issued, ok := s.checkNonce(nonce)
	if !ok {
		return DigestBadNonce
	}

	name, pass, ok := s.lookup(alg, user, userExt, hasUserExt, userhash)
	if !ok {
		return DigestUnknownUser
	}
	ha1 := alg.ha1(name, s.Realm, pass, nonce, p["cnonce"])
	want := alg.response(ha1, method, p["uri"], nonce, p["nc"], p["cnonce"], qop, body)
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(p["response"]))) != 1 {
		return DigestWrongPassword
	}

	now := s.now()
	if now.Sub(issued) > s.ttl() {
		return DigestStaleNonce
	}
	if hasQop && !s.countNonce(nonce, nc, issued, now) {
		return DigestReplayedNC
	}
	return DigestOK
}

func (s *DigestServer) offers(a algorithm) bool {
	for _, o := range s.algorithms() {
		if o.name == a.name && o.sess == a.sess {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// lookup finds the user an Authorization names: by hash when userhash is
// set (RFC 7616 §3.4.4: H(username ":" realm) with the request's algorithm),
// by its RFC 8187 ext-value for username*, else by name.
func (s *DigestServer) lookup(alg algorithm, user, userExt string, hasExt, userhash bool) (name, pass string, ok bool) {
	switch {
	case userhash:
		want := strings.ToLower(user)
		for n, pw := range s.Users {
			if subtle.ConstantTimeCompare([]byte(alg.hex(n, s.Realm)), []byte(want)) == 1 {
				return n, pw, true
			}
		}
		return "", "", false
	case hasExt:
		n, ok := decodeExtValue(userExt)
		if !ok {
			return "", "", false
		}
		user = n
	}
	pw, ok := s.Users[user]
	return user, pw, ok
}

// decodeExtValue decodes an RFC 8187 §3.2.1 ext-value:
// charset "'" [ language ] "'" value-chars, with charset UTF-8 or
// ISO-8859-1.
func decodeExtValue(v string) (string, bool) {
	charset, rest, ok := strings.Cut(v, "'")
	if !ok {
		return "", false
	}
	_, enc, ok := strings.Cut(rest, "'")
	if !ok {
		return "", false
	}
	for i := 0; i < len(enc); i++ {
		if c := enc[i]; c != '%' && !isAttrChar(c) {
			return "", false
		}
	}
	raw, err := url.PathUnescape(enc)
	if err != nil {
		return "", false
	}
	switch {
	case strings.EqualFold(charset, "UTF-8"):
		return raw, true
	case strings.EqualFold(charset, "ISO-8859-1"):
		r := make([]rune, len(raw))
		for i := 0; i < len(raw); i++ {
			r[i] = rune(raw[i])
		}
		return string(r), true
	}
	return "", false
}

// The nonce is base64url(issued nanoseconds ‖ 8 random bytes ‖ MAC), MAC
// being the first 16 bytes of HMAC-SHA-256 over the rest and the realm. The
// server can check it came from itself and read its age without storing it.
const (
	nonceBody = 8 + 8
	nonceMAC  = 16
)

func (s *DigestServer) secret() []byte {
	s.once.Do(func() {
		s.key = make([]byte, 32)
		_, _ = rand.Read(s.key)
	})
	return s.key
}

func (s *DigestServer) mac(body []byte) []byte {
	m := hmac.New(sha256.New, s.secret())
	m.Write(body)
	m.Write([]byte(s.Realm))
	return m.Sum(nil)[:nonceMAC]
}

func (s *DigestServer) newNonce(now time.Time) string {
	b := make([]byte, nonceBody, nonceBody+nonceMAC)
	binary.BigEndian.PutUint64(b, uint64(now.UnixNano()))
	_, _ = rand.Read(b[8:nonceBody])
	return base64.RawURLEncoding.EncodeToString(append(b, s.mac(b)...))
}

// checkNonce reports whether nonce is one of the server's, and when it was
// issued.
func (s *DigestServer) checkNonce(nonce string) (time.Time, bool) {
	b, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(b) != nonceBody+nonceMAC {
		return time.Time{}, false
	}
	if !hmac.Equal(b[nonceBody:], s.mac(b[:nonceBody])) {
		return time.Time{}, false
	}
	return time.Unix(0, int64(binary.BigEndian.Uint64(b))), true
}

// countNonce records nc for nonce and reports whether it is greater than
// every count seen before for it (RFC 7616 §3.4: the server detects
// replays by the nonce count). When the map is full it forgets expired
// nonces, then the oldest one.
func (s *DigestServer) countNonce(nonce string, nc uint64, issued, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.counts == nil {
		s.counts = make(map[string]ncEntry)
	}
	if e, ok := s.counts[nonce]; ok {
		if nc <= e.nc {
			return false
		}
		s.counts[nonce] = ncEntry{nc, issued}
		return true
	}
	if len(s.counts) >= maxTracked {
		oldest, oldestAt := "", time.Time{}
		for k, e := range s.counts {
			if now.Sub(e.issued) > s.ttl() {
				delete(s.counts, k)
				continue
			}
			if oldest == "" || e.issued.Before(oldestAt) {
				oldest, oldestAt = k, e.issued
			}
		}
		if len(s.counts) >= maxTracked {
			delete(s.counts, oldest)
		}
	}
	s.counts[nonce] = ncEntry{nc, issued}
	return true
}

// parseParams parses a comma-separated list of auth-params (RFC 9110
// §11.2), tolerating empty list elements (§5.6.1):
//
//	auth-param = token BWS "=" BWS ( token / quoted-string )
//
// Names are lower-cased; quoted values are unescaped.
func parseParams(s string) ([]why401.Param, bool) {
	var out []why401.Param
	i := 0
	ows := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	for {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == ',') {
			i++
		}
		if i == len(s) {
			return out, true
		}
		start := i
		for i < len(s) && isTchar(s[i]) {
			i++
		}
		if i == start {
			return nil, false
		}
		name := strings.ToLower(s[start:i])
		ows()
		if i == len(s) || s[i] != '=' {
			return nil, false
		}
		i++
		ows()
		var val string
		quoted := i < len(s) && s[i] == '"'
		if quoted {
			i++
			var b strings.Builder
			for {
				if i == len(s) {
					return nil, false // unterminated
				}
				c := s[i]
				if c == '"' {
					i++
					break
				}
				if c == '\\' {
					i++
					if i == len(s) {
						return nil, false
					}
					c = s[i]
				}
				if c < 0x20 && c != '\t' || c == 0x7f {
					return nil, false
				}
				b.WriteByte(c)
				i++
			}
			val = b.String()
		} else {
			start := i
			for i < len(s) && isTchar(s[i]) {
				i++
			}
			if i == start {
				return nil, false
			}
			val = s[start:i]
		}
		out = append(out, why401.Param{Name: name, Value: val, Quoted: quoted})
		ows()
		if i < len(s) && s[i] != ',' {
			return nil, false
		}
	}
}
