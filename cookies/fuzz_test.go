package cookies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// marker starts every fuzzed value so that a leak can be told from a
// coincidence: no message or note of this package contains a backquote.
const marker = "zq`"

func FuzzParseSetCookie(f *testing.F) {
	for _, s := range []string{
		"sid=abc",
		"sid=abc; Path=/; Domain=.example.com; Secure; HttpOnly; SameSite=Lax; Max-Age=60",
		"sid=; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
		"__Host-a=b; Secure; Path=/",
		"__Secure-a=b; Domain=com",
		"a=b; SameSite=None; Partitioned",
		"abc; Max-Age=-1",
		"a=b; Expires=Sun Nov  6 08:49:37 1994; Path=app",
		"=; ;;; =",
	} {
		f.Add(s, "https://www.example.com/app/login")
	}
	f.Add("a=b; Domain=localhost; Secure", "http://localhost:8080/x")
	f.Add("a=b; Domain=0.0.1", "http://10.0.0.1/")
	f.Fuzz(func(t *testing.T, header, rawURL string) {
		u, err := parseFuzzURL(rawURL)
		if err != nil {
			return
		}
		c, err := ParseSetCookie(header, u, now)
		if err != nil {
			var se *SetCookieError
			if !errors.As(err, &se) || se.Reason == 0 {
				t.Fatalf("ParseSetCookie(%q): error %T %v; want a *SetCookieError with a reason", header, err, err)
			}
			return
		}
		name, value := c.Name, c.Value.Reveal()
		if len(name)+len(value) > MaxNameValue || name == "" && value == "" || hasCTL(name+value, true) {
			t.Fatalf("ParseSetCookie(%q) stored %q=%q", header, name, value)
		}
		if c.Path == "" || c.Path[0] != '/' || len(c.Path) > MaxAttributeValue {
			t.Fatalf("ParseSetCookie(%q): path %q", header, c.Path)
		}
		host := canonicalHost(u)
		if c.HostOnly && c.Domain != host || !c.HostOnly && (!domainMatch(host, c.Domain) || isPublicSuffix(c.Domain)) {
			t.Fatalf("ParseSetCookie(%q) from %s: domain %q host-only %v", header, host, c.Domain, c.HostOnly)
		}
		if c.Secure && !secureURL(u) || c.SameSite == None && !c.Secure {
			t.Fatalf("ParseSetCookie(%q) from %s: %v", header, u, c)
		}
		if hasPrefixFold(name, "__Secure-") && !c.Secure ||
			hasPrefixFold(name, "__Host-") && (!c.Secure || !c.HostOnly || c.Path != "/") {
			t.Fatalf("ParseSetCookie(%q): prefix not enforced: %v", header, c)
		}
		if !c.Expires.IsZero() && c.Expires.After(now.Add(MaxLifetime)) {
			t.Fatalf("ParseSetCookie(%q): expires %v, over 400 days", header, c.Expires)
		}
		// The cookie is what a browser sends back: it must select itself.
		if rs := Check(c, Request{URL: u, Now: now}); len(rs) > 0 && !c.Expired(now) && c.Path == defaultPath(u) {
			t.Fatalf("ParseSetCookie(%q) from %s: %v not sent back: %v", header, u, c, rs)
		}
	})
}

// parseFuzzURL keeps the fuzzed URLs to absolute http(s) ones with a host.
func parseFuzzURL(raw string) (u *url.URL, err error) {
	u, err = url.Parse(raw)
	if err != nil || u.Hostname() == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, errors.New("skip")
	}
	return u, nil
}

