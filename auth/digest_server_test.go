package auth

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/why401/why401"
)

// parseChallenge turns one value of DigestServer.Challenges into a
// Challenge, standing in for package challenge's parser.
func parseChallenge(t testing.TB, v string) why401.Challenge {
	t.Helper()
	scheme, rest, _ := strings.Cut(v, " ")
	ps, ok := parseParams(rest)
	if !ok {
		t.Fatalf("cannot parse challenge %q", v)
	}
	return why401.Challenge{Scheme: scheme, Params: ps, Registered: true}
}

// clock is a settable clock for NonceTTL tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newServer() (*DigestServer, *clock) {
	c := &clock{t: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}
	return &DigestServer{
		Realm:    "lab@why401",
		Users:    map[string]string{"Mufasa": "Circle of Life", "J\u00e4s\u00f8n Doe": "Secret, or not?"},
		NonceTTL: time.Minute,
		Now:      c.Now,
		Opaque:   "opaque-value",
	}, c
}

// answer picks the server's best challenge and answers it.
func answer(t testing.TB, s *DigestServer, stale bool, user, pass, method, uri string, body []byte) (string, *Digest) {
	t.Helper()
	var chs []why401.Challenge
	for _, v := range s.Challenges(stale) {
		chs = append(chs, parseChallenge(t, v))
	}
	ch, ok := PickDigest(chs)
	if !ok {
		t.Fatalf("PickDigest found nothing in %q", s.Challenges(stale))
	}
	d, err := NewDigest(ch)
	if err != nil {
		t.Fatal(err)
	}
	a, err := d.Authorize(user, pass, method, uri, body)
	if err != nil {
		t.Fatal(err)
	}
	return a, d
}

func TestDigestRoundTrip(t *testing.T) {
	qops := []struct {
		name    string
		offered []string
		rfc2069 bool
		want    string
	}{
		{"auth", []string{"auth"}, false, "auth"},
		{"auth-int", []string{"auth-int"}, false, "auth-int"},
		{"both", []string{"auth-int", "auth"}, false, "auth"},
		{"none (RFC 2069)", nil, true, ""},
	}
	users := []string{"Mufasa", "J\u00e4s\u00f8n Doe"}
	for _, hash := range []string{"MD5", "SHA-256", "SHA-512-256"} {
		for _, sess := range []bool{false, true} {
			for _, q := range qops {
				for _, userhash := range []bool{false, true} {
					if sess && q.rfc2069 {
						continue // a session key needs a cnonce
					}
					alg := hash
					if sess {
						alg += "-sess"
					}
					name := fmt.Sprintf("%s/qop=%s/userhash=%v", alg, q.name, userhash)
					t.Run(name, func(t *testing.T) {
						s, _ := newServer()
						s.Algorithms, s.Qop, s.RFC2069, s.UserHash = []string{alg}, q.offered, q.rfc2069, userhash
						for _, user := range users {
							pass := s.Users[user]
							body := []byte("name=value")
							a, d := answer(t, s, false, user, pass, "POST", "/dir/index.html?x=1", body)
							if d.Algorithm() != alg || d.Qop() != q.want || d.UserHash() != userhash {
								t.Errorf("client chose %s qop %q userhash %v", d.Algorithm(), d.Qop(), d.UserHash())
							}
							if got := s.Verify("POST", a, body); got != DigestOK {
								t.Fatalf("Verify(%s) = %v; want ok", a, got)
							}
							if q.want == "auth-int" {
								if got := s.Verify("POST", a, []byte("other")); got == DigestOK {
									t.Errorf("auth-int accepted a different body")
								}
							}
							b, err := d.Authorize(user, pass+"x", "POST", "/dir/index.html?x=1", body)
							if err != nil {
								t.Fatal(err)
							}
							if got := s.Verify("POST", b, body); got != DigestWrongPassword {
								t.Errorf("wrong password: Verify = %v; want wrong-password", got)
							}
						}
					})
				}
			}
		}
	}
}

func TestDigestStaleNonceThenRetry(t *testing.T) {
	s, c := newServer()
	a, _ := answer(t, s, false, "Mufasa", "Circle of Life", "GET", "/", nil)
	if got := s.Verify("GET", a, nil); got != DigestOK {
		t.Fatalf("fresh nonce: Verify = %v; want ok", got)
	}
	c.Add(2 * time.Minute)
	a, d := answer(t, s, false, "Mufasa", "Circle of Life", "GET", "/", nil)
	c.Add(2 * time.Minute) // the nonce expires before the answer arrives
	if got := s.Verify("GET", a, nil); got != DigestStaleNonce {
		t.Fatalf("expired nonce: Verify = %v; want stale-nonce", got)
	}
	// A wrong password with an expired nonce is a wrong password: stale=true
	// is only for a client that knows the password (RFC 7616 §3.3).
	b, _ := d.Authorize("Mufasa", "nope", "GET", "/", nil)
	if got := s.Verify("GET", b, nil); got != DigestWrongPassword {
		t.Fatalf("expired nonce, wrong password: Verify = %v; want wrong-password", got)
	}
	// The server answers with stale=true; the client retries.
	a, d = answer(t, s, true, "Mufasa", "Circle of Life", "GET", "/", nil)
	if !d.Stale() {
		t.Error("the client did not see stale=true")
	}
	if got := s.Verify("GET", a, nil); got != DigestOK {
		t.Fatalf("retry with the new nonce: Verify = %v; want ok", got)
	}
}

