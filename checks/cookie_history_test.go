package checks

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	why401 "github.com/why401/why401"
)

// A HAR case as har.Case.Exchanges gives it: earlier entries to the origin
// as context, then the refused request. Set-Cookie values are what a
// recording holds; the sentinel checks that none reaches the report.
const chSecret = "S3NTINEL-cookie"

func chEntry(purpose, method, url string, at time.Duration, status int, req, resp http.Header) why401.Exchange {
	x := ckExchange(url, status, req, resp, "")
	x.Purpose, x.Request.Method, x.Time, x.ElapsedMS = purpose, method, ckT0.Add(at), 20
	return x
}

func chHeader(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return h
}

func chDiagnose(t *testing.T, ex ...why401.Exchange) *why401.Report {
	t.Helper()
	in := &why401.Input{Method: ex[len(ex)-1].Request.Method, URL: ex[len(ex)-1].Request.URL, Source: "har", Now: ex[len(ex)-1].Time}
	r, err := why401.Run(context.Background(), in, ckSession{ex}, true, []*why401.Check{CookieCleared, CookieHistory})
	if err != nil {
		t.Fatal(err)
	}
	// The exchanges here hold the raw values (a HAR's are redacted by
	// package har); what the check writes must not.
	b, _ := json.Marshal([]any{r.Verdict, r.Findings, r.Notes})
	if strings.Contains(string(b), chSecret) {
		t.Errorf("the check leaks a cookie value: %s", b)
	}
	return r
}

func TestCookieHistorySaysWhyTheBrowserLeftACookieOut(t *testing.T) {
	const ctx, target = "har-context", why401.PurposeHAR
	set := func(v string) http.Header { return chHeader("Set-Cookie", v) }
	cases := []struct {
		name   string
		ex     []why401.Exchange
		id     string   // the finding
		detail []string // substrings of its detail
		ev     []int    // its evidence
	}{
		{
			name: "a Secure cookie set over plain http is refused",
			ex: []why401.Exchange{
				chEntry(ctx, "POST", "http://shop.example/login", 0, 302, nil, set("sid="+chSecret+"; Path=/; Secure; HttpOnly")),
				chEntry(target, "GET", "http://shop.example/account", time.Second, 401, nil, nil),
			},
			id:     "cookie.not-sent",
			detail: []string{"went without sid", "refused to store it when #0 set it: SecureOnly"},
		},
		{
			name: "the session cookie's Path covers the app, not the API",
			ex: []why401.Exchange{
				chEntry(ctx, "POST", "https://x.example/app/login", 0, 302, nil, set("session_id="+chSecret+"; Path=/app/; Secure")),
				chEntry(ctx, "GET", "https://x.example/app/", time.Second, 200, chHeader("Cookie", "session_id=<redacted>"), nil),
				chEntry(target, "GET", "https://x.example/api/me", 2*time.Second, 401, nil, nil),
			},
			id:     "cookie.not-sent",
			detail: []string{"session_id (host x.example, path /app/, Secure), set by #0 (POST https://x.example/app/login): NotOnPath"},
		},
		{
			name: "a cookie for www does not go to the API host",
			ex: []why401.Exchange{
				chEntry(ctx, "POST", "https://www.example.com/login", 0, 302, nil, set("auth="+chSecret+"; Path=/; Secure")),
				chEntry(target, "GET", "https://api.example.com/v1/me", time.Second, 401, nil, nil),
			},
			id:     "cookie.not-sent",
			detail: []string{"auth (host www.example.com, path /, Secure), set by #0", "DomainMismatch"},
		},
		{
			name: "a SameSite=Strict session on a request from another site",
			ex: []why401.Exchange{
				chEntry(ctx, "POST", "https://app.example/login", 0, 302, nil, set("sid="+chSecret+"; Path=/; Secure; SameSite=Strict")),
				chEntry(target, "GET", "https://app.example/api/me", time.Second, 401,
					chHeader("Sec-Fetch-Site", "cross-site", "Sec-Fetch-Mode", "cors", "Origin", "https://partner.example"), nil),
			},
			id:     "cookie.not-sent",
			detail: []string{"SameSiteStrict"},
		},
		{
			name: "the session expired between the login and the request",
			ex: []why401.Exchange{
				chEntry(ctx, "POST", "https://app.example/login", 0, 302, nil, set("sid="+chSecret+"; Path=/; Max-Age=60; Secure")),
				chEntry(target, "GET", "https://app.example/account", 2*time.Minute, 401, nil, nil),
			},
			id:     "cookie.expired",
			detail: []string{"went without the expired sid", "expired at 2025-03-10 12:01:00 UTC"},
		},
		{
			name: "a logout in an earlier entry deleted the session (Max-Age=0)",
			ex: []why401.Exchange{
				chEntry(ctx, "POST", "https://app.example/login", 0, 302, nil, set("sid="+chSecret+"; Path=/; Secure; HttpOnly")),
				chEntry(ctx, "GET", "https://app.example/logout", time.Second, 302, chHeader("Cookie", "sid=<redacted>"), set("sid=; Path=/; Max-Age=0; Secure")),
				chEntry(target, "GET", "https://app.example/account", 2*time.Second, 401, nil, nil),
			},
			id:     "cookie.cleared",
			detail: []string{"sid was deleted by Max-Age=0 in the 302 answer to GET https://app.example/logout (exchange #1)", "then went without sid"},
			ev:     []int{1, 2},
		},
		{
			name: "a fetch() that sends no cookies",
			ex: []why401.Exchange{
				chEntry(ctx, "POST", "https://app.example/login", 0, 302, nil, set("sessionid="+chSecret+"; Path=/; Secure")),
				chEntry(target, "GET", "https://app.example/api/me", time.Second, 401, chHeader("Sec-Fetch-Mode", "cors", "Sec-Fetch-Site", "same-origin"), nil),
			},
			id:     "cookie.not-sent",
			detail: []string{"matches this request but was not in its Cookie header", "credentials: 'omit'"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := chDiagnose(t, c.ex...)
			if got := r.IDs(); !slices.Equal(got, []string{c.id}) {
				t.Fatalf("findings %v; want [%s]", got, c.id)
			}
			f := r.Findings[0]
			for _, d := range c.detail {
				if !strings.Contains(f.Detail, d) {
					t.Errorf("detail %q\nwants %q", f.Detail, d)
				}
			}
			if c.ev != nil && !slices.Equal(f.Evidence, c.ev) {
				t.Errorf("evidence %v; want %v", f.Evidence, c.ev)
			}
		})
	}
}

