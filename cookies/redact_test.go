package cookies

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"testing"

	"github.com/why401/why401/internal/redact"
)

// secret is a value that must never be seen outside Header.
const secret = "S3CR3T-cookie-value-42"

// printings returns every way a value may be printed.
func printings(t *testing.T, v any) []string {
	t.Helper()
	out := []string{
		fmt.Sprint(v),
		fmt.Sprintf("%v|%+v|%#v|%s|%q|%x", v, v, v, v, v, v),
	}
	if s, ok := v.(fmt.Stringer); ok {
		out = append(out, s.String())
	}
	if e, ok := v.(error); ok {
		out = append(out, e.Error())
	}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b))
	} else {
		t.Errorf("json.Marshal(%T): %v", v, err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "v", v)
	slog.New(slog.NewTextHandler(&buf, nil)).Info("x", "v", v)
	return append(out, buf.String())
}

func assertNoSecret(t *testing.T, what string, v any) {
	t.Helper()
	for _, s := range printings(t, v) {
		if strings.Contains(s, secret) || strings.Contains(s, fmt.Sprintf("%x", secret)) {
			t.Errorf("%s leaks the value: %s", what, s)
		}
	}
}

func TestNoValueInOutput(t *testing.T) {
	u, _ := url.Parse("https://example.com/app/login")
	c, err := ParseSetCookie("sid="+secret+"; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=3600", u, now)
	if err != nil {
		t.Fatal(err)
	}
	assertNoSecret(t, "a Cookie", c)
	assertNoSecret(t, "a *Cookie", &c)
	assertNoSecret(t, "a []Cookie", []Cookie{c})
	nameless := Cookie{Value: redact.New(secret), Domain: "example.com"}
	assertNoSecret(t, "a nameless Cookie", nameless)
	broken, err := ParseSetCookie("sid=x;"+secret+"; Path=/", u, now) // a value broken by a ";"
	if err != nil || len(broken.Notes) != 1 {
		t.Fatalf("ParseSetCookie of a broken value: %v, %v", broken.Notes, err)
	}
	assertNoSecret(t, "the notes of a Cookie", broken)
	assertNoSecret(t, "a Blocked", Blocked{Cookie: c, Reason: SecureOnly, Also: []Reason{Expired}})

	var j Jar
	j.Receive(Request{URL: u, Now: now}, []string{"sid=" + secret + "; Path=/"}, "entry 1")
	j.Receive(Request{URL: u, Now: now}, []string{"sid=; Path=/; Max-Age=0"}, "entry 2")
	assertNoSecret(t, "a Deletion", j.Deleted()[0])
	assertNoSecret(t, "Deleted()", j.Deleted())

	// Every refusal, with the secret in the value.
	for _, v := range []string{
		"sid=" + secret + "\x01",
		"sid=" + secret + strings.Repeat("x", 4096),
		"sid=" + secret + "; Domain=other.test",
		"sid=" + secret + "; Domain=com",
		"sid=" + secret + "; Secure",
		"sid=" + secret + "; SameSite=None",
		"__Host-sid=" + secret,
		"__Host-" + secret,
		secret + "\x7f",
		"sid=" + secret + "; Partitioned",
		"sid=x;" + secret + "; Secure", // a value broken by a ";"
	} {
		_, err := ParseSetCookie(v, mustURL(t, "http://example.com/"), now)
		if err == nil {
			t.Errorf("ParseSetCookie(%.20q…): no error", v)
			continue
		}
		assertNoSecret(t, "a Set-Cookie error", err)
	}
	errs := j.Receive(Request{URL: mustURL(t, "http://example.com/")}, []string{"sid=" + secret + "; Secure"}, "entry 3")
	assertNoSecret(t, "a Receive error", errs[0])
	assertNoSecret(t, "Rejected()", j.Rejected())

	// Cookie header strings: a bare word may be the secret itself.
	cs, err := ParseCookieHeader("a=" + secret + "; " + secret + "; b=\x01" + secret)
	if err == nil || len(cs) != 1 {
		t.Fatalf("ParseCookieHeader: %v, %v", cs, err)
	}
	assertNoSecret(t, "a Cookie header error", err)
	assertNoSecret(t, "a -b cookie", cs[0])

	// cookies.txt lines.
	_, lerrs := ParseNetscape(strings.NewReader(
		"example.com\tFALSE\t/\tFALSE\t0\tsid\t"+secret+"\x01\n"+
			"example.com\tMAYBE\t/\tFALSE\t0\tsid\t"+secret+"\n"+
			"sid\t"+secret+"\texample.com\t/\tFALSE\t0\tTRUE\n"+ // columns in another order
			"example.com\tFALSE\t/\t"+secret+"\t0\tsid\tx\n"+
			"example.com\tFALSE\t/\tFALSE\t"+secret+"\tsid\tx\n"+
			"example.com\tFALSE\t"+secret+"\tFALSE\t0\tsid\tx\n"+
			"example.com FALSE / FALSE 0 sid "+secret+"\n"+
			"example.com\t"+secret+"\n"), now)
	if len(lerrs) != 8 {
		t.Fatalf("ParseNetscape errors: %v", lerrs)
	}
	assertNoSecret(t, "cookies.txt errors", lerrs)
	for _, e := range lerrs {
		assertNoSecret(t, "a cookies.txt error", e)
	}
	assertNoSecret(t, "errors.Join", errors.Join(lerrs...))

	// Header is the one way out, on purpose.
	if h := Header([]Cookie{c}); h != "sid="+secret {
		t.Errorf("Header = %q; want the value on the wire", h)
	}
}