// FuzzSetCookieRedaction: whatever the header, the value never shows in an
// error, in String, fmt or JSON.
func FuzzSetCookieRedaction(f *testing.F) {
	f.Add("sid", "abc", "; Path=/; Secure")
	f.Add("__Host-sid", "abc", "; Domain=example.com")
	f.Add("", "abc", "; x")
	f.Add("sid", "a;b", "; SameSite=Nonee")
	f.Add("sid", "a\x01", "")
	f.Fuzz(func(t *testing.T, name, value, attrs string) {
		if strings.ContainsAny(name, "=;") || strings.Contains(name+value+attrs, marker) {
			return
		}
		header := name + "=" + marker + value + attrs
		c, err := ParseSetCookie(header, mustURL(t, "https://www.example.com/app/login"), now)
		var outs []string
		if err != nil {
			outs = append(outs, err.Error(), fmt.Sprintf("%v %+v %#v", err, err, err))
		} else {
			b, _ := json.Marshal(c)
			outs = append(outs, c.String(), fmt.Sprintf("%v %+v %#v %s", c, c, c, c), string(b))
			outs = append(outs, c.Notes...)
		}
		for _, o := range outs {
			if strings.Contains(o, marker) {
				t.Fatalf("ParseSetCookie(%q): the value leaks: %s", header, o)
			}
		}
	})
}

func FuzzParseCookieHeader(f *testing.F) {
	for _, s := range []string{"a=1", "a=1; b=2", " a = 1 ;b=2;", "x; y", "=v", "a=b=c", `q="a b"`, "a=1\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseCookieHeader(s)
		if err != nil {
			for _, e := range unwrapAll(err) {
				var pe *PairError
				if !errors.As(e, &pe) || pe.Pair < 1 {
					t.Fatalf("ParseCookieHeader(%q): error %T %v", s, e, e)
				}
			}
			if strings.Count(s, ";") < len(unwrapAll(err))-1 {
				t.Fatalf("ParseCookieHeader(%q): more errors than pairs", s)
			}
			return
		}
		for _, c := range cs {
			if c.Name == "" {
				return // a nameless cookie is written as its bare value: no round trip
			}
		}
		// Round trip: the header built from the cookies parses back to them.
		again, err := ParseCookieHeader(Header(cs))
		if err != nil || len(again) != len(cs) {
			t.Fatalf("ParseCookieHeader(Header(%q)) = %d cookies, %v; want %d", s, len(again), err, len(cs))
		}
		for i := range cs {
			if again[i].Name != cs[i].Name || again[i].Value.Reveal() != cs[i].Value.Reveal() {
				t.Fatalf("round trip of %q: cookie %d = %q=%q; want %q=%q", s, i,
					again[i].Name, again[i].Value.Reveal(), cs[i].Name, cs[i].Value.Reveal())
			}
		}
	})
}

func FuzzParseNetscape(f *testing.F) {
	f.Add([]byte(cookiesTxt))
	f.Add([]byte("example.com\tFALSE\t/\tFALSE\t0\ta\t1"))
	f.Add([]byte("#HttpOnly_.example.com\tTRUE\t/\tTRUE\t1600000000\told\tv\r\n\n# c\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, errs := ParseNetscape(bytes.NewReader(data), now)
		lines := bytes.Count(data, []byte("\n")) + 1
		if len(cs)+len(errs) > lines+1 {
			t.Fatalf("%d cookies and %d errors from %d lines", len(cs), len(errs), lines)
		}
		for _, c := range cs {
			if !strings.HasPrefix(c.Source, "cookies.txt:") || c.Path == "" || c.Path[0] != '/' || c.Domain == "" ||
				c.Name == "" && c.Value.IsZero() || hasCTL(c.Name+c.Value.Reveal(), false) {
				t.Fatalf("cookie %v from %q", c, data)
			}
			if !utf8.ValidString(c.String()) && utf8.Valid(data) {
				t.Fatalf("String() of %v is not UTF-8", c)
			}
		}
		for _, e := range errs {
			var le *LineError
			if errors.As(e, &le) && (le.Line < 1 || le.Line > lines) {
				t.Fatalf("error %v names line %d of %d", e, le.Line, lines)
			}
		}
	})
}
