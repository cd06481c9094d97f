package cookies

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2025, time.March, 10, 12, 0, 0, 0, time.UTC)

func TestParseCookieHeader(t *testing.T) {
	type nv struct{ name, value string }
	tests := []struct {
		in      string
		want    []nv
		errPair []int // positions named by the error
	}{
		{"a=1", []nv{{"a", "1"}}, nil},
		{"a=1; b=2", []nv{{"a", "1"}, {"b", "2"}}, nil},
		{" a = 1 ;b=2;", []nv{{"a", "1"}, {"b", "2"}}, nil}, // lenient spacing, trailing ";"
		{"a=1;; b=2", []nv{{"a", "1"}, {"b", "2"}}, nil},    // empty pair skipped
		{"token=eyJ.x==", []nv{{"token", "eyJ.x=="}}, nil},  // "=" inside the value
		{`q="a b"`, []nv{{"q", `"a b"`}}, nil},              // quotes are part of the value
		{"=v", []nv{{"", "v"}}, nil},                        // an empty name is kept
		{"", nil, nil},
		// A bare word: a nameless cookie to a browser, a file name to curl.
		{"a=1; justavalue; b=2", []nv{{"a", "1"}, {"b", "2"}}, []int{2}},
		{"x; y", nil, []int{1, 2}},
		{"a=1\x00; b=2", []nv{{"b", "2"}}, []int{1}},
	}
	for _, tt := range tests {
		cs, err := ParseCookieHeader(tt.in)
		var got []nv
		for _, c := range cs {
			got = append(got, nv{c.Name, c.Value.Reveal()})
			if c.Source != "-b" || c.Domain != "" || c.Path != "" {
				t.Errorf("ParseCookieHeader(%q): cookie %v; want Source -b, no Domain, no Path", tt.in, c)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("ParseCookieHeader(%q) = %v; want %v", tt.in, got, tt.want)
		}
		var pairs []int
		for _, e := range unwrapAll(err) {
			var pe *PairError
			if !errors.As(e, &pe) {
				t.Errorf("ParseCookieHeader(%q): error %T %v; want *PairError", tt.in, e, e)
				continue
			}
			pairs = append(pairs, pe.Pair)
		}
		if !slices.Equal(pairs, tt.errPair) {
			t.Errorf("ParseCookieHeader(%q) errors name pairs %v; want %v (err: %v)", tt.in, pairs, tt.errPair, err)
		}
	}
}

func unwrapAll(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

func TestLooksLikeFile(t *testing.T) {
	for arg, want := range map[string]bool{
		"cookies.txt":     true,
		"/tmp/jar":        true,
		"-":               true, // standard input
		"":                true, // curl: engine on, no file
		"sid=abc":         false,
		"a=1; b=2":        false,
		"weird=name.txt":  false, // curl's rule is only "contains ="
		"abc123tokenonly": true,
	} {
		if got := LooksLikeFile(arg); got != want {
			t.Errorf("LooksLikeFile(%q) = %v; want %v", arg, got, want)
		}
	}
}

// ParseSetCookie: what is stored.
func TestParseSetCookieStores(t *testing.T) {
	login := "https://www.example.com/app/login"
	tests := []struct {
		name, url, header string
		check             func(t *testing.T, c Cookie)
	}{
		{"a bare cookie is host-only, on the default path, a session cookie", login, "sid=abc",
			func(t *testing.T, c Cookie) {
				want(t, c.Name == "sid" && c.Value.Reveal() == "abc", "name/value")
				want(t, c.HostOnly && c.Domain == "www.example.com", "host-only www.example.com, got %q %v", c.Domain, c.HostOnly)
				want(t, c.Path == "/app", "default path /app, got %q", c.Path)
				want(t, c.Expires.IsZero() && !c.MaxAgeSet, "session cookie")
				want(t, c.SameSite == Unspecified && !c.Secure && !c.HTTPOnly, "no flags")
				want(t, c.Created.Equal(now), "Created = now")
			}},
		{"attributes are case-insensitive and Domain loses its dot", login,
			"sid=abc; path=/; DOMAIN=.Example.COM; secure; HttpOnly; SameSite=strict; Partitioned",
			func(t *testing.T, c Cookie) {
				want(t, !c.HostOnly && c.Domain == "example.com", "domain example.com, got %q %v", c.Domain, c.HostOnly)
				want(t, c.Path == "/" && c.Secure && c.HTTPOnly && c.SameSite == Strict && c.Partitioned, "attributes: %v", c)
			}},
		{"Max-Age wins over Expires, whatever their order", login,
			"a=b; Max-Age=60; Expires=Wed, 21 Oct 2026 07:28:00 GMT",
			func(t *testing.T, c Cookie) {
				want(t, c.Expires.Equal(now.Add(time.Minute)) && c.MaxAgeSet && c.MaxAge == 60, "expires %v", c.Expires)
			}},
		{"Max-Age=0 expires at once", login, "sid=; Max-Age=0",
			func(t *testing.T, c Cookie) {
				want(t, c.Expired(now) && c.Expires.Equal(ExpiredAt) && c.MaxAgeSet, "expired, got %v", c.Expires)
			}},
		{"a negative Max-Age expires at once", login, "sid=x; Max-Age=-1",
			func(t *testing.T, c Cookie) { want(t, c.Expired(now) && c.MaxAge == -1, "expired") }},
		{"a Max-Age that is not a number is ignored", login, "sid=x; Max-Age=1h; Max-Age=+5; Max-Age=",
			func(t *testing.T, c Cookie) {
				want(t, c.Expires.IsZero() && !c.MaxAgeSet, "session cookie, got %v", c.Expires)
				want(t, len(c.Notes) == 3, "three notes, got %q", c.Notes)
			}},
		{"Expires in the past expires", login, "sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
			func(t *testing.T, c Cookie) { want(t, c.Expired(now), "expired") }},
		{"an unreadable Expires leaves a session cookie and a note", login, "sid=x; Expires=2026-01-01",
			func(t *testing.T, c Cookie) {
				want(t, c.Expires.IsZero(), "session cookie")
				want(t, len(c.Notes) == 1 && strings.Contains(c.Notes[0], "Expires"), "note, got %q", c.Notes)
			}},
		{"Expires is capped at 400 days", login, "sid=x; Expires=Fri, 31 Dec 9999 23:59:59 GMT",
			func(t *testing.T, c Cookie) {
				want(t, c.Expires.Equal(now.Add(MaxLifetime)), "capped, got %v", c.Expires)
			}},
		{"Max-Age is capped at 400 days", login, "sid=x; Max-Age=99999999999999999999999",
			func(t *testing.T, c Cookie) {
				want(t, c.Expires.Equal(now.Add(MaxLifetime)), "capped, got %v", c.Expires)
			}},
		{"a Path not starting with / gives the default path", login, "sid=x; Path=app",
			func(t *testing.T, c Cookie) {
				want(t, c.Path == "/app" && len(c.Notes) == 1, "default path, got %q %q", c.Path, c.Notes)
			}},
		{"the last Path wins", login, "sid=x; Path=/a; Path=/b",
			func(t *testing.T, c Cookie) { want(t, c.Path == "/b", "path /b, got %q", c.Path) }},
		{"an attribute value over 1024 bytes is ignored, not the cookie", login,
			"sid=x; Path=/" + strings.Repeat("p", 1024),
			func(t *testing.T, c Cookie) {
				want(t, c.Path == "/app" && len(c.Notes) == 1, "default path, got %q", c.Path)
			}},
		{"an unknown SameSite is unspecified", login, "sid=x; SameSite=Lax; SameSite=Nonee",
			func(t *testing.T, c Cookie) {
				want(t, c.SameSite == Unspecified && len(c.Notes) == 1, "unspecified, got %v", c.SameSite)
			}},
		{"a pair without = is a nameless cookie", login, "abc; Path=/",
			func(t *testing.T, c Cookie) { want(t, c.Name == "" && c.Value.Reveal() == "abc", "nameless") }},
		{"an empty name is a nameless cookie", login, "=abc",
			func(t *testing.T, c Cookie) { want(t, c.Name == "" && c.Value.Reveal() == "abc", "nameless") }},
		{"a misspelt attribute is named in a note", login, "sid=x; Same-Site=Strict",
			func(t *testing.T, c Cookie) {
				want(t, c.SameSite == Unspecified && len(c.Notes) == 1 && strings.Contains(c.Notes[0], `"Same-Site"`), "note, got %q", c.Notes)
			}},
		{"quotes stay in the value", login, `q="a b"`,
			func(t *testing.T, c Cookie) { want(t, c.Value.Reveal() == `"a b"`, "quoted value") }},
		{"4096 bytes of name and value is allowed", login, "n=" + strings.Repeat("v", 4095),
			func(t *testing.T, c Cookie) { want(t, len(c.Value.Reveal()) == 4095, "value kept") }},
		{"a Domain equal to a subdomain host is a domain cookie", "https://alice.github.io/", "a=b; Domain=alice.github.io",
			func(t *testing.T, c Cookie) { want(t, !c.HostOnly && c.Domain == "alice.github.io", "domain cookie") }},
		{"a public suffix may set a cookie for itself, host-only", "http://localhost:8080/", "a=b; Domain=localhost",
			func(t *testing.T, c Cookie) { want(t, c.HostOnly && c.Domain == "localhost", "host-only, got %v", c) }},
		{"an IP address may name itself as Domain", "http://127.0.0.1:8080/", "a=b; Domain=127.0.0.1",
			func(t *testing.T, c Cookie) { want(t, c.HostOnly && c.Domain == "127.0.0.1", "host-only, got %v", c) }},
		{"Secure may be set over http on localhost", "http://localhost:3000/", "a=b; Secure",
			func(t *testing.T, c Cookie) { want(t, c.Secure, "secure") }},
		{"a __Host- cookie with Secure and Path=/", login, "__Host-sid=x; Secure; Path=/",
			func(t *testing.T, c Cookie) { want(t, c.Secure && c.HostOnly, "stored") }},
		{"a __Host-Http- cookie with Secure, HttpOnly and Path=/", login, "__Host-Http-sid=x; Secure; HttpOnly; Path=/",
			func(t *testing.T, c Cookie) { want(t, c.HTTPOnly, "stored") }},
		{"a __Secure- cookie with Secure", login, "__Secure-sid=x; Secure; Domain=example.com",
			func(t *testing.T, c Cookie) { want(t, c.Secure, "stored") }},
		{"SameSite=None with Secure", login, "a=b; SameSite=None; Secure",
			func(t *testing.T, c Cookie) { want(t, c.SameSite == None, "stored") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseSetCookie(tt.header, mustURL(t, tt.url), now)
			if err != nil {
				t.Fatalf("ParseSetCookie(%.60q) error: %v", tt.header, err)
			}
			tt.check(t, c)
		})
	}
}

func want(t *testing.T, ok bool, format string, args ...any) {
	t.Helper()
	if !ok {
		t.Errorf("want "+format, args...)
	}
}

// ParseSetCookie: what a browser refuses, and the reason it gives.
func TestParseSetCookieRefuses(t *testing.T) {
	tests := []struct {
		name, url, header string
		want              Reason
	}{
		{"a control character", "https://example.com/", "a=b\x01c", DisallowedCharacter},
		{"a header split by a newline", "https://example.com/", "a=b\nSet-Cookie: c=d", DisallowedCharacter},
		{"name and value over 4096 bytes", "https://example.com/", "n=" + strings.Repeat("v", 4096), TooLarge},
		{"no name and no value", "https://example.com/", "=; Path=/", NoCookieContent},
		{"an empty header", "https://example.com/", "", NoCookieContent},
		{"a Domain of another site", "https://example.com/", "a=b; Domain=other.com", InvalidDomain},
		{"a Domain of a subdomain", "https://example.com/", "a=b; Domain=www.example.com", InvalidDomain},
		{"a Domain that only ends like the host", "https://badexample.com/", "a=b; Domain=example.com", InvalidDomain},
		{"a Domain that is a TLD", "https://example.com/", "a=b; Domain=com", InvalidDomain},
		{"a Domain that is a public suffix", "https://shop.example.co.uk/", "a=b; Domain=co.uk", InvalidDomain},
		{"a Domain that is a private public suffix", "https://alice.github.io/", "a=b; Domain=github.io", InvalidDomain},
		{"a Domain that is not ASCII", "https://xn--bcher-kva.de/", "a=b; Domain=bücher.de", InvalidDomain},
		{"a Domain that is part of an IP address", "http://10.0.0.1/", "a=b; Domain=0.0.1", InvalidDomain},
		{"Secure from plain http", "http://example.com/", "a=b; Secure", SecureOnly},
		{"SameSite=None without Secure", "https://example.com/", "a=b; SameSite=None", SameSiteNoneInsecure},
		{"__Secure- without Secure", "https://example.com/", "__Secure-a=b", InvalidPrefix},
		{"__secure- in another case without Secure", "https://example.com/", "__SECURE-a=b", InvalidPrefix},
		{"__Host- with a Domain", "https://example.com/", "__Host-a=b; Secure; Path=/; Domain=example.com", InvalidPrefix},
		{"__Host- with another Path", "https://example.com/", "__Host-a=b; Secure; Path=/app", InvalidPrefix},
		{"__Host- without a Path attribute", "https://example.com/", "__Host-a=b; Secure", InvalidPrefix},
		{"__Host- without Secure", "https://example.com/", "__Host-a=b; Path=/", InvalidPrefix},
		{"__Http- without HttpOnly", "https://example.com/", "__Http-a=b; Secure", InvalidPrefix},
		{"__Host-Http- without HttpOnly", "https://example.com/", "__Host-Http-a=b; Secure; Path=/", InvalidPrefix},
		{"a nameless cookie posing as __Host-", "https://example.com/", "__Host-abc; Secure; Path=/", InvalidPrefix},
		{"Partitioned without Secure", "https://example.com/", "a=b; Partitioned", InvalidPartitioned},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSetCookie(tt.header, mustURL(t, tt.url), now)
			var se *SetCookieError
			if !errors.As(err, &se) {
				t.Fatalf("ParseSetCookie(%.60q) = %v; want a *SetCookieError %v", tt.header, err, tt.want)
			}
			if se.Reason != tt.want {
				t.Errorf("ParseSetCookie(%.60q) reason = %v (%v); want %v", tt.header, se.Reason, err, tt.want)
			}
		})
	}
	if _, err := ParseSetCookie("a=b", nil, now); err == nil {
		t.Error("ParseSetCookie without a URL: no error")
	}
	if _, err := ParseSetCookie("a=b", mustURL(t, "/relative"), now); err == nil {
		t.Error("ParseSetCookie with a URL without a host: no error")
	}
}