func TestDigestReplay(t *testing.T) {
	s, _ := newServer()
	a, d := answer(t, s, false, "Mufasa", "Circle of Life", "GET", "/", nil)
	if got := s.Verify("GET", a, nil); got != DigestOK {
		t.Fatalf("first use: %v", got)
	}
	if got := s.Verify("GET", a, nil); got != DigestReplayedNC {
		t.Fatalf("same nc again: Verify = %v; want replayed-nc", got)
	}
	b, _ := d.Authorize("Mufasa", "Circle of Life", "GET", "/", nil) // nc=2
	if got := s.Verify("GET", b, nil); got != DigestOK {
		t.Fatalf("next nc: Verify = %v; want ok", got)
	}
}

func TestDigestNonceCountMapIsBounded(t *testing.T) {
	s, c := newServer()
	for i := 0; i < maxTracked+50; i++ {
		a, _ := answer(t, s, false, "Mufasa", "Circle of Life", "GET", "/", nil)
		if got := s.Verify("GET", a, nil); got != DigestOK {
			t.Fatalf("request %d: %v", i, got)
		}
		c.Add(time.Millisecond)
	}
	if n := len(s.counts); n > maxTracked {
		t.Errorf("tracking %d nonces; want at most %d", n, maxTracked)
	}
}

func TestDigestVerifyResults(t *testing.T) {
	s, _ := newServer()
	good, _ := answer(t, s, false, "Mufasa", "Circle of Life", "GET", "/a", nil)
	other := &DigestServer{Realm: s.Realm, Users: s.Users, Now: s.Now, Opaque: s.Opaque} // another key
	foreign, _ := answer(t, other, false, "Mufasa", "Circle of Life", "GET", "/a", nil)
	unknown, _ := answer(t, s, false, "Scar", "x", "GET", "/a", nil)
	replace := func(old, new string) string {
		if !strings.Contains(good, old) {
			t.Fatalf("%q not in %s", old, good)
		}
		return strings.Replace(good, old, new, 1)
	}
	tests := []struct {
		name, authz string
		want        DigestResult
	}{
		{"empty", "", DigestMissing},
		{"blank", "  ", DigestMissing},
		{"Basic", "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==", DigestWrongScheme},
		{"Bearer", "Bearer abc", DigestWrongScheme},
		{"bare scheme", "Digest", DigestMalformed},
		{"garbage", "Digest ===", DigestMalformed},
		{"unterminated quote", `Digest username="Mufasa`, DigestMalformed},
		{"no response", replace(", response=", ", x-response="), DigestMalformed},
		{"repeated param", good + `, realm="lab@why401"`, DigestMalformed},
		{"both username and username*", good + `, username*=UTF-8''Mufasa`, DigestMalformed},
		{"short nc", replace("nc=00000001", "nc=1"), DigestMalformed},
		{"opaque changed", replace(`opaque="opaque-value"`, `opaque="other"`), DigestMalformed},
		{"wrong realm", replace(`realm="lab@why401"`, `realm="elsewhere"`), DigestWrongRealm},
		{"algorithm not offered", replace("algorithm=SHA-256", "algorithm=SHA-512-256"), DigestWrongAlgorithm},
		{"unknown algorithm", replace("algorithm=SHA-256", "algorithm=SHA-1"), DigestWrongAlgorithm},
		{"qop not offered", replace("qop=auth", "qop=auth-int"), DigestWrongQop},
		{"forged nonce", foreign, DigestBadNonce},
		{"unknown user", unknown, DigestUnknownUser},
		{"tampered response", replace(`response="`, `response="0`), DigestWrongPassword},
		{"upper-case hex response", replace(param(t, good, "response"), strings.ToUpper(param(t, good, "response"))), DigestOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.Verify("GET", tt.authz, nil); got != tt.want {
				t.Errorf("Verify(%s) = %v; want %v", tt.authz, got, tt.want)
			}
		})
	}
	// The method is part of the hash.
	b, _ := answer(t, s, false, "Mufasa", "Circle of Life", "GET", "/a", nil)
	if got := s.Verify("PUT", b, nil); got != DigestWrongPassword {
		t.Errorf("another method: Verify = %v; want wrong-password", got)
	}
}

func TestDigestVerifyRequestChecksURI(t *testing.T) {
	s, _ := newServer()
	a, _ := answer(t, s, false, "Mufasa", "Circle of Life", "GET", "/private/", nil)
	r := httptest.NewRequest("GET", "/public/", nil)
	r.Header.Set("Authorization", a)
	if got := s.VerifyRequest(r, nil); got != DigestWrongURI {
		t.Errorf("VerifyRequest with uri for another path = %v; want wrong-uri", got)
	}
	r = httptest.NewRequest("GET", "/private/", nil)
	r.Header.Set("Authorization", a)
	if got := s.VerifyRequest(r, nil); got != DigestOK {
		t.Errorf("VerifyRequest = %v; want ok", got)
	}
}

