package lab

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/why401/why401/auth"
	"github.com/why401/why401/challenge"
)

// The lab's accounts. The passwords are test data on loopback.
const (
	User         = "alice"
	Password     = "correct horse"
	WrongPass    = "wrong horse"
	NonASCIIUser = "marie"
	NonASCIIPass = "sécurité"
	GoodToken    = "lab-token-0123456789abcdef"
)

var users = map[string]string{User: Password, NonASCIIUser: NonASCIIPass}

// probeUser reports whether a user name is why401's deliberately wrong one,
// which does not count as a use of the user's credentials.
func probeUser(name string) bool { return strings.HasPrefix(name, "why401-probe-") }

// page writes a small 200 page.
func page(w http.ResponseWriter, title string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>%s</title><h1>%s</h1>\n", title, title)
}

func ok(title string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { page(w, title) })
}

// unauthorized writes a 401 with the given challenges.
func unauthorized(w http.ResponseWriter, challenges ...string) {
	for _, c := range challenges {
		w.Header().Add("WWW-Authenticate", c)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusUnauthorized)
	fmt.Fprintln(w, "401 Unauthorized")
}

// basic serves next to requests with valid Basic credentials (RFC 7617)
// and challenges the others. Passwords are compared as UTF-8 bytes: when
// the challenge does not advertise charset="UTF-8", a client that sends
// ISO-8859-1 fails, which is the charset scenario. It records every
// request that carries the user's credentials, and any other scheme as a
// violation.
func basic(env *Env, id, challenge string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		if a == "" {
			unauthorized(w, challenge)
			return
		}
		scheme, rest, _ := strings.Cut(a, " ")
		if !strings.EqualFold(scheme, "basic") {
			env.Violation(id, "received scheme %q, want Basic", scheme)
			unauthorized(w, challenge)
			return
		}
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(rest))
		if err != nil {
			env.Violation(id, "Basic credentials are not base64")
			unauthorized(w, challenge)
			return
		}
		user, pass, _ := strings.Cut(string(raw), ":")
		if !probeUser(user) {
			env.Use(id)
		}
		want, known := users[user]
		if !known || subtle.ConstantTimeCompare([]byte(pass), []byte(want)) != 1 {
			unauthorized(w, challenge)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// noCredentials fails the scenario when a request arrives with credentials
// or cookies: used where why401 must not send them (another origin).
func noCredentials(env *Env, id string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "" {
			env.Violation(id, "Authorization arrived at %s%s, another origin", r.Host, r.URL.Path)
		}
		if r.Header.Get("Cookie") != "" {
			env.Violation(id, "Cookie arrived at %s%s, another origin", r.Host, r.URL.Path)
		}
		next.ServeHTTP(w, r)
	})
}

// redirect answers with a redirect to the URL built by to.
func redirect(code int, to func(r *http.Request) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to(r), code)
	})
}

// digest serves next behind mod_auth_digest-like Digest (RFC 7616).
// With staleFirst, the first valid answer to each initial nonce is
// refused with stale=true, as a server with a short nonce lifetime does.
func digest(env *Env, id string, staleFirst bool, next http.Handler) http.Handler {
	srv := &auth.DigestServer{Realm: "digest@lab", Algorithms: []string{"SHA-256", "MD5"}, Qop: []string{"auth"}, Users: users,
		Opaque: "lab-opaque"}
	var mu sync.Mutex
	initial := map[string]bool{} // nonces of first challenges, bounded
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		if a == "" {
			cs := srv.Challenges(false)
			if staleFirst {
				mu.Lock()
				if len(initial) > 1024 {
					clear(initial)
				}
				initial[nonceOf(cs[0])] = true
				mu.Unlock()
			}
			unauthorized(w, cs...)
			return
		}
		if scheme, _, _ := strings.Cut(a, " "); !strings.EqualFold(scheme, "digest") {
			env.Violation(id, "received scheme %q, want Digest", scheme)
		}
		if u := paramOf(a, "username"); !probeUser(u) {
			env.Use(id)
		}
		res := srv.VerifyRequest(r, nil)
		if res == auth.DigestOK && staleFirst {
			mu.Lock()
			first := initial[paramOf(a, "nonce")]
			delete(initial, paramOf(a, "nonce"))
			mu.Unlock()
			if first {
				res = auth.DigestStaleNonce
			}
		}
		if res != auth.DigestOK {
			unauthorized(w, srv.Challenges(res == auth.DigestStaleNonce)...)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func nonceOf(challengeValue string) string {
	cs, _ := challenge.Parse(challengeValue)
	if len(cs) == 0 {
		return ""
	}
	v, _ := cs[0].Param("nonce")
	return v
}

// paramOf reads one parameter of Digest credentials, whose syntax is that
// of a challenge (RFC 7616 §3.4).
func paramOf(authorization, name string) string {
	cs, _ := challenge.Parse(authorization)
	if len(cs) == 0 {
		return ""
	}
	v, _ := cs[0].Param(name)
	return v
}

// bearer serves next to requests with the lab's good token and answers the
// others the way an OAuth resource server does (RFC 6750 §3): no error
// without a token, invalid_token for a bad, expired or not-yet-valid one.
func bearer(env *Env, id, realm string, refuse func(token string) (code, desc string), next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := r.Header.Get("Authorization")
		plain := fmt.Sprintf("Bearer realm=%q", realm)
		if a == "" {
			unauthorized(w, plain)
			return
		}
		scheme, tok, _ := strings.Cut(a, " ")
		if !strings.EqualFold(scheme, "bearer") {
			env.Violation(id, "received scheme %q, want Bearer", scheme)
			unauthorized(w, plain)
			return
		}
		if !strings.HasPrefix(tok, "why401-probe-") {
			env.Use(id)
		}
		if code, desc := refuse(tok); code != "" {
			status := http.StatusUnauthorized
			unauthorizedStatus(w, status, fmt.Sprintf("Bearer realm=%q, error=%q, error_description=%q", realm, code, desc))
			return
		}
		next.ServeHTTP(w, r)
	})
}

func unauthorizedStatus(w http.ResponseWriter, status int, challenge string) {
	w.Header().Set("WWW-Authenticate", challenge)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintln(w, `{"error":"unauthorized"}`)
}

// validToken refuses everything but GoodToken and, for a JWT, says whether
// it expired or is not valid yet.
func validToken(tok string) (string, string) {
	if tok == GoodToken {
		return "", ""
	}
	if claims, ok := jwtClaims(tok); ok {
		now := float64(time.Now().Unix())
		if exp, ok := claims["exp"].(float64); ok && now > exp {
			return "invalid_token", "The access token expired"
		}
		if nbf, ok := claims["nbf"].(float64); ok && nbf > now {
			return "invalid_token", "The access token is not valid yet"
		}
	}
	return "invalid_token", "The access token is invalid"
}

var labKey = []byte("why401 lab signing key")

// makeJWT returns an HS256 JWT with the given claims, signed with the lab's
// key (RFC 7519 §3).
func makeJWT(claims map[string]any) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	c, _ := json.Marshal(claims)
	signing := h + "." + enc.EncodeToString(c)
	m := hmac.New(sha256.New, labKey)
	m.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(m.Sum(nil))
}

func jwtClaims(tok string) (map[string]any, bool) {
	parts := strings.Split(tok, ".")
	if len(parts) != 3 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil, false
	}
	return m, true
}

// fixed writes a fixed answer.
func fixed(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Add(k, v)
		}
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	})
}
