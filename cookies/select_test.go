package cookies

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/why401/why401/internal/redact"
)

// checkCase is a cookie, a request, and the reasons it is not sent (nil:
// it is sent). Each reason's test puts the good case beside the bad one.
type checkCase struct {
	name string
	c    Cookie
	req  Request
	want []Reason
}

func runChecks(t *testing.T, cases []checkCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			if tt.req.Now.IsZero() {
				tt.req.Now = now
			}
			if got := Check(tt.c, tt.req); !slices.Equal(got, tt.want) {
				t.Errorf("Check(%v, %s) = %v; want %v", tt.c, tt.req.URL, got, tt.want)
			}
		})
	}
}

func sid(mod func(*Cookie)) Cookie {
	c := Cookie{Name: "sid", Value: redact.New("s3cr3t"), Domain: "example.com", HostOnly: true, Path: "/", Source: "test"}
	if mod != nil {
		mod(&c)
	}
	return c
}

func get(t *testing.T, u string) Request { return Request{URL: mustURL(t, u), Now: now} }

// from is a request made by a page of another (or the same) site.
func from(t *testing.T, page, u, method string, nav bool) Request {
	return Request{URL: mustURL(t, u), Now: now, Method: method, SiteForCookies: mustURL(t, page), TopLevelNavigation: nav}
}

func TestCheckDomainMismatch(t *testing.T) {
	domain := func(c *Cookie) { c.HostOnly = false }
	runChecks(t, []checkCase{
		{"a host-only cookie goes to its host", sid(nil), get(t, "https://example.com/"), nil},
		{"a host-only cookie does not go to a subdomain", sid(nil), get(t, "https://www.example.com/"), []Reason{DomainMismatch}},
		{"a domain cookie goes to a subdomain", sid(domain), get(t, "https://www.example.com/"), nil},
		{"a domain cookie does not go to a parent", sid(func(c *Cookie) { c.HostOnly = false; c.Domain = "app.example.com" }),
			get(t, "https://example.com/"), []Reason{DomainMismatch}},
		{"a domain cookie does not go to a look-alike", sid(domain), get(t, "https://badexample.com/"), []Reason{DomainMismatch}},
		{"host names are compared without case", sid(nil), get(t, "https://EXAMPLE.com/"), nil},
		{"a -b cookie without a domain goes anywhere", Cookie{Name: "a", Value: redact.New("1")}, get(t, "https://any.test/x/y"), nil},
	})
}

func TestCheckNotOnPath(t *testing.T) {
	app := func(c *Cookie) { c.Path = "/app" }
	runChecks(t, []checkCase{
		{"a cookie goes below its path", sid(app), get(t, "https://example.com/app/users"), nil},
		{"a cookie goes to its path", sid(app), get(t, "https://example.com/app"), nil},
		{"a cookie does not go beside its path", sid(app), get(t, "https://example.com/api/users"), []Reason{NotOnPath}},
		{"a cookie does not go to a longer name", sid(app), get(t, "https://example.com/application"), []Reason{NotOnPath}},
		{"a cookie does not go to the root", sid(app), get(t, "https://example.com/"), []Reason{NotOnPath}},
	})
}

func TestCheckExpired(t *testing.T) {
	runChecks(t, []checkCase{
		{"a session cookie is sent", sid(nil), get(t, "https://example.com/"), nil},
		{"a cookie expiring later is sent", sid(func(c *Cookie) { c.Expires = now.Add(time.Second) }), get(t, "https://example.com/"), nil},
		{"a cookie expiring now is not", sid(func(c *Cookie) { c.Expires = now }), get(t, "https://example.com/"), []Reason{Expired}},
		{"a cookie that expired is not", sid(func(c *Cookie) { c.Expires = now.Add(-time.Hour) }), get(t, "https://example.com/"), []Reason{Expired}},
	})
}

func TestCheckSecureOnly(t *testing.T) {
	secure := func(c *Cookie) { c.Secure = true }
	local := func(c *Cookie) { c.Secure = true; c.Domain = "localhost" }
	loop := func(c *Cookie) { c.Secure = true; c.Domain = "127.0.0.1" }
	runChecks(t, []checkCase{
		{"a Secure cookie goes over https", sid(secure), get(t, "https://example.com/"), nil},
		{"a Secure cookie does not go over http", sid(secure), get(t, "http://example.com/"), []Reason{SecureOnly}},
		{"a Secure cookie goes to http://localhost", sid(local), get(t, "http://localhost:8080/"), nil},
		{"a Secure cookie goes to http://127.0.0.1", sid(loop), get(t, "http://127.0.0.1:8080/"), nil},
		{"a plain cookie goes over http", sid(nil), get(t, "http://example.com/"), nil},
	})
}

func TestCheckSameSiteNoneInsecure(t *testing.T) {
	runChecks(t, []checkCase{
		{"SameSite=None with Secure is sent cross-site", sid(func(c *Cookie) { c.SameSite = None; c.Secure = true }),
			from(t, "https://other.test/", "https://example.com/api", "POST", false), nil},
		{"SameSite=None without Secure is not sent", sid(func(c *Cookie) { c.SameSite = None }),
			get(t, "https://example.com/"), []Reason{SameSiteNoneInsecure}},
	})
}

