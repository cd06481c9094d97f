package checks

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/cookies"
	"github.com/why401/why401/internal/redact"
)

// The lab covers each cookie check end to end on loopback. These tests
// cover what the lab cannot reach: other host names (Secure over plain
// http, a cookie for www on the apex), a server without a Date header, a
// local clock ahead of the server's, and a ckSession file (no network).

var ckT0 = time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)

// ckSession is a Session that replays fixed exchanges and cannot probe.
type ckSession struct{ ex []why401.Exchange }

func (r ckSession) Start(context.Context) ([]why401.Exchange, error) { return r.ex, nil }
func (r ckSession) Answer(context.Context, []why401.Exchange) ([]why401.Exchange, error) {
	return nil, nil
}
func (r ckSession) Probe(context.Context, why401.Probe) ([]why401.Exchange, error) {
	return nil, why401.ErrOffline
}

// ckExchange builds one ckSession exchange; header values as redact keeps
// them.
func ckExchange(url string, status int, reqHeader, respHeader http.Header, body string) why401.Exchange {
	if reqHeader == nil {
		reqHeader = http.Header{}
	}
	if respHeader == nil {
		respHeader = http.Header{}
	}
	return why401.Exchange{
		Purpose:     why401.PurposeInitial,
		Request:     why401.Request{Method: http.MethodGet, URL: url, Header: reqHeader},
		Response:    &why401.Response{Status: status, Header: respHeader, Body: []byte(body), ContentType: respHeader.Get("Content-Type")},
		CookiesSent: reqHeader.Get("Cookie") != "",
		Time:        ckT0,
	}
}

func ckDiagnose(t *testing.T, in *why401.Input, offline bool, ex ...why401.Exchange) *why401.Report {
	t.Helper()
	if in.Now.IsZero() {
		in.Now = ckT0
	}
	r, err := why401.Run(context.Background(), in, ckSession{ex}, offline,
		[]*why401.Check{CookieCleared, CookieExpired, CookieStale, CookieNotSent})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func ckFinding(r *why401.Report, id string) (why401.Finding, bool) {
	for _, f := range r.Findings {
		if f.ID == id {
			return f, true
		}
	}
	return why401.Finding{}, false
}

func ckDated(t time.Time) http.Header {
	return http.Header{"Date": {t.UTC().Format(http.TimeFormat)}}
}

func TestCookieNotSentNamesTheReasonTheLabCannotReach(t *testing.T) {
	cases := []struct {
		name   string
		url    string
		cookie why401.CookieInfo
		reason string // Chrome's name, in the detail
		fix    string // in the case's own fix step
	}{
		// A Secure cookie and plain http on a real host name: loopback
		// is a secure context, so only a non-loopback host shows it.
		{"Secure cookie over plain http", "http://shop.example/account",
			why401.CookieInfo{Name: "sid", Domain: "shop.example", HostOnly: true, Path: "/", Secure: true, Source: "cookies.txt:3"},
			"SecureOnly", "use https://"},
		// A host-only cookie of www, and the request to the apex.
		{"host-only cookie of www on the apex", "https://example.com/api/me",
			why401.CookieInfo{Name: "session", Domain: "www.example.com", HostOnly: true, Path: "/", Source: "cookies.txt:7"},
			"DomainMismatch", "www.example.com, not example.com"},
		// SameSite=None without Secure: refused by Chromium.
		{"SameSite=None without Secure", "https://example.com/",
			why401.CookieInfo{Name: "sid", Domain: "example.com", Path: "/", SameSite: "None", Source: "cookies.txt:2"},
			"SameSiteNoneInsecure", "add `Secure`"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &why401.Input{URL: c.url, Cookies: []why401.CookieInfo{c.cookie}}
			r := ckDiagnose(t, in, true, ckExchange(c.url, http.StatusUnauthorized, nil, ckDated(ckT0), ""))
			f, ok := ckFinding(r, "cookie.not-sent")
			if !ok {
				t.Fatalf("findings %v, want cookie.not-sent", r.IDs())
			}
			if !strings.Contains(f.Detail, c.reason) {
				t.Errorf("detail %q does not name %s", f.Detail, c.reason)
			}
			if !strings.Contains(f.Fix[0], c.fix) {
				t.Errorf("first fix step %q, want one with %q", f.Fix[0], c.fix)
			}
			if len(r.Notes) != 1 || !strings.Contains(r.Notes[0], c.cookie.Name+" ("+c.reason+")") {
				t.Errorf("notes %q do not name the cookie left out", r.Notes)
			}
		})
	}
}

