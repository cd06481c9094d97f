package redact

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
)

const sentinel = "S3NTINEL"

func TestSecretNeverPrints(t *testing.T) {
	s := New(sentinel)
	var logBuf bytes.Buffer
	slog.New(slog.NewTextHandler(&logBuf, nil)).Info("x", "secret", s)
	j, _ := json.Marshal(struct{ S Secret }{s})
	outs := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x %X %d", s, s, s, s, s, s, s, s),
		s.String(), s.GoString(), string(j), logBuf.String(),
	}
	for _, o := range outs {
		if strings.Contains(o, sentinel) {
			t.Errorf("leak: %q", o)
		}
	}
	if s.Reveal() != sentinel {
		t.Errorf("Reveal = %q", s.Reveal())
	}
	if New("").String() != "" || !New("").IsZero() {
		t.Error("the empty secret should print as empty")
	}
}

func TestHeaderKeepsShapeAndDropsValues(t *testing.T) {
	h := http.Header{
		"Authorization":       {"Basic " + sentinel},
		"Proxy-Authorization": {"Digest username=\"a\", response=\"" + sentinel + "\""},
		"Cookie":              {"sid=" + sentinel + "; theme=" + sentinel},
		"Set-Cookie":          {"sid=" + sentinel + "; Path=/; HttpOnly", "old=; Max-Age=0"},
		"X-Api-Key":           {sentinel},
		"Accept":              {"*/*"},
	}
	got := Header(h)
	for k, vs := range got {
		for _, v := range vs {
			if strings.Contains(v, sentinel) {
				t.Errorf("%s: %q leaks", k, v)
			}
		}
	}
	want := map[string]string{
		"Authorization":       "Basic <redacted>",
		"Proxy-Authorization": "Digest <redacted>",
		"Cookie":              "sid=<redacted>; theme=<redacted>",
		"X-Api-Key":           "<redacted>",
		"Accept":              "*/*",
	}
	for k, w := range want {
		if got.Get(k) != w {
			t.Errorf("Header(%s) = %q, want %q", k, got.Get(k), w)
		}
	}
	if sc := got.Values("Set-Cookie"); sc[0] != "sid=<redacted>; Path=/; HttpOnly" || sc[1] != "old=; Max-Age=0" {
		t.Errorf("Set-Cookie = %q", sc)
	}
	if h.Get("Authorization") != "Basic "+sentinel {
		t.Error("Header modified its argument")
	}
}

