package lab

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// httpScenarios reproduce the causes that live in HTTP itself: caches,
// CORS, soft 401s, URL variants, and what a token's claims and the clocks
// say.
func httpScenarios(now time.Time) []*Scenario {
	user := Request{User: User, Pass: Password, HasUser: true}
	reports := `Basic realm="Reports"`
	cachedHeaders := map[string]string{"Cache-Control": "public, max-age=600", "Age": "120", "X-Cache": "HIT from lab-cdn",
		"WWW-Authenticate": reports}
	readOnly := makeJWT(map[string]any{"sub": User, "aud": "lab", "scope": "reports:read", "exp": now.Add(time.Hour).Unix()})
	otherAud := makeJWT(map[string]any{"sub": User, "aud": "https://api.staging.example", "iss": "https://login.staging.example", "exp": now.Add(time.Hour).Unix()})
	enc := base64.RawURLEncoding
	unsigned := enc.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." +
		enc.EncodeToString([]byte(`{"sub":"alice","exp":`+strconv.FormatInt(now.Add(time.Hour).Unix(), 10)+`}`)) + "."

	return []*Scenario{
		{
			ID: "cache-cached-401", Title: "a CDN keeps serving a stored 401", Path: "/cdn/", TLS: true,
			Expect:  []string{"cache.cached-401", "cache.cacheable-401", "credentials.none-sent", "challenge.scheme"},
			Verdict: "cache.cached-401",
			Handler: func(env *Env) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.RawQuery != "" { // a URL the cache has not stored: the origin answers
						w.Header().Set("X-Cache", "MISS from lab-cdn")
						page(w, "Reports")
						return
					}
					fixed(http.StatusUnauthorized, cachedHeaders, "401\n").ServeHTTP(w, r)
				})
			},
		},
		{
			ID: "cache-cacheable-401", Title: "a 401 that says any cache may keep it", Path: "/cacheable/", TLS: true,
			Expect:  []string{"cache.cacheable-401", "credentials.none-sent", "challenge.scheme"},
			Verdict: "credentials.none-sent",
			Handler: func(env *Env) http.Handler {
				return fixed(http.StatusUnauthorized, map[string]string{"Cache-Control": "public, max-age=600", "WWW-Authenticate": reports}, "401\n")
			},
		},
		{
			ID: "cache-vary-missing", Title: "a per-user page that a CDN may serve to everyone", Path: "/private-page/", TLS: true,
			Request: user,
			Expect:  []string{"cache.vary-missing", "credentials.accepted", "challenge.scheme"},
			Verdict: "cache.vary-missing",
			Handler: func(env *Env) http.Handler {
				return basic(env, "cache-vary-missing", reports, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Cache-Control", "public, max-age=600")
					page(w, "Alice's reports")
				}))
			},
		},
		{
			ID: "soft-401", Title: "a 200 login page instead of a 401", Path: "/app/", TLS: true,
			Expect:  []string{"status.soft-401"},
			Verdict: "status.soft-401",
			Handler: func(env *Env) http.Handler {
				return fixed(http.StatusOK, map[string]string{"Content-Type": "text/html; charset=utf-8"},
					`<!doctype html><title>Log in · Lab App</title><form method=post action=/app/login>`+
						`<input name=user><input type=password name=pass><button>Log in</button></form>`)
			},
		},
		{
			ID: "cors-preflight", Title: "the CORS preflight is refused with 401", Path: "/cors/", TLS: true,
			Request: Request{User: User, Pass: Password, HasUser: true, CORSOrigin: "https://app.example"},
			Expect:  []string{"cors.preflight-401", "credentials.accepted", "challenge.scheme"},
			Verdict: "cors.preflight-401",
			Handler: func(env *Env) http.Handler {
				next := basic(env, "cors-preflight", reports, ok("Reports"))
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Method == http.MethodOptions && r.Header.Get("Authorization") != "" {
						env.Violation("cors-preflight", "a preflight carried Authorization: browsers never send it")
					}
					next.ServeHTTP(w, r)
				})
			},
		},
		{
			ID: "url-variant", Title: "without the trailing slash another app answers", Path: "/variant/", Call: "/variant/docs", TLS: true,
			Expect:  []string{"url.variant", "credentials.none-sent", "challenge.scheme"},
			Verdict: "credentials.none-sent",
			Handler: func(env *Env) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					switch r.URL.Path {
					case "/variant/docs":
						unauthorized(w, `Basic realm="Legacy"`)
					case "/variant/docs/":
						unauthorized(w, `Basic realm="Docs"`)
					default:
						http.NotFound(w, r)
					}
				})
			},
		},
		{
			ID: "token-scope-missing", Title: "a read-only token where write is needed", Path: "/api/write", TLS: true,
			Request: Request{Bearer: readOnly},
			Expect:  []string{"token.scope-missing", "bearer.insufficient-scope", "credentials.rejected", "challenge.scheme"},
			Verdict: "token.scope-missing",
			Handler: func(env *Env) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					env.Use("token-scope-missing")
					unauthorizedStatus(w, http.StatusUnauthorized, `Bearer realm="api", error="insufficient_scope", scope="reports:read reports:write"`)
				})
			},
		},
		{
			ID: "token-audience", Title: "a staging token sent to production", Path: "/api/aud", TLS: true,
			Request: Request{Bearer: otherAud},
			Expect:  []string{"token.audience", "bearer.invalid-token", "credentials.rejected", "challenge.scheme"},
			Verdict: "token.audience",
			Handler: func(env *Env) http.Handler {
				return bearer(env, "token-audience", "api", func(string) (string, string) {
					return "invalid_token", "The audience of the token is not this API"
				}, ok("API"))
			},
		},
		{
			ID: "token-unsigned", Title: "an unsigned JWT (alg none) from a test tool", Path: "/api/unsigned", TLS: true,
			Request: Request{Bearer: unsigned},
			Expect:  []string{"token.unsigned", "bearer.invalid-token", "credentials.rejected", "challenge.scheme"},
			Verdict: "token.unsigned",
			Handler: func(env *Env) http.Handler { return bearer(env, "token-unsigned", "api", validToken, ok("API")) },
		},
		{
			ID: "clock-skew", Title: "the server's clock is 10 minutes behind", Path: "/api/skew", TLS: true,
			Request: Request{Bearer: GoodToken},
			Expect:  []string{"token.clock-skew", "credentials.accepted"},
			Verdict: "token.clock-skew",
			Handler: func(env *Env) http.Handler {
				next := bearer(env, "clock-skew", "api", validToken, ok("API"))
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Date", time.Now().Add(-10*time.Minute).UTC().Format(http.TimeFormat))
					next.ServeHTTP(w, r)
				})
			},
		},
	}
}
