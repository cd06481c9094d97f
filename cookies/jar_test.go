package cookies

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// entry is one HAR entry replayed through a browser session.
type entry struct {
	url       string
	setCookie []string
}

func replay(t *testing.T, j *Jar, entries []entry, at func(i int) time.Time) {
	t.Helper()
	for i, e := range entries {
		if errs := j.Receive(Request{URL: mustURL(t, e.url), Now: at(i)}, e.setCookie, fmt.Sprintf("Set-Cookie from entry %d", i)); errs != nil {
			t.Fatalf("entry %d: %v", i, errs)
		}
	}
}

func names(cs []Cookie) []string {
	var n []string
	for _, c := range cs {
		n = append(n, c.Name)
	}
	return n
}

// The replay scenario: login sets sid; a later response clears it with
// Max-Age=0; the next request lacks sid, and Deleted names the response.
func TestReplayLogoutDeletesSession(t *testing.T) {
	var j Jar
	at := func(i int) time.Time { return now.Add(time.Duration(i) * time.Second) }
	replay(t, &j, []entry{
		{"https://app.example.com/login", []string{"sid=VALUE-sid; Path=/; Secure; HttpOnly; SameSite=Lax", "theme=dark; Path=/"}},
		{"https://app.example.com/api/me", nil},
		{"https://app.example.com/api/session/check", []string{"sid=; Path=/; Max-Age=0"}},
	}, at)

	send, blocked := j.Select(Request{URL: mustURL(t, "https://app.example.com/api/me"), Now: at(3)})
	if got := names(send); !slices.Equal(got, []string{"theme"}) {
		t.Errorf("after the deletion, sent %q; want only theme", got)
	}
	if len(blocked) != 0 {
		t.Errorf("blocked %v; want none (sid is gone, not blocked)", blocked)
	}
	ds := j.Deleted()
	if len(ds) != 1 {
		t.Fatalf("Deleted() = %v; want one deletion", ds)
	}
	d := ds[0]
	if d.Cookie.Name != "sid" || !d.Existed || d.Source != "Set-Cookie from entry 2" || d.How != "Max-Age=0" || !d.At.Equal(at(2)) {
		t.Errorf("Deleted()[0] = %+v", d)
	}
	if d.Cookie.Value.Reveal() != "VALUE-sid" || !d.Cookie.Created.Equal(at(0)) {
		t.Errorf("the deletion does not hold the cookie that was removed: %v", d.Cookie)
	}
	if s, want := d.String(), `"sid" (app.example.com, path /) deleted by Max-Age=0 in Set-Cookie from entry 2`; s != want {
		t.Errorf("Deletion.String() = %q; want %q", s, want)
	}
}

func TestJarSet(t *testing.T) {
	u := mustURL(t, "https://example.com/app/login")
	parse := func(v string, at time.Time) Cookie {
		c, err := ParseSetCookie(v, u, at)
		if err != nil {
			t.Fatal(err)
		}
		c.Source = "test"
		return c
	}
	t.Run("a replacement keeps the first creation time", func(t *testing.T) {
		var j Jar
		j.Set(parse("sid=1; Path=/", now), now)
		j.Set(parse("sid=2; Path=/", now.Add(time.Hour)), now.Add(time.Hour))
		all := j.All()
		if len(all) != 1 || all[0].Value.Reveal() != "2" || !all[0].Created.Equal(now) {
			t.Errorf("All() = %v; want sid=2 created at %v", all, now)
		}
	})
	t.Run("a deletion on another path deletes nothing", func(t *testing.T) {
		var j Jar
		j.Set(parse("sid=1; Path=/", now), now)
		j.Set(parse("sid=; Max-Age=0", now), now) // default path /app: another cookie
		if got := names(j.All()); !slices.Equal(got, []string{"sid"}) {
			t.Errorf("All() = %q; want sid kept", got)
		}
		ds := j.Deleted()
		if len(ds) != 1 || ds[0].Existed || ds[0].Cookie.Path != "/app" {
			t.Errorf("Deleted() = %v; want one deletion of an unseen cookie on /app", ds)
		}
	})
	t.Run("a host-only cookie and a domain cookie are two cookies", func(t *testing.T) {
		var j Jar
		j.Set(parse("sid=1; Path=/", now), now)
		j.Set(parse("sid=2; Path=/; Domain=example.com", now), now)
		if len(j.All()) != 2 {
			t.Errorf("All() = %v; want both", j.All())
		}
	})
	t.Run("Expires in the past deletes", func(t *testing.T) {
		var j Jar
		j.Set(parse("sid=1; Path=/", now), now)
		j.Set(parse("sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT", now), now)
		ds := j.Deleted()
		if len(j.All()) != 0 || len(ds) != 1 || ds[0].How != "Expires=1970-01-01T00:00:00Z" {
			t.Errorf("All() = %v, Deleted() = %v", j.All(), ds)
		}
	})
	t.Run("Load keeps expired cookies for Select to explain", func(t *testing.T) {
		var j Jar
		j.Load(Cookie{Name: "old", Domain: ".Example.com", Path: "/", Expires: now.Add(-time.Hour)})
		_, blocked := j.Select(Request{URL: u, Now: now})
		if len(blocked) != 1 || blocked[0].Reason != Expired || len(j.Deleted()) != 0 {
			t.Errorf("blocked %v, deleted %v; want old Expired and no deletion", blocked, j.Deleted())
		}
		if j.All()[0].Domain != "example.com" {
			t.Errorf("Load kept Domain %q; want example.com", j.All()[0].Domain)
		}
	})
}

