package lab

import (
	"net/http"
	"strings"
	"time"
)

// Scenarios returns every scenario of the lab, in demo order. Tokens with
// times in them are minted now. Each area of causes keeps its scenarios in
// a file of its own (scenarios_AREA.go) and adds one line here.
func Scenarios() []*Scenario {
	now := time.Now()
	var s []*Scenario
	s = append(s, coreScenarios(now)...)
	s = append(s, wordpressScenarios(now)...)
	s = append(s, securityScenarios(now)...)
	s = append(s, httpScenarios(now)...)
	s = append(s, dnsScenarios(now)...)
	s = append(s, cookieScenarios(now)...)
	return s
}

// coreScenarios reproduce the causes of the core checks: challenges,
// credentials, tokens, redirects, status semantics.
func coreScenarios(now time.Time) []*Scenario {
	expired := makeJWT(map[string]any{"sub": User, "aud": "lab", "iat": now.Add(-2 * time.Hour).Unix(), "exp": now.Add(-time.Hour).Unix()})
	early := makeJWT(map[string]any{"sub": User, "aud": "lab", "iat": now.Unix(), "nbf": now.Add(time.Hour).Unix(), "exp": now.Add(2 * time.Hour).Unix()})
	basicReports := `Basic realm="Reports"`
	user := Request{User: User, Pass: Password, HasUser: true}
	wrong := Request{User: User, Pass: WrongPass, HasUser: true}

	return []*Scenario{
		{
			ID: "public", Title: "a public page: no authentication at all", Path: "/public/", TLS: true,
			Expect:  []string{},
			Handler: func(env *Env) http.Handler { return noCredentials(env, "public", ok("Public")) },
		},
		{
			ID: "basic-none", Title: "Basic realm, no credentials given", Path: "/basic/none/", TLS: true,
			Expect:  []string{"credentials.none-sent", "challenge.scheme"},
			Verdict: "credentials.none-sent",
			Handler: func(env *Env) http.Handler { return basic(env, "basic-none", basicReports, ok("Reports")) },
		},
		{
			ID: "basic-accepted", Title: "Basic realm, right password", Path: "/basic/accepted/", TLS: true,
			Request: user,
			Expect:  []string{"credentials.accepted", "challenge.scheme"},
			Verdict: "credentials.accepted",
			Handler: func(env *Env) http.Handler { return basic(env, "basic-accepted", basicReports, ok("Reports")) },
		},
		{
			ID: "basic-rejected", Title: "Basic realm, wrong password", Path: "/basic/rejected/", TLS: true,
			Request: wrong,
			Expect:  []string{"credentials.rejected", "challenge.scheme"},
			Verdict: "credentials.rejected",
			Handler: func(env *Env) http.Handler { return basic(env, "basic-rejected", basicReports, ok("Reports")) },
		},
		{
			ID: "basic-preemptive", Title: "--basic sends the password before any challenge", Path: "/basic/preemptive/", TLS: true,
			Request: Request{User: User, Pass: Password, HasUser: true, Basic: true},
			Expect:  []string{"credentials.accepted"},
			Verdict: "credentials.accepted",
			Handler: func(env *Env) http.Handler { return basic(env, "basic-preemptive", basicReports, ok("Reports")) },
		},
		{
			ID: "basic-over-http", Title: "Basic over plain http, sent with --allow-http", Path: "/basic/http/",
			Request: Request{User: User, Pass: Password, HasUser: true, AllowHTTP: true},
			Expect:  []string{"credentials.accepted", "challenge.basic-over-http", "challenge.scheme"},
			Verdict: "challenge.basic-over-http",
			Handler: func(env *Env) http.Handler { return basic(env, "basic-over-http", basicReports, ok("Reports")) },
		},
		{
			ID: "http-withheld", Title: "Basic over plain http: why401 withholds the password", Path: "/basic/withheld/",
			Request: user, Budget: -1,
			Expect:  []string{"credentials.none-sent", "challenge.basic-over-http", "challenge.scheme"},
			Verdict: "credentials.none-sent",
			Handler: func(env *Env) http.Handler { return basic(env, "http-withheld", basicReports, ok("Reports")) },
		},
		{
			ID: "whitespace", Title: "a password pasted with a trailing newline", Path: "/basic/whitespace/", TLS: true,
			Request: Request{User: User, Pass: Password + "\n", HasUser: true}, Budget: -1,
			Expect:  []string{"credentials.whitespace", "credentials.none-sent", "challenge.scheme"},
			Verdict: "credentials.whitespace",
			Handler: func(env *Env) http.Handler { return basic(env, "whitespace", basicReports, ok("Reports")) },
		},
		{
			ID: "whitespace-space", Title: "a password pasted with a trailing space", Path: "/basic/space/", TLS: true,
			Request: Request{User: User, Pass: Password + " ", HasUser: true},
			Expect:  []string{"credentials.whitespace", "credentials.rejected", "challenge.scheme"},
			Verdict: "credentials.whitespace",
			Handler: func(env *Env) http.Handler { return basic(env, "whitespace-space", basicReports, ok("Reports")) },
		},
		{
			ID: "charset", Title: "a non-ASCII password, no charset in the challenge", Path: "/basic/charset/", TLS: true,
			Request: Request{User: NonASCIIUser, Pass: NonASCIIPass, HasUser: true},
			Expect:  []string{"credentials.charset", "credentials.rejected", "challenge.scheme"},
			Verdict: "credentials.rejected",
			Handler: func(env *Env) http.Handler { return basic(env, "charset", `Basic realm="Intranet"`, ok("Intranet")) },
		},
		{
			ID: "charset-utf8", Title: "a non-ASCII password, charset=\"UTF-8\" advertised", Path: "/basic/utf8/", TLS: true,
			Request: Request{User: NonASCIIUser, Pass: NonASCIIPass, HasUser: true},
			Expect:  []string{"credentials.accepted", "challenge.scheme"},
			Verdict: "credentials.accepted",
			Handler: func(env *Env) http.Handler {
				return basic(env, "charset-utf8", `Basic realm="Intranet", charset="UTF-8"`, ok("Intranet"))
			},
		},
		{
			ID: "digest-accepted", Title: "Digest (SHA-256 and MD5 offered), right password", Path: "/digest/accepted/", TLS: true,
			Request: user,
			Expect:  []string{"credentials.accepted", "challenge.scheme"},
			Verdict: "credentials.accepted",
			Handler: func(env *Env) http.Handler { return digest(env, "digest-accepted", false, ok("Digest area")) },
		},
		{
			ID: "digest-rejected", Title: "Digest, wrong password", Path: "/digest/rejected/", TLS: true,
			Request: wrong,
			Expect:  []string{"credentials.rejected", "challenge.scheme"},
			Verdict: "credentials.rejected",
			Handler: func(env *Env) http.Handler { return digest(env, "digest-rejected", false, ok("Digest area")) },
		},
		{
			ID: "digest-stale", Title: "Digest, the nonce expires between challenge and answer", Path: "/digest/stale/", TLS: true,
			Request: user, Budget: 2,
			Expect:  []string{"digest.stale-nonce", "credentials.accepted", "challenge.scheme"},
			Verdict: "digest.stale-nonce",
			Handler: func(env *Env) http.Handler { return digest(env, "digest-stale", true, ok("Digest area")) },
		},
		{
			ID: "scheme-mismatch", Title: "a password sent to an API that wants a Bearer token", Path: "/api/mismatch", TLS: true,
			Request: user, Budget: -1,
			Expect:  []string{"credentials.scheme-mismatch", "challenge.scheme"},
			Verdict: "credentials.scheme-mismatch",
			Handler: func(env *Env) http.Handler { return bearer(env, "scheme-mismatch", "api", validToken, ok("API")) },
		},
		{
			ID: "bearer-accepted", Title: "a good Bearer token", Path: "/api/accepted", TLS: true,
			Request: Request{Bearer: GoodToken},
			Expect:  []string{"credentials.accepted"},
			Verdict: "credentials.accepted",
			Handler: func(env *Env) http.Handler { return bearer(env, "bearer-accepted", "api", validToken, ok("API")) },
		},
		{
			ID: "bearer-invalid-token", Title: "a revoked Bearer token", Path: "/api/invalid", TLS: true,
			Request: Request{Bearer: "lab-token-revoked"},
			Expect:  []string{"bearer.invalid-token", "credentials.rejected", "challenge.scheme"},
			Verdict: "bearer.invalid-token",
			Handler: func(env *Env) http.Handler { return bearer(env, "bearer-invalid-token", "api", validToken, ok("API")) },
		},
		{
			ID: "bearer-insufficient-scope", Title: "a token without the scope the resource needs", Path: "/api/scope", TLS: true,
			Request: Request{Bearer: GoodToken},
			Expect:  []string{"bearer.insufficient-scope", "credentials.rejected", "challenge.scheme"},
			Verdict: "bearer.insufficient-scope",
			Handler: func(env *Env) http.Handler {
				return bearer(env, "bearer-insufficient-scope", "api", func(string) (string, string) {
					return "insufficient_scope", "The request requires higher privileges"
				}, ok("API"))
			},
		},
		{
			ID: "bearer-invalid-request", Title: "a token sent in the header and the query", Path: "/api/request", TLS: true,
			Request: Request{Bearer: GoodToken, Query: "access_token=lab-token-0123456789abcdef"},
			Expect:  []string{"bearer.invalid-request", "credentials.rejected", "challenge.scheme"},
			Verdict: "bearer.invalid-request",
			Handler: func(env *Env) http.Handler {
				return bearer(env, "bearer-invalid-request", "api", func(string) (string, string) {
					return "invalid_request", "The access token was sent in more than one way"
				}, ok("API"))
			},
		},
		{
			ID: "token-expired", Title: "a JWT whose exp has passed", Path: "/api/expired", TLS: true,
			Request: Request{Bearer: expired},
			Expect:  []string{"token.expired", "bearer.invalid-token", "credentials.rejected", "challenge.scheme"},
			Verdict: "token.expired",
			Handler: func(env *Env) http.Handler { return bearer(env, "token-expired", "api", validToken, ok("API")) },
		},
		{
			ID: "token-not-yet-valid", Title: "a JWT whose nbf is an hour ahead (clock skew at the issuer)", Path: "/api/early", TLS: true,
			Request: Request{Bearer: early},
			Expect:  []string{"token.not-yet-valid", "bearer.invalid-token", "credentials.rejected", "challenge.scheme"},
			Verdict: "token.not-yet-valid",
			Handler: func(env *Env) http.Handler { return bearer(env, "token-not-yet-valid", "api", validToken, ok("API")) },
		},
		{
			ID: "challenge-missing", Title: "a bare 401 without WWW-Authenticate", Path: "/bare/", TLS: true,
			Expect:  []string{"challenge.missing"},
			Verdict: "challenge.missing",
			Handler: func(env *Env) http.Handler { return fixed(401, nil, "Unauthorized\n") },
		},
		{
			ID: "challenge-malformed", Title: "a challenge with an unterminated quoted string", Path: "/malformed/", TLS: true,
			Expect:  []string{"challenge.malformed", "credentials.none-sent", "challenge.scheme"},
			Verdict: "credentials.none-sent",
			Handler: func(env *Env) http.Handler {
				return fixed(401, map[string]string{"WWW-Authenticate": `Basic realm="Reports`}, "401\n")
			},
		},
		{
			ID: "redirect-dropped", Title: "a redirect to another host loses the credentials", Path: "/moved/", TLS: true,
			Request: user, Budget: -1,
			Expect:  []string{"redirect.credentials-dropped", "credentials.none-sent", "challenge.scheme"},
			Verdict: "redirect.credentials-dropped",
			Handler: func(env *Env) http.Handler {
				mux := http.NewServeMux()
				other := strings.Replace(env.HTTPS, "127.0.0.1", "localhost", 1)
				mux.Handle("/moved/", redirect(http.StatusMovedPermanently, func(*http.Request) string { return other + "/moved/reports/" }))
				mux.Handle("/moved/reports/", noCredentials(env, "redirect-dropped", basic(env, "redirect-dropped", basicReports, ok("Reports"))))
				return mux
			},
		},
		{
			ID: "redirect-downgrade", Title: "https redirects to plain http", Path: "/downgrade/", TLS: true,
			Expect:  []string{"redirect.downgrade"},
			Verdict: "redirect.downgrade",
			Handler: func(env *Env) http.Handler {
				mux := http.NewServeMux()
				mux.Handle("/downgrade/", redirect(http.StatusFound, func(*http.Request) string { return env.HTTP + "/downgrade/page" }))
				mux.Handle("/downgrade/page", noCredentials(env, "redirect-downgrade", ok("Downgraded")))
				return mux
			},
		},
		{
			ID: "redirect-loop", Title: "a login redirect that loops", Path: "/loop/", TLS: true,
			Expect:  []string{"redirect.loop"},
			Verdict: "redirect.loop",
			Handler: func(env *Env) http.Handler {
				mux := http.NewServeMux()
				mux.Handle("/loop/", redirect(http.StatusFound, func(*http.Request) string { return "/loop/login" }))
				mux.Handle("/loop/login", redirect(http.StatusFound, func(*http.Request) string { return "/loop/" }))
				return mux
			},
		},
		{
			ID: "url-userinfo", Title: "credentials written into the URL", Path: "/basic/userinfo/", TLS: true,
			Request: Request{User: User, Pass: Password, Userinfo: true},
			Expect:  []string{"url.userinfo", "credentials.accepted", "challenge.scheme"},
			Verdict: "url.userinfo",
			Handler: func(env *Env) http.Handler { return basic(env, "url-userinfo", basicReports, ok("Reports")) },
		},
		{
			ID: "forbidden", Title: "right password, but the account may not see this page", Path: "/admin/", TLS: true,
			Request: user,
			Expect:  []string{"status.forbidden", "challenge.scheme"},
			Verdict: "status.forbidden",
			Handler: func(env *Env) http.Handler {
				return basic(env, "forbidden", `Basic realm="Admin"`, fixed(403, nil, "403 Forbidden\n"))
			},
		},
		{
			ID: "forbidden-with-challenge", Title: "a 403 that carries a challenge", Path: "/forbidden-challenge/", TLS: true,
			Expect:  []string{"status.forbidden-with-challenge"},
			Verdict: "status.forbidden-with-challenge",
			Handler: func(env *Env) http.Handler {
				return fixed(403, map[string]string{"WWW-Authenticate": `Basic realm="Admin"`}, "403\n")
			},
		},
		{
			ID: "proxy-auth", Title: "a proxy asks for its own login (407)", Path: "/proxy/", TLS: true,
			Expect:  []string{"status.proxy-auth"},
			Verdict: "status.proxy-auth",
			Handler: func(env *Env) http.Handler {
				return fixed(407, map[string]string{"Proxy-Authenticate": `Basic realm="corp-proxy"`}, "407\n")
			},
		},
		{
			ID: "negotiate", Title: "an intranet page that wants a Windows login", Path: "/intranet/", TLS: true,
			Expect:  []string{"negotiate.intranet", "credentials.none-sent", "challenge.scheme"},
			Verdict: "credentials.none-sent",
			Handler: func(env *Env) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.Header.Get("Authorization") != "" {
						env.Violation("negotiate", "credentials sent to a Negotiate-only server")
					}
					unauthorized(w, "Negotiate", "NTLM")
				})
			},
		},
	}
}