func TestCookieNotSentStaysQuietOnSuccessAndOtherSites(t *testing.T) {
	u := "https://shop.example/account"
	other := why401.CookieInfo{Name: "_ga", Domain: "analytics.example.net", Path: "/", Source: "cookies.txt:9"}
	wrongPath := why401.CookieInfo{Name: "sid", Domain: "shop.example", HostOnly: true, Path: "/admin/", Source: "cookies.txt:4"}

	// A 200 page: the cookie left out is noted, not reported.
	r := ckDiagnose(t, &why401.Input{URL: u, Cookies: []why401.CookieInfo{wrongPath}}, true,
		ckExchange(u, http.StatusOK, nil, http.Header{"Content-Type": {"text/html"}}, "<title>Your account</title>"))
	if len(r.Findings) != 0 || len(r.Notes) != 1 {
		t.Errorf("a 200 page: findings %v, notes %q; want none and one note", r.IDs(), r.Notes)
	}
	// A cookie of another site is not a cause, only counted.
	r = ckDiagnose(t, &why401.Input{URL: u, Cookies: []why401.CookieInfo{other}}, true,
		ckExchange(u, http.StatusUnauthorized, nil, nil, ""))
	if len(r.Findings) != 0 || len(r.Notes) != 1 || !strings.Contains(r.Notes[0], "1 cookie for other sites ignored") {
		t.Errorf("another site's cookie: findings %v, notes %q", r.IDs(), r.Notes)
	}
}

func TestCookieExpiredSaysWhichClock(t *testing.T) {
	u := "https://shop.example/account"
	sid := func(exp time.Time, sent bool) why401.CookieInfo {
		return why401.CookieInfo{Name: "sid", Domain: "shop.example", HostOnly: true, Path: "/", Expires: exp, Source: "cookies.txt:2", Sent: sent}
	}
	cases := []struct {
		name    string
		cookie  why401.CookieInfo
		header  http.Header
		want    string // in the detail; "" for no finding
		notWant string
	}{
		{"by the server's Date", sid(ckT0.Add(-time.Hour), false), ckDated(ckT0),
			"1 hour ago by the server's Date", ""},
		// No Date header: the local clock, and the report says so.
		{"no Date: by the local clock", sid(ckT0.Add(-3*24*time.Hour), false), http.Header{},
			"by this computer's clock (the server sent no Date header)", ""},
		// The local clock is ahead: why401 (and curl) left the cookie out,
		// but the server still considers it valid.
		{"the local clock is ahead of the server's", sid(ckT0.Add(-time.Minute), false), ckDated(ckT0.Add(-10 * time.Minute)),
			"your clock is ahead", ""},
		// Sent, and expired by the server's Date only.
		{"sent, expired by the server's clock", sid(ckT0.Add(time.Minute), true), ckDated(ckT0.Add(10 * time.Minute)),
			"it was sent, and the server refused it", "not sent"},
		{"not expired", sid(ckT0.Add(time.Hour), true), ckDated(ckT0), "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := &why401.Input{URL: u, Cookies: []why401.CookieInfo{c.cookie}}
			r := ckDiagnose(t, in, true, ckExchange(u, http.StatusUnauthorized, nil, c.header, ""))
			f, ok := ckFinding(r, "cookie.expired")
			if c.want == "" {
				if ok {
					t.Fatalf("cookie.expired reported: %s", f.Detail)
				}
				return
			}
			if !ok {
				t.Fatalf("findings %v, want cookie.expired", r.IDs())
			}
			if !strings.Contains(f.Detail, c.want) || c.notWant != "" && strings.Contains(f.Detail, c.notWant) {
				t.Errorf("detail %q, want %q", f.Detail, c.want)
			}
			if r.Has("cookie.not-sent") {
				t.Errorf("an expired cookie is reported twice: %v", r.IDs())
			}
		})
	}
}

func TestCookieClearedReadsRedactedHeaders(t *testing.T) {
	u := "https://app.example/api/me"
	sent := http.Header{"Cookie": {redact.CookieHeader("sid=abc; theme=dark")}}
	cases := []struct {
		name      string
		setCookie []string
		want      string // "" for no finding
	}{
		{"Max-Age=0", []string{redact.SetCookie("sid=; Path=/; Max-Age=0")}, "sid (Max-Age=0)"},
		{"Expires in the past by the server's Date", []string{redact.SetCookie("sid=gone; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT")}, "sid (Expires=1970-01-01T00:00:00Z)"},
		{"two deleted", []string{"sid=; Max-Age=0", "theme=; Max-Age=-1"}, "sid (Max-Age=0) and theme (Max-Age=-1)"},
		{"a cookie the request did not send", []string{"other=; Max-Age=0"}, ""},
		{"a new session, not a deletion", []string{redact.SetCookie("sid=new; Path=/; Max-Age=3600")}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := ckDated(ckT0)
			h["Set-Cookie"] = c.setCookie
			r := ckDiagnose(t, &why401.Input{URL: u}, true, ckExchange(u, http.StatusUnauthorized, sent, h, ""))
			f, ok := ckFinding(r, "cookie.cleared")
			switch {
			case c.want == "" && ok:
				t.Errorf("cookie.cleared reported: %s", f.Detail)
			case c.want != "" && !ok:
				t.Errorf("findings %v, want cookie.cleared", r.IDs())
			case c.want != "" && !strings.Contains(f.Detail, c.want):
				t.Errorf("detail %q, want %q", f.Detail, c.want)
			}
		})
	}
}