func TestCheckThirdPartyBlocked(t *testing.T) {
	none := func(c *Cookie) { c.SameSite = None; c.Secure = true }
	chips := func(c *Cookie) { none(c); c.Partitioned = true }
	block := func(r Request) Request { r.BlockThirdParty = true; return r }
	runChecks(t, []checkCase{
		{"third-party cookies allowed", sid(none), from(t, "https://other.test/", "https://example.com/", "GET", false), nil},
		{"third-party cookies blocked", sid(none), block(from(t, "https://other.test/", "https://example.com/", "GET", false)),
			[]Reason{ThirdPartyBlocked}},
		{"a Partitioned cookie passes the block", sid(chips), block(from(t, "https://other.test/", "https://example.com/", "GET", false)), nil},
		{"first-party requests are not affected", sid(none), block(from(t, "https://www.example.com/", "https://example.com/", "GET", false)), nil},
	})
}

func TestCheckSameSiteStrict(t *testing.T) {
	strict := func(c *Cookie) { c.SameSite = Strict; c.Secure = true }
	runChecks(t, []checkCase{
		{"Strict goes on a same-site request", sid(strict), from(t, "https://www.example.com/", "https://example.com/", "POST", false), nil},
		{"Strict goes on a request with no page", sid(strict), get(t, "https://example.com/"), nil},
		{"Strict does not go on a cross-site navigation", sid(strict), from(t, "https://mail.test/", "https://example.com/", "GET", true),
			[]Reason{SameSiteStrict}},
		{"Strict does not go from the http page of the same domain", sid(strict),
			from(t, "http://example.com/", "https://example.com/", "GET", true), []Reason{SchemefulSameSiteStrict}},
	})
}

func TestCheckSameSiteLax(t *testing.T) {
	lax := func(c *Cookie) { c.SameSite = Lax }
	runChecks(t, []checkCase{
		{"Lax goes on a cross-site top-level GET", sid(lax), from(t, "https://mail.test/", "https://example.com/", "GET", true), nil},
		{"Lax goes on a cross-site top-level HEAD", sid(lax), from(t, "https://mail.test/", "https://example.com/", "head", true), nil},
		{"Lax does not go on a cross-site top-level POST", sid(lax), from(t, "https://mail.test/", "https://example.com/", "POST", true),
			[]Reason{SameSiteLax}},
		{"Lax does not go on a cross-site fetch", sid(lax), from(t, "https://mail.test/", "https://example.com/api", "GET", false),
			[]Reason{SameSiteLax}},
		{"Lax goes on a same-site fetch", sid(lax), from(t, "https://app.example.com/", "https://example.com/api", "POST", false), nil},
		{"Lax does not go on a fetch from the http page of the same domain", sid(lax),
			from(t, "http://example.com/", "https://example.com/api", "GET", false), []Reason{SchemefulSameSiteLax}},
	})
}

func TestCheckSameSiteUnspecifiedTreatedAsLax(t *testing.T) {
	old := func(c *Cookie) { c.Created = now.Add(-time.Hour) }
	young := func(c *Cookie) { c.Created = now.Add(-time.Minute) }
	runChecks(t, []checkCase{
		{"no SameSite goes on a cross-site top-level GET", sid(old), from(t, "https://idp.test/", "https://example.com/", "GET", true), nil},
		{"no SameSite does not go on a cross-site fetch", sid(old), from(t, "https://idp.test/", "https://example.com/", "GET", false),
			[]Reason{SameSiteUnspecifiedTreatedAsLax}},
		{"no SameSite does not go on an old cookie's cross-site POST", sid(old), from(t, "https://idp.test/", "https://example.com/acs", "POST", true),
			[]Reason{SameSiteUnspecifiedTreatedAsLax}},
		// Chromium's Lax+POST: a cookie at most two minutes old still goes
		// on a top-level cross-site POST (an SSO form post right after login).
		{"no SameSite goes on a young cookie's cross-site POST", sid(young), from(t, "https://idp.test/", "https://example.com/acs", "POST", true), nil},
		{"Lax+POST needs a top-level navigation", sid(young), from(t, "https://idp.test/", "https://example.com/acs", "POST", false),
			[]Reason{SameSiteUnspecifiedTreatedAsLax}},
		{"Lax+POST needs a known creation time", sid(nil), from(t, "https://idp.test/", "https://example.com/acs", "POST", true),
			[]Reason{SameSiteUnspecifiedTreatedAsLax}},
		{"no SameSite does not go on a fetch from the http page of the same domain", sid(old),
			from(t, "http://example.com/", "https://example.com/api", "GET", false), []Reason{SchemefulSameSiteUnspecifiedTreatedAsLax}},
		{"a -b cookie is held back cross-site too", Cookie{Name: "a", Value: redact.New("1")},
			from(t, "https://idp.test/", "https://example.com/", "GET", false), []Reason{SameSiteUnspecifiedTreatedAsLax}},
	})
}

