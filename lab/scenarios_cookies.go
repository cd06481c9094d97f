package lab

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

// cookieScenarios reproduce the cookie causes: a session the server ended,
// a stale session cookie, an expired cookie in a cookies.txt, a cookie
// that does not go to the URL, and the good case of a cookies.txt whose
// session cookie goes where it should while the others stay behind. Each
// handler asserts the exact Cookie header it receives, so a cookie sent
// where curl would not send it is a violation.
func cookieScenarios(now time.Time) []*Scenario {
	day := now.Add(24 * time.Hour).Unix()
	// A browser export: the app's session (HttpOnly, Secure, for
	// /cookie/app/ only), an admin session for another path, and a cookie
	// of another site.
	export := cookiesTxt(
		"# Netscape HTTP Cookie File",
		"# exported from the lab's browser",
		fmt.Sprintf("#HttpOnly_127.0.0.1\tFALSE\t/cookie/app/\tTRUE\t%d\tsid\tlab-app-session", day),
		fmt.Sprintf("127.0.0.1\tFALSE\t/cookie/admin/\tTRUE\t%d\tadmin_sid\tlab-admin-session", day),
		fmt.Sprintf(".example.com\tTRUE\t/\tTRUE\t%d\t_ga\tGA1.2.345", now.Add(30*24*time.Hour).Unix()),
	)
	expired := cookiesTxt(
		"# Netscape HTTP Cookie File",
		fmt.Sprintf("#HttpOnly_127.0.0.1\tFALSE\t/cookie/expired/\tTRUE\t%d\tsid\tlab-expired-session", now.Add(-time.Hour).Unix()),
		"127.0.0.1\tFALSE\t/\tFALSE\t0\tlang\ten",
	)
	const (
		staleCookie = "sid=lab-stale-session; theme=dark"
		endedCookie = "sid=lab-ended-session"
	)

	return []*Scenario{
		{
			ID: "cookie-from-file", Title: "a cookies.txt: only the session cookie for this path is sent", Path: "/cookie/app/", TLS: true,
			Request: Request{CookieFile: export},
			Expect:  []string{},
			Handler: func(env *Env) http.Handler {
				return wantCookie(env, "cookie-from-file", "sid=lab-app-session", ok("Your account"))
			},
		},
		{
			ID: "cookie-not-sent", Title: "the session cookie's Path covers the app, not its API", Path: "/cookie/api/", Call: "/cookie/api/me", TLS: true,
			Request: Request{CookieFile: export},
			Expect:  []string{"cookie.not-sent", "challenge.missing"},
			Verdict: "cookie.not-sent",
			Handler: func(env *Env) http.Handler {
				return wantCookie(env, "cookie-not-sent", "", cookieAppJSON(http.StatusUnauthorized, nil, `{"error":"not logged in"}`))
			},
		},
		{
			ID: "cookie-expired", Title: "the session cookie in the cookies.txt has expired", Path: "/cookie/expired/", TLS: true,
			Request: Request{CookieFile: expired},
			Expect:  []string{"cookie.expired", "status.soft-401"},
			Verdict: "cookie.expired",
			Handler: func(env *Env) http.Handler {
				return wantCookie(env, "cookie-expired", "lang=en", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path == "/cookie/expired/login" {
						cookieLoginPage(w, "/cookie/expired/login")
						return
					}
					http.Redirect(w, r, "/cookie/expired/login?next="+r.URL.Path, http.StatusFound)
				}))
			},
		},
		{
			ID: "cookie-stale", Title: "a session cookie the server no longer knows", Path: "/cookie/stale/", TLS: true,
			Request: Request{Cookie: staleCookie},
			Expect:  []string{"cookie.stale", "challenge.missing"},
			Verdict: "cookie.stale",
			Handler: func(env *Env) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					cookieNoAuth(env, "cookie-stale", r)
					switch c := r.Header.Get("Cookie"); {
					case r.URL.Path == "/cookie/stale/login":
						cookieLoginPage(w, "/cookie/stale/login")
					case c == "":
						http.Redirect(w, r, "/cookie/stale/login?next="+r.URL.Path, http.StatusFound)
					case c != staleCookie:
						env.Violation("cookie-stale", "Cookie %q arrived, want the user's cookies as given", cookieNamesOnly(c))
						fallthrough
					default:
						cookieAppJSON(http.StatusUnauthorized, nil, `{"error":"session not found"}`).ServeHTTP(w, r)
					}
				})
			},
		},
		{
			ID: "cookie-cleared", Title: "the 401 deletes the session cookie: the session has ended", Path: "/cookie/cleared/", TLS: true,
			Request: Request{Cookie: endedCookie},
			Expect:  []string{"cookie.cleared", "credentials.none-sent", "challenge.scheme"},
			Verdict: "cookie.cleared",
			Handler: func(env *Env) http.Handler {
				return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					cookieNoAuth(env, "cookie-cleared", r)
					h := map[string]string{"WWW-Authenticate": `Bearer realm="lab-app"`}
					switch c := r.Header.Get("Cookie"); c {
					case "": // the retry without cookies: nothing to delete
					case endedCookie:
						h["Set-Cookie"] = "sid=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Lax"
					default:
						env.Violation("cookie-cleared", "Cookie %q arrived, want the user's cookie as given", cookieNamesOnly(c))
					}
					cookieAppJSON(http.StatusUnauthorized, h, `{"error":"session ended"}`).ServeHTTP(w, r)
				})
			},
		},
	}
}

// cookiesTxt joins lines into a cookies.txt file.
func cookiesTxt(lines ...string) string { return strings.Join(lines, "\n") + "\n" }

// wantCookie serves next after checking that the request carries exactly
// the Cookie header want ("" for none) and no Authorization: a cookie
// that arrives where curl and browsers would not send it is a violation.
func wantCookie(env *Env, id, want string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cookieNoAuth(env, id, r)
		if got := r.Header.Get("Cookie"); got != want {
			env.Violation(id, "Cookie %q arrived at %s, want %q", cookieNamesOnly(got), r.URL.Path, cookieNamesOnly(want))
		}
		next.ServeHTTP(w, r)
	})
}

func cookieNoAuth(env *Env, id string, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		env.Violation(id, "Authorization arrived at %s: the scenario gives no credentials", r.URL.Path)
	}
}

// cookieNamesOnly keeps the names of a Cookie header, for violation messages.
func cookieNamesOnly(cookie string) string {
	var names []string
	for _, p := range strings.Split(cookie, ";") {
		if name, _, ok := strings.Cut(strings.TrimSpace(p), "="); ok {
			names = append(names, name+"=…")
		}
	}
	return strings.Join(names, "; ")
}

// cookieAppJSON answers with a JSON body and the given status and headers, as
// an application that keeps its own sessions does.
func cookieAppJSON(status int, header map[string]string, body string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range header {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintln(w, body)
	})
}

// cookieLoginPage writes an application's 200 login form.
func cookieLoginPage(w http.ResponseWriter, action string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!doctype html><title>Log in · Lab App</title><form method=post action=%q>`+
		`<input name=user><input type=password name=pass><button>Log in</button></form>`+"\n", action)
}