func TestCookieClearedOnTheRedirectToTheLoginPage(t *testing.T) {
	u := "https://app.example/account"
	sent := http.Header{"Cookie": {"sid=<redacted>"}}
	h := ckDated(ckT0)
	h["Location"] = []string{"/login"}
	h["Set-Cookie"] = []string{"sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"}
	hop := ckExchange(u, http.StatusFound, sent, h, "")
	login := ckExchange("https://app.example/login", http.StatusOK, sent, http.Header{"Content-Type": {"text/html"}},
		`<title>Sign in</title><form><input type="password" name="pw"></form>`)
	login.Purpose = why401.PurposeRedirect
	r := ckDiagnose(t, &why401.Input{URL: u}, true, hop, login)
	f, ok := ckFinding(r, "cookie.cleared")
	if !ok {
		t.Fatalf("findings %v, want cookie.cleared", r.IDs())
	}
	if !strings.Contains(f.Detail, "the 302 answer deletes sid") || !strings.Contains(f.Detail, "ended on https://app.example/login with 200") {
		t.Errorf("detail %q", f.Detail)
	}
	if !slices.Equal(f.Evidence, []int{0, 1}) {
		t.Errorf("evidence %v, want [0 1]", f.Evidence)
	}
	// The same deletion on a chain that ends on a page: no refusal, no finding.
	page := ckExchange("https://app.example/login", http.StatusOK, sent, nil, "<title>Welcome</title>")
	page.Purpose = why401.PurposeRedirect
	if r := ckDiagnose(t, &why401.Input{URL: u}, true, hop, page); r.Has("cookie.cleared") {
		t.Errorf("cookie.cleared on a chain that ends well: %v", r.IDs())
	}
}

func TestCookieStaleOnARecordedFileIsSkipped(t *testing.T) {
	u := "https://app.example/api/me"
	sent := http.Header{"Cookie": {"sid=<redacted>"}}
	r := ckDiagnose(t, &why401.Input{URL: u}, true, ckExchange(u, http.StatusUnauthorized, sent, nil, ""))
	if !slices.Equal(r.IDs(), []string{"check.skipped"}) {
		t.Errorf("findings %v, want check.skipped only", r.IDs())
	}
	// A 403 with cookies: they logged the user in, and the account lacks
	// the permission; nothing to retry.
	r = ckDiagnose(t, &why401.Input{URL: u}, true, ckExchange(u, http.StatusForbidden, sent, nil, ""))
	if len(r.Findings) != 0 {
		t.Errorf("a 403: findings %v, want none", r.IDs())
	}
	// Without cookies there is nothing to retry without them.
	r = ckDiagnose(t, &why401.Input{URL: u}, true, ckExchange(u, http.StatusUnauthorized, nil, nil, ""))
	if len(r.Findings) != 0 {
		t.Errorf("findings %v, want none", r.IDs())
	}
}

func TestApplyCookiesSendsWhatCurlSends(t *testing.T) {
	file := func(name, domain, path string, secure bool, exp time.Time) cookies.Cookie {
		return cookies.Cookie{Name: name, Value: redact.New(name + "-value"), Domain: domain, HostOnly: true, Path: path,
			Secure: secure, Expires: exp, Source: "cookies.txt"}
	}
	given := []cookies.Cookie{
		{Name: "a", Value: redact.New("1"), Source: "-b"},
		file("sid", "shop.example", "/", true, ckT0.Add(time.Hour)),
		file("old", "shop.example", "/", false, ckT0.Add(-time.Hour)),    // expired
		file("admin", "shop.example", "/admin/", false, time.Time{}),     // another path
		file("www", "www.shop.example", "/", false, time.Time{}),         // another host
		file("sid", "shop.example", "/", true, ckT0.Add(2*time.Hour)),    // replaces the first sid
		file("deep", "shop.example", "/account/", false, time.Time{}),    // a longer path: first
		file("plain", "shop.example", "/", false, ckT0.Add(time.Minute)), // still valid
	}
	cases := []struct {
		url, header string
		sent        []string
	}{
		{"https://shop.example/account/", "x=1; a=1; deep=deep-value; sid=sid-value; plain=plain-value", []string{"a", "sid", "deep", "plain"}},
		// Plain http: the Secure sid stays behind.
		{"http://shop.example/account/", "x=1; a=1; deep=deep-value; plain=plain-value", []string{"a", "deep", "plain"}},
		// A URL that does not parse: only the -b string goes.
		{"http://[::1", "x=1; a=1", []string{"a"}},
	}
	for _, c := range cases {
		in := &why401.Input{URL: c.url, Now: ckT0, Creds: why401.Credentials{Cookie: redact.New("x=1")}}
		ApplyCookies(in, given)
		if got := in.Creds.Cookie.Reveal(); got != c.header {
			t.Errorf("%s: Cookie %q, want %q", c.url, got, c.header)
		}
		var sent []string
		for _, ci := range in.Cookies {
			if ci.Sent {
				sent = append(sent, ci.Name)
			}
		}
		if !slices.Equal(sent, c.sent) {
			t.Errorf("%s: sent %v, want %v", c.url, sent, c.sent)
		}
		if n := len(in.Cookies); n != 7 {
			t.Errorf("%s: %d cookies described, want 7 (the second sid replaces the first)", c.url, n)
		}
	}
}
