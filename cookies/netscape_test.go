package cookies

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

const cookiesTxt = "\xef\xbb\xbf# Netscape HTTP Cookie File\n" + // 1 (with a BOM)
	"# https://curl.se/docs/http-cookies.html\n" + // 2
	"\n" + // 3
	".example.com\tTRUE\t/\tFALSE\t0\tsession\tVALUE-session\n" + // 4
	"www.example.com\tFALSE\t/app\tTRUE\t2000000000\tpref\tVALUE-pref\r\n" + // 5 (CRLF)
	"#HttpOnly_.example.com\tTRUE\t/\tTRUE\t1600000000\told\tVALUE-old\n" + // 6
	"example.com FALSE / FALSE 0 spaced VALUE-spaced\n" + // 7
	"example.com\tMAYBE\t/\tFALSE\t0\tx\tVALUE-x\n" + // 8
	"example.com\tFALSE\t/\tFALSE\tsoon\ty\tVALUE-y\n" + // 9
	"example.com\tFALSE\t/\tFALSE\t0\tblank\n" + // 10: six fields, empty value
	"example.com\tFALSE\tnopath\tFALSE\t0\tz\tVALUE-z\n" + // 11
	"example.com\tFALSE\t/\tFALSE\t0\tctl\tVALUE-\x01ctl\n" + // 12
	"Set-Cookie: a=VALUE-header; Path=/\n" + // 13
	"example.com\tFALSE\t/\n" + // 14
	"  example.com\tfalse\t/\ttrue\t1735689600.25\tfrac\tVALUE-frac\n" + // 15
	"example.com\tFALSE\t/\tFALSE\t\tpy\tVALUE-py" // 16: Python's empty expiry, no final newline

func TestParseNetscape(t *testing.T) {
	cs, errs := ParseNetscape(strings.NewReader(cookiesTxt), now)

	type row struct {
		source, name, value, domain, path string
		hostOnly, secure, httpOnly        bool
		expires                           int64
	}
	want := []row{
		{"cookies.txt:4", "session", "VALUE-session", "example.com", "/", false, false, false, 0},
		{"cookies.txt:5", "pref", "VALUE-pref", "www.example.com", "/app", true, true, false, 2000000000},
		{"cookies.txt:6", "old", "VALUE-old", "example.com", "/", false, true, true, 1600000000},
		{"cookies.txt:10", "blank", "", "example.com", "/", true, false, false, 0},
		{"cookies.txt:15", "frac", "VALUE-frac", "example.com", "/", true, true, false, 1735689600},
		{"cookies.txt:16", "py", "VALUE-py", "example.com", "/", true, false, false, 0},
	}
	if len(cs) != len(want) {
		t.Fatalf("ParseNetscape: %d cookies %v; want %d", len(cs), cs, len(want))
	}
	for i, c := range cs {
		var exp int64
		if !c.Expires.IsZero() {
			exp = c.Expires.Unix()
		}
		got := row{c.Source, c.Name, c.Value.Reveal(), c.Domain, c.Path, c.HostOnly, c.Secure, c.HTTPOnly, exp}
		if got != want[i] {
			t.Errorf("cookie %d = %+v; want %+v", i, got, want[i])
		}
		if !c.Created.IsZero() {
			t.Errorf("cookie %s: Created = %v; want zero (unknown)", c.Source, c.Created)
		}
	}
	if len(cs[2].Notes) != 1 {
		t.Errorf("an expired cookie: notes %q; want one", cs[2].Notes)
	}

	wantErr := map[int]string{
		7:  "spaces, not tabs",
		8:  "field 2 (include-subdomains)",
		9:  "field 5 (expiry)",
		11: "field 3 (path)",
		12: "control character",
		13: "Set-Cookie",
		14: "3 tab-separated fields",
	}
	if len(errs) != len(wantErr) {
		t.Errorf("ParseNetscape: %d errors %v; want %d", len(errs), errs, len(wantErr))
	}
	for _, err := range errs {
		var le *LineError
		if !errors.As(err, &le) {
			t.Errorf("error %T %v; want *LineError", err, err)
			continue
		}
		if w, ok := wantErr[le.Line]; !ok || !strings.Contains(err.Error(), w) {
			t.Errorf("error %q; want line %d to mention %q", err, le.Line, w)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("line %d:", le.Line)) {
			t.Errorf("error %q does not name its line", err)
		}
		if strings.Contains(err.Error(), "VALUE-") {
			t.Errorf("error %q shows a value", err)
		}
	}
}