// Receive applies the storage rules that need the request's context.
func TestJarReceive(t *testing.T) {
	reasonOf := func(errs []error) Reason {
		if len(errs) != 1 {
			t.Fatalf("errors %v; want one", errs)
		}
		var se *SetCookieError
		if !errors.As(errs[0], &se) {
			t.Fatalf("error %T; want *SetCookieError", errs[0])
		}
		return se.Reason
	}
	t.Run("plain http cannot overwrite a Secure cookie", func(t *testing.T) {
		var j Jar
		j.Receive(Request{URL: mustURL(t, "https://example.com/"), Now: now}, []string{"sid=1; Secure; Path=/"}, "entry 0")
		errs := j.Receive(Request{URL: mustURL(t, "http://example.com/"), Now: now}, []string{"sid=2; Path=/"}, "entry 1")
		if r := reasonOf(errs); r != OverwriteSecure {
			t.Errorf("reason %v; want OverwriteSecure", r)
		}
		if got := j.All(); len(got) != 1 || got[0].Value.Reveal() != "1" {
			t.Errorf("All() = %v; want the Secure cookie kept", got)
		}
		rej := j.Rejected()
		if len(rej) != 1 || rej[0].Source != "entry 1" || rej[0].Index != 0 || rej[0].Name != "sid" {
			t.Errorf("Rejected() = %+v", rej)
		}
		// A cookie of another name is fine.
		if errs := j.Receive(Request{URL: mustURL(t, "http://example.com/"), Now: now}, []string{"x=2"}, "entry 2"); errs != nil {
			t.Errorf("another name: %v", errs)
		}
	})
	page := mustURL(t, "https://shop.test/")
	api := mustURL(t, "https://api.example.com/")
	t.Run("a cross-site subresource cannot set a Lax cookie", func(t *testing.T) {
		var j Jar
		errs := j.Receive(Request{URL: api, Now: now, SiteForCookies: page}, []string{"sid=1; SameSite=Lax; Secure"}, "entry 0")
		if r := reasonOf(errs); r != SameSiteLax {
			t.Errorf("reason %v; want SameSiteLax", r)
		}
		errs = j.Receive(Request{URL: api, Now: now, SiteForCookies: page}, []string{"sid=1"}, "entry 0")
		if r := reasonOf(errs); r != SameSiteUnspecifiedTreatedAsLax {
			t.Errorf("reason %v; want SameSiteUnspecifiedTreatedAsLax", r)
		}
	})
	t.Run("a cross-site top-level navigation can set a Lax cookie", func(t *testing.T) {
		var j Jar
		errs := j.Receive(Request{URL: api, Now: now, SiteForCookies: page, TopLevelNavigation: true, Method: "POST"}, []string{"sid=1; SameSite=Strict; Secure"}, "entry 0")
		if errs != nil || len(j.All()) != 1 {
			t.Errorf("errors %v; want the cookie stored", errs)
		}
	})
	t.Run("a cross-site subresource can set SameSite=None", func(t *testing.T) {
		var j Jar
		if errs := j.Receive(Request{URL: api, Now: now, SiteForCookies: page}, []string{"sid=1; SameSite=None; Secure"}, "entry 0"); errs != nil {
			t.Errorf("errors %v", errs)
		}
		errs := j.Receive(Request{URL: api, Now: now, SiteForCookies: page, BlockThirdParty: true}, []string{"t=1; SameSite=None; Secure"}, "entry 1")
		if r := reasonOf(errs); r != ThirdPartyBlocked {
			t.Errorf("reason %v; want ThirdPartyBlocked", r)
		}
	})
	t.Run("a request without a URL stores nothing", func(t *testing.T) {
		var j Jar
		if errs := j.SetFromResponse(nil, []string{"a=1"}, now); len(errs) != 1 || len(j.All()) != 0 || len(j.Rejected()) != 0 {
			t.Errorf("errors %v, All() %v", errs, j.All())
		}
	})
	t.Run("refusals are recorded in order with their source", func(t *testing.T) {
		var j Jar
		errs := j.SetFromResponse(mustURL(t, "http://example.com/login?token=abc"), []string{"ok=1", "sid=1; Secure", "x=1; Domain=other.test"}, now)
		if len(errs) != 2 {
			t.Fatalf("errors %v; want two", errs)
		}
		rej := j.Rejected()
		if len(rej) != 2 || rej[0].Index != 1 || rej[1].Index != 2 || rej[0].Reason != SecureOnly || rej[1].Reason != InvalidDomain {
			t.Errorf("Rejected() = %+v", rej)
		}
		if src := rej[0].Source; src != "Set-Cookie from http://example.com/login?token=<redacted>" {
			t.Errorf("Source = %q; want the redacted URL", src)
		}
		if !strings.Contains(errs[0].Error(), "[Set-Cookie from http://example.com/login?token=<redacted>]") {
			t.Errorf("error %q does not say where the Set-Cookie came from", errs[0])
		}
	})
}

// Checks run concurrently and may share a jar.
func TestJarConcurrentUse(t *testing.T) {
	var j Jar
	u := mustURL(t, "https://example.com/")
	done := make(chan bool)
	for g := range 4 {
		go func() {
			for i := range 50 {
				j.Receive(Request{URL: u, Now: now}, []string{fmt.Sprintf("c%d=%d; Path=/", g, i)}, "test")
				j.Select(Request{URL: u, Now: now})
				j.Deleted()
			}
			done <- true
		}()
	}
	for range 4 {
		<-done
	}
	if n := len(j.All()); n != 4 {
		t.Errorf("All() holds %d cookies; want 4", n)
	}
}