func TestURLRedactsUserinfoAndTokens(t *testing.T) {
	cases := []struct{ in, want string }{
		{"https://alice:" + sentinel + "@x.example/p", "https://<redacted>:<redacted>@x.example/p"},
		{"https://x.example/p?access_token=" + sentinel + "&page=2", "https://x.example/p?access_token=<redacted>&page=2"},
		{"https://x.example/cb?code=" + sentinel + "&state=abc", "https://x.example/cb?code=<redacted>&state=abc"},
		{"https://x.example/?t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "https://x.example/?t=<redacted>"},
		{"https://x.example/plain?q=go", "https://x.example/plain?q=go"},
		{"http://[::1", Placeholder},
	}
	for _, c := range cases {
		if got := URL(c.in); got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestTextRemovesGivenSecrets(t *testing.T) {
	got := Text("dial tcp: lookup "+sentinel+": no such host", New(sentinel), New("ab"))
	if strings.Contains(got, sentinel) {
		t.Errorf("Text = %q", got)
	}
}

// A JWT-shaped sentinel: header and claims are base64url JSON, the signature
// is the sentinel, so a leak of any part of it shows.
const jwtSentinel = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTM05USU5FTCJ9." + sentinel

func TestURLRedactsWhatHidesOutsideTheQuery(t *testing.T) {
	cases := []struct{ in, want string }{
		// ';' separates query parameters too (HTML 4, Java servlets).
		{"https://x.example/p?a=1;sid=" + sentinel, "https://x.example/p?a=1;sid=<redacted>"},
		{"https://x.example/p?lang=en;jsessionid=" + sentinel + "&q=go", "https://x.example/p?lang=en;jsessionid=<redacted>&q=go"},
		// A path's own parameters.
		{"https://x.example/app;jsessionid=" + sentinel + "/page", "https://x.example/app;jsessionid=<redacted>/page"},
		{"https://x.example/app;jsessionid=" + sentinel + "?q=1", "https://x.example/app;jsessionid=<redacted>?q=1"},
		{"https://x.example/shop;JSESSIONID=" + sentinel, "https://x.example/shop;JSESSIONID=<redacted>"},
		{"https://x.example/a;v=2/b", "https://x.example/a;v=2/b"},
		// A JWT in a path segment, and in the fragment.
		{"https://x.example/reset/" + jwtSentinel + "/confirm", "https://x.example/reset/<redacted>/confirm"},
		{"https://x.example/cb#access_token=" + sentinel + "&token_type=Bearer", "https://x.example/cb#access_token=<redacted>&token_type=Bearer"},
		{"https://x.example/cb#id_token=" + jwtSentinel, "https://x.example/cb#id_token=<redacted>"},
		{"https://x.example/cb#" + jwtSentinel, "https://x.example/cb#<redacted>"},
		{"https://x.example/docs#section-2", "https://x.example/docs#section-2"},
		// A relative reference (a Location header).
		{"/login;jsessionid=" + sentinel + "?next=/a#x", "/login;jsessionid=<redacted>?next=/a#x"},
		// Look-alikes are left alone.
		{"https://x.example/eyJ/a.b", "https://x.example/eyJ/a.b"},
		{"https://x.example/keyJx.y.z", "https://x.example/keyJx.y.z"},
	}
	for _, c := range cases {
		got := URL(c.in)
		if got != c.want {
			t.Errorf("URL(%q) = %q, want %q", c.in, got, c.want)
		}
		if strings.Contains(got, sentinel) || strings.Contains(got, "eyJzdWIi") {
			t.Errorf("URL(%q) leaks: %q", c.in, got)
		}
	}
}

func TestQuerySplitsOnSemicolonsAndKeepsSeparators(t *testing.T) {
	in := "a=1;token=" + sentinel + "&&b=;c&sid=" + sentinel
	if got, want := Query(in), "a=1;token=<redacted>&&b=;c&sid=<redacted>"; got != want {
		t.Errorf("Query(%q) = %q, want %q", in, got, want)
	}
}

func TestJWTsFindsTokensAnywhere(t *testing.T) {
	cases := []struct{ in, want string }{
		{"token " + jwtSentinel + ".", "token <redacted>."},
		{"a/" + jwtSentinel, "a/<redacted>"},
		{"x" + jwtSentinel, "x" + jwtSentinel}, // the tail of a longer word is not a token
		{"eyJ no token", "eyJ no token"},
		{"", ""},
	}
	for _, c := range cases {
		if got := JWTs(c.in); got != c.want {
			t.Errorf("JWTs(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHeaderRedactsURLsInLocationAndReferer(t *testing.T) {
	h := http.Header{
		"Location":         {"https://alice:" + sentinel + "@sso.example/cb?session=" + sentinel + "#access_token=" + sentinel},
		"Referer":          {"https://x.example/reset/" + jwtSentinel + "?page=2"},
		"Content-Location": {"/app;jsessionid=" + sentinel},
		"Link":             {"</style.css>; rel=preload"},
	}
	got := Header(h)
	want := map[string]string{
		"Location":         "https://<redacted>:<redacted>@sso.example/cb?session=<redacted>#access_token=<redacted>",
		"Referer":          "https://x.example/reset/<redacted>?page=2",
		"Content-Location": "/app;jsessionid=<redacted>",
		"Link":             "</style.css>; rel=preload",
	}
	for k, w := range want {
		if g := got.Get(k); g != w {
			t.Errorf("Header(%s) = %q, want %q", k, g, w)
		}
	}
	for k, vs := range got {
		for _, v := range vs {
			if strings.Contains(v, sentinel) {
				t.Errorf("%s leaks: %q", k, v)
			}
		}
	}
}

func TestSetCookieRedactsEveryLineOfChromesJoinedValue(t *testing.T) {
	in := "sid=" + sentinel + "; Path=/; HttpOnly\nlogged_in=" + sentinel + "; Secure\r\nold=; Max-Age=0"
	want := "sid=<redacted>; Path=/; HttpOnly\nlogged_in=<redacted>; Secure\nold=; Max-Age=0"
	if got := SetCookie(in); got != want {
		t.Errorf("SetCookie(%q) =\n%q, want\n%q", in, got, want)
	}
	if got := HeaderValue("set-cookie", in); strings.Contains(got, sentinel) {
		t.Errorf("HeaderValue leaks: %q", got)
	}
}

func TestIsTokenLikeParam(t *testing.T) {
	for name, want := range map[string]bool{
		"token": true, "Access_Token": true, "X-Amz-Signature": true, "my-session": true, "JSESSIONID": true,
		"PHPSESSID": true, "id_token": true, "sid": true,
		"tokens": false, "mytoken": false, "q": false, "": false, "page": false, "session_length": false,
	} {
		if got := IsTokenLikeParam(name); got != want {
			t.Errorf("IsTokenLikeParam(%q) = %v, want %v", name, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { IsTokenLikeParam("X-Amz-Credential") }); n != 0 {
		t.Errorf("IsTokenLikeParam allocates %v times", n)
	}
}
