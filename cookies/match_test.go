package cookies

import (
	"net/url"
	"testing"
	"time"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// Expires formats a server may send, read with the §5.1.1 algorithm.
func TestParseCookieDate(t *testing.T) {
	rfc1123 := time.Date(1994, time.November, 6, 8, 49, 37, 0, time.UTC)
	oct21 := time.Date(2015, time.October, 21, 7, 28, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Time // zero: not a date
	}{
		// The three formats of RFC 9110 §5.6.7.
		{"Sun, 06 Nov 1994 08:49:37 GMT", rfc1123},  // IMF-fixdate
		{"Sunday, 06-Nov-94 08:49:37 GMT", rfc1123}, // RFC 850, two-digit year
		{"Sun Nov  6 08:49:37 1994", rfc1123},       // asctime
		// What servers also send.
		{"Wed, 21-Oct-2015 07:28:00 GMT", oct21},               // Netscape's original
		{"Wed, 21 October 2015 07:28:00 GMT", oct21},           // full month name
		{"21 oct 2015 07:28:00", oct21},                        // no weekday, lower case
		{"2015 Oct 21 07:28:00", oct21},                        // year first
		{"Wed, 21 Oct 2015 07:28:00 +0200", oct21},             // zones are ignored
		{"Wed, 21 Oct 2015 07:28:00GMT", oct21},                // time glued to zone
		{"Wed, 21 Oct 2015 7:28:0 GMT", oct21},                 // one-digit fields
		{"Wed,21/Oct/2015;07:28:00", oct21},                    // odd delimiters
		{"Wed, 21 Oct 15 07:28:00 GMT", oct21},                 // 00-69 is 20xx
		{"Thu, 01 Jan 70 00:00:00 GMT", time.Unix(0, 0).UTC()}, // 70-99 is 19xx
		{"Sat, 31 Dec 2069 23:59:59 GMT", time.Date(2069, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"Fri, 31 Dec 9999 23:59:59 GMT", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)},
		{"Mon, 01 Jan 1601 00:00:00 GMT", time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)},
		// Not dates: the attribute is ignored and the cookie is a session cookie.
		{"", time.Time{}},
		{"tomorrow", time.Time{}},
		{"1445412480", time.Time{}},                    // Unix seconds
		{"2015-10-21T07:28:00Z", time.Time{}},          // ISO 8601: no month name
		{"Wed, 21 Oct 2015", time.Time{}},              // no time
		{"Wed, 21 Oct 2015 07:28 GMT", time.Time{}},    // no seconds
		{"Tue, 31 Feb 2015 07:28:00 GMT", time.Time{}}, // no such day
		{"Wed, 32 Oct 2015 07:28:00 GMT", time.Time{}},
		{"Wed, 00 Oct 2015 07:28:00 GMT", time.Time{}},
		{"Wed, 21 Oct 2015 24:00:00 GMT", time.Time{}},
		{"Wed, 21 Oct 2015 07:60:00 GMT", time.Time{}},
		{"Wed, 21 Oct 2015 07:28:60 GMT", time.Time{}},  // no leap seconds
		{"Wed, 21 Oct 1600 07:28:00 GMT", time.Time{}},  // before 1601
		{"Wed, 21 Oct 12015 07:28:00 GMT", time.Time{}}, // five-digit year
		{"Wed, 21 Oct 2015 007:28:00 GMT", time.Time{}}, // three-digit hour
	}
	for _, tt := range tests {
		got, ok := parseCookieDate(tt.in)
		if ok != !tt.want.IsZero() || !got.Equal(tt.want) {
			t.Errorf("parseCookieDate(%q) = %v, %v; want %v", tt.in, got, ok, tt.want)
		}
	}
}

// Domain matching, 6265bis §5.1.3.
func TestDomainMatch(t *testing.T) {
	tests := []struct {
		host, domain string
		want         bool
	}{
		{"example.com", "example.com", true},
		{"www.example.com", "example.com", true},
		{"a.b.example.com", "example.com", true},
		{"example.com", "www.example.com", false},      // a parent is not covered by its child
		{"badexample.com", "example.com", false},       // the suffix must follow a "."
		{"example.com.evil.net", "example.com", false}, // a prefix is not a suffix
		{"www.example.com", "com", true},               // matching alone; public suffixes are refused when storing
		{"10.0.0.1", "10.0.0.1", true},
		{"10.0.0.1", "0.0.1", false}, // IP addresses match only themselves
		{"::1", "::1", true},
		{"example.com", "", false},
	}
	for _, tt := range tests {
		if got := domainMatch(tt.host, tt.domain); got != tt.want {
			t.Errorf("domainMatch(%q, %q) = %v; want %v", tt.host, tt.domain, got, tt.want)
		}
	}
}