func TestParseNetscapeLimits(t *testing.T) {
	t.Run("a line too long is skipped and the rest read", func(t *testing.T) {
		in := "example.com\tFALSE\t/\tFALSE\t0\tbig\t" + strings.Repeat("v", 100<<10) + "\n" +
			"example.com\tFALSE\t/\tFALSE\t0\tnext\t1\n"
		cs, errs := ParseNetscape(strings.NewReader(in), now)
		if len(cs) != 1 || cs[0].Name != "next" || cs[0].Source != "cookies.txt:2" {
			t.Errorf("cookies %v; want only next from line 2", cs)
		}
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), "line 1: longer than") {
			t.Errorf("errors %v; want line 1 too long", errs)
		}
	})
	t.Run("a file that is not a cookies.txt gets a bounded list of errors", func(t *testing.T) {
		in := strings.Repeat("this is not a cookie file\n", 500)
		cs, errs := ParseNetscape(strings.NewReader(in), now)
		if len(cs) != 0 || len(errs) != maxNetscapeErrors+1 || !strings.Contains(errs[len(errs)-1].Error(), "450 more") {
			t.Errorf("%d cookies, %d errors, last %v", len(cs), len(errs), errs[len(errs)-1])
		}
	})
	t.Run("a read error keeps what was read", func(t *testing.T) {
		r := io.MultiReader(strings.NewReader("example.com\tFALSE\t/\tFALSE\t0\ta\t1\n"), iotest.ErrReader(errors.New("disk on fire")))
		cs, errs := ParseNetscape(r, now)
		if len(cs) != 1 || len(errs) != 1 || !strings.Contains(errs[0].Error(), "disk on fire") {
			t.Errorf("%v, %v; want one cookie and the read error", cs, errs)
		}
	})
	t.Run("an empty file", func(t *testing.T) {
		cs, errs := ParseNetscape(strings.NewReader(""), now)
		if cs != nil || errs != nil {
			t.Errorf("%v, %v; want nothing", cs, errs)
		}
	})
	t.Run("a huge expiry is clamped", func(t *testing.T) {
		cs, _ := ParseNetscape(strings.NewReader("example.com\tFALSE\t/\tFALSE\t99999999999999999999\ta\t1\n"), now)
		if len(cs) != 1 || cs[0].Expires.Year() != 9999 {
			t.Errorf("%v; want expiry in 9999", cs)
		}
	})
}

// A cookies.txt cookie carries its scope and can be held back; the same
// Check explains it.
func TestNetscapeCookiesChecked(t *testing.T) {
	cs, _ := ParseNetscape(strings.NewReader(cookiesTxt), now)
	var j Jar
	j.Load(cs...)
	send, blocked := j.Select(Request{URL: mustURL(t, "http://www.example.com/"), Now: now})
	var got []string
	for _, c := range send {
		got = append(got, c.Name)
	}
	for _, b := range blocked {
		got = append(got, b.String())
	}
	want := []string{
		"session",
		"pref (host www.example.com, path /app, Secure, expires 2033-05-18T03:33:20Z, from cookies.txt:5): NotOnPath, also SecureOnly",
		"old (domain example.com, path /, Secure, HttpOnly, expires 2020-09-13T12:26:40Z, from cookies.txt:6): Expired, also SecureOnly",
		"blank (host example.com, path /, from cookies.txt:10): DomainMismatch",
		"frac (host example.com, path /, Secure, expires 2025-01-01T00:00:00Z, from cookies.txt:15): DomainMismatch, also Expired, SecureOnly",
		"py (host example.com, path /, from cookies.txt:16): DomainMismatch",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("Select:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