func TestCheckTooLarge(t *testing.T) {
	runChecks(t, []checkCase{
		{"4096 bytes of name and value is sent", sid(func(c *Cookie) { c.Value = redact.New(strings.Repeat("v", 4093)) }),
			get(t, "https://example.com/"), nil},
		{"4097 bytes is not", sid(func(c *Cookie) { c.Value = redact.New(strings.Repeat("v", 4094)) }),
			get(t, "https://example.com/"), []Reason{TooLarge}},
	})
}

// Several reasons come in order of importance, the first one to fix first.
func TestCheckReasonsInOrder(t *testing.T) {
	c := sid(func(c *Cookie) {
		c.Path = "/app"
		c.Secure = true
		c.Expires = now.Add(-time.Hour)
		c.SameSite = Strict
	})
	req := from(t, "https://other.test/", "http://www.example.com/api", "GET", true)
	want := []Reason{DomainMismatch, NotOnPath, Expired, SecureOnly, SameSiteStrict}
	runChecks(t, []checkCase{{"every reason at once", c, req, want}})
}

func TestSelectAndHeader(t *testing.T) {
	var j Jar
	t0 := now.Add(-time.Hour)
	j.Load(
		Cookie{Name: "root", Value: redact.New("r"), Domain: "example.com", Path: "/", Created: t0},
		Cookie{Name: "deep", Value: redact.New("d"), Domain: "example.com", Path: "/app/x", Created: t0.Add(2 * time.Second)},
		Cookie{Name: "app2", Value: redact.New("a2"), Domain: "example.com", Path: "/app", Created: t0.Add(time.Second)},
		Cookie{Name: "app1", Value: redact.New("a1"), Domain: "example.com", Path: "/app", Created: t0},
		Cookie{Name: "other", Value: redact.New("o"), Domain: "other.test", Path: "/", Created: t0},
		Cookie{Name: "gone", Value: redact.New("g"), Domain: "example.com", Path: "/", Expires: t0, Created: t0},
		Cookie{Name: "", Value: redact.New("bare"), Domain: "example.com", Path: "/", Created: t0.Add(time.Minute)},
	)
	send, blocked := j.Select(get(t, "https://www.example.com/app/x/y"))
	var names []string
	for _, c := range send {
		names = append(names, c.Name)
	}
	if want := []string{"deep", "app1", "app2", "root", ""}; !slices.Equal(names, want) {
		t.Errorf("Select sent %q; want %q (longer paths first, then older)", names, want)
	}
	if h, want := Header(send), "deep=d; app1=a1; app2=a2; root=r; bare"; h != want {
		t.Errorf("Header = %q; want %q", h, want)
	}
	if h := Header(j.All()[:4]); h != "deep=d; app1=a1; app2=a2; root=r" {
		t.Errorf("Header of unsorted cookies = %q; want them sorted", h)
	}
	var got []string
	for _, b := range blocked {
		got = append(got, b.Cookie.Name+":"+b.Reason.String())
	}
	if want := []string{"other:DomainMismatch", "gone:Expired"}; !slices.Equal(got, want) {
		t.Errorf("Select blocked %q; want %q", got, want)
	}
	if blocked[0].Cookie.RelatedTo(mustURL(t, "https://www.example.com/")) || !blocked[1].Cookie.RelatedTo(mustURL(t, "https://www.example.com/")) {
		t.Error("RelatedTo: want other.test unrelated and example.com related to www.example.com")
	}
	if s, b := j.Select(Request{}); s != nil || b != nil {
		t.Error("Select without a URL selected something")
	}
}

// Every reason has a Chromium name and a sentence.
func TestReasonNames(t *testing.T) {
	for r := DomainMismatch; r <= OverwriteSecure; r++ {
		if strings.HasPrefix(r.String(), "Reason(") || r.Explain() == r.String() || !strings.HasSuffix(r.Explain(), ".") {
			t.Errorf("Reason %d: String %q, Explain %q", int(r), r.String(), r.Explain())
		}
	}
	for s, want := range map[SameSite]Reason{Strict: SchemefulSameSiteStrict, Lax: SchemefulSameSiteLax, Unspecified: SchemefulSameSiteUnspecifiedTreatedAsLax} {
		if got := sameSiteReason(s, true); got != want {
			t.Errorf("sameSiteReason(%v, schemeful) = %v; want %v", s, got, want)
		}
	}
}

func TestSameSiteText(t *testing.T) {
	for s := Unspecified; s <= Strict; s++ {
		b, _ := s.MarshalText()
		var back SameSite
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("SameSite %v: text %q read back as %v, %v", s, b, back, err)
		}
	}
	var s SameSite
	if err := s.UnmarshalText([]byte("Nonee")); err == nil {
		t.Error(`UnmarshalText("Nonee"): no error`)
	}
}