func TestDigestChallenges(t *testing.T) {
	s, _ := newServer()
	s.Algorithms = []string{"MD5", "SHA-256-sess", "SHA-1", "SHA-512-256"}
	s.Qop = []string{"auth", "auth-int"}
	s.UserHash = true
	got := s.Challenges(true)
	if len(got) != 3 {
		t.Fatalf("Challenges = %q; want 3 (SHA-1 skipped)", got)
	}
	for i, alg := range []string{"SHA-512-256", "SHA-256-sess", "MD5"} {
		ch := parseChallenge(t, got[i])
		for name, want := range map[string]string{"realm": "lab@why401", "qop": "auth, auth-int", "algorithm": alg,
			"opaque": "opaque-value", "stale": "true", "charset": "UTF-8", "userhash": "true"} {
			if v, _ := ch.Param(name); v != want {
				t.Errorf("challenge %d: %s = %q; want %q (%s)", i, name, v, want, got[i])
			}
		}
		if n, _ := ch.Param("nonce"); n == "" {
			t.Errorf("challenge %d has no nonce", i)
		}
	}
	s.Algorithms, s.Qop = nil, nil
	got = s.Challenges(false)
	if len(got) != 2 || !strings.Contains(got[0], "algorithm=SHA-256,") || !strings.Contains(got[1], "algorithm=MD5,") ||
		!strings.Contains(got[0], `qop="auth"`) || strings.Contains(got[0], "stale") {
		t.Errorf("default Challenges = %q; want SHA-256 then MD5, qop auth, no stale", got)
	}
	s.RFC2069 = true
	if got := s.Challenges(false); strings.Contains(got[0], "qop") {
		t.Errorf("RFC2069 Challenges = %q; want no qop", got)
	}
}

func TestDigestResultString(t *testing.T) {
	for r := DigestOK; r <= DigestReplayedNC; r++ {
		if s := r.String(); s == "" || strings.HasPrefix(s, "digest-result(") {
			t.Errorf("DigestResult(%d).String() = %q", int(r), s)
		}
	}
	if got := DigestResult(99).String(); got != "digest-result(99)" {
		t.Errorf("DigestResult(99).String() = %q", got)
	}
}

func TestDigestHandler(t *testing.T) {
	s, c := newServer()
	s.Qop = []string{"auth-int"}
	h := s.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "hello %s", b)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()

	do := func(authz string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/x", strings.NewReader("body"))
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := do("")
	resp.Body.Close()
	if resp.StatusCode != 401 || len(resp.Header.Values("WWW-Authenticate")) != 2 {
		t.Fatalf("no credentials: %d %q", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
	var chs []why401.Challenge
	for _, v := range resp.Header.Values("WWW-Authenticate") {
		chs = append(chs, parseChallenge(t, v))
	}
	ch, _ := PickDigest(chs)
	d, err := NewDigest(ch)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := d.Authorize("Mufasa", "Circle of Life", "POST", "/x", []byte("body"))
	resp = do(a)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "hello body" {
		t.Fatalf("with credentials: %d %q", resp.StatusCode, b)
	}
	c.Add(time.Hour)
	a, _ = d.Authorize("Mufasa", "Circle of Life", "POST", "/x", []byte("body"))
	resp = do(a)
	resp.Body.Close()
	if resp.StatusCode != 401 || !strings.Contains(resp.Header.Get("WWW-Authenticate"), "stale=true") {
		t.Fatalf("expired nonce: %d %q; want 401 with stale=true", resp.StatusCode, resp.Header.Values("WWW-Authenticate"))
	}
}

func FuzzDigestVerify(f *testing.F) {
	s, _ := newServer()
	good, _ := answer(f, s, false, "Mufasa", "Circle of Life", "GET", "/", nil)
	f.Add("GET", good, []byte(nil))
	f.Add("GET", `Digest username*=UTF-8''J%C3%A4s%C3%B8n%20Doe, realm="lab@why401", nonce="x", uri="/", response="0"`, []byte(nil))
	f.Add("POST", `Digest username="a\"b", userhash=true, realm=",,", qop=auth-int, nc=zzzzzzzz`, []byte("b"))
	f.Add("GET", "Basic Zm9vOmJhcg==", []byte(nil))
	f.Fuzz(func(t *testing.T, method, authz string, body []byte) {
		r := s.Verify(method, authz, body)
		if r < DigestOK || r > DigestReplayedNC {
			t.Fatalf("Verify returned %d", int(r))
		}
	})
}

func TestDigestServerPrintsNoPassword(t *testing.T) {
	s, _ := newServer()
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(format, s); strings.Contains(got, "Circle of Life") || !strings.Contains(got, "lab@why401") {
			t.Errorf("Sprintf(%q, server) = %s", format, got)
		}
	}
}