// Path matching, 6265bis §5.1.4.
func TestPathMatch(t *testing.T) {
	tests := []struct {
		reqPath, cookiePath string
		want                bool
	}{
		{"/", "/", true},
		{"/docs", "/", true},
		{"/docs", "/docs", true},
		{"/docs/", "/docs", true},
		{"/docs/web/http", "/docs", true},
		{"/docs/web", "/docs/", true},
		{"/docs", "/docs/", false},     // the cookie path is longer
		{"/docsets", "/docs", false},   // a prefix must end at a "/"
		{"/fr/docs", "/docs", false},   // a prefix, not a substring
		{"/Docs", "/docs", false},      // paths are case-sensitive
		{"/app%2Fx", "/app", false},    // an escaped "/" is not a "/"
		{"/app/x;y", "/app/x;y", true}, // identical
	}
	for _, tt := range tests {
		if got := pathMatch(tt.reqPath, tt.cookiePath); got != tt.want {
			t.Errorf("pathMatch(%q, %q) = %v; want %v", tt.reqPath, tt.cookiePath, got, tt.want)
		}
	}
}

// The default-path of 6265bis §5.1.4: the "directory" of the request path.
func TestDefaultPath(t *testing.T) {
	tests := []struct{ url, want string }{
		{"https://example.com", "/"},
		{"https://example.com/", "/"},
		{"https://example.com/login", "/"},
		{"https://example.com/app/login", "/app"},
		{"https://example.com/app/", "/app"},
		{"https://example.com/a/b/c?x=/y/z", "/a/b"}, // the query does not count
	}
	for _, tt := range tests {
		if got := defaultPath(mustURL(t, tt.url)); got != tt.want {
			t.Errorf("defaultPath(%s) = %q; want %q", tt.url, got, tt.want)
		}
	}
}

func TestSecureURL(t *testing.T) {
	tests := []struct {
		url  string
		want bool
	}{
		{"https://example.com/", true},
		{"wss://example.com/", true},
		{"http://example.com/", false},
		{"http://localhost:8080/", true}, // Chromium: loopback is a secure context
		{"http://app.localhost/", true},
		{"http://127.0.0.1/", true},
		{"http://127.8.9.10/", true},
		{"http://[::1]:8080/", true},
		{"http://10.0.0.1/", false},
		{"http://localhost.example.com/", false},
		{"ftp://example.com/", false},
	}
	for _, tt := range tests {
		if got := secureURL(mustURL(t, tt.url)); got != tt.want {
			t.Errorf("secureURL(%s) = %v; want %v", tt.url, got, tt.want)
		}
	}
}

func TestCrossSite(t *testing.T) {
	tests := []struct {
		page, url         string
		cross, schemeOnly bool
	}{
		{"https://www.example.com/", "https://api.example.com/", false, false}, // same registrable domain
		{"https://example.co.uk/", "https://api.example.co.uk/x", false, false},
		{"https://a.co.uk/", "https://b.co.uk/", true, false}, // co.uk is a public suffix
		{"https://alice.github.io/", "https://bob.github.io/", true, false},
		{"https://shop.example/", "https://pay.example.net/", true, false},
		{"http://example.com/", "https://example.com/", true, true}, // schemeful
		{"wss://example.com/", "https://example.com/", false, false},
		{"http://127.0.0.1/", "http://127.0.0.1:8080/", false, false},
	}
	for _, tt := range tests {
		cross, schemeOnly := crossSite(Request{URL: mustURL(t, tt.url), SiteForCookies: mustURL(t, tt.page)})
		if cross != tt.cross || schemeOnly != tt.schemeOnly {
			t.Errorf("crossSite(%s from %s) = %v, %v; want %v, %v", tt.url, tt.page, cross, schemeOnly, tt.cross, tt.schemeOnly)
		}
	}
	if cross, _ := crossSite(Request{URL: mustURL(t, "https://example.com/")}); cross {
		t.Error("a request without SiteForCookies is cross-site; want same-site")
	}
}