func TestCookieHistoryStaysSilentWhereItDoesNotApply(t *testing.T) {
	const ctx, target = "har-context", why401.PurposeHAR
	login := chEntry(ctx, "POST", "https://app.example/login", 0, 302, nil, chHeader("Set-Cookie", "sid="+chSecret+"; Path=/; Secure"))
	sanitized := chEntry(target, "GET", "https://app.example/account", time.Second, 401, nil, nil)
	sanitized.CredentialsUnknown = true
	live := chEntry(why401.PurposeInitial, "GET", "https://app.example/account", time.Second, 401, nil, nil)
	cases := []struct {
		name string
		ex   []why401.Exchange
		note bool // the replay is said in a note
	}{
		{"the cookie was sent", []why401.Exchange{login,
			chEntry(target, "GET", "https://app.example/account", time.Second, 401, chHeader("Cookie", "sid=<redacted>"), nil)}, true},
		{"a test cookie left out is not a cause", []why401.Exchange{
			chEntry(ctx, "GET", "https://app.example/login", 0, 200, nil, chHeader("Set-Cookie", "wordpress_test_cookie=WP; Path=/; Secure")),
			chEntry(target, "GET", "https://app.example/account", time.Second, 401, nil, nil)}, true},
		{"no Set-Cookie before the refusal", []why401.Exchange{
			chEntry(target, "GET", "https://app.example/account", time.Second, 401, nil, nil)}, false},
		{"a sanitized export cannot tell", []why401.Exchange{login, sanitized}, false},
		{"a live run: why401 sent what it was given", []why401.Exchange{login, live}, false},
		{"the answer was not a refusal", []why401.Exchange{login,
			chEntry(target, "GET", "https://app.example/", time.Second, 200, nil, nil)}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := chDiagnose(t, c.ex...)
			if len(r.Findings) != 0 {
				t.Errorf("findings %v; want none", r.IDs())
			}
			if got := len(r.Notes) > 0; got != c.note {
				t.Errorf("notes %q; want a note: %v", r.Notes, c.note)
			}
		})
	}
}
